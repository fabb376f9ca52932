"""Error of a shipped LAN's log density against the exact one, by how low the exact density is,
with the fast-edge bracket (the default) and without it (the LAN floored, continued along the
bound below its floor only).

Usage: python benchmarks/fast_edge_error.py [--model ddm|ddm_sdv] [--points N] [--seed S]
Points: parameter sets uniform in the training box (t = 0), decision times log-uniform on
[0.01, 3] s, choices +-1 at random.
"""

from __future__ import annotations

import argparse

import numpy as np

from ssmlan.constants import LOG_DENSITY_FLOOR
from ssmlan.networks import load_network
from ssmlan.networks import network as network_module

BINS = ((LOG_DENSITY_FLOOR, -12.0), (-12.0, -9.0), (-9.0, -6.0), (-6.0, -3.0), (-3.0, 5.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ddm", choices=("ddm", "ddm_sdv"))
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    lan = load_network(args.model, "lan")
    spec = lan.spec
    rng = np.random.default_rng(args.seed)
    theta = spec.sample_in_box(args.points, rng)
    theta[:, spec.shift_index] = 0.0
    tau = np.exp(rng.uniform(np.log(0.01), np.log(3.0), args.points))
    choice = np.where(rng.random(args.points) < 0.5, -1.0, 1.0)
    by_name = {name: theta[:, j] for j, name in enumerate(spec.param_names)}
    exact = spec.analytic_logp(tau, choice, **by_name)
    f32 = [x.astype(np.float32) for x in (theta, tau, choice)]
    with_bracket = lan.logp_xp(*f32, np)
    level = network_module.FAST_EDGE_LEVEL
    network_module.FAST_EDGE_LEVEL = -np.inf  # the switch's weight is 0 everywhere
    try:
        without = lan.logp_xp(*f32, np)
    finally:
        network_module.FAST_EDGE_LEVEL = level
    print(f"{args.model} LAN, {args.points} points: |log density error|, mean (p90)")
    print(f"{'exact log density':<22}{'points':>8}{'without bracket':>20}{'with bracket':>18}")
    for low, high in BINS:
        cell = (exact > low) & (exact <= high)
        cols = [np.abs(x[cell] - exact[cell]) for x in (without, with_bracket)]
        text = [f"{c.mean():.3f} ({np.percentile(c, 90):.3f})" for c in cols]
        print(f"({low:.1f}, {high:.1f}]{'':<8}{cell.sum():>8}{text[0]:>20}{text[1]:>18}")


if __name__ == "__main__":
    main()
