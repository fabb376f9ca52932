"""`ssmlan check posterior`: network posterior vs analytic-likelihood posterior, same data.

For each data set: true parameters drawn uniformly in the inner 80% of the training box,
``n_trials`` simulated trials, then two fits with identical priors (uniform over the box) and
sampler: one with the shipped networks, one with the analytic DDM likelihood. Per parameter, the
summary reports the mean over data sets of ``|mean_network - mean_analytic| / sd_analytic``
(``mean_abs_diff_sd``) and of ``sd_network / sd_analytic`` (``sd_ratio``). Target:
mean_abs_diff_sd <= 0.2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import numpy as np

from ssmlan.checks.datasets import simulate_dataset
from ssmlan.checks.posteriors import as_lan, posterior_stats
from ssmlan.checks.runner import FitJob, FitOptions, run_check
from ssmlan.models import get_model
from ssmlan.plots.checks import plot_agreement

TARGET_MEAN_ABS_DIFF_SD = 0.2


def fit_pair(job: FitJob) -> dict:
    """Fit one simulated data set with the network and with the analytic likelihood."""
    theta, frame = simulate_dataset(job.model, job.index, job.n_trials, job.seed)
    result = {"index": job.index, "truth": theta.tolist(), "n_trials": len(frame)}
    lan = as_lan(job.lan)  # loaded once for both fits; the analytic fit ignores it
    for likelihood in ("network", "analytic"):
        stats = posterior_stats(
            frame, job.model, likelihood, job.draws, job.tune, job.index, lan=lan
        )
        result[likelihood] = {name: [row["mean"], row["sd"]] for name, row in stats.items()}
    return result


def summarise(model: str, fits: list[dict]) -> dict:
    """Per parameter: mean |difference of means| in analytic SDs, and the mean SD ratio."""
    summary = {}
    for name in get_model(model).param_names:
        net = np.array([f["network"][name] for f in fits])
        exact = np.array([f["analytic"][name] for f in fits])
        diff_sd = np.abs(net[:, 0] - exact[:, 0]) / exact[:, 1]
        summary[name] = {
            "mean_abs_diff_sd": float(diff_sd.mean()),
            "max_abs_diff_sd": float(diff_sd.max()),
            "sd_ratio": float((net[:, 1] / exact[:, 1]).mean()),
            "passed": bool(diff_sd.mean() <= TARGET_MEAN_ABS_DIFF_SD),
        }
    return summary


def check_posterior(
    model: str = "ddm",
    n_datasets: int = 100,
    out: Path | str = "checks",
    *,
    n_trials: int = 1000,
    **options: Unpack[FitOptions],
) -> dict:
    """Run the comparison; write ``summary.json``, ``fits.json`` and ``agreement.png``."""
    spec = get_model(model)
    if spec.analytic_logp is None:
        raise ValueError(f"Model {model!r} has no analytic likelihood to compare against.")
    if n_datasets <= 0:
        raise ValueError(f"n_datasets must be positive; got {n_datasets}.")
    return run_check(
        fit_pair,
        model,
        n_datasets,
        out,
        n_trials=n_trials,
        summarise=lambda fits: summarise(model, fits),
        plot=lambda fits, _: plot_agreement(fits, get_model(model).param_names),
        figure_name="agreement.png",
        desc="check posterior",
        **options,
    )
