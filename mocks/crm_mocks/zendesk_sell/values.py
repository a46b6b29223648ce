"""Sell's value types as core `Field` coercers: timestamps, dates, decimals, addresses, tags.

Inputs are normalised once on write so that listing can filter and sort in SQL on the stored
JSON: timestamps become UTC `YYYY-MM-DDTHH:MM:SSZ` (so string order is time order), decimals
become 2-place strings, deal values numbers (formatted again on the way out, §5.3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation, localcontext
from typing import Any

from ..core.fields import Field, Invalid, array, integer, record, text

FOREVER = "9999-12-31T00:00:00Z"  # the seed's agreed "forever"


def iso(moment: datetime) -> str:
    """UTC `YYYY-MM-DDTHH:MM:SSZ`; the year always has four digits (strftime's `%Y` drops the
    leading zeros of years before 1000, which is no longer ISO 8601)."""
    utc = moment.astimezone(UTC)
    return f"{utc.year:04d}-{utc:%m-%dT%H:%M:%S}Z"


def now() -> str:
    return iso(datetime.now(UTC))


def parse_datetime(value: str) -> str:
    """ISO 8601 with any offset (`Z`, `+00:00`) -> UTC `...Z`; ValueError when it is not."""
    if "T" not in value:
        raise ValueError(value)
    parsed = datetime.fromisoformat(value.replace(",", "."))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return iso(parsed)


def parse_date(value: str) -> str:
    if len(value) != 10:
        raise ValueError(value)
    return date.fromisoformat(value).isoformat()


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(value)
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError(value)
    return number


def cents(number: Decimal) -> Decimal:
    """`number` rounded to two decimals, however large (a JSON number reaches ~1.8e308)."""
    with localcontext() as context:
        context.prec = max(28, number.adjusted() + 4)
        return number.quantize(Decimal("0.01"))


def decimal_text(number: Decimal) -> str:
    return f"{cents(number):f}"


def _parsed_text(parse: Callable[[str], Any], expected: str, nullable: bool) -> Field:
    """A string field whose text must parse (dates, date-times); the parsed form is kept."""

    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        if not isinstance(value, str):
            raise Invalid(name, "must be a string", "type")
        try:
            return parse(value)
        except ValueError:
            raise Invalid(name, f"must be {expected}", "format") from None

    return Field(coerce)


def datetime_field(*, nullable: bool = True) -> Field:
    return _parsed_text(parse_datetime, "an ISO 8601 date-time", nullable)


def date_field(*, nullable: bool = True) -> Field:
    return _parsed_text(parse_date, "a date (YYYY-MM-DD)", nullable)


def decimal_field(*, nullable: bool = True, as_number: bool = False) -> Field:
    """A decimal sent as a number or a numeric string (clients do both, §5.3, §5.14)."""

    def coerce(name: str, value: Any) -> Any:
        if value is None and nullable:
            return None
        try:
            number = parse_decimal(value)
        except TypeError:
            raise Invalid(name, "must be a number or a decimal string", "type") from None
        except (ValueError, InvalidOperation):
            raise Invalid(name, "must be a decimal number", "format") from None
        if as_number:
            quantized = cents(number)
            return int(quantized) if quantized == quantized.to_integral() else float(quantized)
        return decimal_text(number)

    return Field(coerce)


def currency() -> Field:
    def coerce(name: str, value: Any) -> Any:
        if not isinstance(value, str):
            raise Invalid(name, "must be a string", "type")
        if len(value) != 3 or not value.isascii() or not value.isalpha() or not value.isupper():
            raise Invalid(name, "must be an ISO 4217 currency code", "format")
        return value

    return Field(coerce)


def nullable(field: Field) -> Field:
    return Field(lambda name, value: None if value is None else field.coerce(name, value))


def capped_percent(maximum: int = 100, *, nullable_: bool = False) -> Field:
    """An integer percentage of at most `maximum`, with the products service's wording (§2.4:
    "Ensure this value is less than or equal to 100."); no lower bound is documented."""
    whole = integer(nullable=nullable_)

    def coerce(name: str, value: Any) -> Any:
        value = whole.coerce(name, value)
        if value is not None and value > maximum:
            raise Invalid(name, f"Ensure this value is less than or equal to {maximum}.", "range")
        return value

    return Field(coerce)


def tag_list() -> Field:
    """Tag names; duplicates collapse (the record holds a set, sent whole each time)."""
    inner = array(text(min_length=1, max_length=255), max_items=500)

    def coerce(name: str, value: Any) -> Any:
        return list(dict.fromkeys(inner.coerce(name, value)))

    return Field(coerce)


ADDRESS_KEYS = ("line1", "city", "postal_code", "state", "country")
ADDRESS = nullable(record({k: text(nullable=True, max_length=255) for k in ADDRESS_KEYS}))


def full_address(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Addresses come back with every key present (null when unset)."""
    if value is None:
        return None
    return {k: value.get(k) for k in ADDRESS_KEYS}
