"""Custom field values against the account's definitions (seed "Custom Fields", §5.20).

Fields must be defined before they can be assigned (an undefined name is a 422 `unknown`).
Dropdown values that match no choice are ignored, as are non-matching multi-select elements
(the seed says so); `null` removes a value, and only fields with values are stored and shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ..core.fields import UNSET, Field, Invalid, boolean, text
from ..core.store import Filter
from .data import Data
from .errors import from_invalid, unknown_attribute
from .values import ADDRESS, date_field, datetime_field, parse_decimal

TEXT = text(max_length=10_000)
BY_TYPE: Mapping[str, Field] = {
    "string": TEXT,
    "text": TEXT,
    "email": TEXT,
    "phone": TEXT,
    "url": TEXT,
    "bool": boolean(),
    "date": date_field(nullable=False),
    "datetime": datetime_field(nullable=False),
    "address": ADDRESS,
}


def definitions(data: Data, resource_type: str) -> dict[str, dict[str, Any]]:
    rows = data.query("custom_field", [Filter("_resource_type", "=", resource_type)])
    return {row["name"]: row for row in rows}


def _number(name: str, value: Any) -> Any:
    try:
        number = parse_decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        raise Invalid(name, "must be a number", "type") from None
    if abs(number) >= Decimal(10) ** 15:  # also keeps "1e999999" from becoming a huge int
        raise Invalid(name, "is too large", "range")
    # stored as a JSON number so that sorting and filtering compare numerically
    return int(number) if number == number.to_integral() else float(number)


def _coerce(definition: Mapping[str, Any], name: str, value: Any) -> Any:
    kind = definition["type"]
    choices = [c["name"] for c in definition.get("choices", [])]
    if kind == "number":
        return _number(name, value)
    if kind == "list":
        if not isinstance(value, str):
            raise Invalid(name, "must be a string", "type")
        return value if value in choices else UNSET
    if kind == "multi_select_list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise Invalid(name, "must be an array of strings", "type")
        return [v for v in dict.fromkeys(value) if v in choices]
    return BY_TYPE.get(kind, TEXT).coerce(name, value)


def clean(data: Data, resource_type: str, type_: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validated values; None marks a value to remove."""
    defs = definitions(data, resource_type)
    out: dict[str, Any] = {}
    for name, value in values.items():
        definition = defs.get(name)
        if definition is None:
            raise unknown_attribute(f"custom_fields.{name}", type_)
        if value is None:
            out[name] = None
            continue
        try:
            clean_value = _coerce(definition, f"custom_fields.{name}", value)
        except Invalid as exc:
            raise from_invalid(exc, type_) from None
        if clean_value is not UNSET:
            out[name] = clean_value
    return out


def merge(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**old, **new}
    return {k: v for k, v in merged.items() if v is not None}
