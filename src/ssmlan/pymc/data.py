"""Checking trial data (rt, choice) before it reaches a model: clear errors by row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ssmlan.models import ModelSpec, Param, Role
from ssmlan.settings import shown

#: A median rt (s) above this is no plausible rt in seconds: the data are in milliseconds.
MILLISECONDS_MEDIAN = 50.0


def shift_initval(rt: np.ndarray, shift: Param) -> float:
    """A starting value for the shift (the non-decision time) below every observed rt.

    NUTS starts from a jittered point; with the shift above the fastest rt the likelihood is
    zero there, so it starts at a quarter of the fastest rt, strictly inside the training box
    (an edge is infinitely far in the sampler's unconstrained space) and strictly below the
    fastest rt. A fastest rt not above the box's lower end is refused before this
    (`check_rts_in_reach`) unless the model jitters the shift, whose start then takes the rest:
    the shift starts just above its lower end.
    """
    observed = ~np.isnan(rt)
    fastest = float(np.min(rt[observed])) if observed.any() else shift.upper
    low, high = shift.lower, min(shift.upper, fastest)
    if high <= low:
        return low + 1e-3 * shift.width
    start = min(low + 1e-3 * shift.width, low + 0.5 * (high - low))
    end = high - 0.05 * (high - low)
    return float(np.clip(0.25 * fastest, start, end))


def as_trials(observed, spec: ModelSpec, censored: bool = False) -> np.ndarray:
    """``(n, 2)`` float array of ``[rt, choice]``; rt NaN means "no rt observed".

    Accepts a DataFrame with ``rt`` and ``choice`` columns (``response``, HSSM's name, where
    there is no ``choice``) or an ``(n, 2)`` array. Choices 0/1 are mapped to -1/+1 for
    two-choice models. ``censored``: a trial with neither rt nor choice is a trial without a
    response before its deadline (else refused).
    """
    if isinstance(observed, pd.DataFrame):
        repeated = sorted({str(c) for c in observed.columns[observed.columns.duplicated()]})
        if repeated:
            raise ValueError(
                f"Data has more than one column named {', '.join(map(repr, repeated))}; give "
                "each column a different name."
            )
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
        raise ValueError(
            f"Column 'rt' row {bad[0]}: {shown(frame['rt'].iloc[bad[0]])} is not a number."
        )
    bad = np.flatnonzero(~np.isnan(rt) & ~((rt > 0) & np.isfinite(rt)))
    if len(bad):
        raise ValueError(
            f"Column 'rt' row {bad[0]}: {float(rt[bad[0]])!r}; rts must be positive and "
            "finite seconds (NaN marks a trial without a response)."
        )
    if np.any(~np.isnan(rt)) and np.nanmedian(rt) > MILLISECONDS_MEDIAN:
        raise ValueError(
            f"Column 'rt': the median rt is {np.nanmedian(rt):g} s, far beyond any plausible "
            "rt in seconds: rts look like milliseconds: divide by 1000 (ssmlan takes seconds)."
        )
    choice = pd.to_numeric(frame["choice"], errors="coerce").to_numpy(float)
    allowed = set(spec.choices)
    if set(np.unique(choice[~np.isnan(choice)])) <= {0.0, 1.0} and allowed == {-1, 1}:
        choice = np.where(choice == 0, -1.0, choice)
    no_response = np.isnan(choice) & np.isnan(rt)
    if censored:
        with_rt = np.flatnonzero(np.isnan(choice) & ~np.isnan(rt))
        if len(with_rt):
            raise ValueError(
                f"Column 'choice' row {with_rt[0]} is empty but the trial has an rt "
                f"({rt[with_rt[0]]:g} s); a trial without a response has neither."
            )
    elif no_response.any():
        row = int(np.flatnonzero(no_response)[0])
        raise ValueError(
            f"Row {row} has neither rt nor choice: a trial without a response before its "
            "deadline. Give the deadline (SSM(deadline=...), ssmlan fit --deadline COLUMN|"
            "SECONDS), or drop such trials."
        )
    bad = np.flatnonzero(~np.isin(choice, list(allowed)) & ~(censored & no_response))
    if len(bad):
        raise ValueError(
            f"Column 'choice' row {bad[0]}: {shown(frame['choice'].iloc[bad[0]])}; "
            f"choices must be one of {sorted(allowed)} (or 0/1)."
        )
    return np.column_stack([rt, choice])


def rt_reach(spec: ModelSpec) -> tuple[float, float]:
    """Over the training box: the smallest rt the model produces (`ModelSpec.smallest_rt`, the
    shift at its lower end less its largest jitter) and the latest time its decisions may start
    (the shift at its upper end plus its largest jitter)."""
    jitter = np.array([p.role is Role.SHIFT_JITTER for p in spec.params])
    lowest = float(spec.smallest_rt(np.where(jitter, spec.upper, spec.lower)))
    latest = spec.shift.upper + float(spec.upper[jitter].sum())
    return max(lowest, 0.0), latest


def check_rts_in_reach(rt: np.ndarray, spec: ModelSpec, horizon: float | None = None) -> None:
    """Refuse rts no parameter in the training box explains, naming the row: the fastest rt
    must be above the smallest rt the box allows (the shift at its lower end), else every
    density is zero. ``horizon`` (a network's `mass_horizon`, the longest decision time it was
    trained on): rts past it after the latest start the box allows (`rt_reach`) are refused
    too; a LAN gives them its floor density whatever the parameters, so they would be silently
    ignored."""
    lowest, latest = rt_reach(spec)
    observed = np.flatnonzero(~np.isnan(rt))
    if len(observed):
        row = int(observed[np.argmin(rt[observed])])
        if rt[row] <= lowest:
            raise ValueError(
                f"Column 'rt' row {row}: {float(rt[row]):g} s is not above {lowest:g} s, the "
                f"smallest rt model {spec.name!r} allows in its training box (the lower end of "
                f"{spec.shift.name!r}): no parameter in the box explains it. Check the trial "
                "(and that rts are in seconds)."
            )
    if horizon is None:
        return
    limit = horizon + latest
    beyond = np.flatnonzero(rt > limit)  # NaN (no rt) never is
    if len(beyond):
        row = int(beyond[0])
        raise ValueError(
            f"Column 'rt' row {row}: {float(rt[row]):g} s is past the network's horizon: it "
            f"was trained on decision times up to {horizon:g} s, and decisions start by "
            f"{latest:g} s in its training box, so its rts end at {limit:g} s; this trial would "
            f"get the floor density (be ignored). Drop the {len(beyond)} trial(s) slower than "
            f"{limit:g} s, or use a network trained on data generated with a longer --max-t."
        )


def deadline_values(deadline, n: int, frame: pd.DataFrame | None = None) -> np.ndarray | None:
    """Per-trial deadlines (s) from a number, a per-trial array, or a column of ``frame``
    (``None``: no deadline); refused unless positive and finite."""
    if deadline is None:
        return None
    if isinstance(deadline, str):
        if frame is None or deadline not in frame.columns:
            columns = [] if frame is None else list(frame.columns)
            raise ValueError(f"deadline {deadline!r}: no such column; columns: {columns}.")
        values = pd.to_numeric(frame[deadline], errors="coerce").to_numpy(float)
        name = f"Column {deadline!r}"
    else:
        values = np.asarray(deadline, float)
        values = np.full(n, float(values)) if values.ndim == 0 else values
        name = "deadline"
    if values.shape != (n,):
        raise ValueError(f"{name} must hold one deadline per trial ({n}); got {values.shape}.")
    bad = np.flatnonzero(~(np.isfinite(values) & (values > 0)))
    if len(bad):
        raise ValueError(
            f"{name} row {bad[0]}: {shown(values[bad[0]])}; deadlines must be positive, "
            "finite seconds."
        )
    return values


def check_deadlines(rt: np.ndarray, deadline: np.ndarray) -> None:
    """Refuse a response after its trial's deadline, naming the row."""
    late = np.flatnonzero(rt > deadline)  # NaN (no rt) never is
    if len(late):
        row = int(late[0])
        raise ValueError(
            f"Column 'rt' row {row}: {rt[row]:g} s is after the trial's deadline "
            f"({deadline[row]:g} s); a response before the deadline has rt <= deadline."
        )
