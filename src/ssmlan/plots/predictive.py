"""Posterior predictive figures: the data (black) against data sets simulated from the fit.

Every figure draws the observed statistic in black and the simulated ones as their median with
a 90% band (5% to 95% across the simulated data sets), from `ssmlan.pymc.summaries.Summary`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ssmlan.pymc.summaries import QUANTILES, Summary

BAND = (0.05, 0.95)
#: Small multiples per row.
COLUMNS = 4


def choice_names(choices: tuple[int, ...]) -> dict[int, str]:
    """Readable names of a model's choices: upper/lower boundary for two-choice models."""
    if set(choices) == {-1, 1}:
        return {1: "upper (+1)", -1: "lower (-1)"}
    return {c: f"choice {c}" for c in choices}


def _band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median and 90% band over the first axis (the simulated data sets), NaN-aware."""
    with warnings.catch_warnings():  # a statistic undefined in every set stays NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        low, mid, high = np.nanquantile(values, [BAND[0], 0.5, BAND[1]], axis=0)
    return mid, low, high


def _grid(n: int, width: float = 3.4, height: float = 2.7) -> tuple[Figure, np.ndarray]:
    n_cols = min(COLUMNS, n)
    n_rows = -(-n // n_cols)
    fig = Figure(figsize=(width * n_cols, height * n_rows + 0.8))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols, squeeze=False)).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]


def plot_rt_densities(
    observed: Summary, predicted: Summary, names: Mapping[int, str] | None = None, title: str = ""
) -> Figure:
    """Per cell, each choice's rt density (area = its share of the cell's trials): data as a
    black-edged histogram, the model's as a coloured median line with its 90% band."""
    names = names or choice_names(observed.choices)
    fig, axes = _grid(observed.cells.n)
    centres = 0.5 * (observed.edges[1:] + observed.edges[:-1])
    for c, ax in enumerate(axes):
        lines = []
        for j, value in enumerate(observed.choices):
            colour = f"C{j}"
            mid, low, high = _band(predicted.density[:, c, j])
            ax.fill_between(centres, low, high, color=colour, alpha=0.25, lw=0)
            ax.plot(centres, mid, color=colour, lw=1.5, label=f"model: {names[value]}")
            ax.stairs(observed.density[0, c, j], observed.edges, color="k", lw=1.0)
            p_mid, p_low, p_high = _band(predicted.p_choice[:, c, j])
            lines.append(
                f"P({names[value]}): data {observed.p_choice[0, c, j]:.2f}, "
                f"model {p_mid:.2f} [{p_low:.2f}, {p_high:.2f}]"
            )
        if observed.p_no_rt[0, c] > 0 or np.nanmax(predicted.p_no_rt[:, c]) > 0:
            n_mid, n_low, n_high = _band(predicted.p_no_rt[:, c])
            lines.append(
                f"no rt: data {observed.p_no_rt[0, c]:.2f}, model {n_mid:.2f} "
                f"[{n_low:.2f}, {n_high:.2f}]"
            )
        ax.text(
            0.98, 0.97, "\n".join(lines), transform=ax.transAxes, ha="right", va="top", fontsize=6.5
        )
        ax.set_title(observed.cells.labels[c], fontsize=9)
        ax.set_xlabel("rt (s)")
        ax.set_ylim(bottom=0)
    axes[0].set_ylabel("density (area = P(choice))")
    handles = axes[0].get_legend_handles_labels()[0]
    handles.append(Patch(facecolor="none", edgecolor="k", label="data"))
    fig.legend(handles=handles, loc="lower center", fontsize=8, ncols=len(handles))
    fig.suptitle(
        title or "rt distributions: data (black) and posterior predictive (90% band)",
        fontsize=10,
    )
    height = fig.get_figheight()  # legend below, title above: 0.4 in each
    fig.tight_layout(rect=(0, 0.4 / height, 1, 1 - 0.4 / height))
    return fig


