"""Per-trial log-likelihood of a data set, for any array namespace (NumPy, JAX, PyTensor).

Trials with an observed rt use the density source (a LAN or the analytic density); trials whose
rt is missing (NaN: e.g. a withheld response in a Go/NoGo task) use the choice source (a CPN or
the closed-form choice probability): ``log P(choice)``. Trials with neither an rt nor a choice
are censored at their deadline: ``log P(no response by the deadline)`` (`log_survival`). Which
trials are which is fixed by the data, so the split is done once, outside the graph. With
``normalize``, a network density is rescaled per choice to the CPN's choice probability (see
`trial_logp`), by quadrature of the density or by a precomputed correction source (e.g. a
normaliser network).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from types import ModuleType
from typing import Any

import numpy as np


@dataclass(frozen=True)
class AnalyticSource:
    """A closed-form density and choice probability, with the network call signature.

    ``logp_fn(rt, choice, **params, xp)`` and ``choice_logp_fn(choice, **params, xp)`` take the
    parameters by name, in the column order of ``spec`` (`ssmlan.models.ModelSpec`).
    """

    spec: Any
    logp_fn: Callable[..., Any]
    choice_logp_fn: Callable[..., Any]
    log_survival_fn: Callable[..., Any] | None = None

    @classmethod
    def of(cls, spec: Any) -> AnalyticSource:
        """The analytic likelihood of a model spec (`ssmlan.models.ModelSpec`)."""
        if spec.analytic_logp is None or spec.analytic_choice_logp is None:
            raise ValueError(
                f"Model {spec.name!r} has no analytic likelihood; use likelihood='network'."
            )
        return cls(
            spec,
            spec.analytic_logp,
            spec.analytic_choice_logp,
            spec.analytic_log_survival,
        )

    def logp_xp(self, theta: Any, rt: Any, choice: Any, xp: ModuleType) -> Any:
        return self.logp_fn(rt, choice, **self.spec.by_name(theta), xp=xp)

    def choice_logp_xp(self, theta: Any, choice: Any, xp: ModuleType) -> Any:
        return self.choice_logp_fn(choice, **self.spec.by_name(theta), xp=xp)

    def log_survival_xp(self, theta: Any, deadline: Any, xp: ModuleType) -> Any:
        if self.log_survival_fn is None:
            raise ValueError("This model has no analytic censored likelihood (deadlines).")
        return self.log_survival_fn(deadline, **self.spec.by_name(theta), xp=xp)


@dataclass(frozen=True)
class RowPairs:
    """The distinct (parameter row, value) pairs of some trials, and each trial's pair: the value
    is a choice (`TrialSplit.rt_pairs`, `TrialSplit.no_rt_pairs`) or a deadline
    (`TrialSplit.censored`)."""

    rows: np.ndarray
    values: np.ndarray
    of_trial: np.ndarray

    @classmethod
    def of(cls, rows: np.ndarray, values: np.ndarray) -> RowPairs:
        pairs = np.stack([rows, values], axis=1).reshape(-1, 2)
        unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
        return cls(unique[:, 0].astype(np.int64), unique[:, 1].astype(float), np.ravel(inverse))


@dataclass(frozen=True)
class TrialSplit:
    """How trials map onto parameter rows, fixed by the data.

    ``theta`` has one row per parameter *row*: per trial, or per group of trials sharing their
    parameters (e.g. a condition). Trials with an rt each need a density evaluation at their row
    (`with_rt`, `rows_with_rt`); per-(row, choice) terms are computed once per distinct pair:
    `rt_pairs` for the trials with an rt (the density's normalisation), `no_rt_pairs` for the
    trials without one (``log P(choice)``); `censored` trials (no rt, no choice) once per
    distinct (row, deadline) pair.
    """

    with_rt: np.ndarray
    rows_with_rt: np.ndarray
    rt_pairs: RowPairs
    no_rt_pairs: RowPairs
    censored: RowPairs
    restore: np.ndarray

    @classmethod
    def of(
        cls,
        rt: np.ndarray,
        choice: np.ndarray,
        row_of_trial: np.ndarray | None = None,
        deadline: np.ndarray | None = None,
    ):
        """``deadline`` (per trial, s) is needed where a trial has neither rt nor choice."""
        rows = np.arange(len(rt)) if row_of_trial is None else np.asarray(row_of_trial)
        missing, no_choice = np.isnan(rt), np.isnan(choice)
        with_rt = np.flatnonzero(~missing)
        without_rt = np.flatnonzero(missing & ~no_choice)
        censored = np.flatnonzero(missing & no_choice)
        if len(censored) and deadline is None:
            raise ValueError("Trials without rt and choice are censored: give their deadline.")
        deadlines = np.zeros(0) if deadline is None else np.broadcast_to(deadline, rt.shape)
        return cls(
            with_rt=with_rt,
            rows_with_rt=rows[with_rt],
            rt_pairs=RowPairs.of(rows[with_rt], choice[with_rt]),
            no_rt_pairs=RowPairs.of(rows[without_rt], choice[without_rt]),
            censored=RowPairs.of(rows[censored], deadlines[censored]),
            restore=np.argsort(np.concatenate([with_rt, without_rt, censored])),
        )


def _pair_logp(source, theta: Any, pairs: RowPairs, dtype, xp: ModuleType) -> Any:
    return source.choice_logp_xp(theta[pairs.rows], pairs.values.astype(dtype), xp)


def trial_logp(
    density,
    choice_source,
    theta: Any,
    rt: np.ndarray,
    choice: np.ndarray,
    split: TrialSplit,
    xp: ModuleType,
    normalize: bool = False,
    correction=None,
) -> Any:
    """Log-likelihood of each trial; ``theta`` has one row per parameter row (see `TrialSplit`).

    ``rt`` and ``choice`` are the observed data (constants). ``normalize``: the density of a
    trial with an rt is rescaled per choice to the choice source's probability,
    ``logp(rt, c) - log mass(c) + log P(c)``, so that the choice probabilities come from the
    choice source (a CPN) and only the rt shape from the density (a LAN, `Network.log_mass_xp`).
    ``correction``: an object whose ``correction_xp(theta, choice, xp)`` gives
    ``log P(c) - log mass(c)`` per row directly (e.g. a normaliser network), used in place of
    the density's quadrature and the choice source for the trials with an rt.
    """
    parts = []
    if len(split.with_rt):
        idx = split.with_rt
        with_rt = density.logp_xp(
            theta[split.rows_with_rt], rt[idx], choice[idx].astype(rt.dtype), xp
        )
        if normalize:
            pairs = split.rt_pairs
            pair_choice = pairs.values.astype(rt.dtype)
            if correction is None:
                log_mass = density.log_mass_xp(theta[pairs.rows], pair_choice, xp)
                shift = _pair_logp(choice_source, theta, pairs, rt.dtype, xp) - log_mass
            else:
                shift = correction.correction_xp(theta[pairs.rows], pair_choice, xp)
            with_rt = with_rt + shift[pairs.of_trial]
        parts.append(with_rt)
    if len(split.no_rt_pairs.rows):
        pairs = split.no_rt_pairs
        parts.append(_pair_logp(choice_source, theta, pairs, rt.dtype, xp)[pairs.of_trial])
    if len(split.censored.rows):
        pairs = split.censored
        survival = log_survival(
            density,
            choice_source,
            theta[pairs.rows],
            pairs.values.astype(rt.dtype),
            xp,
            normalize,
        )
        parts.append(survival[pairs.of_trial])
    joined = parts[0] if len(parts) == 1 else xp.concatenate(parts)
    return joined[split.restore]


def log_survival(
    density, choice_source, theta: Any, deadline: Any, xp: ModuleType, normalize: bool = True
) -> Any:
    """log P(no response by ``deadline``) per row of ``theta``: the analytic survival where the
    density has one, else from a LAN (`ssmlan.networks.Network`): each choice's mass of
    decisions after ``deadline - smallest rt`` (its own quadrature), rescaled with
    ``normalize`` to the choice source's probability of that choice,
    ``sum_c P(c) mass_c(after) / mass_c``, summed without cancellation."""
    if hasattr(density, "log_survival_xp"):
        return density.log_survival_xp(theta, deadline, xp)
    spec = density.spec
    after = deadline - spec.smallest_rt(theta, xp)
    terms = []
    for value in spec.choices:
        choice = value + 0.0 * after  # one per row, in the namespace of the graph
        tail = density.log_mass_xp(theta, choice, xp, after=after)
        if normalize:
            tail = tail - density.log_mass_xp(theta, choice, xp)
            tail = tail + choice_source.choice_logp_xp(theta, choice, xp)
        terms.append(tail)
    return xp.minimum(reduce(xp.logaddexp, terms), 0.0)
