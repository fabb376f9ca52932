"""Where the fast-edge switch sits: a shipped LAN's density profiles along the decision time, and
its error against the exact density, for several switch levels (`FAST_EDGE_LEVEL`).

A profile (one parameter set and choice, decision times 0.005-2.5 s) has a spurious local
maximum where the LAN's has more local maxima than the exact density's: a dip where the bracket
gives way to a LAN that is still too low. Such dips are local modes in ``t`` for the sampler.

Usage: python benchmarks/fast_edge_profiles.py [--model ddm|ddm_sdv] [--levels 1e-3 1e-2 3e-2]
"""

from __future__ import annotations

import argparse

import numpy as np

from ssmlan.networks import load_network
from ssmlan.networks import network as network_module

BINS = ((-9.0, -6.0), (-6.0, -3.0), (-3.0, 5.0))


def local_maxima(log_density: np.ndarray) -> np.ndarray:
    """Number of interior local maxima of each row."""
    sign = np.sign(np.diff(log_density, axis=1))
    return ((sign[:, 1:] < 0) & (sign[:, :-1] > 0)).sum(axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="ddm", choices=("ddm", "ddm_sdv"))
    parser.add_argument("--levels", type=float, nargs="+", default=[1e-3, 1e-2, 3e-2])
    parser.add_argument("--sets", type=int, default=300)
    parser.add_argument("--points", type=int, default=20_000)
    args = parser.parse_args()
    lan = load_network(args.model, "lan")
    spec = lan.spec
    rng = np.random.default_rng(0)
    theta = spec.sample_in_box(args.points, rng)
    theta[:, spec.shift_index] = 0.0
    tau = np.exp(rng.uniform(np.log(0.01), np.log(3.0), args.points))
    choice = np.where(rng.random(args.points) < 0.5, -1.0, 1.0)
    sets = spec.sample_in_box(args.sets, rng)
    sets[:, spec.shift_index] = 0.0
    grid = np.exp(np.linspace(np.log(0.005), np.log(2.5), 400))
    rows, grid_tau = np.repeat(sets, len(grid), axis=0), np.tile(grid, args.sets)

    def exact(th, decision, ch):
        return spec.analytic_logp(decision, ch, **dict(zip(spec.param_names, th.T, strict=True)))

    def lan_logp(th, decision, ch):
        return lan.logp_xp(*(x.astype(np.float32) for x in (th, decision, ch)), np)

    truth = exact(theta, tau, choice)
    profiles = [np.full(len(grid_tau), value) for value in spec.choices]
    exact_maxima = [local_maxima(exact(rows, grid_tau, c).reshape(args.sets, -1)) for c in profiles]
    print(f"{args.model} LAN: spurious local maxima in {2 * args.sets} profiles; mean |error|")
    header = "".join(f"{f'({low:.0f}, {high:.0f}]':>12}" for low, high in BINS)
    print(f"{'level':<8}{'profiles':>10}{header}")
    default = network_module.FAST_EDGE_LEVEL
    try:
        for level in args.levels:
            network_module.FAST_EDGE_LEVEL = float(np.log(level))
            spurious = sum(
                int((local_maxima(lan_logp(rows, grid_tau, c).reshape(args.sets, -1)) > m).sum())
                for c, m in zip(profiles, exact_maxima, strict=True)
            )
            error = np.abs(lan_logp(theta, tau, choice) - truth)
            cells = [error[(truth > low) & (truth <= high)].mean() for low, high in BINS]
            share = spurious / (2 * args.sets)
            print(f"{level:<8g}{share:>10.1%}" + "".join(f"{c:>12.3f}" for c in cells))
    finally:
        network_module.FAST_EDGE_LEVEL = default
    points = f"{args.points} random points by exact log density"
    print(f"(errors at {points}; default level {np.exp(default):g})")


if __name__ == "__main__":
    main()
