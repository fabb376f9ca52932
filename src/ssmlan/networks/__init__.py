"""LANs and CPNs: MLPs trained with Flax + optax, stored in checked, pickle-free files."""

from ssmlan.networks.model_file import NetworkFileError, load_network, save_network
from ssmlan.networks.network import Network

__all__ = ["Network", "NetworkFileError", "load_network", "save_network"]
