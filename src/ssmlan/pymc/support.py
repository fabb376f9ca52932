"""Exact bounds of a PyMC expression, from its random variables' supports and its operations.

A free variable's support is read from the transform PyMC samples it through: an interval
transform knows its bounds, a log transform means ``(0, inf)``, log-odds ``(0, 1)``, none the
whole real line. Bounds then propagate through the elementwise operations, indexing and
reshaping that parameter expressions are made of (interval arithmetic). An operation not known
here gives unbounded values, so a check built on `value_bounds` refuses rather than guesses.
`check_priors_in_domain` checks parameters against the domains of the model's parameters.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pymc as pm
import pytensor.scalar as ps
import pytensor.tensor as pt
from pymc.logprob.transforms import IntervalTransform, LogOddsTransform, LogTransform
from pytensor.compile.ops import ViewOp
from pytensor.graph.basic import Constant, Variable
from pytensor.tensor.elemwise import DimShuffle, Elemwise
from pytensor.tensor.random.op import RandomVariable
from pytensor.tensor.shape import Reshape, SpecifyShape
from pytensor.tensor.sharedvar import TensorSharedVariable

from ssmlan.pymc.stack import INDEXING_OPS, ancestors

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
    if isinstance(op, (DimShuffle, Reshape, SpecifyShape, ViewOp, *INDEXING_OPS)):
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


def _constant(var: Variable) -> bool:
    """True when ``var`` depends on no random variable and no input: a fixed value."""
    for node in ancestors([var]):
        if node.owner is None and not isinstance(node, Constant | TensorSharedVariable):
            return False
        if node.owner is not None and isinstance(node.owner.op, RandomVariable):
            return False
    return True


def check_priors_in_domain(spec, params: dict, model: pm.Model) -> None:
    """Raise if a parameter can leave its domain (`ssmlan.models.Param.domain`, where the model
    is defined at all; the analytic likelihood's check, as `check_priors_in_box` is the
    networks'). Fixed values are checked exactly, ends open or closed as the domain says; an
    expression of random variables by its `value_bounds`, which the priors' supports never
    reach (their transforms map onto open intervals), so a bound on an open end is fine."""
    for p in spec.params:
        var = pt.as_tensor_variable(params[p.name])
        domain = p.domain
        if _constant(var):
            value = np.asarray(var.eval(), dtype=float)
            inside = np.atleast_1d(domain.contains(value))
            if not inside.all():
                k = int(np.argmin(inside))
                where = f" (row {k})" if value.ndim else ""
                raise ValueError(
                    f"Parameter {p.name!r} is {np.ravel(value)[k]:g}{where}, outside its domain "
                    f"{domain} for model {spec.name!r}: the likelihood is not defined there "
                    f"({p.description})."
                )
            continue
        lo, hi = value_bounds(var, model)
        if lo < domain.lower or hi > domain.upper:
            raise ValueError(
                f"Parameter {p.name!r} can reach [{lo:.3g}, {hi:.3g}] under its prior, outside "
                f"its domain {domain} for model {spec.name!r} ({p.description}). Give it a prior "
                f"inside the domain, e.g. pm.Uniform({p.lower:g}, {p.upper:g})"
                + (" or pm.HalfNormal" if domain.lower == 0 and np.isinf(domain.upper) else "")
                + "."
            )
