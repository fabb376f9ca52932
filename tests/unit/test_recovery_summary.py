"""`summarise_recovery`: R^2, coverage and posterior width against numbers computed by hand."""

import numpy as np
import pytest

from ssmlan.checks.recovery import summarise_recovery
from ssmlan.models import get_model


def _fit(truth: np.ndarray, mean: np.ndarray, sd: float) -> dict:
    names = get_model("ddm").param_names
    posterior = {
        name: {"mean": m, "sd": sd, "q05": m - 1.645 * sd, "q25": m - 0.674 * sd,
               "q75": m + 0.674 * sd, "q95": m + 1.645 * sd}
        for name, m in zip(names, mean, strict=True)
    }  # fmt: skip
    return {"truth": truth.tolist(), "posterior": posterior}


def test_recovery_summary_matches_hand_computed_numbers():
    spec = get_model("ddm")
    rng = np.random.default_rng(0)
    truths = spec.sample_in_box(40, rng)
    means = truths + rng.normal(0.0, 0.05, truths.shape)
    sd = 0.05
    summary = summarise_recovery(
        "ddm", [_fit(x, m, sd) for x, m in zip(truths, means, strict=True)]
    )
    for j, name in enumerate(spec.param_names):
        r2 = 1 - np.sum((truths[:, j] - means[:, j]) ** 2) / np.sum(
            (truths[:, j] - truths[:, j].mean()) ** 2
        )
        inside90 = np.abs(truths[:, j] - means[:, j]) <= 1.645 * sd
        assert summary[name]["r2"] == pytest.approx(r2, rel=1e-12)
        assert summary[name]["coverage_90"] == pytest.approx(inside90.mean())
        assert summary[name]["posterior_sd_mean"] == pytest.approx(sd)
        prior_sd = (spec.upper[j] - spec.lower[j]) / np.sqrt(12)
        assert summary[name]["sd_ratio_to_prior"] == pytest.approx(sd / prior_sd, rel=1e-12)


def test_an_uninformed_parameter_shows_as_a_posterior_as_wide_as_its_prior():
    spec = get_model("ddm")
    prior_sd = (spec.upper - spec.lower) / np.sqrt(12)
    rng = np.random.default_rng(1)
    truths = spec.sample_in_box(20, rng)
    centre = (spec.upper + spec.lower) / 2  # posterior = prior: mean at the centre, prior SD
    fits = [_fit(x, centre, 1.0) for x in truths]
    for f in fits:
        for j, name in enumerate(spec.param_names):
            f["posterior"][name]["sd"] = float(prior_sd[j])
    summary = summarise_recovery("ddm", fits)
    for name in spec.param_names:
        assert summary[name]["sd_ratio_to_prior"] == pytest.approx(1.0)
        assert summary[name]["r2"] < 0.0  # the centre predicts worse than the truths' mean
