"""Networks: forward pass, training resume, model-file integrity, box checks."""

import dataclasses
import itertools
import json

import jax.numpy as jnp
import numpy as np
import pytest

import ssmlan
from ssmlan.networks import NetworkFileError, load_network, save_network
from ssmlan.networks import training as training_module
from ssmlan.networks.mlp import MLP, export_layers, forward
from ssmlan.networks.training import TrainConfig, train
from ssmlan.training_data import GeneratorConfig, generate

TINY = TrainConfig(hidden=(16, 16), epochs=4, batch_size=128, patience=10)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    config = GeneratorConfig(
        "ddm", n_param_sets=20, n_sims=5000, n_labels=100, shard_size=5, seed=2
    )
    generate(config, folder, n_workers=1, progress=False)
    return folder


@pytest.fixture(scope="module")
def lan(dataset, tmp_path_factory):
    return train(dataset, "lan", tmp_path_factory.mktemp("lan"), TINY, progress=False)


def test_forward_matches_flax():
    import jax

    model = MLP(hidden=(8, 8), activation="tanh")
    x = np.random.default_rng(0).normal(size=(5, 6)).astype(np.float32)
    params = model.init(jax.random.key(0), jnp.zeros((1, 6)))
    expected = np.asarray(model.apply(params, x))
    np.testing.assert_allclose(forward(export_layers(params), x, "tanh"), expected, rtol=1e-5)


def test_lan_logp_is_floored_and_minus_inf_below_t(lan):
    from ssmlan.likelihoods.fast_edge import ddm_fast_edge_logp

    logp = lan.logp([1.0, 1.5, 0.5, 0.5], [0.2, 0.5, 0.9, 30.0], [1, 1, 1, -1])
    assert logp[0] == -np.inf and logp[1] == -np.inf
    assert np.all(np.isfinite(logp[2:]))
    assert logp[2] >= np.log(1e-7) - 1e-6
    # 29.5 s against the drift: the fast-edge bound (above the exact density) is far below
    # the floor there, and the density follows it.
    bound = ddm_fast_edge_logp(np.float32(29.5), -1.0, 1.0, 1.5, 0.5)
    assert logp[3] == pytest.approx(bound, abs=1e-3) and bound < np.log(1e-7) - 1


def test_outside_the_box_is_refused(lan):
    with pytest.raises(ValueError, match=r"'a' = 3.0 is outside the network's training box"):
        lan.logp([1.0, 3.0, 0.5, 0.5], [1.0], [1])


