"""LAN labels: log densities of (rt, choice) from a kernel density estimate of simulations.

Per choice, a Gaussian KDE of ``y = log(rt - shift)`` (``shift``: the smallest possible rt, the
non-decision time), with Silverman's bandwidth floored at `MIN_BANDWIDTH`; the log transform
keeps the estimate's mass above ``shift`` where the density starts. Back in rt units the
density is ``P(choice) * kde_y(y) / (rt - shift)``. The KDE is evaluated on a fine grid by
linear binning and FFT convolution (exact to the grid spacing, far below the bandwidth), so a
set of 100,000 simulations costs milliseconds.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import fftconvolve

from ssmlan.constants import LOG_DENSITY_FLOOR

#: Smallest bandwidth in log-rt units (0.01 = a 1% change of the decision time).
MIN_BANDWIDTH = 0.01
#: Choices with fewer trials get floor labels: no density can be estimated from them.
MIN_CHOICE_COUNT = 10
_GRID = 4096


def silverman_bandwidth(y: np.ndarray, scale: float = 1.0) -> float:
    """``scale`` times Silverman's rule, ``0.9 min(sd, IQR / 1.34) n^(-1/5)``, floored at
    `MIN_BANDWIDTH`."""
    q75, q25 = np.percentile(y, [75, 25])
    spread = min(np.std(y), (q75 - q25) / 1.34) or np.std(y)
    return max(scale * 0.9 * spread * len(y) ** -0.2, MIN_BANDWIDTH)


def _binned_kde(y: np.ndarray, bandwidth: float, points: np.ndarray) -> np.ndarray:
    """Gaussian KDE of ``y`` evaluated at ``points`` (0 outside the padded data range)."""
    lo = y.min() - 6 * bandwidth
    hi = y.max() + 6 * bandwidth
    step = (hi - lo) / (_GRID - 1)
    position = (y - lo) / step
    left = np.floor(position).astype(np.int64)
    frac = position - left
    counts = np.bincount(left, 1 - frac, _GRID + 1) + np.bincount(left + 1, frac, _GRID + 1)
    counts = counts[:_GRID]
    half_width = min(int(np.ceil(6 * bandwidth / step)), _GRID - 1)
    offsets = np.arange(-half_width, half_width + 1) * step
    kernel = np.exp(-0.5 * (offsets / bandwidth) ** 2) / (bandwidth * np.sqrt(2 * np.pi))
    smooth = fftconvolve(counts, kernel, mode="same")
    density = np.maximum(smooth, 0.0) / len(y)
    grid = lo + step * np.arange(_GRID)
    return np.interp(points, grid, density, left=0.0, right=0.0)


def kde_log_density(
    rt_sims: np.ndarray,
    choice_sims: np.ndarray,
    rt: np.ndarray,
    choice: np.ndarray,
    shift: float,
    choices: tuple[int, ...],
    bandwidth_scale: float = 1.0,
) -> np.ndarray:
    """Log density of ``(rt, choice)`` points from simulations; floored at the label floor.

    ``rt_sims``/``choice_sims``: one set's simulations (undecided trials, rt = inf, are ignored
    but count in the choice proportions' denominator). ``shift``: smallest possible rt.
    ``bandwidth_scale``: multiple of Silverman's bandwidth.
    """
    decided = np.isfinite(rt_sims)
    n_total = len(rt_sims)
    labels = np.full(len(rt), LOG_DENSITY_FLOOR)
    for c in choices:
        sims = rt_sims[decided & (choice_sims == c)]
        at = (choice == c) & (rt > shift)
        if len(sims) < MIN_CHOICE_COUNT or not at.any():
            continue
        y_sims = np.log(np.maximum(sims - shift, 1e-12))
        y = np.log(rt[at] - shift)
        density_y = _binned_kde(y_sims, silverman_bandwidth(y_sims, bandwidth_scale), y)
        with np.errstate(divide="ignore"):
            log_density = np.log(len(sims) / n_total) + np.log(density_y) - y
        labels[at] = np.maximum(log_density, LOG_DENSITY_FLOOR)
    return labels
