"""`ssmlan check gonogo`: what the withheld presses of a Go/NoGo task add to the posterior.

Each data set's true free parameters (the ddm's v, a, t, the angle's also theta; z fixed) are
drawn from the Go/NoGo model's prior, uniform over the model's training box, and its trials
simulated. It is fitted twice: with the
withheld presses in the likelihood (CPN term), and with them dropped (each press conditioned on
there being one). Per parameter the summary reports the mean ratio of posterior SDs
(with / without; below 1 means the withheld trials carry information) and, for both fits, the
coverage of the 50% and 90% central intervals (calibration: about 0.5 and 0.9 when the truth is
drawn from the prior).
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import numpy as np

from ssmlan.checks.datasets import simulate_gonogo_dataset
from ssmlan.checks.posteriors import as_lan, sample_draws, summarise_draws
from ssmlan.checks.runner import FitJob, FitOptions, run_check
from ssmlan.plots.checks import plot_gonogo
from ssmlan.pymc.gonogo import free_params, gonogo_model, gonogo_spec

VARIANTS = ("with_withheld", "without_withheld")


def fit_gonogo(job: FitJob) -> dict:
    """Fit one simulated Go/NoGo data set with and without its withheld presses."""
    truth, data = simulate_gonogo_dataset(job.model, job.index, job.n_trials, job.seed)
    result = {"index": job.index, "truth": truth, "n_withheld": int(data["rt"].isna().sum())}
    lan = as_lan(job.lan)
    free = free_params(job.model)
    for variant, withheld in zip(VARIANTS, ("model", "drop"), strict=True):
        pymc_model = gonogo_model(data, model=job.model, route="jax", lan=lan, withheld=withheld)
        draws = sample_draws(pymc_model, free, job.draws, job.tune, job.index)
        result[variant] = summarise_draws(draws)
    return result


def _covered(stats: dict, truth: float, low: str, high: str) -> bool:
    return stats[low] <= truth <= stats[high]


def summarise_gonogo(fits: list[dict]) -> dict:
    """Per parameter: mean SD ratio (with / without withheld trials) and interval coverage."""
    summary = {}
    for name in fits[0]["truth"]:
        ratio = np.array(
            [f["with_withheld"][name]["sd"] / f["without_withheld"][name]["sd"] for f in fits]
        )
        entry = {"sd_ratio_mean": float(ratio.mean()), "sd_ratio_median": float(np.median(ratio))}
        for variant in VARIANTS:
            for level, (low, high) in (("50", ("q25", "q75")), ("90", ("q05", "q95"))):
                covered = [_covered(f[variant][name], f["truth"][name], low, high) for f in fits]
                entry[f"coverage{level}_{variant}"] = float(np.mean(covered))
        summary[name] = entry
    return summary


def check_gonogo(
    model: str = "ddm",
    n_datasets: int = 100,
    out: Path | str = "checks",
    *,
    n_trials: int = 1000,
    **options: Unpack[FitOptions],
) -> dict:
    """Run the comparison; write ``summary.json``, ``fits.json`` and ``information.png``."""
    gonogo_spec(model)
    if n_datasets <= 0:
        raise ValueError(f"n_datasets must be positive; got {n_datasets}.")
    return run_check(
        fit_gonogo,
        model,
        n_datasets,
        out,
        n_trials=n_trials,
        summarise=summarise_gonogo,
        plot=lambda fits, summary: plot_gonogo(fits, summary, free_params(model)),
        figure_name="information.png",
        desc="check gonogo",
        **options,
    )
