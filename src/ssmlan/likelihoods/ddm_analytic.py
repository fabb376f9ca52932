"""Analytic DDM: log density of (rt, choice) and log choice probability.

One source for NumPy, JAX and PyTensor: every function takes the array namespace ``xp``
(``numpy``, ``jax.numpy`` or ``pytensor.tensor``) and uses only operations all three share, so
the JAX and PyTensor versions are differentiable graphs of the same formula.

Parameters (ssm-simulators convention): drift ``v``; ``a`` is *half* the boundary separation
(boundaries at ``-a`` and ``+a``, separation ``2a``); relative start ``z`` in (0, 1), the process
starting at ``-a + 2az``; non-decision time ``t`` >= 0 (s); unit diffusion noise.
Choice ``+1`` is the upper boundary, ``-1`` the lower one. Outside the parameters' domain
(``a <= 0``, ``z`` not in (0, 1), ``t < 0``, or any parameter NaN or infinite) both functions
return ``-inf``, never NaN, with finite gradients.

The density is Navarro & Fuss (2009): the first-passage density at the lower boundary,
``p(u | v, A, w) = exp(-v A w - v^2 (rt - t) / 2) / A^2 * f(u | w)`` with ``u = (rt - t) / A^2``
and the standardised density ``f`` from the small-time series for ``u < 1`` and the large-time
series otherwise; the upper boundary is the lower one with ``v -> -v``, ``w -> 1 - w``.
With ``N_TERMS = 8`` terms on each side of the switch the truncation error is below
``exp(-(2 * 8 + 1)^2 / 2) ~ 1e-63`` (small time, ``u < 1``) and
``exp(-8^2 pi^2 / 2) ~ 1e-137`` (large time, ``u >= 1``) relative to the leading term.
"""

from types import ModuleType
from typing import Any

import numpy as np

#: Series terms per side; see the module docstring for the error bound.
N_TERMS = 8
#: Switch from the small-time to the large-time series at standardised time u = 1.
U_SWITCH = 1.0
_LOG_2PI = float(np.log(2.0 * np.pi))
_PI2 = float(np.pi**2)
#: Floor for the series sums (relative to their leading term); representable in float32 too.
_TINY = 1e-30


def _log_small_time(u: Any, w: Any, xp: ModuleType) -> Any:
    """log f(u | w), small-time series, summed relative to its k = 0 term."""
    total = w
    for k in range(1, N_TERMS + 1):
        for offset in (2.0 * k, -2.0 * k):
            shift = w + offset
            total = total + shift * xp.exp(-(shift * shift - w * w) / (2.0 * u))
    return -0.5 * _LOG_2PI - 1.5 * xp.log(u) - w * w / (2.0 * u) + xp.log(xp.maximum(total, _TINY))


def _log_large_time(u: Any, w: Any, xp: ModuleType) -> Any:
    """log f(u | w), large-time series, summed relative to its k = 1 term."""
    total = xp.sin(np.pi * w)
    for k in range(2, N_TERMS + 1):
        total = total + k * xp.exp(-(k * k - 1) * _PI2 * u / 2.0) * xp.sin(k * np.pi * w)
    return float(np.log(np.pi)) - _PI2 * u / 2.0 + xp.log(xp.maximum(total, _TINY))


def _in_domain(v: Any, a: Any, z: Any, t: Any, xp: ModuleType) -> Any:
    """True where the parameters lie in their domain: all finite, ``a > 0``, ``0 < z < 1``,
    ``t >= 0`` (``t=None``: not checked). Written with ``xp`` operations only, so Python floats
    mixed with PyTensor variables still give a tensor."""
    size = xp.abs(v) + xp.abs(a) + xp.abs(z)
    inside = (size < np.inf) & (xp.minimum(xp.minimum(a, z), 1.0 - z) > 0.0)
    if t is None:
        return inside
    return inside & (xp.abs(t) < np.inf) & (xp.minimum(t, 1.0) >= 0.0)


def ddm_logp(rt: Any, choice: Any, v: Any, a: Any, z: Any, t: Any, xp: ModuleType = np) -> Any:
    """Log density of ``(rt, choice)`` under the DDM; ``-inf`` where ``rt <= t`` and outside the
    parameters' domain.

    ``a`` is half the boundary separation (bounds at -a and +a); ``z`` the relative start in (0, 1);
    choice is +1 (upper) or -1 (lower). Broadcasts over all arguments.
    """
    return _first_passage_logp(rt, choice, v, a, z, t, None, xp)


def ddm_sdv_logp(
    rt: Any, choice: Any, v: Any, a: Any, z: Any, t: Any, sv: Any, xp: ModuleType = np
) -> Any:
    """Log density of ``(rt, choice)`` under the DDM whose drift varies across trials,
    ``Normal(v, sv)``: the ddm's density integrated over the drift in closed form,
    ``f0(u | w) / A^2 exp(((A w sv)^2 - 2 A v w - v^2 tau) / (2 (1 + sv^2 tau))) /
    sqrt(1 + sv^2 tau)`` at the lower boundary (decision time ``tau``, ``u = tau / A^2``;
    Blurton, Kesselmeier and Gondan, 2017); ``sv = 0`` is `ddm_logp`."""
    return _first_passage_logp(rt, choice, v, a, z, t, sv, xp)


