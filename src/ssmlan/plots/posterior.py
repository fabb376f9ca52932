"""Posterior figures: marginals with true values, and data vs model densities."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ssmlan.networks import Network


def plot_marginals(draws: dict[str, np.ndarray], truth: dict[str, float] | None = None) -> Figure:
    """Histogram of each parameter's posterior draws; true values as vertical lines."""
    fig = Figure(figsize=(3.6 * len(draws), 3.0))
    axes = np.atleast_1d(fig.subplots(1, len(draws)))
    for ax, (name, values) in zip(axes, draws.items(), strict=True):
        ax.hist(np.ravel(values), bins=50, color="C0", alpha=0.8, density=True)
        if truth and name in truth:
            ax.axvline(truth[name], color="C3", lw=2, label="true value")
            ax.legend(fontsize=8)
        ax.set_title(name)
    fig.tight_layout()
    return fig


def plot_rt_fit(rt: np.ndarray, lan: Network, theta: np.ndarray, title: str) -> Figure:
    """Observed rts of presses (choice +1) with the LAN density at ``theta``."""
    fig = Figure(figsize=(5.5, 3.6))
    ax = fig.subplots()
    rt = rt[np.isfinite(rt)]
    ax.hist(rt, bins=40, density=True, color="0.75", label=f"data ({len(rt)} presses)")
    grid = np.linspace(max(1e-3, rt.min() - 0.2), rt.max() + 0.5, 400)
    density = np.exp(lan.logp(theta, grid, np.ones(len(grid))))
    share = 1.0  # the histogram is normalised over presses: rescale the defective density
    area = np.trapezoid(density, grid)
    ax.plot(
        grid,
        share * density / max(area, 1e-12),
        color="C3",
        lw=2,
        label="LAN density (posterior mean)",
    )
    ax.set_xlabel("rt (s)")
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
