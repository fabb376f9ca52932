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


#: Standard deviations of the inverse Gaussian's ``(d - s tau) / sqrt(tau)`` before the onset
#: (`inverse_gaussian_onset`): at most ``2 Phi(-5) = 6e-7`` of a choice's mass comes earlier.
ONSET_SDS = 5.0
#: Smoothing of ``|speed|`` in the onset (`inverse_gaussian_onset`), so that it has no kink in
#: the drift at zero speed.
ONSET_SPEED_FLOOR = 0.1


def inverse_gaussian_onset(
    distance: Any, speed: Any, xp: ModuleType = np, spread_speed: Any = 0.0
) -> Any:
    """The decision time before which a choice has at most ``2 Phi(-ONSET_SDS)`` of its mass
    under the inverse-Gaussian bound: the root of ``d - |s| tau = k sqrt(tau)``.

    Below the onset the bound is tiny, so a LAN's density is clipped under it
    (`ssmlan.networks.network.Network.with_fast_edge`) and its mass integral can start there
    (`ssmlan.networks.network.Network.log_mass_xp`), spending no nodes on decisions that do not
    happen. ``|s|``: the chosen boundary's mass is ``exp(2 s d)`` of the bound's when the
    drift points away (``s < 0``), and the bound's shape is that of speed ``|s|``, so the onset
    is of the choice's own mass. ``spread_speed``: added to ``|s|`` for a drift drawn around
    ``s`` (``ONSET_SDS`` of its SDs), a conservative (earlier) onset for the mixture.
    """
    k = ONSET_SDS
    fastest = xp.sqrt(speed * speed + ONSET_SPEED_FLOOR**2) + spread_speed
    root = 2.0 * distance / (k + xp.sqrt(k * k + 4.0 * fastest * distance))
    return root * root


def ddm_fast_edge_logp(
    tau: Any, choice: Any, v: Any, a: Any, z: Any, t: Any = None, xp: ModuleType = np
) -> Any:
    """Upper bound of the ddm's log density at decision time ``tau`` (constant boundaries)."""
    distance, drift = _towards(choice, v, a, z, xp)
    return inverse_gaussian_logp(tau, distance, drift, xp)


def ddm_onset(choice: Any, v: Any, a: Any, z: Any, t: Any = None, xp: ModuleType = np) -> Any:
    """Onset of the ddm's decisions (`inverse_gaussian_onset` of `ddm_fast_edge_logp`)."""
    return inverse_gaussian_onset(*_towards(choice, v, a, z, xp), xp)


def _angle_approach(choice: Any, v: Any, a: Any, z: Any, theta: Any, xp: ModuleType):
    distance, drift = _towards(choice, v, a, z, xp)
    return distance, drift + xp.tan(theta)


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
    return inverse_gaussian_logp(tau, *_angle_approach(choice, v, a, z, theta, xp), xp)


def angle_onset(
    choice: Any, v: Any, a: Any, z: Any, t: Any = None, theta: Any = 0.0, xp: ModuleType = np
) -> Any:
    """Onset of the angle model's decisions (of `angle_fast_edge_logp`)."""
    return inverse_gaussian_onset(*_angle_approach(choice, v, a, z, theta, xp), xp)


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


def ddm_sdv_onset(
    choice: Any, v: Any, a: Any, z: Any, t: Any = None, sv: Any = 0.0, xp: ModuleType = np
) -> Any:
    """Onset of ddm_sdv's decisions: that of the drift ``ONSET_SDS`` SDs faster."""
    distance, drift = _towards(choice, v, a, z, xp)
    return inverse_gaussian_onset(distance, drift, xp, spread_speed=ONSET_SDS * sv)
