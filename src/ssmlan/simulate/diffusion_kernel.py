"""Compiled simulator for one-accumulator models between boundaries ``-b(t)`` and ``+b(t)``.

Covers ddm, ddm_sdv, full_ddm, angle, weibull, ornstein (state-dependent drift) and levy
(alpha-stable noise). Parameter rows follow `ssmlan.models.spec.Slot`. Unit noise SD.
"""

import numpy as np
from numba import njit, prange

from ssmlan.models.spec import Slot
from ssmlan.simulate.crossing import (
    boundary_at,
    bridge_probabilities,
    is_outside,
    locate_crossing,
)
from ssmlan.simulate.rng import normal, stream_start, symmetric_stable, uniform

_V, _A, _Z, _T = int(Slot.V), int(Slot.A), int(Slot.Z), int(Slot.T)
_SV, _SZ, _ST = int(Slot.SV), int(Slot.SZ), int(Slot.ST)
_B1, _B2, _G, _ALPHA = (
    int(Slot.BOUNDARY_1),
    int(Slot.BOUNDARY_2),
    int(Slot.G),
    int(Slot.NOISE_ALPHA),
)
_CHUNK = 256


@njit(cache=True)
def _diffusion_trial(row, code, gaussian, dt, n_steps, depth, state):
    """One trial: returns (decision time + non-decision time, choice); (inf, 0) at timeout."""
    a = row[_A]
    p1 = np.tan(row[_B1]) if code == 1 else row[_B1]
    p2 = row[_B2]
    drift = row[_V] + (row[_SV] * normal(state) if row[_SV] > 0.0 else 0.0)
    leak = row[_G]
    x = -a + 2.0 * a * row[_Z]
    if row[_SZ] > 0.0:
        x += row[_SZ] * (2.0 * uniform(state) - 1.0)
    t_nd = row[_T]
    if row[_ST] > 0.0:
        t_nd += row[_ST] * (2.0 * uniform(state) - 1.0)
    if is_outside(x, a, True):
        return t_nd, 1 if x > 0.0 else -1
    sd = np.sqrt(dt) if gaussian else dt ** (1.0 / row[_ALPHA])
    b0 = a
    t0 = 0.0
    for step in range(1, n_steps + 1):
        t1 = step * dt
        b1 = boundary_at(code, t1, a, p1, p2)
        if gaussian:
            x1 = x + (drift - leak * x) * dt + sd * normal(state)
        else:
            x1 = x + (drift - leak * x) * dt + sd * symmetric_stable(state, row[_ALPHA])
        crossed = is_outside(x1, b1, True)
        if not crossed and gaussian:
            p_upper, p_lower = bridge_probabilities(x, x1, b0, b1, dt, True)
            crossed = p_upper + p_lower > 0.0 and uniform(state) < p_upper + p_lower
        if crossed:
            if not gaussian:  # jumps: no bridge; the crossing is dated uniformly in its step
                return t1 - dt * uniform(state) + t_nd, 1 if x1 >= b1 else -1
            time, side = locate_crossing(t0, x, b0, t1, x1, b1, code, a, p1, p2, True, depth, state)
            return time + t_nd, side
        x, b0, t0 = x1, b1, t1
    return np.inf, 0


@njit(cache=True, parallel=True)
def simulate_diffusion(params, n, seed, dt, max_t, code, gaussian, depth):
    """Simulate ``n`` trials for each row of ``params`` (shape ``(n_sets, N_SLOTS)``)."""
    n_sets = params.shape[0]
    rts = np.empty((n_sets, n))
    choices = np.empty((n_sets, n), dtype=np.int32)
    n_steps = int(np.ceil(max_t / dt - 1e-9))
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for job in prange(n_sets * n_chunks):
        k = job // n_chunks
        start = (job % n_chunks) * _CHUNK
        state = np.empty(1, dtype=np.uint64)
        for i in range(start, min(start + _CHUNK, n)):
            state[0] = stream_start(np.uint64(seed), k, i)
            rts[k, i], choices[k, i] = _diffusion_trial(
                params[k], code, gaussian, dt, n_steps, depth, state
            )
    return rts, choices
