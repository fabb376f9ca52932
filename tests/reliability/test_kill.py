"""``kill -9`` of a running ``ssmlan generate`` or ``ssmlan check``: no process of its outlives
it (workers, forkserver, resource tracker), and rerunning the command finishes with the same
result as a run never interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import psutil
import pytest

from ssmlan.training_data import GeneratorConfig, generate
from ssmlan.training_data.storage import finished_shards, shard_path

#: Seconds within which every process of a killed run must be gone.
GRACE_SECONDS = 10.0
GENERATE = dict(n_param_sets=10, n_sims=60_000, n_labels=50, shard_size=1, seed=3)
MARK = "SSMLAN_KILL_TEST"


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ssmlan.cli", *args]


def _generate_args(out: Path, workers: int) -> list[str]:
    args = ["generate", "--model", "ddm", "--workers", str(workers), "--out", str(out)]
    for name, value in GENERATE.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def _start(args: list[str], mark: str) -> subprocess.Popen:
    env = {**os.environ, MARK: mark}
    return subprocess.Popen(
        _command(*args), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _marked(mark: str) -> list[psutil.Process]:
    """Live processes whose environment carries ``mark`` (every process a run starts inherits
    it: workers, forkserver, resource tracker)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(MARK) == mark and _alive(process):
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _kill_and_wait_for_orphans(process: subprocess.Popen, mark: str) -> list[str]:
    """SIGKILL ``process`` alone (not its group: as a user's ``kill -9 PID``); returns what is
    still alive of its descendants after `GRACE_SECONDS` (empty: all gone)."""
    descendants = psutil.Process(process.pid).children(recursive=True)
    assert descendants, "the run should have started worker processes"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline:
        left = [p for p in descendants if _alive(p)] + _marked(mark)
        if not left:
            return []
        time.sleep(0.2)
    return sorted({f"{p.pid}: {' '.join(p.cmdline())[:120]}" for p in left if _alive(p)})


def _wait_for(condition, timeout: float, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline, "the run made no progress in time"
        time.sleep(0.05)


def _shard_arrays(folder: Path, index: int) -> dict:
    with np.load(shard_path(folder, index), allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "meta"}
        meta = json.loads(str(data["meta"]))
    meta.pop("compute_seconds")
    return {**arrays, "meta": meta}


def test_killed_generate_leaves_no_process_and_resumes_to_the_same_data(tmp_path):
    rng = np.random.default_rng(19)
    n_shards = GENERATE["n_param_sets"]
    kill_after, extra_delay = int(rng.integers(1, 5)), float(rng.uniform(0.0, 0.2))
    killed, mark = tmp_path / "killed", uuid.uuid4().hex
    process = _start(_generate_args(killed, workers=2), mark)
    _wait_for(lambda: len(finished_shards(killed, n_shards)) >= kill_after, 120, process)
    time.sleep(extra_delay)
    assert _kill_and_wait_for_orphans(process, mark) == []
    done = len(finished_shards(killed, n_shards))
    assert kill_after <= done < n_shards, "killed too late to test a resume"

    config = GeneratorConfig("ddm", **GENERATE)
    summary = generate(config, killed, n_workers=1, progress=False)  # the stale lock is free
    assert summary["shards_written"] == n_shards - done
    generate(config, tmp_path / "whole", n_workers=1, progress=False)
    for index in range(n_shards):
        resumed, whole = _shard_arrays(killed, index), _shard_arrays(tmp_path / "whole", index)
        assert resumed.keys() == whole.keys()
        for key in whole:
            if key == "meta":
                assert resumed[key] == whole[key]
            else:
                np.testing.assert_array_equal(resumed[key], whole[key], err_msg=key)


CHECK = ["check", "recovery", "--n-datasets", "3", "--n-trials", "100"]
CHECK += ["--draws", "30", "--tune", "30", "--seed", "2", "--workers", "2"]


def _journal_fits(out: Path) -> int:
    journal = out / "fits.partial.jsonl"
    if not journal.exists():
        return 0
    return max(0, len(journal.read_text().splitlines()) - 1)


@pytest.mark.slow
def test_killed_check_leaves_no_process_and_resumes_to_the_same_summary(tmp_path):
    rng = np.random.default_rng(7)
    killed, mark = tmp_path / "killed", uuid.uuid4().hex
    process = _start([*CHECK, "--out", str(killed)], mark)
    _wait_for(lambda: _journal_fits(killed) >= 1, 480, process)
    time.sleep(float(rng.uniform(0.0, 2.0)))
    assert _kill_and_wait_for_orphans(process, mark) == []
    assert not (killed / "summary.json").exists(), "killed too late to test a resume"

    for out in (killed, tmp_path / "whole"):
        finished = subprocess.run(_command(*CHECK, "--out", str(out)), capture_output=True)
        assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    for name in ("summary.json", "fits.json"):
        resumed = json.loads((killed / name).read_text())
        assert resumed == json.loads((tmp_path / "whole" / name).read_text()), name
