"""The ``ssmlan`` command; subcommands mirror the pipeline."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
import types
import typing
from collections.abc import Sequence
from dataclasses import MISSING, fields
from pathlib import Path

import numpy as np

from ssmlan.constants import TARGET_ACCEPT
from ssmlan.networks.shipped import shipped_models

#: The --scheduler option's help: the trust boundary of a Dask cluster.
SCHEDULER_HELP = (
    "Dask scheduler address (cluster run). Results come back pickled, and unpickling runs "
    "code: use only a scheduler you trust"
)


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line, like every other error of the command (usage: ``--help``)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parse_theta(text: str) -> dict[str, float]:
    """``"v=1,a=1.5"`` -> ``{"v": 1.0, "a": 1.5}`` with a clear error for malformed pairs."""
    theta = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, value = item.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"expected name=value in --theta, got {item!r}")
        if name.strip() in theta:
            raise argparse.ArgumentTypeError(
                f"--theta gives {name.strip()!r} twice ({theta[name.strip()]:g} and "
                f"{value.strip()}); give each parameter once"
            )
        try:
            theta[name.strip()] = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"--theta value for {name.strip()!r} is not a number: {value!r}"
            ) from None
    return theta


def _models(args: argparse.Namespace) -> None:
    from ssmlan.models import MODELS

    print("a is half the boundary separation (bounds at -a and +a); choice +1 = upper boundary.")
    for spec in MODELS.values():
        extra = " [analytic likelihood]" if spec.analytic_logp is not None else ""
        print(f"\n{spec.name}: {spec.description}{extra}")
        print(f"  boundary {spec.boundary.formula}; choices {list(spec.choices)}")
        for p in spec.params:
            print(
                f"  {p.name:<6} box [{p.lower:g}, {p.upper:g}]  default {p.default:g}  "
                f"{p.description}"
            )


def _check_output_file(path: Path, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if path.is_dir():
        raise ValueError(f"{option} {path} is a folder; give the path of a file to write.")
    folder = path.parent
    if not folder.is_dir():
        raise ValueError(f"{option} {path}: folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"{option} {path}: folder {folder} is not writable.")


def _write_atomically(path: Path, write) -> None:
    """``write(stream)`` into a temporary file next to ``path``, then rename it into place: a
    failure (a full disk) leaves no truncated file, and any previous file as it was."""
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OSError(
                f"could not write {path} ({error.strerror or error}); nothing was written."
            ) from error
        raise


def _simulate(args: argparse.Namespace) -> None:
    import pandas as pd

    from ssmlan.simulate import simulate

    out = None if args.out is None else Path(args.out)
    if out is not None:
        _check_output_file(out, "-o")
    sims = simulate(args.model, args.theta, args.n, seed=args.seed, dt=args.dt, max_t=args.max_t)
    frame = pd.DataFrame({"rt": sims.rt, "choice": sims.choice})
    if out is None:
        frame.to_csv(sys.stdout, index=False)
    else:
        _write_atomically(out, lambda stream: frame.to_csv(stream, index=False))
        print(f"wrote {len(frame)} trials to {out}")


def _add_config_options(parser: argparse.ArgumentParser, config_class) -> None:
    """One option per field of ``config_class``, with the field's type, default, help text and
    choices (declared with `ssmlan.settings.setting`); tuples take one or more values."""
    hints = typing.get_type_hints(config_class)
    for f in fields(config_class):
        kind = hints[f.name]
        if isinstance(kind, types.UnionType):  # e.g. float | None
            kind = next(k for k in typing.get_args(kind) if k is not type(None))
        options: dict = {"help": f.metadata.get("help", "")}
        if typing.get_origin(kind) is tuple:
            options.update(type=typing.get_args(kind)[0], nargs="+")
        else:
            options["type"] = kind
        if f.metadata.get("choices"):
            options["choices"] = f.metadata["choices"]
        if f.default is MISSING:
            options["required"] = True
        else:
            default = f.default
            options["default"] = list(default) if isinstance(default, tuple) else default
            if default is not None:
                shown = " ".join(map(str, default)) if isinstance(default, tuple) else default
                options["help"] += f" (default: {shown})"
        parser.add_argument(f"--{f.name.replace('_', '-')}", **options)


def _from_args(config_class, args: argparse.Namespace):
    """Build a config dataclass from the CLI options named like its fields (lists -> tuples)."""
    values = {f.name: getattr(args, f.name) for f in fields(config_class) if hasattr(args, f.name)}
    return config_class(**{k: tuple(v) if isinstance(v, list) else v for k, v in values.items()})


def _generate(args: argparse.Namespace) -> None:
    from ssmlan.training_data.config import GeneratorConfig
    from ssmlan.training_data.generation import generate

    config = _from_args(GeneratorConfig, args)
    summary = generate(config, args.out, n_workers=args.workers, scheduler=args.scheduler)
    print(
        f"{args.out}: {summary['shards_written']} shards written this run; "
        f"{summary['sets_kept']} of {summary['sets_drawn']} sets kept; dropped: "
        f"{summary['dropped'] or 'none'}"
    )


def _train(args: argparse.Namespace) -> None:
    from ssmlan.networks.train_config import TrainConfig
    from ssmlan.networks.training import train

    net = train(args.data, args.kind, args.out, _from_args(TrainConfig, args))
    training = net.meta["training"]
    epochs = "/".join(str(m["epochs_run"]) for m in training["members"])
    print(
        f"{args.out}/network.npz: {len(training['members'])} member(s), {epochs} epochs, "
        f"validation loss {training['best_val_loss']:.5f}, {training['wall_seconds']:.0f} s"
    )


def _normalizer(args: argparse.Namespace) -> None:
    from ssmlan.networks import load_network, save_network
    from ssmlan.networks.normalizer import build_normalizer

    lan, cpn = load_network(args.lan, "lan"), load_network(args.cpn, "cpn")
    net = build_normalizer(lan, cpn, n_sets=args.n_sets, seed=args.seed, epochs=args.epochs)
    path = save_network(net, args.out)
    validation = net.meta["validation"]
    report = path.with_suffix(".validation.json")
    report.write_text(json.dumps(validation, indent=2))
    print(json.dumps(validation, indent=2))
    print(
        f"{path}: correction error on {validation['n_sets']} held-out sets (both choices): max "
        f"{validation['max_abs_error']:.2e}, p99 {validation['p99_abs_error']:.2e} (target max "
        f"{validation['target_max_abs_error']:g}); {net.meta['training']['wall_seconds']:.0f} s; "
        f"report {report}"
    )


def _distill(args: argparse.Namespace) -> None:
    from ssmlan.networks import load_network, save_network
    from ssmlan.networks.distill import CONFIG, distill
    from ssmlan.networks.training import NETWORK_FILE

    config = dataclasses.replace(
        CONFIG, hidden=tuple(args.hidden), epochs=args.epochs, patience=args.epochs, seed=args.seed
    )
    net = distill(load_network(args.lan, "lan"), n_sets=args.n_sets, config=config)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    save_network(net, out / NETWORK_FILE)
    report = net.meta["distillation"]
    print(json.dumps(report, indent=2))
    print(
        f"{out / NETWORK_FILE}: {'x'.join(map(str, config.hidden))} student, error against the "
        f"teacher on {report['held_out_sets']} held-out sets: mean {report['mean_abs_error']:.4f}"
        f", p99 {report['p99_abs_error']:.4f}; {report['wall_seconds']:.0f} s. Next: "
        f"ssmlan validate {out} --cpn CPN"
    )


def _validate(args: argparse.Namespace) -> None:
    from ssmlan.checks.network_report import validate

    report = validate(args.network, fast=args.fast, cpn=args.cpn)
    print(json.dumps(report, indent=2))


def _fit(args: argparse.Namespace) -> None:
    from ssmlan.fit import run_fit

    depends = {}
    for item in args.depends:
        name, sep, column = item.partition("=")
        if not sep:
            raise ValueError(f"--depends expects PARAM=COLUMN (e.g. v=condition); got {item!r}.")
        depends[name] = column
    formulas = {}
    for item in args.formula:
        name, sep, formula = item.partition("~")
        if not sep or not name.strip():
            raise ValueError(
                f"--formula expects PARAM ~ TERMS (e.g. 'v ~ 1 + (1|participant_id)'); "
                f"got {item!r}."
            )
        formulas[name.strip()] = formula.strip()
    fixed = {}
    for item in args.fix:
        name, sep, value = item.partition("=")
        try:
            fixed[name.strip()] = float(value)
        except ValueError:
            raise ValueError(f"--fix expects PARAM=NUMBER (e.g. z=0.5); got {item!r}.") from None
    summary = run_fit(
        args.data,
        args.out,
        model=args.model,
        depends=depends,
        formulas=formulas,
        fixed=fixed,
        sampler=args.sampler,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        seed=args.seed,
        target_accept=args.target_accept,
        centered=args.centered,
        low_rank_mass_matrix=args.low_rank_mass_matrix,
        likelihood=args.likelihood,
        log_likelihood=args.log_likelihood,
        conditions=args.conditions,
        p_outlier=_p_outlier(args.p_outlier),
        deadline=_deadline(args.deadline),
        lan=args.lan,
        cpn=args.cpn,
        **({} if args.predictive_draws is None else {"predictive_draws": args.predictive_draws}),
    )
    print(summary.to_string())
    written = "posterior.nc, summary.csv, posterior.png, fit.json"
    if args.predictive_draws != 0:
        written += (
            ", predictive.nc, predictive.csv, predictive_rt.png, quantile_probability.png, "
            "condition_means.png (and participants_rt.png for hierarchical models)"
        )
    print(f"wrote into {args.out}: {written}")


def _p_outlier(value: str | None) -> float | str | None:
    """``--p-outlier``: a number or ``free``."""
    if value is None or value == "free":
        return value
    try:
        return float(value)
    except ValueError:
        raise ValueError(
            f"--p-outlier expects a number in [0, 1) or 'free'; got {value!r}."
        ) from None


def _deadline(value: str | None) -> float | str | None:
    """``--deadline``: seconds, or else a column name."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return value


