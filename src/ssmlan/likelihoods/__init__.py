"""Likelihoods: the analytic DDM (NumPy, JAX and PyTensor from one source)."""

from ssmlan.likelihoods.ddm_analytic import (
    ddm_choice_logp,
    ddm_log_survival,
    ddm_logp,
    ddm_mean_decision_time,
)

__all__ = ["ddm_choice_logp", "ddm_log_survival", "ddm_logp", "ddm_mean_decision_time"]
