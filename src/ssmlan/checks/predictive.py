"""The posterior predictive check of a fit: simulated data sets on disk, figures and a table.

`posterior_predictive_check` simulates data sets with the observed design
(`ssmlan.pymc.predictive`), writes them to ``predictive.nc`` (groups ``posterior_predictive``
and ``observed_data``) one chunk at a time while it summarises them
(`ssmlan.pymc.summaries`), then draws the data against the simulations:

- ``predictive_rt.png``: rt distributions by choice, per condition;
- ``quantile_probability.png``: rt quantiles against response probability, per condition;
- ``condition_means.png``: choice probability and mean rt per condition;
- ``participants_rt.png``: rt distributions per participant (hierarchical fits);
- ``predictive.csv``: every statistic, data against the model's median and 90% interval.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr

from ssmlan.plots.predictive import (
    BAND,
    choice_names,
    plot_cell_means,
    plot_quantile_probability,
    plot_rt_densities,
)
from ssmlan.pymc import stack
from ssmlan.pymc.netcdf_groups import write_group
from ssmlan.pymc.predictive import DEFAULT_DRAWS, predictive_chunks, thinned_draws
from ssmlan.pymc.ssm import observed_ssms
from ssmlan.pymc.stack import InferenceData
from ssmlan.pymc.summaries import QUANTILES, Cells, Summary, rt_edges, summarise

#: Participants drawn per figure of small multiples (more: the first ones, and it says so).
MAX_PARTICIPANTS = 40


def posterior_predictive_check(
    idata: InferenceData,
    model: pm.Model,
    data: pd.DataFrame,
    out: Path | str,
    *,
    conditions: Sequence[str] = (),
    participant: str | None = None,
    n_draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    progressbar: bool = True,
) -> dict[str, Summary]:
    """Simulate, write and draw the check of ``model`` (an `ssmlan.pymc.SSM` observed
    ``data``) into the folder ``out``; returns the summaries by cell kind (``"observed"``,
    ``"conditions"``, ``"participants"``)."""
    (name, record), *others = observed_ssms(model).items()
    if others:
        raise ValueError("The model has several SSM variables; the check takes one.")
    if len(data) != len(record.rt):
        raise ValueError(f"data has {len(data)} rows; the model observed {len(record.rt)}.")
    out = Path(out)
    cell_sets = {"conditions": Cells.of(data, conditions)}
    if participant is not None:
        cell_sets["participants"] = Cells.of(data, [participant])
    choices = record.spec.choices
    edges = rt_edges(record.rt)
    observed = {
        kind: summarise(record.rt, record.choice, cells, choices, edges)
        for kind, cells in cell_sets.items()
    }
    parts: dict[str, list[Summary]] = {kind: [] for kind in cell_sets}

    def summarised(chunks: Iterator[tuple[int, xr.Dataset]]) -> Iterator[tuple[int, xr.Dataset]]:
        for start, chunk in chunks:
            rt = chunk["rt"].values.reshape(-1, len(record.rt))
            choice = chunk["choice"].values.reshape(-1, len(record.rt))
            for kind, cells in cell_sets.items():
                parts[kind].append(summarise(rt, choice, cells, choices, edges))
            yield start, chunk

    path = out / "predictive.nc"
    path.unlink(missing_ok=True)
    stack.write_netcdf(_observed_data(record.rt, record.choice), path)
    draws = thinned_draws(idata, n_draws)["draw"].values
    chunks = predictive_chunks(
        idata, model, var_name=name, n_draws=n_draws, seed=seed, progressbar=progressbar
    )
    write_group(path, "posterior_predictive", summarised(chunks), draws)
    predicted = {kind: Summary.join(summaries) for kind, summaries in parts.items()}
    names = choice_names(choices)
    figures = {
        "predictive_rt.png": plot_rt_densities(
            observed["conditions"], predicted["conditions"], names
        ),
        "quantile_probability.png": plot_quantile_probability(
            observed["conditions"], predicted["conditions"], names
        ),
        "condition_means.png": plot_cell_means(
            observed["conditions"], predicted["conditions"], names
        ),
    }
    if participant is not None:
        shown = _first_cells(observed["participants"], predicted["participants"])
        figures["participants_rt.png"] = plot_rt_densities(
            *shown,
            names,
            title=f"rt distributions per {participant}: data (black) and "
            "posterior predictive (90% band)" + _cut_note(observed["participants"]),
        )
    for file_name, figure in figures.items():
        figure.savefig(out / file_name, dpi=110)
    table(observed, predicted).to_csv(out / "predictive.csv", index=False)
    return {"observed": observed["conditions"], **predicted}


def _observed_data(rt: np.ndarray, choice: np.ndarray) -> InferenceData:
    import arviz as az

    groups = {"observed_data": {"rt": rt, "choice": choice}}
    data = az.from_dict(groups) if stack.ARVIZ_1 else az.from_dict(**groups)
    return data


def _first_cells(observed: Summary, predicted: Summary) -> tuple[Summary, Summary]:
    """The first `MAX_PARTICIPANTS` cells of both summaries."""
    n = min(observed.cells.n, MAX_PARTICIPANTS)
    return tuple(_cut(s, n) for s in (observed, predicted))


def _cut(summary: Summary, n: int) -> Summary:
    cells = Cells(summary.cells.index, summary.cells.labels[:n], summary.cells.columns)
    fields = ("p_choice", "p_no_rt", "quantiles", "mean_rt", "density")
    return Summary(
        cells, summary.choices, summary.edges, **{f: getattr(summary, f)[:, :n] for f in fields}
    )


def _cut_note(observed: Summary) -> str:
    n = observed.cells.n
    return f" (first {MAX_PARTICIPANTS} of {n})" if n > MAX_PARTICIPANTS else ""


def table(observed: dict[str, Summary], predicted: dict[str, Summary]) -> pd.DataFrame:
    """One row per statistic: cell kind, cell, choice, statistic, data, and the model's median
    and 90% interval over the simulated data sets."""
    rows = []
    for kind, obs in observed.items():
        pred = predicted[kind]
        for c, cell in enumerate(obs.cells.labels):
            stats = [("mean rt", "", obs.mean_rt[:, c], pred.mean_rt[:, c])]
            stats.append(("P(no rt)", "", obs.p_no_rt[:, c], pred.p_no_rt[:, c]))
            for j, value in enumerate(obs.choices):
                stats.append(("P(choice)", value, obs.p_choice[:, c, j], pred.p_choice[:, c, j]))
                for k, q in enumerate(QUANTILES):
                    stats.append(
                        (f"rt q{q:g}", value, obs.quantiles[:, c, j, k], pred.quantiles[:, c, j, k])
                    )
            for statistic, value, data_value, model_values in stats:
                finite = model_values[np.isfinite(model_values)]
                low, mid, high = (
                    np.quantile(finite, [BAND[0], 0.5, BAND[1]]) if len(finite) else [np.nan] * 3
                )
                rows.append(
                    {
                        "cells": kind,
                        "cell": cell,
                        "choice": value,
                        "statistic": statistic,
                        "data": float(data_value[0]),
                        "model_median": mid,
                        "model_low": low,
                        "model_high": high,
                    }
                )
    return pd.DataFrame(rows)
