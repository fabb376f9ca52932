"""One JAX host device per core, unless the user set a count or opted out."""

import os

import jax

from ssmlan.jax_devices import DEVICE_COUNT_FLAG, use_all_cpu_cores, worker_shares
from ssmlan.parallel import WorkerShare, map_unordered


def test_adds_a_device_count_to_existing_flags():
    env = {"XLA_FLAGS": "--xla_cpu_foo=1"}
    use_all_cpu_cores(env)
    assert env["XLA_FLAGS"].startswith("--xla_cpu_foo=1 " + DEVICE_COUNT_FLAG + "=")


def test_keeps_a_users_count_and_honours_the_opt_out():
    env = {"XLA_FLAGS": f"{DEVICE_COUNT_FLAG}=3"}
    use_all_cpu_cores(env)
    assert env["XLA_FLAGS"] == f"{DEVICE_COUNT_FLAG}=3"
    env = {"SSMLAN_KEEP_XLA_FLAGS": "1"}
    use_all_cpu_cores(env)
    assert "XLA_FLAGS" not in env


def test_ssmlan_exposes_load_network_lazily():
    import ssmlan

    assert ssmlan.load_network("ddm", "cpn").kind == "cpn"


def test_workers_get_a_share_of_the_cores_unless_the_user_set_the_count():
    env = {"XLA_FLAGS": "--xla_cpu_foo=1"}
    use_all_cpu_cores(env)
    cores = sorted(os.sched_getaffinity(0))
    # More workers than cores: one core and one device each, other flags kept.
    shares = worker_shares(len(cores) + 1, env)
    assert [s.cores for s in shares] == [(c,) for c in cores] + [(cores[0],)]
    assert shares[0].environ == {"XLA_FLAGS": f"--xla_cpu_foo=1 {DEVICE_COUNT_FLAG}=1"}
    one = worker_shares(1, env)
    assert one[0].cores == tuple(cores)
    assert one[0].environ["XLA_FLAGS"].endswith(f"{DEVICE_COUNT_FLAG}={len(cores)}")
    assert worker_shares(2, {"XLA_FLAGS": f"{DEVICE_COUNT_FLAG}=3"}) == []


def _device_count_and_cores() -> tuple[int, tuple[int, ...]]:
    return jax.local_device_count(), tuple(sorted(os.sched_getaffinity(0)))


def test_each_worker_process_runs_jax_on_its_share():
    core = min(os.sched_getaffinity(0))
    shares = [WorkerShare({"XLA_FLAGS": f"{DEVICE_COUNT_FLAG}=1"}, (core,))] * 2
    results = map_unordered(_device_count_and_cores, [()] * 2, n_workers=2, worker_shares=shares)
    assert [r for _, r in results] == [(1, (core,))] * 2


def _share_marker_and_pid() -> tuple[str | None, int]:
    return os.environ.get("SSMLAN_TEST_SHARE"), os.getpid()


def test_a_replaced_worker_process_keeps_its_share():
    shares = [WorkerShare({"SSMLAN_TEST_SHARE": name}) for name in ("first", "second")]
    results = map_unordered(
        _share_marker_and_pid, [()] * 6, n_workers=2, worker_shares=shares, jobs_per_worker=1
    )
    markers, pids = zip(*(r for _, r in results), strict=True)
    assert len(set(pids)) == 6  # every job ran in a fresh process
    assert set(markers) == {"first", "second"}  # both slots ran, none without its share
