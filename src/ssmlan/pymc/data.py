"""Checking trial data (rt, choice) before it reaches a model: clear errors by row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ssmlan.models import ModelSpec, Param


def shift_initval(rt: np.ndarray, shift: Param) -> float:
    """A starting value for the shift (the non-decision time) well below every observed rt.

    NUTS starts from a jittered point; with the shift above the fastest rt the likelihood is
    zero there, so it starts at a quarter of the fastest rt (inside its training box).
    """
    fastest = np.nanmin(rt) if np.any(~np.isnan(rt)) else shift.upper
    return float(np.clip(0.25 * fastest, shift.lower + 1e-3 * shift.width, shift.upper))


def as_trials(observed, spec: ModelSpec) -> np.ndarray:
    """``(n, 2)`` float array of ``[rt, choice]``; rt NaN means "no rt observed".

    Accepts a DataFrame with ``rt`` and ``choice`` columns (``response``, HSSM's name, where
    there is no ``choice``) or an ``(n, 2)`` array. Choices 0/1 are mapped to -1/+1 for
    two-choice models.
    """
    if isinstance(observed, pd.DataFrame):
        if "choice" not in observed.columns and "response" in observed.columns:
            observed = observed.rename(columns={"response": "choice"})
        missing = [c for c in ("rt", "choice") if c not in observed.columns]
        if missing:
            raise ValueError(
                f"Data lacks column(s) {missing}; it needs 'rt' (seconds, NaN for "
                f"no response) and 'choice'. Columns present: {list(observed.columns)}."
            )
        frame = observed[["rt", "choice"]]
    else:
        array = np.asarray(observed)
        if array.ndim != 2 or array.shape[1] != 2:
            raise ValueError(
                f"Data must be a DataFrame with columns rt, choice or an (n, 2) "
                f"array; got shape {array.shape}."
            )
        frame = pd.DataFrame(array, columns=["rt", "choice"])
    if len(frame) == 0:
        raise ValueError("Data holds no trials.")
    rt = pd.to_numeric(frame["rt"], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(np.isnan(rt) & frame["rt"].notna().to_numpy())
    if len(bad):
        raise ValueError(f"Column 'rt' row {bad[0]}: {frame['rt'].iloc[bad[0]]!r} is not a number.")
    bad = np.flatnonzero(~np.isnan(rt) & ~((rt > 0) & np.isfinite(rt)))
    if len(bad):
        raise ValueError(
            f"Column 'rt' row {bad[0]}: {float(rt[bad[0]])!r}; rts must be positive and "
            "finite seconds (NaN marks a trial without a response)."
        )
    choice = pd.to_numeric(frame["choice"], errors="coerce").to_numpy(float)
    allowed = set(spec.choices)
    if set(np.unique(choice[~np.isnan(choice)])) <= {0.0, 1.0} and allowed == {-1, 1}:
        choice = np.where(choice == 0, -1.0, choice)
    bad = np.flatnonzero(~np.isin(choice, list(allowed)))
    if len(bad):
        raise ValueError(
            f"Column 'choice' row {bad[0]}: {frame['choice'].iloc[bad[0]]!r}; "
            f"choices must be one of {sorted(allowed)} (or 0/1)."
        )
    return np.column_stack([rt, choice])
