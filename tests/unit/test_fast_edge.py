"""The fast-edge bound: above the exact ddm density, tight at short decision times, with a
bracket below it for constant boundaries; a LAN gives way to it where it is low and follows it
below its floor, leaving densities well above the level as they are."""

import numpy as np
import pytest

from ssmlan.constants import LOG_DENSITY_FLOOR
from ssmlan.likelihoods import ddm_logp, ddm_sdv_logp
from ssmlan.likelihoods.fast_edge import (
    ddm_fast_edge_logp,
    ddm_sdv_fast_edge_logp,
    inverse_gaussian_logp,
)
from ssmlan.models import get_model
from ssmlan.networks import load_network
from ssmlan.networks.network import FAST_EDGE_LEVEL, FAST_EDGE_WIDTH, lan_features

SPEC = get_model("ddm")


def test_the_bound_lies_above_the_exact_density_and_meets_it_early():
    rng = np.random.default_rng(0)
    theta = SPEC.sample_in_box(500, rng)
    v, a, z, t = theta.T
    tau = np.exp(rng.uniform(np.log(1e-3), np.log(5.0), 500))
    choice = np.where(rng.random(500) < 0.5, -1.0, 1.0)
    exact = ddm_logp(t + tau, choice, v, a, z, t)
    bound = ddm_fast_edge_logp(tau, choice, v, a, z)
    assert np.all(bound >= exact - 1e-9)
    # Short times, other boundary out of reach: the image term is below 1e-6 relative.
    far = 4 * a * np.where(choice > 0, 2 * a * z, 2 * a * (1 - z)) / tau > 20
    np.testing.assert_allclose(bound[far], exact[far], atol=1e-5)


def test_the_drift_variability_bound_is_the_drift_mixture_of_bounds_and_above_the_density():
    spec = get_model("ddm_sdv")
    rng = np.random.default_rng(2)
    theta = spec.sample_in_box(300, rng)
    v, a, z, t, sv = theta.T
    tau = np.exp(rng.uniform(np.log(1e-3), np.log(5.0), 300))
    choice = np.where(rng.random(300) < 0.5, -1.0, 1.0)
    bound = ddm_sdv_fast_edge_logp(tau, choice, v, a, z, t, sv)
    # The mixture over the drift, summed on a fine grid of standard normal drifts (+-12 SD).
    grid = np.linspace(-12.0, 12.0, 24_001)[:, None]
    distance = np.where(choice > 0, 2 * a * (1 - z), 2 * a * z)
    towards = np.where(choice > 0, 1.0, -1.0)
    log_terms = -0.5 * grid**2 + inverse_gaussian_logp(tau, distance, (v + sv * grid) * towards)
    mixture = np.logaddexp.reduce(log_terms, axis=0) + np.log(grid[1, 0] - grid[0, 0])
    mixture -= 0.5 * np.log(2 * np.pi)
    np.testing.assert_allclose(bound, mixture, rtol=1e-5, atol=1e-6)  # grid error
    exact = ddm_sdv_logp(t + tau, choice, v, a, z, t, sv)
    assert np.all(bound >= exact - 1e-9)
    # Tight where paths that touch the other boundary first are negligible: the first image
    # term's exponent, with drifts up to 3 SDs away from the other boundary, below -20.
    other = 2 * a - distance
    exponent = -2 * other * (distance + other) / tau + 2 * (np.abs(v) + 3 * sv) * other
    far = exponent < -20
    assert far.sum() > 50
    np.testing.assert_allclose(bound[far], exact[far], atol=1e-4)


@pytest.mark.parametrize("model", ["ddm", "angle", "ddm_sdv"])
def test_lan_gives_way_to_the_fast_edge_only_where_the_bound_is_low(model):
    """Where the bound is well above FAST_EDGE_LEVEL (10 switch widths) the density is the
    floored LAN's; well below it, it lies under the bound and, for constant boundaries, above
    the bracket's lower end; below the floor it follows the bound down."""
    lan = load_network(model, "lan")
    spec = lan.spec
    rng = np.random.default_rng(1)
    theta = spec.sample_in_box(2000, rng).astype(np.float32)
    shift = spec.smallest_rt(theta)
    tau = np.exp(rng.uniform(np.log(1e-3), np.log(3.0), 2000)).astype(np.float32)
    choice = np.where(rng.random(2000) < 0.5, -1.0, 1.0).astype(np.float32)
    rt = shift + tau
    with_edge = lan.logp_xp(theta, rt, choice, np)
    by_name = {n: theta[:, j] for j, n in enumerate(spec.param_names)}
    tau = rt - shift  # as the network sees it (float32 rounding moves a steep bound)
    bound = spec.fast_edge_logp(tau, choice, **by_name)
    high = bound >= FAST_EDGE_LEVEL + 10 * FAST_EDGE_WIDTH
    low = bound <= FAST_EDGE_LEVEL - 10 * FAST_EDGE_WIDTH
    assert high.sum() > 50 and low.sum() > 50
    floored = np.maximum(
        lan.raw(np.asarray(lan_features(spec, theta, rt, choice)), np), LOG_DENSITY_FLOOR
    )
    np.testing.assert_allclose(with_edge[high], floored[high], atol=1e-3)
    slack = (1e-3 + 2e-5 * np.abs(bound))[low]  # float32 sums of values down to -800
    assert np.all(with_edge[low] <= bound[low] + slack)
    if spec.fast_edge_log_gap is not None:
        gap = spec.fast_edge_log_gap(tau, choice, **by_name)
        assert np.all(with_edge[low] >= (bound + gap)[low] - slack)
    assert np.all(with_edge[bound < LOG_DENSITY_FLOOR] < LOG_DENSITY_FLOOR)
    assert np.all(np.isfinite(with_edge))


