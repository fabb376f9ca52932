"""Every supported sampler runs (on both PyMC stacks), and LOO works on what it stores."""

import numpy as np
import pymc as pm
import pytest

from ssmlan.pymc import stack
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo
from ssmlan.pymc.sampling import SAMPLER_ROUTES, sample


@pytest.mark.slow
@pytest.mark.parametrize("sampler", sorted(SAMPLER_ROUTES))
@pytest.mark.parametrize("route", ["pytensor", "jax"])
def test_short_run_with_every_sampler_and_route(sampler, route):
    data = simulate_gonogo(200, seed=4, v=1.2, a=1.0, t=0.3)
    idata = sample(gonogo_model(data, route=route), sampler, draws=100, tune=100, chains=1, seed=2)
    posterior = idata.posterior
    assert posterior["v"].shape == (1, 100)
    assert 0.6 < float(posterior["v"].mean()) < 1.8  # true 1.2; sd ~0.1 at 200 trials
    assert idata.log_likelihood["obs"].shape[-1] == 200
    assert stack.elpd_loo(idata) < 0


@pytest.mark.parametrize("sampler", sorted(SAMPLER_ROUTES))
def test_every_sampler_runs_on_this_stack(sampler):
    """Fast (not slow): each sampler, a 2-parameter model, both stacks' APIs (CI runs it on
    both)."""
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("obs", mu, sigma, observed=np.linspace(0.0, 2.0, 30))
    idata = sample(model, sampler, draws=50, tune=50, chains=2, seed=1)
    posterior = stack.group(idata, "posterior")
    assert posterior["mu"].shape == (2, 50) and posterior["sigma"].shape == (2, 50)
    assert 0.3 < float(posterior["mu"].mean()) < 1.7  # data mean 1, sd of the mean ~0.11
    assert stack.group(idata, "log_likelihood")["obs"].shape == (2, 50, 30)


@pytest.mark.parametrize("sampler", ["numpyro", "nutpie", "pymc"])  # blackjax stores no stats
def test_the_target_acceptance_rate_reaches_the_sampler(sampler):
    # A higher target adapts a smaller step and accepts more (measured: step 0.74 -> 0.31 and
    # mean acceptance 0.84 -> 0.98 with nutpie at 0.6 -> 0.99).
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("obs", mu, sigma, observed=np.linspace(0.0, 2.0, 30))
    stats = {}
    for target in (0.6, 0.99):
        idata = sample(model, sampler, 50, 100, 1, 1, log_likelihood=False, target_accept=target)
        stats[target] = stack.group(idata, "sample_stats")
    assert float(stats[0.99]["step_size"].mean()) < 0.8 * float(stats[0.6]["step_size"].mean())
    assert float(stats[0.99]["n_steps"].mean()) > float(stats[0.6]["n_steps"].mean())


def test_a_low_rank_mass_matrix_learns_a_correlation():
    # A Gaussian with correlation 0.999: a diagonal mass matrix needs long trajectories, one
    # that learns the correlation short ones (measured: 30.4 against 2.6 leapfrog steps).
    with pm.Model() as model:
        pm.MvNormal("x", np.zeros(2), np.array([[1.0, 0.999], [0.999, 1.0]]))
    steps = {}
    for low_rank in (False, True):
        idata = sample(
            model, "nutpie", 200, 300, 1, 1, log_likelihood=False, low_rank_mass_matrix=low_rank
        )
        steps[low_rank] = float(stack.group(idata, "sample_stats")["n_steps"].mean())
    assert steps[True] < 0.5 * steps[False], steps


@pytest.mark.parametrize("progressbar, shown", [(None, False), (True, True), (False, False)])
def test_progress_is_shown_when_asked_and_by_default_only_on_a_terminal(progressbar, shown, capfd):
    """Under pytest stderr is no terminal: no bar by default; ``True`` shows one."""
    with pm.Model() as model:
        pm.Normal("mu", 0.0, 1.0)
    sample(model, "blackjax", draws=10, tune=10, chains=1, seed=1, progressbar=progressbar)
    assert ("blackjax chains" in capfd.readouterr().err) is shown
