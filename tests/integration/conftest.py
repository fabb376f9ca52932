"""Shared fixtures for the integration tests."""

import json

import pytest

from ssmlan.cli import main
from ssmlan.networks import load_network


class ShiftedLAN:
    """The shipped ddm LAN evaluated ``shift`` seconds late: a broken likelihood on purpose."""

    def __init__(self, shift: float = 0.06):
        self.inner, self.shift = load_network("ddm", "lan"), shift
        self.spec = self.inner.spec

    def logp_xp(self, theta, rt, choice, xp):
        return self.inner.logp_xp(theta, rt - self.shift, choice, xp)

    def log_mass_xp(self, theta, choice, xp):
        return self.inner.log_mass_xp(theta, choice, xp)  # a shift in rt keeps the mass


@pytest.fixture
def shifted_lan() -> ShiftedLAN:
    """A ddm LAN shifted by 60 ms in t, which the checks must reject."""
    return ShiftedLAN(0.06)


def _run_check_cli(check: str, out, n_datasets: int, n_trials: int, draws: int, workers: int):
    """``ssmlan check <check>`` reduced (``draws`` also sets tune), run through the CLI;
    returns the summary it wrote to ``out``."""
    args = ["check", check, "--n-datasets", str(n_datasets), "--n-trials", str(n_trials)]
    args += ["--draws", str(draws), "--tune", str(draws), "--workers", str(workers)]
    assert main([*args, "--out", str(out)]) == 0
    return json.loads((out / "summary.json").read_text())


@pytest.fixture
def run_check_cli():
    """Runs a reduced check through the CLI and returns its summary (see `_run_check_cli`)."""
    return _run_check_cli
