"""The regression model: formulae's designs, parameters inside the box by construction, the
exact box check of hand-built models."""

import numpy as np
import pandas as pd
import pymc as pm
import pytest
from formulae import design_matrices

from ssmlan.datasets import cavanagh_theta
from ssmlan.models import get_model
from ssmlan.pymc import SSM
from ssmlan.pymc.design import parameter_rows, parse
from ssmlan.pymc.regression import model

SPEC = get_model("ddm")


@pytest.fixture(scope="module")
def cavanagh():
    return cavanagh_theta()


def test_cavanagh_data_set_is_shipped(cavanagh):
    assert len(cavanagh) == 3988 and cavanagh["participant_id"].nunique() == 14
    assert set(cavanagh["choice"]) == {-1, 1}


@pytest.mark.parametrize(
    "formula", ["1 + stim + (1|participant_id)", "1 + theta:conf + (1 + theta|participant_id)"]
)
def test_design_matrices_match_formulae(cavanagh, formula):
    design = parse("a", formula, cavanagh)
    reference = design_matrices(formula, cavanagh, na_action="error")
    np.testing.assert_array_equal(design.common, np.asarray(reference.common.design_matrix))
    group = np.asarray(reference.group.design_matrix.toarray())
    np.testing.assert_array_equal(np.column_stack([g.matrix for g in design.group_terms]), group)
    assert [t.name for t in design.terms] == list(reference.common.terms)


def test_rows_are_shared_by_trials_with_equal_designs(cavanagh):
    designs = [parse("v", "1 + stim + (1|participant_id)", cavanagh)]
    rows, first = parameter_rows(designs, len(cavanagh))
    expected = cavanagh.groupby(["participant_id", "stim"]).ngroups
    assert len(first) == expected  # one row per participant and condition
    np.testing.assert_array_equal(rows[first], np.arange(len(first)))
    key = cavanagh["participant_id"].astype(str) + cavanagh["stim"]
    assert all(key.iloc[i] == key.iloc[first[rows[i]]] for i in range(0, len(cavanagh), 97))


def test_bad_formulas_name_the_parameter(cavanagh):
    with pytest.raises(ValueError, match=r"Formula for 'v'.*no_such_column"):
        model(cavanagh, "ddm", v="1 + no_such_column")
    with pytest.raises(ValueError, match="has no parameter 'q'"):
        model(cavanagh, "ddm", q="1")


@pytest.mark.parametrize("eta", [-1e6, -40.0, 0.0, 40.0, 1e6])
def test_the_link_stays_in_the_box_under_extreme_predictors(eta):
    for param in SPEC.params:
        value = param.to_box(np.float64(eta))
        assert param.lower <= value <= param.upper and np.isfinite(value)


def test_no_parameter_leaves_the_box_in_a_model_with_extreme_coefficients(cavanagh):
    data = cavanagh.iloc[:300]
    pymc_model = model(data, "ddm", v="1 + theta", a="1 + (1|participant_id)", t="1", z=0.5)
    obs = pymc_model["obs"]
    dist_params = dict(zip(SPEC.param_names, obs.owner.inputs[-SPEC.n_params :], strict=True))
    inputs = pymc_model.value_vars
    values_fn = pymc_model.compile_fn(
        [dist_params[name] for name in ("v", "a", "t")],
        inputs=inputs,
        point_fn=False,
        on_unused_input="ignore",
    )
    for extreme in (-50.0, 50.0):
        point = pymc_model.initial_point()
        values = values_fn(*[np.full_like(point[v.name], extreme) for v in inputs])
        for name, value in zip(("v", "a", "t"), values, strict=True):
            param = SPEC.param(name)
            assert np.all((value >= param.lower) & (value <= param.upper)), name


def test_an_unbounded_prior_is_refused_every_time():
    data = pd.DataFrame({"rt": [0.5, 0.7, 0.9], "choice": [1, -1, 1]})
    for seed in range(3):  # exact: no random draws decide
        with pm.Model(), pytest.raises(ValueError, match=r"'v' can reach \[-inf, inf\]"):
            v = pm.Normal("v", 0.0, 0.01 * (seed + 1))
            SSM("obs", "ddm", observed=data, v=v, a=1.0, z=0.5, t=0.2)


def test_bounded_expressions_pass_and_leaks_are_caught():
    data = pd.DataFrame({"rt": [0.5, 0.7, 0.9], "choice": [1, -1, 1]})
    sign = np.array([1.0, -1.0, 1.0])
    with pm.Model():
        v = pm.Uniform("v", -3.0, 3.0)
        a = pm.Beta("a_raw", 2, 2) * 2.0 + 0.4
        SSM("obs", "ddm", observed=data, v=v * sign, a=a, z=0.5, t=pm.Uniform("t", 0.0, 0.4))
    with pm.Model(), pytest.raises(ValueError, match=r"'a' can reach \[0.4, 2.6\]"):
        a = pm.Beta("a_raw", 2, 2) * 2.2 + 0.4
        SSM("obs", "ddm", observed=data, v=0.0, a=a, z=0.5, t=0.1)


def test_group_terms_pick_the_compact_lan_unless_one_is_given(cavanagh):
    from ssmlan.pymc.ssm import observed_ssms

    data = cavanagh.iloc[:300]

    def lan_of(**kwargs) -> str | None:
        (record,) = observed_ssms(model(data, "ddm", z=0.5, **kwargs)).values()
        return record.lan

    assert lan_of(v="1 + (1|participant_id)") == "ddm_compact_lan"
    assert lan_of(v="1 + theta") == "ddm_lan"
    assert lan_of(v="1 + (1|participant_id)", ssm_options={"lan": "ddm_lan"}) == "ddm_lan"
    assert lan_of(v="1 + (1|participant_id)", likelihood="analytic") is None
    assert lan_of(a="1 + (1|participant_id)", ssm_options={"lan": None}) == "ddm_lan"


def test_centred_and_non_centred_group_effects_are_one_posterior(cavanagh):
    """At b = sigma * offset the two log densities differ by the Jacobian of b -> offset,
    n_groups * log(sigma), and by nothing else."""
    data = cavanagh.iloc[:600]
    formulas = {"v": "1 + (1|participant_id)", "a": "1", "t": "1"}
    kwargs = {"likelihood": "analytic", "z": 0.5, **formulas}
    centred = model(data, "ddm", noncentered=False, **kwargs)
    noncentred = model(data, "ddm", **kwargs)
    assert "v_1|participant_id_offset" not in centred.named_vars
    n_groups = data["participant_id"].nunique()
    rng = np.random.default_rng(3)
    for _ in range(3):
        point = {  # t low: below every rt
            "v_Intercept": rng.normal(),
            "v_1|participant_id_sigma_log__": rng.normal(-1.0, 0.5),
            "v_1|participant_id_offset": rng.normal(size=n_groups),
            "a_Intercept": rng.normal(0.0, 0.3),
            "t_Intercept": -3.0,
        }
        log_sigma = point["v_1|participant_id_sigma_log__"]
        offset = point.pop("v_1|participant_id_offset")
        centred_point = {**point, "v_1|participant_id": np.exp(log_sigma) * offset}
        difference = noncentred.compile_logp()(
            {**point, "v_1|participant_id_offset": offset}
        ) - centred.compile_logp()(centred_point)
        np.testing.assert_allclose(difference, n_groups * log_sigma, rtol=0, atol=1e-8)
