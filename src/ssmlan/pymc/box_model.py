"""`box_model`: a PyMC model with a uniform prior over the training box for every parameter.

``depends`` gives a parameter one value per level of a data column (e.g. ``{"v": "condition"}``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

from ssmlan.models import get_model
from ssmlan.pymc.data import as_trials, deadline_values
from ssmlan.pymc.ssm import SSM, lapse_probability


def box_model(
    frame: pd.DataFrame,
    model: str = "ddm",
    depends: dict[str, str] | None = None,
    likelihood: str = "network",
    route: str = "pytensor",
    p_outlier: float | str | None = None,
    deadline: float | str | None = None,
    **ssm_options,
) -> pm.Model:
    """Uniform box priors for every parameter; ``depends`` adds one value per column level.

    ``p_outlier``: lapses (`ssmlan.pymc.ssm.lapse_probability`: a number, or ``"free"``);
    ``deadline``: seconds, or a column of per-trial deadlines (trials without rt and choice had
    no response before it); ``ssm_options`` go to `ssmlan.pymc.SSM` (e.g. ``lan=`` a network
    of your own)."""
    spec = get_model(model)
    depends = depends or {}
    for name, column in depends.items():
        spec.param(name)
        if column not in frame.columns:
            raise ValueError(
                f"--depends {name}={column}: no column {column!r} in the data; "
                f"columns: {list(frame.columns)}."
            )
    trials = as_trials(frame, spec, censored=deadline is not None)
    coords = {
        f"{column}_level": sorted(frame[column].astype(str).unique()) for column in depends.values()
    }
    with pm.Model(coords=coords) as pymc_model:
        params = {}
        for p in spec.params:
            if p.name in depends:
                column = depends[p.name]
                levels = coords[f"{column}_level"]
                index = np.searchsorted(levels, frame[column].astype(str).to_numpy())
                values = pm.Uniform(p.name, p.lower, p.upper, dims=f"{column}_level")
                params[p.name] = values[index]
            else:
                params[p.name] = pm.Uniform(p.name, p.lower, p.upper)
        SSM(
            "obs",
            spec.name,
            observed=trials,
            likelihood=likelihood,
            route=route,
            p_outlier=lapse_probability(p_outlier),
            deadline=deadline_values(deadline, len(trials), frame),
            **ssm_options,
            **params,
        )
    return pymc_model
