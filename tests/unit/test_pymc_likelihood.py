"""The PyMC likelihood: routes agree, Go/NoGo logp is exact with analytic likelihoods."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest

from ssmlan.likelihoods import ddm_choice_logp, ddm_logp
from ssmlan.models import get_model
from ssmlan.pymc import SSM
from ssmlan.pymc.data import as_trials
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo


@pytest.fixture(scope="module")
def gonogo():
    return simulate_gonogo(200, v=1.2, a=1.0, t=0.3, seed=3)


def _observed_logp(model, point):
    fn = model.compile_logp(vars=model.observed_RVs, jacobian=False)
    return float(fn(point))


def _point(model, **values):
    point = model.initial_point()
    for name, value in values.items():
        point[f"{name}_interval__"] = get_model("ddm").param(name).from_box(value)
    return point


def test_gonogo_logp_with_analytic_likelihood_is_exact(gonogo):
    model = gonogo_model(gonogo, likelihood="analytic")
    v, a, t = 0.9, 1.3, 0.25
    got = _observed_logp(model, _point(model, v=v, a=a, t=t))
    drift = np.where(gonogo["condition"] == "nogo", -v, v)
    pressed = gonogo["choice"].to_numpy() == 1
    rt = gonogo["rt"].to_numpy()
    expected = ddm_logp(rt[pressed], 1, drift[pressed], a, 0.5, t).sum()
    # Withheld: log(1 - P(press)) with only v flipped in the NoGo condition.
    expected += np.log1p(-np.exp(ddm_choice_logp(1, drift[~pressed], a, 0.5))).sum()
    assert got == pytest.approx(expected, abs=1e-8)


def test_gonogo_without_withheld_conditions_each_press_on_pressing(gonogo):
    model = gonogo_model(gonogo, likelihood="analytic", withheld="drop")
    v, a, t = 0.9, 1.3, 0.25
    fn = model.compile_logp(vars=model.observed_RVs + model.potentials, jacobian=False)
    got = float(fn(_point(model, v=v, a=a, t=t)))
    pressed = gonogo["choice"].to_numpy() == 1
    drift = np.where(gonogo["condition"] == "nogo", -v, v)[pressed]
    rt = gonogo["rt"].to_numpy()[pressed]
    expected = (ddm_logp(rt, 1, drift, a, 0.5, t) - ddm_choice_logp(1, drift, a, 0.5)).sum()
    assert got == pytest.approx(expected, abs=1e-8)
    with pytest.raises(ValueError, match="withheld must be one of"):
        gonogo_model(gonogo, withheld="ignore")


def test_routes_agree_on_value_and_gradient(gonogo):
    results = {}
    for route in ("pytensor", "jax"):
        model = gonogo_model(gonogo, route=route)
        point = _point(model, v=0.7, a=1.1, t=0.2)
        results[route] = (model.compile_logp()(point), model.compile_dlogp()(point))
    np.testing.assert_allclose(results["pytensor"][0], results["jax"][0], rtol=1e-5)
    np.testing.assert_allclose(results["pytensor"][1], results["jax"][1], rtol=1e-4, atol=1e-4)


def test_network_close_to_analytic_on_gonogo(gonogo):
    net = gonogo_model(gonogo)
    exact = gonogo_model(gonogo, likelihood="analytic")
    for values in (dict(v=1.2, a=1.0, t=0.3), dict(v=0.5, a=1.8, t=0.1)):
        diff = _observed_logp(net, _point(net, **values)) - _observed_logp(
            exact, _point(exact, **values)
        )
        assert abs(diff) < 0.05 * len(gonogo)  # < 0.05 per trial on average


def test_prior_outside_the_box_is_refused(gonogo):
    with pm.Model(), pytest.raises(ValueError, match=r"'a' can reach \[0, inf\] .* outside the"):
        SSM(
            "obs",
            "ddm",
            observed=gonogo[["rt", "choice"]],
            v=pm.Uniform("v", -1.0, 1.0),
            a=pm.HalfNormal("a", 3.0),
            z=0.5,
            t=0.2,
        )


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (pd.DataFrame({"rt": [0.5], "resp": [1]}), r"lacks column\(s\) \['choice'\]"),
        (pd.DataFrame({"rt": ["fast"], "choice": [1]}), "row 0: 'fast' is not a number"),
        (pd.DataFrame({"rt": [0.5, -0.2], "choice": [1, 1]}), "row 1: -0.2"),
        (pd.DataFrame({"rt": [0.5, 0.7], "choice": [1, 2]}), "'choice' row 1"),
        (pd.DataFrame({"rt": [], "choice": []}), "no trials"),
    ],
)
def test_bad_data_is_named(frame, match):
    with pytest.raises(ValueError, match=match):
        as_trials(frame, get_model("ddm"))


def test_zero_one_choices_are_mapped():
    trials = as_trials(pd.DataFrame({"rt": [0.5, 0.6], "choice": [0, 1]}), get_model("ddm"))
    np.testing.assert_array_equal(trials[:, 1], [-1, 1])


def test_networks_are_given_as_objects_files_or_shipped_names(gonogo):
    from ssmlan.networks import load_network
    from ssmlan.networks.shipped import PRETRAINED
    from ssmlan.pymc.box_model import box_model

    frame = gonogo.dropna(subset=["rt"])
    point_of = {}
    for name, lan in {
        "object": load_network("ddm", "lan"),
        "file": str(PRETRAINED / "ddm_lan.npz"),
        "name": "ddm_lan",
    }.items():
        model = box_model(frame, "ddm", lan=lan, cpn="ddm_cpn")
        point_of[name] = _observed_logp(model, _point(model, v=0.8, a=1.2, t=0.25))
    assert point_of["file"] == point_of["object"] == point_of["name"]
    with pytest.raises(ValueError, match="Network for 'angle' given for model 'ddm'"):
        box_model(frame, "ddm", lan="angle_lan")
