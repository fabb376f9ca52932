"""Simulated data sets and posterior summaries shared by the checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ssmlan.fit import build_model
from ssmlan.models import get_model
from ssmlan.pymc.sampling import sample
from ssmlan.simulate import simulate

#: True parameters are drawn in this central share of each side of the training box.
INNER_BOX = 0.8
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def draw_truth(model: str, index: int, seed: int) -> np.ndarray:
    """True parameters of data set ``index``: uniform in the inner part of the training box."""
    spec = get_model(model)
    centre, half = (spec.lower + spec.upper) / 2, (spec.upper - spec.lower) / 2 * INNER_BOX
    rng = np.random.default_rng([seed, index])
    return centre + half * rng.uniform(-1.0, 1.0, spec.n_params)


def simulate_dataset(model: str, index: int, n_trials: int, seed: int):
    """``(truth, trials)`` of data set ``index``; trials past max_t (20 s) are dropped, as a
    lab would not record them."""
    theta = draw_truth(model, index, seed)
    sims = simulate(model, theta, n_trials, seed=seed * 100_003 + index)
    decided = np.isfinite(sims.rt)
    return theta, pd.DataFrame({"rt": sims.rt[decided], "choice": sims.choice[decided]})


def posterior_stats(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, dict[str, float]]:
    """Mean, SD and quantiles of each parameter's posterior (uniform box priors, numpyro)."""
    pymc_model = build_model(frame, model, likelihood=likelihood, route="jax", **ssm_options)
    idata = sample(
        pymc_model, "numpyro", draws=draws, tune=tune, chains=2, seed=seed, log_likelihood=False
    )
    stats = {}
    for name in get_model(model).param_names:
        values = idata.posterior[name].values.ravel()
        stats[name] = {
            "mean": float(values.mean()),
            "sd": float(values.std()),
            **{f"q{int(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES},
        }
    return stats
