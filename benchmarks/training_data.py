"""LAN training-data generation speed, ssmlan vs ssm-simulators, measured in the same run.

Both generators make the same data set: model ddm, N_SETS parameter sets drawn in the same
training box, N_SIMS simulations and N_LABELS LAN training points (KDE log densities) per set,
the same 0.8 / 0.1 / 0.1 mixture of label points. Each row is the median wall time of REPEATS
runs after one small warm-up run (imports, numba caches and worker pools excluded as far as
possible); it is reported as parameter sets per second. Outputs go to temporary folders.

* ssmlan: ``generate`` with all cores (one worker process per core), shards of SHARD_SIZE sets
  written as .npz; at the model's default step and at ssm-simulators' dt=1e-3.
* ssm-simulators: ``TrainingDataGenerator(...).generate_data_training(save=True)`` (one pickle),
  one subrun. Its pool has ``n_cpus - 1`` worker processes, so ``n_cpus="all"`` (its default)
  keeps one core busy here; ``n_cpus=cores + 1`` is also timed to keep every core busy.

Run: ``.venv-bench/bin/python benchmarks/training_data.py``, or ``make bench`` (installs
ssm-simulators into a separate environment).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version

import numpy as np

from ssmlan import get_model
from ssmlan.training_data import GeneratorConfig, generate

MODEL = "ddm"
N_SETS = 16
N_SIMS = 100_000
N_LABELS = 1000
SHARD_SIZE = 4
REPEATS = 3
#: Warm-up size: enough to start the workers and load compiled code, too small to matter.
WARM_UP_SETS = 4
WARM_UP_SIMS = 1000


def run_ssmlan(n_sets: int, n_sims: int, seed: int, dt: float | None = None) -> int:
    """Generate one ssmlan data set into a temporary folder; returns the sets kept."""
    config = GeneratorConfig(
        MODEL,
        n_param_sets=n_sets,
        n_sims=n_sims,
        n_labels=N_LABELS,
        shard_size=min(SHARD_SIZE, n_sets // 2 or 1),
        seed=seed,
        dt=dt,
    )
    with tempfile.TemporaryDirectory() as out:
        summary = generate(config, out, n_workers=None, progress=False)
    return summary["sets_kept"]


def ssms_config(n_sets: int, n_sims: int, n_cpus: int | str, folder: str) -> dict:
    """ssm-simulators' default LAN (simulation + KDE) config, set to this benchmark's sizes."""
    from ssms.config import get_default_generator_config

    config = get_default_generator_config("lan", model=MODEL)
    config["pipeline"].update(n_parameter_sets=n_sets, n_subruns=1, n_cpus=n_cpus)
    config["simulator"]["n_samples"] = n_sims
    config["training"]["n_samples_per_param"] = N_LABELS
    config["output"]["folder"] = folder
    return config


def run_ssms(n_sets: int, n_sims: int, seed: int, n_cpus: int | str) -> int:
    """Generate one ssm-simulators data set into a temporary folder; returns the sets kept."""
    from ssms.dataset_generators.lan_mlp import TrainingDataGenerator

    # Its per-set simulator seeds come from NumPy's global generator.
    np.random.seed(seed)  # noqa: NPY002 (ssm-simulators reads the legacy global state)
    with tempfile.TemporaryDirectory() as out:
        generator = TrainingDataGenerator(ssms_config(n_sets, n_sims, n_cpus, out))
        data = generator.generate_data_training(save=True)
    return len(data["theta"])


def median_seconds(run: Callable[[int, int, int], int]) -> tuple[float, int]:
    """Median wall time of REPEATS full-size runs after a small warm-up; and the sets kept."""
    run(WARM_UP_SETS, WARM_UP_SIMS, 0)
    times, kept = [], []
    for seed in range(1, REPEATS + 1):
        start = time.perf_counter()
        kept.append(run(N_SETS, N_SIMS, seed))
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(kept)


def main() -> None:
    cores = os.cpu_count() or 1
    default_dt = get_model(MODEL).default_dt
    print(
        f"{MODEL}: {N_SETS} parameter sets x {N_SIMS:,} simulations, {N_LABELS} labels per set;"
        f" cores: {cores}; median of {REPEATS} after a warm-up"
    )
    print(f"ssmlan {version('ssmlan')}, ssm-simulators {version('ssm-simulators')}")
    runs: dict[str, Callable[[int, int, int], int]] = {
        'ssm-simulators n_cpus="all" (1 worker)': lambda n, s, seed: run_ssms(n, s, seed, "all"),
        f"ssm-simulators n_cpus={cores + 1} ({cores} workers)": lambda n, s, seed: run_ssms(
            n, s, seed, cores + 1
        ),
        f"ssmlan default dt={default_dt:g} ({cores} workers)": run_ssmlan,
        f"ssmlan dt=1e-3 ({cores} workers)": lambda n, s, seed: run_ssmlan(n, s, seed, dt=1e-3),
    }
    results = {name: median_seconds(run) for name, run in runs.items()}
    rates = {name: N_SETS / seconds for name, (seconds, _) in results.items()}
    default_name, busy_name = list(runs)[:2]
    base, best = rates[default_name], max(rates[default_name], rates[busy_name])
    print()
    for name, (seconds, kept) in results.items():
        print(
            f"  {name:<40} {seconds:7.2f} s  {rates[name]:7.2f} sets/s  kept {kept:>3}/{N_SETS}"
            f"  x{rates[name] / base:6.2f} vs ssms default  x{rates[name] / best:6.2f} vs best ssms"
        )


if __name__ == "__main__":
    main()
