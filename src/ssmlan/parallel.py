"""Run independent jobs on all local cores or on a Dask cluster, yielding results as they finish.

Used by training-data generation (one job per shard) and by the checks (one job per fitted data
set), so both scale the same way: ``n_workers`` local processes (forkserver: safe with JAX and
Numba threads), or a Dask scheduler address.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any


def _update_environ(values: dict[str, str]) -> None:
    os.environ.update(values)


def map_unordered(
    fn: Callable[..., Any],
    jobs: Iterable[tuple],
    *,
    n_workers: int = 1,
    scheduler: str | None = None,
    inline_args: tuple = (),
    worker_environ: dict[str, str] | None = None,
) -> Iterator[tuple[tuple, Any]]:
    """Yield ``(job, fn(*job, *extra))`` in completion order.

    With one local worker the jobs run in this process with ``inline_args`` appended (e.g. to
    let a simulator use every thread); otherwise each job runs in a worker process (whose
    environment gets ``worker_environ`` before its first job) or on the Dask cluster at
    ``scheduler``.
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
    with ProcessPoolExecutor(
        n_workers,
        mp_context=get_context("forkserver"),
        initializer=_update_environ,
        initargs=(worker_environ or {},),
    ) as pool:
        futures = {pool.submit(fn, *job): job for job in jobs}
        for future in as_completed(futures):
            yield futures[future], future.result()
