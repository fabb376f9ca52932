"""Per-trial log-likelihood of a data set, for any array namespace (NumPy, JAX, PyTensor).

Trials with an observed rt use the density source (a LAN or the analytic density); trials whose
rt is missing (NaN: e.g. a withheld response in a Go/NoGo task) use the choice source (a CPN or
the closed-form choice probability): ``log P(choice)``. Which trials are which is fixed by the
data, so the split is done once, outside the graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ssmlan.models import ModelSpec


@dataclass(frozen=True)
class AnalyticSource:
    """The model's analytic density and choice probability, with the network call signature."""

    spec: ModelSpec

    def _by_name(self, theta: Any) -> dict:
        return {name: theta[:, j] for j, name in enumerate(self.spec.param_names)}

    def logp_xp(self, theta: Any, rt: Any, choice: Any, xp: ModuleType) -> Any:
        return self.spec.analytic_logp(rt, choice, **self._by_name(theta), xp=xp)

    def choice_logp_xp(self, theta: Any, choice: Any, xp: ModuleType) -> Any:
        return self.spec.analytic_choice_logp(choice, **self._by_name(theta), xp=xp)


@dataclass(frozen=True)
class TrialSplit:
    """How trials map onto parameter rows, fixed by the data.

    ``theta`` has one row per parameter *row*: per trial, or per group of trials sharing their
    parameters (e.g. a condition). Trials with an rt each need a density evaluation at their row;
    trials without one only need ``log P(choice)`` once per distinct (row, choice) pair, which
    `choice_rows`/`choice_values` list and `choice_of_trial` maps back.
    """

    with_rt: np.ndarray
    rows_with_rt: np.ndarray
    choice_rows: np.ndarray
    choice_values: np.ndarray
    choice_of_trial: np.ndarray
    restore: np.ndarray

    @classmethod
    def of(cls, rt: np.ndarray, choice: np.ndarray, row_of_trial: np.ndarray | None = None):
        rows = np.arange(len(rt)) if row_of_trial is None else np.asarray(row_of_trial)
        missing = np.isnan(rt)
        with_rt, without_rt = np.flatnonzero(~missing), np.flatnonzero(missing)
        pairs = np.stack([rows[without_rt], choice[without_rt]], axis=1).reshape(-1, 2)
        unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
        return cls(
            with_rt=with_rt,
            rows_with_rt=rows[with_rt],
            choice_rows=unique[:, 0].astype(np.int64),
            choice_values=unique[:, 1].astype(float),
            choice_of_trial=np.ravel(inverse),
            restore=np.argsort(np.concatenate([with_rt, without_rt])),
        )


def trial_logp(
    density,
    choice_source,
    theta: Any,
    rt: np.ndarray,
    choice: np.ndarray,
    split: TrialSplit,
    xp: ModuleType,
) -> Any:
    """Log-likelihood of each trial; ``theta`` has one row per parameter row (see `TrialSplit`).

    ``rt`` and ``choice`` are the observed data (constants).
    """
    parts = []
    if len(split.with_rt):
        idx = split.with_rt
        parts.append(
            density.logp_xp(theta[split.rows_with_rt], rt[idx], choice[idx].astype(rt.dtype), xp)
        )
    if len(split.choice_rows):
        per_pair = choice_source.choice_logp_xp(
            theta[split.choice_rows], split.choice_values.astype(rt.dtype), xp
        )
        parts.append(per_pair[split.choice_of_trial])
    joined = parts[0] if len(parts) == 1 else xp.concatenate(parts)
    return joined[split.restore]
