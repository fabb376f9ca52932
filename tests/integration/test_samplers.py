"""Every supported sampler runs the network likelihood, and LOO works on what it stores."""

import arviz as az
import pytest

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
    assert az.loo(idata).elpd_loo < 0
