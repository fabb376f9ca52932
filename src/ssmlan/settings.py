"""Config fields declared once: default, help text and allowed values, read by the CLI; and
`shown`, how error messages print the values they name."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

#: A field without a default: the CLI makes its option required.
REQUIRED = dataclasses.MISSING


def setting(default: Any, help: str, choices: tuple = ()) -> Any:
    """A dataclass field with ``default`` (or `REQUIRED`), a one-line ``help`` and, where the
    values are few, their ``choices``."""
    metadata = {"help": help, "choices": tuple(choices)}
    if default is REQUIRED:
        return dataclasses.field(metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def check_choices(config: Any) -> None:
    """Raise if a field of the dataclass instance ``config`` holds a value outside its
    declared choices."""
    for f in dataclasses.fields(config):
        allowed = f.metadata.get("choices")
        value = getattr(config, f.name)
        if allowed and value not in allowed:
            raise ValueError(
                f"{f.name} must be one of {', '.join(map(repr, allowed))}; got {shown(value)}."
            )


def shown(value: Any) -> str:
    """``value`` as a message shows it: NumPy scalars as the Python numbers they hold (``2``,
    not ``np.int64(2)``), strings quoted, arrays by their shape and type (not every element)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and type {value.dtype}"
    return repr(value)
