"""Run independent jobs on all local cores or on a Dask cluster, yielding results as they finish.

Used by training-data generation (one job per shard) and by the checks (one job per fitted data
set), so both scale the same way: ``n_workers`` local processes (forkserver: safe with JAX and
Numba threads), or a Dask scheduler address.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any


@dataclass(frozen=True)
class WorkerShare:
    """What one local worker process gets before its first job: environment variables and the
    cores it may run on (empty: any)."""

    environ: dict[str, str] = field(default_factory=dict)
    cores: tuple[int, ...] = ()


def _start_worker(share: WorkerShare | None) -> None:
    if share is None:
        return
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
    with the same share after ``jobs_per_worker`` jobs, which frees what the jobs left in
    memory) or on the Dask cluster at ``scheduler``.
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
    yield from _map_local(fn, jobs, n_workers, worker_shares or [], jobs_per_worker)


def _map_local(fn, jobs, n_workers, shares, jobs_per_worker) -> Iterator[tuple[tuple, Any]]:
    """One single-process pool per worker slot, so that a slot keeps its share when its process
    is replaced (``ProcessPoolExecutor(max_tasks_per_child=...)`` did not replace retired
    processes here on Python 3.11: the pool shrank until a check hung)."""
    context = get_context("forkserver")
    pending = iter(jobs)
    pools: list[ProcessPoolExecutor | None] = [None] * n_workers
    used = [0] * n_workers
    running: dict[Future, tuple[int, tuple]] = {}

    def refill(slot: int) -> None:
        job = next(pending, None)
        if job is None:
            return
        pool = pools[slot]
        if pool is None or (jobs_per_worker is not None and used[slot] >= jobs_per_worker):
            if pool is not None:
                pool.shutdown()
            share = shares[slot] if slot < len(shares) else None
            pools[slot] = ProcessPoolExecutor(
                1, mp_context=context, initializer=_start_worker, initargs=(share,)
            )
            used[slot] = 0
        used[slot] += 1
        running[pools[slot].submit(fn, *job)] = (slot, job)

    try:
        for slot in range(n_workers):
            refill(slot)
        while running:
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                slot, job = running.pop(future)
                result = future.result()
                refill(slot)
                yield job, result
    finally:
        for pool in pools:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
