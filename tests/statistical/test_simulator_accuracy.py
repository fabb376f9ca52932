"""Simulators against exact references.

Thresholds: every test is seeded, so it is deterministic; the thresholds say how surprising the
seeded outcome may be for an exact simulator. KS tests use p > 1e-3 per parameter set: with the
sets below, an exact simulator passes at a random seed with probability > 99%, while shifting
all RTs by 10 ms (the low end of the plain-Euler bias at dt = 1e-3) in the wide set, or by 1 ms in
the narrow set, gives p < 1e-3 at n = 200,000 (checked in `test_ks_detects_a_small_shift`).
"""

import numpy as np
import pytest
from scipy.stats import ks_2samp, kstest

import ssmlan
from ssmlan.checks.ddm_reference import ddm_mean_rt, ddm_signed_rt_cdf

pytestmark = pytest.mark.statistical

N_KS = 200_000
P_MIN = 1e-3
# Across the ssm-simulators ddm box: typical, narrow and fast, biased start, wide and slow.
DDM_SETS = [
    dict(v=1.0, a=1.5, z=0.5, t=0.5),
    dict(v=3.0, a=0.3, z=0.5, t=0.2),
    dict(v=-2.0, a=0.5, z=0.2, t=1.0),
    dict(v=0.5, a=2.0, z=0.8, t=0.0),
]


def signed(sims: ssmlan.Simulations) -> np.ndarray:
    return np.where(np.isfinite(sims.rt), sims.rt * sims.choice, 1e9)


@pytest.mark.parametrize("theta", DDM_SETS, ids=lambda th: ",".join(f"{v:g}" for v in th.values()))
def test_ddm_matches_analytic_cdf(theta):
    sims = ssmlan.simulate("ddm", theta, N_KS, seed=2024, max_t=60.0)
    assert kstest(signed(sims), ddm_signed_rt_cdf(**theta)).pvalue > P_MIN


@pytest.mark.parametrize(("index", "shift"), [(0, 0.010), (1, 0.001)])
def test_ks_detects_a_small_shift(index, shift):
    theta = DDM_SETS[index]
    sims = ssmlan.simulate("ddm", theta, N_KS, seed=2024, max_t=60.0)
    shifted = signed(sims) + shift * sims.choice
    assert kstest(shifted, ddm_signed_rt_cdf(**theta)).pvalue < P_MIN


@pytest.mark.slow
@pytest.mark.parametrize(
    "theta", [dict(v=1.0, a=1.0, z=0.5, t=0.3), dict(v=-2.0, a=0.5, z=0.3, t=1.0)]
)
def test_ddm_mean_rt_within_one_millisecond(theta):
    # n = 4e6 puts the standard error of the mean near 0.25 ms for these sets, so an exact
    # simulator lands within 1 ms (4 SE) at any seed with probability > 99.99%.
    n = 4_000_000
    sims = ssmlan.simulate("ddm", theta, n, seed=77, max_t=60.0)
    standard_error = sims.rt.std() / np.sqrt(n)
    assert standard_error < 0.3e-3
    assert abs(sims.rt.mean() - ddm_mean_rt(**theta)) < 1e-3


def test_ornstein_without_leak_and_flat_weibull_are_the_ddm():
    theta = DDM_SETS[0]
    cdf = ddm_signed_rt_cdf(**theta)
    ornstein = ssmlan.simulate("ornstein", dict(theta, g=0.0), N_KS, seed=5)
    weibull = ssmlan.simulate("weibull", dict(theta, alpha=1.0, beta=1e9), N_KS, seed=6)
    assert kstest(signed(ornstein), cdf).pvalue > P_MIN
    assert kstest(signed(weibull), cdf).pvalue > P_MIN


def test_levy_at_alpha_two_is_a_ddm_with_noise_variance_two():
    # Symmetric 2-stable noise with unit scale is N(0, 2): the same as unit noise with v and a
    # divided by sqrt(2). Levy increments cannot use the bridge correction, so at its default
    # dt = 1e-3 the plain Euler bias remains; the KS tolerance is D < 0.02 (measured ~0.01),
    # not a p-value.
    theta = dict(v=1.0, a=1.5, z=0.5, t=0.5)
    levy = ssmlan.simulate("levy", dict(theta, alpha=2.0), 50_000, seed=8)
    cdf = ddm_signed_rt_cdf(1.0 / np.sqrt(2.0), 1.5 / np.sqrt(2.0), 0.5, 0.5)
    assert kstest(signed(levy), cdf).statistic < 0.02


@pytest.mark.slow
@pytest.mark.parametrize(
    ("model", "theta"),
    [
        ("angle", dict(v=-1.0, a=0.4, z=0.3, t=0.2, theta=1.2)),
        ("weibull", dict(v=1.0, a=1.5, z=0.5, t=0.5, alpha=0.5, beta=1.0)),
        ("ornstein", dict(v=1.0, a=1.0, z=0.5, g=0.8, t=0.5)),
        ("full_ddm", dict(v=1.0, a=1.0, z=0.5, t=0.5, sz=0.2, sv=1.0, st=0.2)),
    ],
)
def test_default_step_matches_a_fine_step(model, theta):
    # No analytic answer: the default dt must agree with dt = 1e-4 (two-sample KS, p > 1e-3).
    coarse = ssmlan.simulate(model, theta, N_KS, seed=31)
    fine = ssmlan.simulate(model, theta, N_KS, seed=32, dt=1e-4)
    assert ks_2samp(signed(coarse), signed(fine)).pvalue > P_MIN


@pytest.mark.slow
def test_race_default_step_matches_a_fine_step():
    theta = dict(v0=2.5, v1=2.0, v2=0.0, a=1.0, z0=0.0, z1=0.5, z2=0.9, t=0.1)
    coarse = ssmlan.simulate("race_3", theta, N_KS, seed=41)
    fine = ssmlan.simulate("race_3", theta, N_KS, seed=42, dt=1e-4)
    as_number = [s.choice + s.rt / 100.0 for s in (coarse, fine)]
    assert ks_2samp(*as_number).pvalue > P_MIN