def _compare(args: argparse.Namespace) -> None:
    from ssmlan.compare import compare_fits, report

    if not args.out.parent.is_dir():
        raise ValueError(f"--out {args.out}: no folder {args.out.parent} to write it into.")
    comparison = compare_fits(args.fits)
    print(report(comparison))
    comparison.table.to_csv(args.out)
    print(f"wrote {args.out}")


def _check(args: argparse.Namespace) -> None:
    from ssmlan.checks.calibration import check_sbc
    from ssmlan.checks.gonogo_information import check_gonogo
    from ssmlan.checks.posterior_agreement import check_posterior
    from ssmlan.checks.recovery import check_recovery

    run, figure = {
        "posterior": (check_posterior, "agreement.png"),
        "recovery": (check_recovery, "recovery.png"),
        "sbc": (check_sbc, "ranks.png"),
        "gonogo": (check_gonogo, "information.png"),
    }[args.check]
    summary = run(
        args.model,
        args.n_datasets,
        args.out,
        n_trials=args.n_trials,
        draws=args.draws,
        tune=args.tune,
        seed=args.seed,
        n_workers=args.workers,
        scheduler=args.scheduler,
        lan=args.lan,
        **({"likelihood": args.likelihood} if args.check == "sbc" else {}),
    )
    print(json.dumps(summary, indent=2))
    print(f"wrote {args.out}/summary.json, fits.json, {figure}")


