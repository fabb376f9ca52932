"""ssmlan: Bayesian inference for sequential sampling models with simulator-learned likelihoods.

Convention everywhere: ``a`` is half the boundary separation (boundaries at ``-a`` and ``+a``),
the process starts at ``-a + 2az``, choice ``+1`` is the upper boundary (ssm-simulators'
convention).
"""

from ssmlan.models import get_model, list_models
from ssmlan.simulate import Simulations, simulate

__version__ = "0.1.0"

__all__ = ["Simulations", "__version__", "get_model", "list_models", "simulate"]
