"""What a training run is: architecture and optimisation settings, as one frozen record.

Light on purpose (no JAX): the CLI reads its options from these fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from ssmlan.settings import check_choices, setting, shown

#: Activations of the hidden layers that `ssmlan.networks.mlp.activate` knows.
ACTIVATIONS = ("tanh", "relu", "softplus")


@dataclass(frozen=True)
class TrainConfig:
    """Architecture and optimisation settings (defaults close to the LAN paper)."""

    hidden: tuple[int, ...] = setting((128, 128, 128), "sizes of the hidden layers")
    activation: str = setting("tanh", "activation of the hidden layers", ACTIVATIONS)
    batch_size: int = setting(2048, "rows per optimisation step")
    epochs: int = setting(40, "most epochs per member")
    learning_rate: float = setting(2e-3, "peak learning rate (warmup, then cosine decay)")
    warmup_epochs: float = setting(1.0, "epochs of linear warmup")
    final_lr_fraction: float = setting(0.01, "final learning rate / peak")
    patience: int = setting(6, "epochs without a better validation loss before stopping")
    val_fraction: float = setting(0.1, "share of parameter sets held out for validation")
    seed: int = setting(0, "seed of the split, the weights and the batches")
    members: int = setting(1, "ensemble size (members seeded seed, seed + 1, ...)")

    def __post_init__(self) -> None:
        check_choices(self)
        if not self.hidden or min(self.hidden) <= 0:
            raise ValueError(f"hidden must list positive layer sizes; got {self.hidden!r}.")
        for name in ("batch_size", "epochs", "patience", "members"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive; got {shown(getattr(self, name))}.")
        if not 0.0 < self.val_fraction < 0.5:
            raise ValueError(f"val_fraction must be in (0, 0.5); got {shown(self.val_fraction)}.")
