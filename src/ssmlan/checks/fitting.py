"""Simulated data sets and posterior summaries shared by the checks."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from tqdm.auto import tqdm

from ssmlan.jax_devices import worker_shares
from ssmlan.models import get_model
from ssmlan.networks import load_network
from ssmlan.parallel import map_unordered
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.sampling import sample
from ssmlan.simulate import simulate

#: True parameters are drawn in this central share of each side of the training box.
INNER_BOX = 0.8
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Finished fits of a running check, in its output folder; removed when the report is written.
JOURNAL = "fits.partial.jsonl"
#: Each fit compiles its own JAX functions, which its worker process keeps: a worker is replaced
#: by a fresh one after this many fits (one died out of memory after ~22 fits).
JOBS_PER_WORKER = 5


def draw_truth(model: str, index: int, seed: int, share: float = INNER_BOX) -> np.ndarray:
    """True parameters of data set ``index``: uniform in the central ``share`` of each side of
    the training box (``share=1``: the whole box, the fits' prior)."""
    spec = get_model(model)
    centre, half = (spec.lower + spec.upper) / 2, (spec.upper - spec.lower) / 2 * share
    rng = np.random.default_rng([seed, index])
    return centre + half * rng.uniform(-1.0, 1.0, spec.n_params)


def simulate_dataset(
    model: str, index: int, n_trials: int, seed: int, share: float = INNER_BOX
) -> tuple[np.ndarray, pd.DataFrame]:
    """``(truth, trials)`` of data set ``index`` (truth from `draw_truth`); trials past 100 s
    (a handful at the slowest corner of the ddm box) are dropped."""
    theta = draw_truth(model, index, seed, share)
    sims = simulate(model, theta, n_trials, seed=seed * 100_003 + index, max_t=100.0)
    decided = np.isfinite(sims.rt)
    return theta, pd.DataFrame({"rt": sims.rt[decided], "choice": sims.choice[decided]})


def as_lan(lan):
    """A network, loaded from a file or a shipped network's name if given as one (the checks
    pass names between processes); ``None`` stays ``None`` (the shipped LAN)."""
    return load_network(lan, "lan") if isinstance(lan, str | Path) else lan


def posterior_draws(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, np.ndarray]:
    """Posterior draws of each parameter (chains pooled), uniform box priors, numpyro 2 chains.

    ``lan`` in ``ssm_options``: as for `as_lan`.
    """
    if "lan" in ssm_options:
        ssm_options["lan"] = as_lan(ssm_options["lan"])
    pymc_model = box_model(frame, model, likelihood=likelihood, route="jax", **ssm_options)
    return sample_draws(pymc_model, get_model(model).param_names, draws, tune, seed)


def sample_draws(
    pymc_model, names: Sequence[str], draws: int, tune: int, seed: int
) -> dict[str, np.ndarray]:
    """Draws of the variables ``names`` (chains pooled) from numpyro, 2 chains."""
    idata = sample(
        pymc_model, "numpyro", draws=draws, tune=tune, chains=2, seed=seed, log_likelihood=False
    )
    return {name: idata.posterior[name].values.ravel() for name in names}


def summarise_draws(draws: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Mean, SD and quantiles of each parameter's draws."""
    return {
        name: {
            "mean": float(values.mean()),
            "sd": float(values.std()),
            **{f"q{int(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES},
        }
        for name, values in draws.items()
    }


def posterior_stats(
    frame: pd.DataFrame,
    model: str,
    likelihood: str,
    draws: int,
    tune: int,
    seed: int,
    **ssm_options,
) -> dict[str, dict[str, float]]:
    """`summarise_draws` of `posterior_draws`."""
    return summarise_draws(
        posterior_draws(frame, model, likelihood, draws, tune, seed, **ssm_options)
    )


def run_fits(
    fit_fn: Callable[..., dict],
    model: str,
    n_datasets: int,
    *,
    n_trials: int,
    desc: str,
    draws: int = 1000,
    tune: int = 1000,
    seed: int = 0,
    n_workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    lan: str | Path | None = None,
    extra: tuple = (),
    journal: Path | str | None = None,
) -> list[dict]:
    """``fit_fn(model, index, n_trials, draws, tune, seed, lan, *extra)`` for every data set, in
    parallel (one process per local core by default, each running its chains on its share of
    the cores; or a Dask cluster), with a progress bar; sorted by index. ``lan``: a network
    file to check instead of the shipped LAN.

    ``journal``: a JSON-lines file each finished fit is appended to; a rerun with the same
    settings skips the data sets already in it (resume after a kill).
    """
    lan = None if lan is None else str(lan)
    settings = {
        "fit": f"{fit_fn.__module__}.{fit_fn.__qualname__}",
        "args": json.loads(
            json.dumps([model, n_trials, draws, tune, seed, lan, *extra], default=str)
        ),
    }
    done = read_journal(journal, settings) if journal is not None else {}
    jobs = [
        (model, i, n_trials, draws, tune, seed, lan, *extra)
        for i in range(n_datasets)
        if i not in done
    ]
    fits = [done[i] for i in range(n_datasets) if i in done]
    bar = tqdm(
        total=n_datasets, initial=len(fits), unit="data set", disable=not progress, desc=desc
    )
    n_workers = n_workers or os.cpu_count() or 1
    for _, result in map_unordered(
        fit_fn,
        jobs,
        n_workers=n_workers,
        scheduler=scheduler,
        worker_shares=worker_shares(n_workers),
        jobs_per_worker=JOBS_PER_WORKER,
    ):
        fits.append(result)
        if journal is not None:
            with open(journal, "a") as stream:
                stream.write(json.dumps(result) + "\n")
        bar.update(1)
    bar.close()
    return sorted(fits, key=lambda f: f["index"])


def read_journal(journal: Path | str, settings: dict) -> dict[int, dict]:
    """Fits already in ``journal`` by index, when it was written with ``settings``; otherwise
    (no file, other settings) a fresh journal headed by ``settings`` and no fits."""
    journal = Path(journal)
    if journal.exists():
        lines = journal.read_text().splitlines()
        if lines and json.loads(lines[0]) == settings:
            fits = {}
            for line in lines[1:]:
                try:
                    fit = json.loads(line)
                except json.JSONDecodeError:  # a line cut short by the kill
                    continue
                fits[fit["index"]] = fit
            return fits
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(json.dumps(settings) + "\n")
    return {}


class FitOptions(TypedDict, total=False):
    """Options every check takes on to `run_fits` (defaults there)."""

    draws: int
    tune: int
    seed: int
    n_workers: int | None
    scheduler: str | None
    progress: bool
    lan: str | Path | None


def run_check(
    fit_fn: Callable[..., dict],
    model: str,
    n_datasets: int,
    out: Path | str,
    *,
    n_trials: int,
    summarise: Callable[[list[dict]], dict],
    plot: Callable[[list[dict], dict], Figure],
    figure_name: str,
    desc: str,
    extra: tuple = (),
    **options: Unpack[FitOptions],
) -> dict:
    """A whole check: `run_fits` (journalled in ``out``, so a killed check resumes), then
    ``summarise(fits)``, then `write_report` with ``plot(fits, summary)``; returns the summary."""
    journal = Path(out) / JOURNAL
    fits = run_fits(
        fit_fn,
        model,
        n_datasets,
        n_trials=n_trials,
        desc=desc,
        extra=extra,
        journal=journal,
        **options,
    )
    summary = summarise(fits)
    write_report(out, summary, fits, plot(fits, summary), figure_name)
    journal.unlink()
    return summary


def write_report(
    out: Path | str, summary: dict, fits: list[dict], figure: Figure, figure_name: str
) -> None:
    """``summary.json``, ``fits.json`` and the figure, into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "fits.json").write_text(json.dumps(fits))
    figure.savefig(out / figure_name, dpi=110)
