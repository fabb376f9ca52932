"""`check sbc`: a reduced run, and a broken network whose t ranks pile up at the top."""

import json

import pytest

from ssmlan.checks.calibration import N_RANK_DRAWS, fit_ranks
from ssmlan.checks.runner import FitJob


@pytest.mark.slow
def test_reduced_sbc_writes_reports(tmp_path, run_check_cli):
    summary = run_check_cli("sbc", tmp_path, 10, 200, 200, workers=2)
    assert set(summary) == {"v", "a", "z", "t"}
    assert all(sum(summary[p]["counts"]) == 10 for p in summary)
    # Ten data sets cannot show a small miscalibration, but a working network does not put the
    # truth outside the posterior every time.
    fits = json.loads((tmp_path / "fits.json").read_text())
    for p in "vazt":
        ranks = [f["ranks"][p] for f in fits]
        assert sum(r in (0, N_RANK_DRAWS) for r in ranks) <= 3
    assert (tmp_path / "ranks.png").exists()


@pytest.mark.slow
def test_a_shifted_network_ranks_t_at_the_top(shifted_lan):
    # The network sees every rt 60 ms early, so the posterior of t lies below the truth.
    ranks = [
        fit_ranks(FitJob("ddm", i, 300, 200, 200, 0, lan=shifted_lan))["ranks"]["t"] for i in (2, 5)
    ]
    # About 2 posterior SDs of t at 300 trials; a calibrated network gives both >= 80 with
    # probability 0.04.
    assert min(ranks) >= 80


@pytest.mark.slow
def test_the_analytic_control_ranks_the_truth_inside():
    fit = fit_ranks(FitJob("ddm", 5, 300, 200, 200, 0, likelihood="analytic"))
    assert all(0 < r < N_RANK_DRAWS for r in fit["ranks"].values())
