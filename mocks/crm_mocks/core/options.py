"""Typed vendor options (`crm-mock --option NAME=VALUE`, `start_mock(vendor, NAME=VALUE)`).

Each option is declared once, as an `Option` (name, type, default, bounds, what it does): on
`VendorMock.options` for a vendor's own settings, in faults.py for the fault options every
vendor takes. Parsing the command line's text, checking a value passed from Python, the error
messages and the option list of `crm-mock --help` all come from that declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: the types an option may have (a value from the command line is parsed into it)
OptionType = type[int] | type[float] | type[str] | type[bool]


class OptionError(ValueError):
    """A vendor option (`--option NAME=VALUE`) is unknown or has an unusable value."""


def _number(value: float) -> str:
    return f"{value:g}"


@dataclass(frozen=True)
class Option:
    """One setting: its `name`, its `type`, the `default` (None: not set), inclusive `minimum`
    and `maximum` (numbers only; `above` makes the minimum exclusive), a `check` returning why
    a value is refused (or None), and `doc` for `--help`."""

    name: str
    type: OptionType
    default: Any
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    above: bool = False
    check: Callable[[Any], str | None] | None = None

    def parse(self, value: Any) -> Any:
        """`value` (text from the command line, or a Python value) as this option's type,
        bounds checked; OptionError says what is wrong with it."""
        typed = self._typed(value)
        if isinstance(typed, int | float) and not isinstance(typed, bool):
            low, high = self.minimum, self.maximum
            too_low = low is not None and (typed <= low if self.above else typed < low)
            if too_low or (high is not None and typed > high):
                raise OptionError(f"{self.name} must be {self.bounds()}, got {value!r}")
        if self.check is not None and (why := self.check(typed)) is not None:
            raise OptionError(f"{self.name} {why}")
        return typed

    def _typed(self, value: Any) -> Any:
        kind = self.type
        if isinstance(value, str) and kind is not str:
            text = value.strip()
            try:
                if kind is bool:
                    if text.lower() not in ("true", "false", "1", "0"):
                        raise ValueError(text)
                    return text.lower() in ("true", "1")
                return kind(text)
            except ValueError:
                raise OptionError(f"{self.name} must be {self.describe()}, not {value!r}") from None
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise OptionError(f"{self.name} must be {self.describe()}, not {value!r}")
        return value

    def bounds(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            return f"between {_number(low)} and {_number(high)}"
        if low is not None:
            return f"{'>' if self.above else '>='} {_number(low)}"
        if high is not None:
            return f"<= {_number(high)}"
        return "any value"

    def describe(self) -> str:
        """What a value must be: "an integer from 1 to 1000", "a number > 0", "text"."""
        what = {int: "an integer", float: "a number", str: "text", bool: "true or false"}
        words = what[self.type]
        if self.minimum is None and self.maximum is None:
            return words
        return f"{words} {self.bounds()}"

    def help(self) -> str:
        """One `--help` line: name, type and bounds, default, what it does."""
        if self.default is None:
            default = "not set"
        elif isinstance(self.default, float):
            default = _number(self.default)
        else:
            default = repr(self.default)
        return f"{self.name}  ({self.describe()}; default {default}): {self.doc}"


def parse_options(
    declared: Iterable[Option], given: Mapping[str, Any], owner: str
) -> dict[str, Any]:
    """Every declared option's value (its default unless given), each given value parsed and
    checked; a name nobody declared is an OptionError naming the ones that exist."""
    known = {option.name: option for option in declared}
    unknown = [name for name in given if name not in known]
    if unknown:
        names = ", ".join(sorted(known)) or "none"
        raise OptionError(f"unknown option(s) for {owner}: {', '.join(unknown)} (known: {names})")
    return {
        name: option.parse(given[name]) if name in given else option.default
        for name, option in known.items()
    }
