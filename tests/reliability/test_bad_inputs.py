"""Bad inputs, as a new user makes them: each gets one clear error before any work starts (or
the documented correct behaviour), never a traceback, a silent misreading or a NaN.

Three tables: the command line (`ssmlan.cli.main` run in this process: exit status 2 and one
line of stderr naming the value and what is allowed), the Python API (the exception and its
message) and the documented behaviour of inputs that are fine. Nothing here samples: the
errors must come before sampling anyway. Data sets are tiny and made once per module.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import jax.numpy as jnp
import numpy as np
import pandas as pd
import pymc as pm
import pytest

from ssmlan.cli import main
from ssmlan.likelihoods import ddm_choice_logp, ddm_logp
from ssmlan.models import get_model
from ssmlan.networks import NetworkFileError, load_network
from ssmlan.networks.checkpoint import Checkpoint, CheckpointError, resume, save_checkpoint
from ssmlan.networks.train_loop import TrainState
from ssmlan.pymc import SSM
from ssmlan.pymc.data import as_trials, shift_initval
from ssmlan.simulate import simulate
from ssmlan.training_data import GeneratorConfig, generate, load_dataset
from ssmlan.training_data.generation import LOCK_FILE
from ssmlan.training_data.storage import DatasetError, shard_path, write_shard

DDM = get_model("ddm")
TINY_DATA = dict(n_param_sets=6, n_sims=2000, n_labels=50, shard_size=3, seed=1)
THETA = "v=1,a=1,z=0.5,t=0.3"
GOOD_CSV = "rt,choice\n0.5,1\n0.7,-1\n0.9,1\n"
TINY_TRAIN = ["--hidden", "4", "--epochs", "1", "--batch-size", "16"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data") / "ddm"
    generate(GeneratorConfig("ddm", **TINY_DATA), folder, n_workers=1, progress=False)
    return folder


@pytest.fixture(scope="module")
def nets():
    return SimpleNamespace(lan=load_network("ddm", "lan"), cpn=load_network("ddm", "cpn"))


# --- setups: each makes what a case needs in its temporary folder -------------------------


def _copy_data(tmp: Path, dataset: Path) -> Path:
    target = tmp / "data"
    shutil.copytree(dataset, target)
    return target


def _edit_manifest(**changes):
    def setup(tmp: Path, dataset: Path) -> None:
        path = _copy_data(tmp, dataset) / "manifest.json"
        body = json.loads(path.read_text())
        for key, value in changes.items():
            if key == "n_shards":
                body["n_shards"] = value
            else:
                body["config"][key] = value
        path.write_text(json.dumps(body))

    return setup


def _write_manifest_text(text: str):
    def setup(tmp: Path, dataset: Path) -> None:
        (_copy_data(tmp, dataset) / "manifest.json").write_text(text)

    return setup


def _truncate_shard(tmp: Path, dataset: Path) -> None:
    path = shard_path(_copy_data(tmp, dataset), 1)
    path.write_bytes(path.read_bytes()[:200])


def _remove_shard(tmp: Path, dataset: Path) -> None:
    shard_path(_copy_data(tmp, dataset), 1).unlink()


def _shrink_shard(tmp: Path, dataset: Path) -> None:
    """A shard whose arrays no longer match its manifest (its metadata untouched)."""
    folder = _copy_data(tmp, dataset)
    with np.load(shard_path(folder, 0), allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "meta"}
        meta = json.loads(str(data["meta"]))
    arrays["lan_labels"] = arrays["lan_labels"][:-5]
    write_shard(folder, 0, arrays, meta)


def _foreign_data(tmp: Path, dataset: Path) -> None:
    _copy_data(tmp, dataset)


def _lock_data(tmp: Path, dataset: Path) -> None:
    """Another run holds the folder's lock (the lock is per open file: this one conflicts)."""
    import fcntl

    folder = _copy_data(tmp, dataset)
    stream = open(folder / LOCK_FILE, "w")  # closed at teardown
    stream.write("4242")
    stream.flush()
    fcntl.flock(stream, fcntl.LOCK_EX)
    _HELD.append(stream)


_HELD: list = []


@pytest.fixture(autouse=True)
def _release_locks():
    yield
    while _HELD:
        _HELD.pop().close()


