"""PyMC models with SSM likelihoods (networks or analytic)."""

from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.ssm import SSM

__all__ = ["SSM", "box_model"]
