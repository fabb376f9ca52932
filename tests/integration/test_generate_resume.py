"""A generation run killed with SIGKILL resumes to the same data as an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from ssmlan.training_data import GeneratorConfig, generate, load_dataset
from ssmlan.training_data.storage import finished_shards

CONFIG = dict(n_param_sets=24, n_sims=50_000, n_labels=100, shard_size=2, seed=5)
SCRIPT = (
    "import sys; from ssmlan.training_data import GeneratorConfig, generate; "
    f"generate(GeneratorConfig('ddm', **{CONFIG!r}), sys.argv[1], n_workers=1, progress=False)"
)


@pytest.mark.slow
def test_kill_minus_nine_then_rerun_equals_uninterrupted(tmp_path):
    killed = tmp_path / "killed"
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(killed)])
    deadline = time.time() + 120
    while len(finished_shards(killed, 12)) < 3 and time.time() < deadline:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(finished_shards(killed, 12))
    assert 3 <= done_before < 12, "the run must be killed mid-way for this test to mean anything"
    summary = generate(GeneratorConfig("ddm", **CONFIG), killed, n_workers=1, progress=False)
    assert summary["shards_written"] == 12 - done_before
    generate(GeneratorConfig("ddm", **CONFIG), tmp_path / "whole", n_workers=1, progress=False)
    resumed, whole = load_dataset(killed), load_dataset(tmp_path / "whole")
    for key in whole:
        np.testing.assert_array_equal(resumed[key], whole[key])
