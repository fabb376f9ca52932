"""Generate a training data set: shards of parameter sets, LAN labels and CPN labels.

Shard ``i`` depends only on ``(config, i)``: its random stream is seeded by ``(seed, i)``, so the
data are identical whatever the number of workers or the order shards finish in. Workers compute;
the calling process writes each shard atomically as it arrives, so rerunning the same command
after a crash or kill skips finished shards and loses only those in flight. One run at a time
writes a folder: a second one is refused (`lock_folder`).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from ssmlan.constants import MIN_DECISION_TIME, VERSION
from ssmlan.models import get_model
from ssmlan.parallel import map_unordered
from ssmlan.simulate import simulate
from ssmlan.training_data.config import GeneratorConfig
from ssmlan.training_data.kde_labels import kde_log_density
from ssmlan.training_data.parameters import defect_reasons, sample_parameters, tally
from ssmlan.training_data.storage import (
    DatasetError,
    finished_shards,
    open_dataset,
    write_shard,
)

#: The lock file a generation run holds in its data set folder (``fcntl.flock``).
LOCK_FILE = ".generate.lock"


def _label_points(rng, rt, choice, shift, config, choices) -> tuple[np.ndarray, np.ndarray]:
    n_sim = round(config.frac_simulated * config.n_labels)
    n_uniform = round(config.frac_uniform * config.n_labels)
    n_fast = config.n_labels - n_sim - n_uniform
    decided = np.flatnonzero(np.isfinite(rt))
    picks = decided[rng.integers(0, len(decided), n_sim)]
    points_rt = np.concatenate(
        [
            rt[picks],
            rng.uniform(0.0, config.max_t, n_uniform),
            shift + np.exp(rng.uniform(np.log(MIN_DECISION_TIME), np.log(config.max_t), n_fast)),
        ]
    )
    points_choice = np.concatenate(
        [choice[picks], rng.choice(np.asarray(choices), n_uniform + n_fast)]
    )
    return points_rt, points_choice


def make_shard(config: GeneratorConfig, index: int, n_threads: int | None = 1) -> tuple[dict, dict]:
    """Compute shard ``index``: arrays (see `storage.SHARD_KEYS`) and metadata."""
    start = time.perf_counter()
    spec = get_model(config.model)
    rng = np.random.default_rng([config.seed, index])
    theta = sample_parameters(
        spec, config.shard_sets(index), rng, config.sampler, config.box_margin
    )
    sims = simulate(
        spec,
        theta,
        config.n_sims,
        seed=int(rng.integers(2**62)),
        dt=config.dt,
        max_t=config.max_t,
        n_threads=n_threads,
    )
    reasons = [defect_reasons(sims.rt[k]) for k in range(len(theta))]
    keep = np.array([not r for r in reasons])
    shifts = spec.smallest_rt(theta)
    features, labels = [], []
    for k in np.flatnonzero(keep):
        rt, choice = _label_points(rng, sims.rt[k], sims.choice[k], shifts[k], config, spec.choices)
        labels.append(
            kde_log_density(
                sims.rt[k],
                sims.choice[k],
                rt,
                choice,
                shifts[k],
                spec.choices,
                config.bandwidth_scale,
            )
        )
        features.append(np.column_stack([np.tile(theta[k], (len(rt), 1)), rt, choice]))
    counts = np.stack([(sims.choice[keep] == c).sum(axis=1) for c in spec.choices], axis=1)
    n_decided = counts.sum(axis=1)
    denominator = (
        n_decided if config.cpn_labels == "decided" else np.full(len(counts), config.n_sims)
    )
    probs = counts / denominator[:, None]
    if config.cpn_labels == "analytic":
        by_name = dict(zip(spec.param_names, theta[keep].T, strict=True))
        probs = np.stack(
            [np.exp(spec.analytic_choice_logp(c, **by_name)) for c in spec.choices], axis=1
        )
    arrays = {
        "theta": theta[keep],
        "lan_features": np.concatenate(features) if features else np.empty((0, spec.n_params + 2)),
        "lan_labels": np.concatenate(labels) if labels else np.empty(0),
        "cpn_probs": probs,
        "cpn_counts": denominator,
    }
    meta = {
        "index": index,
        "fingerprint": config.fingerprint(),
        "model": spec.name,
        "model_fingerprint": spec.fingerprint(),
        "config": config.to_dict(),
        "ssmlan_version": VERSION,
        "n_sets_drawn": len(theta),
        "n_sets_kept": int(keep.sum()),
        "dropped": tally(reasons),
        "n_simulations": len(theta) * config.n_sims,
        "compute_seconds": round(time.perf_counter() - start, 3),
    }
    return arrays, meta


@contextlib.contextmanager
def lock_folder(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on data set ``folder`` (created if missing) while writing it; a
    second run into the same folder is refused, naming the run that holds it. The kernel
    releases the lock when the holder exits, however it ends; the lock file is removed when the
    run ends (a killed run leaves it behind, unlocked and harmless)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise DatasetError(f"{folder} exists and is not a folder; choose another output path.")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    while True:
        stream = open(path, "a+")
        try:
            fcntl.flock(stream, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip()
            stream.close()
            raise DatasetError(
                f"{folder} is being written by another `ssmlan generate` run"
                + (f" (pid {holder})" if holder.isdigit() else "")
                + "; wait for it to finish (rerun it then to resume) or choose another --out "
                "folder."
            ) from None
        try:
            same = os.path.samestat(os.fstat(stream.fileno()), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        stream.close()  # the holder removed the file after we opened it: lock the new one
    with stream:
        stream.truncate(0)
        stream.write(str(os.getpid()))
        stream.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def generate(
    config: GeneratorConfig,
    out: Path | str,
    *,
    n_workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
) -> dict:
    """Write (or finish) the data set for ``config`` in ``out``; returns a summary.

    ``n_workers``: local processes (default: all cores); ``scheduler``: a Dask scheduler address
    to run the shards on a cluster instead (only one you trust: results come back pickled).
    Finished shards are skipped; a second run into ``out`` while this one runs is refused.
    """
    if n_workers is not None and (not isinstance(n_workers, int) or n_workers < 1):
        raise ValueError(f"n_workers must be a positive integer; got {n_workers!r}.")
    out = Path(out)
    with lock_folder(out):
        return _generate(config, out, n_workers, scheduler, progress)


def _generate(
    config: GeneratorConfig, out: Path, n_workers: int | None, scheduler: str | None, progress: bool
) -> dict:
    open_dataset(out, config)
    todo = sorted(set(range(config.n_shards)) - finished_shards(out, config.n_shards))
    n_workers = n_workers or os.cpu_count() or 1
    kept = drawn = 0
    dropped: dict[str, int] = {}
    bar = tqdm(
        total=config.n_shards,
        initial=config.n_shards - len(todo),
        unit="shard",
        disable=not progress,
        desc=f"generate {config.model}",
    )
    # Worker processes simulate on one thread each; a single local worker uses all threads.
    results = map_unordered(
        make_shard,
        [(config, i) for i in todo],
        n_workers=n_workers,
        scheduler=scheduler,
        inline_args=(None,),
    )
    for (_, index), (arrays, meta) in results:
        write_shard(out, index, arrays, meta)
        kept += meta["n_sets_kept"]
        drawn += meta["n_sets_drawn"]
        for reason, count in meta["dropped"].items():
            dropped[reason] = dropped.get(reason, 0) + count
        bar.update(1)
        bar.set_postfix(sets_per_s=f"{drawn / max(bar.format_dict['elapsed'], 1e-9):.1f}")
    bar.close()
    return {"shards_written": len(todo), "sets_drawn": drawn, "sets_kept": kept, "dropped": dropped}
