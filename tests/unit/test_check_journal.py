"""A killed check resumes from its journal: finished fits are not run again."""

import pytest

from ssmlan.checks.runner import FitJob, run_fits

CALLS: list[int] = []
FAIL_AT = {"index": -1}


def flaky_fit(job: FitJob) -> dict:
    CALLS.append(job.index)
    if job.index == FAIL_AT["index"]:
        raise RuntimeError("killed")
    return {"index": job.index, "value": job.index * 10 + job.seed}


def fits(journal, fail_at=-1, seed=0):
    FAIL_AT["index"] = fail_at
    return run_fits(
        flaky_fit,
        "ddm",
        4,
        n_trials=10,
        desc="t",
        seed=seed,
        n_workers=1,
        progress=False,
        journal=journal,
    )


def test_rerun_skips_finished_fits(tmp_path):
    journal = tmp_path / "fits.partial.jsonl"
    CALLS.clear()
    with pytest.raises(RuntimeError):
        fits(journal, fail_at=2)
    assert CALLS == [0, 1, 2]
    CALLS.clear()
    result = fits(journal)
    assert CALLS == [2, 3]
    assert [f["value"] for f in result] == [0, 10, 20, 30]


def test_other_settings_start_afresh(tmp_path):
    journal = tmp_path / "fits.partial.jsonl"
    fits(journal)
    CALLS.clear()
    result = fits(journal, seed=1)
    assert CALLS == [0, 1, 2, 3]
    assert [f["value"] for f in result] == [1, 11, 21, 31]


def test_line_cut_short_is_rerun(tmp_path):
    journal = tmp_path / "fits.partial.jsonl"
    fits(journal)
    text = journal.read_text()
    journal.write_text(text[: len(text) - 5])  # the last fit's line cut mid-write
    CALLS.clear()
    fits(journal)
    assert CALLS == [3]
