"""`repr()` of the models: only the fields that are set, never an `Unset` object.

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

from typing import Any, TypeVar

import attrs

from .types import Unset

T = TypeVar("T")


def _set_fields_repr(self: Any) -> str:
    shown = [
        f"{a.name}={getattr(self, a.name)!r}"
        for a in attrs.fields(type(self))
        if a.repr is not False
        and a.name != "additional_properties"
        and not isinstance(getattr(self, a.name), Unset)
    ]
    extra = getattr(self, "additional_properties", None)
    if extra:
        shown.append(f"additional_properties={extra!r}")
    return f"{type(self).__name__}({', '.join(shown)})"


def readable_repr(cls: type[T]) -> type[T]:
    """Class decorator for an attrs model: its repr lists the set fields only."""
    setattr(cls, "__repr__", _set_fields_repr)  # noqa: B010 - mypy rejects assigning a method
    return cls
