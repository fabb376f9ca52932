"""What a training-data run is: model, counts, seed and label mixture, as one frozen record."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from ssmlan.constants import MAX_T
from ssmlan.models import get_model

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

    model: str
    n_param_sets: int = 2000
    n_sims: int = 100_000
    n_labels: int = 1000
    shard_size: int = 50
    sampler: str = "uniform"
    seed: int = 0
    frac_simulated: float = 0.8
    frac_uniform: float = 0.1
    max_t: float = MAX_T
    dt: float | None = None
    cpn_labels: str = "decided"
    box_margin: float = 0.0
    bandwidth_scale: float = 0.5

    def __post_init__(self) -> None:
        spec = get_model(self.model)
        if self.cpn_labels not in CPN_LABELS:
            raise ValueError(f"cpn_labels must be one of {CPN_LABELS}; got {self.cpn_labels!r}.")
        if self.cpn_labels == "analytic" and spec.analytic_choice_logp is None:
            raise ValueError(
                f"cpn_labels='analytic' needs a closed-form choice probability; model "
                f"{self.model!r} has none. Use cpn_labels='empirical'."
            )
        for name in ("n_param_sets", "n_sims", "n_labels", "shard_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"{name} must be a positive integer; got {value!r}.")
        if self.sampler not in ("uniform", "sobol"):
            raise ValueError(f"sampler must be 'uniform' or 'sobol'; got {self.sampler!r}.")
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
            raise ValueError(f"box_margin must be in [0, 0.5]; got {self.box_margin!r}.")
        if not 0.0 < self.bandwidth_scale <= 2.0:
            raise ValueError(f"bandwidth_scale must be in (0, 2]; got {self.bandwidth_scale!r}.")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {self.seed!r}.")

    @property
    def n_shards(self) -> int:
        return -(-self.n_param_sets // self.shard_size)

    def shard_sets(self, index: int) -> int:
        """Parameter sets drawn for shard ``index`` (the last one may be smaller)."""
        return min(self.shard_size, self.n_param_sets - index * self.shard_size)

    def to_dict(self) -> dict:
        """The settings; ``box_margin`` (added later) only when set, so data sets written
        before it existed keep their fingerprint."""
        settings = asdict(self)
        if settings["box_margin"] == 0.0:
            del settings["box_margin"]
        return settings

    def fingerprint(self) -> str:
        """Hash of the config and the model spec: shards with another fingerprint are foreign."""
        payload = {"config": self.to_dict(), "model": get_model(self.model).fingerprint()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
