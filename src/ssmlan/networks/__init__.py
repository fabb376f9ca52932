"""LANs and CPNs: MLPs trained with Flax + optax, stored in checked, pickle-free files.

The names below load on first use, so that reading `ssmlan.networks.train_config` (e.g. for
the CLI's options) does not import JAX.
"""

from importlib import import_module

_HOMES = {
    "Network": "ssmlan.networks.network",
    "NetworkFileError": "ssmlan.networks.model_file",
    "load_network": "ssmlan.networks.model_file",
    "save_network": "ssmlan.networks.model_file",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'ssmlan.networks' has no attribute {name!r}")