def _checkpoint(content: bytes | None = None, truncate: bool = False):
    def setup(tmp: Path, dataset: Path) -> None:
        out = tmp / "net"
        out.mkdir()
        path = out / "checkpoint.npz"
        if content is not None:
            path.write_bytes(content)
        else:
            _tiny_checkpoint(path)
            if truncate:
                path.write_bytes(path.read_bytes()[:100])

    return setup


def _tiny_checkpoint(path: Path) -> None:
    params = {"w": jnp.zeros(3)}
    state = TrainState(params=params, opt_state=(), best_params=params)
    save_checkpoint(path, Checkpoint(state, {"data": "x"}))


def _bad_network(tmp: Path, dataset: Path) -> None:
    (tmp / "net.npz").write_bytes(b"PK\x03\x04 not a network")


def _file(name: str, content: str):
    def setup(tmp: Path, dataset: Path) -> None:
        (tmp / name).write_text(content)

    return setup


def _csv(content: str):
    return _file("trials.csv", content)


def _both(*setups):
    def setup(tmp: Path, dataset: Path) -> None:
        for one in setups:
            one(tmp, dataset)

    return setup


def _folder(name: str):
    def setup(tmp: Path, dataset: Path) -> None:
        (tmp / name).mkdir()

    return setup


# --- the command line -------------------------------------------------------------------

FIT = ["fit", "{tmp}/trials.csv", "--out", "{tmp}/out"]
SIM = ["simulate", "--model", "ddm", "--theta", THETA]
GEN = ["generate", "--model", "ddm", "--n-param-sets", "6", "--n-sims", "2000"]
GEN += ["--n-labels", "50", "--shard-size", "3", "--seed", "1", "--workers", "1"]
TRAIN = ["train", "--data", "{tmp}/data", "--kind", "lan", "--out", "{tmp}/net", *TINY_TRAIN]
CHECK = ["check", "recovery", "--n-datasets", "2", "--out", "{tmp}/check", "--workers", "1"]

