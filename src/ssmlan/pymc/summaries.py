"""The statistics a predictive check compares, for the observed data and each simulated data set.

Trials fall into cells (conditions, or participants); per cell and choice: the response
proportion, the rt quantiles of the responses with an rt, and their rt histogram (a defective
density: its area over all choices is the share of trials with an rt); per cell the mean rt.
Statistics of many data sets are computed at once from ``(n_sets, n_trials)`` arrays, so a
predictive check needs one chunk of simulated data sets in memory at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The rt quantiles of a quantile-probability plot (Ratcliff and McKoon, 2008).
QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
#: Fewest responses of a choice in a cell for its rt quantiles (fewer: NaN).
MIN_RESPONSES_FOR_QUANTILES = 5


@dataclass(frozen=True)
class Cells:
    """A partition of the trials: each trial's cell index, the cells' labels and the columns
    they come from (no columns: all trials in one cell)."""

    index: np.ndarray
    labels: tuple[str, ...]
    columns: tuple[str, ...]

    @classmethod
    def of(cls, data: pd.DataFrame, columns: Sequence[str] = ()) -> Cells:
        """Cells of ``data`` by the values of ``columns``, e.g. ``("stim", "conf")``."""
        columns = tuple(columns)
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise ValueError(
                f"No column(s) {missing} in the data to group trials by; columns: "
                f"{list(data.columns)}."
            )
        if not columns:
            return cls(np.zeros(len(data), dtype=np.int64), ("all trials",), ())
        groups = data.groupby(list(columns), sort=True, dropna=False)  # numbers in number order
        index = groups.ngroup().to_numpy()
        labels = [
            ", ".join(map(str, key if isinstance(key, tuple) else (key,)))
            for key in groups.size().index
        ]
        if len(columns) == 1:
            names = tuple(str(label) for label in labels)
        else:
            names = tuple(f"{', '.join(columns)} = {label}" for label in labels)
        return cls(index.astype(np.int64), names, columns)

    @property
    def n(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class Summary:
    """Statistics of ``n_sets`` data sets (one for observed data): arrays indexed
    ``[set, cell, choice, ...]`` in the order of ``cells.labels`` and ``choices``.

    ``p_choice``: share of the cell's trials with that choice; ``p_no_rt``: share without an rt
    (withheld or no response); ``quantiles[..., q]``: rt quantiles `QUANTILES`; ``mean_rt``:
    ``[set, cell]``; ``density[..., bin]``: rt histogram over ``edges`` divided by the cell's
    trial count and the bin width.
    """

    cells: Cells
    choices: tuple[int, ...]
    edges: np.ndarray
    p_choice: np.ndarray
    p_no_rt: np.ndarray
    quantiles: np.ndarray
    mean_rt: np.ndarray
    density: np.ndarray

    @staticmethod
    def join(parts: Sequence[Summary]) -> Summary:
        """One summary of the data sets of ``parts`` (the same cells, choices and edges)."""
        first = parts[0]
        fields = ("p_choice", "p_no_rt", "quantiles", "mean_rt", "density")
        joined = {f: np.concatenate([getattr(p, f) for p in parts]) for f in fields}
        return Summary(first.cells, first.choices, first.edges, **joined)


def rt_edges(rt: np.ndarray, n_bins: int = 40) -> np.ndarray:
    """Histogram edges over the observed rts (0.5% to 99.5% quantiles, padded by 10%)."""
    observed = rt[np.isfinite(rt)]
    if len(observed) == 0:
        return np.linspace(0.0, 1.0, n_bins + 1)
    low, high = np.quantile(observed, [0.005, 0.995])
    pad = 0.1 * max(high - low, 1e-3)
    return np.linspace(max(0.0, low - pad), high + pad, n_bins + 1)


def summarise(
    rt: np.ndarray, choice: np.ndarray, cells: Cells, choices: Sequence[int], edges: np.ndarray
) -> Summary:
    """Statistics of data sets ``rt``, ``choice`` (``(n_sets, n_trials)``, or one data set as
    ``(n_trials,)``); rt NaN: no rt."""
    rt, choice = np.atleast_2d(np.asarray(rt, float)), np.atleast_2d(np.asarray(choice, float))
    n_sets = rt.shape[0]
    has_rt = np.isfinite(rt)
    n_bins = len(edges) - 1
    shape = (n_sets, cells.n, len(choices))
    p_choice, quantiles = np.zeros(shape), np.full((*shape, len(QUANTILES)), np.nan)
    density = np.zeros((*shape, n_bins))
    p_no_rt, mean_rt = np.zeros((n_sets, cells.n)), np.full((n_sets, cells.n), np.nan)
    bin_of = np.clip(np.searchsorted(edges, rt, side="right") - 1, 0, n_bins - 1)
    inside = has_rt & (rt >= edges[0]) & (rt <= edges[-1])
    widths = np.diff(edges)
    for c in range(cells.n):
        in_cell = cells.index == c
        n_cell = int(in_cell.sum())
        if n_cell == 0:
            continue
        cell_rt = np.where(has_rt[:, in_cell], rt[:, in_cell], np.nan)
        p_no_rt[:, c] = 1.0 - has_rt[:, in_cell].mean(axis=1)
        counts = has_rt[:, in_cell].sum(axis=1)
        mean_rt[:, c] = np.where(
            counts > 0, np.nansum(cell_rt, axis=1) / np.maximum(counts, 1), np.nan
        )
        for j, value in enumerate(choices):
            chosen = choice[:, in_cell] == value
            p_choice[:, c, j] = chosen.mean(axis=1)
            responses = np.where(chosen, cell_rt, np.nan)
            enough = np.isfinite(responses).sum(axis=1) >= MIN_RESPONSES_FOR_QUANTILES
            if enough.any():
                q = np.nanquantile(responses[enough], QUANTILES, axis=1)
                quantiles[enough, c, j] = q.T
            counted = chosen & inside[:, in_cell]
            flat = (np.arange(n_sets)[:, None] * n_bins + bin_of[:, in_cell])[counted]
            hist = np.bincount(flat, minlength=n_sets * n_bins).reshape(n_sets, n_bins)
            density[:, c, j] = hist / (n_cell * widths)
    return Summary(
        cells, tuple(int(c) for c in choices), edges, p_choice, p_no_rt, quantiles, mean_rt, density
    )