def _first_passage_logp(rt, choice, v, a, z, t, sv, xp: ModuleType) -> Any:
    """`ddm_logp` (``sv=None``) or `ddm_sdv_logp`."""
    inside = _in_domain(v, a, z, t, xp)
    if sv is not None:
        inside = inside & (xp.abs(sv) < np.inf) & (xp.minimum(sv, 1.0) >= 0.0)
        sv = xp.where(inside, sv, 0.0)
    v, a, z, t = (xp.where(inside, x, safe) for x, safe in ((v, 0.0), (a, 1.0), (z, 0.5), (t, 0.0)))
    upper = choice > 0
    v_low = xp.where(upper, -v, v)
    w = xp.where(upper, 1.0 - z, z)
    separation = 2.0 * a
    decision_time = rt - t
    valid = (decision_time > 0.0) & inside
    safe_time = xp.where(valid, decision_time, 1.0)  # keeps gradients finite where rt <= t
    u = safe_time / (separation * separation)
    small = u < U_SWITCH
    log_f = xp.where(
        small,
        _log_small_time(xp.where(small, u, 0.5), w, xp),
        _log_large_time(xp.where(small, 2.0, u), w, xp),
    )
    if sv is None:
        drift_term = -v_low * separation * w - v_low * v_low * safe_time / 2.0
    else:
        spread = 1.0 + sv * sv * safe_time
        start = separation * w * sv
        drift_term = (start * start - 2.0 * v_low * separation * w - v_low * v_low * safe_time) / (
            2.0 * spread
        ) - 0.5 * xp.log(spread)
    log_density = drift_term - 2.0 * xp.log(separation) + log_f
    return xp.where(valid, log_density, -np.inf)


def _log_abs_expm1(x: Any, xp: ModuleType) -> Any:
    """log|exp(x) - 1|, stable for large |x| (x != 0)."""
    positive = x > 0.0
    safe_pos = xp.where(positive, x, 1.0)
    safe_neg = xp.where(positive, -1.0, x)
    return xp.where(
        positive,
        safe_pos + xp.log1p(-xp.exp(-safe_pos)),
        xp.log(-xp.expm1(safe_neg)),
    )


def ddm_choice_logp(choice: Any, v: Any, a: Any, z: Any, t: Any = None, xp: ModuleType = np) -> Any:
    """Log probability of ``choice`` (+1 upper, -1 lower) under the DDM, in closed form.

    ``P(upper) = (1 - exp(-2 v x0)) / (1 - exp(-4 v a))`` with ``x0 = 2 a z`` the distance of the
    start from the lower boundary; ``a`` is half the boundary separation; ``P(upper) = z`` at
    ``v = 0``. ``t`` is accepted so that all parameters can be passed by name; it has no effect.
    ``-inf`` outside the domain of ``v``, ``a``, ``z``.
    """
    inside = _in_domain(v, a, z, None, xp)
    v, a, z = (xp.where(inside, x, safe) for x, safe in ((v, 0.0), (a, 1.0), (z, 0.5)))
    upper = choice > 0
    v_dir = xp.where(upper, v, -v)
    w = xp.where(upper, z, 1.0 - z)
    separation = 2.0 * a
    tiny = xp.abs(v_dir * separation) < 1e-8
    safe_v = xp.where(tiny, 1.0, v_dir)
    log_p = _log_abs_expm1(-2.0 * safe_v * separation * w, xp) - _log_abs_expm1(
        -2.0 * safe_v * separation, xp
    )
    return xp.where(inside, xp.where(tiny, xp.log(w), log_p), -np.inf)


def ddm_mean_decision_time(v: float, a: float, z: float) -> float:
    """Mean first-passage time (s, without ``t``), from Wald's identity; ``a`` is half the
    boundary separation. ``E[T] = (2a P(upper) - x0) / v`` and ``x0 (2a - x0)`` at ``v = 0``."""
    separation = 2.0 * a
    x0 = separation * z
    if abs(v) < 1e-10:
        return x0 * (separation - x0)
    p_upper = float(np.exp(ddm_choice_logp(1, v, a, z)))
    return (separation * p_upper - x0) / v


#: Terms of the survival series (`ddm_log_survival`): below ``exp(-30)`` of the leading term
#: at decision times above ``60 A^2 / (pi^2 K^2)`` (0.95 ms at the widest ddm box, A = 5).
N_SURVIVAL_TERMS = 400


