"""`ssmlan fit`: fit a model to a CSV of trials and write the posterior, a summary and plots.

The CSV needs columns ``rt`` (seconds; empty/NaN = no response) and ``choice`` (-1/1 or 0/1;
or HSSM's ``response``). With ``formulas`` (or ``fixed`` values) the model is the regression
model `ssmlan.pymc.regression.model`; otherwise `ssmlan.pymc.box_model.box_model`, whose
``depends`` gives a parameter one value per level of a column.

Everything about the inputs and the output folder is checked before sampling starts; the
posterior is written as soon as sampling ends, before the summary, the plot and the pointwise
log-likelihood (added to ``posterior.nc`` in bounded memory, `write_log_likelihood`). Then the
posterior predictive check (`ssmlan.checks.predictive`) writes its figures next to them, by the
conditions the model names (categorical columns of its formulas or ``depends``) and, for a
hierarchical model, per participant (its formulas' grouping column). ``fit.json`` records the
fit's options and a fingerprint of its trials, which `ssmlan.compare` checks.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import arviz as az
import numpy as np
import pandas as pd

from ssmlan.checks.predictive import posterior_predictive_check
from ssmlan.constants import TARGET_ACCEPT, VERSION
from ssmlan.plots.posterior import plot_marginals
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.design import formula_columns
from ssmlan.pymc.predictive import DEFAULT_DRAWS
from ssmlan.pymc.regression import model as regression_model
from ssmlan.pymc.sampling import SAMPLER_ROUTES, check_options, sample, write_log_likelihood
from ssmlan.pymc.ssm import observed_ssms
from ssmlan.pymc.stack import write_netcdf

#: A numeric column with at most this many distinct values counts as a condition.
MAX_NUMERIC_LEVELS = 8


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
    predictive_draws: int = DEFAULT_DRAWS,
    conditions: Sequence[str] | None = None,
    p_outlier: float | str | None = None,
    deadline: float | str | None = None,
    lan: str | None = None,
    cpn: str | None = None,
    target_accept: float = TARGET_ACCEPT,
    centered: bool = False,
    low_rank_mass_matrix: bool = False,
) -> pd.DataFrame:
    """Fit and write ``posterior.nc``, ``summary.csv`` and ``posterior.png`` into ``out``, then
    the posterior predictive check.

    ``posterior.nc`` is written first, then (``log_likelihood``) its pointwise
    log-likelihood group for LOO is added in chunks of draws; ``log_likelihood=False`` (``ssmlan
    fit --no-log-likelihood``) leaves it out. ``predictive_draws``: posterior draws simulated
    for the check (0: no check); ``conditions``: the columns its figures group trials by
    (default: `check_columns`); ``p_outlier``: lapses (a number, or ``"free"``: estimated,
    `ssmlan.pymc.ssm.lapse_probability`); ``deadline``: seconds or a column of per-trial
    deadlines, for trials without a response before it (rt and choice empty); ``lan``,
    ``cpn``: network files or shipped names (default: the model's shipped networks);
    ``target_accept``: NUTS's (`ssmlan.pymc.sampling.sample`); ``centered``: group effects of
    the formulas centred (`ssmlan.pymc.regression.model`); ``low_rank_mass_matrix``: nutpie's
    (`ssmlan.pymc.sampling.sample`).
    """
    check_options(sampler, draws, tune, chains, target_accept, low_rank_mass_matrix)
    frame = read_trials(data)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file; give a folder for the fit's outputs.")
    if out.exists() and not os.access(out, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out} is not writable; give a folder you can write to.")
    route = SAMPLER_ROUTES[sampler] if sampler in SAMPLER_ROUTES else "pytensor"
    networks = {role: net for role, net in (("lan", lan), ("cpn", cpn)) if net is not None}
    if networks and likelihood != "network":
        raise ValueError(
            f"--{' and --'.join(networks)}: networks are for --likelihood network only."
        )
    if centered and not formulas:
        raise ValueError("--centered is about the group terms of --formula: give formulas.")
    if formulas or fixed:
        if depends:
            raise ValueError("Use either --depends or --formula/--fix, not both.")
        parameters = {**(formulas or {}), **(fixed or {})}
        pymc_model = regression_model(
            frame,
            model,
            likelihood=likelihood,
            route=route,
            p_outlier=p_outlier,
            deadline=deadline,
            noncentered=not centered,
            ssm_options=networks,
            **parameters,
        )
    else:
        pymc_model = box_model(
            frame,
            model,
            depends,
            likelihood,
            route,
            p_outlier=p_outlier,
            deadline=deadline,
            **networks,
        )
    if (
        isinstance(predictive_draws, bool)
        or not isinstance(predictive_draws, int)
        or (predictive_draws < 0)
    ):
        raise ValueError(f"predictive draws must be an integer >= 0; got {predictive_draws!r}.")
    by, participant = check_columns(frame, formulas or {}, depends or {})
    by = by if conditions is None else list(conditions)
    missing = [column for column in by if column not in frame.columns]
    if missing:
        raise ValueError(f"--conditions: no column(s) {missing} in the data.")
    out.mkdir(parents=True, exist_ok=True)
    options = {
        "model": model,
        "likelihood": likelihood,
        "formulas": formulas or {},
        "fixed": fixed or {},
        "depends": depends or {},
        "sampler": sampler,
        "draws": draws,
        "tune": tune,
        "chains": chains,
        "seed": seed,
        "target_accept": target_accept,
        "centered": centered,
        "low_rank_mass_matrix": low_rank_mass_matrix,
        "p_outlier": p_outlier,
        "deadline": deadline,
        **networks,
    }
    write_record(out, data, pymc_model, options)
    idata = sample(
        pymc_model,
        sampler,
        draws=draws,
        tune=tune,
        chains=chains,
        seed=seed,
        log_likelihood=False,
        target_accept=target_accept,
        low_rank_mass_matrix=low_rank_mass_matrix,
    )
    posterior = out / "posterior.nc"
    tmp = out / ".posterior.nc.tmp"
    write_netcdf(idata, tmp)
    os.replace(tmp, posterior)
    shown = [  # nutpie also stores the sampler's unconstrained values (``t_interval__``)
        name for name in idata.posterior.data_vars if not str(name).endswith("__")
    ]
    summary = az.summary(idata, var_names=shown, round_to=4)
    summary.to_csv(out / "summary.csv")
    scalars = {
        name: values.values
        for name, values in idata.posterior.data_vars.items()
        if name in shown and values.ndim == 2 and not name.endswith("_offset")
    }
    plot_marginals(scalars).savefig(out / "posterior.png", dpi=110)
    if log_likelihood:
        write_log_likelihood(idata, pymc_model, posterior)
    if predictive_draws:
        posterior_predictive_check(
            idata,
            pymc_model,
            frame,
            out,
            conditions=by,
            participant=participant,
            n_draws=predictive_draws,
            seed=seed,
        )
    return summary


def check_columns(
    frame: pd.DataFrame, formulas: Mapping[str, str], depends: Mapping[str, str]
) -> tuple[list[str], str | None]:
    """The columns a fit's predictive check groups trials by: ``(conditions, participant)``.

    Conditions: the columns of ``depends`` and of the formulas' common terms that take few
    values (text, or at most `MAX_NUMERIC_LEVELS` numbers); the participant: the formulas'
    grouping column (the first, by name, if several)."""
    used, groups = set(depends.values()), set()
    for formula in formulas.values():
        common, grouping = formula_columns(formula)
        used |= common
        groups |= grouping
    conditions = [
        column
        for column in sorted(used - groups)
        if column in frame.columns
        and (
            not pd.api.types.is_numeric_dtype(frame[column])
            or frame[column].nunique() <= MAX_NUMERIC_LEVELS
        )
    ]
    participant = sorted(groups & set(frame.columns))
    return conditions, participant[0] if participant else None


def trials_fingerprint(rt: np.ndarray, choice: np.ndarray) -> str:
    """SHA-256 of the trials as a model observes them (rt NaN: no rt)."""
    trials = np.ascontiguousarray(np.column_stack([rt, choice]), dtype=np.float64)
    return hashlib.sha256(trials.tobytes()).hexdigest()


#: The file in a fit's folder that describes it (read by `ssmlan.compare`).
RECORD = "fit.json"


def write_record(out: Path, data: Path | str, pymc_model, options: Mapping) -> None:
    """Write ``fit.json``: ssmlan's version, the data file, its trials' fingerprint and count,
    and the fit's options."""
    (record,) = observed_ssms(pymc_model).values()
    content = {
        "ssmlan": VERSION,
        "data": str(Path(data).resolve()),
        "n_trials": len(record.rt),
        "trials_sha256": trials_fingerprint(record.rt, record.choice),
        **options,
        "lan_used": record.lan,
    }
    (out / RECORD).write_text(json.dumps(content, indent=2) + "\n")
