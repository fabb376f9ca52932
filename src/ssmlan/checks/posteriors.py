"""Posterior draws of the checks' fits (numpyro, 2 chains, uniform box priors) and their
summaries."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ssmlan.models import get_model
from ssmlan.networks import Network, load_network
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.sampling import sample

if TYPE_CHECKING:
    import pymc as pm

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def as_lan(lan: str | Path | Network | None) -> Network | None:
    """A network, loaded from a file or a shipped network's name if given as one (the checks
    pass names between processes); ``None`` stays ``None`` (the shipped LAN)."""
    return load_network(lan, "lan") if isinstance(lan, str | Path) else lan


def posterior_draws(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, np.ndarray]:
    """Posterior draws of each parameter (chains pooled), uniform box priors, numpyro 2 chains.

    ``lan`` in ``ssm_options``: as for `as_lan`.
    """
    if "lan" in ssm_options:
        ssm_options["lan"] = as_lan(ssm_options["lan"])
    pymc_model = box_model(frame, model, likelihood=likelihood, route="jax", **ssm_options)
    return sample_draws(pymc_model, get_model(model).param_names, draws, tune, seed)


def sample_draws(
    pymc_model: pm.Model, names: Sequence[str], draws: int, tune: int, seed: int
) -> dict[str, np.ndarray]:
    """Draws of the variables ``names`` (chains pooled) from numpyro, 2 chains."""
    idata = sample(
        pymc_model,
        "numpyro",
        draws=draws,
        tune=tune,
        chains=2,
        seed=seed,
        log_likelihood=False,
        progressbar=False,  # a check runs many fits
    )
    return {name: idata.posterior[name].values.ravel() for name in names}


def summarise_draws(draws: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean, SD and quantiles of each parameter's draws."""
    return {
        name: {
            "mean": float(values.mean()),
            "sd": float(values.std()),
            **{f"q{int(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES},
        }
        for name, values in draws.items()
    }


def posterior_stats(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, dict[str, float]]:
    """`summarise_draws` of `posterior_draws`."""
    return summarise_draws(
        posterior_draws(frame, model, likelihood, draws, tune, seed, **ssm_options)
    )
