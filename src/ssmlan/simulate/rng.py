"""Counter-based random streams for compiled simulators.

Every trial owns a SplitMix64 stream derived from ``(seed, set index, trial index)``, so results
are identical whatever the number of threads. The state is a one-element ``uint64`` array and the
spare Box-Muller normal a two-element ``float64`` array ``[value, has_value]``.
"""

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
_TWO_PI = 2.0 * np.pi
_INV_2_53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64 finaliser: a bijective, well-mixing hash of 64 bits."""
    z = (z ^ (z >> np.uint64(30))) * _MIX_1
    z = (z ^ (z >> np.uint64(27))) * _MIX_2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def stream_start(seed: np.uint64, set_index: np.int64, trial_index: np.int64) -> np.uint64:
    """Initial state of the stream for one trial of one parameter set."""
    key = mix64(seed + GOLDEN * np.uint64(set_index + 1))
    return mix64(key ^ (GOLDEN * np.uint64(trial_index + 1)))


@njit(cache=True, inline="always")
def uniform(state: np.ndarray) -> float:
    """Uniform draw on the open interval (0, 1)."""
    state[0] += GOLDEN
    bits = mix64(state[0]) >> np.uint64(11)
    return (np.float64(bits) + 0.5) * _INV_2_53


@njit(cache=True, inline="always")
def normal(state: np.ndarray, spare: np.ndarray) -> float:
    """Standard normal draw (Box-Muller, the second value kept in ``spare``)."""
    if spare[1] != 0.0:
        spare[1] = 0.0
        return spare[0]
    radius = np.sqrt(-2.0 * np.log(uniform(state)))
    angle = _TWO_PI * uniform(state)
    spare[0] = radius * np.sin(angle)
    spare[1] = 1.0
    return radius * np.cos(angle)


@njit(cache=True)
def symmetric_stable(state: np.ndarray, alpha: float) -> float:
    """Symmetric alpha-stable draw, unit scale (Chambers-Mallows-Stuck).

    Same parameterisation as ssm-simulators' Levy model: at ``alpha = 2`` the draw is N(0, 2).
    """
    u = np.pi * (uniform(state) - 0.5)
    if alpha == 1.0:
        return np.tan(u)
    w = -np.log(uniform(state))
    return (np.sin(alpha * u) / np.cos(u) ** (1.0 / alpha)) * (np.cos(u - alpha * u) / w) ** (
        (1.0 - alpha) / alpha
    )