CLI_CASES = [
    # ssmlan fit: the trials file
    ("fit-missing-file", FIT, None, r"No such data file: .*trials\.csv"),
    ("fit-empty-file", FIT, _csv(""), r"trials\.csv is empty"),
    ("fit-header-only", FIT, _csv("rt,choice\n"), r"Data holds no trials"),
    ("fit-no-choice-column", FIT, _csv("rt,resp\n0.5,1\n"), r"lacks column\(s\) \['choice'\]"),
    ("fit-no-rt-column", FIT, _csv("time,choice\n0.5,1\n"), r"lacks column\(s\) \['rt'\]"),
    (
        "fit-duplicated-column",
        FIT,
        _csv("rt,choice,rt\n0.5,1,0.6\n"),
        r"more than one column named 'rt'",
    ),
    ("fit-rt-not-a-number", FIT, _csv("rt,choice\nslow,1\n"), r"row 0: 'slow' is not a number"),
    ("fit-negative-rt", FIT, _csv("rt,choice\n0.5,1\n-1,1\n"), r"row 1: -1\.0; rts must be"),
    ("fit-zero-rt", FIT, _csv("rt,choice\n0,1\n0.5,1\n"), r"row 0: 0\.0; rts must be positive"),
    ("fit-infinite-rt", FIT, _csv("rt,choice\n0.5,1\ninf,1\n"), r"row 1: inf; rts must be"),
    (
        "fit-milliseconds",
        FIT,
        _csv("rt,choice\n350,1\n512,-1\n801,1\n"),
        r"rts look like milliseconds: divide by 1000",
    ),
    (
        "fit-rt-past-horizon",
        FIT,
        _csv("rt,choice\n0.5,1\n0.7,-1\n100,1\n0.6,1\n"),
        r"row 2: 100 s is past the network's horizon: .* up to 20 s",
    ),
    ("fit-choice-2", FIT, _csv("rt,choice\n0.5,2\n"), r"'choice' row 0: 2; choices must be one"),
    ("fit-choice-text", FIT, _csv("rt,choice\n0.5,left\n"), r"'choice' row 0: 'left'; choices"),
    ("fit-choice-empty", FIT, _csv("rt,choice\n0.5,\n"), r"'choice' row 0: nan; choices"),
    ("fit-unknown-model", [*FIT, "--model", "dmd"], _csv(GOOD_CSV), r"Unknown model 'dmd'"),
    (
        "fit-no-analytic",
        [*FIT, "--model", "angle", "--likelihood", "analytic"],
        _csv(GOOD_CSV),
        r"'angle' has no analytic likelihood",
    ),
    ("fit-depends-format", [*FIT, "--depends", "v"], _csv(GOOD_CSV), r"expects PARAM=COLUMN"),
    ("fit-lan-is-cpn", [*FIT, "--lan", "ddm_cpn"], _csv(GOOD_CSV), r"holds a 'cpn' network, not"),
    ("fit-lan-missing", [*FIT, "--lan", "{tmp}/none.npz"], _csv(GOOD_CSV), r"No network file"),
    (
        "fit-lan-analytic",
        [*FIT, "--likelihood", "analytic", "--lan", "ddm_lan"],
        _csv(GOOD_CSV),
        r"--lan: networks are for --likelihood network only",
    ),
    ("fit-depends-column", [*FIT, "--depends", "v=cond"], _csv(GOOD_CSV), r"no column 'cond'"),
    ("fit-depends-param", [*FIT, "--depends", "q=rt"], _csv(GOOD_CSV), r"no parameter 'q'"),
    ("fit-formula-format", [*FIT, "--formula", "v 1"], _csv(GOOD_CSV), r"expects PARAM ~ TERMS"),
    ("fit-fix-not-number", [*FIT, "--fix", "z=half"], _csv(GOOD_CSV), r"expects PARAM=NUMBER"),
    ("fit-fix-unknown", [*FIT, "--fix", "q=1"], _csv(GOOD_CSV), r"no parameter 'q'"),
    (
        "fit-fix-outside-box",
        [*FIT, "--fix", "z=0"],
        _csv(GOOD_CSV),
        r"'z' can reach \[0, 0\] .* outside the network's training box \[0\.1, 0\.9\]",
    ),
    (
        "fit-analytic-z-0",
        [*FIT, "--fix", "z=0", "--likelihood", "analytic"],
        _csv(GOOD_CSV),
        r"'z' is 0, outside its domain \(0, 1\)",
    ),
    (
        "fit-analytic-a-negative",
        [*FIT, "--fix", "a=-1", "--likelihood", "analytic"],
        _csv(GOOD_CSV),
        r"'a' is -1, outside its domain \(0, inf\)",
    ),
    (
        "fit-depends-and-formula",
        [*FIT, "--depends", "v=rt", "--formula", "a ~ 1"],
        _csv(GOOD_CSV),
        r"either --depends or --formula/--fix, not both",
    ),
    ("fit-out-is-a-file", FIT, _both(_csv(GOOD_CSV), _file("out", "x")), r"--out .*out is a"),
    ("fit-draws-0", [*FIT, "--draws", "0"], _csv(GOOD_CSV), r"draws must be an integer >= 1"),
    ("fit-chains-0", [*FIT, "--chains", "0"], _csv(GOOD_CSV), r"chains must be an integer >= 1"),
    (
        "fit-target-accept",
        [*FIT, "--target-accept", "1.5"],
        _csv(GOOD_CSV),
        r"target_accept must be a number in \(0, 1\)",
    ),
    (
        "fit-low-rank-numpyro",
        [*FIT, "--sampler", "numpyro", "--low-rank-mass-matrix"],
        _csv(GOOD_CSV),
        r"A low-rank mass matrix is nutpie's",
    ),
    (
        "fit-centered-no-formula",
        [*FIT, "--centered"],
        _csv(GOOD_CSV),
        r"--centered is about the group terms of --formula",
    ),
    ("fit-draws-text", [*FIT, "--draws", "many"], None, r"argument --draws: invalid int value"),
    ("fit-sampler", [*FIT, "--sampler", "stan"], None, r"argument --sampler: invalid choice"),
    ("fit-no-data-argument", ["fit"], None, r"the following arguments are required: data"),
    # ssmlan simulate
    ("sim-unknown-model", ["simulate", "--model", "dmd", "--theta", THETA], None, r"'dmd'"),
    ("sim-duplicated-param", [*SIM[:-1], f"{THETA},v=2"], None, r"gives 'v' twice \(1 and 2\)"),
    ("sim-missing-param", [*SIM[:-1], "v=1,a=1,z=0.5"], None, r"missing: t"),
    ("sim-unknown-param", [*SIM[:-1], f"{THETA},q=1"], None, r"unknown: q"),
    ("sim-not-a-number", [*SIM[:-1], "v=fast,a=1,z=0.5,t=0.3"], None, r"'v' is not a number"),
    ("sim-no-equals", [*SIM[:-1], "v1,a=1,z=0.5,t=0.3"], None, r"expected name=value"),
    ("sim-a-zero", [*SIM[:-1], "v=1,a=0,z=0.5,t=0.3"], None, r"'a' .* is 0\.0; .* \(0, inf\)"),
    ("sim-z-one", [*SIM[:-1], "v=1,a=1,z=1,t=0.3"], None, r"'z' .* is 1\.0; .* \(0, 1\)"),
    ("sim-t-negative", [*SIM[:-1], "v=1,a=1,z=0.5,t=-1"], None, r"'t' .* is -1\.0; .* \[0, inf\)"),
    ("sim-n-zero", [*SIM, "-n", "0"], None, r"positive integer; got 0"),
    ("sim-n-negative", [*SIM, "-n", "-5"], None, r"positive integer; got -5"),
    ("sim-n-huge", [*SIM, "-n", "10000000000"], None, r"10,000,000,000 trials need .* GiB"),
    ("sim-out-no-folder", [*SIM, "-o", "{tmp}/nope/x.csv"], None, r"folder .*nope does not"),
    ("sim-out-is-folder", [*SIM, "-o", "{tmp}/dir"], _folder("dir"), r"dir is a folder"),
    ("sim-dt-zero", [*SIM, "--dt", "0"], None, r"dt must be in \(0, 0\.1\] seconds; got 0"),
    ("sim-max-t", [*SIM, "--max-t", "-1"], None, r"max_t must be a positive number .* got -1"),
    ("sim-seed", [*SIM, "--seed", "-1"], None, r"seed must be an integer in \[0, 2\*\*63\)"),
    # ssmlan generate
    ("gen-unknown-model", ["generate", "--model", "dmd", "--out", "{tmp}/d"], None, r"'dmd'"),
    ("gen-n-sims-0", [*GEN, "--n-sims", "0", "--out", "{tmp}/d"], None, r"n_sims must be .* 0"),
    ("gen-sampler", [*GEN, "--sampler", "grid", "--out", "{tmp}/d"], None, r"invalid choice"),
    (
        "gen-fractions",
        [*GEN, "--frac-simulated", "0.9", "--frac-uniform", "0.2", "--out", "{tmp}/d"],
        None,
        r"sum <= 1",
    ),
    (
        "gen-analytic-labels",
        ["generate", "--model", "angle", "--cpn-labels", "analytic", "--out", "{tmp}/d"],
        None,
        r"needs a closed-form choice probability",
    ),
    (
        "gen-workers",
        [*GEN, "--workers", "-2", "--out", "{tmp}/d"],
        None,
        r"n_workers must be a positive integer; got -2",
    ),
    ("gen-out-is-file", [*GEN, "--out", "{tmp}/f"], _file("f", "x"), r"f exists and is not a"),
    (
        "gen-other-config",
        [*GEN, "--n-sims", "3000", "--out", "{tmp}/data"],
        _foreign_data,
        r"holds data for another model or config",
    ),
    (
        "gen-folder-locked",
        [*GEN, "--out", "{tmp}/data"],
        _lock_data,
        r"data is being written by another `ssmlan generate` run \(pid 4242\)",
    ),
    # ssmlan train: data set folders and checkpoints
    ("train-no-data", TRAIN, None, r"is not a data set: manifest\.json is missing"),
    ("train-kind", ["train", "--data", "d", "--kind", "ddm", "--out", "o"], None, r"--kind: inv"),
    ("train-manifest-n-sims", TRAIN, _edit_manifest(n_sims=9000), r"match its own fingerprint"),
    ("train-manifest-max-t", TRAIN, _edit_manifest(max_t=40.0), r"match its own fingerprint"),
    ("train-manifest-n-shards", TRAIN, _edit_manifest(n_shards=1), r"says n_shards = 1"),
    ("train-manifest-json", TRAIN, _write_manifest_text("{oops"), r"is not valid JSON"),
    ("train-manifest-list", TRAIN, _write_manifest_text("[1]"), r"not a data set manifest"),
    ("train-shard-truncated", TRAIN, _truncate_shard, r"shard-00001\.npz is truncated or corrupt"),
    ("train-shard-missing", TRAIN, _remove_shard, r"shard-00001\.npz is missing"),
    (
        "train-shard-edited",
        TRAIN,
        _shrink_shard,
        r"shard-00000\.npz does not match its manifest: lan_labels",
    ),
    # ssmlan validate / check: network files, counts
    ("validate-missing", ["validate", "{tmp}/none.npz"], None, r"No network file"),
    ("validate-corrupt", ["validate", "{tmp}/net.npz"], _bad_network, r"truncated or not a"),
    ("check-one-dataset", [*CHECK[:2], "--n-datasets", "1"], None, r"at least 2 .* got 1"),
    ("check-unknown-model", [*CHECK, "--model", "dmd"], None, r"Unknown model 'dmd'"),
    ("check-n-trials-0", [*CHECK, "--n-trials", "0"], None, r"n_trials must be an integer >= 1"),
    ("check-workers", [*CHECK, "--workers", "-1"], None, r"n_workers must be an integer >= 1"),
    ("check-lan-missing", [*CHECK, "--lan", "{tmp}/none.npz"], None, r"No network file"),
    ("check-lan-is-cpn", [*CHECK, "--lan", "ddm_cpn"], None, r"holds a 'cpn' network, not 'lan'"),
    ("unknown-command", ["fitt"], None, r"argument command: invalid choice: 'fitt'"),
]


