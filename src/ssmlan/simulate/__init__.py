"""Fast, seeded simulators for every registered model."""

from ssmlan.simulate.api import Simulations, simulate

__all__ = ["Simulations", "simulate"]
