"""Exact bounds of a PyMC expression, from its random variables' supports and its operations.

A free variable's support is read from the transform PyMC samples it through: an interval
transform knows its bounds, a log transform means ``(0, inf)``, log-odds ``(0, 1)``, none the
whole real line. Bounds then propagate through the elementwise operations, indexing and
reshaping that parameter expressions are made of (interval arithmetic). An operation not known
here gives unbounded values, so a check built on `value_bounds` refuses rather than guesses.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pymc as pm
import pytensor.scalar as ps
from pymc.logprob.transforms import IntervalTransform, LogOddsTransform, LogTransform
from pytensor.compile.ops import ViewOp
from pytensor.graph.basic import Constant, Variable
from pytensor.tensor.elemwise import DimShuffle, Elemwise
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.shape import Reshape, SpecifyShape
from pytensor.tensor.sharedvar import TensorSharedVariable
from pytensor.tensor.subtensor import AdvancedSubtensor, AdvancedSubtensor1, Subtensor

Bounds = tuple[float, float]
UNBOUNDED: Bounds = (-np.inf, np.inf)


def _product(x: Bounds, y: Bounds) -> Bounds:
    with np.errstate(invalid="ignore"):
        corners = np.array([x[0] * y[0], x[0] * y[1], x[1] * y[0], x[1] * y[1]])
    if np.isnan(corners).any():  # 0 * inf: no finite statement
        return UNBOUNDED
    return float(corners.min()), float(corners.max())


def _quotient(x: Bounds, y: Bounds) -> Bounds:
    if y[0] <= 0.0 <= y[1]:
        return UNBOUNDED
    return _product(x, (1.0 / y[1], 1.0 / y[0]))


def _monotone(fn: Callable[[float], float]) -> Callable[..., Bounds]:
    return lambda x: (float(fn(x[0])), float(fn(x[1])))


_SCALAR_RULES: dict[type, Callable[..., Bounds]] = {
    ps.Add: lambda *xs: (sum(x[0] for x in xs), sum(x[1] for x in xs)),
    ps.Sub: lambda x, y: (x[0] - y[1], x[1] - y[0]),
    ps.Neg: lambda x: (-x[1], -x[0]),
    ps.Mul: lambda *xs: _fold(_product, xs),
    ps.TrueDiv: _quotient,
    ps.Exp: _monotone(np.exp),
    ps.Log: _monotone(lambda x: np.log(max(x, 0.0))),
    ps.Tanh: _monotone(np.tanh),
    ps.Sigmoid: _monotone(lambda x: 0.5 * (1.0 + np.tanh(0.5 * x))),
    ps.Identity: lambda x: x,
    ps.Cast: lambda x: x,
    ps.Maximum: lambda x, y: (max(x[0], y[0]), max(x[1], y[1])),
    ps.Minimum: lambda x, y: (min(x[0], y[0]), min(x[1], y[1])),
}


def _fold(rule: Callable[[Bounds, Bounds], Bounds], items: tuple) -> Bounds:
    result = items[0]
    for item in items[1:]:
        result = rule(result, item)
    return result


def _constant_bounds(value: np.ndarray) -> Bounds:
    value = np.asarray(value, dtype=float)
    if value.size == 0 or np.isnan(value).any():
        return UNBOUNDED
    return float(value.min()), float(value.max())


def _support(rv: Variable, model: pm.Model) -> Bounds:
    transform = model.rvs_to_transforms.get(rv)
    if isinstance(transform, IntervalTransform):
        lower, upper = transform.args_fn(*rv.owner.inputs)
        low = value_bounds(lower, model)[0] if lower is not None else -np.inf
        high = value_bounds(upper, model)[1] if upper is not None else np.inf
        return low, high
    if isinstance(transform, LogTransform):
        return 0.0, np.inf
    if isinstance(transform, LogOddsTransform):
        return 0.0, 1.0
    return UNBOUNDED


def value_bounds(var: Variable, model: pm.Model) -> Bounds:
    """Smallest and largest value any element of ``var`` can take under ``model``'s priors
    (``(-inf, inf)`` where that cannot be shown)."""
    if isinstance(var, Constant):
        return _constant_bounds(var.data)
    if isinstance(var, TensorSharedVariable):
        return _constant_bounds(var.get_value())
    if var in model.free_RVs:
        return _support(var, model)
    owner = var.owner
    if owner is None or isinstance(owner.op, RandomVariable):
        return UNBOUNDED
    op = owner.op
    if isinstance(op, Elemwise):
        rule = _SCALAR_RULES.get(type(op.scalar_op))
        if rule is None:
            return UNBOUNDED
        return rule(*(value_bounds(i, model) for i in owner.inputs))
    if isinstance(
        op,
        DimShuffle
        | Subtensor
        | AdvancedSubtensor
        | AdvancedSubtensor1
        | Reshape
        | SpecifyShape
        | ViewOp,
    ):
        return value_bounds(owner.inputs[0], model)
    if type(op).__name__ in ("Alloc", "BroadcastTo"):
        return value_bounds(owner.inputs[0], model)
    if type(op).__name__ in ("Join", "MakeVector"):
        parts = owner.inputs[1:] if type(op).__name__ == "Join" else owner.inputs
        found = [value_bounds(p, model) for p in parts]
        return min(b[0] for b in found), max(b[1] for b in found)
    if type(op).__name__ == "Dot":  # matrix of constants times a vector: row-wise sums
        return UNBOUNDED if not _is_constant(owner.inputs[0]) else _dot(owner.inputs, model)
    return UNBOUNDED


def _is_constant(var: Variable) -> bool:
    return isinstance(var, Constant | TensorSharedVariable)


def _dot(inputs: list, model: pm.Model) -> Bounds:
    matrix = np.asarray(
        inputs[0].data if isinstance(inputs[0], Constant) else inputs[0].get_value()
    )
    low, high = value_bounds(inputs[1], model)
    positive, negative = np.clip(matrix, 0, None), np.clip(matrix, None, 0)
    up, down = positive.sum(axis=-1), negative.sum(axis=-1)

    def scaled(weight: np.ndarray, bound: float) -> np.ndarray:  # 0 * inf counts as 0
        with np.errstate(invalid="ignore"):
            return np.where(weight == 0, 0.0, weight * bound)

    lows, highs = scaled(up, low) + scaled(down, high), scaled(up, high) + scaled(down, low)
    return float(lows.min()), float(highs.max())
