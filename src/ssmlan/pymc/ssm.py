"""`SSM`: an SSM likelihood as an observed variable in any PyMC model.

The likelihood is the LAN (trials with an rt; by default rescaled per choice to the CPN's choice
probability) plus the CPN (trials without one, rt = NaN), or the analytic DDM. Two routes build
it: ``route="pytensor"`` writes the MLP as a PyTensor graph with the weights as constants;
``route="jax"`` wraps the same function, written for JAX, as a PyTensor Op with a gradient and
JAX dispatch (`pytensor.wrap_jax`). Parameters may be scalars or per-trial vectors, so
conditions, regressions and hierarchies are plain PyMC.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from ssmlan.likelihoods.interpolated_correction import AlongParameter, ChebyshevCorrection
from ssmlan.likelihoods.lapse import P_OUTLIER_PRIOR, Lapse
from ssmlan.likelihoods.trial_logp import AnalyticSource, TrialSplit, trial_logp
from ssmlan.models import ModelSpec, get_model
from ssmlan.networks import Network, load_network
from ssmlan.networks.network import DEFAULT_MASS_NODES
from ssmlan.networks.shipped import shipped_name
from ssmlan.pymc.data import (
    as_trials,
    check_deadlines,
    check_rts_in_reach,
    deadline_values,
    shift_initval,
)
from ssmlan.pymc.support import check_priors_in_domain, value_bounds
from ssmlan.simulate import simulate

ROUTES = ("pytensor", "jax")
#: Stands for a missing rt in the array PyMC stores as observed: PyMC would impute NaNs.
MISSING_RT_CODE = -1.0


#: A network given to `SSM`: the network, its file, or a shipped name (``"ddm_lan"``).
NetworkArg = Network | str | Path | None


def _sources(spec, likelihood: str, lan: NetworkArg, cpn: NetworkArg, needs_cpn: bool):
    if likelihood == "analytic":
        source = AnalyticSource.of(spec)
        return source, source
    if likelihood != "network":
        raise ValueError(f"likelihood must be 'network' or 'analytic'; got {likelihood!r}.")
    lan, cpn = (
        load_network(net, role) if isinstance(net, str | Path) else net
        for net, role in ((lan, "lan"), (cpn, "cpn"))
    )
    for role, net in (("lan", lan), ("cpn", cpn)):
        kind = getattr(net, "kind", role)  # duck-typed sources (no kind) are taken as given
        if net is not None and kind != role:
            raise ValueError(
                f"{role}= got a {str(kind).upper()} (a network of kind {kind!r}); pass the "
                f"model's LAN as lan= and its CPN as cpn=."
            )
    lan = lan or load_network(spec.name, "lan")
    cpn = cpn or (load_network(spec.name, "cpn") if needs_cpn else None)
    for net in (lan, cpn):
        if net is not None and net.spec.fingerprint() != spec.fingerprint():
            raise ValueError(f"Network for {net.spec.name!r} given for model {spec.name!r}.")
    return lan, cpn


NORMALIZERS = ("auto", "quadrature", "network")
#: ``normalizer="auto"`` keeps the quadrature while it costs at most this many LAN evaluations
#: (32 pairs of 64 nodes): too little, even where it exceeds the densities' cost, to give up
#: the quadrature's accuracy for (a normaliser is off by ~0.02 per pair, see its validation).
AUTO_MIN_EVALUATIONS = 2048


def _correction(spec, normalizer, lan: Network, cpn: Network, split: TrialSplit):
    """The source of the per-choice correction of the LAN rescaled to the CPN: ``None`` for the
    LAN's own quadrature, else a normaliser network of this LAN and CPN, or the quadrature
    interpolated along one parameter (see `SSM`)."""
    if isinstance(normalizer, AlongParameter):
        if not len(split.rt_pairs.rows):
            return None
        return ChebyshevCorrection(
            lan,
            cpn,
            spec.param_names.index(spec.param(normalizer.parameter).name),
            split.rt_pairs,
            normalizer.group_of_row,
            spec.choices,
            normalizer.nodes,
        )
    if isinstance(normalizer, str) and normalizer not in NORMALIZERS:
        raise ValueError(
            f"normalizer must be one of {NORMALIZERS}, a Network or an AlongParameter; got "
            f"{normalizer!r}."
        )
    from ssmlan.networks.normalizer import Normalizer, check_normalizer

    if normalizer == "quadrature":
        return None
    if normalizer == "auto":
        if not (isinstance(lan, Network) and isinstance(cpn, Network)):
            return None  # duck-typed sources: their own quadrature
        nodes = lan.meta.get("mass_nodes", DEFAULT_MASS_NODES)
        if len(split.rt_pairs.rows) * nodes <= max(len(split.with_rt), AUTO_MIN_EVALUATIONS):
            return None  # the quadrature costs less than the densities themselves, or little
        try:
            net = load_network(spec.name, "normalizer")
            check_normalizer(net, lan, cpn)
        except (FileNotFoundError, ValueError):
            return None  # none shipped for this model, or one of other networks
        if not net.meta.get("validation", {}).get("passed", False):
            return None  # only a normaliser within its error target is chosen unasked
        return Normalizer(net, cpn)
    net = load_network(spec.name, "normalizer") if normalizer == "network" else normalizer
    check_normalizer(net, lan, cpn)
    return Normalizer(net, cpn)


def check_priors_in_box(spec, params: dict) -> None:
    """Raise if a parameter can leave the network's training box under its prior: its bounds
    come from the priors' supports and the expression's operations (`value_bounds`), exactly."""
    model = pm.modelcontext(None)
    for p in spec.params:
        lo, hi = value_bounds(pt.as_tensor_variable(params[p.name]), model)
        if lo < p.lower or hi > p.upper:
            raise ValueError(
                f"Parameter {p.name!r} can reach [{lo:.3g}, {hi:.3g}] under its prior, outside "
                f"the network's training box [{p.lower:g}, {p.upper:g}] for model "
                f"{spec.name!r}. Bound it inside the box: ssmlan.model(...) maps regressions into "
                f"the box by construction, or use e.g. pm.Uniform({p.lower:g}, {p.upper:g}) or "
                "a Beta scaled into the box."
            )


def parameter_rows(params: list, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Group trials whose parameters coincide in two independent prior draws.

    Returns each trial's row index and, per row, one trial that represents it. Continuous priors
    make accidental ties between different expressions a probability-zero event. Parameters that
    cannot be drawn from their priors raise a clear error (`SSM` with ``share_rows=False``
    evaluates every trial on its own row instead).
    """
    stacked = pt.stack([pt.broadcast_to(pt.as_tensor_variable(p), (n,)) for p in params], axis=1)
    try:
        draws = np.concatenate(
            [np.asarray(pm.draw(stacked, random_seed=seed + k)) for k in range(2)], axis=1
        )
    except (NotImplementedError, ValueError, TypeError) as error:
        raise ValueError(
            "Cannot draw the SSM's parameters from their priors to find the trials that share "
            f"them ({type(error).__name__}: {error}). Give every parameter a prior PyMC can "
            "draw from, or pass share_rows=False to evaluate each trial on its own row."
        ) from error
    _, first_trial, row_of_trial = np.unique(draws, axis=0, return_index=True, return_inverse=True)
    return np.ravel(row_of_trial), first_trial


