"""`ssmlan check gonogo`: what the withheld presses of a Go/NoGo task add to the posterior.

Each data set's true v, a, t are drawn from the Go/NoGo model's prior (v ~ U(-3, 3),
a ~ U(0.3, 2.5), t ~ U(0, 2), z = 0.5) and its trials simulated. It is fitted twice: with the
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
from matplotlib.figure import Figure

from ssmlan.checks.fitting import FitOptions, as_lan, run_check, sample_draws, summarise_draws
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo

NAMES = ("v", "a", "t")
PRIOR = {"v": (-3.0, 3.0), "a": (0.3, 2.5), "t": (0.0, 2.0)}
VARIANTS = ("with_withheld", "without_withheld")


def draw_gonogo_truth(index: int, seed: int) -> dict[str, float]:
    """True v, a, t of data set ``index``, drawn from the Go/NoGo prior."""
    rng = np.random.default_rng([seed, index, 7])
    return {name: float(rng.uniform(*PRIOR[name])) for name in NAMES}


def fit_gonogo(
    model: str, index: int, n_trials: int, draws: int, tune: int, seed: int, lan=None
) -> dict:
    """Fit one simulated Go/NoGo data set with and without its withheld presses."""
    truth = draw_gonogo_truth(index, seed)
    data = simulate_gonogo(n_trials, **truth, seed=seed * 100_003 + index)
    result = {"index": index, "truth": truth, "n_withheld": int(data["rt"].isna().sum())}
    lan = as_lan(lan)
    for variant, withheld in zip(VARIANTS, ("model", "drop"), strict=True):
        pymc_model = gonogo_model(data, route="jax", lan=lan, withheld=withheld)
        result[variant] = summarise_draws(sample_draws(pymc_model, NAMES, draws, tune, index))
    return result


def _covered(stats: dict, truth: float, low: str, high: str) -> bool:
    return stats[low] <= truth <= stats[high]


def summarise_gonogo(fits: list[dict]) -> dict:
    """Per parameter: mean SD ratio (with / without withheld trials) and interval coverage."""
    summary = {}
    for name in NAMES:
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


def plot_gonogo(fits: list[dict], summary: dict) -> Figure:
    fig = Figure(figsize=(3.4 * len(NAMES), 3.3))
    axes = fig.subplots(1, len(NAMES))
    for ax, name in zip(axes, NAMES, strict=True):
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


def check_gonogo(
    model: str = "ddm",
    n_datasets: int = 100,
    out: Path | str = "checks",
    *,
    n_trials: int = 1000,
    **options: Unpack[FitOptions],
) -> dict:
    """Run the comparison; write ``summary.json``, ``fits.json`` and ``information.png``."""
    if model != "ddm":
        raise ValueError(f"The Go/NoGo model is a ddm; got model {model!r}.")
    if n_datasets <= 0:
        raise ValueError(f"n_datasets must be positive; got {n_datasets}.")
    return run_check(
        fit_gonogo,
        model,
        n_datasets,
        out,
        n_trials=n_trials,
        summarise=summarise_gonogo,
        plot=plot_gonogo,
        figure_name="information.png",
        desc="check gonogo",
        **options,
    )
