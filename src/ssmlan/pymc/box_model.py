"""`box_model`: a PyMC model with a uniform prior over the training box for every parameter.

``depends`` gives a parameter one value per level of a data column (e.g. ``{"v": "condition"}``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymc as pm

from ssmlan.models import get_model
from ssmlan.pymc.data import as_trials
from ssmlan.pymc.ssm import SSM


def box_model(
    frame: pd.DataFrame,
    model: str = "ddm",
    depends: dict[str, str] | None = None,
    likelihood: str = "network",
    route: str = "pytensor",
    **ssm_options,
) -> pm.Model:
    """Uniform box priors for every parameter; ``depends`` adds one value per column level.

    ``ssm_options`` go to `ssmlan.pymc.SSM` (e.g. ``lan=`` a network of your own)."""
    spec = get_model(model)
    depends = depends or {}
    for name, column in depends.items():
        spec.param(name)
        if column not in frame.columns:
            raise ValueError(
                f"--depends {name}={column}: no column {column!r} in the data; "
                f"columns: {list(frame.columns)}."
            )
    trials = as_trials(frame, spec)
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
            **ssm_options,
            **params,
        )
    return pymc_model
