"""The normaliser: a small network for the per-choice correction of a LAN rescaled to its CPN.

With ``normalize`` (the default), the likelihood of a trial with an rt is
``logp_LAN(rt, c) - log mass_LAN(c) + log P_CPN(c)``. The mass is a quadrature of the LAN
(`Network.log_mass_xp`: ``mass_nodes`` LAN evaluations per (parameter row, choice) pair), cheap
when trials share a few rows but 64 LAN evaluations per trial when every trial has its own row
(a regression on a trial-wise covariate). A normaliser replaces it by one small MLP, trained on
the exact correction ``log P_CPN(c) - log mass_LAN(c)`` of one LAN and CPN pair at parameter
sets drawn uniformly in the training box (both choices).

The correction has a cliff: where a choice is rare (``P(c)`` below about ``1e-3``), the LAN's
density drops to its floor, and its mass from ``P(c)`` to the floor's mass (``1e-7`` times the
horizon) within a small step of the parameters, so the correction climbs by several log units.
A small MLP cannot follow that step closely, so the normaliser computes it exactly: with the
CPN's ``log P(c)`` (one CPN evaluation) and the floor's mass ``F`` (closed form), the MLP's
output ``h`` gives the LAN's mass as ``logaddexp(log P(c) - h, log F)`` (its mass above the
floor, plus the floor's), and the correction is ``log P(c) - logaddexp(log P(c) - h, log F)``:
``h`` itself where the choice is not rare, ``log P(c) - log F`` where the LAN is floored
(`Normalizer`). The MLP's inputs are the parameters, the choice and the CPN's ``log P(c)``
(computed anyway; it tells the MLP how rare the choice is, i.e. where the step lies). The shift
``t`` does not move the mass, but a CPN is a fit and may move with it: ``t`` is an input when
the CPN's ``log P(c)`` moves by more than `SHIFT_TOLERANCE` across the shift's box
(`shift_sensitivity`; it does, for the shipped CPNs), else it is left out.

Accuracy: the correction is the difference of two networks' errors, a function with several
wiggles of about 0.01 per box axis; a 2 x 64 MLP trained for a few minutes follows it to about
0.02 (99th percentile) in log units, not to `TARGET_MAX_ERROR` (``meta["validation"]``).

The network file (kind ``"normalizer"``) names the digests of the LAN and the CPN it was built
from (`weights_digest`) and holds the exact correction at a few reference sets;
`check_normalizer` refuses it for other networks, and where the LAN's mass has changed
definition since (e.g. another floor or horizon) while the weights have not.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm.auto import tqdm

from ssmlan.constants import LOG_DENSITY_FLOOR, MIN_DECISION_TIME, VERSION
from ssmlan.models import ModelSpec
from ssmlan.networks.mlp import MLP, export_layers
from ssmlan.networks.model_file import weights_digest
from ssmlan.networks.network import Network
from ssmlan.networks.train_config import TrainConfig

KIND = "normalizer"
#: Target of the largest absolute error of the correction (log units) on held-out sets.
TARGET_MAX_ERROR = 1e-3
#: The shift is left out of the inputs only if it moves the CPN's log P(choice) by less than
#: this (log units, largest over sets and choices): a tenth of the target error.
SHIFT_TOLERANCE = TARGET_MAX_ERROR / 10
#: Architecture and optimisation (mean squared error, Adam with warmup and cosine decay; the
#: weights of the epoch with the lowest loss on the held-out training sets are kept).
CONFIG = TrainConfig(
    hidden=(64, 64),
    activation="tanh",
    batch_size=1024,
    epochs=300,
    learning_rate=3e-3,
    warmup_epochs=2.0,
    final_lr_fraction=1e-2,
    val_fraction=0.05,
    seed=0,
)
#: Rows per jitted evaluation of the exact correction (a fixed size: one compilation).
BATCH_ROWS = 4096
#: Rows at which a normaliser stores the exact correction, and the largest change of it
#: (log units) that `check_normalizer` accepts when it recomputes them.
N_REFERENCE = 16
REFERENCE_TOLERANCE = 1e-4
#: Offset and scale of the input ``log P_CPN(choice)`` (its range in the box is about [-12, 0]).
LOG_P_SCALING = (-4.0, 4.0)


def input_names(spec: ModelSpec, uses_shift: bool) -> list[str]:
    """Names of a normaliser's inputs, in order."""
    names = spec.param_names if uses_shift else spec.names_without_shift
    return [*names, "choice", "log P_CPN(choice)"]


