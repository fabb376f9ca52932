"""After the fit: the posterior predictive check that `ssmlan fit` writes, and `ssmlan compare`."""

from __future__ import annotations

import json

import arviz as az
import numpy as np
import pandas as pd
import pytest

from ssmlan import fit as fit_module
from ssmlan import simulate
from ssmlan.cli import main
from ssmlan.compare import compare_fits
from ssmlan.pymc.stack import from_posterior, group

PREDICTIVE_FILES = (
    "predictive.nc",
    "predictive.csv",
    "predictive_rt.png",
    "quantile_probability.png",
    "condition_means.png",
)


def _fake_sample(model, sampler, **kwargs):
    """A posterior of every free variable, without sampling: values in (0.3, 0.6), and t in
    (0.1, 0.2), below every rt."""
    rng = np.random.default_rng(1)
    draws = {}
    for rv in model.free_RVs:
        shape = (2, 20, *(int(s) for s in rv.shape.eval()))
        low, high = (0.1, 0.2) if rv.name == "t" else (0.3, 0.6)
        draws[rv.name] = rng.uniform(low, high, size=shape)
    return from_posterior(draws)


def _simulated(path, model="ddm", n_per_cell=60, seed=0, **theta):
    """Two conditions x three participants of ``model`` at ``theta`` (drift lower when hard)."""
    frames = []
    for p in range(3):
        for k, stim in enumerate(("easy", "hard")):
            values = {**theta, "v": theta["v"] * (1.0 if stim == "easy" else 0.4)}
            sims = simulate(model, values, n_per_cell, seed=seed + 10 * p + k)
            frames.append(
                pd.DataFrame(
                    {"rt": sims.rt, "choice": sims.choice, "stim": stim, "participant_id": f"p{p}"}
                )
            )
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)
    return path


def _fit(data, out, *extra):
    argv = ["fit", str(data), "--out", str(out), "--likelihood", "analytic", *extra]
    return main(argv)


def test_fit_writes_the_predictive_check(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    data = _simulated(tmp_path / "trials.csv", v=1.0, a=1.0, z=0.5, t=0.3)
    formula = ["--formula", "v ~ 1 + stim + (1|participant_id)", "--fix", "z=0.5"]
    assert _fit(data, tmp_path / "fit", *formula, "--predictive-draws", "30") == 0
    out = tmp_path / "fit"
    for name in (*PREDICTIVE_FILES, "participants_rt.png", "fit.json"):
        assert (out / name).is_file(), name
    assert "predictive_rt.png" in capsys.readouterr().out
    simulated = group(az.from_netcdf(out / "predictive.nc"), "posterior_predictive")
    assert simulated["rt"].shape == (2, 15, 360)
    table = pd.read_csv(out / "predictive.csv")
    assert set(table["cell"]) == {"easy", "hard", "p0", "p1", "p2"}  # conditions, participants
    record = json.loads((out / "fit.json").read_text())
    assert record["n_trials"] == 360 and record["formulas"]["v"] == "1 + stim + (1|participant_id)"


def test_no_predictive_draws_skips_the_check(tmp_path, monkeypatch):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    data = _simulated(tmp_path / "trials.csv", v=1.0, a=1.0, z=0.5, t=0.3)
    assert _fit(data, tmp_path / "fit", "--predictive-draws", "0") == 0
    assert not any((tmp_path / "fit" / name).exists() for name in PREDICTIVE_FILES)


def test_compare_ranks_fits_and_writes_the_table(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    data = _simulated(tmp_path / "trials.csv", v=1.0, a=1.0, z=0.5, t=0.3)
    assert _fit(data, tmp_path / "one", "--predictive-draws", "0") == 0
    assert _fit(data, tmp_path / "two", "--depends", "v=stim", "--predictive-draws", "0") == 0
    table_path = tmp_path / "loo.csv"
    assert (
        main(["compare", str(tmp_path / "one"), str(tmp_path / "two"), "--out", str(table_path)])
        == 0
    )
    printed = capsys.readouterr().out
    table = pd.read_csv(table_path, index_col=0)
    assert set(table.index) == {"one", "two"}
    assert {"elpd_loo", "se", "elpd_diff", "dse", "bad_pareto_k"} <= set(table.columns)
    best = table["elpd_loo"].idxmax()
    assert table.loc[best, "elpd_diff"] == 0 and f"{best} over" in printed


def test_compare_refuses_fits_of_different_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    first = _simulated(tmp_path / "a.csv", v=1.0, a=1.0, z=0.5, t=0.3)
    second = _simulated(tmp_path / "b.csv", seed=5, v=1.0, a=1.0, z=0.5, t=0.3)
    assert _fit(first, tmp_path / "one", "--predictive-draws", "0") == 0
    assert _fit(second, tmp_path / "two", "--predictive-draws", "0") == 0
    assert main(["compare", str(tmp_path / "one"), str(tmp_path / "two")]) == 2
    assert "fits of different trials" in capsys.readouterr().err


def test_compare_refuses_a_fit_without_log_likelihood(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    data = _simulated(tmp_path / "trials.csv", v=1.0, a=1.0, z=0.5, t=0.3)
    assert _fit(data, tmp_path / "one", "--predictive-draws", "0") == 0
    extra = ("--predictive-draws", "0", "--no-log-likelihood")
    assert _fit(data, tmp_path / "two", *extra) == 0
    assert main(["compare", str(tmp_path / "one"), str(tmp_path / "two")]) == 2
    assert "no pointwise log-likelihood" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "one"), str(tmp_path)]) == 2
    assert "lacks fit.json" in capsys.readouterr().err


