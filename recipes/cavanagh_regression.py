"""The README's regression: the threshold `a` on trial-wise theta power by conflict level and DBS
(Cavanagh et al. 2011), hierarchical over participants, analytic likelihood, nutpie.

Usage: python recipes/cavanagh_regression.py [network|analytic]
"""

import sys
import time

import arviz as az

from ssmlan.datasets import cavanagh_theta
from ssmlan.pymc.regression import model
from ssmlan.pymc.sampling import sample

likelihood = sys.argv[1] if len(sys.argv) > 1 else "analytic"
pymc_model = model(
    cavanagh_theta(),
    "ddm",
    likelihood=likelihood,
    route="jax",
    z=0.5,
    v="1 + (1|participant_id)",
    a="1 + theta:conf:C(dbs) + (1|participant_id)",
    t="1 + (1|participant_id)",
)
start = time.perf_counter()
idata = sample(pymc_model, "nutpie", draws=500, tune=500, chains=2, seed=3, log_likelihood=False)
print(
    f"{time.perf_counter() - start:.0f} s, divergences {int(idata.sample_stats['diverging'].sum())}"
)
names = ["a_Intercept", "a_theta:conf:C(dbs)", "v_Intercept", "t_Intercept"]
print(az.summary(idata, var_names=names).to_string())
