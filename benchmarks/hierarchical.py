"""Hierarchical and trial-wise regression fits of the Cavanagh et al. (2011) data, in one run.

1. The hierarchical DDM (random intercepts for v, a and t by participant; z = 0.5; 2 chains x
   (TUNE + DRAWS), nutpie): ssmlan with the networks, ssmlan with the analytic likelihood, and
   HSSM's analytic likelihood (run in the benchmark environment, `hssm_hierarchical.py`).
   Speed: ESS/s = the minimum bulk ESS over all free parameters / wall time (model building
   and compilation included); printed as ratios against HSSM. Agreement: the network posterior
   against ssmlan's analytic one, in analytic posterior SDs: group-level means, and each
   participant's v, a and t. Peak memory: the network fit's resident set size.
2. The trial-wise regression ``a ~ 1 + theta`` on the high-conflict trials: its cost per trial
   against the shared-parameter model's (median of timed log-density + gradient evaluations)
   with each per-choice rescaling of the LAN (interpolated along a, the default; its
   quadrature; the normaliser network; none), and the agreement with the analytic fit of the
   three fast ones, next to the shared model's (the LAN's own agreement on these trials).

The network fit uses `ssmlan.model`'s default LAN (for a hierarchical ddm the compact one);
``--also-lan`` fits with other LANs too (``ddm_lan``: the ensemble).

Usage: python benchmarks/hierarchical.py [--hssm-python PATH] [--draws N] [--tune N]
       [--target-accept P] [--centered] [--low-rank] [--part all|hierarchical|trialwise]
       [--hssm-settings default|same|both] [--also-lan LAN]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import arviz as az
import numpy as np
from likelihood_cost import median_seconds

from ssmlan.constants import TARGET_ACCEPT
from ssmlan.datasets import cavanagh_theta
from ssmlan.models import get_model
from ssmlan.pymc.regression import model
from ssmlan.pymc.sampling import sample

SPEC = get_model("ddm")
HIERARCHICAL = {name: "1 + (1|participant_id)" for name in ("v", "a", "t")}
TRIALWISE = {"a": "1 + theta"}
GROUP = "participant_id"
FITS = ("network", "analytic")


def fit(data, likelihood: str, formulas: dict, args, **ssm_options) -> dict:
    """One nutpie fit: wall time (building included), min bulk ESS, divergences, r_hat, idata.
    ``args``: draws, tune, seed, target_accept, centered; ``ssm_options``: for
    `ssmlan.pymc.SSM` (e.g. another ``lan``, a ``normalizer``)."""
    start = time.perf_counter()
    pymc_model = model(
        data,
        "ddm",
        likelihood=likelihood,
        route="jax",
        z=0.5,
        noncentered=not args.centered,
        ssm_options=ssm_options,
        **formulas,
    )
    idata = sample(
        pymc_model,
        "nutpie",
        args.draws,
        args.tune,
        2,
        args.seed,
        log_likelihood=False,
        target_accept=args.target_accept,
        low_rank_mass_matrix=args.low_rank,
    )
    wall = time.perf_counter() - start
    free = [rv.name for rv in pymc_model.free_RVs]
    ess = az.ess(idata, var_names=free)
    rhat = az.rhat(idata, var_names=free)
    stats = idata.sample_stats
    lowest = min(free, key=lambda n: float(ess[n].min()))
    worst = max(free, key=lambda n: float(rhat[n].max()))
    return {
        "wall_s": wall,
        "mean_leapfrog_steps": float(stats["n_steps"].mean()) if "n_steps" in stats else None,
        "min_bulk_ess": float(ess[lowest].min()),
        "lowest_ess_variable": lowest,
        "max_rhat": float(rhat[worst].max()),
        "max_rhat_variable": worst,
        "divergences": int(idata.sample_stats["diverging"].sum()),
        "idata": idata,
    }


def participant_values(idata, n_groups: int) -> dict[str, np.ndarray]:
    """Draws of each participant's v, a, t (chain x draw x participant) through the link."""
    post = idata.posterior
    values = {}
    for name in HIERARCHICAL:
        eta = post[f"{name}_Intercept"].values[..., None] + post[f"{name}_1|{GROUP}"].values
        values[name] = SPEC.param(name).to_box(eta)
    assert all(v.shape[-1] == n_groups for v in values.values())
    return values


def diff_sd(network: np.ndarray, analytic: np.ndarray) -> np.ndarray:
    """|difference of posterior means| / analytic posterior SD, over the last axis."""
    axes = (0, 1)
    return np.abs(network.mean(axis=axes) - analytic.mean(axis=axes)) / analytic.std(axis=axes)


