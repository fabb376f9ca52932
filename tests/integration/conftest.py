"""Shared fixtures for the integration tests."""

import pytest

from ssmlan.networks import load_network


class ShiftedLAN:
    """The shipped ddm LAN evaluated ``shift`` seconds late: a broken likelihood on purpose."""

    def __init__(self, shift: float = 0.06):
        self.inner, self.shift = load_network("ddm", "lan"), shift
        self.spec = self.inner.spec

    def logp_xp(self, theta, rt, choice, xp):
        return self.inner.logp_xp(theta, rt - self.shift, choice, xp)


@pytest.fixture
def shifted_lan() -> ShiftedLAN:
    """A ddm LAN shifted by 60 ms in t, which the checks must reject."""
    return ShiftedLAN(0.06)
