"""What n_sims buys: KDE label error against the analytic DDM log density, by n_sims.

50 parameter sets drawn uniformly in the ddm box (seed 0); per set, 1000 points drawn from the
simulations; error = |label - max(exact, floor)| in log units. Run:
``python benchmarks/label_quality.py``.
"""

import time

import numpy as np

import ssmlan
from ssmlan.constants import LOG_DENSITY_FLOOR
from ssmlan.likelihoods import ddm_logp
from ssmlan.training_data.kde_labels import kde_log_density
from ssmlan.training_data.parameters import sample_parameters

N_SETS = 50


def main() -> None:
    spec = ssmlan.get_model("ddm")
    theta = sample_parameters(spec, N_SETS, np.random.default_rng(0))
    print("n_sims    median |err|   p95 |err|   p99 |err|   s per set")
    for n_sims in (1_000, 10_000, 100_000, 1_000_000):
        errors = []
        start = time.perf_counter()
        sims = ssmlan.simulate("ddm", theta, n_sims, seed=1)
        rng = np.random.default_rng(2)
        for k, (v, a, z, t) in enumerate(theta):
            decided = np.flatnonzero(np.isfinite(sims.rt[k]))
            pick = decided[rng.integers(0, len(decided), 1000)]
            rt, choice = sims.rt[k][pick], sims.choice[k][pick]
            labels = kde_log_density(sims.rt[k], sims.choice[k], rt, choice, t, spec.choices)
            exact = np.maximum(ddm_logp(rt, choice, v, a, z, t), LOG_DENSITY_FLOOR)
            errors.append(np.abs(labels - exact))
        per_set = (time.perf_counter() - start) / N_SETS
        err = np.concatenate(errors)
        print(
            f"{n_sims:<9,d} {np.median(err):10.4f}   {np.percentile(err, 95):9.4f}   "
            f"{np.percentile(err, 99):9.4f}   {per_set:8.3f}"
        )


if __name__ == "__main__":
    main()