@pytest.mark.parametrize("model", ["ddm", "ddm_sdv"])
def test_the_image_bracket_holds_the_exact_density(model):
    """For constant boundaries the exact density lies in [bound (1 - r), bound] wherever the
    bracket is known (r < 1/2); measured on 200,000 ddm points: both ends within 3e-14."""
    spec = get_model(model)
    rng = np.random.default_rng(3)
    n = 20_000
    theta = spec.sample_in_box(n, rng)
    theta[:, spec.shift_index] = 0.0
    tau = np.exp(rng.uniform(np.log(0.005), np.log(5.0), n))
    choice = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    by_name = {name: theta[:, j] for j, name in enumerate(spec.param_names)}
    exact = spec.analytic_logp(tau, choice, **by_name)
    bound = spec.fast_edge_logp(tau, choice, **by_name)
    gap = spec.fast_edge_log_gap(tau, choice, **by_name)
    known = np.isfinite(gap) & (exact > -30)
    assert known.mean() > 0.5
    assert np.all(exact[known] <= bound[known] + 1e-9)
    assert np.all(exact[known] >= (bound + gap)[known] - 1e-9)


def test_the_bracketed_lan_is_continuous_where_the_image_bracket_ends():
    """At the decision time where the first image's share r reaches 1/2 (the bracket's end),
    the density moves by less than 0.2 log units across +-0.1% of it (it jumped by up to 6)."""
    lan = load_network("ddm", "lan")
    rng = np.random.default_rng(0)
    theta = SPEC.sample_in_box(20_000, rng).astype(np.float32)
    theta[:, SPEC.shift_index] = 0.0
    _, a, z, _ = theta.T
    choice = np.where(rng.random(len(theta)) < 0.5, -1.0, 1.0).astype(np.float32)
    distance, width = np.where(choice > 0, 2 * a * (1 - z), 2 * a * z), 2 * a
    # r = (2W - d) / d exp(-2 W (W - d) / tau) = 1/2 (`image_log_gap`)
    tau = 2 * width * (width - distance) / (np.log((2 * width - distance) / distance) + np.log(2))
    keep = (tau > 1e-3) & (tau < 15.0)
    before, after = (
        lan.logp_xp(theta[keep], (tau[keep] * f).astype(np.float32), choice[keep], np)
        for f in (0.999, 1.001)
    )
    assert np.max(np.abs(after - before)) < 0.2


@pytest.mark.parametrize("name", ["ddm", "ddm_sdv"])
def test_a_negligible_share_of_each_choice_comes_before_the_onset(name):
    # The exact density integrated up to the onset, against the choice's exact probability:
    # 2 Phi(-5) = 6e-7 of the bound's mass; the choice's own mass is a little below the bound's
    # where it is rare (3e-6 at most here). 1e-5 allowed, over the box and both choices.
    spec = get_model(name)
    rng = np.random.default_rng(3)
    theta = spec.sample_in_box(400, rng)
    choice = np.where(np.arange(400) % 2 == 0, 1.0, -1.0)
    onset = spec.decision_onset(theta, choice)
    shares = np.linspace(1e-6, 1.0, 4001)[None, :]  # of the way to the onset
    params = {n: theta[:, j, None] for j, n in enumerate(spec.param_names)}
    tau = onset[:, None] * shares
    log_density = spec.analytic_logp(params["t"] + tau, choice[:, None], **params)
    early = np.trapezoid(np.exp(log_density), tau, axis=1)
    total = np.exp(
        spec.analytic_choice_logp(
            choice, **{n: theta[:, j] for j, n in enumerate(spec.param_names)}
        )
    )
    assert np.max(early / total) < 1e-5
    assert np.median(onset) > 0.01  # the integral starts where it matters, not at 1e-4 s


def test_from_the_onset_32_nodes_integrate_the_lan_as_512_do():
    # What the shipped ddm LANs' calibrated mass_nodes (32) rest on: the mass from the onset at
    # 32 nodes within 1e-3 of 512 nodes, over the box and both choices (from the smallest
    # decision time 32 nodes were up to 7e-3 off, and 64 were needed).
    rng = np.random.default_rng(4)
    theta = SPEC.sample_in_box(1000, rng).astype(np.float32)
    choice = np.where(np.arange(1000) % 2 == 0, 1.0, -1.0).astype(np.float32)
    for name in ("ddm_lan", "ddm_compact_lan"):
        lan = load_network(name)
        assert lan.meta["mass_nodes"] == 32
        coarse, fine = (np.exp(lan.log_mass_xp(theta, choice, np, nodes=n)) for n in (32, 512))
        assert np.max(np.abs(coarse - fine)) < 1e-3
