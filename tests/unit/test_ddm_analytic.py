"""Analytic DDM: normalisation, closed-form choice probabilities, backends and gradients."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from scipy.integrate import quad

from ssmlan.likelihoods import ddm_choice_logp, ddm_logp
from ssmlan.likelihoods.ddm_analytic import _log_large_time, _log_small_time

# Across the ssm-simulators training box: fast and slow, narrow and wide, biased starts.
THETAS = [
    (1.0, 1.5, 0.5, 0.5),
    (-2.0, 0.4, 0.2, 0.1),
    (3.0, 0.3, 0.9, 1.9),
    (0.0, 2.5, 0.1, 0.0),
    (-0.7, 1.1, 0.65, 0.3),
]


@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("choice", [-1, 1])
def test_density_integrates_to_closed_form_choice_probability(theta, choice):
    v, a, z, t = theta

    def density(rt):
        return float(np.exp(ddm_logp(rt, choice, v, a, z, t)))

    # Split the range where the density lives; the tail beyond t + 200 s is below 1e-12 here.
    edges = [t, t + 0.05, t + 0.5, t + 3.0, t + 20.0, t + 200.0]
    mass = sum(
        quad(density, lo, hi, limit=200, epsabs=1e-13)[0] for lo, hi in itertools.pairwise(edges)
    )
    expected = float(np.exp(ddm_choice_logp(choice, v, a, z)))
    assert mass == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize("theta", THETAS)
def test_choice_probabilities_sum_to_one(theta):
    v, a, z, _ = theta
    total = np.exp(ddm_choice_logp(1, v, a, z)) + np.exp(ddm_choice_logp(-1, v, a, z))
    assert total == pytest.approx(1.0, abs=1e-14)


def test_choice_probability_is_stable_for_extreme_drifts():
    log_p = ddm_choice_logp(
        np.array([1, -1, 1, -1]), np.array([40.0, 40.0, -40.0, 1e-12]), 2.5, 0.5
    )
    assert np.all(np.isfinite(log_p))
    assert log_p[0] == pytest.approx(0.0, abs=1e-12)
    assert log_p[1] == pytest.approx(-2 * 40.0 * 5.0 * 0.5, rel=1e-9)
    assert log_p[3] == pytest.approx(np.log(0.5), abs=1e-9)


@pytest.mark.parametrize("w", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("u", [0.5, 1.0, 2.0])
def test_small_and_large_time_series_agree_near_the_switch(u, w):
    small = _log_small_time(np.float64(u), np.float64(w), np)
    large = _log_large_time(np.float64(u), np.float64(w), np)
    assert small == pytest.approx(large, abs=1e-12)


def test_minus_inf_never_nan_at_and_below_t():
    rt = np.array([0.0, 0.2, 0.5, 0.5 + 1e-12, 30.0, 300.0])
    logp = ddm_logp(rt, 1, 1.0, 1.5, 0.5, 0.5)
    assert np.all(logp[:3] == -np.inf)
    assert not np.any(np.isnan(logp))


def assert_matches_finite_differences(grad, rt, choice, x0, eps=1e-6):
    """Central differences of the NumPy log density summed over trials, per parameter."""
    for j in range(len(x0)):
        step = np.zeros(len(x0))
        step[j] = eps
        fd = ddm_logp(rt, choice, *(x0 + step)).sum() - ddm_logp(rt, choice, *(x0 - step)).sum()
        assert grad[j] == pytest.approx(fd / (2 * eps), rel=1e-6, abs=1e-6), j


def _jax_logp(x, rt, choice):
    return ddm_logp(rt, choice, x[0], x[1], x[2], x[3], xp=jnp)


@pytest.mark.parametrize("choice", [-1, 1])
def test_jax_matches_numpy_and_gradient_matches_finite_differences(choice):
    rt = np.array([0.55, 0.8, 1.3, 2.5, 6.0])
    x0 = np.array([0.8, 1.2, 0.4, 0.5])
    with jax.enable_x64(True):
        value = jax.jit(_jax_logp)(jnp.asarray(x0), jnp.asarray(rt), choice)
        grad = jax.grad(lambda x: _jax_logp(x, jnp.asarray(rt), choice).sum())(jnp.asarray(x0))
    np.testing.assert_allclose(value, ddm_logp(rt, choice, *x0), rtol=1e-12)
    assert_matches_finite_differences(grad, rt, choice, x0)


def test_jax_float32_is_close_and_gradient_is_finite_below_t():
    rt = jnp.array([0.3, 0.55, 0.8, 1.3], dtype=jnp.float32)
    x0 = jnp.array([0.8, 1.2, 0.4, 0.5], dtype=jnp.float32)
    value = _jax_logp(x0, rt, 1)
    np.testing.assert_allclose(
        value[1:], ddm_logp(np.asarray(rt[1:], float), 1, 0.8, 1.2, 0.4, 0.5), rtol=1e-5
    )
    assert value[0] == -np.inf
    grad = jax.grad(lambda x: _jax_logp(x, rt[1:], 1).sum())(x0)
    assert np.all(np.isfinite(grad))
    grad_masked = jax.grad(lambda x: jnp.where(rt > x[3], _jax_logp(x, rt, 1), 0.0).sum())(x0)
    assert np.all(np.isfinite(grad_masked))


def test_pytensor_matches_numpy_and_gradient_matches_finite_differences():
    rt = np.array([0.55, 0.8, 1.3, 2.5, 6.0])
    choice = np.array([1, -1, 1, -1, 1])
    params = pt.dvector("params")
    logp = ddm_logp(rt, choice, params[0], params[1], params[2], params[3], xp=pt).sum()
    value_fn = pytensor.function([params], logp)
    grad_fn = pytensor.function([params], pytensor.grad(logp, params))
    x0 = np.array([-0.6, 0.9, 0.6, 0.45])
    assert value_fn(x0) == pytest.approx(ddm_logp(rt, choice, *x0).sum(), rel=1e-12)
    grad = grad_fn(x0)
    assert_matches_finite_differences(grad, rt, choice, x0)


def test_pytensor_choice_probability_matches_numpy():
    v = pt.dscalar("v")
    fn = pytensor.function([v], ddm_choice_logp(np.array([1, -1]), v, 1.1, 0.3, xp=pt))
    for value in (-2.0, 0.0, 1e-10, 2.5):
        np.testing.assert_allclose(
            fn(value), ddm_choice_logp(np.array([1, -1]), value, 1.1, 0.3), rtol=1e-12
        )
