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

from ssmlan.checks import network_report as report
from ssmlan.models import get_model
from ssmlan.simulate import simulate
from ssmlan.training_data.kde_labels import kde_log_density


def label_ratios(model: str, n_sims: int, scale: float, n_sets: int = 50) -> np.ndarray:
    """Per validation set: Hellinger(KDE labels, histogram) / Hellinger(histogram, histogram)."""
    spec = get_model(model)
    theta = report._draw(spec, n_sets, np.random.default_rng(0))
    first = simulate(spec, theta, 100_000, seed=1)
    second = simulate(spec, theta, 100_000, seed=2)
    sims = simulate(spec, theta, n_sims, seed=7)
    shift_column = spec.param_names.index("t")
    ratios = []
    for k in range(n_sets):
        shift = theta[k, shift_column]
        decided = first.rt[k][np.isfinite(first.rt[k])]
        grid = np.linspace(shift, np.percentile(decided, 99.9) + 0.5, 2001)
        mid = 0.5 * (grid[1:] + grid[:-1])
        edges = np.concatenate([-grid[::-1], grid])
        masses = [
            np.exp(
                kde_log_density(
                    sims.rt[k], sims.choice[k], mid, np.full(len(mid), c), shift, (-1, 1), scale
                )
            )
            * np.diff(grid)
            for c in (-1, 1)
        ]
        labels = np.concatenate([masses[0][::-1], [0.0], masses[1]])
        hist_a = report._histogram(first.rt[k], first.choice[k], edges)
        hist_b = report._histogram(second.rt[k], second.choice[k], edges)
        noise = report._hellinger(report._coarse(hist_a), report._coarse(hist_b))
        distance = report._hellinger(report._coarse(labels / labels.sum()), report._coarse(hist_a))
        ratios.append(distance / noise)
    return np.array(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="angle")
    parser.add_argument("--n-sims", type=int, nargs="+", default=[20_000, 50_000])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.5, 0.25, 0.15])
    args = parser.parse_args()
    for n_sims in args.n_sims:
        for scale in args.scales:
            ratios = label_ratios(args.model, n_sims, scale)
            print(
                f"{args.model} n_sims {n_sims} bandwidth x{scale}: max {ratios.max():.2f} "
                f"(set {ratios.argmax()}), median {np.median(ratios):.2f}"
            )


if __name__ == "__main__":
    main()
