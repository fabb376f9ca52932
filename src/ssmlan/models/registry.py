"""The model registry: every SSM the package knows, declared once.

Parameter names, order, training boxes and defaults follow ssm-simulators, so data and networks
interoperate with that ecosystem. Everywhere: ``a`` is *half* the boundary separation (boundaries
at ``-a`` and ``+a`` at time zero), the process starts at ``-a + 2az``, choice ``+1`` is the upper
boundary.
"""

import numpy as np

from ssmlan.likelihoods.ddm_analytic import (
    ddm_choice_logp,
    ddm_log_survival,
    ddm_logp,
    ddm_sdv_choice_logp,
    ddm_sdv_log_survival,
    ddm_sdv_logp,
)
from ssmlan.likelihoods.fast_edge import (
    angle_fast_edge_logp,
    angle_onset,
    ddm_fast_edge_logp,
    ddm_onset,
    ddm_sdv_fast_edge_logp,
    ddm_sdv_onset,
    image_log_gap,
)
from ssmlan.models.boundaries import ANGLE, CONSTANT, WEIBULL
from ssmlan.models.spec import (
    NON_NEGATIVE,
    POSITIVE,
    UNIT_OPEN,
    Domain,
    Kernel,
    ModelSpec,
    Noise,
    Param,
    Role,
    Slot,
)

_V_DOC = "drift rate (evidence units/s)"
_A_DOC = "boundary at t=0: half the boundary separation (bounds at -a and +a)"
_Z_DOC = "relative starting point in (0, 1); the process starts at -a + 2az"
_T_DOC = "non-decision time (s)"


def _v(lo: float = -3.0, hi: float = 3.0) -> Param:
    return Param("v", lo, hi, 0.0, _V_DOC)


def _a(hi: float = 2.5, lo: float = 0.3, default: float = 1.0) -> Param:
    return Param("a", lo, hi, default, _A_DOC, domain=POSITIVE)


def _z(lo: float = 0.1, hi: float = 0.9) -> Param:
    return Param("z", lo, hi, 0.5, _Z_DOC, domain=UNIT_OPEN)


def _t(lo: float = 0.001, hi: float = 2.0, default: float = 0.001) -> Param:
    return Param("t", lo, hi, default, _T_DOC, domain=NON_NEGATIVE, role=Role.SHIFT)


MODELS: dict[str, ModelSpec] = {}


def register(spec: ModelSpec) -> ModelSpec:
    """Add ``spec`` to the registry (names are unique)."""
    if spec.name in MODELS:
        raise ValueError(f"A model called {spec.name!r} is already registered.")
    MODELS[spec.name] = spec
    return spec


