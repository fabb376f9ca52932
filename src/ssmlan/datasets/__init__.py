"""Real data sets shipped with ssmlan (sources in this folder's README.md)."""

from __future__ import annotations

from importlib import resources

import pandas as pd


def cavanagh_theta() -> pd.DataFrame:
    """Cavanagh et al. (2011): 3988 trials of 14 participants (columns in the README beside this
    module); ``choice`` is a copy of ``response`` (+1 upper / correct, -1 lower)."""
    with (resources.files(__name__) / "cavanagh_theta.csv").open() as stream:
        frame = pd.read_csv(stream)
    frame["choice"] = frame["response"].astype(int)
    return frame
