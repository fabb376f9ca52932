"""The normaliser networks: shipped, tied to their LAN and CPN, close to the exact correction,
and used by `SSM` where the quadrature would cost more than the densities."""

import dataclasses
import json
from importlib import resources

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pytensor.tensor as pt
import pytest

import ssmlan
from ssmlan.likelihoods.trial_logp import TrialSplit
from ssmlan.networks import load_network
from ssmlan.networks.normalizer import (
    SHIFT_TOLERANCE,
    Normalizer,
    check_normalizer,
    exact_correction,
    input_names,
    validate_normalizer,
)
from ssmlan.pymc.ssm import _correction

MODELS = ("ddm", "angle")


@pytest.fixture(scope="module", params=MODELS)
def trio(request):
    model = request.param
    return tuple(load_network(model, kind) for kind in ("lan", "cpn", "normalizer"))


def _perturbed(net):
    (kernel, bias), *rest = net.members[0]
    member = ((kernel + np.float32(1e-3), bias), *rest)
    return dataclasses.replace(net, members=(member, *net.members[1:]))


def test_shipped_normalizers_load_with_their_validation(trio):
    lan, cpn, norm = trio
    assert norm.kind == "normalizer" and norm.spec.name == lan.spec.name
    check_normalizer(norm, lan, cpn)
    validation = norm.meta["validation"]
    assert validation["n_sets"] == 5000
    assert 0 < validation["p99_abs_error"] <= validation["max_abs_error"]
    # The shipped CPNs move with t by more than the tolerance, so t is an input.
    assert norm.meta["uses_shift"] and norm.meta["cpn_shift_sensitivity"] > SHIFT_TOLERANCE
    assert norm.meta["inputs"] == input_names(lan.spec, uses_shift=True)
    shipped = resources.files("ssmlan.networks") / "pretrained"
    report = shipped / f"{lan.spec.name}_normalizer.validation.json"
    assert json.loads(report.read_text()) == validation


def test_a_normalizer_of_other_networks_is_refused(trio):
    lan, cpn, norm = trio
    with pytest.raises(ValueError, match="another LAN"):
        check_normalizer(norm, _perturbed(lan), cpn)
    with pytest.raises(ValueError, match="another CPN"):
        check_normalizer(norm, lan, _perturbed(cpn))
    with pytest.raises(ValueError, match="normaliser network"):
        check_normalizer(lan, lan, cpn)
    # Same weights, another mass (a shorter horizon): the stored reference corrections differ.
    horizon = {"data": {"generator_config": {"max_t": 5.0}}}
    shorter = dataclasses.replace(lan, meta={**lan.meta, **horizon})
    with pytest.raises(ValueError, match="mass rule has changed"):
        check_normalizer(norm, shorter, cpn)
    other = "angle" if lan.spec.name == "ddm" else "ddm"
    with pytest.raises(ValueError, match="model"):
        check_normalizer(load_network(other, "normalizer"), lan, cpn)


def test_correction_is_within_the_stated_error_on_new_sets(trio):
    lan, cpn, norm = trio
    stated = norm.meta["validation"]
    fresh = validate_normalizer(norm, lan, cpn, n_sets=2000, seed=7)
    # The stated errors are those of 5000 other sets: a new sample's largest may lie a little
    # above theirs.
    assert fresh["max_abs_error"] <= 1.25 * stated["max_abs_error"]
    assert fresh["p99_abs_error"] <= 1.25 * stated["p99_abs_error"]


def test_correction_is_the_same_in_every_namespace(trio):
    lan, cpn, norm = trio
    spec = lan.spec
    theta = spec.sample_in_box(200, np.random.default_rng(3)).astype(np.float32)
    choice = np.where(np.arange(200) % 2 == 0, 1.0, -1.0).astype(np.float32)
    source = Normalizer(norm, cpn)
    got = source.correction_xp(theta, choice, np)
    exact, _ = exact_correction(lan, cpn, theta, choice)
    assert np.max(np.abs(got - exact)) <= norm.meta["validation"]["max_abs_error"]
    np.testing.assert_allclose(
        source.correction_xp(jnp.asarray(theta), jnp.asarray(choice), jnp), got, atol=1e-5
    )
    x, c = pt.matrix("x"), pt.vector("c")
    symbolic = source.correction_xp(x, c, pt).eval({x: theta.astype(float), c: choice})
    np.testing.assert_allclose(symbolic, got, atol=1e-5)


def _trialwise_data(n: int = 150, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    a = 1.0 + 0.3 * np.tanh(x)
    theta = np.column_stack([np.full(n, 0.8), a, np.full(n, 0.5), np.full(n, 0.3)])
    sims = ssmlan.simulate("ddm", theta, 1, seed=seed)
    return pd.DataFrame({"rt": sims.rt[:, 0], "choice": sims.choice[:, 0], "x": x})


def _observed_logp(data, normalizer, **params) -> float:
    model = ssmlan.model(data, "ddm", route="jax", ssm_options={"normalizer": normalizer}, **params)
    point = model.initial_point()
    point["a_Intercept"] = np.array(0.4)
    point["a_x"] = np.array([0.5])
    fn = model.compile_logp(vars=model.observed_RVs, jacobian=False)
    return float(fn(point))


def test_trialwise_logp_with_the_network_agrees_with_the_quadrature():
    data = _trialwise_data()
    params = {"a": "1 + x", "v": 0.8, "z": 0.5, "t": 0.3}
    quadrature = _observed_logp(data, "quadrature", **params)
    network = _observed_logp(data, "network", **params)
    max_error = load_network("ddm", "normalizer").meta["validation"]["max_abs_error"]
    assert abs(network - quadrature) <= len(data) * max_error
    assert _observed_logp(data, "auto", **params) == quadrature  # shipped ones miss 1e-3


def test_auto_picks_the_network_only_per_trial_and_within_its_target(monkeypatch):
    lan, cpn = load_network("ddm", "lan"), load_network("ddm", "cpn")
    data = _trialwise_data()
    rt, choice = data["rt"].to_numpy(), data["choice"].to_numpy().astype(float)
    shared = TrialSplit.of(rt, choice, np.zeros(len(rt), dtype=int))
    trialwise = TrialSplit.of(rt, choice)
    assert _correction(lan.spec, "auto", lan, cpn, shared) is None
    assert _correction(lan.spec, "auto", lan, cpn, trialwise) is None  # misses its target
    shipped = load_network("ddm", "normalizer")
    passing = dataclasses.replace(
        shipped, meta={**shipped.meta, "validation": {**shipped.meta["validation"], "passed": True}}
    )
    monkeypatch.setattr("ssmlan.pymc.ssm.load_network", lambda *args: passing)
    assert isinstance(_correction(lan.spec, "auto", lan, cpn, trialwise), Normalizer)
    assert _correction(lan.spec, "quadrature", lan, cpn, trialwise) is None
    few = TrialSplit.of(rt[:20], choice[:20])  # 20 x 64 LAN evaluations: cheap either way
    assert _correction(lan.spec, "auto", lan, cpn, few) is None
    assert _correction(lan.spec, "auto", _perturbed(lan), cpn, trialwise) is None
    with pytest.raises(ValueError, match="another LAN"):
        _correction(lan.spec, "network", _perturbed(lan), cpn, trialwise)
    with pytest.raises(ValueError, match="normalizer must be one of"):
        _correction(lan.spec, "fast", lan, cpn, trialwise)
