"""`ssmlan fit`: fit a model to a CSV of trials and write the posterior, a summary and plots.

The CSV needs columns ``rt`` (seconds; empty/NaN = no response) and ``choice`` (-1/1 or 0/1;
or HSSM's ``response``). With ``formulas`` (or ``fixed`` values) the model is the regression
model `ssmlan.pymc.regression.model`; otherwise `ssmlan.pymc.box_model.box_model`, whose
``depends`` gives a parameter one value per level of a column.

Everything about the inputs and the output folder is checked before sampling starts; the
posterior is written as soon as sampling ends, before the summary, the plot and the pointwise
log-likelihood (added to ``posterior.nc`` in bounded memory, `write_log_likelihood`).
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import arviz as az
import pandas as pd

from ssmlan.plots.posterior import plot_marginals
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.regression import model as regression_model
from ssmlan.pymc.sampling import SAMPLER_ROUTES, check_options, sample, write_log_likelihood
from ssmlan.pymc.stack import write_netcdf


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
    with open(path, newline="") as stream:  # pandas renames a repeated column (rt -> rt.1)
        header = next(csv.reader(stream), [])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ValueError(
            f"{path} has more than one column named {', '.join(map(repr, repeated))}; give each "
            "column a different name (only one may be rt, one choice)."
        )
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
    log_likelihood: bool = True,
) -> pd.DataFrame:
    """Fit and write ``posterior.nc``, ``summary.csv`` and ``posterior.png`` into ``out``.

    ``posterior.nc`` is written first, then (``log_likelihood``) its pointwise
    log-likelihood group for LOO is added in chunks of draws; ``log_likelihood=False`` (``ssmlan
    fit --no-log-likelihood``) leaves it out.
    """
    check_options(sampler, draws, tune, chains)
    frame = read_trials(data)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder for the fit's outputs.")
    if out.exists() and not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out} is not writable; give a folder you can write to.")
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
    idata = sample(
        pymc_model, sampler, draws=draws, tune=tune, chains=chains, seed=seed, log_likelihood=False
    )
    posterior = out / "posterior.nc"
    tmp = out / ".posterior.nc.tmp"
    write_netcdf(idata, tmp)
    os.replace(tmp, posterior)
    summary = az.summary(idata, round_to=4)
    summary.to_csv(out / "summary.csv")
    scalars = {
        name: values.values
        for name, values in idata.posterior.data_vars.items()
        if values.ndim == 2 and not name.endswith("_offset")
    }
    plot_marginals(scalars).savefig(out / "posterior.png", dpi=110)
    if log_likelihood:
        write_log_likelihood(idata, pymc_model, posterior)
    return summary