def _needs_dataset(setup) -> bool:
    return setup in (_truncate_shard, _remove_shard, _shrink_shard, _foreign_data, _lock_data) or (
        getattr(setup, "__qualname__", "").startswith(("_edit_manifest", "_write_manifest_text"))
    )


@pytest.mark.parametrize(
    ("argv", "setup", "match"),
    [pytest.param(argv, setup, match, id=name) for name, argv, setup, match in CLI_CASES],
)
def test_command_line_refuses_with_one_line(argv, setup, match, tmp_path, capsys, request):
    if setup is not None:
        dataset = request.getfixturevalue("dataset") if _needs_dataset(setup) else None
        setup(tmp_path, dataset)
    code = main([arg.replace("{tmp}", str(tmp_path)) for arg in argv])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2, err
    assert "Traceback" not in err
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert lines[0].startswith("ssmlan"), lines[0]
    assert re.search(match, lines[0]), lines[0]
    assert "np.int64" not in lines[0] and "np.float64" not in lines[0]


@pytest.mark.parametrize(
    "setup",
    [
        pytest.param(_checkpoint(truncate=True), id="truncated"),
        pytest.param(_checkpoint(pickle.dumps({"epoch": 3})), id="pickle"),
        pytest.param(_checkpoint(b"\x00" * 64), id="zeros"),
    ],
)
def test_corrupt_checkpoint_names_the_file_and_the_way_out(setup, tmp_path, capsys, dataset):
    """`ssmlan train` resuming from a damaged checkpoint: the file, and delete it to restart."""
    shutil.copytree(dataset, tmp_path / "data")
    setup(tmp_path, dataset)
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in TRAIN]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.search(r"Cannot resume from .*net/checkpoint\.npz: .* Delete it to restart", err)
    assert "allow_pickle" not in err


