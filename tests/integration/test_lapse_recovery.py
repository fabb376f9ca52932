"""Lapses recovered: contaminated data fitted with and without the lapse mixture."""

import numpy as np
import pandas as pd
import pytest

from ssmlan import simulate
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.sampling import sample

TRUTH = {"v": 1.0, "a": 1.0, "z": 0.5, "t": 0.4}
P_LAPSE = 0.05


@pytest.mark.slow
def test_lapses_absorb_contaminants_that_bias_the_plain_ddm():
    """1000 ddm trials, 5% of them replaced by lapses (rt uniform on [0.05, 4] s, choice at
    random). With ``p_outlier="free"`` the fit agrees with the plain ddm fitted to the trials
    that are not lapses (the oracle: this data set puts its t at 0.365, not 0.4) within 2
    posterior SD for v, a and t, and p_outlier lies in [0.003, 0.09]: a lapse inside the bulk of
    the rts looks like a decision, so the data identify mainly the outlying ones (measured: mean
    0.0099 where 5% of the trials are lapses);
    the plain ddm on all trials must put t below the fastest lapse (0.065 s)."""
    rng = np.random.default_rng(4)
    sims = simulate("ddm", TRUTH, 1000, seed=4)
    rt, choice = sims.rt.copy(), sims.choice.astype(float)
    lapsed = rng.uniform(size=1000) < P_LAPSE
    rt[lapsed] = rng.uniform(0.05, 4.0, lapsed.sum())
    choice[lapsed] = rng.choice([-1.0, 1.0], lapsed.sum())
    data = pd.DataFrame({"rt": rt, "choice": choice})
    fits = {}
    runs = (("lapses", data, "free"), ("plain", data, None), ("oracle", data[~lapsed], None))
    for label, trials, p_outlier in runs:
        model = box_model(trials, "ddm", likelihood="analytic", route="jax", p_outlier=p_outlier)
        idata = sample(model, "nutpie", draws=300, tune=300, chains=2, seed=1, log_likelihood=False)
        fits[label] = idata.posterior
    post, oracle = fits["lapses"], fits["oracle"]
    for name in ("v", "a", "t"):
        difference = float(post[name].mean() - oracle[name].mean())
        assert abs(difference) < 2 * float(post[name].std()), (name, difference)
    assert 0.003 < float(post["p_outlier"].mean()) < 0.09
    assert float(fits["plain"]["t"].mean()) < rt.min() + 0.01
    assert float(oracle["t"].mean() - fits["plain"]["t"].mean()) > 0.25