def group_level_agreement(network, analytic, names: list[str]) -> dict[str, float]:
    """Largest `diff_sd` over the elements of each variable ``names``."""

    def flat(idata, name: str) -> np.ndarray:
        values = idata.posterior[name].values
        return values.reshape(*values.shape[:2], -1)

    return {name: float(diff_sd(flat(network, name), flat(analytic, name)).max()) for name in names}


def hssm_fit(python: str, data, args, same_settings: bool) -> dict:
    """HSSM's fit: its defaults, or (``same_settings``) ssmlan's parametrisation and mass matrix."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        data.to_csv(path, index=False)
        script = Path(__file__).with_name("hssm_hierarchical.py")
        settings = (args.draws, args.tune, 2, args.seed, args.target_accept)
        if same_settings:
            settings += (int(args.centered), int(args.low_rank))
        command = [python, str(script), str(path), "nutpie", *map(str, settings)]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def gradient_seconds(pymc_model, repeats: int = 30) -> float:
    """Median time of one jitted JAX log-density + gradient evaluation of ``pymc_model``."""
    import jax
    from pymc.sampling.jax import get_jaxified_graph

    graph = get_jaxified_graph(inputs=pymc_model.value_vars, outputs=[pymc_model.logp()])
    point = pymc_model.initial_point()
    values = [np.asarray(point[v.name]) for v in pymc_model.value_vars]
    fn = jax.jit(jax.value_and_grad(lambda xs: graph(*xs)[0]))
    return median_seconds(fn, values, repeats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hssm-python", default=None, help="python of the HSSM environment")
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="write the results as JSON here")
    parser.add_argument("--target-accept", type=float, default=TARGET_ACCEPT)
    parser.add_argument("--centered", action="store_true", help="centred group effects")
    parser.add_argument("--low-rank", action="store_true", help="nutpie's low-rank mass matrix")
    parser.add_argument(
        "--hssm-settings",
        choices=("default", "same", "both"),
        default="default",
        help="HSSM with its defaults, with ssmlan's --centered/--low-rank, or both",
    )
    parser.add_argument(
        "--also-lan",
        action="append",
        default=[],
        help="hierarchical: fit with this LAN too (a shipped name or file; repeatable)",
    )
    parser.add_argument(
        "--part", choices=("all", "hierarchical", "trialwise"), default="all", help="what to run"
    )
    args = parser.parse_args()
    data = cavanagh_theta()
    results: dict = {}
    if args.part in ("all", "hierarchical"):
        results.update(hierarchical(data, args))
    if args.part in ("all", "trialwise"):
        results["trialwise"] = trialwise(data[data["conf"] == "HC"].reset_index(drop=True), args)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2, default=float))


def hierarchical(data, args) -> dict:
    """Part 1 (module docstring): the fits' speed, memory and agreement."""
    n_groups = data[GROUP].nunique()
    results: dict = {}
    lans = {"network": {}, **{Path(lan).stem: {"lan": lan} for lan in args.also_lan}}
    fits = {}
    for name, options in lans.items():
        fits[name] = fit(data, "network", HIERARCHICAL, args, **options)
        if len(fits) == 1:  # the first fit: the process's peak so far is its (imports included)
            peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
            print(f"peak resident memory of the {name} fit: {peak_gb:.2f} GB (target < 4)")
            results[f"{name}_fit_peak_gb"] = peak_gb
    fits["analytic"] = fit(data, "analytic", HIERARCHICAL, args)
    if args.hssm_python and args.hssm_settings in ("default", "both"):
        fits["hssm"] = hssm_fit(args.hssm_python, data, args, same_settings=False)
    if args.hssm_python and args.hssm_settings in ("same", "both"):
        fits["hssm same"] = hssm_fit(args.hssm_python, data, args, same_settings=True)
    centring = "centred" if args.centered else "non-centred"
    mass = "low-rank" if args.low_rank else "diagonal"
    print(
        f"hierarchical Cavanagh DDM, 2 chains x ({args.tune} + {args.draws}), nutpie, "
        f"target_accept {args.target_accept}; ssmlan: {centring} group effects, {mass} mass "
        "matrix; hssm: its defaults (non-centred, diagonal); hssm same: ssmlan's settings"
    )
    print(
        f"{'fit':<10}{'wall s':>9}{'min ESS':>9}{'ESS/s':>8}{'div':>6}{'max rhat':>10}"
        f"{'steps/draw':>12}"
    )
    for name, result in fits.items():
        ess_s = result["min_bulk_ess"] / result["wall_s"]
        result["ess_per_s"] = ess_s
        rhat = result.get("max_rhat", float("nan"))
        steps = result.get("mean_leapfrog_steps") or float("nan")
        print(
            f"{name:<10}{result['wall_s']:>9.1f}{result['min_bulk_ess']:>9.0f}{ess_s:>8.2f}"
            f"{result['divergences']:>6}{rhat:>10.3f}{steps:>12.1f}  "
            f"{result.get('lowest_ess_variable', '')} {result.get('max_rhat_variable', '')}"
        )
    networks = list(lans)
    for hssm in ("hssm", "hssm same"):
        if hssm not in fits:
            continue
        for name in networks:
            ratio = fits[name]["ess_per_s"] / fits[hssm]["ess_per_s"]
            print(f"ESS/s ratio ssmlan {name} / {hssm}: {ratio:.2f} (target >= 2)")
            results[f"ess_ratio_{name}_over_{hssm.replace(' ', '_')}"] = ratio
    exact = fits["analytic"]["idata"]
    group_names = [f"{n}_Intercept" for n in HIERARCHICAL] + [
        f"{n}_1|{GROUP}_sigma" for n in HIERARCHICAL
    ]
    results["hierarchical"] = {
        "fits": {k: {m: v for m, v in r.items() if m != "idata"} for k, r in fits.items()}
    }
    for name in networks:
        net = fits[name]["idata"]
        group = group_level_agreement(net, exact, group_names)
        print(
            f"{name}: group level |diff| / analytic SD:", {k: round(v, 3) for k, v in group.items()}
        )
        per_participant = {
            param: diff_sd(values, participant_values(exact, n_groups)[param])
            for param, values in participant_values(net, n_groups).items()
        }
        for param, diffs in per_participant.items():
            print(
                f"{name}: participants' {param}: median {np.median(diffs):.3f}, "
                f"max {diffs.max():.3f} SD"
            )
        results["hierarchical"][name] = {
            "group_level_diff_sd": group,
            "participant_diff_sd": {k: v.tolist() for k, v in per_participant.items()},
        }
    return results


