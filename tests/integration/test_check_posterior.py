"""`check posterior`: a reduced run, and a broken network that the check must catch."""

import pytest

from ssmlan.checks.posterior_agreement import fit_pair, summarise
from ssmlan.checks.runner import FitJob


@pytest.mark.slow
def test_reduced_check_passes_and_writes_reports(tmp_path, run_check_cli):
    summary = run_check_cli("posterior", tmp_path, 2, 500, 300, workers=1)
    assert set(summary) == {"v", "a", "z", "t"}
    for name, row in summary.items():
        # Two data sets, short chains: the shipped LAN lands within ~1 posterior SD of the exact
        # posterior here (measured); 3 SD separates it from the broken network below (> 5 SD).
        assert row["mean_abs_diff_sd"] < 3.0, name
        assert 0.2 < row["sd_ratio"] < 5.0, name
    assert (tmp_path / "agreement.png").exists()


@pytest.mark.slow
def test_a_shifted_network_fails_the_check(shifted_lan):
    fits = [fit_pair(FitJob("ddm", 0, 500, 300, 300, 0, lan=shifted_lan))]
    summary = summarise("ddm", fits)
    assert summary["t"]["mean_abs_diff_sd"] > 5.0  # t absorbs the 60 ms shift: many SDs off
    assert not summary["t"]["passed"]
