"""`ssmlan fit`: fit a model to a CSV of trials and write the posterior, a summary and plots.

The CSV needs columns ``rt`` (seconds; empty/NaN = no response) and ``choice`` (-1/1 or 0/1).
The model is `ssmlan.pymc.box_model.box_model`.
"""

from __future__ import annotations

from pathlib import Path

import arviz as az
import pandas as pd

from ssmlan.models import get_model
from ssmlan.plots.posterior import plot_marginals
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.sampling import SAMPLER_ROUTES, sample


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
    pymc_model = box_model(frame, model, depends, likelihood, route)
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
