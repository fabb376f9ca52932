"""NUTS with BlackJax on any PyMC model.

``pm.sample(nuts_sampler="blackjax")`` fails with blackjax >= 1.6 (a removed ``progress_bar``
argument), so ssmlan drives BlackJax itself: PyMC's jaxified log density, BlackJax's window
adaptation and NUTS kernel, one chain after another, then the draws mapped back to the model's
variables as an ArviZ InferenceData (a DataTree under ArviZ 1).
"""

from __future__ import annotations

import blackjax
import jax
import jax.numpy as jnp
import numpy as np
import pymc as pm
from pymc.sampling.jax import get_jaxified_graph
from tqdm.auto import tqdm

from ssmlan.constants import TARGET_ACCEPT
from ssmlan.pymc.stack import InferenceData, compile_mode, from_posterior


def sample_blackjax(
    model: pm.Model,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 2,
    seed: int = 0,
    target_accept: float = TARGET_ACCEPT,
    initvals: dict | None = None,
    progressbar: bool = False,
) -> InferenceData:
    """Posterior draws of ``model``'s free variables (constrained) from BlackJax NUTS;
    ``progressbar``: one step per chain (each chain's warm-up and draws run compiled)."""
    logp_graph = get_jaxified_graph(inputs=model.value_vars, outputs=[model.logp()])

    def logdensity(position):
        return logp_graph(*position)[0]

    initial = model.initial_point(random_seed=seed)
    for name, value in (initvals or {}).items():  # constrained value -> transformed space
        rv = model[name]
        transform = model.rvs_to_transforms.get(rv)
        transformed = transform.forward(value, *rv.owner.inputs).eval() if transform else value
        initial[model.rvs_to_values[rv].name] = np.asarray(transformed)
    position = [jnp.asarray(initial[v.name]) for v in model.value_vars]
    logp = model.logp()
    reference = float(model.compile_logp(mode=compile_mode([logp]))(initial))
    jax_value = float(logdensity(position))
    if not np.isclose(jax_value, reference, rtol=1e-5, atol=1e-6):
        raise RuntimeError(
            f"The JAX log density of the model is {jax_value:g} at the initial point, PyMC's is "
            f"{reference:g}; BlackJax would sample another density. Use another sampler."
        )

    key = jax.random.key(seed)
    chains_draws = []
    for chain in tqdm(range(chains), desc="blackjax chains", disable=not progressbar):
        key, warm_key, run_key = jax.random.split(jax.random.fold_in(key, chain), 3)
        warmup = blackjax.window_adaptation(
            blackjax.nuts, logdensity, target_acceptance_rate=target_accept
        )
        (state, parameters), _ = warmup.run(warm_key, position, num_steps=tune)
        kernel = jax.jit(blackjax.nuts(logdensity, **parameters).step)

        def one_step(state, step_key, kernel=kernel):
            state, _ = kernel(step_key, state)
            return state, state.position

        _, positions = jax.lax.scan(one_step, state, jax.random.split(run_key, draws))
        chains_draws.append([np.asarray(p) for p in positions])
    to_constrained = model.compile_fn(
        model.unobserved_value_vars,
        inputs=model.value_vars,
        on_unused_input="ignore",
        point_fn=False,
    )
    names = [v.name for v in model.unobserved_value_vars]
    posterior: dict[str, list] = {name: [] for name in names}
    for chain_draws in chains_draws:
        per_draw = [to_constrained(*[p[i] for p in chain_draws]) for i in range(draws)]
        for j, name in enumerate(names):
            posterior[name].append(np.stack([values[j] for values in per_draw]))
    keep = {rv.name for rv in model.free_RVs} | {d.name for d in model.deterministics}
    return from_posterior(
        {name: np.stack(values) for name, values in posterior.items() if name in keep}
    )
