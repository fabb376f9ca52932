"""Run independent jobs on all local cores or on a Dask cluster, yielding results as they finish.

Used by training-data generation (one job per shard) and by the checks (one job per fitted data
set), so both scale the same way: ``n_workers`` local processes (forkserver: safe with JAX and
Numba threads), or a Dask scheduler address.

No local process outlives the one that started the jobs, even killed with SIGKILL: each worker
exits when that process is gone (a watchdog thread, and on Linux the kernel's parent-death
signal through the forkserver, which `ssmlan._die_with_parent` arms); the forkserver and the
resource tracker then exit on their own once every worker has. A Dask scheduler sends results
back pickled: use only a scheduler you trust (`map_unordered`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
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


#: Seconds between a worker's checks that the process that started it is still alive.
WATCH_SECONDS = 0.5
#: The forkserver imports this module first: it arms the parent-death signal there.
DIE_WITH_PARENT = "ssmlan._die_with_parent"


def die_with_parent() -> None:
    """Linux: have the kernel SIGKILL this process when its parent dies (``prctl``); a no-op
    elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _start_time(pid: int) -> str | None:
    """The process's start time (Linux ``/proc``), to tell it from a later one with its pid;
    ``None`` where it cannot be read. A zombie counts as gone (``"Z"``)."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            fields = stream.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return "Z" if fields[0] in ("Z", "X") else fields[19]


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return started is None or _start_time(pid) == started


def _watch_main(pid: int) -> None:
    """Exit this worker as soon as process ``pid`` (the one that started the jobs) is gone."""
    started = _start_time(pid)
    if started == "Z":
        os._exit(1)

    def watch() -> None:
        while _alive(pid, started):
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="ssmlan-watch-main", daemon=True).start()


def _start_worker(share: WorkerShare | None, main_pid: int | None = None) -> None:
    if main_pid is not None:
        die_with_parent()
        _watch_main(main_pid)
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

    Dask returns each result pickled, and unpickling runs code: ``scheduler`` must be a
    cluster you trust (yours, on a network only you reach).
    """
    if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
        raise ValueError(f"the number of workers must be a positive integer; got {n_workers!r}.")
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
    if threading.current_thread() is threading.main_thread():  # the signal is per thread
        context.set_forkserver_preload(["__main__", DIE_WITH_PARENT])  # before it starts
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
                1,
                mp_context=context,
                initializer=_start_worker,
                initargs=(share, os.getpid()),
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
