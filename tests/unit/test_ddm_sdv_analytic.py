"""The ddm_sdv's closed-form density, and its choice probability and survival over the drift,
against adaptive quadrature of the ddm over a normal drift and against the simulator."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest
from scipy import stats
from scipy.integrate import quad

from ssmlan import simulate
from ssmlan.likelihoods.ddm_analytic import (
    ddm_choice_logp,
    ddm_log_survival,
    ddm_logp,
    ddm_sdv_choice_logp,
    ddm_sdv_log_survival,
    ddm_sdv_logp,
)

CASES = [  # v, a, z, t, sv: within the ddm_sdv box, from little to much drift variability
    (1.0, 1.0, 0.5, 0.3, 1.0),
    (-2.0, 0.6, 0.3, 0.2, 2.0),
    (0.3, 2.0, 0.7, 0.5, 0.5),
    (2.5, 2.5, 0.2, 0.1, 2.4),
    (0.0, 1.0, 0.5, 0.0, 0.01),
]


def _over_drift(fn, v, sv):
    """E[fn(drift)] for drift ~ Normal(v, sv), by adaptive quadrature (split at drift 0)."""
    points = [0.0] if abs(v) < 12 * sv else None
    return quad(
        lambda d: fn(d) * stats.norm.pdf(d, v, sv),
        v - 12 * sv,
        v + 12 * sv,
        points=points,
        limit=400,
        epsabs=1e-14,
    )[0]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("choice", [-1, 1])
def test_density_is_the_ddm_averaged_over_the_drift(case, choice):
    v, a, z, t, sv = case
    for rt in (t + 0.05, t + 0.6, t + 3.0):
        exact = _over_drift(lambda d, rt=rt: np.exp(ddm_logp(rt, choice, d, a, z, t)), v, sv)
        assert np.exp(ddm_sdv_logp(rt, choice, v, a, z, t, sv)) == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("case", CASES)
def test_choice_probability_and_survival_average_over_the_drift(case):
    v, a, z, t, sv = case
    p_upper = _over_drift(lambda d: np.exp(ddm_choice_logp(1, d, a, z)), v, sv)
    assert np.exp(ddm_sdv_choice_logp(1, v, a, z, t, sv)) == pytest.approx(p_upper, abs=1e-10)
    deadline = t + 0.8
    survival = _over_drift(lambda d: np.exp(ddm_log_survival(deadline, d, a, z, t)), v, sv)
    assert np.exp(ddm_sdv_log_survival(deadline, v, a, z, t, sv)) == pytest.approx(
        survival, abs=1e-9
    )


def test_no_drift_variability_is_the_ddm():
    rt = np.array([0.4, 0.9, 2.0])
    np.testing.assert_allclose(
        ddm_sdv_logp(rt, 1, 1.2, 1.0, 0.4, 0.3, 0.0),
        ddm_logp(rt, 1, 1.2, 1.0, 0.4, 0.3),
        rtol=1e-13,
    )


def test_pytensor_matches_numpy():
    v = pt.vector("v")
    fn = pytensor.function(
        [v],
        [
            ddm_sdv_logp(0.9, np.ones(3), v, 1.0, 0.5, 0.3, 1.5, pt),
            ddm_sdv_choice_logp(1.0, v, 1.0, 0.5, 0.3, 1.5, pt),
        ],
    )
    drifts = np.array([-1.0, 0.5, 2.0])
    density, choice = fn(drifts)
    np.testing.assert_allclose(density, ddm_sdv_logp(0.9, 1.0, drifts, 1.0, 0.5, 0.3, 1.5))
    np.testing.assert_allclose(choice, ddm_sdv_choice_logp(1.0, drifts, 1.0, 0.5, 0.3, 1.5))


def test_simulator_matches_the_closed_form():
    """200,000 simulated trials at sv = 1.5: P(upper) within 4 SE (SE 0.0011), and the upper
    rts' distribution against the closed-form density's CDF by KS (p > 0.001; the
    simulator's crossing correction makes rts unbiased at its default step)."""
    theta = {"v": 0.8, "a": 1.0, "z": 0.5, "t": 0.3, "sv": 1.5}
    sims = simulate("ddm_sdv", theta, 200_000, seed=11)
    upper = sims.choice == 1
    p_upper = np.exp(ddm_sdv_choice_logp(1, 0.8, 1.0, 0.5, 0.3, 1.5))
    assert abs(upper.mean() - p_upper) < 4 * np.sqrt(p_upper * (1 - p_upper) / len(upper))
    grid = np.linspace(0.3 + 1e-6, 20.0, 200_001)
    density = np.exp(ddm_sdv_logp(grid, 1, 0.8, 1.0, 0.5, 0.3, 1.5))
    cdf = np.concatenate([[0], np.cumsum((density[1:] + density[:-1]) / 2 * np.diff(grid))])
    cdf /= cdf[-1]
    result = stats.kstest(sims.rt[upper], lambda x: np.interp(x, grid, cdf))
    assert result.pvalue > 1e-3
