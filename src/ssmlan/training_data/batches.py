"""Shuffled mini-batches streamed from shards, holding only a few shards in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ssmlan.training_data.storage import read_manifest, read_shard

#: (features key, labels key) for each network kind; CPN features are the parameters alone.
KINDS = {"lan": ("lan_features", "lan_labels"), "cpn": ("theta", "cpn_probs")}


def iter_batches(
    folder: Path | str,
    kind: str,
    batch_size: int,
    seed: int,
    shards: list[int] | None = None,
    buffer_shards: int = 8,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """One epoch of ``(features, labels)`` batches in a seeded random order.

    Shards are visited in a shuffled order, ``buffer_shards`` at a time; rows are shuffled
    within that buffer, so memory holds at most ``buffer_shards`` shards. ``shards`` restricts
    the epoch to some shard indices (e.g. a validation split). The last batch may be smaller.
    CPN labels are the probability of the last choice (choice +1 for two-choice models).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}; got {kind!r}.")
    if batch_size <= 0 or buffer_shards <= 0:
        raise ValueError(
            f"batch_size and buffer_shards must be positive; got {batch_size}, {buffer_shards}."
        )
    manifest = read_manifest(folder)
    indices = list(range(manifest["n_shards"])) if shards is None else list(shards)
    rng = np.random.default_rng(seed)
    order = rng.permutation(indices)
    features_key, labels_key = KINDS[kind]
    for start in range(0, len(order), buffer_shards):
        parts = [
            read_shard(folder, int(i), manifest["fingerprint"])[0]
            for i in order[start : start + buffer_shards]
        ]
        features = np.concatenate([p[features_key] for p in parts])
        labels = np.concatenate([p[labels_key] for p in parts])
        if kind == "cpn":
            labels = labels[:, -1]
        perm = rng.permutation(len(features))
        for b in range(0, len(perm), batch_size):
            rows = perm[b : b + batch_size]
            yield features[rows], labels[rows]