register(
    ModelSpec(
        name="ddm",
        description="Drift diffusion model (Ratcliff)",
        params=(_v(), _a(), _z(), _t(lo=0.0)),
        boundary=CONSTANT,
        analytic_logp=ddm_logp,
        analytic_choice_logp=ddm_choice_logp,
        analytic_log_survival=ddm_log_survival,
        fast_edge_logp=ddm_fast_edge_logp,
        fast_edge_onset=ddm_onset,
        fast_edge_log_gap=image_log_gap,
    )
)
register(
    ModelSpec(
        name="ddm_sdv",
        description="DDM with trial-to-trial drift variability sv",
        params=(
            _v(),
            _a(),
            _z(),
            _t(),
            Param("sv", 0.001, 2.5, 0.001, "SD of the trial drift (normal)", NON_NEGATIVE),
        ),
        boundary=CONSTANT,
        analytic_logp=ddm_sdv_logp,
        analytic_choice_logp=ddm_sdv_choice_logp,
        analytic_log_survival=ddm_sdv_log_survival,
        fast_edge_logp=ddm_sdv_fast_edge_logp,
        fast_edge_onset=ddm_sdv_onset,
        fast_edge_log_gap=image_log_gap,
    )
)
register(
    ModelSpec(
        name="full_ddm",
        description="DDM with drift (sv), start (sz) and non-decision time (st) variability",
        params=(
            _v(),
            _a(),
            _z(0.3, 0.7),
            _t(0.25, 2.25, 0.25),
            Param(
                "sz",
                0.001,
                0.2,
                0.001,
                "start jitter: uniform on +-sz (evidence units)",
                NON_NEGATIVE,
            ),
            Param("sv", 0.001, 2.0, 0.001, "SD of the trial drift (normal)", NON_NEGATIVE),
            Param(
                "st",
                0.001,
                0.25,
                0.001,
                "non-decision jitter: uniform on t +- st (s)",
                NON_NEGATIVE,
                role=Role.SHIFT_JITTER,
            ),
        ),
        boundary=CONSTANT,
    )
)
register(
    ModelSpec(
        name="angle",
        description="DDM with linearly collapsing boundaries",
        params=(
            _v(),
            _a(3.0),
            _z(),
            _t(),
            Param(
                "theta",
                -0.1,
                1.3,
                0.0,
                "collapse angle (radians)",
                Domain(-np.pi / 2, np.pi / 2),
                slot=Slot.BOUNDARY_1,
            ),
        ),
        boundary=ANGLE,
        fast_edge_logp=angle_fast_edge_logp,
        fast_edge_onset=angle_onset,
    )
)
register(
    ModelSpec(
        name="weibull",
        description="DDM with Weibull-shaped collapsing boundaries",
        params=(
            _v(-2.5, 2.5),
            _a(),
            _z(0.2, 0.8),
            _t(),
            Param("alpha", 0.31, 4.99, 3.0, "Weibull shape", POSITIVE, slot=Slot.BOUNDARY_1),
            Param("beta", 0.31, 6.99, 3.0, "Weibull scale (s)", POSITIVE, slot=Slot.BOUNDARY_2),
        ),
        boundary=WEIBULL,
        default_dt=5e-3,
    )
)
register(
    ModelSpec(
        name="ornstein",
        description="Ornstein-Uhlenbeck drift: dx = (v - g x) dt + dW",
        params=(
            _v(-2.0, 2.0),
            _a(3.0),
            _z(),
            Param("g", -1.0, 1.0, 0.0, "leak (positive) or self-excitation (negative)"),
            _t(),
        ),
        boundary=CONSTANT,
        default_dt=2e-3,
    )
)
register(
    ModelSpec(
        name="levy",
        description="Levy flight: DDM with symmetric alpha-stable noise",
        params=(
            _v(),
            _a(3.0),
            _z(),
            Param(
                "alpha",
                1.0,
                2.0,
                1.5,
                "stability index (2: Gaussian with variance 2)",
                Domain(0.0, 2.0, upper_open=False),
                slot=Slot.NOISE_ALPHA,
            ),
            _t(),
        ),
        boundary=CONSTANT,
        noise=Noise.ALPHA_STABLE,
        default_dt=1e-3,
    )
)
_RACE_Z = Domain(0.0, 1.0, lower_open=False)
register(
    ModelSpec(
        name="race_3",
        description="Race of 3 accumulators to a common boundary a (reflected at 0)",
        params=(
            *(
                Param(f"v{k}", 0.0, 2.5, 0.0, f"drift of accumulator {k}", slot=2 + k)
                for k in range(3)
            ),
            Param(
                "a",
                1.0,
                3.0,
                2.0,
                "common boundary (accumulators start at z_k a)",
                POSITIVE,
                slot=0,
            ),
            *(
                Param(
                    f"z{k}",
                    0.0,
                    0.9,
                    0.5,
                    f"relative start of accumulator {k}",
                    _RACE_Z,
                    slot=5 + k,
                )
                for k in range(3)
            ),
            Param("t", 0.0, 2.0, 0.001, _T_DOC, NON_NEGATIVE, slot=1, role=Role.SHIFT),
        ),
        boundary=CONSTANT,
        kernel=Kernel.RACE,
        choices=(0, 1, 2),
        default_dt=5e-3,
    )
)


def get_model(name: str) -> ModelSpec:
    """The spec registered as ``name``; an unknown name lists the valid ones."""
    if isinstance(name, ModelSpec):
        return name
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(
            f"Unknown model {name!r}. Valid models: {', '.join(sorted(MODELS))}."
        ) from None


def list_models() -> list[str]:
    """Names of all registered models."""
    return sorted(MODELS)
