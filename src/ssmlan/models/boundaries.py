"""Boundary shapes ``b(t)`` with ``b(0) = a``; the process stops at ``+b(t)`` or ``-b(t)``.

``a`` is half the boundary separation (ssm-simulators convention). The compiled twins of these
functions live in `ssmlan.simulate.diffusion_kernel` and are tested against these.
"""

import numpy as np

from ssmlan.models.spec import Boundary


def constant(t: np.ndarray, a: float, p1: float = 0.0, p2: float = 1.0) -> np.ndarray:
    """``b(t) = a``."""
    return np.full_like(np.asarray(t, dtype=float), a)


def angle(t: np.ndarray, a: float, theta: float, p2: float = 1.0) -> np.ndarray:
    """``b(t) = max(a - t * tan(theta), 0)``: linear collapse at angle ``theta`` (radians)."""
    return np.maximum(a - np.asarray(t, dtype=float) * np.tan(theta), 0.0)


def angle_closes_at(a, theta, p2=1.0, xp=np):
    """Decision time at which the angle boundary reaches 0: ``a / tan(theta)`` for a collapsing
    boundary (``theta > 0``), ``inf`` otherwise."""
    collapsing = theta > 0
    return xp.where(collapsing, a / xp.tan(xp.where(collapsing, theta, 1.0)), np.inf)


def weibull(t: np.ndarray, a: float, alpha: float, beta: float) -> np.ndarray:
    """``b(t) = a * exp(-(t / beta) ** alpha)``: Weibull-survival collapse."""
    return a * np.exp(-np.power(np.asarray(t, dtype=float) / beta, alpha))


def weibull_collapse_clock(log_tau, a, alpha, beta, xp=np):
    """``alpha * log(tau / beta)`` at ``log_tau = log(tau)``: the log of the exponent in
    ``b(tau) / a``. The boundary has fallen to ``a / e`` where it is 0 and to ``a / 140`` where
    it is 1.6, whatever ``alpha`` and ``beta``."""
    return alpha * (log_tau - xp.log(beta))


CONSTANT = Boundary("constant", 0, "b(t) = a", constant)
ANGLE = Boundary("angle", 1, "b(t) = max(a - t tan(theta), 0)", angle, angle_closes_at)
WEIBULL = Boundary(
    "weibull",
    2,
    "b(t) = a exp(-(t / beta)^alpha)",
    weibull,
    collapse_clock=weibull_collapse_clock,
)