def _known_rows(rows: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(row of each trial, first trial of each row)`` from a design's row index."""
    rows = np.asarray(rows)
    if rows.shape != (n,) or not np.issubdtype(rows.dtype, np.integer) or rows.min() < 0:
        raise ValueError(f"rows must hold one non-negative integer per trial ({n}); got {rows!r}.")
    n_rows = int(rows.max()) + 1
    first = np.full(n_rows, -1)
    first[rows[::-1]] = np.arange(n)[::-1]
    if np.any(first < 0):
        raise ValueError("rows must number the parameter rows 0, 1, ... without gaps.")
    return rows, first


def _per_trial(value, row_of_trial: np.ndarray):
    """A per-row parameter (or a scalar) as one value per trial."""
    tensor = pt.as_tensor_variable(value)
    return tensor if tensor.ndim == 0 else tensor[row_of_trial]


def _suggest_t_start(t, rt: np.ndarray, param) -> None:
    """Remember a start for a free shift ``t`` below the fastest rt (read by
    `ssmlan.pymc.sampling.sample`).

    NUTS starts near the prior's centre; a ``t`` above the fastest rt has zero likelihood there.
    Kept on the model rather than as an ``initval``, which PyMC's log-likelihood helpers reject.
    """
    model = pm.modelcontext(None)
    if t in model.free_RVs:
        starts = getattr(model, "_ssmlan_initvals", {})
        starts[t.name] = shift_initval(rt, param)
        model._ssmlan_initvals = starts


class ObservedSSM(NamedTuple):
    """What `SSM` observed, kept on its model for predictive simulation
    (`ssmlan.pymc.predictive`): the trials, each trial's parameter row, and the parameters of
    every row as a graph of the model's variables (``(n_rows, n_params)``, the spec's order);
    with lapses, each trial's lapse probability (a graph) and the lapse distribution; with
    deadlines, each trial's deadline (s). ``lan``: the LAN's shipped name or file (``None`` with
    the analytic likelihood or a `Network` passed as an object)."""

    spec: ModelSpec
    rt: np.ndarray
    choice: np.ndarray
    row_of_trial: np.ndarray
    theta_rows: pt.TensorVariable
    p_outlier: pt.TensorVariable | None = None
    lapse: Lapse | None = None
    deadline: np.ndarray | None = None
    lan: str | None = None


def observed_ssms(model: pm.Model) -> dict[str, ObservedSSM]:
    """The `SSM` variables of ``model`` by name (empty if it has none)."""
    return dict(getattr(model, "_ssmlan_observed", {}))


def _keep_observed(name: str, record: ObservedSSM) -> None:
    model = pm.modelcontext(None)
    model._ssmlan_observed = {**observed_ssms(model), name: record}


def _random_fn(spec, lapse: Lapse | None):
    def random(*args, rng=None, size=None):
        params = np.broadcast_arrays(*[np.asarray(a, float) for a in args])
        shape = size if size is not None else params[0].shape
        theta = np.stack([np.broadcast_to(p, shape).ravel() for p in params], axis=1)
        if lapse is not None:
            theta, p_outlier = theta[:, :-1], theta[:, -1]
        sims = simulate(spec, spec.clip_to_box(theta), 1, seed=int(rng.integers(2**62)))
        rt, choice = sims.rt[:, 0], sims.choice[:, 0].astype(float)
        if lapse is not None:
            lapse.contaminate(rt, choice, p_outlier, spec.choices, rng)
        return np.stack([rt, choice], axis=1).reshape((*shape, 2))

    return random


def lapse_probability(p_outlier: float | str | None):
    """``p_outlier`` for `SSM` from a model builder's option, inside a model context: ``None``
    (no lapses), a number (fixed), or ``"free"``: estimated, ``p_outlier ~ Beta(1, 19)``
    (`ssmlan.likelihoods.lapse.P_OUTLIER_PRIOR`)."""
    if not isinstance(p_outlier, str):  # None, a number or a variable: `SSM` checks it
        return p_outlier
    if p_outlier == "free":
        return pm.Beta("p_outlier", *P_OUTLIER_PRIOR)
    raise ValueError(f"p_outlier must be a number in [0, 1), 'free' or None; got {p_outlier!r}.")


def _check_p_outlier(p_outlier) -> pt.TensorVariable:
    """``p_outlier`` as a tensor, refused unless it stays in [0, 1) under its prior."""
    tensor = pt.as_tensor_variable(p_outlier)
    low, high = value_bounds(tensor, pm.modelcontext(None))
    if not (0.0 <= low and high <= 1.0) or (tensor.ndim == 0 and high >= 1.0 and low == high):
        raise ValueError(
            f"p_outlier can reach [{low:.3g}, {high:.3g}] under its prior; a lapse probability "
            "must lie in [0, 1): fix it (e.g. 0.05) or give it a prior on [0, 1] such as "
            "pm.Beta('p_outlier', 1, 19)."
        )
    return tensor


def SSM(
    name: str,
    model: str = "ddm",
    *,
    observed,
    likelihood: str = "network",
    route: str = "pytensor",
    lan: NetworkArg = None,
    cpn: NetworkArg = None,
    check_box: bool = True,
    normalize: bool = True,
    normalizer: str | Network | AlongParameter = "auto",
    share_rows: bool = True,
    rows: np.ndarray | None = None,
    p_outlier=None,
    lapse_rt: tuple[float, float] | None = None,
    deadline: float | np.ndarray | None = None,
    **params,
) -> pt.TensorVariable:
    """Observed (rt, choice) trials of ``model`` with parameters ``params`` (by name).

    ``observed``: DataFrame (columns rt, choice) or ``(n, 2)`` array; rt NaN = no rt observed.
    Parameters: scalars, PyMC variables, or per-trial vectors of length n. ``a`` is half the
    boundary separation (ssm-simulators convention). With network likelihoods the priors must
    stay inside the training box (checked exactly, `check_priors_in_box`, unless
    ``check_box=False``), and with the analytic likelihood inside each parameter's domain
    (`ssmlan.pymc.support.check_priors_in_domain`, same switch). Rts no parameter in the box
    explains, and with a network rts past its horizon, are refused by row
    (`ssmlan.pymc.data.check_rts_in_reach`). Must be called inside a ``pm.Model`` context.

    ``lan``, ``cpn``: the networks (a `Network`, a file, or a shipped name such as
    ``"ddm_lan"``; default: the model's shipped ones).

    ``normalize`` (network likelihood): each choice's LAN density is rescaled to the CPN's
    probability of that choice, so choice probabilities come from the CPN and only the rt
    shape from the LAN. The LAN's own mass per choice is off by up to ~0.03, which over
    hundreds of trials biases the posterior; this costs one 64-node integral per distinct
    (parameter row, choice) pair. ``normalize=False`` uses the LAN as it is.
    ``normalizer``: where that rescaling comes from. ``"quadrature"``: the integral;
    ``"network"``: the model's shipped normaliser network (`ssmlan.networks.normalizer`: one
    small MLP and the CPN per pair instead of ``mass_nodes`` LAN evaluations; it must belong to
    this LAN and CPN), or a normaliser `Network` passed here; ``"auto"``: the network when the
    quadrature would cost more LAN evaluations than the trials' densities (distinct (row,
    choice) pairs with an rt x ``mass_nodes`` > trials with an rt, e.g. a trial-wise
    regression) and more than `AUTO_MIN_EVALUATIONS`, and a normaliser of this LAN and CPN is
    shipped; else the quadrature. An `AlongParameter` (with ``rows``): the quadrature at a few
    Chebyshev points of one trial-wise parameter per group of rows that share the others,
    interpolated (`ssmlan.likelihoods.interpolated_correction`); `ssmlan.pymc.regression.model`
    picks it for a regression on a continuous covariate.

    Trials whose parameters are the same expression of the same inputs (found from two prior
    draws) share one parameter row, so e.g. a Go/NoGo CPN term is evaluated once per
    condition rather than once per trial; ``share_rows=False`` gives every trial its own row.
    ``rows`` (one integer per trial) says which row each trial has, from a known design (as
    `ssmlan.pymc.regression.model` does); the parameters then hold one value per row (or one
    for all).

    ``p_outlier`` (a number in [0, 1), or a variable whose prior stays there, e.g.
    ``pm.Beta("p_outlier", 1, 19)``; scalar or per trial): the lapse mixture of
    `ssmlan.likelihoods.lapse`, with lapse rts uniform on ``lapse_rt`` (default: 0 to the
    slowest rt).

    ``deadline`` (s; one for all trials or one per trial): a trial with neither rt nor choice
    (both NaN) had no response before its deadline; its likelihood is P(no response by the
    deadline) (`ssmlan.likelihoods.trial_logp.log_survival`: the analytic DDM's survival, or
    the LAN's mass after the deadline rescaled to the CPN). Responses after their deadline are
    refused.
    """
    spec = get_model(model)
    if route not in ROUTES:
        raise ValueError(f"route must be one of {ROUTES}; got {route!r}.")
    missing = [p for p in spec.param_names if p not in params]
    unknown = [p for p in params if p not in spec.param_names]
    if missing or unknown:
        raise ValueError(
            f"Model {spec.name!r} takes {', '.join(spec.param_names)}; missing: "
            f"{missing or 'none'}, unknown: {unknown or 'none'}."
        )
    data = as_trials(observed, spec, censored=deadline is not None)
    rt, choice = data[:, 0], data[:, 1]
    n = len(data)
    deadline = deadline_values(deadline, n)
    if deadline is not None:
        check_deadlines(rt, deadline)
    if isinstance(normalizer, AlongParameter) and rows is None:
        raise ValueError("normalizer=AlongParameter(...) numbers parameter rows: give rows too.")
    if rows is not None:
        row_of_trial, first_trial = _known_rows(rows, n)
        params = {name: _per_trial(value, row_of_trial) for name, value in params.items()}
    elif share_rows:
        row_of_trial, first_trial = parameter_rows([params[p] for p in spec.param_names], n)
    else:
        row_of_trial = first_trial = np.arange(n)
    split = TrialSplit.of(rt, choice, row_of_trial, deadline)
    lapse = None if p_outlier is None else Lapse.over(rt, spec.n_choices, lapse_rt)
    if p_outlier is None and lapse_rt is not None:
        raise ValueError("lapse_rt is the range of lapse rts: give p_outlier as well.")
    p_outlier = None if p_outlier is None else _check_p_outlier(p_outlier)
    normalize = normalize and likelihood == "network"
    needs_cpn = normalize or len(split.no_rt_pairs.rows) > 0
    density, choice_source = _sources(spec, likelihood, lan, cpn, needs_cpn)
    correction = _correction(spec, normalizer, density, choice_source, split) if normalize else None
    horizon = getattr(density, "mass_horizon", None) if likelihood == "network" else None
    check_rts_in_reach(rt, spec, horizon)
    if likelihood == "network" and check_box:
        check_priors_in_box(spec, params)
    elif check_box:
        check_priors_in_domain(spec, params, pm.modelcontext(None))
    if route == "jax":
        import jax.numpy as jnp
        import pytensor.link.jax.dispatch  # noqa: F401  (JAX float64 as floatX, before wrapping)
        from pytensor import wrap_jax

        rt_j, choice_j = jnp.asarray(rt), jnp.asarray(choice)

        @wrap_jax
        def jax_logp(theta):
            return trial_logp(
                density, choice_source, theta, rt_j, choice_j, split, jnp, normalize, correction
            )

    has_rt, no_response = ~np.isnan(rt), np.isnan(rt) & np.isnan(choice)

    def logp(value, *dist_params):
        theta_params = dist_params[: spec.n_params]
        theta = pt.stack([pt.broadcast_to(p, (n,)) for p in theta_params], axis=1)[first_trial]
        if route == "jax":
            trials = jax_logp(theta)
        else:
            trials = trial_logp(
                density, choice_source, theta, rt, choice, split, pt, normalize, correction
            )
        if lapse is None:
            return trials
        p = pt.broadcast_to(dist_params[-1], (n,))
        return lapse.mix(trials, p, has_rt, pt, no_response, deadline)

    _suggest_t_start(params[spec.shift.name], rt, spec.shift)
    dist_params = [pt.as_tensor_variable(params[p]) for p in spec.param_names]
    theta_rows = pt.stack([pt.broadcast_to(p, (n,)) for p in dist_params], axis=1)[first_trial]
    lapse_p = None if p_outlier is None else pt.broadcast_to(p_outlier, (n,))
    lan_name = (
        None
        if likelihood == "analytic" or isinstance(lan, Network)
        else str(lan or shipped_name(spec.name, "lan"))
    )
    record = ObservedSSM(
        spec, rt, choice, row_of_trial, theta_rows, lapse_p, lapse, deadline, lan_name
    )
    _keep_observed(name, record)
    if p_outlier is not None:
        dist_params.append(p_outlier)
    return pm.CustomDist(
        name,
        *dist_params,
        logp=logp,
        random=_random_fn(spec, lapse),
        signature=f"{','.join(['()'] * len(dist_params))}->(2)",
        observed=np.column_stack(  # PyMC would impute NaNs: codes for no rt, no choice
            [np.where(np.isnan(rt), MISSING_RT_CODE, rt), np.nan_to_num(choice, nan=0.0)]
        ),
    )
