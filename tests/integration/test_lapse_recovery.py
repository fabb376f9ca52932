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
    random). With ``p_outlier="free"`` the fit recovers v, a, t within 3 posterior SD and
    p_outlier within [0.02, 0.09] (its SD here is ~0.01); without it, t must sit below the
    fastest lapse (~0.05 s), far from 0.4."""
    rng = np.random.default_rng(4)
    sims = simulate("ddm", TRUTH, 1000, seed=4)
    rt, choice = sims.rt.copy(), sims.choice.astype(float)
    lapsed = rng.uniform(size=1000) < P_LAPSE
    rt[lapsed] = rng.uniform(0.05, 4.0, lapsed.sum())
    choice[lapsed] = rng.choice([-1.0, 1.0], lapsed.sum())
    data = pd.DataFrame({"rt": rt, "choice": choice})
    fits = {}
    for label, p_outlier in (("lapses", "free"), ("plain", None)):
        model = box_model(data, "ddm", likelihood="analytic", route="jax", p_outlier=p_outlier)
        idata = sample(model, "nutpie", draws=300, tune=300, chains=2, seed=1, log_likelihood=False)
        fits[label] = idata.posterior
    post = fits["lapses"]
    for name, value in TRUTH.items():
        if name == "z":
            continue
        draws = post[name].values
        assert abs(draws.mean() - value) < 3 * draws.std(), name
    assert 0.02 < float(post["p_outlier"].mean()) < 0.09
    assert float(fits["plain"]["t"].mean()) < rt.min() + 0.01
    assert abs(float(fits["plain"]["t"].mean()) - TRUTH["t"]) > 0.3
