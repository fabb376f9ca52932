import numpy as np
import pytest

import ssmlan
from ssmlan.models import MODELS, get_model
from ssmlan.models.spec import Param
from ssmlan.simulate.crossing import boundary_at

EXPECTED = {"ddm", "ddm_sdv", "full_ddm", "angle", "weibull", "ornstein", "levy", "race_3"}


def test_registry_holds_the_required_models():
    assert EXPECTED <= set(ssmlan.list_models())


@pytest.mark.parametrize("name", sorted(MODELS))
def test_spec_is_consistent(name):
    spec = get_model(name)
    assert len(set(spec.param_names)) == spec.n_params
    assert np.all(spec.lower < spec.upper)
    for p in spec.params:
        assert p.domain.contains(np.array([p.lower, p.upper, p.default])).all(), p.name
    assert len(spec.fingerprint()) == 16


def test_ddm_box_matches_ssm_simulators():
    spec = get_model("ddm")
    assert spec.param_names == ("v", "a", "z", "t")
    np.testing.assert_array_equal(spec.lower, [-3.0, 0.3, 0.1, 0.0])
    np.testing.assert_array_equal(spec.upper, [3.0, 2.5, 0.9, 2.0])


def test_unknown_model_lists_valid_names():
    with pytest.raises(KeyError, match=r"Valid models: .*ddm.*weibull"):
        get_model("dmm")


def test_fingerprint_changes_with_the_box():
    spec = get_model("ddm")
    from dataclasses import replace

    wider = replace(spec, params=(Param("v", -4.0, 3.0, 0.0), *spec.params[1:]))
    assert wider.fingerprint() != spec.fingerprint()


def test_param_default_outside_box_is_refused():
    with pytest.raises(ValueError, match="outside its box"):
        Param("v", 0.0, 1.0, 2.0)


@pytest.mark.parametrize(
    ("name", "p1", "p2"), [("ddm", 0.0, 1.0), ("angle", 0.7, 1.0), ("weibull", 2.5, 0.8)]
)
def test_compiled_boundary_matches_numpy(name, p1, p2):
    boundary = get_model(name).boundary
    times = np.linspace(0.0, 3.0, 31)
    expected = boundary.fn(times, 1.3, p1, p2)
    kernel_p1 = np.tan(p1) if boundary.code == 1 else p1
    compiled = [boundary_at(boundary.code, t, 1.3, kernel_p1, p2) for t in times]
    np.testing.assert_allclose(compiled, expected, rtol=1e-12)
