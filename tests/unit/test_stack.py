"""Both PyMC stacks (PyMC 5 / ArviZ 0.x on Python 3.11, PyMC 6 / ArviZ 1 on 3.12+): posterior
files open in ArviZ's ``from_netcdf`` whichever stack wrote them, gradients of our Ops.

``data/posterior_arviz0.nc`` was written by the Python 3.11 stack (ArviZ 0.x) with
``.venv/bin/python tests/unit/test_stack.py``; under ArviZ 1 the test reads it across stacks.
"""

from pathlib import Path

import arviz as az
import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import pytest
from pytensor.graph import Apply, Op

from ssmlan.pymc import stack
from ssmlan.pymc.sampling import add_log_likelihood, write_log_likelihood

FIXTURE = Path(__file__).parent / "data" / "posterior_arviz0.nc"
OBSERVED = np.linspace(-1.0, 1.0, 12)


def example_model() -> pm.Model:
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("obs", mu, sigma, observed=OBSERVED)
    return model


def example_posterior():
    """Exact posterior draws of ``example_model`` under flat priors, 2 chains x 250."""
    rng = np.random.default_rng(0)
    n = len(OBSERVED)
    sigma = np.sqrt(np.sum((OBSERVED - OBSERVED.mean()) ** 2) / rng.chisquare(n - 1, (2, 250)))
    mu = rng.normal(OBSERVED.mean(), sigma / np.sqrt(n))
    return stack.from_posterior({"mu": mu, "sigma": sigma})


def write_example(path: Path) -> None:
    """The posterior file as `ssmlan fit` writes it: the posterior, then the log-likelihood
    added in chunks of 7 draws."""
    idata = example_posterior()
    stack.write_netcdf(idata, path)
    write_log_likelihood(idata, example_model(), path, chunk_bytes=2 * len(OBSERVED) * 8 * 7)


def _check_file(path: Path) -> None:
    loaded = az.from_netcdf(path)
    expected = add_log_likelihood(example_posterior(), example_model())
    for name in ("posterior", "log_likelihood"):
        got, want = stack.group(loaded, name), stack.group(expected, name)
        assert set(got.data_vars) == set(want.data_vars)
        for var in want.data_vars:
            np.testing.assert_allclose(got[var].values, want[var].values, rtol=1e-12)
    assert stack.group(loaded, "log_likelihood")["obs"].shape == (2, 250, len(OBSERVED))
    assert np.isfinite(stack.elpd_loo(loaded))


def test_posterior_file_opens_in_arviz(tmp_path):
    path = tmp_path / "posterior.nc"
    write_example(path)
    _check_file(path)


def test_posterior_file_of_the_python_311_stack_opens_in_arviz():
    _check_file(FIXTURE)


def test_pullback_is_the_gradient_on_either_stack():
    @stack.pullback
    class Square(Op):
        def make_node(self, x):
            return Apply(self, [x], [x.type()])

        def perform(self, node, inputs, outputs):
            outputs[0][0] = inputs[0] ** 2

        def pullback(self, inputs, outputs, cotangents):
            return [2.0 * inputs[0] * cotangents[0]]

    x = pt.dvector("x")
    grad = pytensor.function([x], pytensor.grad(Square()(x).sum(), x))
    np.testing.assert_allclose(grad(np.array([1.0, -2.0])), [2.0, -4.0])


def test_statistics_have_one_shape_on_either_stack():
    idata = example_posterior()
    assert stack.max_rhat(idata) < 1.2
    assert stack.min_ess(idata, ["mu"]) > 10
    low, high = stack.hdi(idata, ["mu"], 0.9)["mu"].values
    assert low < 0.0 < high


@pytest.mark.parametrize("options", [{}, {"target_accept": 0.9}])
def test_nuts_options_reach_pymc_sample(options):
    kwargs = stack.nuts_options(**options)
    assert not options or list(kwargs) == (["nuts"] if stack.PYMC_6 else ["nuts_sampler_kwargs"])


if __name__ == "__main__":  # regenerates the fixture (run it with the Python 3.11 stack)
    assert not stack.ARVIZ_1, "write the fixture with the ArviZ 0.x stack (.venv)"
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.unlink(missing_ok=True)
    write_example(FIXTURE)
    print(f"wrote {FIXTURE}")