def _covered(out) -> float:
    """Share of the observed rt quantiles (by condition) inside the model's 90% interval."""
    table = pd.read_csv(out / "predictive.csv")
    rows = table[(table["cells"] == "conditions") & table["statistic"].str.startswith("rt q")]
    rows = rows.dropna(subset=["data", "model_low"])
    return float(
        ((rows["data"] >= rows["model_low"]) & (rows["data"] <= rows["model_high"])).mean()
    )


def test_a_fit_to_its_own_data_covers_the_observed_quantiles(tmp_path):
    """ddm data (analytic likelihood, v by condition): 2 conditions x 2 choices x 5 quantiles.
    Each observed quantile lies in its 90% posterior predictive interval with probability
    >= 0.9 (the interval also holds the posterior's uncertainty), so 80% coverage is
    exceeded unless something is wrong: >= 5 misses of 20 has probability 0.04 at 0.9."""
    data = _simulated(tmp_path / "trials.csv", n_per_cell=150, v=1.2, a=1.0, z=0.5, t=0.3)
    extra = ("--depends", "v=stim", "--sampler", "nutpie", "--draws", "300", "--tune", "300")
    assert _fit(data, tmp_path / "fit", *extra) == 0
    assert _covered(tmp_path / "fit") >= 0.8


@pytest.mark.slow
def test_the_wrong_model_loses_the_loo_comparison(tmp_path):
    """Angle data (collapsing bounds, theta = 0.8) fitted by the angle (its LAN) and the ddm
    (exact likelihood): the angle wins by more than 4 SE of the difference, and its predictive
    check covers the data's quantiles while the ddm's misses many of them."""
    truth = {"v": 1.0, "a": 1.3, "z": 0.5, "t": 0.3, "theta": 0.8}
    data = _simulated(tmp_path / "trials.csv", model="angle", n_per_cell=100, **truth)
    common = ("--depends", "v=stim", "--sampler", "nutpie", "--draws", "300", "--tune", "300")
    assert (
        main(["fit", str(data), "--model", "angle", "--out", str(tmp_path / "angle"), *common]) == 0
    )
    assert _fit(data, tmp_path / "ddm", *common) == 0
    comparison = compare_fits([tmp_path / "angle", tmp_path / "ddm"])
    table = comparison.table
    assert table.index[0] == "angle"
    assert table.loc["ddm", "elpd_diff"] > 4 * table.loc["ddm", "dse"]
    assert _covered(tmp_path / "angle") >= 0.8
    assert _covered(tmp_path / "ddm") < _covered(tmp_path / "angle")
