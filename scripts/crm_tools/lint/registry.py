"""The rule registry: every rule is declared where it is checked.

A check is a function of the `Linter`; `@rule(name, doc=...)` on it declares a rule it reports
(stack one per rule when a check reports several). The CLI's rule list (`--help`), the docs'
rule table and the test that every rule has a failing case all read `RULES`; the linter runs
`CHECKS` in registration order (the order of `crm_tools.lint.rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from crm_tools.lint.linter import Linter

Check = Callable[["Linter"], None]
F = TypeVar("F", bound=Callable[..., object])

#: rule name -> what it requires (the text of `--help` and of the docs)
RULES: dict[str, str] = {}
#: the checks the linter runs, in registration order
CHECKS: list[Check] = []
#: rule name -> the module that checks it
WHERE: dict[str, str] = {}
#: rule name -> (the function that declares it, registration number)
_DECLARED: dict[str, tuple[object, int]] = {}


def rule(name: str, *, doc: str, check: bool = True) -> Callable[[F], F]:
    """Declare rule `name` on the function that reports it. `check=False` for a function
    the linter does not run itself (the YAML reader reports rule `yaml`)."""

    def register(function: F) -> F:
        if name in RULES:
            raise ValueError(f"lint rule {name!r} is declared twice")
        RULES[name] = " ".join(doc.split())
        WHERE[name] = function.__module__
        _DECLARED[name] = (function, len(_DECLARED))
        if check and function not in CHECKS:
            CHECKS.append(function)  # type: ignore[arg-type]
        return function

    return register


def run_in_order(modules: list[str]) -> None:
    """Order CHECKS and RULES by family (the modules listed), keeping each module's own order."""
    unknown = {check.__module__ for check in CHECKS} - set(modules)
    if unknown:
        raise ValueError(f"rule modules missing from the run order: {sorted(unknown)}")
    CHECKS.sort(key=lambda check: modules.index(check.__module__))

    # the rule list (--help, docs) in the same order (the loader's yaml first), and
    # a check's stacked @rule lines top to bottom (decorators register bottom-up)
    def position(name: str) -> tuple[int, int, int]:
        function, number = _DECLARED[name]
        module = modules.index(WHERE[name]) if WHERE[name] in modules else -1
        check = CHECKS.index(function) if function in CHECKS else -1
        return (module, check, -number)

    for name in sorted(RULES, key=position):
        RULES[name] = RULES.pop(name)
