"""A trained LAN or CPN: weights, input scaling and the model it belongs to.

LAN: ``(params..., rt, choice) -> log p(rt, choice | params)``, floored at `LOG_DENSITY_FLOOR`
and ``-inf`` where ``rt`` is below the smallest possible rt (the non-decision time). The
non-decision time ``t`` only shifts the rt distribution, so the LAN never sees ``t`` itself: its
inputs are the other parameters, ``log(rt - t)`` and the choice (`lan_features`), which makes
the shift exact and leaves the network one dimension fewer to learn. CPN:
``params -> logit P(choice = +1)`` for two-choice models. ``a`` is half the boundary separation
(ssm-simulators convention), as everywhere in ssmlan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from ssmlan.models import ModelSpec
from ssmlan.networks.mlp import Layers, forward
from ssmlan.training_data.config import LOG_DENSITY_FLOOR

KINDS = ("lan", "cpn")
#: Decision times ``rt - t`` below this are clipped in the LAN's input; every density in the
#: registry's boxes is at the floor there.
MIN_DECISION_TIME = 1e-4
SHIFT_PARAM = "t"


def lan_features(spec: ModelSpec, theta: Any, rt: Any, choice: Any, xp: ModuleType = np) -> Any:
    """LAN inputs per trial: the parameters except ``t``, ``log(rt - t)`` and the choice.

    ``theta`` is ``(n_trials, n_params)``; rows with ``rt <= t`` get the clipped decision time
    (callers mask them).
    """
    if SHIFT_PARAM not in spec.param_names:
        raise ValueError(f"Model {spec.name!r} has no non-decision time {SHIFT_PARAM!r}.")
    shift = spec.param_names.index(SHIFT_PARAM)
    log_decision = xp.log(xp.maximum(rt - theta[:, shift], MIN_DECISION_TIME))
    parts = [theta[:, :shift]] + ([theta[:, shift + 1 :]] if shift + 1 < spec.n_params else [])
    return xp.concatenate([*parts, log_decision[:, None], choice[:, None]], axis=1)


def check_in_box(spec: ModelSpec, theta: np.ndarray) -> None:
    """Raise if any parameter lies outside the training box (no silent extrapolation)."""
    for j, p in enumerate(spec.params):
        column = theta[..., j]
        bad = ~((column >= p.lower) & (column <= p.upper))
        if np.any(bad):
            value = float(np.asarray(column)[np.argmax(bad)])
            raise ValueError(
                f"Parameter {p.name!r} = {value!r} is outside the network's training box "
                f"[{p.lower:g}, {p.upper:g}] for model {spec.name!r}; the network would "
                "extrapolate. Keep parameters (and priors) inside the box."
            )


@dataclass(frozen=True)
class Network:
    """A trained network; build with `ssmlan.networks.load_network`."""

    spec: ModelSpec
    kind: str
    layers: Layers
    activation: str
    input_offset: np.ndarray
    input_scale: np.ndarray
    meta: dict = field(default_factory=dict, compare=False)

    def raw(self, features: Any, xp: ModuleType = np) -> Any:
        """Network output for unscaled features (last axis), in namespace ``xp``.

        Computed in float32, the precision the network was trained in (float64 inputs, as PyMC
        passes them, would double the cost for no gain in accuracy).
        """
        features = features.astype("float32")
        return forward(
            self.layers, (features - self.input_offset) / self.input_scale, self.activation, xp
        )

    def logp_xp(self, theta: Any, rt: Any, choice: Any, xp: ModuleType) -> Any:
        """LAN log-likelihood per trial; ``theta`` is ``(n_trials, n_params)``."""
        features = lan_features(self.spec, theta, rt, choice, xp)
        out = xp.maximum(self.raw(features, xp), LOG_DENSITY_FLOOR)
        t = theta[:, self.spec.param_names.index(SHIFT_PARAM)]
        return xp.where(rt > t, out, -np.inf)

    def choice_logp_xp(self, theta: Any, choice: Any, xp: ModuleType) -> Any:
        """CPN log P(choice) per row, stable for large logits (log-sigmoid)."""
        logit = self.raw(theta, xp)
        signed = xp.where(choice > 0, logit, -logit)
        return -(xp.log1p(xp.exp(-xp.abs(signed))) + xp.maximum(-signed, 0.0))

    def _theta_matrix(self, theta: Any, n: int) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float32)
        if theta.shape[-1] != self.spec.n_params:
            raise ValueError(
                f"theta must have {self.spec.n_params} columns ({', '.join(self.spec.param_names)})"
                f"; got shape {theta.shape}."
            )
        matrix = np.broadcast_to(theta, (n, self.spec.n_params)) if theta.ndim == 1 else theta
        if len(matrix) != n:
            raise ValueError(
                f"theta has {len(matrix)} rows for {n} trials; pass one row per "
                "trial or a single shared vector."
            )
        check_in_box(self.spec, matrix)
        return matrix

    def logp(self, theta: Any, rt: Any, choice: Any) -> np.ndarray:
        """LAN log-likelihood per trial (NumPy); theta shared (vector) or per trial (rows)."""
        self._require("lan")
        rt = np.asarray(rt, dtype=np.float32).ravel()
        choice = np.asarray(choice, dtype=np.float32).ravel()
        return self.logp_xp(self._theta_matrix(theta, len(rt)), rt, choice, np)

    def choice_prob(self, theta: Any) -> np.ndarray:
        """CPN probability of choice +1 for each row of ``theta`` (NumPy)."""
        self._require("cpn")
        theta = np.atleast_2d(np.asarray(theta, dtype=np.float32))
        matrix = self._theta_matrix(theta, len(theta))
        return np.exp(self.choice_logp_xp(matrix, np.ones(len(matrix)), np))

    def _require(self, kind: str) -> None:
        if self.kind != kind:
            raise TypeError(f"This is a {self.kind.upper()}; the call needs a {kind.upper()}.")
