"""One JAX host device per core, unless the user set a count or opted out."""

import jax

from ssmlan.jax_devices import DEVICE_COUNT_FLAG, use_all_cpu_cores, worker_environ
from ssmlan.parallel import map_unordered


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
    # More workers than cores: one device each, other flags kept.
    assert worker_environ(1000, env) == {"XLA_FLAGS": f"--xla_cpu_foo=1 {DEVICE_COUNT_FLAG}=1"}
    assert worker_environ(2, {"XLA_FLAGS": f"{DEVICE_COUNT_FLAG}=3"}) == {}


def test_a_worker_process_runs_jax_on_its_share():
    share = {"XLA_FLAGS": f"{DEVICE_COUNT_FLAG}=1"}
    counts = [
        c
        for _, c in map_unordered(
            jax.local_device_count, [()] * 2, n_workers=2, worker_environ=share
        )
    ]
    assert counts == [1, 1]
