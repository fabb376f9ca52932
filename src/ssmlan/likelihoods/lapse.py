"""Lapses: a contaminant mixture, as in HDDM and HSSM.

With probability ``p_outlier`` a trial is a lapse: its choice is uniform over the model's
choices and its rt uniform on ``[low, high]`` (by default from 0 to the slowest observed rt).
So a trial with an rt has likelihood ``(1 - p) f(rt, c) + p / (n_choices (high - low))``, a
trial without one (a withheld response) ``(1 - p) P(c) + p / n_choices``, and a trial without a
response before its deadline ``D`` ``(1 - p) S(D) + p (high - D) / (high - low)``. A few contaminant
trials (a fast guess, a slow distraction) then no longer pull the model's parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

#: Beta(1, 19) prior of an estimated ``p_outlier`` (``p_outlier="free"``): mean 0.05, mode 0,
#: 95% of its mass below 0.15.
P_OUTLIER_PRIOR = (1.0, 19.0)


@dataclass(frozen=True)
class Lapse:
    """The lapse distribution: rts uniform on ``[low, high]`` s, choices uniform over
    ``n_choices``."""

    low: float
    high: float
    n_choices: int

    @classmethod
    def over(cls, rt: np.ndarray, n_choices: int, rt_range: tuple[float, float] | None = None):
        """The lapse distribution of data ``rt`` (NaN: no rt): ``rt_range`` or ``(0, slowest
        rt)``; every observed rt must lie in the range."""
        observed = rt[~np.isnan(rt)]
        slowest = float(observed.max()) if len(observed) else 1.0
        low, high = (0.0, slowest) if rt_range is None else map(float, rt_range)
        if not (np.isfinite(low) and np.isfinite(high) and 0.0 <= low < high):
            raise ValueError(f"lapse_rt must be (low, high) with 0 <= low < high; got {rt_range}.")
        outside = np.flatnonzero(~np.isnan(rt) & ((rt < low) | (rt > high)))
        if len(outside):
            row = int(outside[0])
            raise ValueError(
                f"Column 'rt' row {row}: {float(rt[row]):g} s is outside the lapse range "
                f"[{low:g}, {high:g}] s; widen lapse_rt to hold every rt."
            )
        return cls(low, high, int(n_choices))

    def log_density(
        self, has_rt: np.ndarray, censored: np.ndarray | None = None, deadline=None
    ) -> np.ndarray:
        """Log-likelihood of each trial under the lapse distribution; ``censored`` trials (no
        response by their ``deadline``): the lapse rt comes after the deadline."""
        per_choice = -np.log(self.n_choices)
        log_width = np.log(self.high - self.low)
        values = np.where(has_rt, per_choice - log_width, per_choice)
        if censored is not None and censored.any():
            after = np.clip(
                (self.high - np.asarray(deadline, float)) / (self.high - self.low), 0, 1
            )
            with np.errstate(divide="ignore"):
                values = np.where(censored, np.log(after), values)
        return values

    def mix(
        self,
        logp: Any,
        p_outlier: Any,
        has_rt: np.ndarray,
        xp: ModuleType,
        censored=None,
        deadline=None,
    ) -> Any:
        """``log((1 - p) exp(logp) + p lapse)`` per trial."""
        lapse = self.log_density(has_rt, censored, deadline)
        return xp.logaddexp(xp.log1p(-p_outlier) + logp, xp.log(p_outlier) + lapse)

    def contaminate(
        self,
        rt: np.ndarray,
        choice: np.ndarray,
        p_outlier: Any,
        choices: tuple[int, ...],
        rng: np.random.Generator,
    ) -> None:
        """Replace each simulated trial (``rt``, ``choice``, in place) by a lapse with
        probability ``p_outlier`` (scalar or per trial)."""
        lapsed = rng.uniform(size=len(rt)) < p_outlier
        n = int(lapsed.sum())
        rt[lapsed] = rng.uniform(self.low, self.high, n)
        choice[lapsed] = rng.choice(np.asarray(choices, float), n)