# --- the Python API ---------------------------------------------------------------------


def _ssm(nets, observed=GOOD_CSV, likelihood="network", **overrides):
    """Build ``SSM`` (inside a fresh model) on ``observed`` (CSV text or DataFrame)."""
    if isinstance(observed, str):
        from io import StringIO

        observed = pd.read_csv(StringIO(observed))
    params = dict(v=0.5, a=1.0, z=0.5, t=0.1)
    options = {"likelihood": likelihood, "share_rows": False}
    for key, value in overrides.items():
        (options if key in ("lan", "cpn", "route", "model") else params)[key] = value
    with pm.Model():
        params = {k: v(pm) if callable(v) else v for k, v in params.items()}
        return SSM("obs", observed=observed, **options, **params)


API_CASES = [
    ("ssm-lan-is-cpn", lambda n: _ssm(n, lan=n.cpn), ValueError, r"lan= got a CPN"),
    ("ssm-cpn-is-lan", lambda n: _ssm(n, cpn=n.lan), ValueError, r"cpn= got a LAN"),
    (
        "ssm-rt-past-horizon",
        lambda n: _ssm(n, "rt,choice\n0.5,1\n0.6,1\n100,-1\n"),
        ValueError,
        r"row 2: 100 s is past the network's horizon: .*up to 20 s.* end at 22 s",
    ),
    (
        "ssm-rt-below-box",
        lambda n: _ssm(n, "rt,choice\n0.5,1\n0.0005,1\n", model="angle", theta=0.2, t=0.1),
        ValueError,
        r"row 1: 0\.0005 s is not above 0\.001 s",
    ),
    (
        "ssm-analytic-a-normal",
        lambda n: _ssm(n, likelihood="analytic", a=lambda pm: pm.Normal("a", 1, 1)),
        ValueError,
        r"'a' can reach \[-inf, inf\] under its prior, outside its domain \(0, inf\)",
    ),
    (
        "ssm-analytic-t-normal",
        lambda n: _ssm(n, likelihood="analytic", t=lambda pm: pm.Normal("t", 0.2, 0.1)),
        ValueError,
        r"'t' can reach .* outside its domain \[0, inf\)",
    ),
    (
        "ssm-analytic-z-uniform-wide",
        lambda n: _ssm(n, likelihood="analytic", z=lambda pm: pm.Uniform("z", -0.1, 1.0)),
        ValueError,
        r"'z' can reach \[-0\.1, 1\] .* outside its domain \(0, 1\)",
    ),
    (
        "ssm-analytic-z-0",
        lambda n: _ssm(n, likelihood="analytic", z=0.0),
        ValueError,
        r"'z' is 0, outside its domain \(0, 1\)",
    ),
    (
        "ssm-analytic-z-1",
        lambda n: _ssm(n, likelihood="analytic", z=1.0),
        ValueError,
        r"'z' is 1, outside its domain",
    ),
    (
        "ssm-analytic-a-0",
        lambda n: _ssm(n, likelihood="analytic", a=0.0),
        ValueError,
        r"'a' is 0, outside its domain \(0, inf\)",
    ),
    (
        "ssm-analytic-a-per-trial",
        lambda n: _ssm(n, likelihood="analytic", a=np.array([1.0, -0.5, 1.0])),
        ValueError,
        r"'a' is -0\.5 \(row 1\), outside its domain",
    ),
    ("ssm-unknown-param", lambda n: _ssm(n, q=1.0), ValueError, r"unknown: \['q'\]"),
    ("ssm-route", lambda n: _ssm(n, route="numba"), ValueError, r"route must be one of"),
    ("ssm-likelihood", lambda n: _ssm(n, likelihood="exact"), ValueError, r"'network' or"),
    (
        "ssm-network-outside-box",
        lambda n: _ssm(n, a=lambda pm: pm.HalfNormal("a", 3.0)),
        ValueError,
        r"'a' can reach \[0, inf\] .* outside the network's training box",
    ),
    (
        "trials-duplicated-column",
        lambda n: as_trials(pd.DataFrame([[0.5, 1, 0.6]], columns=["rt", "choice", "rt"]), DDM),
        ValueError,
        r"more than one column named 'rt'",
    ),
    (
        "trials-numpy-choice",
        lambda n: as_trials(pd.DataFrame({"rt": [0.5, 0.6], "choice": np.array([1, 2])}), DDM),
        ValueError,
        r"'choice' row 1: 2; choices must be one of \[-1, 1\]",
    ),
    (
        "trials-array-shape",
        lambda n: as_trials(np.ones((3, 3)), DDM),
        ValueError,
        r"\(n, 2\) array; got shape \(3, 3\)",
    ),
    (
        "lan-choice-2",
        lambda n: n.lan.logp([1.0, 1.5, 0.5, 0.3], [0.5, 0.6, 0.7], [2, 0, 1]),
        ValueError,
        r"choice\[0\] = 2 is not a choice of model 'ddm'; choices must be one of \[-1, 1\]",
    ),
    (
        "lan-choice-0",
        lambda n: n.lan.logp([1.0, 1.5, 0.5, 0.3], [0.5, 0.6], [1, 0]),
        ValueError,
        r"choice\[1\] = 0 is not a choice",
    ),
    (
        "lan-choice-count",
        lambda n: n.lan.logp([1.0, 1.5, 0.5, 0.3], [0.5, 0.6, 0.7], [1, -1]),
        ValueError,
        r"Got 3 rts but 2 choices",
    ),
    (
        "lan-outside-box",
        lambda n: n.lan.logp([1.0, 3.0, 0.5, 0.3], [0.5], [1]),
        ValueError,
        r"'a' = 3\.0 is outside the network's training box \[0\.3, 2\.5\]",
    ),
    ("cpn-call-on-lan", lambda n: n.lan.choice_prob([1.0, 1.5, 0.5, 0.3]), TypeError, r"a LAN"),
    (
        "simulate-numpy-n",
        lambda n: simulate("ddm", [1.0, 1.0, 0.5, 0.3], np.int64(0), seed=0),
        ValueError,
        r"positive integer; got 0\.$",
    ),
    (
        "config-float-count",
        lambda n: GeneratorConfig("ddm", n_sims=np.float64(2.5)),
        ValueError,
        r"n_sims must be a positive integer; got 2\.5\.$",
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [pytest.param(call, error, match, id=name) for name, call, error, match in API_CASES],
)
def test_python_api_refuses_with_a_clear_message(call, error, match, nets):
    with pytest.raises(error, match=match) as caught:
        call(nets)
    assert "np.int64" not in str(caught.value) and "np.float64" not in str(caught.value)


def _manifest_edit(key, value):
    def edit(folder: Path) -> None:
        path = folder / "manifest.json"
        body = json.loads(path.read_text())
        if key == "n_shards":
            body[key] = value
        else:
            body["config"][key] = value
        path.write_text(json.dumps(body))

    return edit


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        pytest.param(_manifest_edit("n_sims", 100), r"own fingerprint", id="n_sims"),
        pytest.param(_manifest_edit("max_t", 5.0), r"own fingerprint", id="max_t"),
        pytest.param(_manifest_edit("model", "angle"), r"own fingerprint", id="model"),
        pytest.param(_manifest_edit("n_shards", 1), r"says n_shards = 1", id="n_shards"),
        pytest.param(_manifest_edit("n_sims", -3), r"config this ssmlan cannot use", id="invalid"),
        pytest.param(_manifest_edit("colour", "red"), r"cannot use", id="unknown-key"),
    ],
)
def test_hand_edited_manifest_is_refused(edit, match, dataset, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(dataset, folder)
    edit(folder)
    with pytest.raises(DatasetError, match=match):
        load_dataset(folder)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="truncated"),
        pytest.param(pickle.dumps({"epoch": 1}), id="pickle"),
        pytest.param(b"", id="empty"),
    ],
)
def test_corrupt_checkpoint_is_refused_by_name(content, tmp_path):
    path = tmp_path / "checkpoint.npz"
    if content is None:
        _tiny_checkpoint(path)
        path.write_bytes(path.read_bytes()[:120])
    else:
        path.write_bytes(content)
    with pytest.raises(CheckpointError, match=r"checkpoint\.npz: .* Delete it") as caught:
        resume(path, None, {"data": "x"})
    assert "allow_pickle" not in str(caught.value)