def _add_check(check_sub, name: str, help_text: str, n_trials: int) -> None:
    parser = check_sub.add_parser(name, help=help_text)
    parser.add_argument("--model", default="ddm")
    parser.add_argument("--n-datasets", type=int, default=100)
    parser.add_argument("--n-trials", type=int, default=n_trials)
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--tune", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="local processes (default: all)")
    parser.add_argument("--scheduler", default=None, help=SCHEDULER_HELP)
    parser.add_argument("--out", default=f"checks/{name}")
    parser.add_argument("--lan", default=None, help="LAN file to check (default: shipped)")
    parser.set_defaults(run=_check)


def _demo(args: argparse.Namespace) -> None:
    from ssmlan.demo import run_demo

    run_demo(
        args.out,
        n_trials=args.n_trials,
        seed=args.seed,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        sampler=args.sampler,
        model=args.model,
    )


def _simulate_demo(args: argparse.Namespace) -> None:
    from ssmlan.checks.ddm_reference import ddm_mean_rt
    from ssmlan.likelihoods import ddm_choice_logp
    from ssmlan.simulate import simulate

    theta = {"v": 1.0, "a": 1.5, "z": 0.5, "t": 0.5}
    print(f"Simulating the DDM at {theta} (a = half the boundary separation)")
    start = time.perf_counter()
    sims = simulate("ddm", theta, args.n, seed=args.seed)
    elapsed = time.perf_counter() - start
    p_upper = float(np.exp(ddm_choice_logp(1, 1.0, 1.5, 0.5)))
    print(f"{args.n} trials in {elapsed:.2f} s ({args.n / elapsed:,.0f} trials/s, incl. start-up)")
    print(f"mean RT   simulated {sims.rt.mean():.4f} s   analytic {ddm_mean_rt(**theta):.4f} s")
    print(f"P(upper)  simulated {(sims.choice == 1).mean():.4f}     analytic {p_upper:.4f}")


