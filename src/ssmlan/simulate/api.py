"""`simulate`: draw (rt, choice) trials from any registered model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

import numba
import numpy as np

from ssmlan.constants import MAX_T
from ssmlan.models import Kernel, ModelSpec, Noise, get_model
from ssmlan.models.spec import SLOT_NEUTRAL
from ssmlan.settings import shown
from ssmlan.simulate.diffusion_kernel import simulate_diffusion
from ssmlan.simulate.race_kernel import simulate_race

#: Bisection levels that place a crossing inside its step: resolution ``dt / 2**12``.
CROSSING_DEPTH = 12

ThetaLike = Mapping[str, float] | Mapping[str, np.ndarray] | np.ndarray | list | tuple


class Simulations(NamedTuple):
    """Simulated trials.

    ``rt``: response times in seconds (decision time + non-decision time); ``choice``: +1 upper /
    -1 lower boundary for two-choice models, the winning accumulator's index for race models.
    A trial that reaches no boundary before ``max_t`` (no decision) has ``rt = inf`` and choice 0
    (two-choice models) or -1 (race models). Shapes: ``(n,)`` for one parameter set,
    ``(n_sets, n)`` for a matrix of sets.
    """

    rt: np.ndarray
    choice: np.ndarray


def theta_matrix(spec: ModelSpec, theta: ThetaLike) -> tuple[np.ndarray, bool]:
    """Validate ``theta`` for ``spec``; return ``(matrix (n_sets, n_params), single_set)``.

    Accepts a dict by parameter name (scalars or equal-length arrays), a vector in the spec's
    parameter order, or a matrix with one row per parameter set.
    """
    names = spec.param_names
    if isinstance(theta, Mapping):
        missing = [p for p in names if p not in theta]
        unknown = [k for k in theta if k not in names]
        if missing or unknown:
            raise ValueError(
                f"Model {spec.name!r} takes parameters {', '.join(names)}; "
                + (f"missing: {', '.join(missing)}. " if missing else "")
                + (f"unknown: {', '.join(map(str, unknown))}." if unknown else "")
            )
        columns = [np.asarray(theta[p], dtype=float) for p in names]
        single = all(c.ndim == 0 for c in columns)
        try:
            matrix = np.stack(np.broadcast_arrays(*columns), axis=-1).reshape(-1, len(names))
        except ValueError:
            shapes = {p: np.shape(theta[p]) for p in names}
            raise ValueError(f"Parameter arrays have incompatible shapes: {shapes}.") from None
    else:
        matrix = np.asarray(theta, dtype=float)
        single = matrix.ndim == 1
        if matrix.ndim not in (1, 2) or matrix.shape[-1] != len(names):
            raise ValueError(
                f"Model {spec.name!r} takes {len(names)} parameters ({', '.join(names)}) per "
                f"set; got an array of shape {matrix.shape}. Pass a vector of length "
                f"{len(names)} or a matrix with one row per parameter set."
            )
        matrix = matrix.reshape(-1, len(names))
    if matrix.shape[0] == 0:
        raise ValueError("theta holds no parameter sets.")
    for j, param in enumerate(spec.params):
        ok = param.domain.contains(matrix[:, j])
        if not ok.all():
            row = int(np.argmin(ok))
            where = f" (parameter set {row})" if matrix.shape[0] > 1 else ""
            value = float(matrix[row, j])
            raise ValueError(
                f"Parameter {param.name!r} of model {spec.name!r} is {value!r}{where}; "
                f"it must be finite and in {param.domain} ({param.description})."
            )
    return matrix, single


def kernel_rows(spec: ModelSpec, matrix: np.ndarray) -> np.ndarray:
    """Map parameter sets onto the kernel's row layout (slots), filling neutral values."""
    if spec.kernel is Kernel.RACE:
        rows = np.zeros((matrix.shape[0], 2 + 2 * (spec.n_choices)))
    else:
        rows = np.tile(SLOT_NEUTRAL, (matrix.shape[0], 1))
    for j, param in enumerate(spec.params):
        rows[:, param.kernel_slot] = matrix[:, j]
    return rows


#: Bytes of output per simulated trial: a float64 rt and an int32 choice.
BYTES_PER_TRIAL = 12
#: Below this many bytes of output the free memory is not looked up.
CHECKED_FROM_BYTES = 2**30


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux ``MemAvailable``; else the physical
    memory), ``None`` where the system does not say."""
    try:
        with open("/proc/meminfo") as stream:
            for line in stream:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(n_trials: int) -> None:
    """Refuse, before any work, a simulation whose output would not fit in memory."""
    need = n_trials * BYTES_PER_TRIAL
    if need < CHECKED_FROM_BYTES:
        return
    free = available_memory()
    if free is not None and need > free:
        raise ValueError(
            f"{n_trials:,} trials need {need / 2**30:.1f} GiB for their rts and choices, more "
            f"than the {free / 2**30:.1f} GiB of memory available; simulate fewer trials per "
            "call (e.g. in batches with different seeds)."
        )


def simulate(
    model: str | ModelSpec,
    theta: ThetaLike,
    n: int,
    *,
    seed: int,
    dt: float | None = None,
    max_t: float = MAX_T,
    n_threads: int | None = None,
) -> Simulations:
    """Simulate ``n`` trials of ``model`` for each parameter set in ``theta``.

    Parameters
    ----------
    model : registered model name (see ``ssmlan models``) or a `ModelSpec`.
    theta : dict by parameter name, vector in the model's parameter order, or a matrix with one
        row per parameter set. ``a`` is half the boundary separation (bounds at -a and +a).
    n : trials per parameter set.
    seed : non-negative integer; results depend only on it, never on the thread count.
    dt : integration step (s); default: the model's ``default_dt``, chosen from the accuracy
        table in the README. Gaussian models account for crossings between steps, so their
        RTs are continuous and unbiased at coarse steps.
    max_t : longest decision time simulated (s); trials still undecided get ``rt = inf``.
    n_threads : threads to use (default: all numba threads).
    """
    spec = get_model(model)
    matrix, single = theta_matrix(spec, theta)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError(
            f"n (trials per parameter set) must be a positive integer; got {shown(n)}."
        )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be an integer in [0, 2**63); got {shown(seed)}.")
    dt = spec.default_dt if dt is None else dt
    if not (np.isfinite(dt) and 0.0 < dt <= 0.1):
        raise ValueError(f"dt must be in (0, 0.1] seconds; got {shown(dt)}.")
    if not (np.isfinite(max_t) and max_t > 0.0):
        raise ValueError(f"max_t must be a positive number of seconds; got {shown(max_t)}.")
    check_memory(matrix.shape[0] * int(n))
    rows = kernel_rows(spec, matrix)
    previous = numba.get_num_threads()
    if n_threads is not None:
        numba.set_num_threads(max(1, min(int(n_threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        if spec.kernel is Kernel.RACE:
            rt, choice = simulate_race(rows, int(n), np.uint64(seed), dt, max_t, CROSSING_DEPTH)
        else:
            gaussian = spec.noise is Noise.GAUSSIAN
            rt, choice = simulate_diffusion(
                rows,
                int(n),
                np.uint64(seed),
                dt,
                max_t,
                spec.boundary.code,
                gaussian,
                CROSSING_DEPTH,
            )
    finally:
        numba.set_num_threads(previous)
    if single:
        return Simulations(rt[0], choice[0])
    return Simulations(rt, choice)
