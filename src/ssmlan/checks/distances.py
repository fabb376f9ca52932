"""Distances between a likelihood and a reference: Huber loss of log-likelihood errors, and
the Hellinger distance of a density to a simulation histogram over the simulation's own noise."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ssmlan.simulate import Simulations


def huber(error: np.ndarray, delta: float = 1.0) -> np.ndarray:
    """Elementwise Huber loss: quadratic up to ``delta``, linear beyond."""
    absolute = np.abs(error)
    return np.where(absolute <= delta, 0.5 * error**2, delta * (absolute - 0.5 * delta))


def _histogram(rt: np.ndarray, choice: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Share per (choice, bin) of the signed rt among decided trials (both choices sum to 1)."""
    finite = np.isfinite(rt)
    counts, _ = np.histogram(rt[finite] * choice[finite], edges)
    return counts / finite.sum()


def _coarse(histogram: np.ndarray) -> np.ndarray:
    """Coarser bins for the distance (40 fine bins each, 50 per choice), so each holds many
    trials."""
    return np.add.reduceat(histogram, np.arange(0, len(histogram), 40))


def _hellinger(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sqrt(0.5 * np.sum((np.sqrt(p) - np.sqrt(q)) ** 2)))


def simulation_grid(decided_rt: np.ndarray, shift: float, horizon: float) -> np.ndarray:
    """2001 rt points from the smallest possible rt ``shift`` past the slowest decided trials,
    at most to ``shift + horizon``: the bins on which a density meets a simulation."""
    top = min(np.percentile(decided_rt, 99.9) + 0.5, shift + horizon)
    return np.linspace(shift, top, 2001)


def hellinger_ratio(
    bin_masses: Sequence[np.ndarray],
    grid: np.ndarray,
    sims_a: Simulations,
    sims_b: Simulations,
    k: int,
) -> float:
    """Hellinger distance of a density (its masses per bin of ``grid``, choice -1 then +1) to
    set ``k`` of simulation ``sims_a``, over the distance between ``sims_a`` and ``sims_b``
    (the simulation's own noise)."""
    edges = np.concatenate([-grid[::-1], grid])
    bins = np.concatenate([bin_masses[0][::-1], [0.0], bin_masses[1]])
    hist_a = _histogram(sims_a.rt[k], sims_a.choice[k], edges)
    hist_b = _histogram(sims_b.rt[k], sims_b.choice[k], edges)
    noise = _hellinger(_coarse(hist_a), _coarse(hist_b))
    return _hellinger(_coarse(bins / bins.sum()), _coarse(hist_a)) / max(noise, 1e-12)