def _log_mass_after(tau: Any, v: Any, separation: Any, w: Any, xp: ModuleType) -> Any:
    """log P(absorbed at the lower boundary after decision time ``tau``): the large-time series
    ``2 pi / A^2 exp(-v A w - v^2 tau / 2) sum_k k sin(k pi w) exp(-k^2 pi^2 tau / (2 A^2)) /
    (v^2 + k^2 pi^2 / A^2)`` (Blurton, Kesselmeier and Gondan, 2012)."""
    k = np.arange(1, N_SURVIVAL_TERMS + 1, dtype=float)
    a2 = (separation * separation)[..., None]
    terms = (
        k
        * xp.sin(k * np.pi * w[..., None])
        * xp.exp(-(k * k) * _PI2 * tau[..., None] / (2.0 * a2))
        / ((v * v)[..., None] + (k * k) * _PI2 / a2)
    )
    total = xp.maximum(xp.sum(terms, axis=-1), _TINY)
    return (
        _LOG_2PI
        - xp.log(separation * separation)
        - v * separation * w
        - v * v * tau / 2
        + xp.log(total)
    )


def ddm_log_survival(deadline: Any, v: Any, a: Any, z: Any, t: Any, xp: ModuleType = np) -> Any:
    """log P(no response by ``deadline`` (s)) under the DDM: the likelihood of a trial without
    a response before its deadline (0 where ``deadline <= t``). The sum of both boundaries'
    large-time series of the mass still to come at decision time ``deadline - t``, so that it
    stays accurate (no cancellation) when the survival is tiny. ``-inf`` outside the domain."""
    inside = _in_domain(v, a, z, t, xp)
    v, a, z, t = (xp.where(inside, x, safe) for x, safe in ((v, 0.0), (a, 1.0), (z, 0.5), (t, 0.0)))
    decision_time = deadline - t
    started = decision_time > 0.0
    tau, v, separation, z = xp.broadcast_arrays(xp.where(started, decision_time, 1.0), v, 2 * a, z)
    lower = _log_mass_after(tau, v, separation, z, xp)
    upper = _log_mass_after(tau, -v, separation, 1.0 - z, xp)
    log_survival = xp.logaddexp(lower, upper)
    return xp.where(inside, xp.where(started, xp.minimum(log_survival, 0.0), 0.0), -np.inf)


#: Gauss-Legendre nodes on each side of drift 0 over the trial drift ``Normal(v, sv)``, within
#: `DRIFT_SDS` SDs of ``v``: the ddm_sdv's choice probability and survival. The choice
#: probability is steep in the drift near 0 (over about 1 / a); split there, 48 nodes a side
#: give it within 5e-12 of adaptive quadrature over the box.
N_DRIFT_NODES = 48
DRIFT_SDS = 8.0
_LEGENDRE = np.polynomial.legendre.leggauss(N_DRIFT_NODES)


def _over_drift(fn, v: Any, sv: Any, xp: ModuleType) -> Any:
    """log E[exp(fn(drift))] for drift ~ Normal(v, sv)."""
    x, w = _LEGENDRE
    sv = xp.maximum(sv, 1e-8)[..., None]
    v = v[..., None]
    low, high = v - DRIFT_SDS * sv, v + DRIFT_SDS * sv
    middle = xp.minimum(xp.maximum(0.0 * v, low), high)
    parts = []
    for start, end in ((low, middle), (middle, high)):
        half = xp.maximum((end - start) / 2.0, 1e-300)
        drift = start + (x + 1.0) * half
        log_normal = -0.5 * ((drift - v) / sv) ** 2 - xp.log(sv) - 0.5 * _LOG_2PI
        parts.append(fn(drift) + np.log(w) + xp.log(half) + log_normal)
    terms = xp.concatenate(parts, axis=-1)
    peak = xp.max(terms, axis=-1)
    return peak + xp.log(xp.sum(xp.exp(terms - peak[..., None]), axis=-1))


def _as_arrays(xp: ModuleType, *values: Any) -> list:
    return list(
        xp.broadcast_arrays(
            *(xp.asarray(value, dtype=float) if xp is np else value for value in values)
        )
    )


def ddm_sdv_choice_logp(
    choice: Any, v: Any, a: Any, z: Any, t: Any = None, sv: Any = 0.0, xp: ModuleType = np
) -> Any:
    """log P(choice) under the ddm_sdv: `ddm_choice_logp` averaged over the drift
    ``Normal(v, sv)`` (`_over_drift`)."""
    choice, v, a, z, sv = _as_arrays(xp, choice, v, a, z, sv)
    return _over_drift(
        lambda drift: ddm_choice_logp(choice[..., None], drift, a[..., None], z[..., None], xp=xp),
        v,
        sv,
        xp,
    )


def ddm_sdv_log_survival(
    deadline: Any, v: Any, a: Any, z: Any, t: Any, sv: Any, xp: ModuleType = np
) -> Any:
    """log P(no response by ``deadline``) under the ddm_sdv: `ddm_log_survival` averaged over
    the drift ``Normal(v, sv)`` (`_over_drift`)."""
    deadline, v, a, z, t, sv = _as_arrays(xp, deadline, v, a, z, t, sv)
    return _over_drift(
        lambda drift: ddm_log_survival(
            deadline[..., None], drift, a[..., None], z[..., None], t[..., None], xp=xp
        ),
        v,
        sv,
        xp,
    )
