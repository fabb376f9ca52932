"""Training data: labels against the analytic DDM, storage checks, determinism."""

import numpy as np
import pytest

import ssmlan
from ssmlan.constants import LOG_DENSITY_FLOOR
from ssmlan.likelihoods import ddm_choice_logp, ddm_logp
from ssmlan.training_data import DatasetError, GeneratorConfig, generate, load_dataset
from ssmlan.training_data.kde_labels import kde_log_density
from ssmlan.training_data.parameters import sample_parameters, widened_box
from ssmlan.training_data.storage import shard_path

SMALL = dict(n_param_sets=12, n_sims=20_000, n_labels=100, shard_size=4, seed=3)


@pytest.mark.parametrize(
    "theta",
    [
        dict(v=1.0, a=1.5, z=0.3, t=0.5),
        dict(v=-2.5, a=0.4, z=0.5, t=0.1),
        dict(v=0.2, a=2.3, z=0.7, t=1.0),
    ],
)
def test_kde_labels_match_the_analytic_density(theta):
    sims = ssmlan.simulate("ddm", theta, 100_000, seed=1)
    rng = np.random.default_rng(0)
    pick = rng.integers(0, 100_000, 2000)
    labels = kde_log_density(
        sims.rt, sims.choice, sims.rt[pick], sims.choice[pick], theta["t"], (-1, 1)
    )
    exact = np.maximum(ddm_logp(sims.rt[pick], sims.choice[pick], **theta), LOG_DENSITY_FLOOR)
    error = np.abs(labels - exact)
    # Measured at n_sims = 1e5: median ~0.008, 95th percentile ~0.03 (log units).
    assert np.median(error) < 0.02
    assert np.percentile(error, 95) < 0.08


def test_kde_labels_of_a_fast_levy_set_match_its_histogram_at_the_simulated_rts():
    # Decisions within a few steps of dt = 1e-3. Training labels sit at simulated rts; dated to
    # their step's end (a lattice), the log-rt KDE peaked on the lattice and those labels were
    # 1.48x the density in the first 20 ms (median). Dated uniformly in the step: 0.99.
    theta = dict(v=0.5, a=0.3, z=0.7, alpha=1.9, t=0.2)
    sims = ssmlan.simulate("levy", theta, 20_000, seed=3)
    reference = ssmlan.simulate("levy", theta, 200_000, seed=4)
    edges = theta["t"] + np.arange(0.0, 0.0201, 0.002)
    counts, _ = np.histogram(reference.rt[reference.choice == 1], edges)
    density = counts / len(reference.rt) / np.diff(edges)
    fast = (sims.choice == 1) & (sims.rt < edges[-1])
    points = sims.rt[fast][:2000]
    labels = kde_log_density(
        sims.rt, sims.choice, points, np.ones(len(points), int), theta["t"], (-1, 1), 0.2
    )
    ratio = np.exp(labels) / density[np.searchsorted(edges, points) - 1]
    assert 0.9 < np.median(ratio) < 1.1


def test_labels_below_t_take_the_floor():
    sims = ssmlan.simulate("ddm", dict(v=1.0, a=1.0, z=0.5, t=0.5), 10_000, seed=1)
    labels = kde_log_density(
        sims.rt, sims.choice, np.array([-0.5, 0.2, 0.5]), np.array([1, -1, 1]), 0.5, (-1, 1)
    )
    np.testing.assert_array_equal(labels, LOG_DENSITY_FLOOR)


def test_dataset_roundtrip_and_cpn_labels(tmp_path):
    config = GeneratorConfig("ddm", **SMALL)
    summary = generate(config, tmp_path / "ds", n_workers=1, progress=False)
    assert summary["shards_written"] == 3
    data = load_dataset(tmp_path / "ds")
    n_sets = len(data["theta"])
    assert data["lan_features"].shape == (n_sets * 100, 6)
    assert np.all(np.isfinite(data["lan_labels"]))
    assert np.all(data["lan_labels"] >= LOG_DENSITY_FLOOR)
    spec = ssmlan.get_model("ddm")
    assert np.all((data["theta"] >= spec.lower) & (data["theta"] <= spec.upper))
    v, a, z = data["theta"][:, 0], data["theta"][:, 1], data["theta"][:, 2]
    exact = np.exp(ddm_choice_logp(1, v, a, z))
    se = np.sqrt(exact * (1 - exact) / 20_000) + 1e-4
    assert np.all(np.abs(data["cpn_probs"][:, 1] - exact) < 5 * se)  # 5 SE per set


def test_rerun_skips_finished_shards(tmp_path):
    config = GeneratorConfig("ddm", **SMALL)
    generate(config, tmp_path, n_workers=1, progress=False)
    again = generate(config, tmp_path, n_workers=1, progress=False)
    assert again["shards_written"] == 0


def test_same_data_whatever_the_number_of_workers(tmp_path):
    config = GeneratorConfig("angle", **SMALL)
    generate(config, tmp_path / "one", n_workers=1, progress=False)
    generate(config, tmp_path / "two", n_workers=2, progress=False)
    one, two = load_dataset(tmp_path / "one"), load_dataset(tmp_path / "two")
    for key in one:
        np.testing.assert_array_equal(one[key], two[key])


def test_corrupted_shard_is_named(tmp_path):
    config = GeneratorConfig("ddm", **SMALL)
    generate(config, tmp_path, n_workers=1, progress=False)
    path = shard_path(tmp_path, 1)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(DatasetError, match=r"shard-00001.npz is truncated or corrupt"):
        load_dataset(tmp_path)


