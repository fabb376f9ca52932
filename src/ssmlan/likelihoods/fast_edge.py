"""Closed-form upper bounds of first-passage densities at short decision times.

A diffusion with unit Gaussian noise that starts at distance ``d`` from a boundary approaching it
at the constant relative speed ``s`` (the drift towards it plus the boundary's own speed
towards the start) first reaches it with the inverse-Gaussian density

    ``p(tau) = d / sqrt(2 pi tau^3) * exp(-(d - s tau)^2 / (2 tau))``.

A second boundary only removes paths, so this bounds the two-boundary density from above, and
at short decision times, where the other boundary is out of reach, the two agree. A LAN is only
trained down to its label floor; below it, this bound keeps falling with the true density (to
``-inf`` as ``tau -> 0``), so a trial far faster than the model allows keeps pulling ``t`` away.
``a`` is half the boundary separation; the start is ``-a + 2az``; choice +1 is the upper boundary.
"""

from types import ModuleType
from typing import Any

import numpy as np

_HALF_LOG_2PI = float(0.5 * np.log(2.0 * np.pi))


def inverse_gaussian_logp(
    tau: Any, distance: Any, speed: Any, xp: ModuleType = np, spread: Any = None
) -> Any:
    """log of the inverse-Gaussian first-passage density (see the module docstring); ``tau``
    must be positive. ``spread``: ``1 + sv^2 tau`` for a speed drawn from ``N(speed, sv^2)``,
    the density averaged over it (its variance ``tau`` widened by that factor)."""
    excess = distance - speed * tau
    head = xp.log(distance) - _HALF_LOG_2PI - 1.5 * xp.log(tau)
    if spread is None:
        return head - excess * excess / (2.0 * tau)
    return head - 0.5 * xp.log(spread) - excess * excess / (2.0 * tau * spread)


def image_log_gap(tau: Any, choice: Any, a: Any, z: Any, xp: ModuleType = np, **_: Any) -> Any:
    """``log(1 - r)``: how far below the bound (`ddm_fast_edge_logp`) the density of constant
    boundaries at most lies, ``-inf`` where that is not known.

    The two-boundary density is the bound less the first image of the start in the other
    boundary, plus smaller terms of alternating sign (method of images; the drift's factor is
    common to all, so this holds for any drift and any mixture of drifts). Its ratio to the
    bound is ``r = (2W - d) / d * exp(-2 W (W - d) / tau)`` for boundary separation ``W = 2a``
    and distance ``d`` to the chosen boundary; while ``r < 1/2`` the terms shrink, and the
    density lies in ``[bound (1 - r), bound]``. The gap returned is the looser ``log(1 - 2r)``,
    which falls continuously to ``-inf`` as ``r`` reaches 1/2, where the bracket ends: with
    ``log(1 - r)`` the clipped density jumped there, by up to 6 log units in the slow tail of
    an unlikely choice (deep in the fast edge, where the bracket matters, ``r`` is ~0).
    """
    distance, _drift = _towards(choice, 0.0, a, z, xp)
    width = 2.0 * a
    log_r = xp.log(2.0 * width - distance) - xp.log(distance)
    log_r = log_r - 2.0 * width * (width - distance) / tau
    known = log_r < np.log(0.5)
    twice = xp.exp(xp.minimum(log_r, np.log(0.5)) + np.log(2.0))
    return xp.where(known, xp.log1p(-xp.minimum(twice, 1.0 - 1e-7)), -np.inf)


def _towards(choice: Any, v: Any, a: Any, z: Any, xp: ModuleType) -> tuple[Any, Any]:
    """Distance to the chosen boundary and the drift towards it."""
    upper = choice > 0
    distance = xp.where(upper, 2.0 * a * (1.0 - z), 2.0 * a * z)
    return distance, xp.where(upper, v, -v)


def ddm_fast_edge_logp(
    tau: Any, choice: Any, v: Any, a: Any, z: Any, t: Any = None, xp: ModuleType = np
) -> Any:
    """Upper bound of the ddm's log density at decision time ``tau`` (constant boundaries)."""
    distance, drift = _towards(choice, v, a, z, xp)
    return inverse_gaussian_logp(tau, distance, drift, xp)


def angle_fast_edge_logp(
    tau: Any,
    choice: Any,
    v: Any,
    a: Any,
    z: Any,
    t: Any = None,
    theta: Any = 0.0,
    xp: ModuleType = np,
) -> Any:
    """Upper bound for linearly collapsing boundaries ``a - tau tan(theta)``: each approaches
    the start at ``tan(theta)`` (exact for one linear boundary, Bachelier-Levy)."""
    distance, drift = _towards(choice, v, a, z, xp)
    return inverse_gaussian_logp(tau, distance, drift + xp.tan(theta), xp)


def ddm_sdv_fast_edge_logp(
    tau: Any,
    choice: Any,
    v: Any,
    a: Any,
    z: Any,
    t: Any = None,
    sv: Any = 0.0,
    xp: ModuleType = np,
) -> Any:
    """Upper bound for a normal trial drift ``N(v, sv^2)``: the inverse-Gaussian bound averaged
    over the drift, in closed form, ``IG(tau) / sqrt(1 + sv^2 tau)`` with the exponent's
    ``2 tau`` widened to ``2 tau (1 + sv^2 tau)`` (each drift's density lies below its bound,
    so their mixture lies below the mixture of bounds)."""
    distance, drift = _towards(choice, v, a, z, xp)
    return inverse_gaussian_logp(tau, distance, drift, xp, spread=1.0 + sv * sv * tau)
