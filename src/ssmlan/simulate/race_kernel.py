"""Compiled simulator for race models: K accumulators race to a common boundary ``a``.

Row layout: ``[a, t, v_0 .. v_{K-1}, z_0 .. z_{K-1}]``; accumulator ``k`` starts at ``z_k * a``
and drifts at ``v_k`` with unit Gaussian noise, reflected at 0 (ssm-simulators clips at 0, which
tends to the same reflected process as the step shrinks). The first to reach ``a`` gives the
choice ``k``. Crossings between steps are handled as in `ssmlan.simulate.crossing`.
"""

import numpy as np
from numba import njit, prange

from ssmlan.simulate.crossing import bridge_probabilities, locate_crossing
from ssmlan.simulate.rng import normal, stream_start, uniform

_CHUNK = 256


@njit(cache=True)
def _race_trial(row, n_acc, dt, n_steps, depth, state, x, x1):
    a = row[0]
    for j in range(n_acc):
        x[j] = row[2 + n_acc + j] * a
    sd = np.sqrt(dt)
    for step in range(1, n_steps + 1):
        t0 = (step - 1) * dt
        winner = -1
        best = np.inf
        for j in range(n_acc):
            x1[j] = abs(x[j] + row[2 + j] * dt + sd * normal(state))
            crossed = x1[j] >= a
            if not crossed:
                p_upper, _ = bridge_probabilities(x[j], x1[j], a, a, dt, False)
                crossed = p_upper > 0.0 and uniform(state) < p_upper
            if crossed:
                time, _ = locate_crossing(
                    t0, x[j], a, t0 + dt, x1[j], a, 0, a, 0.0, 1.0, False, depth, state
                )
                if time < best:
                    best, winner = time, j
        if winner >= 0:
            return best + row[1], winner
        for j in range(n_acc):
            x[j] = x1[j]
    return np.inf, -1


@njit(cache=True, parallel=True)
def simulate_race(params, n, seed, dt, max_t, depth):
    """Simulate ``n`` trials per row of ``params``; timeouts give ``(inf, -1)``."""
    n_sets = params.shape[0]
    n_acc = (params.shape[1] - 2) // 2
    rts = np.empty((n_sets, n))
    choices = np.empty((n_sets, n), dtype=np.int32)
    n_steps = int(np.ceil(max_t / dt - 1e-9))
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for job in prange(n_sets * n_chunks):
        k = job // n_chunks
        start = (job % n_chunks) * _CHUNK
        state = np.empty(1, dtype=np.uint64)
        x = np.empty(n_acc)
        x1 = np.empty(n_acc)
        for i in range(start, min(start + _CHUNK, n)):
            state[0] = stream_start(np.uint64(seed), k, i)
            rts[k, i], choices[k, i] = _race_trial(
                params[k], n_acc, dt, n_steps, depth, state, x, x1
            )
    return rts, choices
