"""Typed declaration of a sequential sampling model (one `ModelSpec` per model).

Conventions (shared with ssm-simulators so data and networks interoperate):
the evidence process starts at ``-a + 2 * a * z`` between boundaries at ``-b(t)`` and ``+b(t)``
with ``b(0) = a``; ``a`` is therefore *half* the boundary separation. Choice ``+1`` is the upper
boundary, ``-1`` the lower one. Race models report the index of the winning accumulator.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, IntEnum
from types import ModuleType
from typing import Any

import numpy as np


class Slot(IntEnum):
    """Position of a quantity in the simulator kernel's parameter row.

    Each model maps its own parameter names onto these slots, so one kernel serves all models.
    """

    V = 0  # drift rate (race models: first accumulator; see `race_slots`)
    A = 1  # boundary at time zero, half the boundary separation
    Z = 2  # relative starting point in (0, 1)
    T = 3  # non-decision time (s)
    SV = 4  # SD of the trial-to-trial drift (normal)
    SZ = 5  # half-width of the uniform start-point jitter, in evidence units
    ST = 6  # half-width of the uniform non-decision-time jitter (s)
    BOUNDARY_1 = 7  # first shape parameter of the boundary function
    BOUNDARY_2 = 8  # second shape parameter of the boundary function
    G = 9  # Ornstein-Uhlenbeck leak (positive pulls towards zero)
    NOISE_ALPHA = 10  # stability index of alpha-stable noise (2 = Gaussian)


N_SLOTS = len(Slot)

#: Values a slot takes when the model does not declare it: no variability, Gaussian noise.
SLOT_NEUTRAL = np.array([0.0, 1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 2.0])


class Role(Enum):
    """What a parameter does to the rt distribution, beyond feeding its kernel slot."""

    PLAIN = "plain"
    #: The non-decision time: it only shifts the rt distribution (a LAN never sees it; its
    #: input is the decision time ``rt - smallest rt``).
    SHIFT = "shift"
    #: Half-width of a uniform jitter of the shift: the smallest rt is ``shift - jitter``.
    SHIFT_JITTER = "shift_jitter"


class Noise(IntEnum):
    """Increment distribution of the evidence process."""

    GAUSSIAN = 0
    ALPHA_STABLE = 1


class Kernel(IntEnum):
    """Which compiled simulator family runs the model."""

    DIFFUSION = 0  # one accumulator between symmetric boundaries -b(t), +b(t)
    RACE = 1  # independent accumulators racing to a common upper boundary


@dataclass(frozen=True)
class Domain:
    """Values a parameter may take at all (wider than the training box), with open/closed ends."""

    lower: float = -np.inf
    upper: float = np.inf
    lower_open: bool = True
    upper_open: bool = True

    def contains(self, x: np.ndarray) -> np.ndarray:
        """Elementwise membership; NaN is never inside."""
        x = np.asarray(x, dtype=float)
        above = x > self.lower if self.lower_open else x >= self.lower
        below = x < self.upper if self.upper_open else x <= self.upper
        return above & below & np.isfinite(x)

    def __str__(self) -> str:
        left = "(" if self.lower_open else "["
        right = ")" if self.upper_open else "]"
        return f"{left}{self.lower:g}, {self.upper:g}{right}"


REAL = Domain()
POSITIVE = Domain(0.0)
NON_NEGATIVE = Domain(0.0, lower_open=False)
UNIT_OPEN = Domain(0.0, 1.0)


@dataclass(frozen=True)
class Param:
    """One model parameter: name, training box ``[lower, upper]`` and default value.

    ``domain`` is where the model is defined at all (simulation refuses values outside it);
    the training box is the part of it a network has seen. ``slot`` says which kernel quantity
    the parameter feeds; it defaults to the slot named like the parameter (``v`` -> ``Slot.V``).
    ``role``: see `Role`.
    """

    name: str
    lower: float
    upper: float
    default: float
    description: str = ""
    domain: Domain = REAL
    slot: int | None = None
    role: Role = Role.PLAIN

    @property
    def width(self) -> float:
        """Width of the training box."""
        return self.upper - self.lower

    def to_box(self, eta: Any, xp: ModuleType = np) -> Any:
        """The link into the training box: ``lower + width * sigmoid(eta)`` maps the real line
        onto the box, so a value built from any linear predictor ``eta`` stays inside (the
        sigmoid is written with ``tanh``, finite with finite gradients for every ``eta``)."""
        return self.lower + self.width * 0.5 * (1.0 + xp.tanh(0.5 * eta))

    def from_box(self, value: Any, xp: ModuleType = np) -> Any:
        """Inverse of `to_box`: ``logit((value - lower) / width)``, for values inside the box."""
        unit = (value - self.lower) / self.width
        return xp.log(unit) - xp.log1p(-unit)

    @property
    def kernel_slot(self) -> int:
        """The kernel slot this parameter feeds (`slot`, or the one named like it)."""
        return self.slot if self.slot is not None else int(Slot[self.name.upper()])

    def __post_init__(self) -> None:
        if not self.lower <= self.default <= self.upper:
            raise ValueError(
                f"Param {self.name!r}: default {self.default} lies outside its box "
                f"[{self.lower}, {self.upper}]."
            )


@dataclass(frozen=True)
class Boundary:
    """A boundary shape ``b(t)``, with ``b(0) = a`` (half the boundary separation).

    ``code`` selects the compiled version in the simulator kernel; ``fn`` is the NumPy version
    ``fn(t, a, p1, p2)`` used for plots and checks (``p1``, ``p2``: the BOUNDARY_1/2 slots).
    ``closes_at(a, p1, p2, xp)``: the decision time at which ``b`` reaches 0, where every trial
    has ended (``inf`` where it never does), in array namespace ``xp``; ``None`` for shapes that
    never close. ``collapse_clock(log_tau, a, p1, p2, xp)``: for shapes that collapse on a time
    scale of their own, the decision time ``tau`` on that scale (the collapse happens at about the
    same clock value for every parameter set); a LAN gets it as an input of its own, so that it
    need not learn where a cliff of the density lies.
    """

    name: str
    code: int
    formula: str
    fn: Callable[..., np.ndarray]
    closes_at: Callable[..., Any] | None = None
    collapse_clock: Callable[..., Any] | None = None


@dataclass(frozen=True)
class ModelSpec:
    """Everything the package knows about one SSM, declared once.

    The order of ``params`` is the network input order and the PyMC parameter order.
    ``default_dt`` is the simulation step chosen from the accuracy/speed table in
    ``docs/simulators.md``. ``fast_edge_logp(tau, choice, **params, xp)``: a closed-form upper
    bound of the log density at decision time ``tau`` that is tight for short ``tau``
    (`ssmlan.likelihoods.fast_edge`); a LAN's density continues along it below its floor.
    ``fast_edge_log_gap(tau, choice, **params, xp)``: ``log(lower / upper)`` of a bracket of the
    density under that bound (``-inf`` where none is known); where the bound is low, a LAN's
    density is clipped into the bracket (`ssmlan.networks.network.Network.logp_xp`).
    ``fast_edge_onset(choice, **params, xp)``: the decision time before which that bound holds
    a negligible share of the choice's mass, where a LAN's mass integral starts
    (`decision_onset`).
    ``analytic_log_survival(deadline, **params, xp)``: log P(no response by ``deadline``), the
    likelihood of a censored trial.
    """

    name: str
    description: str
    params: tuple[Param, ...]
    boundary: Boundary
    kernel: Kernel = Kernel.DIFFUSION
    noise: Noise = Noise.GAUSSIAN
    choices: tuple[int, ...] = (-1, 1)
    analytic_logp: Callable | None = None
    analytic_choice_logp: Callable | None = None
    analytic_log_survival: Callable | None = None
    fast_edge_logp: Callable | None = None
    fast_edge_log_gap: Callable | None = None
    fast_edge_onset: Callable | None = None
    default_dt: float = 1e-2

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def n_params(self) -> int:
        return len(self.params)

    @property
    def n_choices(self) -> int:
        return len(self.choices)

    @property
    def lower(self) -> np.ndarray:
        return np.array([p.lower for p in self.params])

    @property
    def upper(self) -> np.ndarray:
        return np.array([p.upper for p in self.params])

    @property
    def defaults(self) -> np.ndarray:
        return np.array([p.default for p in self.params])

    def param(self, name: str) -> Param:
        """The `Param` called ``name``; a clear error lists the valid names otherwise."""
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(
            f"Model {self.name!r} has no parameter {name!r}; its parameters are "
            f"{', '.join(self.param_names)}."
        )

    def box(self, share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Lower and upper bounds of the central ``share`` of each side of the training box."""
        centre, half = (self.lower + self.upper) / 2, (self.upper - self.lower) / 2 * share
        return centre - half, centre + half

    def from_unit(
        self, unit: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """Points of the unit cube (last axis: parameters) mapped affinely onto ``bounds``
        (default: the training box)."""
        lower, upper = bounds if bounds is not None else (self.lower, self.upper)
        return lower + np.asarray(unit) * (upper - lower)

    def sample_in_box(
        self,
        n: int,
        rng: np.random.Generator,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """``n`` parameter sets (rows, in the spec's order) uniform in ``bounds`` (default: the
        training box; see `box` for its central part)."""
        return self.from_unit(rng.random((n, self.n_params)), bounds)

    def clip_to_box(self, theta: np.ndarray) -> np.ndarray:
        """``theta`` (last axis: parameters) clipped into the training box."""
        return np.clip(theta, self.lower, self.upper)

    def row(self, **values: float) -> np.ndarray:
        """One parameter vector in the spec's order, from values by name (every parameter)."""
        missing = [n for n in self.param_names if n not in values]
        unknown = [n for n in values if n not in self.param_names]
        if missing or unknown:
            raise ValueError(
                f"Model {self.name!r} takes {', '.join(self.param_names)}; missing: "
                f"{missing or 'none'}, unknown: {unknown or 'none'}."
            )
        return np.array([float(values[n]) for n in self.param_names])

    def _role_index(self, role: Role) -> int | None:
        found = [j for j, p in enumerate(self.params) if p.role is role]
        return found[0] if found else None

    @property
    def shift_index(self) -> int:
        """Column of the shift parameter (the non-decision time)."""
        index = self._role_index(Role.SHIFT)
        if index is None:
            raise ValueError(f"Model {self.name!r} declares no shift (non-decision time).")
        return index

    @property
    def shift(self) -> Param:
        """The shift parameter (the non-decision time, ``t``)."""
        return self.params[self.shift_index]

    def smallest_rt(self, theta: Any, xp: ModuleType = np) -> Any:
        """Per row of ``theta`` (last axis: parameters), the smallest rt the model produces:
        the shift, less its jitter where the model has one. Every density is zero below it,
        and a LAN's input is the decision time measured from it."""
        jitter = self._role_index(Role.SHIFT_JITTER)
        shift = theta[..., self.shift_index]
        return shift if jitter is None else shift - theta[..., jitter]

    def decision_onset(self, theta: Any, choice: Any, xp: ModuleType = np) -> Any:
        """Per row of ``theta`` (``(rows, n_params)``) and its ``choice``, the decision time
        (s) before which the model makes a negligible share of that choice's decisions
        (`fast_edge_onset`); ``None`` where the model declares no fast-edge bound."""
        if self.fast_edge_onset is None:
            return None
        return self.fast_edge_onset(choice, **self.by_name(theta), xp=xp)

    def by_name(self, theta: Any) -> dict[str, Any]:
        """The columns of ``theta`` (``(rows, n_params, ...)``) by parameter name."""
        return {name: theta[:, j] for j, name in enumerate(self.param_names)}

    def without_shift(self, theta: Any, xp: ModuleType = np) -> Any:
        """``theta`` without its shift column (the parameters a LAN takes)."""
        j = self.shift_index
        if j + 1 == self.n_params:
            return theta[..., :j]
        return xp.concatenate([theta[..., :j], theta[..., j + 1 :]], axis=-1)

    @property
    def names_without_shift(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.role is not Role.SHIFT)

    def _boundary_args(self, theta: Any) -> tuple[Any, Any, Any]:
        """``a`` and the boundary's two shape parameters per row of ``theta``."""
        columns = {p.kernel_slot: j for j, p in enumerate(self.params)}

        def slot(s: Slot) -> Any:
            return theta[:, columns[s]] if s in columns else SLOT_NEUTRAL[s]

        return slot(Slot.A), slot(Slot.BOUNDARY_1), slot(Slot.BOUNDARY_2)

    def closing_time(self, theta: Any, xp: ModuleType = np) -> Any:
        """Per row of ``theta`` (``(rows, n_params)``), the decision time by which the boundary
        has closed (``inf`` where it never does); ``None`` if the model's boundary never closes."""
        closes_at = self.boundary.closes_at
        return None if closes_at is None else closes_at(*self._boundary_args(theta), xp)

    @property
    def has_collapse_clock(self) -> bool:
        """Whether the boundary declares a collapse clock (an extra LAN input)."""
        return self.boundary.collapse_clock is not None

    def collapse_clock(self, theta: Any, log_tau: Any, xp: ModuleType = np) -> Any:
        """The boundary's collapse clock (`Boundary.collapse_clock`) at log decision times
        ``log_tau`` (``(rows, k)``) for the rows of ``theta`` (``(rows, n_params)``)."""
        a, p1, p2 = (arg[:, None] if np.ndim(arg) else arg for arg in self._boundary_args(theta))
        return self.boundary.collapse_clock(log_tau, a, p1, p2, xp)

    def fingerprint(self) -> str:
        """Short hash of what a trained network depends on: names, order, boxes, choices."""
        payload = {
            "name": self.name,
            "params": [[p.name, p.lower, p.upper] for p in self.params],
            "boundary": self.boundary.name,
            "noise": self.noise.name,
            "kernel": self.kernel.name,
            "choices": list(self.choices),
        }
        blob = json.dumps(payload, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]
