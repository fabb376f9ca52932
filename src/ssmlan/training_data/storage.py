"""Sharded, versioned, pickle-free storage of training data.

A data set is a folder holding ``manifest.json`` (format version, config, fingerprint) and one
``shard-NNNNN.npz`` per shard (``allow_pickle=False``; metadata as a JSON string array). Every
file is written to a temporary name and renamed into place, so a killed run leaves whole shards
or none. Loading checks the manifest against its own fingerprint (recomputed from its config,
so a hand edit of e.g. ``n_sims``, ``max_t`` or ``n_shards`` is refused) and each shard against
the manifest, and names what is wrong.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ssmlan.models import get_model
from ssmlan.training_data.config import GeneratorConfig

#: 2: the last share of LAN label points are fast decision times (1: below the non-decision
#: time, which training drops).
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
SHARD_KEYS = ("theta", "lan_features", "lan_labels", "cpn_probs", "cpn_counts")


class DatasetError(ValueError):
    """A data set folder or shard that cannot be used as it is."""


def shard_path(folder: Path, index: int) -> Path:
    return Path(folder) / f"shard-{index:05d}.npz"


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def open_dataset(folder: Path, config: GeneratorConfig) -> None:
    """Create ``folder``'s manifest, or check that the existing one is for ``config``."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DatasetError(f"{folder} exists and is not a folder; choose another output path.")
    manifest = folder / MANIFEST
    if manifest.exists():
        existing = read_manifest(folder)
        if existing["fingerprint"] != config.fingerprint():
            raise DatasetError(
                f"{folder} holds data for another model or config ({existing['config']}); "
                f"refusing to mix it with {config.to_dict()}. Use another --out folder."
            )
        return
    if folder.exists() and any(folder.glob("shard-*.npz")):
        raise DatasetError(f"{folder} holds shards but no {MANIFEST}; refusing to mix.")
    body = {
        "format_version": FORMAT_VERSION,
        "fingerprint": config.fingerprint(),
        "config": config.to_dict(),
        "n_shards": config.n_shards,
    }
    text = json.dumps(body, indent=2).encode()
    _atomic_write(manifest, lambda stream: stream.write(text))


