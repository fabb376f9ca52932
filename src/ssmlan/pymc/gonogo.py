"""The Go/NoGo (NeuroRacer) model: Go trials drift at ``v``, NoGo trials at ``-v``.

A press gives ``(rt, choice = +1)`` and uses the LAN; a withheld press gives only
``choice = -1`` (rt NaN) and uses the CPN, ``log P(choice = -1) = log(1 - P_CPN(+1))`` computed
as a log-sigmoid. Only the drift changes sign in the NoGo condition; every other parameter is
shared (the reference tutorial's CPN term flips every parameter, which is a bug).
Any two-choice model with a drift ``v`` and a start ``z`` takes the task (the ddm, and the
collapsing-bound angle and weibull). Priors: uniform over the model's training box, ``z = 0.5``;
``a`` is half the boundary separation (ssm-simulators convention).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from ssmlan.likelihoods.trial_logp import AnalyticSource
from ssmlan.models import ModelSpec, get_model
from ssmlan.networks import load_network
from ssmlan.pymc.ssm import SSM
from ssmlan.simulate import simulate

CONDITIONS = ("go", "nogo")
#: The Go/NoGo model has a fixed, unbiased start.
FIXED = {"z": 0.5}
#: The true parameters of the walkthrough's data (``theta``: the angle's collapse); a parameter
#: not listed takes its model's default.
DEMO_VALUES = {"v": 1.2, "a": 1.0, "t": 0.3, "theta": 0.5}


def gonogo_spec(model: str | ModelSpec = "ddm") -> ModelSpec:
    """The spec of a model that can run the task: two choices (-1, +1), a drift ``v`` and a
    start ``z``."""
    spec = get_model(model)
    if spec.choices != (-1, 1) or not {"v", "z"} <= set(spec.param_names):
        raise ValueError(
            f"Go/NoGo needs a two-choice model with a drift v and a start z; {spec.name!r} has "
            f"choices {list(spec.choices)} and parameters {', '.join(spec.param_names)}."
        )
    return spec


def free_params(model: str | ModelSpec = "ddm") -> tuple[str, ...]:
    """The model's Go/NoGo parameters with a prior (uniform over its training box)."""
    return tuple(name for name in gonogo_spec(model).param_names if name not in FIXED)


def demo_values(model: str | ModelSpec = "ddm") -> dict[str, float]:
    """True free parameters of the walkthrough's data for ``model``: `DEMO_VALUES`, and each
    other parameter's default."""
    spec = gonogo_spec(model)
    return {name: DEMO_VALUES.get(name, spec.param(name).default) for name in free_params(spec)}


def condition_rows(values: dict) -> tuple[dict, dict]:
    """Parameters by name of the Go and the NoGo condition: the NoGo drift is ``-v``."""
    go = {**FIXED, **values}
    return go, {**go, "v": -go["v"]}


def simulate_gonogo(
    n_trials: int = 1000, *, model: str = "ddm", seed: int = 0, **values: float
) -> pd.DataFrame:
    """A Go/NoGo data set of ``model`` at ``values`` (by name; default `demo_values`, ``z``
    0.5): half Go, half NoGo trials; withheld presses have rt = NaN."""
    spec = gonogo_spec(model)
    half = n_trials // 2
    go, nogo = condition_rows({**demo_values(spec), **values})
    theta = np.stack([spec.row(**go), spec.row(**nogo)])
    sims = simulate(spec, theta, n_trials - half, seed=seed)
    frames = []
    for k, condition in enumerate(CONDITIONS):
        n = half if condition == "nogo" else n_trials - half
        pressed = sims.choice[k, :n] == 1
        frames.append(
            pd.DataFrame(
                {
                    "rt": np.where(pressed, sims.rt[k, :n], np.nan),
                    "choice": np.where(pressed, 1, -1),
                    "condition": condition,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


WITHHELD = ("model", "drop")


def gonogo_model(
    data: pd.DataFrame,
    *,
    model: str = "ddm",
    likelihood: str = "network",
    route: str = "pytensor",
    lan=None,
    cpn=None,
    withheld: str = "model",
    normalize: bool = True,
) -> pm.Model:
    """The tutorial's model of ``model`` (`gonogo_spec`) for a data frame with columns rt,
    choice, condition.

    ``withheld="model"`` puts the withheld presses in the likelihood (CPN term);
    ``withheld="drop"`` leaves them out and conditions each press on there being one,
    ``log p(rt, +1) - log P(+1)`` (dropping them without conditioning would bias every
    parameter towards pressing). Used to measure what the withheld trials add.
    """
    if withheld not in WITHHELD:
        raise ValueError(f"withheld must be one of {WITHHELD}; got {withheld!r}.")
    if "condition" not in data.columns:
        raise ValueError("Go/NoGo data needs a 'condition' column with values 'go'/'nogo'.")
    unknown = sorted(set(data["condition"]) - set(CONDITIONS))
    if unknown:
        raise ValueError(f"Column 'condition' holds {unknown}; allowed: {list(CONDITIONS)}.")
    if withheld == "drop":
        data = data[data["rt"].notna()]
    spec = gonogo_spec(model)
    sign = np.where(data["condition"].to_numpy() == "nogo", -1.0, 1.0)
    with pm.Model(coords={"trial": np.arange(len(data))}) as pymc_model:
        free = {
            name: pm.Uniform(name, spec.param(name).lower, spec.param(name).upper)
            for name in free_params(spec)
        }
        if withheld == "drop":
            _condition_on_pressing(spec, data, free, likelihood, cpn)
        params = {**FIXED, **free}
        SSM(
            "obs",
            spec.name,
            observed=data[["rt", "choice"]],
            **{**params, "v": params["v"] * sign},
            likelihood=likelihood,
            route=route,
            lan=lan,
            cpn=cpn,
            normalize=normalize,
        )
    return pymc_model


def _condition_on_pressing(
    spec: ModelSpec, data: pd.DataFrame, free: dict, likelihood: str, cpn
) -> None:
    """Subtract ``log P(+1)`` of each condition once per press in it."""
    presses = np.array([(data["condition"] == c).sum() for c in CONDITIONS], dtype=float)
    rows = condition_rows(free)
    theta = pt.stack([pt.stack([row[name] for name in spec.param_names]) for row in rows])
    if likelihood == "analytic":
        source = AnalyticSource.of(spec)
    else:
        source = cpn or load_network(spec.name, "cpn")
    log_press = source.choice_logp_xp(theta, pt.ones(2), pt)
    pm.Potential("press_condition", -(presses * log_press).sum())
