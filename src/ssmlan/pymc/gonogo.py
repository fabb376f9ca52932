"""The Go/NoGo (NeuroRacer) model: Go trials drift at ``v``, NoGo trials at ``-v``.

A press gives ``(rt, choice = +1)`` and uses the LAN; a withheld press gives only
``choice = -1`` (rt NaN) and uses the CPN, ``log P(choice = -1) = log(1 - P_CPN(+1))`` computed
as a log-sigmoid. Only the drift changes sign in the NoGo condition; ``a``, ``z`` and ``t`` are
shared (the reference tutorial's CPN term flips every parameter, which is a bug).
Priors: ``v``, ``a`` and ``t`` uniform over the ddm's training box, ``z = 0.5``; ``a`` is half the
boundary separation (ssm-simulators convention).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from ssmlan.likelihoods.trial_logp import AnalyticSource
from ssmlan.models import get_model
from ssmlan.networks import load_network
from ssmlan.pymc.ssm import SSM
from ssmlan.simulate import simulate

CONDITIONS = ("go", "nogo")
#: The Go/NoGo model is a ddm with a fixed, unbiased start.
SPEC = get_model("ddm")
FIXED = {"z": 0.5}
#: Its free parameters, each with a uniform prior over the ddm's training box.
FREE = tuple(name for name in SPEC.param_names if name not in FIXED)


def condition_rows(values: dict) -> tuple[dict, dict]:
    """Parameters by name of the Go and the NoGo condition: the NoGo drift is ``-v``."""
    go = {**FIXED, **values}
    return go, {**go, "v": -go["v"]}


def simulate_gonogo(
    n_trials: int = 1000,
    *,
    v: float = 1.2,
    a: float = 1.0,
    z: float = 0.5,
    t: float = 0.3,
    seed: int = 0,
) -> pd.DataFrame:
    """A Go/NoGo data set: half Go, half NoGo trials; withheld presses have rt = NaN."""
    half = n_trials // 2
    go, nogo = condition_rows({"v": v, "a": a, "z": z, "t": t})
    theta = np.stack([SPEC.row(**go), SPEC.row(**nogo)])
    sims = simulate(SPEC, theta, n_trials - half, seed=seed)
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
    likelihood: str = "network",
    route: str = "pytensor",
    lan=None,
    cpn=None,
    withheld: str = "model",
    normalize: bool = True,
) -> pm.Model:
    """The tutorial's model for a data frame with columns rt, choice, condition.

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
    sign = np.where(data["condition"].to_numpy() == "nogo", -1.0, 1.0)
    with pm.Model(coords={"trial": np.arange(len(data))}) as model:
        free = {
            name: pm.Uniform(name, SPEC.param(name).lower, SPEC.param(name).upper) for name in FREE
        }
        if withheld == "drop":
            _condition_on_pressing(data, free, likelihood, cpn)
        params = {**FIXED, **free}
        SSM(
            "obs",
            SPEC.name,
            observed=data[["rt", "choice"]],
            **{**params, "v": params["v"] * sign},
            likelihood=likelihood,
            route=route,
            lan=lan,
            cpn=cpn,
            normalize=normalize,
        )
    return model


def _condition_on_pressing(data: pd.DataFrame, free: dict, likelihood: str, cpn) -> None:
    """Subtract ``log P(+1)`` of each condition once per press in it."""
    presses = np.array([(data["condition"] == c).sum() for c in CONDITIONS], dtype=float)
    rows = condition_rows(free)
    theta = pt.stack([pt.stack([row[name] for name in SPEC.param_names]) for row in rows])
    if likelihood == "analytic":
        source = AnalyticSource.of(SPEC)
    else:
        source = cpn or load_network(SPEC.name, "cpn")
    log_press = source.choice_logp_xp(theta, pt.ones(2), pt)
    pm.Potential("press_condition", -(presses * log_press).sum())
