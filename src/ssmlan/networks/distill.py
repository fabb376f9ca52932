"""A compact LAN: one small MLP trained to reproduce a trained LAN (its teacher).

A shipped LAN is an ensemble of three 3 x 64 MLPs: accurate, but each trial's density costs
about 26,000 multiply-adds and its gradient twice that, several times the analytic ddm density.
A fit's cost is mostly those evaluations. The teacher's labels are noise-free and can be had
anywhere, so a much smaller network can follow it closely: the student is trained on the
teacher's floored log-density at parameter sets drawn uniformly in the training box, with
decision times from the simulator at each set (where data lie) and log-uniform over the
horizon (the tails), both choices. It keeps the teacher's inputs, floor, horizon and fast edge;
its mass per choice is its own quadrature (`Network.log_mass_xp`), as for any LAN.

`distill` reports the student's error against the teacher on held-out parameter sets
(``meta["distillation"]``); the student then goes through the same gates and posterior checks as
any LAN.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from ssmlan.constants import LOG_DENSITY_FLOOR, MIN_DECISION_TIME, VERSION
from ssmlan.models import ModelSpec
from ssmlan.networks.mlp import export_layers
from ssmlan.networks.model_file import weights_digest
from ssmlan.networks.network import Network, lan_features
from ssmlan.networks.objectives import get_objective
from ssmlan.networks.train_config import TrainConfig
from ssmlan.networks.train_loop import Split, make_trainer
from ssmlan.simulate import simulate

#: The student's architecture and optimisation (mean squared error on the floored log density).
CONFIG = TrainConfig(
    hidden=(32, 32, 32),
    activation="tanh",
    batch_size=4096,
    epochs=60,
    learning_rate=3e-3,
    warmup_epochs=1.0,
    final_lr_fraction=1e-3,
    patience=60,
    val_fraction=0.05,
    seed=0,
)
#: Decision times per parameter set: simulated, and log-uniform over the horizon.
SIMULATED_PER_SET = 200
UNIFORM_PER_SET = 60
#: Fewest parameter sets: enough that the held-out share holds some.
MIN_SETS = 100
#: Parameter sets per call of the teacher (a fixed size: one compilation).
TEACHER_BATCH = 2000


def _rows(
    spec: ModelSpec, teacher: Network, n_sets: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(theta, rt, choice, set_id)`` per row: `SIMULATED_PER_SET` simulated and
    `UNIFORM_PER_SET` log-uniform decision times (random choice) per set drawn in the box."""
    theta = spec.sample_in_box(n_sets, rng)
    horizon = teacher.mass_horizon
    sims = simulate(spec, theta, SIMULATED_PER_SET, seed=int(rng.integers(2**31)), max_t=horizon)
    shift = spec.smallest_rt(theta)[:, None]
    log_tau = rng.uniform(np.log(MIN_DECISION_TIME), np.log(horizon), (n_sets, UNIFORM_PER_SET))
    rt = np.concatenate([sims.rt, shift + np.exp(log_tau)], axis=1)
    random_choice = rng.choice(np.asarray(spec.choices, float), (n_sets, UNIFORM_PER_SET))
    choice = np.concatenate([sims.choice.astype(float), random_choice], axis=1)
    set_id = np.repeat(np.arange(n_sets), rt.shape[1])
    keep = np.isfinite(rt.ravel()) & (rt.ravel() > np.repeat(shift[:, 0], rt.shape[1]))
    return theta[set_id[keep]], rt.ravel()[keep], choice.ravel()[keep], set_id[keep]


def _teacher_labels(teacher: Network, features: np.ndarray) -> np.ndarray:
    """The teacher's floored log density at LAN ``features``, in fixed-size jitted batches."""
    raw = jax.jit(lambda x: jnp.maximum(teacher.raw(x, jnp), LOG_DENSITY_FLOOR))
    rows = TEACHER_BATCH * 256
    out = np.empty(len(features), np.float32)
    for start in range(0, len(features), rows):
        chunk = features[start : start + rows]
        padded = np.zeros((rows, features.shape[1]), np.float32)
        padded[: len(chunk)] = chunk
        out[start : start + len(chunk)] = np.asarray(raw(padded))[: len(chunk)]
    return out


def distill(
    teacher: Network,
    n_sets: int = 20_000,
    config: TrainConfig = CONFIG,
    progress: bool = True,
) -> Network:
    """A compact LAN (``config.hidden``) trained on ``teacher``'s log density at ``n_sets``
    parameter sets (see the module docstring), seeded by ``config.seed``; the error against the
    teacher on held-out sets is in ``meta["distillation"]``."""
    if teacher.kind != "lan":
        raise ValueError(f"Only a LAN can be distilled; got a {teacher.kind.upper()}.")
    if n_sets < MIN_SETS:
        raise ValueError(
            f"n_sets must be at least {MIN_SETS} (a share {config.val_fraction:g} of them is held "
            f"out); got {n_sets}."
        )
    spec = teacher.spec
    start = time.perf_counter()
    rng = np.random.default_rng([config.seed, 11])
    theta, rt, choice, set_id = _rows(spec, teacher, n_sets, rng)
    x = lan_features(spec, theta, rt, choice).astype(np.float32)
    y = _teacher_labels(teacher, x)
    label_seconds = time.perf_counter() - start
    objective = get_objective("lan")
    offset, scale = objective.input_scaling(spec, x)
    scaled = ((x - offset) / scale).astype(np.float32)
    held_sets = np.random.default_rng([config.seed, 12]).random(n_sets) < config.val_fraction
    held = held_sets[set_id]
    split = Split(scaled[~held], y[~held], jnp.asarray(scaled[held]), jnp.asarray(y[held]))
    trainer = make_trainer(lambda pred, label: jnp.mean((pred - label) ** 2), config, split)
    state = trainer.init(jax.random.key(config.seed))
    bar = tqdm(total=config.epochs, unit="epoch", disable=not progress, desc=f"distill {spec.name}")
    while not trainer.done(state):
        state = trainer.step(state, config.seed)
        bar.update(1)
        bar.set_postfix(val_rmse=f"{np.sqrt(state.history[-1].val_loss):.4f}")
    bar.close()
    student = Network(
        spec=spec,
        kind="lan",
        members=(export_layers(state.best_params),),
        activation=config.activation,
        input_offset=offset,
        input_scale=scale,
        meta={key: value for key, value in teacher.meta.items() if key in ("data", "output")},
    )
    error = np.abs(np.asarray(student.raw(np.asarray(x[held]), jnp)) - y[held])
    above = y[held] > LOG_DENSITY_FLOOR + 1.0  # where the teacher's density is above its floor
    meta = {
        **student.meta,
        "ssmlan_version": VERSION,
        "inputs": objective.input_names(spec),
        "train_config": asdict(config),
        "distillation": {
            "teacher_digest": weights_digest(teacher),
            "n_sets": n_sets,
            "n_rows": len(y),
            "held_out_sets": int(held_sets.sum()),
            "mean_abs_error": float(error[above].mean()),
            "p99_abs_error": float(np.percentile(error[above], 99)),
            "max_abs_error": float(error[above].max()),
            "label_seconds": round(label_seconds, 1),
            "wall_seconds": round(time.perf_counter() - start, 1),
        },
    }
    student = dataclasses.replace(student, meta=meta)
    return dataclasses.replace(student, meta={**meta, **objective.calibrate(student)})
