"""Boundary crossings between simulation steps, for Gaussian increments.

A plain Euler scheme only looks at the path at the grid times, so it misses excursions across
the boundary between two grid points and reports every crossing at the end of a step: both
lengthen RTs. Given the two endpoints of a step, the path in between is a Brownian bridge, whose
probability of touching a linear boundary running from ``b0`` to ``b1`` is
``exp(-2 (b0 - x0) (b1 - x1) / (s^2 h))``. The simulators draw that event every step and, once a
crossing is known to lie in a step, `locate_crossing` finds it by bisection: it draws the bridge
midpoint conditioned on the crossing (rejection sampling), picks the half holding the *first*
crossing with the right probability, and repeats ``depth`` times. The crossing time is then known
to ``h / 2**depth``. For constant or linear boundaries and constant drift the result is exact in
distribution up to that resolution (and to the neglected chance of touching both boundaries in one
step); for curved boundaries and state-dependent drift the error is of higher order in ``h``.
"""

import numpy as np
from numba import njit

from ssmlan.simulate.rng import normal, uniform

#: Exponents above this give crossing probabilities below 1e-22: skip the exp.
_NEGLIGIBLE_EXPONENT = 50.0
#: Rejection attempts for a conditioned midpoint before the last draw is accepted as is.
_MAX_TRIES = 1000


@njit(cache=True)
def boundary_at(code: int, t: float, a: float, p1: float, p2: float) -> float:
    """Compiled boundary ``b(t)``; codes as in `ssmlan.models.boundaries`.

    For the angle boundary ``p1`` is ``tan(theta)`` (precomputed once per trial).
    """
    if code == 0:
        return a
    if code == 1:
        return max(a - t * p1, 0.0)
    return a * np.exp(-((t / p2) ** p1))


@njit(cache=True, inline="always")
def is_outside(x: float, b: float, two_sided: bool) -> bool:
    return x >= b or (two_sided and x <= -b)


@njit(cache=True, inline="always")
def bridge_probabilities(x0, x1, b0, b1, variance, two_sided):
    """Chances that a bridge from ``x0`` to ``x1`` (both inside) touched ``+b`` and ``-b``."""
    upper_exponent = 2.0 * (b0 - x0) * (b1 - x1) / variance
    p_upper = np.exp(-upper_exponent) if upper_exponent < _NEGLIGIBLE_EXPONENT else 0.0
    p_lower = 0.0
    if two_sided:
        lower_exponent = 2.0 * (b0 + x0) * (b1 + x1) / variance
        if lower_exponent < _NEGLIGIBLE_EXPONENT:
            p_lower = np.exp(-lower_exponent)
    return p_upper, p_lower


@njit(cache=True, inline="always")
def _crossing_probability(x0, x1, b0, b1, variance, two_sided):
    if is_outside(x1, b1, two_sided):
        return 1.0
    p_upper, p_lower = bridge_probabilities(x0, x1, b0, b1, variance, two_sided)
    return min(p_upper + p_lower, 1.0)


@njit(cache=True)
def locate_crossing(ta, xa, ba, tb, xb, bb, code, a, p1, p2, two_sided, depth, state):
    """Time and side (+1 upper, -1 lower) of the first crossing inside ``(ta, tb]``.

    Precondition: the path is inside at ``ta`` and crosses somewhere in ``(ta, tb]``
    (``xb`` outside, or a bridge crossing already drawn). Unit noise SD.
    """
    for _ in range(depth):
        tm = 0.5 * (ta + tb)
        bm = boundary_at(code, tm, a, p1, p2)
        half = 0.5 * (tb - ta)
        mid_sd = np.sqrt(0.5 * half)
        end_outside = is_outside(xb, bb, two_sided)
        first_half = True
        xm = xa
        for attempt in range(_MAX_TRIES):
            xm = 0.5 * (xa + xb) + mid_sd * normal(state)
            if is_outside(xm, bm, two_sided):
                first_half = True
                break
            q1 = _crossing_probability(xa, xm, ba, bm, half, two_sided)
            q2 = 1.0 if end_outside else _crossing_probability(xm, xb, bm, bb, half, two_sided)
            p_cross = 1.0 - (1.0 - q1) * (1.0 - q2)
            if end_outside or attempt == _MAX_TRIES - 1 or uniform(state) < p_cross:
                first_half = uniform(state) * p_cross < q1
                break
        if first_half:
            tb, xb, bb = tm, xm, bm
        else:
            ta, xa, ba = tm, xm, bm
    if is_outside(xb, bb, two_sided):
        side = 1 if xb >= bb else -1
    else:
        p_upper, p_lower = bridge_probabilities(xa, xb, ba, bb, tb - ta, two_sided)
        total = p_upper + p_lower
        if total > 0.0:
            side = 1 if uniform(state) * total < p_upper else -1
        else:  # both underflowed on a tiny interval: the nearer boundary is the one touched
            side = 1 if (not two_sided) or bb - xb < bb + xb else -1
    return ta + uniform(state) * (tb - ta), side
