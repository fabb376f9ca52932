"""Posterior (and prior) predictive simulation: per draw, one data set with the observed design.

Each draw's parameters are computed for every trial exactly as the likelihood sees them (same
conditions, covariates and participants: `ssmlan.pymc.ssm.ObservedSSM`), and one trial is
simulated per observed trial with the model's simulator. A simulated trial keeps no rt where
the data keep none: a choice the data record only without an rt (a withheld Go/NoGo press) is
simulated without its rt, and a trial that reaches no boundary within the simulator's horizon
gets rt NaN and choice 0 (no response). With lapses (`ssmlan.pymc.SSM`'s ``p_outlier``), each
trial is replaced by a lapse with its probability. With deadlines, a simulated response after
its trial's deadline becomes no response (rt NaN, choice 0).

Memory is bounded: `predictive_chunks` yields consecutive chunks of draws of at most
``chunk_trials`` simulated trials; `predictive` joins them, and `ssmlan.fit` writes them to disk
one at a time while it summarises them (`ssmlan.pymc.summaries`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pymc as pm
import pytensor
import xarray as xr
from tqdm.auto import tqdm

from ssmlan.pymc import stack
from ssmlan.pymc.ssm import ObservedSSM, observed_ssms
from ssmlan.pymc.stack import InferenceData
from ssmlan.simulate import simulate

#: Largest number of trials simulated at once (all draws of a chunk together).
CHUNK_TRIALS = 2_000_000
#: Posterior draws simulated by default (spread evenly over chains and draws).
DEFAULT_DRAWS = 200


def withheld_choices(record: ObservedSSM) -> np.ndarray:
    """Choices the data hold only without an rt (e.g. a withheld press): simulated trials of
    these choices keep no rt either."""
    no_rt = np.isnan(record.rt) & ~np.isnan(record.choice)  # not the censored trials
    with_rt = set(np.unique(record.choice[~np.isnan(record.rt)]))
    return np.array(sorted(set(np.unique(record.choice[no_rt])) - with_rt), dtype=float)


def _observed(model: pm.Model, name: str | None) -> tuple[str, ObservedSSM]:
    records = observed_ssms(model)
    if not records:
        raise ValueError("The model has no SSM variable (ssmlan.pymc.SSM): nothing to simulate.")
    if name is None:
        if len(records) > 1:
            raise ValueError(f"The model has several SSM variables {list(records)}; name one.")
        name = next(iter(records))
    if name not in records:
        raise ValueError(f"The model has no SSM variable {name!r}; it has {list(records)}.")
    return name, records[name]


def thinned_draws(
    idata: InferenceData, n_draws: int | None, group: str = "posterior"
) -> xr.Dataset:
    """At most ``n_draws`` draws of ``idata[group]`` in all (None: all), evenly spaced within
    each chain: the draws `predictive_chunks` simulates."""
    posterior = stack.group(idata, group)
    if n_draws is None:
        return posterior
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
        raise ValueError(f"n_draws must be an integer >= 1 or None (all); got {n_draws!r}.")
    per_chain = max(1, int(n_draws) // posterior.sizes["chain"])
    total = posterior.sizes["draw"]
    keep = np.unique(np.linspace(0, total - 1, min(per_chain, total)).round().astype(int))
    return posterior.isel(draw=keep)


def predictive_chunks(
    idata: InferenceData,
    model: pm.Model,
    *,
    var_name: str | None = None,
    n_draws: int | None = DEFAULT_DRAWS,
    seed: int = 0,
    group: str = "posterior",
    chunk_trials: int = CHUNK_TRIALS,
    progressbar: bool = True,
) -> Iterator[tuple[int, xr.Dataset]]:
    """``(first draw position, chunk)`` of simulated data sets: ``rt`` and ``choice`` with dims
    ``(chain, draw, trial)``, for at most ``n_draws`` draws of ``idata[group]`` (None: all)."""
    name, record = _observed(model, var_name)
    draws = thinned_draws(idata, n_draws, group)
    free = list(model.free_RVs)
    missing = [rv.name for rv in free if rv.name not in draws]
    if missing:
        raise ValueError(f"The {group} lacks the model's variables {missing}: is it this model's?")
    outputs = [record.theta_rows] + ([record.p_outlier] if record.lapse else [])
    params_fn = pytensor.function(free, outputs, on_unused_input="ignore")
    spec, n_trials = record.spec, len(record.rt)
    withheld = withheld_choices(record)
    n_chains, n_kept = draws.sizes["chain"], draws.sizes["draw"]
    step = max(1, chunk_trials // (n_trials * n_chains))
    rng = np.random.default_rng(seed)
    bar = tqdm(total=n_chains * n_kept, desc=f"simulating {name}", disable=not progressbar)
    for start in range(0, n_kept, step):
        part = draws.isel(draw=slice(start, start + step))
        values = [part[rv.name].values for rv in free]
        shape = part[free[0].name].shape[:2]
        per_draw = [
            params_fn(*(v[c, d] for v in values)) for c in range(shape[0]) for d in range(shape[1])
        ]
        theta = np.concatenate([out[0][record.row_of_trial] for out in per_draw])
        sims = simulate(spec, theta, 1, seed=int(rng.integers(2**62)))
        rt, choice = sims.rt[:, 0].astype(float), sims.choice[:, 0].astype(float)
        if record.lapse is not None:
            p_outlier = np.concatenate([out[1] for out in per_draw])
            record.lapse.contaminate(rt, choice, p_outlier, spec.choices, rng)
        if record.deadline is not None:  # no response before the deadline: no rt, no choice
            late = rt > np.tile(record.deadline, len(per_draw))
            rt[late], choice[late] = np.nan, 0
        rt[np.isin(choice, withheld) | ~np.isfinite(rt)] = np.nan
        dims = ("chain", "draw", "trial")
        coords = {"chain": part["chain"].values, "draw": part["draw"].values}
        yield (
            start,
            xr.Dataset(
                {
                    "rt": (dims, rt.reshape(*shape, n_trials)),
                    "choice": (dims, choice.reshape(*shape, n_trials).astype(np.int8)),
                },
                coords={**coords, "trial": np.arange(n_trials)},
            ),
        )
        bar.update(shape[0] * shape[1])
    bar.close()


def predictive(
    idata: InferenceData,
    model: pm.Model,
    *,
    var_name: str | None = None,
    n_draws: int | None = DEFAULT_DRAWS,
    seed: int = 0,
    chunk_trials: int = CHUNK_TRIALS,
    progressbar: bool = True,
) -> xr.Dataset:
    """Posterior predictive data sets of ``model``'s SSM variable: ``rt`` (s; NaN: no rt) and
    ``choice`` with dims ``(chain, draw, trial)``, one simulated trial per observed trial for
    each of at most ``n_draws`` posterior draws (None: all). Simulated in chunks of at most
    ``chunk_trials`` trials (`predictive_chunks`)."""
    parts = [
        chunk
        for _, chunk in predictive_chunks(
            idata,
            model,
            var_name=var_name,
            n_draws=n_draws,
            seed=seed,
            chunk_trials=chunk_trials,
            progressbar=progressbar,
        )
    ]
    return xr.concat(parts, dim="draw") if len(parts) > 1 else parts[0]


def prior_draws(model: pm.Model, n_draws: int = DEFAULT_DRAWS, seed: int = 0) -> InferenceData:
    """``n_draws`` draws of ``model``'s free variables from their priors, as a one-chain
    ``posterior`` group: pass them to `predictive` for the prior predictive."""
    names = [rv.name for rv in model.free_RVs]
    with model:
        values = pm.draw([model[name] for name in names], draws=n_draws, random_seed=seed)
    return stack.from_posterior(
        {name: np.asarray(value)[None] for name, value in zip(names, values, strict=True)}
    )
