"""What a training-data run is: model, counts, seed and label mixture, as one frozen record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np

from ssmlan.constants import MAX_T
from ssmlan.models import get_model
from ssmlan.settings import REQUIRED, check_choices, setting, shown

#: Where the CPN's choice-probability labels come from (see `GeneratorConfig`).
CPN_LABELS = ("decided", "analytic", "empirical")


@dataclass(frozen=True)
class GeneratorConfig:
    """Settings of one data set; shards are only ever mixed when these match exactly.

    ``n_param_sets`` sets are drawn in the model's training box (``sampler``: ``"uniform"`` or
    ``"sobol"``) and split into shards of ``shard_size``. Each set gets ``n_sims`` simulations
    and ``n_labels`` LAN training points: a share ``frac_simulated`` drawn from the simulations,
    ``frac_uniform`` uniform on ``[0, max_t]``, the rest with decision times (rt minus the
    smallest possible rt) log-uniform on ``[MIN_DECISION_TIME, max_t]``. These reach the fast
    edge, below every simulation, where the label is the floor ``LOG_DENSITY_FLOOR``; a LAN
    trained without them extrapolates freely there.

    ``cpn_labels``: ``"decided"`` (choice proportions among the simulations that reached a
    boundary before ``max_t``: the probability of a choice given a response, as observed data
    are and as the closed form of the ddm is), ``"analytic"`` (closed form, for models that have
    one) or ``"empirical"`` (proportions of all simulations; undecided ones count as choice -1).

    ``box_margin``: sets are drawn in the box widened by this share of its width on each side
    (within the parameters' domains), so that networks are trained past the edges of the box
    that priors may fill. ``bandwidth_scale``: the LAN labels' KDE bandwidth as a multiple of
    Silverman's rule, which over-smooths the steep fast edge of rt densities (it assumes a
    Gaussian) and so biases a LAN's ``t``.
    """

    model: str = setting(REQUIRED, "registered model name (see `ssmlan models`)")
    n_param_sets: int = setting(2000, "parameter sets drawn in the training box")
    n_sims: int = setting(100_000, "simulations per parameter set")
    n_labels: int = setting(1000, "LAN training points per parameter set")
    shard_size: int = setting(50, "parameter sets per shard")
    sampler: str = setting("uniform", "how sets fill the box", ("uniform", "sobol"))
    seed: int = setting(0, "seed of the whole data set")
    frac_simulated: float = setting(0.8, "share of LAN points drawn from the simulations")
    frac_uniform: float = setting(0.1, "share of LAN points uniform on [0, max_t]")
    max_t: float = setting(MAX_T, "longest simulated decision time (s)")
    dt: float | None = setting(None, "simulation step (s); default: the model's")
    cpn_labels: str = setting("decided", "source of the CPN's choice probabilities", CPN_LABELS)
    box_margin: float = setting(0.0, "draw sets past the box by this share of its width")
    bandwidth_scale: float = setting(0.5, "KDE bandwidth / Silverman's rule")

    def __post_init__(self) -> None:
        spec = get_model(self.model)
        check_choices(self)
        if self.cpn_labels == "analytic" and spec.analytic_choice_logp is None:
            raise ValueError(
                f"cpn_labels='analytic' needs a closed-form choice probability; model "
                f"{self.model!r} has none. Use cpn_labels='empirical'."
            )
        for name in ("n_param_sets", "n_sims", "n_labels", "shard_size", "seed"):
            value = getattr(self, name)
            if isinstance(value, np.integer):  # e.g. from an array: kept as a plain int (JSON)
                object.__setattr__(self, name, int(value))
        for name in ("n_param_sets", "n_sims", "n_labels", "shard_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer; got {shown(value)}.")
        if not (
            0 <= self.frac_simulated
            and 0 <= self.frac_uniform
            and self.frac_simulated + self.frac_uniform <= 1
        ):
            raise ValueError(
                "frac_simulated and frac_uniform must be >= 0 with a sum <= 1; got "
                f"{self.frac_simulated} and {self.frac_uniform}."
            )
        if not 0.0 <= self.box_margin <= 0.5:
            raise ValueError(f"box_margin must be in [0, 0.5]; got {shown(self.box_margin)}.")
        if not 0.0 < self.bandwidth_scale <= 2.0:
            raise ValueError(
                f"bandwidth_scale must be in (0, 2]; got {shown(self.bandwidth_scale)}."
            )
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {shown(self.seed)}.")

    @property
    def n_shards(self) -> int:
        return -(-self.n_param_sets // self.shard_size)

    def shard_sets(self, index: int) -> int:
        """Parameter sets drawn for shard ``index`` (the last one may be smaller)."""
        return min(self.shard_size, self.n_param_sets - index * self.shard_size)

    def to_dict(self) -> dict:
        """The settings; ``box_margin`` only when set, so that a data set without a margin has
        the same fingerprint as one written by a version without the setting."""
        settings = asdict(self)
        if settings["box_margin"] == 0.0:
            del settings["box_margin"]
        return settings

    def fingerprint(self) -> str:
        """Hash of the config and the model spec: shards with another fingerprint are foreign."""
        payload = {"config": self.to_dict(), "model": get_model(self.model).fingerprint()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
