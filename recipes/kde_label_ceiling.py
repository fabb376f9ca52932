"""How close can a LAN trained on KDE labels get? The labels' own Hellinger ratio.

On the parameter sets of `ssmlan validate` (angle: 50 sets, seed 0), the KDE label density
(`kde_log_density` from ``--n-sims`` simulations, at each bandwidth scale) is scored exactly as
the validation scores a LAN: Hellinger distance to a 100,000-trial histogram over the
distance between two such histograms. A LAN cannot be expected to beat its labels by much.

    python recipes/kde_label_ceiling.py --model angle --n-sims 20000 50000 --scales 0.5 0.25 0.15
"""

from __future__ import annotations

import argparse

import numpy as np

from ssmlan.checks.distances import hellinger_ratio, simulation_grid
from ssmlan.checks.network_report import draw_sets
from ssmlan.constants import MAX_T as MASS_HORIZON
from ssmlan.models import get_model
from ssmlan.simulate import simulate
from ssmlan.training_data.kde_labels import kde_log_density


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="angle")
    parser.add_argument("--n-sims", type=int, nargs="+", default=[20_000, 50_000])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.5, 0.25, 0.15])
    args = parser.parse_args()
    spec = get_model(args.model)
    theta = draw_sets(spec, 50, np.random.default_rng(0))
    first = simulate(spec, theta, 100_000, seed=1, max_t=MASS_HORIZON)
    second = simulate(spec, theta, 100_000, seed=2, max_t=MASS_HORIZON)
    shifts = spec.smallest_rt(theta)
    grids = [
        simulation_grid(first.rt[k][np.isfinite(first.rt[k])], shifts[k], MASS_HORIZON)
        for k in range(len(theta))
    ]
    for n_sims in args.n_sims:
        sims = simulate(spec, theta, n_sims, seed=7, max_t=MASS_HORIZON)
        for scale in args.scales:
            ratios = []
            for k, grid in enumerate(grids):
                mid = 0.5 * (grid[1:] + grid[:-1])
                bin_masses = [
                    np.exp(
                        kde_log_density(
                            sims.rt[k],
                            sims.choice[k],
                            mid,
                            np.full(len(mid), c),
                            shifts[k],
                            spec.choices,
                            scale,
                        )
                    )
                    * np.diff(grid)
                    for c in (-1, 1)
                ]
                ratios.append(hellinger_ratio(bin_masses, grid, first, second, k))
            print(
                f"{args.model} n_sims {n_sims} bandwidth x{scale}: max {max(ratios):.2f} "
                f"(set {int(np.argmax(ratios))}), median {np.median(ratios):.2f}"
            )


if __name__ == "__main__":
    main()
