"""`model`: a hierarchical regression SSM in one line per parameter, inside the training box.

Each parameter given a formula (lme4 syntax, parsed by `formulae`) gets a linear predictor
``eta`` and the link `ssmlan.models.Param.to_box`, ``lower + width * sigmoid(eta)``, which maps
the real line into the network's training box: no prior, group effect or covariate can move a
parameter out of it. The priors live on the ``eta`` scale (`Priors`). Group effects are
non-centred by default: ``b = sigma * offset`` with ``offset ~ Normal(0, 1)``; centred
(``b ~ Normal(0, sigma)``) on request, which samples better where each group has many trials.
A parameter without a formula gets a uniform prior over its box; a number fixes it. With group
terms and the network likelihood, a model that ships a compact LAN (`compact_lan`) uses it.

Variables are named ``{param}_{term}`` (``v_Intercept``, ``v_stim``, ``a_theta:conf``), and
``{param}_{group term}`` for group effects (``v_1|participant_id``, with ``_sigma`` and
``_offset``), the same for both likelihoods, so two fits compare row by row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

from ssmlan.likelihoods.interpolated_correction import AlongParameter
from ssmlan.models import Param, get_model
from ssmlan.networks.shipped import compact_lan
from ssmlan.pymc.data import as_trials, deadline_values, shift_initval
from ssmlan.pymc.design import Design, parameter_rows, parse, rows_varying_in_one
from ssmlan.pymc.ssm import SSM, lapse_probability


@dataclass(frozen=True)
class Priors:
    """Weakly informative priors on the linear-predictor scale ``eta``.

    ``eta = 0`` is the centre of the training box, and ``eta = +-3`` lie at 5% and 95% of its
    width: ``Normal(0, intercept_sd)`` with the default 1.5 spreads an intercept over the whole
    box. Slopes: ``Normal(0, slope_sd)`` per unit of the covariate. Group terms: the SD of the
    group effects is ``HalfNormal(group_sd)``.
    """

    intercept_sd: float = 1.5
    slope_sd: float = 1.0
    group_sd: float = 1.0


#: Start of the SD of a shift's group effects: small, so that every participant's shift starts
#: below their fastest rt (the likelihood is zero above it).
SHIFT_GROUP_SD_START = 0.05


def _coords(designs: list[Design]) -> dict[str, list[str]]:
    coords: dict[str, list[str]] = {}
    for design in designs:
        for term in design.terms:
            if term.name != "Intercept":
                coords[f"{design.parameter}_{term.name}_dim"] = list(term.labels)
        for group in design.group_terms:
            coords[group.name.split("|", 1)[1]] = list(group.groups)
    return coords


def _linear_predictor(
    design: Design, first_trial: np.ndarray, priors: Priors, noncentered: bool
) -> pt.TensorVariable:
    """``eta`` of ``design`` at each parameter row (the rows' first trials)."""
    prefix = design.parameter
    eta = pt.zeros(len(first_trial))
    for term in design.terms:
        columns = design.common[first_trial, term.columns]
        if term.name == "Intercept":
            coefficient = pm.Normal(f"{prefix}_Intercept", 0.0, priors.intercept_sd)
            eta = eta + coefficient * columns[:, 0]
        else:
            coefficient = pm.Normal(
                f"{prefix}_{term.name}", 0.0, priors.slope_sd, dims=f"{prefix}_{term.name}_dim"
            )
            eta = eta + pt.dot(columns, coefficient)
    for group in design.group_terms:
        name = f"{prefix}_{group.name}"
        dim = group.name.split("|", 1)[1]
        sigma = pm.HalfNormal(f"{name}_sigma", priors.group_sd)
        if noncentered:
            offset = pm.Normal(f"{name}_offset", 0.0, 1.0, dims=dim)
            effect = pm.Deterministic(name, sigma * offset, dims=dim)
        else:
            effect = pm.Normal(name, 0.0, sigma, dims=dim)
        eta = eta + pt.dot(group.matrix[first_trial], effect)
    return eta


def _along_parameter(designs: list, first_trial: np.ndarray, n_trials: int) -> AlongParameter | str:
    """The rescaling of the LAN to the CPN: interpolated along a trial-wise parameter
    (`AlongParameter`) where that needs fewer quadratures than one per row, else ``"auto"``."""
    varying = rows_varying_in_one(designs, first_trial, n_trials)
    if varying is None:
        return "auto"
    along = AlongParameter(*varying)
    return along if along.quadratures() < len(first_trial) else "auto"


def _box_prior(param: Param) -> pt.TensorVariable:
    return pm.Uniform(param.name, param.lower, param.upper)


def model(
    data: pd.DataFrame,
    model: str = "ddm",
    *,
    likelihood: str = "network",
    route: str = "pytensor",
    priors: Priors = Priors(),
    noncentered: bool = True,
    ssm_options: Mapping | None = None,
    p_outlier: float | str | None = None,
    deadline: float | str | None = None,
    **parameters: str | float,
) -> pm.Model:
    """A PyMC model of ``data`` (columns rt, choice and the formulas' covariates).

    ``parameters``: per model parameter a formula (``v="1 + stim + (1|participant_id)"``) or a
    number (``z=0.5``: fixed); a parameter not named gets a uniform prior over its training box.
    ``noncentered``: group effects as ``sigma * offset`` (default) or drawn around 0 with SD
    ``sigma`` (``False``: centred). ``ssm_options`` go to `ssmlan.pymc.SSM` (e.g. ``lan=`` a
    network of your own; with group terms the default LAN is the model's compact one where it
    ships, `compact_lan`).
    ``p_outlier``: lapses (`ssmlan.pymc.ssm.lapse_probability`: a number, or ``"free"``);
    ``deadline``: seconds, or a column of per-trial deadlines (trials without rt and choice had
    no response before it).
    """
    spec = get_model(model)
    unknown = [name for name in parameters if name not in spec.param_names]
    if unknown:
        raise ValueError(
            f"Model {spec.name!r} has no parameter {', '.join(map(repr, unknown))}; its "
            f"parameters are {', '.join(spec.param_names)}."
        )
    trials = as_trials(data, spec, censored=deadline is not None)
    designs = [
        parse(name, value, data) for name, value in parameters.items() if isinstance(value, str)
    ]
    row_of_trial, first_trial = parameter_rows(designs, len(trials))
    ssm_options = dict(ssm_options or {})
    if likelihood == "network" and not {"normalizer", "normalize"} & set(ssm_options):
        ssm_options["normalizer"] = _along_parameter(designs, first_trial, len(trials))
    if likelihood == "network" and "lan" not in ssm_options:
        grouped = any(design.group_terms for design in designs)
        ssm_options["lan"] = compact_lan(spec.name) if grouped else None
    by_name = {design.parameter: design for design in designs}
    with pm.Model(coords=_coords(designs)) as pymc_model:
        values = {}
        for param in spec.params:
            given = parameters.get(param.name)
            if param.name in by_name:
                eta = _linear_predictor(by_name[param.name], first_trial, priors, noncentered)
                values[param.name] = param.to_box(eta, pt)
            elif given is None:
                values[param.name] = _box_prior(param)
            else:
                values[param.name] = float(given)
        SSM(
            "obs",
            spec.name,
            observed=trials,
            likelihood=likelihood,
            route=route,
            rows=row_of_trial,
            p_outlier=lapse_probability(p_outlier),
            deadline=deadline_values(deadline, len(trials), data),
            **ssm_options,
            **values,
        )
    shift = spec.shift.name
    if shift in by_name:
        _start_shift_below_fastest_rt(pymc_model, by_name[shift], spec.shift, trials[:, 0])
    return pymc_model


def _start_shift_below_fastest_rt(
    pymc_model: pm.Model, design: Design, shift: Param, rt: np.ndarray
) -> None:
    """Start a regression on the shift at a quarter of the fastest rt, group effects small."""
    starts = getattr(pymc_model, "_ssmlan_initvals", {})
    starts.pop(shift.name, None)
    if design.has_intercept:
        starts[f"{shift.name}_Intercept"] = float(shift.from_box(shift_initval(rt, shift)))
    for group in design.group_terms:
        starts[f"{shift.name}_{group.name}_sigma"] = SHIFT_GROUP_SD_START
    pymc_model._ssmlan_initvals = starts
