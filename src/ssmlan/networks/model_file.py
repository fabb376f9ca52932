"""Network files: weights and JSON metadata in one pickle-free ``.npz``, checked on load.

The metadata records the model and its spec fingerprint, parameter order, training box,
architecture, input scaling, training config, data summary and validation metrics. A SHA-256 of
the weights and the metadata is stored beside them, so a truncated or edited file is refused.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np

from ssmlan.models import get_model
from ssmlan.networks.network import KINDS, Network, lan_input_names
from ssmlan.networks.shipped import PRETRAINED, SUFFIX, shipped_name, shipped_networks

#: 2: the LAN's inputs are the parameters except t, log(rt - t) and the choice.
#: 3: weights of one or more ensemble members (``member{m}_layer{i}_kernel``).
FORMAT_VERSION = 3


class NetworkFileError(ValueError):
    """A network file that cannot be loaded as it is."""


def _checksum(arrays: dict[str, np.ndarray], meta_json: str) -> str:
    digest = hashlib.sha256(meta_json.encode())
    for key in sorted(arrays):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(arrays[key]).tobytes())
    return digest.hexdigest()


def _weight_arrays(net: Network) -> dict[str, np.ndarray]:
    arrays = {
        "input_offset": np.asarray(net.input_offset, np.float32),
        "input_scale": np.asarray(net.input_scale, np.float32),
    }
    for m, layers in enumerate(net.members):
        for i, (kernel, bias) in enumerate(layers):
            arrays[f"member{m}_layer{i}_kernel"] = np.asarray(kernel, np.float32)
            arrays[f"member{m}_layer{i}_bias"] = np.asarray(bias, np.float32)
    return arrays


def weights_digest(net: Network) -> str:
    """SHA-256 of a network's kind, model, weights and input scaling (not its metadata): the
    same for a network in memory and after a save and load."""
    return _checksum(_weight_arrays(net), f"{net.kind}:{net.spec.fingerprint()}")


def save_network(net: Network, path: Path | str) -> Path:
    """Write ``net`` to ``path`` (``.npz`` added if missing); returns the path."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_suffix(SUFFIX)
    meta = dict(net.meta)
    meta.update(
        {
            "format_version": FORMAT_VERSION,
            "kind": net.kind,
            "model": net.spec.name,
            "model_fingerprint": net.spec.fingerprint(),
            "param_names": list(net.spec.param_names),
            "box": {p.name: [p.lower, p.upper] for p in net.spec.params},
            "activation": net.activation,
            "hidden": [int(k.shape[1]) for k, _ in net.members[0][:-1]],
            "members": len(net.members),
        }
    )
    arrays = _weight_arrays(net)
    meta_json = json.dumps(meta, sort_keys=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as stream:
        np.savez(
            stream,
            meta=np.array(meta_json),
            checksum=np.array(_checksum(arrays, meta_json)),
            **arrays,
        )
    tmp.replace(path)
    return path


def _resolve(name_or_path: str | Path) -> Path:
    path = Path(name_or_path)
    if path.is_dir():
        if not (path / "network.npz").is_file():
            raise FileNotFoundError(f"{path} holds no network.npz (has training finished?).")
        path = path / "network.npz"
    if path.suffix == SUFFIX and not path.exists():
        raise FileNotFoundError(f"No network file {path}.")
    if path.suffix == SUFFIX or path.exists() or path.with_suffix(SUFFIX).exists():
        return path if path.suffix == SUFFIX else path.with_suffix(SUFFIX)
    shipped = PRETRAINED / f"{name_or_path}{SUFFIX}"
    if shipped.is_file():
        return Path(str(shipped))
    available = shipped_networks()
    raise FileNotFoundError(
        f"No network file {path} and no shipped network {str(name_or_path)!r}; shipped: "
        f"{', '.join(available) or 'none'}."
    )


def load_network(name_or_path: str | Path, kind: str | None = None) -> Network:
    """Load a network file, or a shipped one by name (``"ddm"`` with ``kind="lan"`` or
    ``"ddm_lan"``; kinds: `KINDS`). Refuses files of another format version or model spec, and
    truncated or edited files."""
    named = tuple(f"_{k}" for k in KINDS)
    if kind is not None and not str(name_or_path).endswith((*named, SUFFIX)):
        name_or_path = shipped_name(str(name_or_path), kind)
    path = _resolve(name_or_path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files if k not in ("meta", "checksum")}
            meta_json = str(data["meta"])
            checksum = str(data["checksum"])
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError) as error:
        raise NetworkFileError(f"{path} is truncated or not a network file ({error}).") from None
    if _checksum(arrays, meta_json) != checksum:
        raise NetworkFileError(f"{path} was modified after it was written (checksum mismatch).")
    meta = json.loads(meta_json)
    if meta.get("format_version") != FORMAT_VERSION:
        raise NetworkFileError(
            f"{path} has format version {meta.get('format_version')!r}; this "
            f"ssmlan reads version {FORMAT_VERSION}."
        )
    spec = get_model(meta["model"])
    if meta["model_fingerprint"] != spec.fingerprint():
        raise NetworkFileError(
            f"{path} was trained for another definition of model {spec.name!r} (parameters "
            f"{meta['param_names']}, box {meta['box']}); this ssmlan's spec differs."
        )
    if meta["kind"] not in KINDS or (kind is not None and meta["kind"] != kind):
        raise NetworkFileError(f"{path} holds a {meta['kind']!r} network, not {kind!r}.")
    if meta["kind"] == "lan" and meta.get("inputs") != lan_input_names(spec):
        raise NetworkFileError(
            f"{path} takes the inputs {meta.get('inputs')}; this ssmlan's LAN for {spec.name!r} "
            f"takes {lan_input_names(spec)}. Retrain it."
        )
    n_layers = len(meta["hidden"]) + 1
    members = tuple(
        tuple(
            (arrays[f"member{m}_layer{i}_kernel"], arrays[f"member{m}_layer{i}_bias"])
            for i in range(n_layers)
        )
        for m in range(meta["members"])
    )
    return Network(
        spec=spec,
        kind=meta["kind"],
        members=members,
        activation=meta["activation"],
        input_offset=arrays["input_offset"],
        input_scale=arrays["input_scale"],
        meta=meta,
    )
