"""Let NumPyro run MCMC chains in parallel on a CPU: one JAX device per core.

JAX shows a single CPU device unless ``XLA_FLAGS`` asks for more, and NumPyro then draws its
chains one after another. `use_all_cpu_cores` asks XLA for one host device per core. The flag
only counts if it is set before JAX starts its backend (JAX's first computation), so ``ssmlan``
calls it on import. A device count the user already set is kept; ``SSMLAN_KEEP_XLA_FLAGS=1``
turns this off. GPUs are not affected (the flag is about the host platform).
"""

from __future__ import annotations

import os

from ssmlan.parallel import WorkerShare

DEVICE_COUNT_FLAG = "--xla_force_host_platform_device_count"


#: Set (to "1") where `use_all_cpu_cores` chose the device count, so worker processes know
#: they may take a share of it (`worker_shares`) without overriding a user's own count.
CHOSEN_MARK = "SSMLAN_XLA_DEVICES_CHOSEN"


def _cores() -> list[int]:
    """The cores this process may run on (all, where the OS cannot say)."""
    if hasattr(os, "sched_getaffinity"):
        return sorted(os.sched_getaffinity(0))
    return list(range(os.cpu_count() or 1))


def _with_device_count(flags: str, count: int) -> str:
    kept = [flag for flag in flags.split() if not flag.startswith(DEVICE_COUNT_FLAG)]
    return " ".join([*kept, f"{DEVICE_COUNT_FLAG}={count}"])


def use_all_cpu_cores(environ: dict | None = None) -> None:
    """Add one host device per core to ``XLA_FLAGS`` unless a count is set or opted out."""
    environ = os.environ if environ is None else environ
    flags = environ.get("XLA_FLAGS", "")
    if environ.get("SSMLAN_KEEP_XLA_FLAGS") == "1" or DEVICE_COUNT_FLAG in flags:
        return
    environ["XLA_FLAGS"] = _with_device_count(flags, len(_cores()))
    environ[CHOSEN_MARK] = "1"


def worker_shares(n_workers: int, environ: dict | None = None) -> list[WorkerShare]:
    """For ``n_workers`` local processes that run JAX side by side: each gets its share of the
    cores, as host devices and as the cores it runs on. XLA's own threads otherwise spread every
    small computation over all cores, and parallel chains in lockstep wait on each other.
    Empty (no shares) when the user set the device count or opted out."""
    environ = os.environ if environ is None else environ
    if environ.get(CHOSEN_MARK) != "1":
        return []
    cores = _cores()
    if n_workers >= len(cores):
        groups = [(cores[i % len(cores)],) for i in range(n_workers)]
    else:
        groups = [tuple(cores[i::n_workers]) for i in range(n_workers)]
    flags = environ.get("XLA_FLAGS", "")
    return [WorkerShare({"XLA_FLAGS": _with_device_count(flags, len(g))}, g) for g in groups]
