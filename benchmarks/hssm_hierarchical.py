"""HSSM's side of `benchmarks/hierarchical.py`: the hierarchical Cavanagh DDM with HSSM's analytic
likelihood, in the benchmark environment (HSSM needs Python >= 3.12). Prints one JSON line.

Usage: python benchmarks/hssm_hierarchical.py DATA.csv SAMPLER DRAWS TUNE CHAINS SEED TARGET_ACCEPT
       [CENTRED LOW_RANK]  (0 or 1 each; default 0 0: HSSM's defaults, non-centred and a diagonal
       mass matrix)
"""

import json
import sys
import time

import arviz as az
import hssm
import numpy as np
import pandas as pd


def main() -> None:
    path, sampler, draws, tune, chains, seed, target_accept = sys.argv[1:8]
    centred, low_rank = (bool(int(flag)) for flag in (sys.argv[8:10] or ["0", "0"]))
    data = pd.read_csv(path)[["rt", "response", "participant_id"]]
    include = [
        {"name": name, "formula": f"{name} ~ 1 + (1|participant_id)"} for name in ("v", "a", "t")
    ]
    start = time.perf_counter()
    model = hssm.HSSM(
        data=data,
        model="ddm",
        loglik_kind="analytical",
        include=include,
        z=0.5,
        p_outlier=None,
        noncentered=not centred,
    )
    nuts = {"adaptation": "low_rank"} if low_rank else {}  # nutpie 0.16.11
    idata = model.sample(
        sampler=sampler,
        draws=int(draws),
        tune=int(tune),
        chains=int(chains),
        random_seed=int(seed),
        target_accept=float(target_accept),
        nuts=nuts,
        idata_kwargs={"log_likelihood": False},
        progressbar=False,
    )
    wall = time.perf_counter() - start
    free = [rv.name for rv in model.pymc_model.free_RVs]
    posterior = idata["posterior"].to_dataset()
    min_ess = float(min(np.min(np.asarray(az.ess(posterior[name].values))) for name in free))
    divergences = int(np.asarray(idata["sample_stats"]["diverging"]).sum())
    means = {name: float(posterior[name].mean()) for name in free if "offset" not in name}
    print(
        json.dumps(
            {
                "tool": f"HSSM {hssm.__version__}",
                "sampler": sampler,
                "centred": centred,
                "low_rank": low_rank,
                "wall_s": wall,
                "min_bulk_ess": min_ess,
                "divergences": divergences,
                "free_parameters": free,
                "means": means,
            }
        )
    )


if __name__ == "__main__":
    main()
