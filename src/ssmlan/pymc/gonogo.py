"""The Go/NoGo (NeuroRacer) model: Go trials drift at ``v``, NoGo trials at ``-v``.

A press gives ``(rt, choice = +1)`` and uses the LAN; a withheld press gives only
``choice = -1`` (rt NaN) and uses the CPN, ``log P(choice = -1) = log(1 - P_CPN(+1))`` computed
as a log-sigmoid. Only the drift changes sign in the NoGo condition; ``a``, ``z`` and ``t`` are
shared (the reference tutorial's CPN term flips every parameter, which is a bug).
Priors: v ~ U(-3, 3), a ~ U(0.3, 2.5), z = 0.5, t ~ U(0, 2); ``a`` is half the boundary
separation (ssm-simulators convention).
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
    theta = np.array([[v, a, z, t], [-v, a, z, t]])
    sims = simulate("ddm", theta, n_trials - half, seed=seed)
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
        v = pm.Uniform("v", -3.0, 3.0)
        a = pm.Uniform("a", 0.3, 2.5)
        t = pm.Uniform("t", 0.0, 2.0)
        if withheld == "drop":
            _condition_on_pressing(data, v, a, t, likelihood, cpn)
        SSM(
            "obs",
            "ddm",
            observed=data[["rt", "choice"]],
            v=v * sign,
            a=a,
            z=0.5,
            t=t,
            likelihood=likelihood,
            route=route,
            lan=lan,
            cpn=cpn,
            normalize=normalize,
        )
    return model


def _condition_on_pressing(data: pd.DataFrame, v, a, t, likelihood: str, cpn) -> None:
    """Subtract ``log P(+1)`` of each condition once per press in it."""
    presses = np.array([(data["condition"] == c).sum() for c in CONDITIONS], dtype=float)
    theta = pt.stack([pt.stack([v, a, 0.5, t]), pt.stack([-v, a, 0.5, t])])
    if likelihood == "analytic":
        source = AnalyticSource(get_model("ddm"))
    else:
        source = cpn or load_network("ddm", "cpn")
    log_press = source.choice_logp_xp(theta, pt.ones(2), pt)
    pm.Potential("press_condition", -(presses * log_press).sum())
