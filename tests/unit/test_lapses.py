"""Lapses: the contaminant mixture of HDDM and HSSM, in the likelihood and in simulation."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest

from ssmlan import simulate
from ssmlan.likelihoods.ddm_analytic import ddm_choice_logp, ddm_logp
from ssmlan.likelihoods.lapse import Lapse
from ssmlan.pymc import SSM
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.predictive import predictive
from ssmlan.pymc.stack import from_posterior

THETA = {"v": 1.0, "a": 1.0, "z": 0.5, "t": 0.3}


def _data():
    sims = simulate("ddm", THETA, 200, seed=0)
    rt = sims.rt.copy()
    rt[:10] = np.nan  # ten trials without an rt (their choice is kept)
    return pd.DataFrame({"rt": rt, "choice": sims.choice})


def test_the_likelihood_is_the_mixture():
    """Each trial: (1 - p) f(rt, c) + p / (2 (high - low)); without an rt, (1 - p) P(c) + p / 2."""
    data, p = _data(), 0.1
    with pm.Model() as model:
        SSM("obs", "ddm", observed=data, likelihood="analytic", p_outlier=p, **THETA)
    logp = model.compile_logp(sum=False)(model.initial_point())[0]
    rt, choice = data["rt"].to_numpy(), data["choice"].to_numpy(float)
    high = np.nanmax(rt)
    exact = np.where(
        np.isnan(rt),
        np.log((1 - p) * np.exp(ddm_choice_logp(choice, **THETA)) + p / 2),
        np.log(
            (1 - p) * np.exp(ddm_logp(np.nan_to_num(rt, nan=1.0), choice, **THETA)) + p / (2 * high)
        ),
    )
    np.testing.assert_allclose(logp, exact, rtol=1e-10)


@pytest.mark.parametrize(
    ("p_outlier", "match"),
    [
        (1.0, r"must lie in \[0, 1\)"),
        (-0.1, r"must lie in \[0, 1\)"),
        ("normal", r"must lie in \[0, 1\)"),
        ("maybe", "must be a number in"),
    ],
)
def test_lapse_probabilities_outside_the_unit_interval_are_refused(p_outlier, match):
    data = _data()
    with pytest.raises(ValueError, match=match):
        if p_outlier == "maybe":
            box_model(data, "ddm", likelihood="analytic", p_outlier=p_outlier)
            return
        with pm.Model():
            value = pm.Normal("p", 0, 1) if p_outlier == "normal" else p_outlier
            SSM("obs", "ddm", observed=data, likelihood="analytic", p_outlier=value, **THETA)


def test_a_lapse_range_must_hold_every_rt():
    data = _data()
    first = int(np.flatnonzero(data["rt"].to_numpy() > 1.0)[0])
    with pm.Model(), pytest.raises(ValueError, match=f"row {first}: .* outside the lapse range"):
        SSM(
            "obs",
            "ddm",
            observed=data,
            likelihood="analytic",
            p_outlier=0.05,
            lapse_rt=(0.0, 1.0),
            **THETA,
        )
    with pm.Model(), pytest.raises(ValueError, match="give p_outlier as well"):
        SSM("obs", "ddm", observed=data, likelihood="analytic", lapse_rt=(0.0, 10.0), **THETA)


def test_free_p_outlier_has_its_documented_prior():
    model = box_model(_data(), "ddm", likelihood="analytic", p_outlier="free")
    draws = pm.draw(model["p_outlier"], draws=20_000, random_seed=1)
    assert abs(draws.mean() - 0.05) < 0.002  # Beta(1, 19): mean 0.05, SD 0.048


def test_simulated_lapses_come_at_their_rate():
    """v = 3: nearly every decision ends at the upper bound (P(lower) = 0.0025); with 30%
    lapses, half of which choose the lower bound, P(lower) = 0.7 * 0.0025 + 0.15 = 0.152.
    50 data sets x 200 trials: SE 0.004, tolerance 0.015."""
    data = _data()
    model = box_model(data, "ddm", likelihood="analytic", p_outlier=0.3)
    post = from_posterior(
        {name: np.full((1, 50), value) for name, value in {**THETA, "v": 3.0}.items()}
    )
    sims = predictive(post, model, n_draws=None, progressbar=False)
    assert abs((sims["choice"].values == -1).mean() - 0.152) < 0.015
    lapse = Lapse.over(data["rt"].to_numpy(), 2)
    rt = sims["rt"].values
    assert np.nanmax(rt) <= lapse.high + 5  # lapse rts stay in their range; decisions anywhere