# --- inputs that are fine: the documented behaviour --------------------------------------


@pytest.mark.parametrize(
    ("rt", "choice", "v", "a", "z", "t"),
    [
        pytest.param(0.5, 1, 1.0, 0.0, 0.5, 0.1, id="a=0"),
        pytest.param(0.5, 1, 1.0, -1.0, 0.5, 0.1, id="a<0"),
        pytest.param(0.5, -1, 1.0, 1.0, 0.0, 0.1, id="z=0"),
        pytest.param(0.5, 1, 1.0, 1.0, 1.0, 0.1, id="z=1"),
        pytest.param(0.5, 1, 1.0, 1.0, 0.5, -0.1, id="t<0"),
        pytest.param(0.5, 1, np.nan, 1.0, 0.5, 0.1, id="v=nan"),
        pytest.param(0.5, 1, np.inf, 1.0, 0.5, 0.1, id="v=inf"),
        pytest.param(np.nan, 1, 1.0, 1.0, 0.5, 0.1, id="rt=nan"),
    ],
)
def test_analytic_density_is_minus_inf_outside_the_domain(rt, choice, v, a, z, t):
    with np.errstate(all="ignore"):
        assert ddm_logp(np.array(rt), np.array(choice), v, a, z, t) == -np.inf
        if not np.isnan(rt):
            choice_logp = ddm_choice_logp(np.array(choice), v, a, z)
            assert choice_logp == -np.inf or t < 0  # t does not enter the choice probability


