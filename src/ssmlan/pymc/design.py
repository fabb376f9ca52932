"""Design matrices of per-parameter regressions, parsed by `formulae` (lme4 syntax).

``"1 + stim + (1|participant_id)"`` gives a common-effects matrix (intercept, stim contrasts)
and one group-effects matrix per group term (a column per participant). The trials' parameter
rows follow from the design: two trials share a row when every parameter's design rows are
equal, so a hierarchy over participants and conditions evaluates the likelihood's per-row terms
once per participant and condition, and a regression on a continuous covariate once per trial.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from formulae import design_matrices


@dataclass(frozen=True)
class Term:
    """One term of a design: its name, the columns of the matrix it owns and their labels."""

    name: str
    columns: slice
    labels: tuple[str, ...]


@dataclass(frozen=True)
class GroupTerm:
    """A group-specific term, e.g. ``1|participant_id``: one column per group."""

    name: str
    matrix: np.ndarray
    groups: tuple[str, ...]


@dataclass(frozen=True)
class Design:
    """A parameter's regression: ``eta = common @ beta + sum(group.matrix @ b_group)``."""

    parameter: str
    formula: str
    common: np.ndarray
    terms: tuple[Term, ...]
    group_terms: tuple[GroupTerm, ...]

    @property
    def has_intercept(self) -> bool:
        return any(term.name == "Intercept" for term in self.terms)

    def stacked(self) -> np.ndarray:
        """Every column of the design (common, then group terms), one row per trial."""
        return np.column_stack([self.common, *(g.matrix for g in self.group_terms)])


def parse(parameter: str, formula: str, data: pd.DataFrame) -> Design:
    """The design of ``parameter``'s ``formula`` (right-hand side; ``"v ~ ..."`` also accepted).

    Errors name the parameter and the formula: an unknown column, a missing value, or a formula
    without any term.
    """
    rhs = formula.split("~", 1)[1] if "~" in formula else formula
    if not rhs.strip():
        raise ValueError(f"Formula for {parameter!r} is empty; e.g. {parameter}='1 + (1|subject)'.")
    try:
        matrices = design_matrices(rhs, data, na_action="error")
    except Exception as error:  # formulae raises many kinds; say which formula failed
        raise ValueError(
            f"Formula for {parameter!r} ({rhs.strip()!r}) cannot be built from the data: "
            f"{type(error).__name__}: {error}. Columns: {', '.join(map(str, data.columns))}."
        ) from None
    common = matrices.common
    terms: tuple[Term, ...] = ()
    matrix = np.empty((len(data), 0))
    if common is not None:
        matrix = np.asarray(common.design_matrix, dtype=float)
        labels = list(common.as_dataframe().columns)
        terms = tuple(
            Term(name, columns, tuple(labels[columns])) for name, columns in common.slices.items()
        )
    group_terms: tuple[GroupTerm, ...] = ()
    if matrices.group is not None:
        dense = np.asarray(matrices.group.design_matrix.toarray(), dtype=float)
        group_terms = tuple(
            GroupTerm(name, dense[:, matrices.group.slices[name]], tuple(term.groups))
            for name, term in matrices.group.terms.items()
        )
    if not terms and not group_terms:
        raise ValueError(f"Formula for {parameter!r} ({rhs.strip()!r}) has no term.")
    return Design(parameter, rhs.strip(), matrix, terms, group_terms)


def parameter_rows(designs: list[Design], n_trials: int) -> tuple[np.ndarray, np.ndarray]:
    """Each trial's parameter row and, per row, the first trial that has it: trials share a row
    when all their design rows are equal."""
    if not designs:
        return np.zeros(n_trials, dtype=np.int64), np.zeros(1, dtype=np.int64)
    stacked = np.column_stack([d.stacked() for d in designs])
    _, first_trial, row_of_trial = np.unique(
        stacked, axis=0, return_index=True, return_inverse=True
    )
    return np.ravel(row_of_trial).astype(np.int64), first_trial.astype(np.int64)


def rows_varying_in_one(
    designs: list[Design], first_trial: np.ndarray, n_trials: int
) -> tuple[str, np.ndarray] | None:
    """The parameter whose design alone sets the rows apart most, and each row's group: rows of
    one group share every other parameter's design row. ``None`` without designs. E.g. with
    ``a ~ 1 + theta`` and ``v ~ 1 + (1|participant_id)``, ``a`` and one group per participant."""
    best: tuple[str, np.ndarray] | None = None
    for design in designs:
        others = [d for d in designs if d is not design]
        base_of_trial, _ = parameter_rows(others, n_trials)
        group_of_row = base_of_trial[first_trial]
        if best is None or group_of_row.max() < best[1].max():
            best = (design.parameter, group_of_row)
    return best


def formula_columns(formula: str) -> tuple[set[str], set[str]]:
    """The data columns ``formula`` uses: ``(common columns, grouping columns)``; e.g.
    ``"1 + stim + (1 + stim|participant_id)"`` gives ``({"stim"}, {"participant_id"})``."""
    from formulae import model_description

    rhs = formula.split("~", 1)[1] if "~" in formula else formula
    common: set[str] = set()
    groups: set[str] = set()
    for term in model_description(rhs).terms:
        factor = getattr(term, "factor", None)
        if factor is None:
            common |= set(term.var_names)
        else:
            groups |= set(factor.var_names)
            common |= set(term.expr.var_names)
    return common, groups
