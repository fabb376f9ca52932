"""What a network learns: one `Objective` per kind, a NamedTuple of pure functions.

LAN: inputs are the parameters except the shift, the log decision time and the choice
(`lan_features`); labels are log-likelihoods; Huber loss. Rows below the smallest rt are
dropped (the likelihood is ``-inf`` there and the network is never asked). CPN: inputs are the
parameters; labels are P(choice = +1) of two-choice models; sigmoid cross-entropy on logits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import optax

from ssmlan.models import ModelSpec
from ssmlan.networks.network import (
    Network,
    calibrate_mass_nodes,
    lan_features,
    lan_input_names,
)

#: ``(data, spec) -> (features, labels, set_id)``; ``set_id`` is each row's parameter set.
ArraysFn = Callable[[dict, ModelSpec], tuple[np.ndarray, np.ndarray, np.ndarray]]


class Objective(NamedTuple):
    """How one kind of network is fed, scaled, scored and described."""

    #: "lan" or "cpn" (`Network.kind`).
    kind: str
    #: What the network's output is (stored in the metadata).
    output: str
    #: Features, labels and parameter-set id of each training row, from a data set.
    arrays: ArraysFn
    #: ``(spec, features) -> (offset, scale)`` of each input (float32).
    input_scaling: Callable[[ModelSpec, np.ndarray], tuple[np.ndarray, np.ndarray]]
    #: ``(prediction, label) -> mean loss``; traceable by JAX.
    loss: Callable[[Any, Any], Any]
    #: Names of the network's inputs, in order.
    input_names: Callable[[ModelSpec], list[str]]
    #: Metadata computed from the trained network (merged into its ``meta``).
    calibrate: Callable[[Network], dict]


def _box_scaling(spec: ModelSpec) -> tuple[np.ndarray, np.ndarray]:
    """Offset and scale that map each parameter's box to [-1, 1]."""
    return (spec.lower + spec.upper) / 2, (spec.upper - spec.lower) / 2


def _lan_arrays(data: dict, spec: ModelSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_sets = len(data["theta"])
    per_set = len(data["lan_labels"]) // max(n_sets, 1)
    raw = data["lan_features"]
    theta, rt, choice = raw[:, : spec.n_params], raw[:, -2], raw[:, -1]
    above = rt > spec.smallest_rt(theta)
    features = lan_features(spec, theta[above], rt[above], choice[above])
    return (
        features.astype(np.float32),
        data["lan_labels"][above].astype(np.float32),
        np.repeat(np.arange(n_sets), per_set)[above],
    )


def _lan_scaling(spec: ModelSpec, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parameters (less the shift) to [-1, 1], the log decision time (and the collapse clock)
    standardised, the choice (+-1) left as it is."""
    offset, scale = (spec.without_shift(a) for a in _box_scaling(spec))
    times = x[:, len(offset) : -1]
    offset = np.concatenate([offset, times.mean(axis=0), [0.0]])
    scale = np.concatenate([scale, times.std(axis=0), [1.0]])
    return offset.astype(np.float32), scale.astype(np.float32)


def _cpn_arrays(data: dict, spec: ModelSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if data["cpn_probs"].shape[1] != 2:
        raise ValueError("CPNs are for two-choice models (logit of P(choice = +1)).")
    return (
        data["theta"].astype(np.float32),
        data["cpn_probs"][:, 1].astype(np.float32),
        np.arange(len(data["theta"])),
    )


def _cpn_scaling(spec: ModelSpec, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parameters to [-1, 1]."""
    offset, scale = _box_scaling(spec)
    return offset.astype(np.float32), scale.astype(np.float32)


LAN = Objective(
    kind="lan",
    output="log-likelihood (floored at log(1e-7))",
    arrays=_lan_arrays,
    input_scaling=_lan_scaling,
    loss=lambda pred, y: optax.huber_loss(pred, y, delta=1.0).mean(),
    input_names=lan_input_names,
    calibrate=lambda net: {"mass_nodes": calibrate_mass_nodes(net)},
)

CPN = Objective(
    kind="cpn",
    output="logit P(choice=+1)",
    arrays=_cpn_arrays,
    input_scaling=_cpn_scaling,
    loss=lambda pred, y: optax.sigmoid_binary_cross_entropy(pred, y).mean(),
    input_names=lambda spec: list(spec.param_names),
    calibrate=lambda net: {},
)

OBJECTIVES: dict[str, Objective] = {o.kind: o for o in (LAN, CPN)}


def get_objective(kind: str) -> Objective:
    """The objective of ``kind``; an unknown kind lists the valid ones."""
    try:
        return OBJECTIVES[kind]
    except (KeyError, TypeError):
        valid = ", ".join(repr(k) for k in OBJECTIVES)
        raise ValueError(f"kind must be one of {valid}; got {kind!r}.") from None