def log_floor_mass(spec: ModelSpec, horizon: float, theta: Any, xp: ModuleType) -> Any:
    """Log mass of the LAN's density floor, ``exp(LOG_DENSITY_FLOOR)`` from ``MIN_DECISION_TIME``
    to the end of its mass integral (`Network.log_mass_xp`: ``horizon``, or where the boundary
    closes if earlier), per row of ``theta``."""
    closes = spec.closing_time(theta, xp)
    end = horizon if closes is None else xp.minimum(closes, horizon)
    return LOG_DENSITY_FLOOR + xp.log(end - MIN_DECISION_TIME)


@dataclass(frozen=True)
class Normalizer:
    """A normaliser network with the CPN it was built from, as a correction source of
    `ssmlan.likelihoods.trial_logp.trial_logp` (see the module docstring)."""

    net: Network
    cpn: Network

    def correction_xp(self, theta: Any, choice: Any, xp: ModuleType) -> Any:
        """``log P_CPN(choice) - log mass_LAN(choice)`` per row of ``theta`` (all parameters)."""
        spec = self.net.spec
        params = theta if self.net.meta["uses_shift"] else spec.without_shift(theta, xp)
        log_p = self.cpn.choice_logp_xp(theta, choice, xp)
        features = xp.concatenate([params, choice[:, None], log_p[:, None]], axis=1)
        h = self.net.raw(features, xp)
        log_floor = log_floor_mass(spec, self.net.meta["mass_horizon"], theta, xp)
        return log_p - xp.logaddexp(log_p - h, log_floor)


def check_normalizer(normalizer: Network, lan: Network, cpn: Network) -> None:
    """Raise unless ``normalizer`` is a normaliser built from exactly ``lan`` and ``cpn``."""
    if not isinstance(normalizer, Network) or normalizer.kind != KIND:
        kind = getattr(normalizer, "kind", type(normalizer).__name__)
        raise ValueError(f"Expected a normaliser network; got {kind!r}.")
    spec = getattr(lan, "spec", None)
    if spec is None or normalizer.spec.fingerprint() != spec.fingerprint():
        model = spec.name if spec is not None else type(lan).__name__
        raise ValueError(f"Normaliser of model {normalizer.spec.name!r} given for model {model!r}.")
    for net, kind in ((lan, "lan"), (cpn, "cpn")):
        digest = weights_digest(net) if isinstance(net, Network) else type(net).__name__
        if normalizer.meta.get(kind, {}).get("digest") != digest:
            raise ValueError(
                f"The normaliser was built from another {kind.upper()} than the one given "
                f"({digest[:12]}); build one for this pair with `ssmlan normalizer --lan ... "
                "--cpn ...`, or use normalizer='quadrature'."
            )
    stored = normalizer.meta["reference"]
    now = reference_corrections(lan, cpn, stored["theta"], stored["choice"])
    change = float(np.max(np.abs(now - np.asarray(stored["correction"]))))
    if change > REFERENCE_TOLERANCE:
        raise ValueError(
            f"The LAN's mass (or the CPN) now gives corrections up to {change:.2g} away from "
            "those the normaliser was built on, with the same weights: the mass rule has "
            "changed since. Rebuild it (`ssmlan normalizer`), or use normalizer='quadrature'."
        )


