"""`ssmlan demo`: the Go/NoGo (NeuroRacer) walkthrough on the shipped networks.

Simulates 1000 trials (500 Go with drift v, 500 NoGo with drift -v) of the ddm (or another
Go/NoGo model with shipped networks, e.g. the angle) with a seed, fits the tutorial's model with
NUTS, prints the posterior summary next to the true values, and saves the posterior, a summary
table and figures to an output folder.
"""

from __future__ import annotations

import time
from pathlib import Path

import arviz as az

from ssmlan.networks import load_network
from ssmlan.plots.posterior import plot_marginals, plot_rt_fit
from ssmlan.pymc.gonogo import FIXED, demo_values, gonogo_model, gonogo_spec, simulate_gonogo
from ssmlan.pymc.sampling import SAMPLER_ROUTES, sample
from ssmlan.pymc.stack import write_netcdf


def run_demo(
    out: Path | str = "demo_output",
    *,
    n_trials: int = 1000,
    seed: int = 0,
    draws: int = 1000,
    tune: int = 500,
    chains: int = 2,
    sampler: str = "numpyro",
    model: str = "ddm",
) -> dict:
    """Run the walkthrough; returns the summary table (and timings) as a dict."""
    spec = gonogo_spec(model)
    load_network(spec.name, "cpn")  # a model without shipped networks fails here, before work
    truth = demo_values(spec)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = simulate_gonogo(n_trials, model=spec.name, seed=seed, **truth)
    data.to_csv(out / "data.csv", index=False)
    values = ", ".join(f"{name}={value:g}" for name, value in {**truth, **FIXED}.items())
    print(
        f"Go/NoGo data of the {spec.name}: {n_trials} trials, true {values} (a: half the "
        f"boundary separation); presses: {int((data.choice == 1).sum())}, withheld: "
        f"{int((data.choice == -1).sum())}"
    )
    pymc_model = gonogo_model(data, model=spec.name, route=SAMPLER_ROUTES[sampler])
    start = time.perf_counter()
    idata = sample(pymc_model, sampler, draws, tune, chains, seed)
    seconds = time.perf_counter() - start
    summary = az.summary(idata, var_names=list(truth), round_to=3)
    summary.insert(0, "true", [truth[name] for name in summary.index])
    print(summary.to_string())
    print(f"{sampler} NUTS, {chains} chains x ({tune} + {draws}): {seconds:.1f} s")
    write_netcdf(idata, out / "posterior.nc")
    summary.to_csv(out / "summary.csv")
    draws_by_name = {name: idata.posterior[name].values for name in truth}
    plot_marginals(draws_by_name, truth).savefig(out / "posterior.png", dpi=110)
    mean = spec.row(**FIXED, **{name: float(draws.mean()) for name, draws in draws_by_name.items()})
    go = data[data.condition == "go"]
    plot_rt_fit(
        go.rt.to_numpy(), load_network(spec.name, "lan"), mean, "Go trials: data vs LAN"
    ).savefig(out / "rt_fit.png", dpi=110)
    print(f"wrote {out}/posterior.nc, summary.csv, posterior.png, rt_fit.png")
    return {"summary": summary, "seconds": seconds}
