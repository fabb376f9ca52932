"""Config fields declared once: default, help text and allowed values, read by the CLI."""

from __future__ import annotations

import dataclasses
from typing import Any

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
                f"{f.name} must be one of {', '.join(map(repr, allowed))}; got {value!r}."
            )
