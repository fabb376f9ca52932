"""The training loop as pure functions over an immutable `TrainState`.

`make_trainer` returns a `Trainer` (``init``, ``step``, ``done``), in the style of optax's
``GradientTransformation``: ``init(key)`` gives the state before the first epoch and
``step(state, seed)`` runs one epoch (Adam with warmup + cosine decay over shuffled mini-batches,
then the validation loss) and returns the next state. The batch order of epoch ``e`` is drawn
from ``numpy.random.default_rng([seed, e])``, so a resumed run repeats an uninterrupted one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ssmlan.networks.mlp import MLP

if TYPE_CHECKING:
    from ssmlan.networks.train_config import TrainConfig

#: ``(prediction, label) -> mean loss``.
LossFn = Callable[[Any, Any], Any]


class EpochRecord(NamedTuple):
    """Losses after one epoch (``epoch`` counts from 1)."""

    epoch: int
    train_loss: float
    val_loss: float


class TrainState(NamedTuple):
    """Everything that changes from one epoch to the next."""

    params: Any
    opt_state: Any
    #: Parameters of the epoch with the lowest validation loss so far.
    best_params: Any
    #: Epochs run.
    epoch: int = 0
    best_val: float = math.inf
    #: Epochs since the validation loss last improved.
    stale: int = 0
    history: tuple[EpochRecord, ...] = ()
    #: Wall time of the epochs run (s); added by the caller, which owns the clock.
    train_seconds: float = 0.0


class Split(NamedTuple):
    """Scaled training and validation rows (validation: whole parameter sets)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: jax.Array
    y_val: jax.Array


class Trainer(NamedTuple):
    """Pure functions of one training run; see the module docstring."""

    init: Callable[[jax.Array], TrainState]
    step: Callable[[TrainState, int], TrainState]
    done: Callable[[TrainState], bool]
    #: Rows used per epoch (whole batches).
    rows_per_epoch: int


def validation_rows(set_id: np.ndarray, val_fraction: float, seed: int) -> np.ndarray:
    """Mask of the rows of a random ``val_fraction`` of the parameter sets (at least one)."""
    n_sets = int(set_id.max()) + 1
    rng = np.random.default_rng(seed)
    val_sets = rng.permutation(n_sets)[: max(1, round(val_fraction * n_sets))]
    return np.isin(set_id, val_sets)


def make_trainer(loss: LossFn, config: TrainConfig, split: Split) -> Trainer:
    """A `Trainer` of an MLP (``config.hidden``, ``config.activation``) minimising ``loss``
    on ``split``; the learning-rate schedule spans ``config.epochs``."""
    model = MLP(hidden=tuple(config.hidden), activation=config.activation)
    batch = config.batch_size
    n_batches = len(split.x_train) // batch
    total_steps = config.epochs * n_batches
    warmup_steps = min(int(config.warmup_epochs * n_batches), total_steps - 1)
    schedule = optax.warmup_cosine_decay_schedule(
        0.0,
        config.learning_rate,
        warmup_steps,
        total_steps,
        config.learning_rate * config.final_lr_fraction,
    )
    optimizer = optax.adam(schedule)

    def objective(params: Any, x: jax.Array, y: jax.Array) -> jax.Array:
        return loss(model.apply(params, x), y)

    @jax.jit
    def run_epoch(params, opt_state, xb, yb):
        def update(carry, batch_xy):
            params, opt_state = carry
            value, grads = jax.value_and_grad(objective)(params, *batch_xy)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), value

        (params, opt_state), values = jax.lax.scan(update, (params, opt_state), (xb, yb))
        return params, opt_state, values.mean()

    evaluate = jax.jit(objective)

    def init(key: jax.Array) -> TrainState:
        params = model.init(key, jnp.zeros((1, split.x_train.shape[1])))
        return TrainState(params, optimizer.init(params), params)

    def step(state: TrainState, seed: int) -> TrainState:
        order = np.random.default_rng([seed, state.epoch]).permutation(len(split.x_train))
        used = order[: n_batches * batch]
        xb = split.x_train[used].reshape(n_batches, batch, -1)
        yb = split.y_train[used].reshape(n_batches, batch)
        params, opt_state, train_loss = run_epoch(
            state.params, state.opt_state, jnp.asarray(xb), jnp.asarray(yb)
        )
        val_loss = float(evaluate(params, split.x_val, split.y_val))
        epoch = state.epoch + 1
        better = val_loss < state.best_val
        return state._replace(
            params=params,
            opt_state=opt_state,
            best_params=params if better else state.best_params,
            epoch=epoch,
            best_val=val_loss if better else state.best_val,
            stale=0 if better else state.stale + 1,
            history=(*state.history, EpochRecord(epoch, float(train_loss), val_loss)),
        )

    def done(state: TrainState) -> bool:
        return state.epoch >= config.epochs or state.stale >= config.patience

    return Trainer(init, step, done, n_batches * batch)