def plot_quantile_probability(
    observed: Summary, predicted: Summary, names: Mapping[int, str] | None = None
) -> Figure:
    """Quantile-probability plot: per cell and choice, the rt quantiles (0.1 ... 0.9) above the
    response probability; data as black crosses, the model as coloured circles with 90% bars
    in rt and probability. Each column of points is labelled with its cell."""
    names = names or choice_names(observed.choices)
    fig = Figure(figsize=(8.5, 5.0))
    ax = fig.subplots()
    colours = [f"C{k}" for k in range(len(QUANTILES))]
    model_points = []
    for c in range(observed.cells.n):
        for j, value in enumerate(observed.choices):
            obs_q = observed.quantiles[0, c, j]
            q_mid, q_low, q_high = _band(predicted.quantiles[:, c, j])
            p_mid, p_low, p_high = _band(predicted.p_choice[:, c, j])
            if np.all(np.isnan(obs_q)) and np.all(np.isnan(q_mid)):
                continue
            model_points.append((p_mid, q_mid))
            for k in range(len(QUANTILES)):
                ax.errorbar(
                    p_mid,
                    q_mid[k],
                    yerr=[[q_mid[k] - q_low[k]], [q_high[k] - q_mid[k]]],
                    xerr=[[p_mid - p_low], [p_high - p_mid]],
                    fmt="o",
                    ms=4,
                    color=colours[k],
                    alpha=0.8,
                    lw=1,
                )
            p_obs = observed.p_choice[0, c, j]
            ax.plot(np.full(len(QUANTILES), p_obs), obs_q, "kx", ms=6, mew=1.5)
            top = np.nanmax(np.concatenate([obs_q, q_high]))
            label = observed.cells.labels[c] if observed.cells.n > 1 else names[value]
            if observed.cells.n > 1:
                label = f"{label}\n{names[value]}"
            ax.annotate(
                label,
                (p_obs, top),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=6.5,
                rotation=90,
            )
    model_points.sort(key=lambda point: point[0])
    for k in range(len(QUANTILES)):  # each model quantile across cells and choices
        ax.plot(
            [p for p, _ in model_points],
            [q[k] for _, q in model_points],
            color=colours[k],
            lw=0.8,
            alpha=0.6,
        )
    for k, q in enumerate(QUANTILES):
        ax.plot([], [], "o", color=colours[k], label=f"model q{q:g}")
    ax.plot([], [], "kx", label="data")
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel("response probability P(choice | cell)")
    ax.set_ylabel("rt quantile (s)")
    ax.set_title(
        "Quantile-probability plot: data (x) and posterior predictive (median, 90% bars)",
        fontsize=9,
    )
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.margins(y=0.25)
    fig.tight_layout()
    return fig


def plot_cell_means(
    observed: Summary, predicted: Summary, names: Mapping[int, str] | None = None
) -> Figure:
    """Per cell: the probability of the first listed choice with an rt (e.g. the upper
    boundary) and the mean rt; data as black diamonds, the model as its median and 90% bar."""
    names = names or choice_names(observed.choices)
    j = observed.choices.index(max(observed.choices))
    n = observed.cells.n
    fig = Figure(figsize=(max(6.0, 1.0 + 0.55 * n) * 1.0, 6.0))
    axes = fig.subplots(2, 1, sharex=True)
    x = np.arange(n)
    panels = (
        (
            predicted.p_choice[:, :, j],
            observed.p_choice[0, :, j],
            f"P({names[observed.choices[j]]})",
        ),
        (predicted.mean_rt, observed.mean_rt[0], "mean rt (s)"),
    )
    for ax, (model_values, data_values, label) in zip(axes, panels, strict=True):
        mid, low, high = _band(model_values)
        ax.errorbar(
            x,
            mid,
            yerr=[mid - low, high - mid],
            fmt="o",
            color="C0",
            capsize=3,
            label="model (median, 90%)",
        )
        ax.plot(x, data_values, "kD", ms=5, label="data")
        ax.set_ylabel(label)
    axes[0].legend(fontsize=8)
    axes[1].set_xticks(
        x,
        observed.cells.labels,
        rotation=45 if n > 4 else 0,
        ha="right" if n > 4 else "center",
        fontsize=8,
    )
    title = ", ".join(observed.cells.columns) or "all trials"
    axes[0].set_title(
        f"Choice probability and mean rt by {title}: data and posterior predictive", fontsize=9
    )
    fig.tight_layout()
    return fig