def read_manifest(folder: Path) -> dict:
    """The manifest of data set ``folder``, verified: its config must be valid and give its
    fingerprint, and its shard count must be the config's."""
    path = Path(folder) / MANIFEST
    try:
        body = json.loads(path.read_text())
    except FileNotFoundError:
        raise DatasetError(f"{folder} is not a data set: {MANIFEST} is missing.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise DatasetError(f"{path} is not valid JSON ({error}).") from None
    if not isinstance(body, dict):
        raise DatasetError(f"{path} is not a data set manifest (a JSON object).")
    if body.get("format_version") != FORMAT_VERSION:
        raise DatasetError(
            f"{path} has format version {body.get('format_version')!r}; this ssmlan reads "
            f"version {FORMAT_VERSION}."
        )
    config = manifest_config(path, body)
    edited = "was edited by hand or damaged; regenerate the data set (or restore the file)"
    if body.get("fingerprint") != config.fingerprint():
        raise DatasetError(
            f"{path} does not match its own fingerprint: its config {edited}, or model "
            f"{config.model!r} was redefined since. A manifest describes the shards written "
            "from it and cannot be changed afterwards."
        )
    if body.get("n_shards") != config.n_shards:
        raise DatasetError(
            f"{path} says n_shards = {body.get('n_shards')!r}, but its config makes "
            f"{config.n_shards} shards: the file {edited}."
        )
    return body


def manifest_config(path: Path, body: dict) -> GeneratorConfig:
    """The `GeneratorConfig` a manifest ``body`` (read from ``path``) records."""
    settings = body.get("config")
    if not isinstance(settings, dict):
        raise DatasetError(f"{path} has no config object; it is not a data set manifest.")
    try:
        return GeneratorConfig(**settings)
    except (TypeError, ValueError, KeyError) as error:
        raise DatasetError(
            f"{path} holds a config this ssmlan cannot use ({error}); regenerate the data set."
        ) from None


def write_shard(folder: Path, index: int, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write shard ``index`` atomically (arrays plus JSON metadata, no pickle)."""
    payload = {key: np.asarray(arrays[key]) for key in SHARD_KEYS}
    payload["meta"] = np.array(json.dumps(meta))
    path = shard_path(folder, index)
    try:
        _atomic_write(path, lambda stream: np.savez(stream, **payload))
    except OSError as error:
        raise DatasetError(
            f"Could not write {path} ({error.strerror or error}). Shards already written are "
            "kept; fix the cause (free disk space, permissions) and rerun the same command to "
            "resume."
        ) from error


def read_shard(folder: Path, index: int, fingerprint: str) -> tuple[dict[str, np.ndarray], dict]:
    """Load and check shard ``index``; a truncated or foreign shard raises `DatasetError`."""
    path = shard_path(folder, index)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in SHARD_KEYS}
            meta = json.loads(str(data["meta"]))
    except FileNotFoundError:
        raise DatasetError(
            f"{path} is missing: rerun the same `ssmlan generate` to finish."
        ) from None
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, OSError) as error:
        raise DatasetError(
            f"{path} is truncated or corrupt ({type(error).__name__}: {error}); delete it and "
            "rerun the same `ssmlan generate` to rebuild it."
        ) from None
    if meta.get("fingerprint") != fingerprint or meta.get("index") != index:
        raise DatasetError(
            f"{path} belongs to another data set (fingerprint {meta.get('fingerprint')!r}, index "
            f"{meta.get('index')!r}; expected {fingerprint!r}, {index})."
        )
    return arrays, meta


def check_shard(path: Path, arrays: dict[str, np.ndarray], meta: dict, config) -> None:
    """Raise `DatasetError` unless shard ``arrays`` have the sizes ``config`` gives them."""
    index, kept = meta["index"], meta.get("n_sets_kept")
    drawn = config.shard_sets(index)
    spec = get_model(config.model)
    redo = "Delete the shard and rerun the same `ssmlan generate` to rebuild it."
    if isinstance(kept, bool) or not isinstance(kept, int) or not 0 <= kept <= drawn:
        raise DatasetError(
            f"{path} does not match its manifest: n_sets_kept is {kept!r}, the manifest's config "
            f"draws {drawn} sets for it. {redo}"
        )
    expected = {
        "n_sets_drawn": (meta.get("n_sets_drawn"), drawn),
        "theta": (arrays["theta"].shape, (kept, spec.n_params)),
        "lan_features": (arrays["lan_features"].shape, (kept * config.n_labels, spec.n_params + 2)),
        "lan_labels": (arrays["lan_labels"].shape, (kept * config.n_labels,)),
        "cpn_probs": (arrays["cpn_probs"].shape, (kept, spec.n_choices)),
        "cpn_counts": (arrays["cpn_counts"].shape, (kept,)),
    }
    for name, (found, wanted) in expected.items():
        if found != wanted:
            raise DatasetError(
                f"{path} does not match its manifest: {name} is {found}, the manifest's config "
                f"gives {wanted}. {redo}"
            )


def finished_shards(folder: Path, n_shards: int) -> set[int]:
    """Indices whose shard file is in place (written atomically, so whole)."""
    return {i for i in range(n_shards) if shard_path(folder, i).exists()}


def read_dataset(folder: Path | str) -> tuple[dict[str, np.ndarray], list[dict]]:
    """All shards of a finished data set, concatenated and checked against the manifest, with
    each shard's metadata."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    config = manifest_config(folder / MANIFEST, manifest)
    shards = [read_shard(folder, i, manifest["fingerprint"]) for i in range(manifest["n_shards"])]
    for i, (shard_arrays, meta) in enumerate(shards):
        check_shard(shard_path(folder, i), shard_arrays, meta, config)
    arrays = {key: np.concatenate([a[key] for a, _ in shards]) for key in SHARD_KEYS}
    return arrays, [meta for _, meta in shards]


def load_dataset(folder: Path | str) -> dict[str, np.ndarray]:
    """All shards of a finished data set, concatenated and checked against the manifest."""
    return read_dataset(folder)[0]
