"""Deadlines: a trial without a response before its deadline has likelihood P(no response by
then), from the analytic DDM's survival or from the networks; simulation censors likewise."""

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd
import pymc as pm
import pytest
from scipy.integrate import quad

from ssmlan import simulate
from ssmlan.likelihoods.ddm_analytic import ddm_log_survival, ddm_logp
from ssmlan.likelihoods.trial_logp import log_survival
from ssmlan.networks import load_network
from ssmlan.pymc import SSM
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.predictive import predictive
from ssmlan.pymc.stack import from_posterior

THETA = {"v": 1.0, "a": 1.0, "z": 0.5, "t": 0.3}
CASES = [  # v, a, z, t, deadline: fast and slow, biased, wide and narrow bounds
    (1.0, 1.0, 0.5, 0.3, 0.8),
    (-2.0, 0.6, 0.3, 0.2, 0.4),
    (0.3, 2.0, 0.7, 0.5, 3.5),
    (2.5, 2.5, 0.2, 0.1, 0.15),
    (0.0, 1.0, 0.5, 0.0, 8.0),
    (3.0, 0.3, 0.9, 0.0, 0.002),
]


def _exact_survival(v, a, z, t, deadline):
    """1 - P(response by the deadline), by adaptive quadrature of the analytic density."""

    def density(rt, c):
        return np.exp(ddm_logp(rt, c, v, a, z, t))

    return 1.0 - sum(
        quad(density, t, deadline, args=(c,), limit=200, epsabs=1e-14)[0] for c in (-1, 1)
    )


@pytest.mark.parametrize("case", CASES)
def test_analytic_survival_is_one_minus_the_integrated_density(case):
    *theta, deadline = case
    assert np.exp(ddm_log_survival(deadline, *theta)) == pytest.approx(
        _exact_survival(*theta, deadline), abs=1e-9
    )


def test_analytic_survival_before_the_shift_and_its_gradient():
    assert ddm_log_survival(0.2, 1.0, 1.0, 0.5, 0.3) == 0.0  # no decision can have ended
    step = 1e-5
    numeric = (
        ddm_log_survival(0.9, 1 + step, 1, 0.5, 0.3) - ddm_log_survival(0.9, 1 - step, 1, 0.5, 0.3)
    ) / (2 * step)
    with jax.enable_x64(True):
        grad = jax.grad(lambda v: ddm_log_survival(jnp.float64(0.9), v, 1.0, 0.5, 0.3, jnp))
        assert float(grad(jnp.float64(1.0))) == pytest.approx(numeric, rel=1e-5)


def test_network_survival_matches_the_analytic_one():
    """The shipped LAN's mass after the deadline, rescaled to its CPN, against the exact
    survival at 200 parameter sets in the box and deadlines 0.1-3 s after t: its error is that
    of the LAN's mass (mass error gate 0.02); measured at most 0.004."""
    lan, cpn = load_network("ddm", "lan"), load_network("ddm", "cpn")
    rng = np.random.default_rng(0)
    n = 200
    theta = np.column_stack(
        [
            rng.uniform(-3, 3, n),
            rng.uniform(0.3, 2.5, n),
            rng.uniform(0.1, 0.9, n),
            rng.uniform(0, 1, n),
        ]
    )
    deadline = theta[:, 3] + rng.uniform(0.1, 3.0, n)
    network = np.exp(log_survival(lan, cpn, theta, deadline, np))
    exact = np.exp(ddm_log_survival(deadline, *theta.T))
    assert np.abs(network - exact).max() < 0.01


def _censored_data(deadline=0.8, n=300):
    sims = simulate("ddm", THETA, n, seed=3)
    late = sims.rt > deadline
    return pd.DataFrame(
        {"rt": np.where(late, np.nan, sims.rt), "choice": np.where(late, np.nan, sims.choice)}
    )


def test_a_censored_trial_has_the_survival_as_its_likelihood():
    data = _censored_data()
    censored = data["rt"].isna().to_numpy()
    assert 0.1 < censored.mean() < 0.6
    with pm.Model() as model:
        SSM("obs", "ddm", observed=data, likelihood="analytic", deadline=0.8, **THETA)
    logp = model.compile_logp(sum=False)(model.initial_point())[0]
    np.testing.assert_allclose(logp[censored], ddm_log_survival(0.8, **THETA), rtol=1e-12)
    responded = ~censored
    np.testing.assert_allclose(
        logp[responded],
        ddm_logp(data["rt"][responded], data["choice"][responded], **THETA),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    ("frame", "deadline", "match"),
    [
        (
            pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, np.nan]}),
            None,
            "Row 1 has neither rt nor choice",
        ),
        (
            pd.DataFrame({"rt": [0.5, 0.9], "choice": [1, -1]}),
            0.8,
            r"row 1: 0.9 s is after the trial's deadline \(0.8 s\)",
        ),
        (
            pd.DataFrame({"rt": [0.5, 0.7], "choice": [1, np.nan]}),
            0.8,
            "'choice' row 1 is empty but the trial has an rt",
        ),
        (
            pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, np.nan]}),
            -1.0,
            "deadlines must be positive",
        ),
        (
            pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, np.nan]}),
            "limit",
            "'limit': no such column",
        ),
        (
            pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, np.nan]}),
            [1.0, 2.0, 3.0],
            r"deadline must hold one deadline per trial \(2\); got \(3,\)",
        ),
        (
            pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, np.nan]}),
            np.inf,
            r"deadline row 0: inf; deadlines must be positive, finite seconds",
        ),
    ],
)
def test_bad_deadline_data_is_refused(frame, deadline, match):
    with pytest.raises(ValueError, match=match):
        box_model(frame, "ddm", likelihood="analytic", deadline=deadline)


def test_simulated_responses_after_the_deadline_are_censored():
    """50 data sets x 300 trials: the share without a response is the survival at the
    deadline (SE 0.003; tolerance 0.015)."""
    data = _censored_data()
    model = box_model(data, "ddm", likelihood="analytic", deadline=0.8)
    post = from_posterior({name: np.full((1, 50), value) for name, value in THETA.items()})
    sims = predictive(post, model, n_draws=None, progressbar=False)
    rt, choice = sims["rt"].values, sims["choice"].values
    assert np.nanmax(rt) <= 0.8 and np.all(choice[np.isnan(rt)] == 0)
    survival = np.exp(ddm_log_survival(0.8, **THETA))
    assert abs(np.isnan(rt).mean() - survival) < 0.015
