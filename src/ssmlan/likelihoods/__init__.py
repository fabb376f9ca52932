"""Likelihoods: the analytic DDM and ddm_sdv (NumPy, JAX and PyTensor from one source)."""

from ssmlan.likelihoods.ddm_analytic import (
    ddm_choice_logp,
    ddm_log_survival,
    ddm_logp,
    ddm_mean_decision_time,
    ddm_sdv_choice_logp,
    ddm_sdv_log_survival,
    ddm_sdv_logp,
)

__all__ = [
    "ddm_choice_logp",
    "ddm_log_survival",
    "ddm_logp",
    "ddm_mean_decision_time",
    "ddm_sdv_choice_logp",
    "ddm_sdv_log_survival",
    "ddm_sdv_logp",
]
