"""PyMC models with SSM likelihoods (networks or analytic)."""

from ssmlan.pymc.ssm import SSM

__all__ = ["SSM"]