def test_analytic_priors_inside_the_domain_are_accepted(nets):
    """Open supports may touch an open end of the domain (HalfNormal a, Beta z)."""
    obs = _ssm(
        nets,
        likelihood="analytic",
        a=lambda pm: pm.HalfNormal("a", 1.0),
        z=lambda pm: pm.Beta("z", 2, 2),
        t=lambda pm: pm.Uniform("t", 0.0, 0.4),
    )
    assert obs.name == "obs"


def test_rts_just_inside_the_horizon_are_accepted(nets):
    _ssm(nets, "rt,choice\n0.5,1\n21.9,1\n0.7,-1\n")


def test_numpy_integers_are_counts():
    config = GeneratorConfig("ddm", n_sims=np.int64(5), seed=np.int64(3))
    assert type(config.n_sims) is int and json.dumps(config.to_dict())


def test_missing_rts_and_zero_one_choices_are_data():
    trials = as_trials(pd.DataFrame({"rt": [0.5, np.nan], "choice": [1, 0]}), DDM)
    assert np.isnan(trials[1, 0]) and list(trials[:, 1]) == [1, -1]


@pytest.mark.parametrize(
    ("rt", "model"),
    [
        pytest.param([8.0, 9.0, 12.0], "ddm", id="all-slow"),
        pytest.param([0.0015, 0.5, 0.7], "ddm", id="below-2ms"),
        pytest.param([0.0012, 0.5], "angle", id="just-above-the-box"),
        pytest.param([np.nan, np.nan], "ddm", id="no-rt"),
        pytest.param([0.2, 0.6], "full_ddm", id="below-t-box-with-jitter"),
    ],
)
def test_shift_starts_inside_the_box_and_below_the_fastest_rt(rt, model):
    shift = get_model(model).shift
    start = shift_initval(np.array(rt), shift)
    assert shift.lower < start < shift.upper
    if not np.all(np.isnan(rt)) and np.nanmin(rt) > shift.lower:
        assert start < np.nanmin(rt)


