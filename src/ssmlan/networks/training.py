"""Train a LAN (Huber loss on log-likelihood labels) or a CPN (sigmoid cross-entropy on choice
probabilities) with Flax and optax: warmup + cosine decay, validation split by parameter set,
early stopping, a checkpoint every epoch and resume after a kill, seeded throughout."""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax
from tqdm.auto import tqdm

from ssmlan.constants import VERSION
from ssmlan.models import ModelSpec, get_model
from ssmlan.networks.mlp import ACTIVATIONS, MLP, export_layers
from ssmlan.networks.model_file import FORMAT_VERSION, save_network
from ssmlan.networks.network import (
    KINDS,
    Network,
    calibrate_mass_nodes,
    lan_features,
    lan_input_names,
)
from ssmlan.training_data.storage import read_dataset, read_manifest

NETWORK_FILE = "network.npz"
CHECKPOINT_FILE = "checkpoint.npz"


@dataclass(frozen=True)
class TrainConfig:
    """Architecture and optimisation settings (defaults close to the LAN paper)."""

    hidden: tuple[int, ...] = (128, 128, 128)
    activation: str = "tanh"
    batch_size: int = 2048
    epochs: int = 40
    learning_rate: float = 2e-3
    warmup_epochs: float = 1.0
    final_lr_fraction: float = 0.01
    patience: int = 6
    val_fraction: float = 0.1
    seed: int = 0
    members: int = 1

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {self.activation!r}.")
        if not self.hidden or min(self.hidden) <= 0:
            raise ValueError(f"hidden must list positive layer sizes; got {self.hidden!r}.")
        for name in ("batch_size", "epochs", "patience", "members"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive; got {getattr(self, name)!r}.")
        if not 0.0 < self.val_fraction < 0.5:
            raise ValueError(f"val_fraction must be in (0, 0.5); got {self.val_fraction!r}.")


def _arrays(data: dict, kind: str, spec: ModelSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and the parameter-set id of each row. LAN rows below the non-decision
    time are dropped: the network is never asked there (the likelihood is -inf)."""
    n_sets = len(data["theta"])
    if kind == "lan":
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
    if data["cpn_probs"].shape[1] != 2:
        raise ValueError("CPNs are for two-choice models (logit of P(choice = +1)).")
    return (
        data["theta"].astype(np.float32),
        data["cpn_probs"][:, 1].astype(np.float32),
        np.arange(n_sets),
    )


def _input_scaling(spec: ModelSpec, kind: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset and scale of each input: parameters map their box to [-1, 1]; a LAN's
    log decision time is standardised; the choice (+-1) is left as it is."""
    keep = np.array([kind == "cpn" or j != spec.shift_index for j in range(spec.n_params)])
    offset, scale = ((spec.lower + spec.upper) / 2)[keep], ((spec.upper - spec.lower) / 2)[keep]
    if kind == "lan":
        log_decision = x[:, keep.sum()]
        offset = np.append(offset, [log_decision.mean(), 0.0])
        scale = np.append(scale, [log_decision.std(), 1.0])
    return offset.astype(np.float32), scale.astype(np.float32)


def _loss_fn(kind: str):
    def loss(params, model, x, y):
        pred = model.apply(params, x)
        if kind == "lan":
            return optax.huber_loss(pred, y, delta=1.0).mean()
        return optax.sigmoid_binary_cross_entropy(pred, y).mean()

    return loss


def _save_checkpoint(path: Path, state: dict) -> None:
    leaves = jax.tree_util.tree_leaves((state["params"], state["opt_state"], state["best_params"]))
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as stream:
        np.savez(
            stream,
            info=np.array(json.dumps(state["info"])),
            **{f"leaf{i}": np.asarray(leaf) for i, leaf in enumerate(leaves)},
        )
    tmp.replace(path)


def _load_checkpoint(path: Path, template: tuple) -> tuple[tuple, dict]:
    treedef = jax.tree_util.tree_structure(template)
    with np.load(path, allow_pickle=False) as data:
        info = json.loads(str(data["info"]))
        leaves = [jnp.asarray(data[f"leaf{i}"]) for i in range(treedef.num_leaves)]
    return jax.tree_util.tree_unflatten(treedef, leaves), info


@dataclass(frozen=True)
class _Split:
    """Training and validation rows (validation: whole parameter sets), inputs scaled."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: jnp.ndarray
    y_val: jnp.ndarray


def _train_member(
    member: int,
    split: _Split,
    kind: str,
    config: TrainConfig,
    checkpoint: Path,
    fingerprint: dict,
    label: str,
    progress: bool,
) -> tuple[dict, dict]:
    """Train ensemble member ``member`` (init and batch order seeded by ``seed + member``);
    resumes from ``checkpoint``. Returns the parameters of its best epoch and its history."""
    seed = config.seed + member
    model = MLP(hidden=tuple(config.hidden), activation=config.activation)
    n_batches = len(split.x_train) // config.batch_size
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
    params = model.init(jax.random.key(seed), jnp.zeros((1, split.x_train.shape[1])))
    opt_state = optimizer.init(params)
    loss = _loss_fn(kind)

    @jax.jit
    def run_epoch(params, opt_state, xb, yb):
        def step(carry, batch):
            params, opt_state = carry
            value, grads = jax.value_and_grad(loss)(params, model, *batch)
            updates, opt_state = optimizer.update(grads, opt_state, params)
            return (optax.apply_updates(params, updates), opt_state), value

        (params, opt_state), values = jax.lax.scan(step, (params, opt_state), (xb, yb))
        return params, opt_state, values.mean()

    evaluate = jax.jit(lambda params, xv, yv: loss(params, model, xv, yv))
    info = {
        "epoch": 0,
        "best_val": float("inf"),
        "stale": 0,
        "history": [],
        "fingerprint": fingerprint,
        "train_seconds": 0.0,
    }
    best_params = params
    if checkpoint.exists():
        (params, opt_state, best_params), saved = _load_checkpoint(
            checkpoint, (params, opt_state, params)
        )
        if saved["fingerprint"] != json.loads(json.dumps(fingerprint)):
            raise ValueError(
                f"{checkpoint} belongs to another data set or config; delete it or "
                "choose another --out folder."
            )
        info = saved

    bar = tqdm(
        total=config.epochs, initial=info["epoch"], unit="epoch", disable=not progress, desc=label
    )
    while info["epoch"] < config.epochs and info["stale"] < config.patience:
        start = time.perf_counter()
        perm = np.random.default_rng([seed, info["epoch"]]).permutation(len(split.x_train))
        used = perm[: n_batches * config.batch_size]
        xb = split.x_train[used].reshape(n_batches, config.batch_size, -1)
        yb = split.y_train[used].reshape(n_batches, config.batch_size)
        params, opt_state, train_loss = run_epoch(
            params, opt_state, jnp.asarray(xb), jnp.asarray(yb)
        )
        val_loss = float(evaluate(params, split.x_val, split.y_val))
        seconds = time.perf_counter() - start
        info["epoch"] += 1
        info["train_seconds"] += seconds
        info["history"].append(
            {"epoch": info["epoch"], "train_loss": float(train_loss), "val_loss": val_loss}
        )
        if val_loss < info["best_val"]:
            info["best_val"], info["stale"], best_params = val_loss, 0, params
        else:
            info["stale"] += 1
        _save_checkpoint(
            checkpoint,
            {"params": params, "opt_state": opt_state, "best_params": best_params, "info": info},
        )
        bar.update(1)
        bar.set_postfix(
            loss=f"{float(train_loss):.4f}",
            val=f"{val_loss:.4f}",
            rows_per_s=f"{len(used) / seconds:,.0f}",
        )
    bar.close()
    return best_params, info


def _checkpoint_path(out: Path, member: int, members: int) -> Path:
    return out / (CHECKPOINT_FILE if members == 1 else f"checkpoint-member{member}.npz")


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
    from the checkpoints in ``out``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be 'lan' or 'cpn'; got {kind!r}.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(data_folder)
    spec = get_model(manifest["config"]["model"])
    data, shards = read_dataset(data_folder)
    x, y, set_id = _arrays(data, kind, spec)
    rng = np.random.default_rng(config.seed)
    n_sets = int(set_id.max()) + 1
    val_sets = rng.permutation(n_sets)[: max(1, round(config.val_fraction * n_sets))]
    is_val = np.isin(set_id, val_sets)
    if (~is_val).sum() < config.batch_size:
        raise ValueError(
            f"{(~is_val).sum()} training rows is fewer than one batch "
            f"({config.batch_size}); lower batch_size or generate more data."
        )
    offset, scale = _input_scaling(spec, kind, x)
    scaled = ((x - offset) / scale).astype(np.float32)
    split = _Split(scaled[~is_val], y[~is_val], jnp.asarray(scaled[is_val]), jnp.asarray(y[is_val]))
    fingerprint = {
        "data": manifest["fingerprint"],
        "kind": kind,
        "config": asdict(config),
        "network_format": FORMAT_VERSION,  # a new input layout must not resume old weights
    }
    trained = []
    for member in range(config.members):
        label = f"train {spec.name} {kind}" + (
            f" {member + 1}/{config.members}" if config.members > 1 else ""
        )
        checkpoint = _checkpoint_path(out, member, config.members)
        trained.append(
            _train_member(member, split, kind, config, checkpoint, fingerprint, label, progress)
        )
    members = tuple(export_layers(params) for params, _ in trained)
    net = Network(
        spec=spec,
        kind=kind,
        members=members,
        activation=config.activation,
        input_offset=offset,
        input_scale=scale,
    )
    val_pred = net.raw(np.asarray(x[is_val]), jnp)
    ensemble_val = float(
        optax.huber_loss(val_pred, split.y_val, delta=1.0).mean()
        if kind == "lan"
        else optax.sigmoid_binary_cross_entropy(val_pred, split.y_val).mean()
    )
    infos = [info for _, info in trained]
    meta = {
        "ssmlan_version": VERSION,
        "output": "log-likelihood (floored at log(1e-7))"
        if kind == "lan"
        else "logit P(choice=+1)",
        "inputs": lan_input_names(spec) if kind == "lan" else list(spec.param_names),
        "train_config": asdict(config),
        "training": {
            "best_val_loss": ensemble_val,
            "members": [
                {"epochs_run": i["epoch"], "best_val_loss": i["best_val"], "history": i["history"]}
                for i in infos
            ],
            "wall_seconds": round(sum(i["train_seconds"] for i in infos), 1),
            "n_train_rows": len(split.x_train),
            "n_val_rows": len(split.y_val),
        },
        "data": {
            "folder": Path(data_folder).name,
            "fingerprint": manifest["fingerprint"],
            "generator_config": manifest["config"],
            "n_param_sets": int(sum(s["n_sets_kept"] for s in shards)),
            "n_simulations": int(sum(s["n_simulations"] for s in shards)),
            "generation_compute_seconds": round(sum(s["compute_seconds"] for s in shards), 1),
        },
    }
    if kind == "lan":
        meta["mass_nodes"] = calibrate_mass_nodes(net)
    net = dataclasses.replace(net, meta=meta)
    save_network(net, out / NETWORK_FILE)
    return net
