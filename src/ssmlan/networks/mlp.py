"""The MLP: a Flax module for training, and one forward pass for NumPy, JAX and PyTensor.

Trained weights are exported as plain ``(kernel, bias)`` arrays; `forward` evaluates them with
any array namespace ``xp``, so the same function gives the NumPy API, the JAX likelihood and the
PyTensor graph with the weights as constants.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

import flax.linen as nn
import jax.numpy as jnp
import numpy as np

from ssmlan.networks.train_config import ACTIVATIONS

Layers = tuple[tuple[np.ndarray, np.ndarray], ...]


def activate(name: str, x: Any, xp: ModuleType) -> Any:
    """Apply the activation called ``name`` with namespace ``xp``."""
    if name == "tanh":
        return xp.tanh(x)
    if name == "relu":
        return xp.maximum(x, 0.0)
    if name == "softplus":
        return xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(x, 0.0)
    raise ValueError(f"Unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}.")


class MLP(nn.Module):
    """Dense layers of sizes ``hidden`` with ``activation``, then one linear output."""

    hidden: Sequence[int]
    activation: str = "tanh"

    @nn.compact
    def __call__(self, x: jnp.ndarray) -> jnp.ndarray:
        for size in self.hidden:
            x = activate(self.activation, nn.Dense(size)(x), jnp)
        return nn.Dense(1)(x)[..., 0]


def export_layers(params: dict) -> Layers:
    """Flax parameters -> ``((kernel, bias), ...)`` NumPy arrays in layer order."""
    dense = params["params"]
    names = sorted(dense, key=lambda name: int(name.split("_")[-1]))
    return tuple(
        (np.asarray(dense[n]["kernel"], np.float32), np.asarray(dense[n]["bias"], np.float32))
        for n in names
    )


def forward(layers: Layers, x: Any, activation: str, xp: ModuleType = np) -> Any:
    """The MLP's output for inputs ``x`` (last axis: features), in namespace ``xp``."""
    for kernel, bias in layers[:-1]:
        x = activate(activation, xp.dot(x, kernel) + bias, xp)
    kernel, bias = layers[-1]
    return (xp.dot(x, kernel) + bias)[..., 0]
