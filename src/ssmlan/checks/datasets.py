"""Synthetic data sets of the checks: true parameters and simulated trials, seeded by
``(seed, index)`` so that every check and rerun sees the same data set ``index``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ssmlan.constants import MAX_T
from ssmlan.models import get_model
from ssmlan.pymc.gonogo import free_params, simulate_gonogo
from ssmlan.simulate import simulate

#: True parameters are drawn in this central share of each side of the training box.
INNER_BOX = 0.8


def _simulation_seed(index: int, seed: int) -> int:
    return seed * 100_003 + index


def draw_truth(model: str, index: int, seed: int, share: float = INNER_BOX) -> np.ndarray:
    """True parameters of data set ``index``: uniform in the central ``share`` of each side of
    the training box (``share=1``: the whole box, the fits' prior)."""
    spec = get_model(model)
    rng = np.random.default_rng([seed, index])
    return spec.sample_in_box(1, rng, spec.box(share))[0]


def simulate_dataset(
    model: str, index: int, n_trials: int, seed: int, share: float = INNER_BOX
) -> tuple[np.ndarray, pd.DataFrame]:
    """``(truth, trials)`` of data set ``index`` (truth from `draw_truth`); trials undecided
    after `MAX_T` of decision time, the networks' horizon (1% at the slowest corner of the
    checks' ddm box, 2.5% at the training box's), are dropped: a network knows nothing past it
    (`ssmlan.pymc.SSM` refuses such trials), and both likelihoods see the same trials."""
    theta = draw_truth(model, index, seed, share)
    sims = simulate(model, theta, n_trials, seed=_simulation_seed(index, seed), max_t=MAX_T)
    decided = np.isfinite(sims.rt)
    return theta, pd.DataFrame({"rt": sims.rt[decided], "choice": sims.choice[decided]})


def draw_gonogo_truth(model: str, index: int, seed: int) -> dict[str, float]:
    """True free parameters of Go/NoGo data set ``index`` of ``model``, drawn from the Go/NoGo
    model's prior (uniform over the training box, `ssmlan.pymc.gonogo.gonogo_model`)."""
    spec = get_model(model)
    rng = np.random.default_rng([seed, index, 7])
    return {
        name: float(rng.uniform(spec.param(name).lower, spec.param(name).upper))
        for name in free_params(spec)
    }


def simulate_gonogo_dataset(
    model: str, index: int, n_trials: int, seed: int
) -> tuple[dict[str, float], pd.DataFrame]:
    """``(truth, trials)`` of Go/NoGo data set ``index`` (truth from `draw_gonogo_truth`)."""
    truth = draw_gonogo_truth(model, index, seed)
    sims = simulate_gonogo(n_trials, model=model, seed=_simulation_seed(index, seed), **truth)
    return truth, sims
