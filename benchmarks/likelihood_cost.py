"""Where a network likelihood's gradient time goes, against the analytic DDM, in one run.

The hierarchical Cavanagh et al. (2011) design (3988 trials, one parameter row per participant):
jitted JAX log-likelihood + gradient with respect to the 14 participants' (v, a, z, t) rows,
median of repeats, for the analytic DDM, the shipped LAN rescaled to the CPN (the default),
the LAN alone, its per-(participant, choice) mass integrals alone, and the same LAN with one of
its three ensemble members. Printed as milliseconds and as ratios to the analytic likelihood.

Usage: python benchmarks/likelihood_cost.py [--repeats N]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

import jax
import jax.numpy as jnp
import numpy as np

from ssmlan.datasets import cavanagh_theta
from ssmlan.likelihoods.trial_logp import AnalyticSource, TrialSplit, trial_logp
from ssmlan.models import get_model
from ssmlan.networks import load_network


def median_seconds(fn, x, repeats: int) -> float:
    """Median wall time of ``fn(x)`` (a jitted JAX function), after one call to compile it."""
    jax.block_until_ready(fn(x))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        jax.block_until_ready(fn(x))
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    jax.config.update("jax_enable_x64", True)  # parameters arrive as float64, as from PyMC
    spec = get_model("ddm")
    data = cavanagh_theta()
    rows = data["participant_id"].astype("category").cat.codes.to_numpy()
    rt, choice = data["rt"].to_numpy(), data["response"].to_numpy().astype(float)
    split = TrialSplit.of(rt, choice, rows)
    rt_j, choice_j = jnp.asarray(rt), jnp.asarray(choice)
    lan, cpn = load_network("ddm", "lan"), load_network("ddm", "cpn")
    one_member = dataclasses.replace(lan, members=lan.members[:1])
    analytic = AnalyticSource.of(spec)
    theta = jnp.asarray(np.tile(spec.row(v=0.5, a=1.0, z=0.5, t=0.25), (rows.max() + 1, 1)))
    pairs = split.rt_pairs

    def total(density, choice_source, normalize):
        return lambda th: trial_logp(
            density, choice_source, th, rt_j, choice_j, split, jnp, normalize
        ).sum()

    cases = {
        "analytic": total(analytic, analytic, False),
        "network (LAN rescaled to the CPN)": total(lan, cpn, True),
        "LAN densities alone": total(lan, cpn, False),
        "LAN mass integrals alone": lambda th: lan.log_mass_xp(
            th[pairs.rows], jnp.asarray(pairs.values), jnp
        ).sum(),
        "network, one ensemble member": total(one_member, cpn, True),
    }
    print(f"{len(rt)} trials, {rows.max() + 1} parameter rows, {len(pairs.rows)} mass integrals")
    print(f"{'likelihood + gradient':<36}{'ms':>8}{'x analytic':>12}")
    base = None
    for name, fn in cases.items():
        ms = median_seconds(jax.jit(jax.value_and_grad(fn)), theta, args.repeats) * 1e3
        base = base or ms
        print(f"{name:<36}{ms:>8.2f}{ms / base:>12.2f}")


if __name__ == "__main__":
    main()
