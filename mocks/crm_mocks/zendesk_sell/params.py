"""Query parameter kinds of Zendesk Sell's list endpoints: how one parameter's raw value is
parsed (the `p_*` value parsers) and turned into store filters (`Param`).

Split from listing.py so that the resource table (resources.py), which declares each
resource's filters with these, and the listing code, which reads that table, do not import
each other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.store import Filter
from .values import parse_date

MAX_ID = 2**63 - 1  # ids are Java longs (§1)


class BadValue(ValueError):
    """A query parameter value that does not parse; `why` is shown in the error details."""

    def __init__(self, why: str = "") -> None:
        super().__init__(why)
        self.why = why


# -- value parsers --------------------------------------------------------------------------


def p_str(raw: str) -> str:
    return raw


def p_name(raw: str) -> str:
    if not raw:
        raise BadValue("must not be empty")
    return raw


def p_int(raw: str) -> int:
    """A positive integer in the range of the Java `Long` ids (1..2**63-1)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 20) or not 1 <= int(raw) <= MAX_ID:
        raise BadValue("must be a positive integer")
    return int(raw)


def p_bool(raw: str) -> bool:
    # Booleans in the query string are `true`/`false` (§4, PHP client); the official Python
    # client hands Python values to `requests`, which sends `hot=True` (companion sheet §5.5),
    # so the case is not significant.
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise BadValue("must be true or false")
    return lowered == "true"


def p_date(raw: str) -> str:
    try:
        return parse_date(raw)
    except ValueError:
        raise BadValue("must be a date (YYYY-MM-DD)") from None


def p_ids(raw: str) -> list[int]:
    parts = raw.split(",")
    if not raw or len(parts) > 1000:
        raise BadValue("must be a comma-separated list of ids")
    return [p_int(p) for p in parts]


def p_number(raw: str) -> int | float:
    try:
        value = float(raw)
    except ValueError:
        raise BadValue("must be a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadValue("must be a number")
    # beyond 64 bits SQLite cannot bind an int; as a float it still compares numerically
    return int(value) if value.is_integer() and abs(value) < 2**63 else value


# -- parameter kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """How one query parameter becomes store filters (raising BadValue for bad input)."""

    build: Callable[[str], list[Filter]]


def eq(path: str, parse: Callable[[str], Any] = p_str) -> Param:
    return Param(lambda raw: [Filter(path, "=", parse(raw))])


def one_of(path: str, values: Sequence[str]) -> Param:
    def build(raw: str) -> list[Filter]:
        if raw not in values:
            raise BadValue(f"must be one of {', '.join(values)}")
        return [Filter(path, "=", raw)]

    return Param(build)


def id_list(path: str = "id") -> Param:
    return Param(lambda raw: [Filter(path, "in", p_ids(raw))])


def contains(path: str, parse: Callable[[str], Any] = p_str) -> Param:
    return Param(lambda raw: [Filter(path, "contains", parse(raw))])


def text_search(path: str) -> Param:
    """`q`: full-text search on one field, as a case-insensitive substring match."""

    def build(raw: str) -> list[Filter]:
        escaped = raw.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return [Filter(path, "like", f"%{escaped}%")]

    return Param(build)


def custom(build: Callable[[str], list[Filter]]) -> Param:
    return Param(build)
