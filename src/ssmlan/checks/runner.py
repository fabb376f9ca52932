"""Running a check: one `FitJob` per data set, fitted in parallel and journalled (a killed check
resumes), then summarised into ``summary.json``, ``fits.json`` and a figure."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from matplotlib.figure import Figure
from tqdm.auto import tqdm

from ssmlan.jax_devices import worker_shares
from ssmlan.models import get_model
from ssmlan.networks import load_network
from ssmlan.parallel import map_unordered
from ssmlan.settings import shown

if TYPE_CHECKING:
    from ssmlan.networks import Network

#: Finished fits of a running check, in its output folder; removed when the report is written.
JOURNAL = "fits.partial.jsonl"
#: Each fit compiles its own JAX functions, which its worker process keeps: a worker is replaced
#: by a fresh one after this many fits (one died out of memory after ~22 fits).
JOBS_PER_WORKER = 5


@dataclasses.dataclass(frozen=True)
class FitJob:
    """One data set of a check to fit.

    ``index`` and ``seed`` pick the data set (`ssmlan.checks.datasets`); ``draws`` and ``tune``
    per chain; ``lan``: a network file, shipped network name or network object (``None``: the
    shipped LAN); ``likelihood``: for the fits that take one (``"network"`` or ``"analytic"``).
    """

    model: str
    index: int
    n_trials: int
    draws: int
    tune: int
    seed: int
    lan: str | Network | None = None
    likelihood: str = "network"

    def settings(self) -> dict:
        """Every field but ``index``, as JSON values: what all fits of one check share."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        del values["index"]
        return json.loads(json.dumps(values, default=str))


FitFn = Callable[[FitJob], dict]


def run_fits(
    fit_fn: FitFn,
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
    likelihood: str = "network",
    journal: Path | str | None = None,
) -> list[dict]:
    """``fit_fn(job)`` for the `FitJob` of every data set, in parallel (one process per local
    core by default, each running its chains on its share of the cores; or a Dask cluster),
    with a progress bar; sorted by index. ``lan``: a network file to check instead of the
    shipped LAN.

    ``journal``: a JSON-lines file each finished fit is appended to; a rerun with the same
    settings skips the data sets already in it (resume after a kill).
    """
    check_fit_options(model, n_datasets, n_trials, draws, tune, lan, n_workers)
    lan = None if lan is None else str(lan)
    template = FitJob(model, 0, n_trials, draws, tune, seed, lan, likelihood)
    settings = {"fit": f"{fit_fn.__module__}.{fit_fn.__qualname__}", "job": template.settings()}
    done = read_journal(journal, settings) if journal is not None else {}
    jobs = [(dataclasses.replace(template, index=i),) for i in range(n_datasets) if i not in done]
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


def check_fit_options(
    model: str,
    n_datasets: int,
    n_trials: int,
    draws: int,
    tune: int,
    lan: str | Path | None,
    n_workers: int | None = None,
) -> None:
    """Refuse, before any fit starts (in worker processes, after minutes), what every fit would
    fail on: an unknown model, counts that are not positive integers, a LAN file that is
    missing, damaged, not a LAN or for another model."""
    spec = get_model(model)
    least = {"n_datasets": 1, "n_trials": 1, "draws": 1, "tune": 0, "n_workers": 1}
    values = {"n_datasets": n_datasets, "n_trials": n_trials, "draws": draws, "tune": tune}
    if n_workers is not None:
        values["n_workers"] = n_workers
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < least[name]:
            raise ValueError(f"{name} must be an integer >= {least[name]}; got {shown(value)}.")
    if isinstance(lan, str | Path):
        net = load_network(lan, "lan")
        if net.spec.name != spec.name:
            raise ValueError(f"--lan {lan} is a LAN of model {net.spec.name!r}, not {model!r}.")


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
    fit_fn: FitFn,
    model: str,
    n_datasets: int,
    out: Path | str,
    *,
    n_trials: int,
    summarise: Callable[[list[dict]], dict],
    plot: Callable[[list[dict], dict], Figure],
    figure_name: str,
    desc: str,
    likelihood: str = "network",
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
        likelihood=likelihood,
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