def test_untouched_data_set_loads_and_the_lock_is_released(dataset, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(dataset, folder)
    assert len(load_dataset(folder)["theta"]) <= TINY_DATA["n_param_sets"]
    summary = generate(GeneratorConfig("ddm", **TINY_DATA), folder, n_workers=1, progress=False)
    assert summary["shards_written"] == 0 and not (folder / LOCK_FILE).exists()


def test_simulate_writes_whole_files_only(tmp_path, capsys, monkeypatch):
    """A failed write (a full disk) leaves no file behind; a good one, the whole CSV."""
    out = tmp_path / "sims.csv"
    real_fsync = os.fsync

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    assert main(["simulate", "--model", "ddm", "--theta", THETA, "-n", "50", "-o", str(out)]) == 2
    assert "No space left on device); nothing was written" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert main(["simulate", "--model", "ddm", "--theta", THETA, "-n", "50", "-o", str(out)]) == 0
    assert len(pd.read_csv(out)) == 50


@pytest.mark.parametrize(
    ("content", "match"),
    [
        pytest.param(b"PK\x03\x04 cut", r"net\.npz is truncated or not a network file", id="cut"),
        pytest.param(pickle.dumps([1]), r"net\.npz is truncated or not a network file", id="pkl"),
    ],
)
def test_damaged_network_file_is_refused_by_name(content, match, tmp_path):
    (tmp_path / "net.npz").write_bytes(content)
    with pytest.raises(NetworkFileError, match=match):
        load_network(tmp_path / "net.npz")
