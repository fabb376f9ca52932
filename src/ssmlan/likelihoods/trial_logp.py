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
    """Indices of trials with and without an rt, and the order that restores trial order."""

    with_rt: np.ndarray
    without_rt: np.ndarray
    restore: np.ndarray

    @classmethod
    def of(cls, rt: np.ndarray) -> TrialSplit:
        missing = np.isnan(rt)
        with_rt, without_rt = np.flatnonzero(~missing), np.flatnonzero(missing)
        return cls(with_rt, without_rt, np.argsort(np.concatenate([with_rt, without_rt])))


def trial_logp(
    density,
    choice_source,
    theta: Any,
    rt: np.ndarray,
    choice: np.ndarray,
    split: TrialSplit,
    xp: ModuleType,
) -> Any:
    """Log-likelihood of each trial; ``theta`` is ``(n_trials, n_params)`` (symbolic or not).

    ``rt`` and ``choice`` are the observed data (constants); ``split`` is `TrialSplit.of(rt)`.
    """
    parts = []
    if len(split.with_rt):
        idx = split.with_rt
        parts.append(density.logp_xp(theta[idx], rt[idx], choice[idx].astype(rt.dtype), xp))
    if len(split.without_rt):
        idx = split.without_rt
        parts.append(choice_source.choice_logp_xp(theta[idx], choice[idx].astype(rt.dtype), xp))
    joined = parts[0] if len(parts) == 1 else xp.concatenate(parts)
    return joined[split.restore]
