"""Validation reports for trained networks: numbers (JSON) and figures (PNG) next to the file.

* ddm LAN (a LAN of v, a, z, t) vs the analytic density on the MNLE comparison protocol
  (Boelts et al. 2022): 1000 parameter sets with v in [-2, 2], a in [0.5, 2], z in [0.3, 0.7],
  t in [0.2, 1.8] (ssmlan's parameters; ``a`` is half the boundary separation), 100 simulated
  trials each; mean Huber loss (delta 1), mean and 99th-percentile absolute error of the
  per-trial log-likelihood. The same over the whole training box.
* ddm CPN vs the closed-form choice probability on 10,000 sets in the box: max absolute error.
* Every other LAN: on 50 sets in the box, the LAN density's mass per choice vs the
  simulator's choice proportion (1e5 trials; among decided trials for the rescaled likelihood,
  whose choice probabilities are conditional on a response), and the Hellinger distance between
  the LAN density and a simulation histogram against the distance between two independent
  simulations of the same size (the simulation's own noise). A model with a closed-form density
  too (ddm_sdv) also gets the per-trial error against it over the training box.
* Models without a closed-form choice probability (CPN): absolute error against the choice
  proportion among the decided ones of 1e5 simulations on 200 sets (this includes the
  proportion's own noise, SE <= 0.0016).

Given the model's CPN too, a LAN's report adds the same numbers for the likelihood that
inference uses by default: the LAN density rescaled per choice to the CPN's choice
probability (`ssmlan.likelihoods.trial_logp.trial_logp` with ``normalize``). The simulator gate
(``passed``) is then on that likelihood (``gate`` names the numbers it used).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ssmlan.checks.distances import hellinger_ratio, huber, simulation_grid
from ssmlan.likelihoods.trial_logp import TrialSplit, trial_logp
from ssmlan.models import ModelSpec
from ssmlan.networks import Network, load_network
from ssmlan.simulate import simulate

MNLE_BOX = {"v": (-2.0, 2.0), "a": (0.5, 2.0), "z": (0.3, 0.7), "t": (0.2, 1.8)}
TARGETS = {
    "ddm_lan_mnle_mean_huber": 0.19,
    "ddm_cpn_max_abs_error": 0.01,
    "mass_abs_error": 0.02,
    "hellinger_ratio": 3.0,
}


def draw_sets(
    spec: ModelSpec, n: int, rng: np.random.Generator, box: dict | None = None
) -> np.ndarray:
    """``n`` parameter sets uniform in ``box`` (parameter -> (low, high); parameters it does
    not name, or all for ``None``: the training box), one row each."""
    box = box or {}
    lower, upper = np.array([box.get(p.name, (p.lower, p.upper)) for p in spec.params]).T
    return spec.sample_in_box(n, rng, (lower, upper))


def likelihood_logp(
    lan: Network,
    cpn: Network | None,
    theta: np.ndarray,
    rt: np.ndarray,
    choice: np.ndarray,
    row_of_trial: np.ndarray,
) -> np.ndarray:
    """Per-trial log-likelihood: the LAN's, or (given a CPN) the LAN's rescaled per choice to
    the CPN's choice probability. ``theta``: one row per parameter set; ``row_of_trial``."""
    if cpn is None:
        return lan.logp(theta[row_of_trial], rt, choice).astype(float)
    split = TrialSplit.of(rt, choice, row_of_trial)
    theta32, rt32 = theta.astype(np.float32), rt.astype(np.float32)
    return trial_logp(lan, cpn, theta32, rt32, choice, split, np, normalize=True).astype(float)


def lan_vs_analytic(
    net: Network,
    box: dict | None,
    n_sets: int = 1000,
    n_trials: int = 100,
    seed: int = 0,
    cpn: Network | None = None,
) -> dict:
    """Per-trial log-likelihood error of a LAN (rescaled to ``cpn`` if given) against the
    analytic density."""
    spec = net.spec
    theta = draw_sets(spec, n_sets, np.random.default_rng(seed), box)
    sims = simulate(spec, theta, n_trials, seed=seed + 1)
    row_of_trial = np.repeat(np.arange(n_sets), n_trials)
    rt, choice = sims.rt.ravel(), sims.choice.ravel()
    decided = np.isfinite(rt)
    row_of_trial, rt, choice = row_of_trial[decided], rt[decided], choice[decided]
    by_name = dict(zip(spec.param_names, theta[row_of_trial].T, strict=True))
    exact = spec.analytic_logp(rt, choice, **by_name)
    error = likelihood_logp(net, cpn, theta, rt, choice, row_of_trial) - exact
    return {
        "n_trials": len(rt),
        "mean_huber": float(huber(error).mean()),
        "mean_abs_error": float(np.abs(error).mean()),
        "p99_abs_error": float(np.percentile(np.abs(error), 99)),
    }


def cpn_vs_reference(net: Network, n_sets: int, seed: int = 0) -> dict:
    """CPN P(choice=+1) against the closed form (if any) or 1e5-trial choice proportions."""
    spec = net.spec
    theta = draw_sets(spec, n_sets, np.random.default_rng(seed))
    predicted = net.choice_prob(theta)
    if spec.analytic_choice_logp is not None:
        by_name = dict(zip(spec.param_names, theta.T, strict=True))
        reference, source = np.exp(spec.analytic_choice_logp(1, **by_name)), "closed form"
    else:
        sims = simulate(spec, theta, 100_000, seed=seed + 1)
        reference = (sims.choice == 1).sum(axis=1) / np.isfinite(sims.rt).sum(axis=1)
        source = "1e5 simulations (proportion among decided trials)"
    error = np.abs(predicted - reference)
    return {
        "reference": source,
        "n_sets": n_sets,
        "max_abs_error": float(error.max()),
        "mean_abs_error": float(error.mean()),
    }


