"""Timestamps as the vendors write them: ISO-8601 UTC, second precision, `Z` suffix."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_timestamp(moment: datetime | None = None) -> str:
    """`2017-01-04T10:23:22Z`; the year is always four digits (strftime's %Y is not, below 1000)."""
    m = (moment or datetime.now(UTC)).astimezone(UTC)
    return f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}Z"