def reference_corrections(lan: Network, cpn: Network, theta: Any, choice: Any) -> np.ndarray:
    """The exact correction ``log P_CPN(choice) - log mass_LAN(choice)`` at a few rows (NumPy)."""
    theta = np.asarray(theta, np.float32)
    choice = np.asarray(choice, np.float32)
    return cpn.choice_logp_xp(theta, choice, np) - lan.log_mass_xp(theta, choice, np)


def reference(lan: Network, cpn: Network, seed: int = 0) -> dict[str, list]:
    """`N_REFERENCE` rows drawn in the box and their exact correction, for the metadata."""
    theta, choice = _sets(lan.spec, N_REFERENCE // 2, np.random.default_rng([seed, 4]))
    correction = reference_corrections(lan, cpn, theta, choice)
    return {
        "theta": theta.tolist(),
        "choice": choice.tolist(),
        "correction": correction.astype(float).tolist(),
    }


def _batched(fn, theta: np.ndarray, choice: np.ndarray, batch: int = BATCH_ROWS) -> np.ndarray:
    """``fn(theta, choice)`` (jitted, rows independent) over fixed-size, padded batches."""
    n = len(theta)
    pad = -n % batch
    theta = np.concatenate([theta, np.repeat(theta[:1], pad, axis=0)]).astype(np.float32)
    choice = np.concatenate([choice, np.repeat(choice[:1], pad)]).astype(np.float32)
    out = [np.asarray(fn(theta[i : i + batch], choice[i : i + batch])) for i in range(0, n, batch)]
    return np.concatenate(out)[:n]


def exact_correction(
    lan: Network, cpn: Network, theta: np.ndarray, choice: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``log P_CPN(choice) - log mass_LAN(choice)`` per row of ``theta`` (all parameters), by the
    LAN's own quadrature (its calibrated ``mass_nodes``), and the CPN's ``log P(choice)``."""

    @jax.jit
    def both(th, c):
        log_p = cpn.choice_logp_xp(th, c, jnp)
        return jnp.stack([log_p - lan.log_mass_xp(th, c, jnp), log_p], axis=1)

    out = _batched(both, theta, choice)
    return out[:, 0], out[:, 1]


def _sets(spec: ModelSpec, n_sets: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``n_sets`` parameter sets uniform in the box, each with both choices (2 rows a set)."""
    theta = spec.sample_in_box(n_sets, rng).astype(np.float32)
    choice = np.repeat(np.array([1.0, -1.0], np.float32), n_sets)
    return np.concatenate([theta, theta]), choice


def shift_sensitivity(cpn: Network, n_sets: int = 5000, n_shifts: int = 9, seed: int = 0) -> float:
    """Largest change of the CPN's ``log P(choice)`` (both choices) when only the shift moves
    across its box, over ``n_sets`` sets drawn in the box."""
    spec = cpn.spec
    theta, choice = _sets(spec, n_sets, np.random.default_rng([seed, 2]))
    logp = jax.jit(lambda th, c: cpn.choice_logp_xp(th, c, jnp))
    values = []
    for value in np.linspace(spec.shift.lower, spec.shift.upper, n_shifts):
        moved = theta.copy()
        moved[:, spec.shift_index] = value
        values.append(_batched(logp, moved, choice))
    values = np.asarray(values)
    return float(np.max(values.max(axis=0) - values.min(axis=0)))


def validate_normalizer(
    normalizer: Network, lan: Network, cpn: Network, n_sets: int = 5000, seed: int = 0
) -> dict[str, Any]:
    """Errors of the normaliser's correction against the exact one (`exact_correction`) on
    ``n_sets`` sets drawn in the box (not those it was trained on), both choices."""
    spec = normalizer.spec
    theta, choice = _sets(spec, n_sets, np.random.default_rng([seed, 1]))
    exact, log_p = exact_correction(lan, cpn, theta, choice)
    source = Normalizer(normalizer, cpn)
    predict = jax.jit(lambda th, c: source.correction_xp(th, c, jnp))
    error = np.abs(_batched(predict, theta, choice).astype(np.float64) - exact)
    worst = int(np.argmax(error))
    common = log_p > np.log(1e-3)
    return {
        "n_sets": n_sets,
        "n_rows": len(error),
        "max_abs_error": float(error.max()),
        "p99_abs_error": float(np.quantile(error, 0.99)),
        "mean_abs_error": float(error.mean()),
        "common_choices": {
            "definition": "rows whose choice has CPN probability above 1e-3",
            "share": float(common.mean()),
            "max_abs_error": float(error[common].max()),
            "p99_abs_error": float(np.quantile(error[common], 0.99)),
        },
        "target_max_abs_error": TARGET_MAX_ERROR,
        "passed": bool(error.max() <= TARGET_MAX_ERROR),
        "worst": {
            **{name: float(theta[worst, j]) for j, name in enumerate(spec.param_names)},
            "choice": float(choice[worst]),
            "exact": float(exact[worst]),
        },
    }


class _State(NamedTuple):
    params: Any
    opt_state: Any
    best_params: Any
    best_loss: float = np.inf
    epoch: int = 0


def _fit(
    x: np.ndarray,
    y: np.ndarray,
    aux: np.ndarray,
    held: np.ndarray,
    config: TrainConfig,
    progress: bool,
    label: str,
) -> tuple[_State, list[float]]:
    """Adam on the mean squared error of the correction (`Normalizer.correction_xp` in terms of
    the MLP's output ``h`` and per row ``aux = (log P_CPN, log floor mass)``)."""
    model = MLP(hidden=tuple(config.hidden), activation=config.activation)
    train = ~held
    x_train, y_train, aux_train = x[train], y[train], aux[train]
    held_data = tuple(jnp.asarray(a[held]) for a in (x, y, aux))
    batch = config.batch_size
    n_batches = len(x_train) // batch
    total = config.epochs * n_batches
    schedule = optax.warmup_cosine_decay_schedule(
        0.0,
        config.learning_rate,
        min(int(config.warmup_epochs * n_batches), total - 1),
        total,
        config.learning_rate * config.final_lr_fraction,
    )
    optimizer = optax.adam(schedule)

    def loss(params, xb, yb, auxb):
        h = model.apply(params, xb)
        log_p, log_floor = auxb[:, 0], auxb[:, 1]
        return jnp.mean((log_p - jnp.logaddexp(log_p - h, log_floor) - yb) ** 2)

    @jax.jit
    def run_epoch(params, opt_state, xb, yb, auxb):
        def update(carry, batch_data):
            params, opt_state = carry
            value, grads = jax.value_and_grad(loss)(params, *batch_data)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), value

        return jax.lax.scan(update, (params, opt_state), (xb, yb, auxb))[0]

    evaluate = jax.jit(loss)
    params = model.init(jax.random.key(config.seed), jnp.zeros((1, x.shape[1])))
    state = _State(params, optimizer.init(params), params)
    history = []
    for _ in tqdm(range(config.epochs), desc=label, unit="epoch", disable=not progress):
        order = np.random.default_rng([config.seed, state.epoch]).permutation(len(x_train))
        used = order[: n_batches * batch]
        params, opt_state = run_epoch(
            state.params,
            state.opt_state,
            jnp.asarray(x_train[used].reshape(n_batches, batch, -1)),
            jnp.asarray(y_train[used].reshape(n_batches, batch)),
            jnp.asarray(aux_train[used].reshape(n_batches, batch, 2)),
        )
        held_loss = float(evaluate(params, *held_data))
        history.append(held_loss)
        better = held_loss < state.best_loss
        state = _State(
            params,
            opt_state,
            params if better else state.best_params,
            held_loss if better else state.best_loss,
            state.epoch + 1,
        )
    return state, history


def build_normalizer(
    lan: Network,
    cpn: Network,
    n_sets: int = 150_000,
    seed: int = 0,
    epochs: int = CONFIG.epochs,
    config: TrainConfig = CONFIG,
    n_validation: int = 5000,
    progress: bool = True,
) -> Network:
    """Train a normaliser of ``lan`` and ``cpn`` on the exact correction at ``n_sets`` sets
    drawn in the box (both choices; a ``config.val_fraction`` of them held out to pick the best
    epoch), seeded by ``seed``; validated on ``n_validation`` other sets
    (``meta["validation"]``, `validate_normalizer`)."""
    for net, kind in ((lan, "lan"), (cpn, "cpn")):
        if net.kind != kind:
            raise ValueError(f"Expected a {kind.upper()}; got a {net.kind.upper()}.")
    if lan.spec.fingerprint() != cpn.spec.fingerprint():
        raise ValueError(f"LAN of {lan.spec.name!r} and CPN of {cpn.spec.name!r} differ in model.")
    spec = lan.spec
    config = dataclasses.replace(config, epochs=epochs, seed=seed)
    start = time.perf_counter()
    sensitivity = shift_sensitivity(cpn, seed=seed)
    uses_shift = sensitivity > SHIFT_TOLERANCE
    theta, choice = _sets(spec, n_sets, np.random.default_rng([seed, 0]))
    y, log_p = exact_correction(lan, cpn, theta, choice)
    log_floor = log_floor_mass(spec, lan.mass_horizon, theta.astype(np.float64), np)
    target_seconds = time.perf_counter() - start
    names = spec.param_names if uses_shift else spec.names_without_shift
    columns = [spec.param_names.index(name) for name in names]
    box_lower, box_upper = spec.lower[columns], spec.upper[columns]
    # Parameters: box -> [-1, 1]; the choice as it is; log P_CPN(choice) by LOG_P_SCALING.
    offset = np.append((box_lower + box_upper) / 2, [0.0, LOG_P_SCALING[0]]).astype(np.float32)
    scale = np.append((box_upper - box_lower) / 2, [1.0, LOG_P_SCALING[1]]).astype(np.float32)
    x = np.column_stack([theta[:, columns], choice, log_p])
    x = ((x - offset) / scale).astype(np.float32)
    aux = np.column_stack([log_p, np.broadcast_to(log_floor, log_p.shape)]).astype(np.float32)
    held_sets = np.random.default_rng([seed, 3]).random(n_sets) < config.val_fraction
    held = np.concatenate([held_sets, held_sets])
    state, history = _fit(x, y, aux, held, config, progress, f"{spec.name} normalizer")
    meta = {
        "ssmlan_version": VERSION,
        "output": "h: log mass_LAN(c) = logaddexp(log P_CPN(c) - h, log floor mass)",
        "inputs": input_names(spec, uses_shift),
        "uses_shift": bool(uses_shift),
        "cpn_shift_sensitivity": sensitivity,
        "mass_horizon": lan.mass_horizon,
        "lan": {"digest": weights_digest(lan), "mass_nodes": lan.meta.get("mass_nodes")},
        "cpn": {"digest": weights_digest(cpn)},
        "reference": reference(lan, cpn, seed),
        "train_config": asdict(config),
        "training": {
            "n_sets": n_sets,
            "n_train_rows": int((~held).sum()),
            "n_held_rows": int(held.sum()),
            "best_held_rmse": float(np.sqrt(state.best_loss)),
            "held_rmse_history": [float(np.sqrt(v)) for v in history[:: max(1, epochs // 20)]],
            "target_seconds": round(target_seconds, 1),
            "wall_seconds": round(time.perf_counter() - start, 1),
        },
    }
    net = Network(
        spec=spec,
        kind=KIND,
        members=(export_layers(state.best_params),),
        activation=config.activation,
        input_offset=offset,
        input_scale=scale,
        meta=meta,
    )
    validation = validate_normalizer(net, lan, cpn, n_validation, seed)
    return dataclasses.replace(net, meta={**meta, "validation": validation})
