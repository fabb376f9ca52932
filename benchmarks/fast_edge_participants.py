"""One Cavanagh et al. (2011) participant at a time: the ddm fitted with the network likelihood
with the fast-edge bracket (the default) and without it, against the analytic likelihood.

Each fit: v, a, t with box priors, z = 0.5, nutpie 2 x (500 + 1000), seed 1. Prints, per
participant, each posterior mean's distance from the analytic one in analytic posterior SDs.
Participants 0, 7, 10 and 13 each have one rt far below their next fastest.

Usage: python benchmarks/fast_edge_participants.py [PARTICIPANT ...]   (default: 0 7 10 13)
"""

from __future__ import annotations

import json
import sys

import jax
import numpy as np

from ssmlan.datasets import cavanagh_theta
from ssmlan.networks import network as network_module
from ssmlan.pymc.regression import model
from ssmlan.pymc.sampling import sample

PARAMS = ("v", "a", "t")


def fit(data, likelihood: str) -> dict:
    pymc_model = model(data, "ddm", likelihood=likelihood, route="jax", z=0.5)
    idata = sample(pymc_model, "nutpie", 1000, 500, 2, 1, log_likelihood=False)
    post = idata.posterior
    out = {p: (float(post[p].mean()), float(post[p].std())) for p in PARAMS}
    return out | {"divergences": int(idata.sample_stats["diverging"].sum())}


def main() -> None:
    jax.config.update("jax_enable_x64", True)
    participants = [int(p) for p in sys.argv[1:]] or [0, 7, 10, 13]
    data = cavanagh_theta()
    level = network_module.FAST_EDGE_LEVEL
    for pid in participants:
        trials = data[data["participant_id"] == pid].reset_index(drop=True)
        fits = {"analytic": fit(trials, "analytic"), "with bracket": fit(trials, "network")}
        network_module.FAST_EDGE_LEVEL = -np.inf  # the bracket's weight is 0 everywhere
        try:
            fits["without bracket"] = fit(trials, "network")
        finally:
            network_module.FAST_EDGE_LEVEL = level
        exact = fits["analytic"]
        two_fastest = np.sort(trials["rt"].to_numpy())[:2]
        print(f"participant {pid}: {len(trials)} trials, two fastest rts {two_fastest}")
        for name in ("with bracket", "without bracket"):
            diffs = {p: abs(fits[name][p][0] - exact[p][0]) / exact[p][1] for p in PARAMS}
            shown = ", ".join(f"{p} {d:.2f}" for p, d in diffs.items())
            print(f"  {name}: |mean - analytic| / analytic SD: {shown}")
        print("  " + json.dumps(fits), flush=True)


if __name__ == "__main__":
    main()
