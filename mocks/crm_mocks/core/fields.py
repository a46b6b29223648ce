"""Typed field coercion for request bodies, shared by the vendor mocks.

A vendor describes each writable field with one of the `Field` kinds below; `coerce_fields`
turns a request body into clean values or raises `Invalid` naming the field, which the vendor
renders in its own error shape. Leniency the real services show (numeric strings accepted as
integers, `""` meaning "not set") is a per-field switch, not a global habit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class Invalid(ValueError):
    """A field failed coercion. `kind` says how, so a vendor can map it to its own error codes:
    "type" (wrong JSON type), "choice" (not an allowed value), "range" (number out of bounds),
    "length" (string/array too short or long), "format" (a string of the wrong shape),
    "unknown" (an unlisted key in a closed object), "required" (a required key is absent)."""

    def __init__(self, field: str, message: str, kind: str = "invalid") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = kind


class Unset:
    """Returned by a coercer when the value means "not set" (the key is dropped)."""


UNSET = Unset()


@dataclass(frozen=True)
class Field:
    """How to read one field. `coerce(name, value)` returns the clean value or UNSET."""

    coerce: Callable[[str, Any], Any]
    required: bool = False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def text(*, min_length: int = 0, max_length: int = 10_000, nullable: bool = False) -> Field:
    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise Invalid(name, "must be a string", "type")
        if len(value) < min_length:
            raise Invalid(
                name,
                "must not be empty" if min_length == 1 else f"is shorter than {min_length}",
                "length",
            )
        if len(value) > max_length:
            raise Invalid(name, f"is longer than {max_length} characters", "length")
        return value

    return Field(coerce)


def integer(
    *,
    lenient: bool = False,
    nullable: bool = False,
    minimum: int | None = None,
    maximum: int | None = None,
) -> Field:
    """An integer; `lenient` also takes numeric strings and treats "" as not set."""

    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if lenient and isinstance(value, str):
            stripped = value.strip()
            if stripped == "":
                return UNSET
            if stripped.lstrip("-").isdigit():
                value = int(stripped)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            value = int(value)  # JSON has one number type: 13.0 is the integer 13
        if not _is_int(value):
            raise Invalid(name, "must be an integer", "type")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise Invalid(name, f"must be between {minimum} and {maximum}", "range")
        return value

    return Field(coerce)


def number(*, nullable: bool = False) -> Field:
    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise Invalid(name, "must be a number", "type")
        return value

    return Field(coerce)


def boolean(*, nullable: bool = False) -> Field:
    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, bool):
            raise Invalid(name, "must be true or false", "type")
        return value

    return Field(coerce)


def choice(values: Sequence[str], *, blank_is_unset: bool = False, nullable: bool = False) -> Field:
    allowed = tuple(values)

    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if blank_is_unset and value == "":
            return UNSET
        if value not in allowed:
            raise Invalid(name, f"must be one of {', '.join(allowed)}", "choice")
        return value

    return Field(coerce)


def array(item: Field, *, min_items: int = 0, max_items: int = 1000) -> Field:
    def coerce(name: str, value: Any) -> Any:
        if not isinstance(value, list):
            raise Invalid(name, "must be an array", "type")
        if not min_items <= len(value) <= max_items:
            raise Invalid(name, f"must have between {min_items} and {max_items} items", "length")
        out = []
        for i, element in enumerate(value):
            clean = item.coerce(f"{name}[{i}]", element)
            if clean is not UNSET:
                out.append(clean)
        return out

    return Field(coerce)


def record(fields: Mapping[str, Field], *, closed: bool = True) -> Field:
    """A nested object; `closed` rejects keys that are not listed."""

    def coerce(name: str, value: Any) -> Any:
        if not isinstance(value, dict):
            raise Invalid(name, "must be an object", "type")
        return coerce_fields(value, fields, closed=closed, prefix=f"{name}.")

    return Field(coerce)


def anything() -> Field:
    return Field(lambda name, value: value)


def _plain_text(value: str) -> bool:
    # A lone surrogate survives json.loads but cannot be encoded as UTF-8 in a response.
    return not any("\ud800" <= ch <= "\udfff" for ch in value)


def plain_json(*, max_depth: int = 32) -> Field:
    """Any JSON value the mock can store and send back unchanged.

    Python's json module accepts NaN/Infinity and lone surrogates, which would later be written
    out as invalid JSON or fail to encode; very deep nesting would exhaust the recursion limit
    when the value is serialised. Walked iteratively, so the check itself cannot overflow.
    """

    def coerce(name: str, value: Any) -> Any:
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            node, depth = stack.pop()
            if depth > max_depth:
                raise Invalid(name, f"is nested deeper than {max_depth} levels", "format")
            if isinstance(node, float) and not math.isfinite(node):
                raise Invalid(name, "must not contain NaN or Infinity", "format")
            if isinstance(node, str) and not _plain_text(node):
                raise Invalid(name, "contains an invalid Unicode character", "format")
            if isinstance(node, dict):
                for key, child in node.items():
                    if not _plain_text(key):
                        raise Invalid(name, "contains an invalid Unicode character", "format")
                    stack.append((child, depth + 1))
            elif isinstance(node, list):
                stack.extend((child, depth + 1) for child in node)
        return value

    return Field(coerce)


def required(field: Field) -> Field:
    return Field(field.coerce, required=True)


def coerce_fields(
    body: Mapping[str, Any],
    fields: Mapping[str, Field],
    *,
    closed: bool = False,
    prefix: str = "",
    check_required: bool = True,
) -> dict[str, Any]:
    """Clean the listed fields of `body`; unlisted keys are dropped, or rejected if `closed`."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        spec = fields.get(key)
        if spec is None:
            if closed:
                raise Invalid(prefix + key, "is not a known field", "unknown")
            continue
        clean = spec.coerce(prefix + key, value)
        if clean is not UNSET:
            out[key] = clean
    if check_required:
        for key, spec in fields.items():
            if spec.required and key not in out:
                raise Invalid(prefix + key, "is required", "required")
    return out
