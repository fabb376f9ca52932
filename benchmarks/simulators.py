"""Simulations per second, ssmlan vs ssm-simulators, measured in the same run.

ddm and angle at v=1, a=1.5, z=0.5, t=0.5 (angle: theta=0.5), n=100,000 trials, both packages
using ssm-simulators' convention (a = half the boundary separation). Medians of REPEATS runs after
one warm-up run (compilation excluded). ssm-simulators is timed single-threaded (its default) and
with n_threads=2 (all cores here); ssmlan at its default step (crossings between steps handled,
see benchmarks/simulator_accuracy.py) and at ssm-simulators' dt=1e-3.
Run: ``make bench`` (installs ssm-simulators into a separate environment).
"""

import os
import statistics
import time
from collections.abc import Callable

import numpy as np

import ssmlan

N = 100_000
REPEATS = 5
THETAS = {
    "ddm": dict(v=1.0, a=1.5, z=0.5, t=0.5),
    "angle": dict(v=1.0, a=1.5, z=0.5, t=0.5, theta=0.5),
}


def rate(run: Callable[[int], object]) -> float:
    """Median simulations per second over REPEATS seeded runs, after a warm-up."""
    run(0)
    times = []
    for seed in range(1, REPEATS + 1):
        start = time.perf_counter()
        run(seed)
        times.append(time.perf_counter() - start)
    return N / statistics.median(times)


def main() -> None:
    from ssms.basic_simulators.simulator import simulator

    print(f"cores: {os.cpu_count()}, n={N}, median of {REPEATS}")
    for model, theta in THETAS.items():
        spec = ssmlan.get_model(model)
        vector = np.array([theta[p] for p in spec.param_names])
        rows = {
            "ssm-simulators dt=1e-3, 1 thread": rate(
                lambda s, m=model, x=vector: simulator(
                    x, model=m, n_samples=N, random_state=s, n_threads=1
                )
            ),
            "ssm-simulators dt=1e-3, 2 threads": rate(
                lambda s, m=model, x=vector: simulator(
                    x, model=m, n_samples=N, random_state=s, n_threads=2
                )
            ),
            f"ssmlan default dt={spec.default_dt:g}": rate(
                lambda s, m=model, x=theta: ssmlan.simulate(m, x, N, seed=s)
            ),
            "ssmlan dt=1e-3": rate(
                lambda s, m=model, x=theta: ssmlan.simulate(m, x, N, seed=s, dt=1e-3)
            ),
        }
        base = rows["ssm-simulators dt=1e-3, 1 thread"]
        best_baseline = max(base, rows["ssm-simulators dt=1e-3, 2 threads"])
        print(f"\n{model}")
        for name, value in rows.items():
            print(
                f"  {name:<36} {value:>12,.0f} sims/s   x{value / base:5.2f} vs 1-thread"
                f"   x{value / best_baseline:5.2f} vs best baseline"
            )


if __name__ == "__main__":
    main()
