"""`ssmlan fit`: fit a model to a CSV of trials and write the posterior, a summary and plots.

The CSV needs columns ``rt`` (seconds; empty/NaN = no response) and ``choice`` (-1/1 or 0/1;
or HSSM's ``response``). With ``formulas`` (or ``fixed`` values) the model is the regression
model `ssmlan.pymc.regression.model`; otherwise `ssmlan.pymc.box_model.box_model`, whose
``depends`` gives a parameter one value per level of a column.
"""

from __future__ import annotations

from pathlib import Path

import arviz as az
import pandas as pd

from ssmlan.plots.posterior import plot_marginals
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.regression import model as regression_model
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
    formulas: dict[str, str] | None = None,
    fixed: dict[str, float] | None = None,
    sampler: str = "numpyro",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    seed: int = 0,
    likelihood: str = "network",
) -> pd.DataFrame:
    """Fit and write ``posterior.nc``, ``summary.csv`` and ``posterior.png`` into ``out``."""
    frame = read_trials(data)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder for the fit's outputs.")
    route = SAMPLER_ROUTES[sampler] if sampler in SAMPLER_ROUTES else "pytensor"
    if formulas or fixed:
        if depends:
            raise ValueError("Use either --depends or --formula/--fix, not both.")
        parameters = {**(formulas or {}), **(fixed or {})}
        pymc_model = regression_model(
            frame, model, likelihood=likelihood, route=route, **parameters
        )
    else:
        pymc_model = box_model(frame, model, depends, likelihood, route)
    out.mkdir(parents=True, exist_ok=True)
    idata = sample(pymc_model, sampler, draws=draws, tune=tune, chains=chains, seed=seed)
    idata.to_netcdf(out / "posterior.nc")
    summary = az.summary(idata, round_to=4)
    summary.to_csv(out / "summary.csv")
    scalars = {
        name: values.values
        for name, values in idata.posterior.data_vars.items()
        if values.ndim == 2 and not name.endswith("_offset")
    }
    plot_marginals(scalars).savefig(out / "posterior.png", dpi=110)
    return summary