def build_parser() -> argparse.ArgumentParser:
    from ssmlan.constants import MAX_T
    from ssmlan.networks.train_config import TrainConfig
    from ssmlan.training_data.config import GeneratorConfig

    parser = _Parser(prog="ssmlan", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("models", help="list models, parameters and training boxes").set_defaults(
        run=_models
    )

    sim = sub.add_parser("simulate", help="simulate trials to CSV (columns rt, choice)")
    sim.add_argument("--model", required=True)
    sim.add_argument("--theta", required=True, type=_parse_theta, help="e.g. v=1,a=1.5,z=0.5,t=0.5")
    sim.add_argument("-n", type=int, default=1000, help="number of trials")
    sim.add_argument("--seed", type=int, default=0)
    sim.add_argument("--dt", type=float, default=None, help="step (s); default: the model's")
    sim.add_argument("--max-t", type=float, default=MAX_T, help="longest decision time (s)")
    sim.add_argument("-o", "--out", default=None, help="CSV path (default: stdout)")
    sim.set_defaults(run=_simulate)

    gen = sub.add_parser("generate", help="LAN/CPN training data (resumable shards)")
    _add_config_options(gen, GeneratorConfig)
    gen.add_argument("--workers", type=int, default=None, help="local processes (default: all)")
    gen.add_argument("--scheduler", default=None, help=SCHEDULER_HELP)
    gen.add_argument("--out", required=True, help="data set folder (rerun to resume)")
    gen.set_defaults(run=_generate)

    tr = sub.add_parser("train", help="train a LAN or CPN on a data set (resumable)")
    tr.add_argument("--data", required=True, help="data set folder from `ssmlan generate`")
    tr.add_argument("--kind", required=True, choices=("lan", "cpn"))
    tr.add_argument("--out", required=True, help="output folder (rerun to resume)")
    _add_config_options(tr, TrainConfig)
    tr.set_defaults(run=_train)

    norm = sub.add_parser(
        "normalizer", help="a normaliser network of a LAN and CPN (fast trial-wise likelihoods)"
    )
    norm.add_argument("--lan", required=True, help="LAN file or shipped name (e.g. ddm_lan)")
    norm.add_argument("--cpn", required=True, help="CPN file or shipped name (e.g. ddm_cpn)")
    norm.add_argument("--out", required=True, help="network file to write (.npz)")
    norm.add_argument("--n-sets", type=int, default=150_000, help="training parameter sets")
    norm.add_argument("--seed", type=int, default=0)
    norm.add_argument("--epochs", type=int, default=300)
    norm.set_defaults(run=_normalizer)

    dist = sub.add_parser("distill", help="a compact LAN trained to reproduce a LAN (faster fits)")
    dist.add_argument("--lan", required=True, help="LAN file or shipped name (e.g. ddm_lan)")
    dist.add_argument("--out", required=True, help="output folder (network.npz)")
    dist.add_argument("--hidden", type=int, nargs="+", default=[32, 32, 32])
    dist.add_argument("--n-sets", type=int, default=20_000, help="parameter sets drawn in the box")
    dist.add_argument("--epochs", type=int, default=200)
    dist.add_argument("--seed", type=int, default=0)
    dist.set_defaults(run=_distill)

    val = sub.add_parser("validate", help="validation report (JSON + PNG) next to a network")
    val.add_argument("network", help="network folder or .npz file")
    val.add_argument("--fast", action="store_true", help="a tenth of the parameter sets")
    val.add_argument(
        "--cpn", default=None, help="the model's CPN: also validate the LAN rescaled to it"
    )
    val.set_defaults(run=_validate)

    demo = sub.add_parser("demo", help="the Go/NoGo walkthrough on the shipped networks")
    demo.add_argument("--out", default="demo_output")
    demo.add_argument(
        "--model",
        default="ddm",
        help=f"a Go/NoGo model with shipped networks ({', '.join(shipped_models('lan', 'cpn'))})",
    )
    demo.add_argument("--n-trials", type=int, default=1000)
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--draws", type=int, default=1000)
    demo.add_argument("--tune", type=int, default=500)
    demo.add_argument("--chains", type=int, default=2)
    demo.add_argument(
        "--sampler", choices=("numpyro", "nutpie", "pymc", "blackjax"), default="numpyro"
    )
    demo.set_defaults(run=_demo)

    fit = sub.add_parser("fit", help="fit a model to a CSV of trials (rt, choice)")
    fit.add_argument("data", help="CSV with columns rt (NaN = no response) and choice")
    fit.add_argument("--model", default="ddm")
    fit.add_argument("--out", default="fit_output")
    fit.add_argument("--depends", nargs="*", default=[], help="PARAM=COLUMN, e.g. v=condition")
    fit.add_argument(
        "--formula",
        action="append",
        default=[],
        help="a regression, lme4 syntax: 'v ~ 1 + stim + (1|participant_id)' (repeatable)",
    )
    fit.add_argument("--fix", action="append", default=[], help="PARAM=NUMBER, e.g. z=0.5")
    fit.add_argument("--likelihood", choices=("network", "analytic"), default="network")
    fit.add_argument(
        "--sampler", choices=("numpyro", "nutpie", "pymc", "blackjax"), default="numpyro"
    )
    fit.add_argument("--draws", type=int, default=1000)
    fit.add_argument("--tune", type=int, default=1000)
    fit.add_argument("--chains", type=int, default=2)
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument(
        "--target-accept",
        type=float,
        default=TARGET_ACCEPT,
        help=f"NUTS's target acceptance rate (default {TARGET_ACCEPT}; 0.9 or 0.95 where a fit "
        "reports divergences)",
    )
    fit.add_argument(
        "--centered",
        action="store_true",
        help="centred group effects (default non-centred); with --low-rank-mass-matrix, better "
        "where each group has many trials",
    )
    fit.add_argument(
        "--low-rank-mass-matrix",
        action="store_true",
        help="nutpie: a mass matrix that learns the strongest posterior correlations",
    )
    fit.add_argument(
        "--no-log-likelihood",
        dest="log_likelihood",
        action="store_false",
        help="leave the pointwise log-likelihood (for LOO) out of posterior.nc",
    )
    fit.add_argument(
        "--predictive-draws",
        type=int,
        default=None,
        help="posterior draws simulated for the posterior predictive check (0: none; default 200)",
    )
    fit.add_argument(
        "--conditions",
        nargs="*",
        default=None,
        help="columns the predictive figures group trials by (default: the model's "
        "categorical columns)",
    )
    fit.add_argument(
        "--p-outlier",
        default=None,
        help="lapses: a fixed probability (e.g. 0.05), or 'free' (estimated, Beta(1, 19) prior)",
    )
    fit.add_argument(
        "--deadline",
        default=None,
        help="a response deadline: SECONDS for every trial, or a COLUMN of per-trial deadlines; "
        "trials with rt and choice empty had no response before it",
    )
    for role in ("lan", "cpn"):
        fit.add_argument(
            f"--{role}",
            default=None,
            help=f"{role.upper()} file or shipped name (default: the shipped {role.upper()})",
        )
    fit.set_defaults(run=_fit)

    compare = sub.add_parser("compare", help="PSIS-LOO comparison of fits of the same data")
    compare.add_argument("fits", nargs="+", type=Path, help="fit folders from `ssmlan fit`")
    compare.add_argument("--out", type=Path, default=Path("loo_compare.csv"))
    compare.set_defaults(run=_compare)

    check = sub.add_parser("check", help="checks of the networks' posteriors")
    check_sub = check.add_subparsers(dest="check", required=True)
    _add_check(check_sub, "posterior", "network vs analytic posterior (ddm)", 1000)
    _add_check(check_sub, "recovery", "posterior means vs true parameters", 1024)
    _add_check(check_sub, "sbc", "simulation-based calibration: ranks of the truth", 1000)
    check_sub.choices["sbc"].add_argument(
        "--likelihood",
        choices=("network", "analytic"),
        default="network",
        help="analytic: the same SBC with the exact ddm likelihood (the control)",
    )
    _add_check(check_sub, "gonogo", "what withheld Go/NoGo presses add to the posterior", 1000)

    check_sim = sub.add_parser(
        "check-simulator", help="simulate the DDM and compare with the analytic answer"
    )
    check_sim.add_argument("-n", type=int, default=200_000)
    check_sim.add_argument("--seed", type=int, default=0)
    check_sim.set_defaults(run=_simulate_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; user errors print one clear line and exit with status 2."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # a usage error (2, one line) or --help (0)
        return stop.code if isinstance(stop.code, int) else 2
    try:
        args.run(args)
    except BrokenPipeError:  # output piped into e.g. `head`
        sys.stderr.close()
    except (ValueError, KeyError, OSError, MemoryError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        if isinstance(error, MemoryError):
            message = f"out of memory ({error or 'ask for less'})"
        message = " ".join(str(message).split())  # one line
        print(f"ssmlan {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
