"""Counter-based random streams for compiled simulators.

Every trial owns a SplitMix64 stream derived from ``(seed, set index, trial index)``, so results
are identical whatever the number of threads. The state is a one-element ``uint64`` array.
Normals come from a ziggurat (Marsaglia & Tsang 2000), with the layer index and the value taken
from independent bits of one 64-bit draw (avoiding the correlation of the original scheme).
"""

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX_1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX_2 = np.uint64(0x94D049BB133111EB)
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


def _ziggurat_tables(
    n_layers: int = 128, r: float = 3.442619855899, v: float = 9.91256303526217e-3
):
    """Marsaglia & Tsang (2000) ziggurat tables for the standard normal (128 layers)."""
    m1 = 2.0**31
    k = np.zeros(n_layers, dtype=np.int64)
    w = np.zeros(n_layers)
    f = np.zeros(n_layers)
    dn = tn = r
    q = v / np.exp(-0.5 * dn * dn)
    k[0] = int((dn / q) * m1)
    w[0] = q / m1
    w[n_layers - 1] = dn / m1
    f[0] = 1.0
    f[n_layers - 1] = np.exp(-0.5 * dn * dn)
    for i in range(n_layers - 2, 0, -1):
        dn = np.sqrt(-2.0 * np.log(v / dn + np.exp(-0.5 * dn * dn)))
        k[i + 1] = int((dn / tn) * m1)
        tn = dn
        f[i] = np.exp(-0.5 * dn * dn)
        w[i] = dn / m1
    return k, w, f


_ZIG_K, _ZIG_W, _ZIG_F = _ziggurat_tables()
_ZIG_R = 3.442619855899


@njit(cache=True, inline="always")
def _signed_32_and_layer(state: np.ndarray):
    """A signed 32-bit integer and, from independent bits, a layer index in [0, 128)."""
    state[0] += GOLDEN
    bits = mix64(state[0])
    value = np.int64(bits & np.uint64(0xFFFFFFFF)) - np.int64(2**31)
    layer = np.int64((bits >> np.uint64(32)) & np.uint64(127))
    return value, layer


@njit(cache=True)
def _normal_slow_path(state: np.ndarray, value: np.int64, layer: np.int64) -> float:
    while True:
        x = value * _ZIG_W[layer]
        if layer == 0:  # tail beyond r (Marsaglia's exponential method)
            while True:
                x = -np.log(uniform(state)) / _ZIG_R
                y = -np.log(uniform(state))
                if y + y >= x * x:
                    break
            return _ZIG_R + x if value > 0 else -_ZIG_R - x
        wedge = _ZIG_F[layer] + uniform(state) * (_ZIG_F[layer - 1] - _ZIG_F[layer])
        if wedge < np.exp(-0.5 * x * x):
            return x
        value, layer = _signed_32_and_layer(state)
        if abs(value) < _ZIG_K[layer]:
            return value * _ZIG_W[layer]


@njit(cache=True, inline="always")
def normal(state: np.ndarray) -> float:
    """Standard normal draw: ziggurat, with layer and value from independent bits of one draw."""
    value, layer = _signed_32_and_layer(state)
    if abs(value) < _ZIG_K[layer]:
        return value * _ZIG_W[layer]
    return _normal_slow_path(state, value, layer)


@njit(cache=True)
def draw_normals(seed: np.uint64, n: int) -> np.ndarray:
    """``n`` standard normals from one stream (used to test the generator)."""
    state = np.empty(1, dtype=np.uint64)
    state[0] = stream_start(seed, 0, 0)
    out = np.empty(n)
    for i in range(n):
        out[i] = normal(state)
    return out


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