def test_interrupted_training_resumes_to_the_same_network(dataset, tmp_path, monkeypatch, lan):
    real_save = training_module._save_checkpoint
    calls = {"n": 0}

    def save_then_die(path, state):
        real_save(path, state)
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # a kill right after the second epoch's checkpoint

    monkeypatch.setattr(training_module, "_save_checkpoint", save_then_die)
    with pytest.raises(KeyboardInterrupt):
        train(dataset, "lan", tmp_path, TINY, progress=False)
    monkeypatch.setattr(training_module, "_save_checkpoint", real_save)
    resumed = train(dataset, "lan", tmp_path, TINY, progress=False)
    assert resumed.meta["training"]["members"][0]["epochs_run"] == 4
    for (k1, b1), (k2, b2) in zip(resumed.members[0], lan.members[0], strict=True):
        np.testing.assert_allclose(k1, k2, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(b1, b2, rtol=1e-6, atol=1e-7)


def test_ensemble_averages_members_and_its_first_member_is_the_single_network(
    dataset, tmp_path, lan
):
    config = dataclasses.replace(TINY, members=2)
    ensemble = train(dataset, "lan", tmp_path / "ensemble", config, progress=False)
    assert len(ensemble.members) == 2
    for (k1, b1), (k2, b2) in zip(ensemble.members[0], lan.members[0], strict=True):
        np.testing.assert_allclose(k1, k2, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(b1, b2, rtol=1e-6, atol=1e-7)
    assert not np.allclose(ensemble.members[1][0][0], ensemble.members[0][0][0])
    x = np.random.default_rng(0).normal(size=(50, 5)).astype(np.float32)
    scaled = (x - ensemble.input_offset) / ensemble.input_scale
    each = [forward(layers, scaled, "tanh") for layers in ensemble.members]
    np.testing.assert_allclose(ensemble.raw(x), (each[0] + each[1]) / 2, rtol=1e-5, atol=1e-6)
    loaded = load_network(save_network(ensemble, tmp_path / "e.npz"))
    np.testing.assert_allclose(loaded.raw(x), ensemble.raw(x), rtol=1e-6)
    assert loaded.meta["members"] == 2


def test_an_ensemble_grows_by_training_only_its_new_members(dataset, tmp_path, monkeypatch):
    two = train(dataset, "lan", tmp_path, dataclasses.replace(TINY, members=2), progress=False)
    epochs_trained = []
    real_save = training_module._save_checkpoint

    def counting_save(path, checkpoint):  # called once per epoch trained
        epochs_trained.append(path.name)
        real_save(path, checkpoint)

    monkeypatch.setattr(training_module, "_save_checkpoint", counting_save)
    three = train(dataset, "lan", tmp_path, dataclasses.replace(TINY, members=3), progress=False)
    assert epochs_trained == ["checkpoint-member2.npz"] * TINY.epochs
    assert len(three.members) == 3
    for old, new in zip(two.members, three.members[:2], strict=True):
        for (k1, b1), (k2, b2) in zip(old, new, strict=True):
            np.testing.assert_array_equal(k1, k2)
            np.testing.assert_array_equal(b1, b2)
    assert not np.allclose(three.members[2][0][0], three.members[0][0][0])


def test_checkpoint_of_another_config_is_refused(dataset, tmp_path):
    train(dataset, "lan", tmp_path, TINY, progress=False)
    with pytest.raises(ValueError, match="another data set or config"):
        train(
            dataset,
            "lan",
            tmp_path,
            TrainConfig(hidden=(8,), epochs=2, batch_size=128),
            progress=False,
        )


def test_model_file_roundtrip(lan, tmp_path):
    path = save_network(lan, tmp_path / "net")
    loaded = load_network(path)
    assert loaded.meta["model"] == "ddm" and loaded.meta["kind"] == "lan"
    x = ([1.0, 1.5, 0.5, 0.3], [0.5, 1.0], [1, -1])
    np.testing.assert_array_equal(loaded.logp(*x), lan.logp(*x))


def _rewrite(path, edit):
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    edit(arrays)
    with open(path, "wb") as stream:
        np.savez(stream, **arrays)


def test_truncated_file_is_refused(lan, tmp_path):
    path = save_network(lan, tmp_path / "net")
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(NetworkFileError, match="truncated"):
        load_network(path)


def test_edited_weights_are_refused(lan, tmp_path):
    path = save_network(lan, tmp_path / "net")
    _rewrite(path, lambda a: a.__setitem__("member0_layer0_bias", a["member0_layer0_bias"] + 0.01))
    with pytest.raises(NetworkFileError, match="modified"):
        load_network(path)


def set_meta(key, value):
    """An edit for `_rewrite`: one metadata entry changed, the checksum renewed."""
    from ssmlan.networks.model_file import _checksum

    def edit(arrays):
        meta = json.loads(str(arrays["meta"]))
        meta[key] = value
        text = json.dumps(meta, sort_keys=True)
        arrays["meta"] = np.array(text)
        rest = {k: v for k, v in arrays.items() if k not in ("meta", "checksum")}
        arrays["checksum"] = np.array(_checksum(rest, text))

    return edit


def test_other_spec_and_version_are_refused(lan, tmp_path):
    path = save_network(lan, tmp_path / "a")
    _rewrite(path, set_meta("model_fingerprint", "0" * 16))
    with pytest.raises(NetworkFileError, match="another definition of model 'ddm'"):
        load_network(path)
    path = save_network(lan, tmp_path / "b")
    _rewrite(path, set_meta("format_version", 99))
    with pytest.raises(NetworkFileError, match="format version 99"):
        load_network(path)


def test_unknown_shipped_name_lists_what_ships():
    with pytest.raises(FileNotFoundError, match="shipped"):
        load_network("no_such_model_lan")


def test_cpn_probabilities_are_stable(dataset, tmp_path):
    cpn = train(
        dataset, "cpn", tmp_path, TrainConfig(hidden=(8,), epochs=2, batch_size=4), progress=False
    )
    p = cpn.choice_prob([[2.0, 2.0, 0.5, 0.5], [-2.0, 2.0, 0.5, 0.5]])
    assert np.all((p > 0) & (p < 1))
    logit = np.array([80.0, -80.0], dtype=np.float32)
    from ssmlan.networks.network import Network

    stable = Network.choice_logp_xp
    fake = type("Fake", (), {"raw": lambda self, theta, xp: logit})()
    values = stable(fake, None, np.array([-1.0, 1.0]), np)
    np.testing.assert_allclose(values, [-80.0, -80.0], rtol=1e-6)


def test_keeps_the_best_epoch_when_validation_gets_worse(dataset, tmp_path):
    # A far too large learning rate makes validation loss jump around: epochs that do not
    # improve must not disturb the best weights kept so far (a donated-buffer bug once did).
    config = TrainConfig(hidden=(8,), epochs=6, batch_size=64, learning_rate=0.5, patience=3)
    net = train(dataset, "lan", tmp_path, config, progress=False)
    member = net.meta["training"]["members"][0]
    history = member["history"]
    assert member["best_val_loss"] == min(h["val_loss"] for h in history)
    assert any(b["val_loss"] >= a["val_loss"] for a, b in itertools.pairwise(history))
    # The saved weights are the best epoch's: their validation loss, recomputed, is the best.
    assert net.meta["training"]["best_val_loss"] == pytest.approx(member["best_val_loss"], 1e-4)


def test_single_epoch_training_works(dataset, tmp_path):
    # Warm-up of one epoch used to leave no steps for the cosine decay and crash.
    net = train(
        dataset, "lan", tmp_path, TrainConfig(hidden=(4,), epochs=1, batch_size=128), progress=False
    )
    assert net.meta["training"]["members"][0]["epochs_run"] == 1
    with pytest.raises(FileNotFoundError, match=r"holds no network\.npz"):
        load_network(tmp_path.parent)


def test_a_full_ddm_lan_starts_at_the_shift_less_its_jitter(tmp_path):
    """full_ddm jitters the shift uniformly on t +- st, so rts start at t - st: a tiny LAN
    trained on it has a density there (not -inf, as when training dropped rt <= t), -inf only
    below t - st, and its mass integral (the quadrature) is the integral of its density from
    t - st on (trapezoid on 20,000 points; relative tolerance 2%)."""
    config = GeneratorConfig(
        "full_ddm", n_param_sets=10, n_sims=2000, n_labels=100, shard_size=5, seed=3
    )
    generate(config, tmp_path / "data", n_workers=1, progress=False)
    net = train(tmp_path / "data", "lan", tmp_path / "lan", TINY, progress=False)
    theta = [1.0, 1.0, 0.5, 0.6, 0.1, 0.5, 0.2]  # v a z t sz sv st: rts from 0.4 s
    logp = net.logp(theta, [0.39, 0.45, 0.55, 0.65], [1, 1, 1, 1])
    assert logp[0] == -np.inf and np.all(np.isfinite(logp[1:]))
    grid = np.linspace(0.4 + 1e-4, 0.4 + net.mass_horizon, 20_000)
    for choice in (-1, 1):
        density = np.exp(net.logp(theta, grid, np.full(len(grid), choice)))
        mass = np.exp(net.log_mass_xp(np.array([theta], np.float32), np.array([choice]), np))[0]
        assert np.trapezoid(density, grid) == pytest.approx(mass, rel=0.02)


def test_a_weibull_lan_sees_the_collapse_clock_in_density_and_mass(tmp_path):
    """The weibull boundary collapses on its own clock, alpha log(tau / beta): a LAN gets it as
    an input, in its density and in its mass quadrature alike (the quadrature equals the
    trapezoid integral of the density, relative tolerance 2%). A LAN file whose inputs differ
    from this ssmlan's is refused."""
    from ssmlan.networks.network import lan_features, lan_input_names

    spec = ssmlan.get_model("weibull")
    assert lan_input_names(spec) == [
        "v", "a", "z", "alpha", "beta", "log(rt - t)", "collapse clock", "choice"
    ]  # fmt: skip
    theta = np.array([[1.0, 1.0, 0.5, 0.3, 2.0, 0.5]])  # v a z t alpha beta
    x = lan_features(spec, theta, np.array([0.9]), np.array([1.0]))
    np.testing.assert_allclose(x[0, 5:], [np.log(0.6), 2.0 * np.log(0.6 / 0.5), 1.0])
    config = GeneratorConfig(
        "weibull", n_param_sets=10, n_sims=2000, n_labels=100, shard_size=5, seed=3
    )
    generate(config, tmp_path / "data", n_workers=1, progress=False)
    net = train(tmp_path / "data", "lan", tmp_path / "lan", TINY, progress=False)
    assert net.members[0][0][0].shape[0] == 8
    grid = np.linspace(0.3 + 1e-4, 0.3 + net.mass_horizon, 20_000)
    for choice in (-1, 1):
        density = np.exp(net.logp(theta[0], grid, np.full(len(grid), choice)))
        mass = net.log_mass_xp(theta.astype(np.float32), np.array([choice]), np)
        assert np.trapezoid(density, grid) == pytest.approx(np.exp(mass[0]), rel=0.02)

    path = save_network(net, tmp_path / "lan")
    without_clock = [n for n in net.meta["inputs"] if n != "collapse clock"]
    _rewrite(path, set_meta("inputs", without_clock))
    with pytest.raises(NetworkFileError, match="Retrain it"):
        load_network(path)


def test_the_shipped_models_are_those_with_both_networks():
    from ssmlan.networks.shipped import shipped_models, shipped_networks

    pairs = shipped_models("lan", "cpn")
    assert {"ddm", "angle"} <= set(pairs)
    assert all(f"{m}_lan" in shipped_networks() and f"{m}_cpn" in shipped_networks() for m in pairs)
    assert set(shipped_models("normalizer")) <= set(pairs)
