"""The two PyMC stacks ssmlan runs on, and every difference between them that its code meets.

Python 3.11: PyMC 5, PyTensor 2, ArviZ 0.x (posteriors as ``arviz.InferenceData``). Python 3.12
and newer: PyMC 6, PyTensor 3, ArviZ 1 (posteriors as ``xarray.DataTree``). Each name here uses
the installed stack's own current API, so that neither stack sees a deprecated call from
ssmlan; no other module of ssmlan branches on versions.
"""

from __future__ import annotations

import warnings
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr


def _major(distribution: str) -> int:
    return int(version(distribution).split(".")[0])


#: PyMC 6, PyTensor 3 and ArviZ 1 (Python >= 3.12; pyproject.toml pins the stacks together).
PYMC_6 = _major("pymc") >= 6
PYTENSOR_3 = _major("pytensor") >= 3
ARVIZ_1 = _major("arviz") >= 1

if ARVIZ_1:
    from xarray import DataTree as InferenceData
else:
    from arviz import InferenceData

from pytensor.tensor.subtensor import AdvancedSubtensor, Subtensor  # noqa: E402

try:
    from pytensor.graph.traversal import ancestors
except ImportError:  # PyTensor before 2.32
    from pytensor.graph.basic import ancestors

if PYTENSOR_3:  # one Op for x[integer vector] and every other advanced index
    INDEXING_OPS: tuple[type, ...] = (Subtensor, AdvancedSubtensor)
else:
    from pytensor.tensor.subtensor import AdvancedSubtensor1

    INDEXING_OPS = (Subtensor, AdvancedSubtensor, AdvancedSubtensor1)

__all__ = [
    "ARVIZ_1",
    "INDEXING_OPS",
    "PYMC_6",
    "PYTENSOR_3",
    "InferenceData",
    "add_group",
    "ancestors",
    "as_dataset",
    "compare",
    "compile_mode",
    "elpd_loo",
    "from_posterior",
    "group",
    "hdi",
    "loo_pareto_k",
    "max_rhat",
    "min_ess",
    "nuts_options",
    "pullback",
    "write_netcdf",
]


def compile_mode(outputs: list) -> str | None:
    """``mode`` for compiling ``outputs`` with PyTensor: ``"JAX"`` where the graph holds a
    JAX-wrapped Op (`pytensor.wrap_jax`, ssmlan's ``route="jax"``), so that it runs as one jitted
    JAX function (PyTensor 3's default Numba backend would run that Op in object mode, with a
    warning, at twice the time); else ``None``, the stack's default."""
    from pytensor.link.jax.ops import JAXOp

    for var in ancestors(outputs):
        if var.owner is not None and isinstance(var.owner.op, JAXOp):
            return "JAX"
    return None


def pullback(op_class: type) -> type:
    """Class decorator for a PyTensor ``Op`` whose gradient is its method
    ``pullback(inputs, outputs, cotangents)`` (PyTensor 3's name; ``grad``/``L_op`` are
    deprecated there). Under PyTensor 2, which calls ``L_op`` (same arguments), that method
    is also installed as ``L_op``."""
    if not PYTENSOR_3:
        op_class.L_op = op_class.pullback
    return op_class


def nuts_options(**options: Any) -> dict[str, Any]:
    """``pm.sample`` keyword arguments that hand ``options`` to the NUTS sampler:
    ``nuts={...}`` under PyMC 6, ``nuts_sampler_kwargs={...}`` (external samplers) under
    PyMC 5."""
    if not options:
        return {}
    return {"nuts": options} if PYMC_6 else {"nuts_sampler_kwargs": options}


def nutpie_mass_matrix(low_rank: bool) -> dict[str, Any]:
    """``nutpie.sample`` keyword arguments for its mass matrix: ``adaptation="low_rank"`` where
    nutpie takes it (the 3.12 stack's 0.16.11), ``low_rank_modified_mass_matrix=True`` before
    (the 3.11 stack's 0.16.8)."""
    if not low_rank:
        return {}
    import inspect

    import nutpie

    if "adaptation" in inspect.signature(nutpie.sample).parameters:
        return {"adaptation": "low_rank"}
    return {"low_rank_modified_mass_matrix": True}


def as_dataset(data: Any) -> xr.Dataset:
    """A group of a posterior, or a statistic ArviZ returned, as an ``xarray.Dataset``
    (ArviZ 1 returns DataTree nodes where ArviZ 0.x returns Datasets)."""
    return data.to_dataset() if isinstance(data, xr.DataTree) else data


