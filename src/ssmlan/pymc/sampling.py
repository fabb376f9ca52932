"""One call for NUTS with any of the supported samplers, log-likelihood stored for LOO."""

from __future__ import annotations

import arviz as az
import pymc as pm

SAMPLERS = ("numpyro", "nutpie", "pymc", "blackjax")
#: The likelihood route each sampler runs fastest with (see benchmarks/inference.py).
SAMPLER_ROUTES = {"nutpie": "jax", "numpyro": "jax", "pymc": "pytensor", "blackjax": "jax"}


def sample(
    model: pm.Model,
    sampler: str,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    seed: int = 0,
) -> az.InferenceData:
    """NUTS with ``sampler``; pointwise log-likelihood stored for LOO. PyMC's own sampler runs
    under forkserver (fork deadlocks with JAX threads)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}; got {sampler!r}.")
    if sampler == "blackjax":
        from ssmlan.pymc.blackjax_sampler import sample_blackjax

        idata = sample_blackjax(model, draws=draws, tune=tune, chains=chains, seed=seed)
        pm.compute_log_likelihood(idata, model=model, progressbar=False)
        return idata
    kwargs: dict = {}
    if sampler == "nutpie":
        kwargs["nuts_sampler_kwargs"] = {"backend": "jax", "gradient_backend": "jax"}
    elif sampler == "pymc":
        kwargs["mp_ctx"] = "forkserver"
    idata = pm.sample(
        draws=draws,
        tune=tune,
        chains=chains,
        nuts_sampler=sampler,
        random_seed=seed,
        progressbar=False,
        model=model,
        **kwargs,
    )
    if "log_likelihood" not in idata:
        pm.compute_log_likelihood(idata, model=model, progressbar=False)
    return idata
