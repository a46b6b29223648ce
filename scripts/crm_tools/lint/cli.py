"""`python -m crm_tools.lint [SPEC ...]`: lint the specs, one line per problem."""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

from crm_tools.lint.linter import Linter, Stats
from crm_tools.lint.loader import load_spec
from crm_tools.lint.registry import RULES
from crm_tools.paths import ROOT


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _line_of(pointer: str, lines: dict[str, int]) -> int | None:
    while True:
        if pointer in lines:
            return lines[pointer]
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]


def lint_file(path: Path, quiet: bool = False) -> int:
    """Lint one file and print its report; returns the number of problems."""
    shown = _display(path)
    loaded = load_spec(path)
    problems = list(loaded.problems)
    stats = Stats()
    if loaded.document is not None:
        linter = Linter(loaded.document, str(path))
        problems += linter.run()
        stats = linter.stats
    for problem in problems:
        line = _line_of(problem.pointer, loaded.lines)
        where = f" (line {line})" if line else ""
        print(f"{shown}: {problem.pointer or '(root)'}: {problem.message}{where} [{problem.rule}]")
    counts = (
        f"{stats.operations} operations, {stats.examples} examples validated, {stats.links} links"
    )
    if problems:
        print(f"{shown}: {len(problems)} problem{'s' if len(problems) != 1 else ''} ({counts})")
    elif not quiet:
        print(f"{shown}: ok ({counts})")
    return len(problems)


def main(argv: list[str] | None = None) -> int:
    rules = "\n".join(
        textwrap.fill(text, 100, initial_indent=f"  {rule:<22} ", subsequent_indent=" " * 25)
        for rule, text in RULES.items()
    )
    parser = argparse.ArgumentParser(
        description="Lint the hand-written OpenAPI 3.1 specs (docs/writing-specs.md, "
        "docs/extensions.md). Prints '<spec>: <JSON pointer>: <message> (line N) [rule]' per "
        "problem and a summary line per spec; exits 1 if any problem.",
        epilog="rules:\n" + rules,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "specs", nargs="*", metavar="SPEC", help="spec files (default: specs/*.yaml)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no summary line for clean specs"
    )
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.specs] or sorted((ROOT / "specs").glob("*.yaml"))
    if not paths:
        print(f"no specs in {_display(ROOT / 'specs')}")
        return 0
    total = sum(lint_file(path, args.quiet) for path in paths)
    return 1 if total else 0
