"""One JAX host device per core, unless the user set a count or opted out."""

from ssmlan.jax_devices import DEVICE_COUNT_FLAG, use_all_cpu_cores


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
