"""`ssmlan compare`: PSIS-LOO comparison of fits of the same trials.

Each fit folder (from `ssmlan fit`) holds ``posterior.nc`` with its pointwise log-likelihood
and ``fit.json`` with its trials' fingerprint; fits of different trials are refused, since their
elpd values are not comparable. The table (best fit first) gives each fit's elpd_loo and its
standard error, the elpd difference to the best fit with the standard error of that difference,
and the stacking weights; per fit it counts the trials whose Pareto k says that PSIS-LOO is
unreliable for them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import arviz as az
import numpy as np
import pandas as pd

from ssmlan.fit import RECORD
from ssmlan.pymc import stack


class Comparison(NamedTuple):
    """The LOO table (one row per fit, best first) and, per fit, the rows (trial numbers) with
    an unreliable Pareto k."""

    table: pd.DataFrame
    bad_trials: dict[str, np.ndarray]


def _read_fit(folder: Path) -> tuple[dict, stack.InferenceData]:
    record_path, posterior_path = folder / RECORD, folder / "posterior.nc"
    for path in (record_path, posterior_path):
        if not path.is_file():
            raise ValueError(f"{folder} is not a fit folder of `ssmlan fit`: it lacks {path.name}.")
    record = json.loads(record_path.read_text())
    idata = az.from_netcdf(posterior_path)
    if "log_likelihood" not in idata:
        raise ValueError(
            f"{posterior_path} holds no pointwise log-likelihood (fitted with "
            "--no-log-likelihood?): refit without that option to compare it."
        )
    return record, idata


def compare_fits(folders: Sequence[Path | str]) -> Comparison:
    """Compare the fits in ``folders`` (at least two, of the same trials) by PSIS-LOO."""
    folders = [Path(folder) for folder in folders]
    if len(folders) < 2:
        raise ValueError("compare needs at least two fit folders.")
    names = [folder.name for folder in folders]
    if len(set(names)) < len(names):  # same folder names in different places: full paths
        names = [str(folder) for folder in folders]
    fits = dict(zip(names, map(_read_fit, folders), strict=True))
    (first, (reference, _)), *others = fits.items()
    for name, (record, _) in others:
        if record["trials_sha256"] != reference["trials_sha256"]:
            raise ValueError(
                f"{name} and {first} are fits of different trials ({record['n_trials']} trials "
                f"from {record['data']}, {reference['n_trials']} from {reference['data']}): "
                "LOO compares models of the same data only."
            )
    table = stack.compare({name: idata for name, (_, idata) in fits.items()})
    bad = {}
    for name, (_, idata) in fits.items():
        k, good_k = stack.loo_pareto_k(idata)
        bad[name] = np.flatnonzero(k > good_k)
        table.loc[name, "bad_pareto_k"] = len(bad[name])
    table["bad_pareto_k"] = table["bad_pareto_k"].astype(int)
    return Comparison(table, bad)


def report(comparison: Comparison) -> str:
    """The table and one warning line per fit with unreliable trials."""
    lines = [comparison.table.to_string(float_format=lambda x: f"{x:.2f}")]
    best = comparison.table.index[0]
    for name, row in comparison.table.iloc[1:].iterrows():
        diff, dse = row["elpd_diff"], row["dse"]
        ratio = diff / dse if dse > 0 else np.inf
        lines.append(
            f"{best} over {name}: elpd difference {diff:.1f} (SE {dse:.1f}, {ratio:.1f} SE)"
        )
    for name, rows in comparison.bad_trials.items():
        if len(rows):
            shown = ", ".join(map(str, rows[:10])) + (" ..." if len(rows) > 10 else "")
            lines.append(
                f"warning: {name}: {len(rows)} trial(s) with Pareto k above the reliable limit "
                f"(rows {shown}): PSIS-LOO is unreliable for them; check those trials (e.g. "
                "outliers, which a lapse term would absorb)."
            )
    return "\n".join(lines)
