"""A trained LAN or CPN: weights, input scaling and the model it belongs to.

LAN: ``(params..., rt, choice) -> log p(rt, choice | params)``, floored at `LOG_DENSITY_FLOOR`
and ``-inf`` where ``rt`` is below the smallest possible rt (the non-decision time). The
non-decision time ``t`` only shifts the rt distribution, so the LAN never sees ``t`` itself: its
inputs are the other parameters, ``log(rt - t)`` and the choice (`lan_features`), which makes
the shift exact and leaves the network one dimension fewer to learn. CPN:
``params -> logit P(choice = +1)`` for two-choice models. Normaliser: ``(params, choice) ->`` the
per-choice correction of one LAN and CPN pair (`ssmlan.networks.normalizer`). ``a`` is half the
boundary separation (ssm-simulators convention), as everywhere in ssmlan.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np

from ssmlan.constants import LOG_DENSITY_FLOOR, MAX_T, MIN_DECISION_TIME
from ssmlan.models import ModelSpec
from ssmlan.networks.mlp import Layers, forward

KINDS = ("lan", "cpn", "normalizer")
#: The LAN's mass per choice is integrated over ``u = log(rt - t)`` from ``MIN_DECISION_TIME``
#: to the longest decision time of its training simulations (``max_t``, `Network.mass_horizon`;
#: the LAN never saw a label past it, and simulated choice proportions count only trials
#: decided by then), or to the time the boundary closes if that is earlier (angle: every trial
#: has ended by then, and the density's cliff there would otherwise need hundreds of nodes), by
#: Gauss-Legendre. Where the model declares a fast-edge bound the integral starts at its onset
#: (`ModelSpec.decision_onset`) instead: the nodes go where decisions happen, and 32 do what 64
#: did from the smallest decision time (ddm; `tests/unit/test_fast_edge.py`). The number of
#: nodes is chosen per network when it is trained (`calibrate_mass_nodes`, stored as
#: ``mass_nodes`` in its metadata). A network whose metadata names no training ``max_t`` ends
#: at ``MAX_T``.
MASS_NODE_CHOICES = (16, 32, 64, 128, 256, 512)
#: Nodes for a network whose metadata names no calibrated count.
DEFAULT_MASS_NODES = 64
#: Largest accepted change of a mass (probability units) when the node count doubles.
MASS_TOLERANCE = 1e-3
#: Log density below which a LAN's density gives way to the fast-edge bracket
#: (`Network.with_fast_edge`): 1e-2, above which the ddm LAN's own mean error is at most 0.08
#: log units (`benchmarks/fast_edge_error.py`), so the switch does not make the density dip
#: (`benchmarks/fast_edge_profiles.py`; the history is in the CHANGELOG). And the logistic
#: switch's width there.
FAST_EDGE_LEVEL = float(np.log(1e-2))
FAST_EDGE_WIDTH = 0.5


def mass_rule(nodes: int, horizon: Any, xp: ModuleType = np, start: Any = None) -> tuple[Any, Any]:
    """Gauss-Legendre nodes in ``u = log(rt - t)`` and log weights including ``du = drt / rt``,
    per row of ``horizon`` (the largest decision time, s): arrays of shape ``(rows, nodes)``.
    ``start`` (per row, s): integrate from that decision time instead of from the smallest."""
    x, w = (a.astype(np.float32) for a in np.polynomial.legendre.leggauss(nodes))
    lo = np.float32(np.log(MIN_DECISION_TIME))
    if start is not None:
        lo = xp.log(xp.maximum(start, MIN_DECISION_TIME))[:, None]
    hi = xp.log(horizon)[:, None]
    u = lo + (x[None, :] + 1.0) / 2.0 * (hi - lo)
    return u, np.log(w)[None, :] + xp.log((hi - lo) / 2.0) + u


def lan_inputs(spec: ModelSpec, theta: Any, log_decision: Any, choice: Any, xp: ModuleType) -> Any:
    """LAN inputs ``(rows, k, width)`` at ``k`` log decision times per row: the parameters
    except the shift, the log decision time, the boundary's collapse clock where it declares
    one (`ModelSpec.collapse_clock`), and the choice. ``theta`` is ``(rows, n_params)``,
    ``log_decision`` ``(rows, k)``, ``choice`` ``(rows,)``."""
    rows, k = theta.shape[0], log_decision.shape[1]
    others = spec.without_shift(theta, xp)
    log_decision = xp.broadcast_to(log_decision, (rows, k))
    columns = [xp.broadcast_to(others[:, None, :], (rows, k, others.shape[1])), log_decision]
    if spec.has_collapse_clock:
        columns.append(spec.collapse_clock(theta, log_decision, xp))
    columns.append(xp.broadcast_to(choice[:, None], (rows, k)))
    return xp.concatenate([c if c.ndim == 3 else c[:, :, None] for c in columns], axis=2)


def lan_features(spec: ModelSpec, theta: Any, rt: Any, choice: Any, xp: ModuleType = np) -> Any:
    """LAN inputs per trial (`lan_inputs`) at the log decision time ``log(rt - smallest rt)``
    (`ModelSpec.smallest_rt`).

    ``theta`` is ``(n_trials, n_params)``; rows below the smallest rt get the clipped decision
    time (callers mask them).
    """
    log_decision = xp.log(xp.maximum(rt - spec.smallest_rt(theta, xp), MIN_DECISION_TIME))
    return lan_inputs(spec, theta, log_decision[:, None], choice, xp)[:, 0, :]


def lan_input_names(spec: ModelSpec) -> list[str]:
    """Names of a LAN's inputs, in order (see `lan_inputs`)."""
    clock = ["collapse clock"] if spec.has_collapse_clock else []
    return [*spec.names_without_shift, f"log(rt - {spec.shift.name})", *clock, "choice"]


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
    """A trained network; build with `ssmlan.networks.load_network`.

    ``members``: the weights of one MLP or of an ensemble of MLPs trained alike from different
    seeds; the output is the members' mean (their errors are partly independent, so it is
    more accurate than any one of them).
    """

    spec: ModelSpec
    kind: str
    members: tuple[Layers, ...]
    activation: str
    input_offset: np.ndarray
    input_scale: np.ndarray
    meta: dict = field(default_factory=dict, compare=False)

    def raw(self, features: Any, xp: ModuleType = np) -> Any:
        """Network output for unscaled features (last axis), in namespace ``xp``.

        Computed in float32, the precision the network was trained in (float64 inputs, as PyMC
        passes them, would double the cost for no gain in accuracy).
        """
        scaled = (features.astype("float32") - self.input_offset) / self.input_scale
        total = forward(self.members[0], scaled, self.activation, xp)
        for layers in self.members[1:]:
            total = total + forward(layers, scaled, self.activation, xp)
        return total / len(self.members) if len(self.members) > 1 else total

    @property
    def mass_horizon(self) -> float:
        """Longest decision time (s) in the training simulations: where the LAN's mass ends."""
        config = self.meta.get("data", {}).get("generator_config", {})
        return float(config.get("max_t", MAX_T))

    def logp_xp(self, theta: Any, rt: Any, choice: Any, xp: ModuleType) -> Any:
        """LAN log-likelihood per trial; ``theta`` is ``(n_trials, n_params)``.

        Floored at ``LOG_DENSITY_FLOOR``, then continued along the model's fast-edge bound
        where it declares one (`with_fast_edge`).
        """
        spec = self.spec
        smallest = spec.smallest_rt(theta, xp)
        features = lan_features(spec, theta, rt, choice, xp)
        out = xp.maximum(self.raw(features, xp), LOG_DENSITY_FLOOR)
        tau = xp.maximum(rt - smallest, MIN_DECISION_TIME)
        out = self.with_fast_edge(out, tau, choice, spec.by_name(theta), xp)
        return xp.where(rt > smallest, out, -np.inf)

    def with_fast_edge(self, out: Any, tau: Any, choice: Any, by_name: dict, xp: ModuleType) -> Any:
        """The floored LAN density ``out`` at decision times ``tau`` with the model's fast edge
        (`ModelSpec.fast_edge_logp`, an upper bound of the density tight at short ``tau``):

        * below the floor, the density continues along the bound,
          ``max(lan, floor) + min(0, bound - floor)``;
        * where the bound is below `FAST_EDGE_LEVEL` (a density the KDE labels estimate from a
          handful of simulations, or from none), the density is clipped under the bound and,
          where the model declares one (`ModelSpec.fast_edge_log_gap`), above the lower end of
          the bracket: the LAN was up to 6 log units too low there (docs/networks.md). The
          switch is smooth (a logistic weight of width `FAST_EDGE_WIDTH` in the log bound).

        Densities well above the level are the LAN's own.
        """
        spec = self.spec
        if spec.fast_edge_logp is None:
            return out
        bound = spec.fast_edge_logp(tau, choice, **by_name, xp=xp)
        out = out + xp.minimum(bound - LOG_DENSITY_FLOOR, 0.0)
        clipped = xp.minimum(out, bound)
        if spec.fast_edge_log_gap is not None:
            gap = spec.fast_edge_log_gap(tau, choice, **by_name, xp=xp)
            clipped = xp.maximum(clipped, bound + gap)
        weight = 0.5 - 0.5 * xp.tanh((bound - FAST_EDGE_LEVEL) / (2.0 * FAST_EDGE_WIDTH))
        return out + weight * (clipped - out)

    def log_mass_xp(
        self, theta: Any, choice: Any, xp: ModuleType, nodes: int = 0, after: Any = None
    ) -> Any:
        """LAN: ``log ∫ exp(logp(rt, choice)) drt`` per row of ``theta`` (``choice`` per row).

        The exact density's mass is ``P(choice)``; the LAN's is off by its approximation error.
        The shift only moves the density, so the mass does not depend on it. ``nodes``: of the
        quadrature (default: the network's calibrated ``mass_nodes``). ``after`` (decision time
        per row, s): the mass of the decisions after it only (``-inf`` past the horizon), for
        trials censored at a deadline.
        """
        nodes = nodes or self.meta.get("mass_nodes", DEFAULT_MASS_NODES)
        horizon = np.float32(self.mass_horizon)
        closes = self.spec.closing_time(theta, xp)
        ends = np.full(1, horizon) if closes is None else xp.minimum(closes, horizon)
        onset = self.spec.decision_onset(theta, choice, xp)
        starts = onset if after is None else after if onset is None else xp.maximum(after, onset)
        if starts is None:
            u, log_weight = mass_rule(nodes, ends, np if closes is None else xp)
        else:  # an empty interval past the end: kept ordered here, masked below
            starts = xp.maximum(starts, MIN_DECISION_TIME)
            u, log_weight = mass_rule(nodes, xp.maximum(ends, 1.001 * starts), xp, starts)
        features = lan_inputs(self.spec, theta, u, choice, xp)
        flat = self.raw(xp.reshape(features, (-1, features.shape[2])), xp)
        density = xp.reshape(xp.maximum(flat, LOG_DENSITY_FLOOR), (-1, nodes))
        by_name = self.spec.by_name(theta[:, :, None])
        density = self.with_fast_edge(density, xp.exp(u), choice[:, None], by_name, xp)
        log_terms = density + log_weight
        peak = xp.max(log_terms, axis=1)
        log_mass = peak + xp.log(xp.sum(xp.exp(log_terms - peak[:, None]), axis=1))
        return log_mass if after is None else xp.where(after < ends, log_mass, -np.inf)

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
        """LAN log-likelihood per trial (NumPy); theta shared (vector) or per trial (rows).
        Choices must be the model's (`ModelSpec.choices`), one per rt."""
        self._require("lan")
        rt = np.asarray(rt, dtype=np.float32).ravel()
        choice = np.asarray(choice, dtype=np.float32).ravel()
        if choice.shape != rt.shape:
            raise ValueError(f"Got {len(rt)} rts but {len(choice)} choices; pass one per trial.")
        bad = np.flatnonzero(~np.isin(choice, self.spec.choices))
        if len(bad):
            raise ValueError(
                f"choice[{bad[0]}] = {choice[bad[0]].item():g} is not a choice of model "
                f"{self.spec.name!r}; choices must be one of {list(self.spec.choices)}."
            )
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


def calibrate_mass_nodes(net: Network, n_points: int = 200, seed: int = 0) -> int:
    """Fewest quadrature nodes (of `MASS_NODE_CHOICES`) whose LAN masses change by at most
    `MASS_TOLERANCE` when the nodes double, on ``n_points`` parameter sets drawn in the box
    (both choices). The largest choice if none does."""
    spec = net.spec
    theta = spec.sample_in_box(n_points, np.random.default_rng(seed)).astype(np.float32)
    choices = np.where(np.arange(n_points) % 2 == 0, 1.0, -1.0).astype(np.float32)
    masses = {n: np.exp(net.log_mass_xp(theta, choices, np, nodes=n)) for n in MASS_NODE_CHOICES}
    for coarse, fine in itertools.pairwise(MASS_NODE_CHOICES):
        if np.max(np.abs(masses[coarse] - masses[fine])) <= MASS_TOLERANCE:
            return coarse
    return MASS_NODE_CHOICES[-1]
