"""Parameter sets in a model's training box, and the filter for defective ones."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.stats import qmc

from ssmlan.models import ModelSpec


def widened_box(spec: ModelSpec, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """The training box widened by ``margin`` times its width on each side; a side that would
    leave the parameter's domain keeps the box's bound."""
    width = spec.upper - spec.lower
    lower, upper = spec.lower - margin * width, spec.upper + margin * width
    for j, p in enumerate(spec.params):
        if not p.domain.contains(lower[j]):
            lower[j] = p.lower
        if not p.domain.contains(upper[j]):
            upper[j] = p.upper
    return lower, upper


def sample_parameters(
    spec: ModelSpec,
    n: int,
    rng: np.random.Generator,
    sampler: str = "uniform",
    margin: float = 0.0,
) -> np.ndarray:
    """``n`` parameter sets (rows, in the spec's order) drawn in the training box, widened by
    ``margin`` (see `widened_box`) so that a network is as good at the box's edges as inside.

    Sets whose smallest rt (`ModelSpec.smallest_rt`) would be negative are redrawn: a widened
    box can pair a short shift with a wide jitter (full_ddm's t and st) where the box cannot."""
    bounds = widened_box(spec, margin)
    kept = np.empty((0, spec.n_params))
    while len(kept) < n:
        if sampler == "sobol":
            unit = qmc.Sobol(spec.n_params, scramble=True, seed=rng).random(n)
            drawn = spec.from_unit(unit, bounds)
        else:
            drawn = spec.sample_in_box(n, rng, bounds)
        kept = np.concatenate([kept, drawn[spec.smallest_rt(drawn) >= 0]])
    return kept[:n]


def defect_reasons(rt: np.ndarray, max_mean_rt: float = 10.0) -> list[str]:
    """Why one set's simulations are unusable for training (Fengler et al. 2021); [] if fine.

    * most trials undecided (no boundary reached before ``max_t``);
    * more than half of the RTs inside one 1 ms bin (a degenerate, spiky distribution);
    * mean RT beyond ``max_mean_rt`` seconds.

    A choice made too rarely to estimate (fewer than `MIN_CHOICE_COUNT` trials) is not a defect:
    its labels take the floor (see `ssmlan.training_data.kde_labels`).
    """
    reasons: list[str] = []
    decided = np.isfinite(rt)
    if decided.mean() < 0.5:
        return ["mostly undecided"]
    bins = np.bincount(np.floor(rt[decided] * 1000).astype(np.int64))
    if bins.max() > 0.5 * decided.sum():
        reasons.append("RTs in one 1 ms bin")
    if rt[decided].mean() > max_mean_rt:
        reasons.append("mean RT too long")
    return reasons


def tally(reasons_per_set: list[list[str]]) -> dict[str, int]:
    """Count of dropped sets per reason."""
    return dict(Counter(r for reasons in reasons_per_set for r in reasons))
