"""Let NumPyro run MCMC chains in parallel on a CPU: one JAX device per core.

JAX shows a single CPU device unless ``XLA_FLAGS`` asks for more, and NumPyro then draws its
chains one after another. `use_all_cpu_cores` asks XLA for one host device per core. The flag
only counts if it is set before JAX starts its backend (JAX's first computation), so ``ssmlan``
calls it on import. A device count the user already set is kept; ``SSMLAN_KEEP_XLA_FLAGS=1``
turns this off. GPUs are not affected (the flag is about the host platform).
"""

from __future__ import annotations

import os

DEVICE_COUNT_FLAG = "--xla_force_host_platform_device_count"


def use_all_cpu_cores(environ: dict | None = None) -> None:
    """Add one host device per core to ``XLA_FLAGS`` unless a count is set or opted out."""
    environ = os.environ if environ is None else environ
    flags = environ.get("XLA_FLAGS", "")
    if environ.get("SSMLAN_KEEP_XLA_FLAGS") == "1" or DEVICE_COUNT_FLAG in flags:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    environ["XLA_FLAGS"] = f"{flags} {DEVICE_COUNT_FLAG}={max(cores or 1, 1)}".strip()
