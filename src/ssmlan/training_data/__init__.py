"""Training data for LANs and CPNs: parameter sets, KDE labels, choice probabilities, shards."""

from ssmlan.training_data.config import GeneratorConfig
from ssmlan.training_data.generate import generate
from ssmlan.training_data.storage import DatasetError, load_dataset

__all__ = ["DatasetError", "GeneratorConfig", "generate", "load_dataset"]
