"""`ssmlan check recovery`: fit simulated data sets with the networks and compare with the truth.

Per parameter: R^2 of posterior mean against true value, the coverage of the central 50% and
90% credible intervals (calibrated posteriors cover the truth in about 50% and 90% of data sets),
and the mean posterior SD over the prior's (uniform over the training box): near 1 the data say
little about the parameter (not identifiable at this number of trials), and a low R^2 says no
more than that.
Anchor: the LAN paper reports R^2 >= 0.99 for all ddm parameters and >= 0.93 for angle at 1024
trials.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import numpy as np

from ssmlan.checks.datasets import simulate_dataset
from ssmlan.checks.posteriors import posterior_stats
from ssmlan.checks.runner import FitJob, FitOptions, run_check
from ssmlan.models import get_model
from ssmlan.plots.checks import plot_recovery


def fit_one(job: FitJob) -> dict:
    """Posterior summary of one simulated data set, fitted with the networks."""
    theta, frame = simulate_dataset(job.model, job.index, job.n_trials, job.seed)
    stats = posterior_stats(
        frame, job.model, "network", job.draws, job.tune, job.index, lan=job.lan
    )
    return {"index": job.index, "truth": theta.tolist(), "n_trials": len(frame), "posterior": stats}


def summarise_recovery(model: str, fits: list[dict]) -> dict:
    """R^2, 50% / 90% interval coverage and posterior width per parameter."""
    spec = get_model(model)
    prior_sd = (spec.upper - spec.lower) / np.sqrt(12.0)  # uniform over the training box
    summary = {}
    for j, name in enumerate(spec.param_names):
        truth = np.array([f["truth"][j] for f in fits])
        rows = [f["posterior"][name] for f in fits]
        mean = np.array([r["mean"] for r in rows])
        sd_mean = np.mean([r["sd"] for r in rows])
        residual = np.sum((truth - mean) ** 2)
        spread = np.sum((truth - truth.mean()) ** 2)
        summary[name] = {
            "r2": float(1.0 - residual / spread) if spread > 0 else float("nan"),
            "coverage_50": float(
                np.mean([r["q25"] <= x <= r["q75"] for r, x in zip(rows, truth, strict=True)])
            ),
            "coverage_90": float(
                np.mean([r["q05"] <= x <= r["q95"] for r, x in zip(rows, truth, strict=True)])
            ),
            "mean_abs_error": float(np.mean(np.abs(truth - mean))),
            "posterior_sd_mean": float(sd_mean),
            "sd_ratio_to_prior": float(sd_mean / prior_sd[j]),
        }
    return summary


def check_recovery(
    model: str = "ddm",
    n_datasets: int = 100,
    out: Path | str = "checks",
    *,
    n_trials: int = 1024,
    **options: Unpack[FitOptions],
) -> dict:
    """Run the recovery study; write ``summary.json``, ``fits.json`` and ``recovery.png``."""
    if n_datasets <= 1:
        raise ValueError(f"n_datasets must be at least 2 (R^2 needs spread); got {n_datasets}.")
    return run_check(
        fit_one,
        model,
        n_datasets,
        out,
        n_trials=n_trials,
        summarise=lambda fits: summarise_recovery(model, fits),
        plot=lambda fits, summary: plot_recovery(fits, summary, get_model(model).param_names),
        figure_name="recovery.png",
        desc="check recovery",
        **options,
    )
