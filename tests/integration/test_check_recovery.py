"""`check recovery`: a reduced run, and a broken network whose t is visibly off."""

import numpy as np
import pytest

from ssmlan.checks.recovery import fit_one
from ssmlan.checks.runner import FitJob


@pytest.mark.slow
def test_reduced_recovery_writes_reports_and_recovers_t(tmp_path, run_check_cli):
    summary = run_check_cli("recovery", tmp_path, 2, 500, 300, workers=1)
    assert set(summary) == {"v", "a", "z", "t"}
    # t is pinned by the fastest rts: within 30 ms of the truth for a working network.
    assert summary["t"]["mean_abs_error"] < 0.03
    assert (tmp_path / "recovery.png").exists()


@pytest.mark.slow
def test_a_shifted_network_misplaces_t(shifted_lan):
    fit = fit_one(FitJob("ddm", 0, 500, 300, 300, 0, lan=shifted_lan))
    error = abs(fit["posterior"]["t"]["mean"] - fit["truth"][3])
    assert error > 0.04  # the 60 ms shift moves t by about that much
    assert not fit["posterior"]["t"]["q05"] <= fit["truth"][3] <= fit["posterior"]["t"]["q95"]
    assert np.isfinite(fit["posterior"]["v"]["mean"])