def test_folder_of_another_config_is_refused(tmp_path):
    generate(GeneratorConfig("ddm", **SMALL), tmp_path, n_workers=1, progress=False)
    with pytest.raises(DatasetError, match="another model or config"):
        generate(GeneratorConfig("angle", **SMALL), tmp_path, n_workers=1, progress=False)
    with pytest.raises(DatasetError, match="another model or config"):
        generate(
            GeneratorConfig("ddm", **(SMALL | {"n_sims": 999})),
            tmp_path,
            n_workers=1,
            progress=False,
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(n_sims=0), "n_sims must be a positive integer"),
        (dict(n_param_sets=-1), "n_param_sets must be a positive integer"),
        (dict(sampler="grid"), "sampler must be"),
        (dict(box_margin=-0.1), "box_margin must be in"),
    ],
)
def test_bad_config_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GeneratorConfig("ddm", **kwargs)


def test_unknown_model_is_refused():
    with pytest.raises(KeyError, match="Valid models"):
        GeneratorConfig("dmm")


def test_output_path_that_is_a_file_is_refused(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DatasetError, match="is not a folder"):
        generate(GeneratorConfig("ddm", **SMALL), blocker, n_workers=1, progress=False)


def test_full_disk_keeps_finished_shards_and_resumes(tmp_path, monkeypatch):
    import errno

    from ssmlan.training_data import storage

    config = GeneratorConfig("ddm", **SMALL)
    real_savez = np.savez
    calls = {"n": 0}

    def savez_until_full(stream, **arrays):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_savez(stream, **arrays)

    monkeypatch.setattr(storage.np, "savez", savez_until_full)
    with pytest.raises(DatasetError, match=r"shard-00001.npz \(No space left on device\)"):
        generate(config, tmp_path, n_workers=1, progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "shard-00000.npz"]
    monkeypatch.setattr(storage.np, "savez", real_savez)
    assert generate(config, tmp_path, n_workers=1, progress=False)["shards_written"] == 2
    assert len(load_dataset(tmp_path)["theta"]) == 12


def test_analytic_cpn_labels_for_the_ddm(tmp_path):
    config = GeneratorConfig("ddm", **SMALL, cpn_labels="analytic")
    generate(config, tmp_path, n_workers=1, progress=False)
    data = load_dataset(tmp_path)
    v, a, z = data["theta"][:, :3].T
    np.testing.assert_allclose(data["cpn_probs"][:, 1], np.exp(ddm_choice_logp(1, v, a, z)))
    np.testing.assert_allclose(data["cpn_probs"].sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="has none"):
        GeneratorConfig("angle", cpn_labels="analytic")


def test_cpn_labels_are_choice_proportions_among_decided_trials(tmp_path):
    # max_t = 3 s leaves many slow ddm sets partly undecided; both label kinds see the same
    # simulations (same seed), so they differ exactly by the share of decided trials.
    settings = dict(SMALL, n_sims=2000, max_t=3.0)
    by_kind = {}
    for kind in ("decided", "empirical"):
        generate(
            GeneratorConfig("ddm", **settings, cpn_labels=kind),
            tmp_path / kind,
            n_workers=1,
            progress=False,
        )
        by_kind[kind] = load_dataset(tmp_path / kind)
    decided, empirical = by_kind["decided"], by_kind["empirical"]
    np.testing.assert_array_equal(decided["theta"], empirical["theta"])
    share = decided["cpn_counts"] / 2000
    assert share.min() < 0.95  # some sets are partly undecided: the test can tell the kinds apart
    np.testing.assert_allclose(decided["cpn_probs"].sum(axis=1), 1.0)
    np.testing.assert_allclose(empirical["cpn_probs"], decided["cpn_probs"] * share[:, None])
    assert GeneratorConfig("ddm").cpn_labels == "decided"


def test_box_margin_widens_the_draws_within_each_domain():
    spec = ssmlan.get_model("ddm")
    lower, upper = widened_box(spec, 0.05)
    # v, a, z widen by 5% of their width; t would go below 0 (its domain) and keeps its bound.
    np.testing.assert_allclose(lower, [-3.3, 0.19, 0.06, 0.0])
    np.testing.assert_allclose(upper, [3.3, 2.61, 0.94, 2.1])
    theta = sample_parameters(spec, 20_000, np.random.default_rng(0), margin=0.05)
    assert np.all((theta >= lower) & (theta <= upper))
    outside = (theta < spec.lower) | (theta > spec.upper)
    assert 0.05 < outside[:, 0].mean() < 0.12  # 2 x 0.05 / 1.1 of v's draws lie past the box


@pytest.mark.parametrize("sampler", ["uniform", "sobol"])
def test_widened_draws_never_start_before_zero(sampler):
    # full_ddm's widened box pairs t down to 0.15 with st up to 0.2625; such sets are redrawn.
    spec = ssmlan.get_model("full_ddm")
    theta = sample_parameters(spec, 5_000, np.random.default_rng(1), sampler, margin=0.05)
    assert theta.shape == (5_000, spec.n_params)
    assert spec.smallest_rt(theta).min() >= 0
    t = theta[:, spec.shift_index]
    assert t.min() < spec.shift.lower  # the margin still widens t where st allows it


def test_box_margin_changes_the_fingerprint_only_when_set():
    plain = GeneratorConfig("ddm", **SMALL)
    assert "box_margin" not in plain.to_dict()
    assert GeneratorConfig("ddm", **SMALL, box_margin=0.0).fingerprint() == plain.fingerprint()
    assert GeneratorConfig("ddm", **SMALL, box_margin=0.05).fingerprint() != plain.fingerprint()
