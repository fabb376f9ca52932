"""One call for NUTS with any of the supported samplers, log-likelihood stored for LOO.

The pointwise log-likelihood (draws x trials) can be far larger than the posterior, and the
samplers' own routes compute it for every draw at once (numpyro asked for 30 GB at 200,000
trials). Here it is computed in chunks of draws of bounded size (`log_likelihood_chunks`),
after sampling: in memory (`add_log_likelihood`), or straight into a saved posterior file
(`write_log_likelihood`), so that a fit's posterior is on disk before any of it is computed.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pymc as pm
import xarray as xr

from ssmlan.constants import TARGET_ACCEPT
from ssmlan.pymc import stack
from ssmlan.pymc.netcdf_groups import write_group
from ssmlan.pymc.stack import InferenceData
from ssmlan.settings import shown

SAMPLERS = ("numpyro", "nutpie", "pymc", "blackjax")
#: The likelihood route each sampler runs fastest with (see benchmarks/inference.py).
SAMPLER_ROUTES = {"nutpie": "jax", "numpyro": "jax", "pymc": "pytensor", "blackjax": "jax"}
#: Largest chunk of the pointwise log-likelihood computed at once (bytes).
CHUNK_BYTES = 256 * 2**20


def check_options(
    sampler: str,
    draws: int,
    tune: int,
    chains: int,
    target_accept: float = TARGET_ACCEPT,
    low_rank_mass_matrix: bool = False,
) -> None:
    """Refuse an unknown sampler, counts that are not integers (draws, chains >= 1,
    tune >= 0), a target acceptance rate outside (0, 1) and a low-rank mass matrix for a
    sampler other than nutpie: before a model is built (`ssmlan.fit.run_fit`) or sampled."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}; got {sampler!r}.")
    if low_rank_mass_matrix and sampler != "nutpie":
        raise ValueError(
            f"A low-rank mass matrix is nutpie's (sampler='nutpie'); got sampler {sampler!r}."
        )
    for name, value, least in (("draws", draws, 1), ("tune", tune, 0), ("chains", chains, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            raise ValueError(f"{name} must be an integer >= {least}; got {shown(value)}.")
    real = isinstance(target_accept, int | float | np.floating) and not isinstance(
        target_accept, bool
    )
    if not (real and 0.0 < target_accept < 1.0):
        raise ValueError(
            f"target_accept must be a number in (0, 1), e.g. 0.9 against divergences; got "
            f"{shown(target_accept)}."
        )


def sample(
    model: pm.Model,
    sampler: str,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    seed: int = 0,
    log_likelihood: bool = True,
    progressbar: bool | None = None,
    target_accept: float = TARGET_ACCEPT,
    low_rank_mass_matrix: bool = False,
) -> InferenceData:
    """NUTS with ``sampler``; the pointwise log-likelihood is stored for LOO unless
    ``log_likelihood=False`` (computed after sampling in bounded chunks, `add_log_likelihood`).
    ``progressbar``: show the sampler's progress (default: where stderr is a terminal).
    ``target_accept``: the step-size adaptation's target (higher: smaller steps, fewer
    divergences, more gradients per draw). ``low_rank_mass_matrix`` (nutpie): adapt a mass
    matrix that also learns the posterior's strongest correlations (nutpie's low-rank
    adaptation), e.g. between a group mean and its centred group effects
    (docs/hierarchical.md).
    PyMC's own sampler runs under forkserver (fork deadlocks with JAX threads). ``t`` starts
    below the fastest rt (see `ssmlan.pymc.ssm`)."""
    check_options(sampler, draws, tune, chains, target_accept, low_rank_mass_matrix)
    shown_progress = sys.stderr.isatty() if progressbar is None else progressbar
    initvals = getattr(model, "_ssmlan_initvals", None)
    counts = {"draws": draws, "tune": tune, "chains": chains}
    if sampler == "blackjax":
        from ssmlan.pymc.blackjax_sampler import sample_blackjax

        idata = sample_blackjax(
            model,
            **counts,
            seed=seed,
            initvals=initvals,
            progressbar=shown_progress,
            target_accept=target_accept,
        )
    elif sampler == "nutpie":  # driven directly: pm.sample does not pass initvals to nutpie
        import nutpie

        compiled = nutpie.compile_pymc_model(
            model, backend="jax", gradient_backend="jax", initial_points=initvals
        )
        idata = nutpie.sample(
            compiled,
            **counts,
            seed=seed,
            progress_bar=shown_progress,
            target_accept=target_accept,
            **stack.nutpie_mass_matrix(low_rank_mass_matrix),
        )
    else:
        kwargs: dict = {"mp_ctx": "forkserver"} if sampler == "pymc" else {}
        if sampler == "numpyro":  # chains in parallel only with a device each (else a warning)
            import jax

            parallel = jax.local_device_count() >= chains
            kwargs |= stack.nuts_options(chain_method="parallel" if parallel else "sequential")
        idata = pm.sample(
            **counts,
            nuts_sampler=sampler,
            random_seed=seed,
            progressbar=shown_progress,
            model=model,
            initvals=initvals,
            target_accept=target_accept,
            **kwargs,  # no log-likelihood (both stacks' default): all draws at once, see above
        )
    if log_likelihood and "log_likelihood" not in idata:
        add_log_likelihood(idata, model)
    return idata


def log_likelihood_chunks(
    idata: InferenceData, model: pm.Model, chunk_bytes: int = CHUNK_BYTES
) -> Iterator[tuple[int, xr.Dataset]]:
    """``(first draw, log-likelihood of the observed variables)`` for consecutive chunks of
    draws (all chains), each at most ``chunk_bytes`` (at least one draw): what
    `pymc.compute_log_likelihood` computes, compiled once, one posterior point at a time."""
    from pymc.backends.arviz import apply_function_over_dataset, coords_and_dims_for_inferencedata
    from pymc.model.transform.conditioning import remove_value_transforms

    umodel = remove_value_transforms(model)
    observed = list(umodel.observed_RVs)
    names = [rv.name for rv in observed]
    outs = umodel.logp(vars=observed, sum=False)
    fn = umodel.compile_fn(
        inputs=umodel.value_vars,
        outs=outs,
        on_unused_input="ignore",
        mode=stack.compile_mode(outs),
    )
    coords, dims = coords_and_dims_for_inferencedata(umodel)
    posterior = stack.group(idata, "posterior")[[rv.name for rv in umodel.free_RVs]]
    values = sum(_size(umodel.rvs_to_values[rv]) for rv in observed)
    per_draw = max(1, posterior.sizes["chain"] * values * 8)
    step = max(1, chunk_bytes // per_draw)
    for start in range(0, posterior.sizes["draw"], step):
        part = posterior.isel(draw=slice(start, start + step))
        with warnings.catch_warnings():  # a chunk may hold fewer draws than there are chains
            warnings.filterwarnings("ignore", "More chains", UserWarning)
            chunk = apply_function_over_dataset(
                fn, part, output_var_names=names, coords=coords, dims=dims, progressbar=False
            )
        yield start, chunk.assign_coords(chain=part["chain"], draw=part["draw"])


def _size(value) -> int:
    """Number of elements of an observed variable's data (unknown dimensions count as 1)."""
    if hasattr(value, "data"):
        return int(np.size(value.data))
    return int(np.prod([size or 1 for size in value.type.shape]))


def add_log_likelihood(
    idata: InferenceData, model: pm.Model, chunk_bytes: int = CHUNK_BYTES
) -> InferenceData:
    """Add the ``log_likelihood`` group to ``idata`` in memory, computed in chunks of draws
    (`log_likelihood_chunks`): the result's size, plus one chunk."""
    parts = [chunk for _, chunk in log_likelihood_chunks(idata, model, chunk_bytes)]
    log_likelihood = xr.concat(parts, dim="draw") if len(parts) > 1 else parts[0]
    stack.add_group(idata, "log_likelihood", log_likelihood)
    return idata


def write_log_likelihood(
    idata: InferenceData, model: pm.Model, path: Path | str, chunk_bytes: int = CHUNK_BYTES
) -> None:
    """Add the ``log_likelihood`` group to the posterior file ``path`` (written from ``idata``
    by `ssmlan.pymc.stack.write_netcdf`), one chunk of draws at a time
    (`log_likelihood_chunks`, `ssmlan.pymc.netcdf_groups.write_group`): memory stays within
    one chunk whatever the size of the result, and a failure leaves the file as it was."""
    draws = stack.group(idata, "posterior")["draw"].values
    write_group(path, "log_likelihood", log_likelihood_chunks(idata, model, chunk_bytes), draws)
