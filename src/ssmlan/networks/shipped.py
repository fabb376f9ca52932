"""The networks shipped with the package (``src/ssmlan/networks/pretrained/``), listed without
importing JAX (the CLI's help reads them)."""

from __future__ import annotations

from importlib import resources

SUFFIX = ".npz"
PRETRAINED = resources.files("ssmlan.networks") / "pretrained"


def shipped_name(model: str, kind: str) -> str:
    """The file name a model's shipped network of ``kind`` has (``"ddm"``, ``"lan"``:
    ``"ddm_lan"``)."""
    return f"{model}_{kind}"


def shipped_networks() -> list[str]:
    """Names of the shipped network files (``"ddm_lan"``, ...), sorted."""
    files = (p.name for p in PRETRAINED.iterdir())
    return sorted(name.removesuffix(SUFFIX) for name in files if name.endswith(SUFFIX))


def shipped_models(*kinds: str) -> list[str]:
    """Models that ship a network of each of ``kinds`` (e.g. ``"lan", "cpn"``), sorted."""
    names = set(shipped_networks())
    models = {name.rsplit("_", 1)[0] for name in names}
    return sorted(m for m in models if all(shipped_name(m, kind) in names for kind in kinds))


def compact_lan(model: str) -> str | None:
    """The model's shipped compact LAN (``"ddm_compact_lan"``: one small MLP distilled from the
    ensemble, `ssmlan.networks.distill`), the LAN of hierarchical fits; ``None`` if none ships."""
    name = shipped_name(model, "compact_lan")
    return name if name in shipped_networks() else None
