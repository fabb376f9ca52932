"""Training data for LANs and CPNs: parameter sets, KDE labels, choice probabilities, shards.

The names below load on first use, so that reading a config (e.g. for the CLI's options) does
not import the generator and its parallel back ends.
"""

from importlib import import_module

_HOMES = {
    "DatasetError": "ssmlan.training_data.storage",
    "GeneratorConfig": "ssmlan.training_data.config",
    "generate": "ssmlan.training_data.generation",
    "load_dataset": "ssmlan.training_data.storage",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'ssmlan.training_data' has no attribute {name!r}")
