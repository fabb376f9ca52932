"""Run independent jobs on all local cores or on a Dask cluster, yielding results as they finish.

Used by training-data generation (one job per shard) and by the checks (one job per fitted data
set), so both scale the same way: ``n_workers`` local processes (forkserver: safe with JAX and
Numba threads), or a Dask scheduler address.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.util import Finalize
from typing import Any


@dataclass(frozen=True)
class WorkerShare:
    """What one local worker process gets before its first job: environment variables and the
    cores it may run on (empty: any)."""

    environ: dict[str, str] = field(default_factory=dict)
    cores: tuple[int, ...] = ()


def _start_worker(shares) -> None:
    try:
        share = shares.get(timeout=5.0)
    except queue.Empty:  # more workers than shares: this one runs without
        return
    # A worker retired after its jobs (``jobs_per_worker``) hands its share to its successor.
    Finalize(None, shares.put, args=(share,), exitpriority=10)
    os.environ.update(share.environ)
    if share.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, share.cores)


def map_unordered(
    fn: Callable[..., Any],
    jobs: Iterable[tuple],
    *,
    n_workers: int = 1,
    scheduler: str | None = None,
    inline_args: tuple = (),
    worker_shares: list[WorkerShare] | None = None,
    jobs_per_worker: int | None = None,
) -> Iterator[tuple[tuple, Any]]:
    """Yield ``(job, fn(*job, *extra))`` in completion order.

    With one local worker the jobs run in this process with ``inline_args`` appended (e.g. to
    let a simulator use every thread); otherwise each job runs in a worker process (each
    taking one of ``worker_shares``, if given, before its first job; replaced by a fresh process
    after ``jobs_per_worker`` jobs, which frees what the jobs left in memory) or on the Dask
    cluster at ``scheduler``.
    """
    jobs = list(jobs)
    if scheduler is not None:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed

        with Client(scheduler) as client:
            futures = {client.submit(fn, *job, pure=False): job for job in jobs}
            for future in dask_completed(futures):
                yield futures[future], future.result()
        return
    if n_workers == 1:
        for job in jobs:
            yield job, fn(*job, *inline_args)
        return
    context = get_context("forkserver")
    shares = context.Queue()
    for share in worker_shares or []:
        shares.put(share)
    with ProcessPoolExecutor(
        n_workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(shares,),
        max_tasks_per_child=jobs_per_worker,
    ) as pool:
        futures = {pool.submit(fn, *job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
