"""`ssmlan fit`: fit a model to a CSV of trials and write the posterior, a summary and plots.

The CSV needs columns ``rt`` (seconds; empty/NaN = no response) and ``choice`` (-1/1 or 0/1).
Every parameter gets a uniform prior over the network's training box; ``depends`` gives a
parameter one value per level of a column (e.g. ``{"v": "condition"}``).
"""

from __future__ import annotations

from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm

from ssmlan.models import get_model
from ssmlan.plots.posterior import plot_marginals
from ssmlan.pymc.data import as_trials
from ssmlan.pymc.sampling import SAMPLER_ROUTES, sample
from ssmlan.pymc.ssm import SSM


def read_trials(path: Path | str) -> pd.DataFrame:
    """Read a trials CSV with clear errors for missing, empty or unreadable files."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such data file: {path}")
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"{path} is empty: it needs a header with rt and choice columns and one row per trial."
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a readable CSV file ({error}).") from None
    return frame


def build_model(
    frame: pd.DataFrame,
    model: str = "ddm",
    depends: dict[str, str] | None = None,
    likelihood: str = "network",
    route: str = "pytensor",
    **ssm_options,
) -> pm.Model:
    """Uniform box priors for every parameter; ``depends`` adds one value per column level.

    ``ssm_options`` go to `ssmlan.pymc.SSM` (e.g. ``lan=`` a network of your own)."""
    spec = get_model(model)
    depends = depends or {}
    for name, column in depends.items():
        spec.param(name)
        if column not in frame.columns:
            raise ValueError(
                f"--depends {name}={column}: no column {column!r} in the data; "
                f"columns: {list(frame.columns)}."
            )
    trials = as_trials(frame, spec)
    coords = {
        f"{column}_level": sorted(frame[column].astype(str).unique()) for column in depends.values()
    }
    with pm.Model(coords=coords) as pymc_model:
        params = {}
        for p in spec.params:
            if p.name in depends:
                column = depends[p.name]
                levels = coords[f"{column}_level"]
                index = np.searchsorted(levels, frame[column].astype(str).to_numpy())
                values = pm.Uniform(p.name, p.lower, p.upper, dims=f"{column}_level")
                params[p.name] = values[index]
            else:
                params[p.name] = pm.Uniform(p.name, p.lower, p.upper)
        SSM(
            "obs",
            spec.name,
            observed=trials,
            likelihood=likelihood,
            route=route,
            **ssm_options,
            **params,
        )
    return pymc_model


def run_fit(
    data: Path | str,
    out: Path | str,
    *,
    model: str = "ddm",
    depends: dict[str, str] | None = None,
    sampler: str = "numpyro",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    seed: int = 0,
    likelihood: str = "network",
) -> pd.DataFrame:
    """Fit and write ``posterior.nc``, ``summary.csv`` and ``posterior.png`` into ``out``."""
    frame = read_trials(data)
    route = SAMPLER_ROUTES[sampler] if sampler in SAMPLER_ROUTES else "pytensor"
    pymc_model = build_model(frame, model, depends, likelihood, route)
    idata = sample(pymc_model, sampler, draws=draws, tune=tune, chains=chains, seed=seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    idata.to_netcdf(out / "posterior.nc")
    summary = az.summary(idata, round_to=4)
    summary.to_csv(out / "summary.csv")
    names = [p.name for p in get_model(model).params]
    draws_by_name = {n: idata.posterior[n].values for n in names}
    plot_marginals(draws_by_name).savefig(out / "posterior.png", dpi=110)
    return summary
