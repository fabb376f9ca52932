"""The per-choice rescaling of a LAN to its CPN, interpolated along one trial-wise parameter.

A regression on a continuous covariate (``a ~ 1 + theta``) gives every trial its own parameter
row, and the rescaling ``log P_CPN(c) - log mass_LAN(c)`` of each (row, choice) pair would cost
a quadrature of the LAN per trial. But within a group of rows that share every other parameter
(a participant, a condition), the rescaling is a smooth function of the one parameter that
varies. `ChebyshevCorrection` computes it exactly (`Network.log_mass_xp` and the CPN) at
``nodes`` Chebyshev points spanning the group's current range of that parameter, for both
choices, and evaluates the Chebyshev interpolant at each row: ``2 x groups x nodes``
quadratures per gradient instead of one per (row, choice) pair, and exact up to the
interpolation error (tested against the quadrature).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

from ssmlan.likelihoods.trial_logp import RowPairs

#: Chebyshev points per group and choice. The ddm's rescaling is then within 2.4e-4 of the
#: quadrature where ``a`` spreads over 0.5 within a group, and within 0.02 over its whole box
#: (tests/unit/test_interpolated_correction.py).
DEFAULT_NODES = 8


@dataclass(frozen=True)
class AlongParameter:
    """Interpolate the rescaling along ``parameter``; ``group_of_row`` (one integer per
    parameter row, ``0 .. groups - 1``) says which rows share every other parameter.
    `ssmlan.pymc.regression.model` builds it from the design; pass it as ``SSM(normalizer=)``."""

    parameter: str
    group_of_row: np.ndarray
    nodes: int = DEFAULT_NODES

    def quadratures(self, n_choices: int = 2) -> int:
        """LAN quadratures per evaluation: groups x nodes x choices."""
        return quadratures(len(np.unique(self.group_of_row)), self.nodes, n_choices)


def quadratures(n_groups: int, nodes: int, n_choices: int) -> int:
    """LAN quadratures of one interpolated rescaling: one per group, node and choice."""
    return n_groups * nodes * n_choices


def _chebyshev_matrix(nodes: int) -> np.ndarray:
    """``M`` with ``coefficients = M @ values``, the values at the first-kind Chebyshev points
    ``cos(pi (k + 1/2) / n)``."""
    k = np.arange(nodes)
    matrix = 2.0 / nodes * np.cos(np.pi * np.outer(k, k + 0.5) / nodes)
    matrix[0] /= 2.0
    return matrix


class ChebyshevCorrection:
    """``correction_xp(theta, choice, xp)`` for the (row, choice) ``pairs`` of one
    `TrialSplit` (see `ssmlan.likelihoods.trial_logp.trial_logp`), interpolated along
    ``column`` within the groups of ``group_of_row``."""

    def __init__(
        self,
        density: Any,
        choice_source: Any,
        column: int,
        pairs: RowPairs,
        group_of_row: np.ndarray,
        choices: tuple[int, ...],
        nodes: int = DEFAULT_NODES,
    ) -> None:
        group_of_row = np.asarray(group_of_row)
        if not np.issubdtype(group_of_row.dtype, np.integer) or group_of_row.min() < 0:
            raise ValueError("group_of_row must number each parameter row's group 0, 1, ...")
        if len(group_of_row) <= pairs.rows.max():
            raise ValueError(
                f"group_of_row has {len(group_of_row)} entries; the trials have "
                f"{pairs.rows.max() + 1} parameter rows."
            )
        if nodes < 2:
            raise ValueError(f"nodes must be at least 2; got {nodes}.")
        self.density, self.choice_source, self.column = density, choice_source, column
        _, self.group_of_pair = np.unique(group_of_row[pairs.rows], return_inverse=True)
        self.n_groups = int(self.group_of_pair.max()) + 1
        self.first_pair = np.array(
            [np.flatnonzero(self.group_of_pair == g)[0] for g in range(self.n_groups)]
        )
        self.in_group = self.group_of_pair[None, :] == np.arange(self.n_groups)[:, None]
        self.choices = np.asarray(choices, dtype=float)
        self.choice_index = np.searchsorted(self.choices, pairs.values)
        self.nodes = nodes
        self.points = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes)
        self.matrix = _chebyshev_matrix(nodes)

    @property
    def anchors(self) -> int:
        """Quadratures per evaluation (groups x nodes x choices)."""
        return quadratures(self.n_groups, self.nodes, len(self.choices))

    def correction_xp(self, theta: Any, choice: Any, xp: ModuleType) -> Any:
        """``log P(c) - log mass(c)`` per pair: ``theta`` ``(pairs, n_params)`` holds the rows of
        this correction's pairs in order, whose choices (``choice``) it already knows."""
        j, groups, nodes = self.column, self.n_groups, self.nodes
        x = theta[:, j]
        lo = xp.min(xp.where(self.in_group, x[None, :], np.inf), axis=1)
        hi = xp.max(xp.where(self.in_group, x[None, :], -np.inf), axis=1)
        mid, half = (lo + hi) / 2, xp.maximum((hi - lo) / 2, 1e-6)
        at = mid[:, None] + half[:, None] * self.points[None, :]  # (groups, nodes)
        base = theta[self.first_pair]
        width = base.shape[1]
        rows = xp.concatenate(
            [
                xp.broadcast_to(base[:, None, :j], (groups, nodes, j)),
                at[:, :, None],
                xp.broadcast_to(base[:, None, j + 1 :], (groups, nodes, width - j - 1)),
            ],
            axis=2,
        )
        rows = xp.reshape(rows, (groups * nodes, width))
        coefficients = []
        for c in self.choices:
            per_row = xp.ones(groups * nodes) * c
            exact = self.choice_source.choice_logp_xp(rows, per_row, xp) - (
                self.density.log_mass_xp(rows, per_row, xp)
            )
            coefficients.append(xp.dot(xp.reshape(exact, (groups, nodes)), self.matrix.T))
        by_choice = xp.stack(coefficients)  # (choices, groups, nodes)
        g = self.group_of_pair
        s = (x - mid[g]) / half[g]
        s = xp.minimum(xp.maximum(s, -1.0), 1.0)
        terms = [xp.ones_like(s), s]
        for _ in range(2, nodes):
            terms.append(2 * s * terms[-1] - terms[-2])
        basis = xp.stack(terms[:nodes], axis=1)  # (pairs, nodes)
        return xp.sum(by_choice[self.choice_index, g] * basis, axis=1)