def lan_vs_simulation(
    net: Network,
    n_sets: int = 50,
    n_sims: int = 100_000,
    seed: int = 0,
    cpn: Network | None = None,
) -> dict:
    """Mass per choice and Hellinger distance of a LAN density (rescaled to ``cpn`` if given)
    against simulations."""
    spec = net.spec
    theta = draw_sets(spec, n_sets, np.random.default_rng(seed))
    a_sims = simulate(spec, theta, n_sims, seed=seed + 1, max_t=net.mass_horizon)
    b_sims = simulate(spec, theta, n_sims, seed=seed + 2, max_t=net.mass_horizon)
    shifts = spec.smallest_rt(theta)
    mass_errors, ratios = [], []
    for k in range(n_sets):
        decided = a_sims.rt[k][np.isfinite(a_sims.rt[k])]
        grid = simulation_grid(decided, shifts[k], net.mass_horizon)
        mid = 0.5 * (grid[1:] + grid[:-1])
        net_mass = []
        for c in (-1, 1):
            choice = np.full(len(mid), c)
            logp = likelihood_logp(net, cpn, theta[k : k + 1], mid, choice, np.zeros(len(mid), int))
            net_mass.append(np.exp(logp) * np.diff(grid))
        # A LAN's labels are densities over all simulations (undecided ones included); the
        # rescaled likelihood's choice probabilities are conditional on a decision.
        n_reference = len(decided) if cpn is not None else n_sims
        for c, mass in zip((-1, 1), net_mass, strict=True):
            mass_errors.append(abs(mass.sum() - (a_sims.choice[k] == c).sum() / n_reference))
        ratios.append(hellinger_ratio(net_mass, grid, a_sims, b_sims, k))
    return {
        "n_sets": n_sets,
        "n_sims": n_sims,
        "max_mass_abs_error": float(max(mass_errors)),
        "mean_mass_abs_error": float(np.mean(mass_errors)),
        "max_hellinger_ratio": float(max(ratios)),
        "median_hellinger_ratio": float(np.median(ratios)),
    }


def validate(path: Path | str, fast: bool = False, cpn: Path | str | None = None) -> dict:
    """Run the checks that apply to the network at ``path``; write JSON and PNGs beside it.

    ``cpn`` (for a LAN): the model's CPN; the LAN checks are then also reported for the
    rescaled likelihood that inference uses (keys ending in ``_with_cpn``).
    """
    from ssmlan.plots.networks import plot_cpn_curves, plot_lan_overlays

    net = load_network(path)
    cpn_net = load_network(cpn, "cpn") if cpn is not None and net.kind == "lan" else None
    folder = Path(path) if Path(path).is_dir() else Path(path).parent
    scale = 10 if fast else 1
    report: dict = {"model": net.spec.name, "kind": net.kind, "targets": TARGETS}
    if net.kind == "lan" and set(net.spec.param_names) == set(MNLE_BOX):
        report["mnle_protocol"] = lan_vs_analytic(net, MNLE_BOX, 1000 // scale)
        report["training_box"] = lan_vs_analytic(net, None, 1000 // scale)
        if cpn_net is not None:
            report["mnle_protocol_with_cpn"] = lan_vs_analytic(
                net, MNLE_BOX, 1000 // scale, cpn=cpn_net
            )
        report["passed"] = (
            report["mnle_protocol"]["mean_huber"] < TARGETS["ddm_lan_mnle_mean_huber"]
        )
    elif net.kind == "lan":
        report["vs_simulation"] = lan_vs_simulation(net, 50 // scale)
        if cpn_net is not None:
            report["vs_simulation_with_cpn"] = lan_vs_simulation(net, 50 // scale, cpn=cpn_net)
        if net.spec.analytic_logp is not None:  # e.g. ddm_sdv: its closed form too
            report["training_box"] = lan_vs_analytic(net, None, 1000 // scale)
            if cpn_net is not None:
                report["training_box_with_cpn"] = lan_vs_analytic(
                    net, None, 1000 // scale, cpn=cpn_net
                )
        # The gate is on the likelihood inference uses: rescaled to the CPN when one is given.
        gated = "vs_simulation_with_cpn" if cpn_net is not None else "vs_simulation"
        report["gate"] = gated
        report["passed"] = (
            report[gated]["max_mass_abs_error"] <= TARGETS["mass_abs_error"]
            and report[gated]["max_hellinger_ratio"] <= TARGETS["hellinger_ratio"]
        )
    else:
        analytic = net.spec.analytic_choice_logp is not None
        report["choice_probability"] = cpn_vs_reference(net, (10_000 if analytic else 200) // scale)
        report["passed"] = (not analytic) or report["choice_probability"][
            "max_abs_error"
        ] <= TARGETS["ddm_cpn_max_abs_error"]
    figure = (plot_lan_overlays if net.kind == "lan" else plot_cpn_curves)(net)
    figure.savefig(folder / f"validation_{net.kind}.png", dpi=110)
    (folder / f"validation_{net.kind}.json").write_text(json.dumps(report, indent=2))
    return report
