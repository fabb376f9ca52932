"""The LAN's rescaling to the CPN interpolated along a trial-wise parameter, against the
quadrature it replaces (shipped ddm networks)."""

import numpy as np
import pandas as pd
import pytest

import ssmlan
from ssmlan.likelihoods.interpolated_correction import AlongParameter, ChebyshevCorrection
from ssmlan.likelihoods.trial_logp import RowPairs
from ssmlan.networks import load_network
from ssmlan.pymc.design import parameter_rows, parse, rows_varying_in_one

GROUPS = np.array([[1.5, 1.0, 0.5, 0.3], [-0.5, 1.0, 0.4, 0.5], [0.2, 1.0, 0.7, 0.2]])


def _rows(low: float, high: float, n: int = 400):
    rng = np.random.default_rng(0)
    group = rng.integers(0, len(GROUPS), n)
    theta = GROUPS[group].copy()
    theta[:, 1] = rng.uniform(low, high, n)  # a varies within each group
    return theta, rng.choice([-1.0, 1.0], n), group


@pytest.mark.parametrize(
    "low, high, tolerance",
    # measured: 2.4e-4 over a spread of 0.5 in a (float32 networks), 0.020 over the whole box
    [(0.8, 1.3, 5e-4), (0.3, 2.5, 0.04)],
)
def test_interpolation_matches_the_quadrature(low, high, tolerance):
    lan, cpn = load_network("ddm", "lan"), load_network("ddm", "cpn")
    theta, choice, group = _rows(low, high)
    pairs = RowPairs.of(np.arange(len(theta)), choice)
    rows, values = theta[pairs.rows].astype(np.float32), pairs.values.astype(np.float32)
    exact = cpn.choice_logp_xp(rows, values, np) - lan.log_mass_xp(rows, values, np)
    correction = ChebyshevCorrection(lan, cpn, 1, pairs, group, (-1, 1))
    assert correction.anchors == 3 * 8 * 2
    np.testing.assert_allclose(correction.correction_xp(rows, values, np), exact, atol=tolerance)


def _trials(n_subjects: int = 3, n: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frames = []
    for subject in range(n_subjects):
        x = rng.normal(size=n)
        sims = ssmlan.simulate("ddm", dict(v=0.8, a=1.2, z=0.5, t=0.3), n, seed=subject)
        frames.append(
            pd.DataFrame({"rt": sims.rt, "choice": sims.choice, "x": x, "subject": f"s{subject}"})
        )
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("route", ["pytensor", "jax"])
def test_the_builder_interpolates_a_trial_wise_regression_like_the_quadrature(route):
    data = _trials()
    formulas = dict(v="1 + (1|subject)", a="1 + x", z=0.5)
    designs = [parse(p, formulas[p], data) for p in ("v", "a")]
    _, first_trial = parameter_rows(designs, len(data))
    parameter, group_of_row = rows_varying_in_one(designs, first_trial, len(data))
    assert parameter == "a" and len(first_trial) == 360 and group_of_row.max() == 2
    interpolated = ssmlan.model(data, "ddm", route=route, **formulas)
    quadrature = ssmlan.model(
        data, "ddm", route=route, ssm_options={"normalizer": "quadrature"}, **formulas
    )
    point = interpolated.initial_point()
    point["a_x"] = np.full_like(point["a_x"], 0.3)  # a spread over the trials
    per_trial = [
        m.compile_logp(vars=[m["obs"]], sum=False)(point)[0] for m in (interpolated, quadrature)
    ]
    np.testing.assert_allclose(per_trial[0], per_trial[1], atol=2e-4)


def test_interpolation_needs_known_rows():
    import pymc as pm

    with pm.Model(), pytest.raises(ValueError, match="give rows too"):
        ssmlan.pymc.SSM(
            "obs",
            "ddm",
            observed=np.array([[0.5, 1.0]]),
            v=0.5,
            a=1.0,
            z=0.5,
            t=0.2,
            normalizer=AlongParameter("a", np.zeros(1, dtype=int)),
        )


@pytest.mark.parametrize(
    "group_of_row, nodes, message",
    [
        (np.array([0.0, 1.0]), 8, "number each parameter row"),
        (np.array([0, -1]), 8, "number each parameter row"),
        (np.array([0]), 8, "group_of_row has 1 entries; the trials have 2 parameter rows"),
        (np.array([0, 1]), 1, "nodes must be at least 2"),
    ],
)
def test_bad_groups_or_nodes_are_refused(group_of_row, nodes, message):
    pairs = RowPairs.of(np.array([0, 1]), np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=message):
        ChebyshevCorrection(None, None, 1, pairs, group_of_row, (-1, 1), nodes)


def test_the_quadrature_count_is_one_per_group_node_and_choice():
    along = AlongParameter("a", np.array([0, 0, 1, 2, 2]), nodes=5)
    assert along.quadratures() == 3 * 5 * 2
