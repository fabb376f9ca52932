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
from matplotlib.figure import Figure

from ssmlan.checks.fitting import FitOptions, as_lan, posterior_stats, run_check, simulate_dataset
from ssmlan.models import get_model

TARGET_MEAN_ABS_DIFF_SD = 0.2


def fit_pair(
    model: str, index: int, n_trials: int, draws: int, tune: int, seed: int, lan=None
) -> dict:
    """Fit one simulated data set with the network and with the analytic likelihood."""
    theta, frame = simulate_dataset(model, index, n_trials, seed)
    result = {"index": index, "truth": theta.tolist(), "n_trials": len(frame)}
    lan = as_lan(lan)  # loaded once for both fits; the analytic fit ignores it
    for likelihood in ("network", "analytic"):
        stats = posterior_stats(frame, model, likelihood, draws, tune, index, lan=lan)
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


def plot_agreement(model: str, fits: list[dict]) -> Figure:
    names = get_model(model).param_names
    fig = Figure(figsize=(3.4 * len(names), 3.3))
    axes = fig.subplots(1, len(names))
    for ax, name in zip(axes, names, strict=True):
        net = np.array([f["network"][name] for f in fits])
        exact = np.array([f["analytic"][name] for f in fits])
        ax.errorbar(
            exact[:, 0], net[:, 0], xerr=exact[:, 1], yerr=net[:, 1], fmt="o", ms=3, alpha=0.7
        )
        lims = [min(exact[:, 0].min(), net[:, 0].min()), max(exact[:, 0].max(), net[:, 0].max())]
        ax.plot(lims, lims, color="0.5", lw=1)
        ax.set_title(name)
        ax.set_xlabel("analytic posterior mean")
    axes[0].set_ylabel("network posterior mean")
    fig.tight_layout()
    return fig


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
        plot=lambda fits, _: plot_agreement(model, fits),
        figure_name="agreement.png",
        desc="check posterior",
        **options,
    )
