"""ssmlan: Bayesian inference for sequential sampling models with simulator-learned likelihoods.

Convention everywhere: ``a`` is half the boundary separation (boundaries at ``-a`` and ``+a``),
the process starts at ``-a + 2az``, choice ``+1`` is the upper boundary (ssm-simulators'
convention).
"""

from ssmlan.jax_devices import use_all_cpu_cores

use_all_cpu_cores()  # before JAX starts: lets NumPyro run chains in parallel on CPU

from ssmlan.constants import VERSION as __version__  # noqa: E402
from ssmlan.models import get_model, list_models  # noqa: E402
from ssmlan.simulate import Simulations, simulate  # noqa: E402

__all__ = [
    "Simulations",
    "__version__",
    "get_model",
    "list_models",
    "load_network",
    "model",
    "predictive",
    "simulate",
]


def __getattr__(name: str):
    """``ssmlan.load_network``, ``ssmlan.model`` and ``ssmlan.predictive`` without importing
    JAX and PyMC for users who only simulate."""
    if name == "load_network":
        from ssmlan.networks import load_network

        return load_network
    if name == "model":
        from ssmlan.pymc.regression import model

        return model
    if name == "predictive":
        from ssmlan.pymc.predictive import predictive

        return predictive
    raise AttributeError(f"module 'ssmlan' has no attribute {name!r}")
