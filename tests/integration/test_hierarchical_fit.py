"""A reduced hierarchical fit of the Cavanagh data: the default network likelihood (the compact
LAN, `ssmlan.model`'s choice for designs with group terms) agrees with the analytic one."""

import numpy as np
import pytest

from ssmlan.datasets import cavanagh_theta
from ssmlan.models import get_model
from ssmlan.pymc.regression import model
from ssmlan.pymc.sampling import sample
from ssmlan.pymc.ssm import observed_ssms

SPEC = get_model("ddm")
FORMULAS = {name: "1 + (1|participant_id)" for name in ("v", "a", "t")}
PARTICIPANTS = [1, 4, 8, 12]  # 4 of the 14, 1120 trials


def _fit(data, likelihood: str):
    pymc_model = model(data, "ddm", likelihood=likelihood, route="jax", z=0.5, **FORMULAS)
    idata = sample(pymc_model, "nutpie", 600, 400, 2, 11, log_likelihood=False)
    return pymc_model, idata.posterior


def _participants(posterior) -> dict[str, np.ndarray]:
    """Draws (chain, draw, participant) of each participant's v, a, t through the link."""
    return {
        name: SPEC.param(name).to_box(
            posterior[f"{name}_Intercept"].values[..., None]
            + posterior[f"{name}_1|participant_id"].values
        )
        for name in FORMULAS
    }


def _diff_sd(network: np.ndarray, analytic: np.ndarray) -> np.ndarray:
    axes = (0, 1)
    return np.abs(network.mean(axis=axes) - analytic.mean(axis=axes)) / analytic.std(axis=axes)


@pytest.mark.slow
def test_a_reduced_hierarchical_fit_agrees_with_the_analytic_one():
    data = cavanagh_theta()
    data = data[data["participant_id"].isin(PARTICIPANTS)].reset_index(drop=True)
    network_model, network = _fit(data, "network")
    (record,) = observed_ssms(network_model).values()
    assert record.lan == "ddm_compact_lan"
    _, analytic = _fit(data, "analytic")
    # Group means (eta scale): within 0.3 analytic SD (the benchmark's target is 0.2 at 2 x 1000
    # draws; 2 x 600 adds Monte Carlo error of about 0.1 SD to the difference).
    group = {
        name: float(
            _diff_sd(network[f"{name}_Intercept"].values, analytic[f"{name}_Intercept"].values)
        )
        for name in FORMULAS
    }
    print("group means, |diff| / analytic SD:", group)
    assert max(group.values()) < 0.3, group
    # Participants' parameters on their own scale: median within 0.25 SD, max within 0.5.
    by_participant = _participants(network), _participants(analytic)
    diffs = np.concatenate([_diff_sd(by_participant[0][n], by_participant[1][n]) for n in FORMULAS])
    print("participants, |diff| / analytic SD:", np.round(diffs, 3))
    assert np.median(diffs) < 0.25 and diffs.max() < 0.5, diffs
