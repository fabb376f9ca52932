"""Nothing computed is lost: a fit's posterior is on disk before its pointwise log-likelihood
is computed, which is computed in bounded chunks of draws (or not at all)."""

from __future__ import annotations

import arviz as az
import numpy as np
import pandas as pd
import pymc as pm
import pytest

from ssmlan import fit as fit_module
from ssmlan.cli import main
from ssmlan.pymc.sampling import add_log_likelihood, log_likelihood_chunks, write_log_likelihood
from ssmlan.pymc.stack import from_posterior, group, write_netcdf


@pytest.fixture(scope="module")
def normal_model():
    rng = np.random.default_rng(0)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("obs", mu, 1.0, observed=rng.normal(size=40))
    posterior = from_posterior({"mu": rng.normal(size=(2, 25))})
    return model, posterior


def test_log_likelihood_in_chunks_is_pymcs(normal_model, tmp_path):
    model, posterior = normal_model
    expected = pm.compute_log_likelihood(
        posterior, model=model, extend_inferencedata=False, progressbar=False
    )["obs"].values
    chunk_bytes = 40 * 2 * 8 * 4  # four draws a chunk: 7 chunks
    assert len(list(log_likelihood_chunks(posterior, model, chunk_bytes))) == 7
    in_memory = add_log_likelihood(posterior.copy(), model, chunk_bytes)
    np.testing.assert_allclose(group(in_memory, "log_likelihood")["obs"].values, expected)
    path = tmp_path / "posterior.nc"
    write_netcdf(posterior, path)
    write_log_likelihood(posterior, model, path, chunk_bytes)
    back = az.from_netcdf(path)
    np.testing.assert_allclose(group(back, "log_likelihood")["obs"].values, expected)
    mu = group(posterior, "posterior")["mu"].values
    np.testing.assert_array_equal(group(back, "posterior")["mu"].values, mu)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["posterior.nc"]  # no temporary left


def _fake_sample(model, sampler, **kwargs):
    """What a sampler returns (a posterior of every free variable), without sampling."""
    rng = np.random.default_rng(1)
    draws = {rv.name: rng.uniform(0.3, 0.6, size=(2, 20)) for rv in model.free_RVs}
    assert kwargs["log_likelihood"] is False  # never by the sampler: all draws at once
    return from_posterior(draws)


def _trials(tmp_path):
    path = tmp_path / "trials.csv"
    pd.DataFrame({"rt": [0.5, 0.7, 0.9, 0.6], "choice": [1, -1, 1, 1]}).to_csv(path, index=False)
    return path


def test_the_posterior_is_saved_before_the_log_likelihood(tmp_path, monkeypatch):
    """The log-likelihood runs out of memory: the posterior, summary and plot are kept."""

    def out_of_memory(*args, **kwargs):
        raise MemoryError("Unable to allocate 30.7 GiB")

    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    monkeypatch.setattr(fit_module, "write_log_likelihood", out_of_memory)
    out = tmp_path / "out"
    with pytest.raises(MemoryError):
        fit_module.run_fit(_trials(tmp_path), out, likelihood="analytic")
    assert group(az.from_netcdf(out / "posterior.nc"), "posterior")["v"].shape == (2, 20)
    assert (out / "summary.csv").exists() and (out / "posterior.png").exists()


def test_no_log_likelihood_leaves_it_out(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(fit_module, "sample", _fake_sample)
    out = tmp_path / "out"
    argv = ["fit", str(_trials(tmp_path)), "--out", str(out), "--likelihood", "analytic"]
    assert main([*argv, "--no-log-likelihood"]) == 0
    assert "log_likelihood" not in az.from_netcdf(out / "posterior.nc")
    assert main(argv) == 0
    assert group(az.from_netcdf(out / "posterior.nc"), "log_likelihood")["obs"].shape == (2, 20, 4)


@pytest.mark.parametrize("command", ["generate", "check recovery"])
def test_scheduler_help_names_the_trust_boundary(command, capsys):
    assert main([*command.split(), "--help"]) == 0
    assert "only a scheduler you trust" in " ".join(capsys.readouterr().out.split())
