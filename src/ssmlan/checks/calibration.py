"""`ssmlan check sbc`: simulation-based calibration (Talts et al. 2018).

Each data set's true parameters are drawn from the fits' own prior (uniform over the training
box), its trials are simulated, and the posterior is sampled with the networks. If likelihood and
sampler are right, the rank of the truth among `N_RANK_DRAWS` thinned posterior draws is uniform
on ``0..N_RANK_DRAWS``; with the analytic ddm likelihood the same procedure is the control. Per
parameter the ranks are binned and tested with a chi-square test of uniformity; a parameter
passes when ``p >= P_THRESHOLD`` (0.01 each, so about 0.04 for the four ddm parameters together
when all are calibrated). The histogram shows the 99% band of a bin's count under uniformity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

import numpy as np
from scipy import stats

from ssmlan.checks.datasets import simulate_dataset
from ssmlan.checks.posteriors import posterior_draws
from ssmlan.checks.runner import FitJob, FitOptions, run_check
from ssmlan.models import get_model
from ssmlan.plots.checks import plot_sbc

#: Posterior draws kept (evenly thinned) to rank the truth among: ranks are 0..N_RANK_DRAWS.
N_RANK_DRAWS = 99
P_THRESHOLD = 0.01
#: Expected data sets per histogram bin (at most 20 bins).
PER_BIN = 5


def fit_ranks(job: FitJob) -> dict:
    """Rank of each true parameter among thinned posterior draws of one simulated data set
    (truth from the whole training box, the fits' prior; fitted with ``job.likelihood``)."""
    theta, frame = simulate_dataset(job.model, job.index, job.n_trials, job.seed, share=1.0)
    samples = posterior_draws(
        frame, job.model, job.likelihood, job.draws, job.tune, job.index, lan=job.lan
    )
    names = get_model(job.model).param_names
    ranks = {}
    for name, truth in zip(names, theta, strict=True):
        values = samples[name]
        thinned = values[np.linspace(0, len(values) - 1, N_RANK_DRAWS).round().astype(int)]
        ranks[name] = int(np.sum(thinned < truth))
    return {"index": job.index, "truth": theta.tolist(), "n_trials": len(frame), "ranks": ranks}


def n_bins(n_datasets: int) -> int:
    """Histogram bins: about `PER_BIN` data sets per bin, between 2 and 20."""
    return int(np.clip(n_datasets // PER_BIN, 2, 20))


def rank_counts(ranks: np.ndarray, bins: int) -> np.ndarray:
    """Counts of ranks (0..N_RANK_DRAWS) in ``bins`` equal bins."""
    edges = np.linspace(0, N_RANK_DRAWS + 1, bins + 1)
    return np.histogram(ranks, edges)[0]


def summarise_sbc(model: str, fits: list[dict]) -> dict:
    """Per parameter: rank counts, chi-square statistic and p-value of uniformity, pass/fail."""
    bins = n_bins(len(fits))
    summary = {}
    for name in get_model(model).param_names:
        ranks = np.array([f["ranks"][name] for f in fits])
        counts = rank_counts(ranks, bins)
        chi2, p_value = stats.chisquare(counts)
        summary[name] = {
            "counts": counts.tolist(),
            "chi2": float(chi2),
            "p_value": float(p_value),
            "mean_rank_fraction": float(ranks.mean() / N_RANK_DRAWS),
            "passed": bool(p_value >= P_THRESHOLD),
        }
    return summary


def check_sbc(
    model: str = "ddm",
    n_datasets: int = 100,
    out: Path | str = "checks",
    *,
    n_trials: int = 1000,
    likelihood: str = "network",
    **options: Unpack[FitOptions],
) -> dict:
    """Run SBC; write ``summary.json``, ``fits.json`` and ``ranks.png``.

    ``likelihood="analytic"`` runs the same procedure with the exact ddm likelihood: the
    control that tells a miscalibrated network from a problem in simulation or sampling.
    """
    if n_datasets < 2 * PER_BIN:
        raise ValueError(
            f"n_datasets must be at least {2 * PER_BIN} for a rank test; got {n_datasets}."
        )
    return run_check(
        fit_ranks,
        model,
        n_datasets,
        out,
        n_trials=n_trials,
        summarise=lambda fits: summarise_sbc(model, fits),
        plot=lambda _, summary: plot_sbc(summary, get_model(model).param_names, N_RANK_DRAWS),
        figure_name="ranks.png",
        desc=f"check sbc ({likelihood})",
        likelihood=likelihood,
        **options,
    )
