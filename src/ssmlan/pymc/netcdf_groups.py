"""Writing a group of a posterior file one chunk of draws at a time, in bounded memory.

A group (the pointwise log-likelihood, the posterior predictive) can be far larger than the
posterior. `write_group` lays it out as ``to_netcdf`` writes a group (netCDF4 through h5netcdf,
dimensions with coordinates), so ``arviz.from_netcdf`` opens it in ArviZ 0.x and 1 alike, but
fills it from consecutive chunks along ``draw``. It writes into a copy that then replaces the
file, so a failure or a kill leaves the file as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import xarray as xr


def write_group(
    path: Path | str,
    name: str,
    chunks: Iterable[tuple[int, xr.Dataset]],
    draws: np.ndarray,
) -> None:
    """Add the group ``name`` to the netCDF file ``path`` (created if missing) from ``chunks``,
    ``(first draw position, Dataset)`` pairs along ``draw``; ``draws``: the coordinate of all
    draws (every other dimension is taken from the first chunk)."""
    import h5netcdf

    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.exists():
        shutil.copyfile(path, tmp)
    try:
        with h5netcdf.File(tmp, "a") as file:
            group = None
            for start, chunk in chunks:
                if group is None:
                    group = _empty_group(file, name, chunk, np.asarray(draws))
                for var, values in chunk.data_vars.items():
                    where = [slice(None)] * values.ndim
                    where[values.dims.index("draw")] = slice(start, start + values.sizes["draw"])
                    group[var][tuple(where)] = values.values
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _empty_group(file, name: str, chunk: xr.Dataset, draws: np.ndarray):
    """An empty group shaped like ``chunk`` over all ``draws``."""
    group = file.create_group(name)
    sizes = {**dict(chunk.sizes), "draw": len(draws)}
    for dim, size in sizes.items():
        group.dimensions[dim] = size
    for dim in sizes:
        values = draws if dim == "draw" else chunk[dim].values
        if values.dtype.kind in "OU":
            group.create_variable(dim, (dim,), data=values.astype(str), dtype=str)
        else:
            group.create_variable(dim, (dim,), data=values)
    for var, values in chunk.data_vars.items():
        group.create_variable(var, values.dims, dtype=values.dtype)
    for key, value in chunk.attrs.items():
        group.attrs[key] = value
    return group
