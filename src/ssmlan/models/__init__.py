"""Model registry: typed declarations of every SSM (see `ssmlan.models.registry`)."""

from ssmlan.models.registry import MODELS, get_model, list_models, register
from ssmlan.models.spec import Boundary, Domain, Kernel, ModelSpec, Noise, Param, Role, Slot

__all__ = [
    "MODELS",
    "Boundary",
    "Domain",
    "Kernel",
    "ModelSpec",
    "Noise",
    "Param",
    "Role",
    "Slot",
    "get_model",
    "list_models",
    "register",
]
