"""Figures of the posterior checks, from their fits and summaries (`ssmlan.checks`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from scipy import stats


def plot_sbc(summary: dict, names: Sequence[str], n_rank_draws: int) -> Figure:
    """Rank histogram per parameter (``summary[name]["counts"]``, ranks 0..``n_rank_draws``)
    with the 99% band of a bin's count under uniformity."""
    bins = len(summary[names[0]]["counts"])
    n_datasets = int(sum(summary[names[0]]["counts"]))
    low, high = stats.binom.ppf([0.005, 0.995], n_datasets, 1 / bins)
    fig = Figure(figsize=(3.2 * len(names), 3.0))
    axes = fig.subplots(1, len(names))
    for ax, name in zip(axes, names, strict=True):
        counts = summary[name]["counts"]
        ax.axhspan(low, high, color="0.85", label="99% band")
        ax.bar(np.arange(bins), counts, width=0.9, color="C0")
        ax.set_title(f"{name}: p = {summary[name]['p_value']:.3f}")
        ax.set_xlabel(f"rank bin (0..{n_rank_draws})")
    axes[0].set_ylabel("data sets")
    axes[0].legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    return fig


def plot_recovery(fits: list[dict], summary: dict, names: Sequence[str]) -> Figure:
    """Posterior mean (+- SD) against the true value, per parameter, with R^2."""
    fig = Figure(figsize=(3.2 * len(names), 3.2))
    axes = fig.subplots(1, len(names))
    for j, (ax, name) in enumerate(zip(axes, names, strict=True)):
        truth = np.array([f["truth"][j] for f in fits])
        mean = np.array([f["posterior"][name]["mean"] for f in fits])
        sd = np.array([f["posterior"][name]["sd"] for f in fits])
        ax.errorbar(truth, mean, yerr=sd, fmt="o", ms=3, alpha=0.7)
        ax.plot([truth.min(), truth.max()], [truth.min(), truth.max()], color="0.5", lw=1)
        ax.set_title(f"{name}: R^2 = {summary[name]['r2']:.3f}")
        ax.set_xlabel("true value")
    axes[0].set_ylabel("posterior mean")
    fig.tight_layout()
    return fig


def plot_agreement(fits: list[dict], names: Sequence[str]) -> Figure:
    """Network against analytic posterior mean (+- SD), per parameter."""
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


def plot_gonogo(fits: list[dict], summary: dict, names: Sequence[str]) -> Figure:
    """Posterior SD with against without the withheld Go/NoGo trials, per parameter."""
    fig = Figure(figsize=(3.4 * len(names), 3.3))
    axes = fig.subplots(1, len(names))
    for ax, name in zip(axes, names, strict=True):
        without = np.array([f["without_withheld"][name]["sd"] for f in fits])
        with_ = np.array([f["with_withheld"][name]["sd"] for f in fits])
        ax.loglog(without, with_, "o", ms=3, alpha=0.7)
        lims = [min(without.min(), with_.min()), max(without.max(), with_.max())]
        ax.plot(lims, lims, color="0.5", lw=1)
        ax.set_title(f"{name}: SD ratio {summary[name]['sd_ratio_median']:.2f} (median)")
        ax.set_xlabel("posterior SD without withheld")
    axes[0].set_ylabel("posterior SD with withheld")
    fig.tight_layout()
    return fig
