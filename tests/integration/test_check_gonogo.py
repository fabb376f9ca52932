"""`check gonogo`: withheld presses narrow the posterior of v; a reduced run writes reports."""

import pytest

from ssmlan.checks.gonogo_information import fit_gonogo
from ssmlan.checks.runner import FitJob


@pytest.mark.slow
def test_withheld_presses_narrow_v_and_a_shifted_network_misses_t(shifted_lan):
    # Data set 1: v = -0.18, a = 1.42, t = 1.82; near v = 0 the press rates carry most of what
    # is known of v. (Data set 0, v = -2.2 with hardly any errors, has a posterior ridge in
    # v and a that runs into the box edge with or without the withheld trials.)
    fit = fit_gonogo(FitJob("ddm", 1, 600, 300, 300, 0))
    with_, without = fit["with_withheld"], fit["without_withheld"]
    assert with_["v"]["sd"] < without["v"]["sd"]
    for name, truth in fit["truth"].items():
        assert abs(with_[name]["mean"] - truth) < 4 * with_[name]["sd"]
    shifted_lan.shift = 0.12  # t's posterior SD is about 0.03 s here: 60 ms would be 2 SDs
    broken = fit_gonogo(FitJob("ddm", 1, 600, 300, 300, 0, lan=shifted_lan))["with_withheld"]["t"]
    assert abs(broken["mean"] - fit["truth"]["t"]) > 4 * broken["sd"]


@pytest.mark.slow
def test_reduced_gonogo_check_writes_reports(tmp_path, run_check_cli):
    summary = run_check_cli("gonogo", tmp_path, 2, 300, 200, workers=1)
    assert set(summary) == {"v", "a", "t"}
    assert {"sd_ratio_mean", "coverage90_with_withheld"} <= set(summary["v"])
    assert (tmp_path / "information.png").exists()
