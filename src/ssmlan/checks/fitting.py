"""Simulated data sets and posterior summaries shared by the checks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from ssmlan.fit import build_model
from ssmlan.models import get_model
from ssmlan.parallel import map_unordered
from ssmlan.pymc.sampling import sample
from ssmlan.simulate import simulate

#: True parameters are drawn in this central share of each side of the training box.
INNER_BOX = 0.8
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def draw_truth(model: str, index: int, seed: int) -> np.ndarray:
    """True parameters of data set ``index``: uniform in the inner part of the training box."""
    spec = get_model(model)
    centre, half = (spec.lower + spec.upper) / 2, (spec.upper - spec.lower) / 2 * INNER_BOX
    rng = np.random.default_rng([seed, index])
    return centre + half * rng.uniform(-1.0, 1.0, spec.n_params)


def simulate_dataset(model: str, index: int, n_trials: int, seed: int):
    """``(truth, trials)`` of data set ``index``; trials past max_t (20 s) are dropped, as a
    lab would not record them."""
    theta = draw_truth(model, index, seed)
    sims = simulate(model, theta, n_trials, seed=seed * 100_003 + index)
    decided = np.isfinite(sims.rt)
    return theta, pd.DataFrame({"rt": sims.rt[decided], "choice": sims.choice[decided]})


def posterior_stats(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, dict[str, float]]:
    """Mean, SD and quantiles of each parameter's posterior (uniform box priors, numpyro)."""
    pymc_model = build_model(frame, model, likelihood=likelihood, route="jax", **ssm_options)
    idata = sample(
        pymc_model, "numpyro", draws=draws, tune=tune, chains=2, seed=seed, log_likelihood=False
    )
    stats = {}
    for name in get_model(model).param_names:
        values = idata.posterior[name].values.ravel()
        stats[name] = {
            "mean": float(values.mean()),
            "sd": float(values.std()),
            **{f"q{int(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES},
        }
    return stats


def run_fits(
    fit_fn: Callable[..., dict],
    model: str,
    n_datasets: int,
    *,
    n_trials: int,
    draws: int,
    tune: int,
    seed: int,
    n_workers: int | None,
    scheduler: str | None,
    progress: bool,
    desc: str,
) -> list[dict]:
    """``fit_fn(model, index, n_trials, draws, tune, seed)`` for every data set, in parallel
    (all local cores by default, or a Dask cluster), with a progress bar; sorted by index."""
    jobs = [(model, i, n_trials, draws, tune, seed) for i in range(n_datasets)]
    fits = []
    bar = tqdm(total=n_datasets, unit="data set", disable=not progress, desc=desc)
    for _, result in map_unordered(
        fit_fn, jobs, n_workers=n_workers or os.cpu_count() or 1, scheduler=scheduler
    ):
        fits.append(result)
        bar.update(1)
    bar.close()
    return sorted(fits, key=lambda f: f["index"])


def write_report(
    out: Path | str, summary: dict, fits: list[dict], figure: Figure, figure_name: str
) -> None:
    """``summary.json``, ``fits.json`` and the figure, into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "fits.json").write_text(json.dumps(fits))
    figure.savefig(out / figure_name, dpi=110)
