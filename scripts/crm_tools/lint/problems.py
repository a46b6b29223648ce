"""What the gate reports: one `Problem` per rule violation."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One rule violation: where (JSON pointer into the spec), what, and which rule."""

    pointer: str
    message: str
    rule: str
