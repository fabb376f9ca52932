"""ESS per second for the Go/NoGo demo: the reference tutorial's route vs ssmlan's routes.

Same data (demo seed), 2 chains x (500 tune + 2000 draws), no pointwise log-likelihood stored
(the tutorial route has none; the cost of storing it, ssmlan's default, is timed last).
Metric: min bulk ESS over v, a, t divided by (1) wall time including compilation and (2)
sampling time only, estimated as the wall time minus that of a 10 + 10 draw run of the same
configuration (compilation and set-up), each timed after one untimed 10 + 10 run so that both
see the same warm caches.
The tutorial's route: the JAX log-likelihood called from a PyTensor ``Op.perform`` (and its
gradient from a second Op), sampled by PyMC's NUTS, as the tutorial writes it.
Run: ``python benchmarks/inference.py`` (about 10 minutes on 2 cores).
"""

from __future__ import annotations

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
import pymc as pm
import pytensor.tensor as pt
from pytensor.graph import Apply, Op

from ssmlan.likelihoods.trial_logp import TrialSplit, trial_logp
from ssmlan.models import get_model
from ssmlan.networks import load_network
from ssmlan.pymc import stack
from ssmlan.pymc.data import shift_initval
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo
from ssmlan.pymc.sampling import sample

DRAWS, TUNE, CHAINS = 2000, 500, 2
NAMES = ["v", "a", "t"]


def tutorial_model(data) -> pm.Model:
    """The tutorial's construction: a JAX function behind Op.perform, gradient likewise."""
    lan, cpn = load_network("ddm", "lan"), load_network("ddm", "cpn")
    rt, choice = data["rt"].to_numpy(), data["choice"].to_numpy().astype(float)
    split = TrialSplit.of(rt, choice)
    sign = np.where(data["condition"].to_numpy() == "nogo", -1.0, 1.0)

    def total(params):
        v, a, t = params[0], params[1], params[2]
        theta = jnp.stack(
            [v * sign, jnp.full(len(rt), a), jnp.full(len(rt), 0.5), jnp.full(len(rt), t)], axis=1
        )
        return trial_logp(lan, cpn, theta, jnp.asarray(rt), jnp.asarray(choice), split, jnp).sum()

    value_fn, grad_fn = jax.jit(total), jax.jit(jax.grad(total))

    class GradOp(Op):
        def make_node(self, params):
            return Apply(self, [params], [params.type()])

        def perform(self, node, inputs, outputs):
            outputs[0][0] = np.asarray(grad_fn(inputs[0]), dtype=node.outputs[0].dtype)

    @stack.pullback  # the gradient method's name on this PyTensor (grad in the tutorial)
    class LogpOp(Op):
        def make_node(self, params):
            return Apply(self, [params], [pt.dscalar()])

        def perform(self, node, inputs, outputs):
            outputs[0][0] = np.asarray(value_fn(inputs[0]), dtype="float64")

        def pullback(self, inputs, outputs, cotangents):
            return [cotangents[0] * GradOp()(inputs[0])]

    with pm.Model() as model:
        model._ssmlan_initvals = {
            "t": shift_initval(rt, get_model("ddm").shift)
        }  # the same start as ours
        v = pm.Uniform("v", -3.0, 3.0)
        a = pm.Uniform("a", 0.3, 2.5)
        t = pm.Uniform("t", 0.0, 2.0)
        pm.Potential("obs", LogpOp()(pt.stack([v, a, t])))
    return model


def timed(build, sampler: str, draws: int, tune: int) -> tuple[float, stack.InferenceData]:
    model = build()
    start = time.perf_counter()
    if sampler == "tutorial":
        idata = pm.sample(
            draws=draws,
            tune=tune,
            chains=CHAINS,
            cores=1,
            random_seed=0,
            progressbar=False,
            model=model,
            compute_convergence_checks=False,
            initvals=model._ssmlan_initvals,
        )
    else:
        # No pointwise log-likelihood: the tutorial route cannot store one, so neither does
        # ours here (storing it for LOO is ssmlan's default; its cost is printed separately).
        idata = sample(
            model, sampler, draws=draws, tune=tune, chains=CHAINS, seed=0, log_likelihood=False
        )
    return time.perf_counter() - start, idata


def main() -> None:
    data = simulate_gonogo(1000, seed=0, v=1.2, a=1.0, t=0.3)
    configs = {
        "tutorial route (Op.perform + JAX), PyMC NUTS": (lambda: tutorial_model(data), "tutorial")
    }
    for route in ("pytensor", "jax"):
        for sampler in ("pymc", "numpyro", "nutpie", "blackjax"):
            configs[f"ssmlan {route} route, {sampler}"] = (
                lambda route=route: gonogo_model(data, route=route),
                sampler,
            )
    configs["analytic ddm, numpyro"] = (
        lambda: gonogo_model(data, likelihood="analytic", route="jax"),
        "numpyro",
    )
    only = sys.argv[1:]
    rows = {}
    for name, (build, sampler) in configs.items():
        if only and not any(word in name for word in only):
            continue
        timed(build, sampler, 10, 10)  # warms caches that a later identical build reuses
        setup, _ = timed(build, sampler, 10, 10)
        wall, idata = timed(build, sampler, DRAWS, TUNE)
        ess = stack.min_ess(idata, NAMES)
        rows[name] = (wall, max(wall - setup, 1e-9), ess)
        print(
            f"{name:<48} wall {wall:6.1f} s  sampling {wall - setup:6.1f} s  min ESS "
            f"{ess:7.0f}  ESS/s {ess / wall:6.1f}  (sampling only {ess / (wall - setup):6.1f})",
            flush=True,
        )
    if not only or "log-likelihood" in only:
        build = lambda: gonogo_model(data, route="jax")  # noqa: E731
        idata = sample(
            build(), "numpyro", draws=DRAWS, tune=TUNE, chains=CHAINS, seed=0, log_likelihood=False
        )
        start = time.perf_counter()
        pm.compute_log_likelihood(idata, model=build(), progressbar=False)
        seconds = time.perf_counter() - start
        print(f"storing the pointwise log-likelihood (jax, numpyro): +{seconds:.1f} s")
    base_name = next(iter(configs))
    if base_name in rows:
        wall, sampling, ess = rows[base_name]
        print("\nratios of ESS/s to the tutorial route (incl. compilation / sampling only):")
        for name, (w, s, e) in rows.items():
            print(
                f"  {name:<48} x{(e / w) / (ess / wall):6.2f}   x{(e / s) / (ess / sampling):6.2f}"
            )


if __name__ == "__main__":
    main()
