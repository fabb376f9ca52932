"""`ssmlan fit` and `ssmlan demo` end to end, with short chains."""

import json

import numpy as np
import pandas as pd
import pytest

from ssmlan.cli import main
from ssmlan.pymc.gonogo import simulate_gonogo


def test_fit_writes_posterior_summary_and_plot(tmp_path, capsys):
    data = simulate_gonogo(300, seed=2)
    data.to_csv(tmp_path / "trials.csv", index=False)
    code = main(
        [
            "fit",
            str(tmp_path / "trials.csv"),
            "--depends",
            "v=condition",
            "--out",
            str(tmp_path / "out"),
            "--draws",
            "100",
            "--tune",
            "100",
            "--chains",
            "1",
            "--sampler",
            "numpyro",
        ]
    )
    assert code == 0
    for name in ("posterior.nc", "summary.csv", "posterior.png"):
        assert (tmp_path / "out" / name).exists()
    summary = pd.read_csv(tmp_path / "out" / "summary.csv", index_col=0)
    assert {"v[go]", "v[nogo]", "a", "z", "t"} <= set(summary.index)
    v_go, v_nogo = summary.loc["v[go]", "mean"], summary.loc["v[nogo]", "mean"]
    assert v_go > 0.5 and v_nogo < -0.5  # true +-1.2


def test_a_centred_hierarchical_fit_with_a_low_rank_mass_matrix(tmp_path):
    from ssmlan.datasets import cavanagh_theta

    data = cavanagh_theta()
    data[data["participant_id"].isin([0, 1, 2])].to_csv(tmp_path / "trials.csv", index=False)
    out = tmp_path / "out"
    code = main(
        [
            "fit",
            str(tmp_path / "trials.csv"),
            "--formula",
            "v ~ 1 + (1|participant_id)",
            "--fix",
            "z=0.5",
            "--out",
            str(out),
            "--sampler",
            "nutpie",
            "--centered",
            "--low-rank-mass-matrix",
            "--draws",
            "100",
            "--tune",
            "150",
            "--chains",
            "1",
            "--no-log-likelihood",
            "--predictive-draws",
            "0",
        ]
    )
    assert code == 0
    record = json.loads((out / "fit.json").read_text())
    assert record["centered"] and record["low_rank_mass_matrix"]
    assert record["lan_used"] == "ddm_compact_lan"
    summary = pd.read_csv(out / "summary.csv", index_col=0)
    assert "v_1|participant_id[0]" in summary.index
    assert not any("offset" in name for name in summary.index)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("", "is empty"),
        ("rt,resp\n0.5,1\n", "lacks column"),
        ("rt,choice\nslow,1\n", "row 0: 'slow' is not a number"),
        ("rt,choice\n0.5,1\n-1,1\n", "row 1: -1.0"),
        ("rt,choice\n0.5,3\n", "'choice' row 0"),
    ],
)
def test_fit_reports_bad_files(tmp_path, capsys, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    assert main(["fit", str(path), "--out", str(tmp_path / "out")]) == 2
    assert match in capsys.readouterr().err


def test_fit_missing_file(tmp_path, capsys):
    assert main(["fit", str(tmp_path / "nope.csv")]) == 2
    assert "No such data file" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_runs_and_writes_outputs(tmp_path):
    assert main(["demo", "--out", str(tmp_path), "--draws", "200", "--tune", "200"]) == 0
    for name in ("data.csv", "posterior.nc", "summary.csv", "posterior.png", "rt_fit.png"):
        assert (tmp_path / name).exists()
    summary = pd.read_csv(tmp_path / "summary.csv", index_col=0)
    assert np.all(np.abs(summary["mean"] - summary["true"]) < 4 * summary["sd"])
