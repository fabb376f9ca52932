"""Train a LAN or a CPN (`ssmlan.networks.objectives`) on a data set with Flax and optax:
validation split by parameter set, early stopping, an ensemble of members if asked, a checkpoint
every epoch and resume after a kill, seeded throughout (`ssmlan.networks.train_loop`)."""

from __future__ import annotations

import dataclasses
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from tqdm.auto import tqdm

from ssmlan.constants import VERSION
from ssmlan.models import get_model
from ssmlan.networks.checkpoint import (
    CHECKPOINT_FILE,
    Checkpoint,
    checkpoint_path,
    resume,
    save_checkpoint,
)
from ssmlan.networks.mlp import export_layers
from ssmlan.networks.model_file import FORMAT_VERSION, save_network
from ssmlan.networks.network import Network
from ssmlan.networks.objectives import get_objective
from ssmlan.networks.train_config import TrainConfig
from ssmlan.networks.train_loop import Split, Trainer, TrainState, make_trainer, validation_rows
from ssmlan.training_data.storage import read_dataset, read_manifest

__all__ = ["CHECKPOINT_FILE", "NETWORK_FILE", "TrainConfig", "train"]

NETWORK_FILE = "network.npz"
#: Looked up at each epoch, so a test can patch it to simulate a kill after a checkpoint.
_save_checkpoint = save_checkpoint


def _run_member(
    trainer: Trainer,
    seed: int,
    checkpoint: Path,
    fingerprint: dict[str, Any],
    epochs: int,
    label: str,
    progress: bool,
) -> TrainState:
    """Train one member (init and batch order seeded by ``seed``) from its checkpoint, if
    any, writing a checkpoint after every epoch; returns its final state."""
    state = resume(checkpoint, trainer.init(jax.random.key(seed)), fingerprint)
    bar = tqdm(total=epochs, initial=state.epoch, unit="epoch", disable=not progress, desc=label)
    while not trainer.done(state):
        start = time.perf_counter()
        state = trainer.step(state, seed)
        seconds = time.perf_counter() - start
        state = state._replace(train_seconds=state.train_seconds + seconds)
        _save_checkpoint(checkpoint, Checkpoint(state, fingerprint))
        last = state.history[-1]
        bar.update(1)
        bar.set_postfix(
            loss=f"{last.train_loss:.4f}",
            val=f"{last.val_loss:.4f}",
            rows_per_s=f"{trainer.rows_per_epoch / seconds:,.0f}",
        )
    bar.close()
    return state


def _data_summary(data_folder: Path, manifest: dict, shards: list[dict]) -> dict[str, Any]:
    return {
        "folder": data_folder.name,
        "fingerprint": manifest["fingerprint"],
        "generator_config": manifest["config"],
        "n_param_sets": int(sum(s["n_sets_kept"] for s in shards)),
        "n_simulations": int(sum(s["n_simulations"] for s in shards)),
        "generation_compute_seconds": round(sum(s["compute_seconds"] for s in shards), 1),
    }


def train(
    data_folder: Path | str,
    kind: str,
    out: Path | str,
    config: TrainConfig = TrainConfig(),
    progress: bool = True,
) -> Network:
    """Train a ``kind`` network ("lan" or "cpn") on a data set; writes ``out/network.npz``.

    ``config.members`` > 1 trains an ensemble, one member after another, on the same
    training/validation split. Rerunning with the same arguments after an interruption resumes
    from the checkpoints in ``out``; so does a rerun with more members, which trains only the new
    ones (a member's checkpoint does not depend on the ensemble's size).
    """
    objective = get_objective(kind)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(data_folder)
    spec = get_model(manifest["config"]["model"])
    data, shards = read_dataset(data_folder)
    x, y, set_id = objective.arrays(data, spec)
    is_val = validation_rows(set_id, config.val_fraction, config.seed)
    if (~is_val).sum() < config.batch_size:
        raise ValueError(
            f"{(~is_val).sum()} training rows is fewer than one batch "
            f"({config.batch_size}); lower batch_size or generate more data."
        )
    offset, scale = objective.input_scaling(spec, x)
    scaled = ((x - offset) / scale).astype(np.float32)
    split = Split(scaled[~is_val], y[~is_val], jnp.asarray(scaled[is_val]), jnp.asarray(y[is_val]))
    fingerprint = {
        "data": manifest["fingerprint"],
        "kind": kind,
        "config": {k: v for k, v in asdict(config).items() if k != "members"},
        "network_format": FORMAT_VERSION,  # a new input layout must not resume old weights
    }
    trainer = make_trainer(objective.loss, config, split)
    states = []
    for member in range(config.members):
        label = f"train {spec.name} {kind}" + (
            f" {member + 1}/{config.members}" if config.members > 1 else ""
        )
        checkpoint = checkpoint_path(out, member, config.members)
        states.append(
            _run_member(
                trainer,
                config.seed + member,
                checkpoint,
                fingerprint,
                config.epochs,
                label,
                progress,
            )
        )
    net = Network(
        spec=spec,
        kind=kind,
        members=tuple(export_layers(s.best_params) for s in states),
        activation=config.activation,
        input_offset=offset,
        input_scale=scale,
    )
    val_pred = net.raw(np.asarray(x[is_val]), jnp)
    meta = {
        "ssmlan_version": VERSION,
        "output": objective.output,
        "inputs": objective.input_names(spec),
        "train_config": asdict(config),
        "training": {
            "best_val_loss": float(objective.loss(val_pred, split.y_val)),
            "members": [
                {
                    "epochs_run": s.epoch,
                    "best_val_loss": s.best_val,
                    "history": [record._asdict() for record in s.history],
                }
                for s in states
            ],
            "wall_seconds": round(sum(s.train_seconds for s in states), 1),
            "n_train_rows": len(split.x_train),
            "n_val_rows": len(split.y_val),
        },
        "data": _data_summary(Path(data_folder), manifest, shards),
    }
    net = dataclasses.replace(net, meta=meta)  # calibrated with its own horizon (meta's max_t)
    net = dataclasses.replace(net, meta={**meta, **objective.calibrate(net)})
    save_network(net, out / NETWORK_FILE)
    return net
