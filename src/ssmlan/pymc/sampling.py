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
    log_likelihood: bool = True,
) -> az.InferenceData:
    """NUTS with ``sampler``; the pointwise log-likelihood is stored for LOO unless
    ``log_likelihood=False``. PyMC's own sampler runs under forkserver (fork deadlocks with JAX
    threads). ``t`` starts below the fastest rt (see `ssmlan.pymc.ssm`)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}; got {sampler!r}.")
    initvals = getattr(model, "_ssmlan_initvals", None)
    if sampler == "blackjax":
        from ssmlan.pymc.blackjax_sampler import sample_blackjax

        idata = sample_blackjax(
            model, draws=draws, tune=tune, chains=chains, seed=seed, initvals=initvals
        )
    elif sampler == "nutpie":  # driven directly: pm.sample does not pass initvals to nutpie
        import nutpie

        compiled = nutpie.compile_pymc_model(
            model, backend="jax", gradient_backend="jax", initial_points=initvals
        )
        idata = nutpie.sample(
            compiled, draws=draws, tune=tune, chains=chains, seed=seed, progress_bar=False
        )
    else:
        kwargs: dict = {"mp_ctx": "forkserver"} if sampler == "pymc" else {}
        if sampler == "numpyro":  # chains in parallel only with a device each (else a warning)
            import jax

            parallel = jax.local_device_count() >= chains
            kwargs["nuts_sampler_kwargs"] = {
                "chain_method": "parallel" if parallel else "sequential"
            }
        idata = pm.sample(
            draws=draws,
            tune=tune,
            chains=chains,
            nuts_sampler=sampler,
            random_seed=seed,
            progressbar=False,
            model=model,
            initvals=initvals,
            idata_kwargs={"log_likelihood": log_likelihood},
            **kwargs,
        )
    if log_likelihood and "log_likelihood" not in idata:
        pm.compute_log_likelihood(idata, model=model, progressbar=False)
    return idata
