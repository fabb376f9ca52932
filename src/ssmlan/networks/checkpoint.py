"""Training checkpoints: a `TrainState` and the fingerprint of its run in one pickle-free ``.npz``.

The file holds ``info`` (JSON: epoch, best_val, stale, history, fingerprint, train_seconds) and
``leaf{i}``: the leaves of ``(params, opt_state, best_params)`` in pytree order. It is written to
a temporary file and then renamed, so a kill leaves the previous checkpoint intact. A file that
cannot be read as a checkpoint (truncated, or anything else in its place: nothing is ever
unpickled) is refused by name, with the way out: delete it to restart that training.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ssmlan.networks.train_loop import EpochRecord, TrainState

CHECKPOINT_FILE = "checkpoint.npz"


class Checkpoint(NamedTuple):
    """A training state and the fingerprint (data, kind, config) of the run it belongs to."""

    state: TrainState
    fingerprint: dict[str, Any]


def checkpoint_path(out: Path, member: int, members: int) -> Path:
    """Checkpoint file of ensemble member ``member`` of ``members`` in folder ``out``."""
    return out / (CHECKPOINT_FILE if members == 1 else f"checkpoint-member{member}.npz")


def save_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Write ``checkpoint`` to ``path`` atomically (temporary file, then rename)."""
    state = checkpoint.state
    info = {
        "epoch": state.epoch,
        "best_val": state.best_val,
        "stale": state.stale,
        "history": [record._asdict() for record in state.history],
        "fingerprint": checkpoint.fingerprint,
        "train_seconds": state.train_seconds,
    }
    leaves = jax.tree_util.tree_leaves((state.params, state.opt_state, state.best_params))
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as stream:
        np.savez(
            stream,
            info=np.array(json.dumps(info)),
            **{f"leaf{i}": np.asarray(leaf) for i, leaf in enumerate(leaves)},
        )
    tmp.replace(path)


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read."""


def _unreadable(path: Path, error: Exception) -> CheckpointError:
    try:
        with open(path, "rb") as stream:
            head = stream.read(4)
    except OSError:
        head = b""
    if head.startswith(b"PK"):  # a zip archive, as checkpoints are: cut short or damaged
        reason = f"it is truncated or damaged ({type(error).__name__}: {error})"
    elif head.startswith(b"\x80"):
        reason = "it is not an ssmlan checkpoint (it holds pickled data, which is never loaded)"
    else:
        reason = "it is not an ssmlan checkpoint (not a .npz archive)"
    return CheckpointError(
        f"Cannot resume from {path}: {reason}. Delete it to restart this training from scratch."
    )


_READ_ERRORS = (
    zipfile.BadZipFile,
    EOFError,
    OSError,
    KeyError,
    TypeError,
    ValueError,
    AttributeError,
)


def _read_info(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as data:
            info = json.loads(str(data["info"]))
        if not isinstance(info, dict) or "fingerprint" not in info:
            raise KeyError("fingerprint")
    except _READ_ERRORS as error:
        raise _unreadable(path, error) from None
    return info


def load_checkpoint(path: Path, template: TrainState) -> Checkpoint:
    """Read a checkpoint; ``template`` gives the pytree structure of the arrays. A file that is
    not a whole checkpoint raises `CheckpointError` naming it."""
    treedef = jax.tree_util.tree_structure(
        (template.params, template.opt_state, template.best_params)
    )
    info = _read_info(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            leaves = [jnp.asarray(data[f"leaf{i}"]) for i in range(treedef.num_leaves)]
        params, opt_state, best_params = jax.tree_util.tree_unflatten(treedef, leaves)
        state = TrainState(
            params=params,
            opt_state=opt_state,
            best_params=best_params,
            epoch=info["epoch"],
            best_val=info["best_val"],
            stale=info["stale"],
            history=tuple(EpochRecord(**record) for record in info["history"]),
            train_seconds=info["train_seconds"],
        )
    except _READ_ERRORS as error:
        raise _unreadable(path, error) from None
    return Checkpoint(state, info["fingerprint"])


def resume(path: Path, initial: TrainState, fingerprint: dict[str, Any]) -> TrainState:
    """The state saved at ``path`` if there is one (it must belong to a run with this
    ``fingerprint``), else ``initial``."""
    if not path.exists():
        return initial
    if _read_info(path)["fingerprint"] != json.loads(json.dumps(fingerprint)):
        raise ValueError(
            f"{path} belongs to another data set or config; delete it or "
            "choose another --out folder."
        )
    return load_checkpoint(path, initial).state