def trialwise(high, args) -> dict:
    """Part 2 (module docstring): ``a ~ 1 + theta`` on the high-conflict trials ``high``."""
    # The per-choice rescaling of trial-wise rows: interpolated along a (the default), the
    # LAN's quadrature (64 LAN evaluations per trial), the shipped normaliser network, or none
    # (the LAN alone).
    variants = {  # model(...) options: formulas, ssm_options
        "shared": ({}, {}),
        "interpolated": (TRIALWISE, {}),
        "quadrature": (TRIALWISE, {"normalizer": "quadrature"}),
        "normaliser": (TRIALWISE, {"normalizer": "network"}),
        "LAN alone": (TRIALWISE, {"normalize": False}),
    }
    per_trial = {
        name: gradient_seconds(model(high, "ddm", route="jax", z=0.5, ssm_options=o, **f))
        / len(high)
        for name, (f, o) in variants.items()
    }
    print(f"per-trial gradient cost on {len(high)} high-conflict trials (target <= 2x shared):")
    for name, seconds in per_trial.items():
        print(f"  {name:<12}{seconds * 1e6:>9.2f} us  {seconds / per_trial['shared']:>6.2f}x")
    # Fits: the quadrature's would take hours (its cost above), so the network fits are the
    # shared model (the LAN's own agreement) and the three fast rescalings.
    regression = {
        "analytic": fit(high, "analytic", TRIALWISE, args),
        "interpolated": fit(high, "network", TRIALWISE, args),
        "normaliser": fit(high, "network", TRIALWISE, args, normalizer="network"),
        "LAN alone": fit(high, "network", TRIALWISE, args, normalize=False),
    }
    names = ["a_Intercept", "a_theta", "v", "t"]
    agreement = {
        name: group_level_agreement(
            regression[name]["idata"], regression["analytic"]["idata"], names
        )
        for name in ("interpolated", "normaliser", "LAN alone")
    }
    shared = {lik: fit(high, lik, {}, args) for lik in FITS}
    agreement["shared, quadrature"] = group_level_agreement(
        shared["network"]["idata"], shared["analytic"]["idata"], ["a", "v", "t"]
    )
    for name, diffs in agreement.items():
        print(
            f"a ~ 1 + theta, {name}: |diff| / analytic SD",
            {k: round(v, 3) for k, v in diffs.items()},
        )
    for name, result in regression.items():
        slope = result["idata"].posterior["a_theta"].values
        print(
            f"  {name}: a_theta {slope.mean():.3f} (SD {slope.std():.3f}), divergences "
            f"{result['divergences']}, max rhat {result['max_rhat']:.3f}, "
            f"{result['wall_s']:.0f} s"
        )
    return {
        "per_trial_seconds": per_trial,
        "diff_sd": agreement,
        "fits": {k: {m: v for m, v in r.items() if m != "idata"} for k, r in regression.items()},
    }


if __name__ == "__main__":
    sys.exit(main())