def group(idata: InferenceData, name: str) -> xr.Dataset:
    """The group ``name`` (``"posterior"``, ``"log_likelihood"``, ...) of ``idata`` as a Dataset."""
    return as_dataset(idata[name])


def add_group(idata: InferenceData, name: str, dataset: xr.Dataset) -> None:
    """Add (or replace) the group ``name`` of ``idata`` in place."""
    if ARVIZ_1:
        idata[name] = xr.DataTree(dataset)
    else:
        idata.add_groups({name: dataset})


def from_posterior(posterior: dict[str, Any]) -> InferenceData:
    """A posterior of arrays shaped ``(chain, draw, ...)``, by variable name."""
    import arviz as az

    return az.from_dict({"posterior": posterior}) if ARVIZ_1 else az.from_dict(posterior=posterior)


def write_netcdf(idata: InferenceData, path: Path | str) -> None:
    """Write ``idata`` to ``path`` as netCDF4 (HDF5, through h5netcdf), one netCDF group per
    posterior group, numeric variables zlib-compressed: the layout ``arviz.from_netcdf`` reads
    in ArviZ 0.x and 1 alike (and that ArviZ 0.x's ``to_netcdf`` writes)."""
    if not ARVIZ_1:
        idata.to_netcdf(str(path), engine="h5netcdf")
        return
    encoding = {
        node.path: {
            name: {"zlib": True}
            for name, var in node.dataset.variables.items()
            if var.dtype.kind in "biufc"
        }
        for node in idata.subtree
    }
    idata.to_netcdf(path, engine="h5netcdf", encoding=encoding)


def hdi(idata: InferenceData, var_names: list[str], prob: float) -> xr.Dataset:
    """Highest-density intervals: ``hdi(...)[name].values`` is ``(low, high)``."""
    import arviz as az

    key = "prob" if ARVIZ_1 else "hdi_prob"
    return as_dataset(az.hdi(idata, var_names=var_names, **{key: prob}))


def max_rhat(idata: InferenceData, var_names: list[str] | None = None) -> float:
    """Largest rank-normalised split R-hat over the posterior's variables (or ``var_names``)."""
    import arviz as az

    return float(as_dataset(az.rhat(idata, var_names=var_names)).to_dataarray().max())


def min_ess(idata: InferenceData, var_names: list[str] | None = None) -> float:
    """Smallest bulk effective sample size over the posterior's variables (or ``var_names``)."""
    import arviz as az

    ess = az.ess(idata, var_names=var_names, method="bulk")
    return float(as_dataset(ess).to_dataarray().min())


def elpd_loo(idata: InferenceData) -> float:
    """PSIS-LOO expected log pointwise predictive density of ``idata``'s log-likelihood."""
    import arviz as az

    result = az.loo(idata)
    return float(result.elpd if ARVIZ_1 else result.elpd_loo)


def loo_pareto_k(idata: InferenceData) -> tuple[np.ndarray, float]:
    """PSIS-LOO's Pareto k of every observation and the threshold above which it is
    unreliable (ArviZ's ``good_k``: 0.7, or less with few draws)."""
    import arviz as az

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        result = az.loo(idata, pointwise=True)
    k = np.ravel(np.asarray(result.pareto_k))
    return k, float(result.good_k)


def compare(fits: dict[str, InferenceData]) -> pd.DataFrame:
    """PSIS-LOO comparison of ``fits`` (by name), best first: columns ``elpd_loo``, ``se``,
    ``p_loo``, ``elpd_diff`` (the best's elpd_loo less this one's), ``dse`` (its standard
    error) and ``weight`` (stacking), one set of names for both ArviZ versions."""
    import arviz as az

    with warnings.catch_warnings():  # Pareto k: ssmlan.compare reports the bad trials itself
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        table = az.compare(fits, round_to="none") if ARVIZ_1 else az.compare(fits)
    names = {"elpd": "elpd_loo", "p": "p_loo"} if ARVIZ_1 else {}
    table = table.rename(columns=names)
    table["elpd_diff"] = table["elpd_loo"].max() - table["elpd_loo"]  # ArviZ 1's is negative
    columns = ["rank", "elpd_loo", "se", "p_loo", "elpd_diff", "dse", "weight"]
    return table[columns].astype(float).astype({"rank": int})
