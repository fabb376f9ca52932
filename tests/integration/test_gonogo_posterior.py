"""With the shipped networks, the posterior on the demo data covers the true parameters."""

import pytest

from ssmlan.demo import TRUTH
from ssmlan.pymc import stack
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo
from ssmlan.pymc.sampling import sample


@pytest.mark.slow
def test_demo_posterior_covers_the_truth():
    data = simulate_gonogo(1000, seed=0, **TRUTH)
    idata = sample(
        gonogo_model(data, route="jax"), "numpyro", draws=500, tune=500, chains=2, seed=1
    )
    hdi = stack.hdi(idata, list(TRUTH), 0.99)
    for name, value in TRUTH.items():
        low, high = hdi[name].values
        assert low < value < high, (name, low, high)
    assert stack.max_rhat(idata) < 1.02
