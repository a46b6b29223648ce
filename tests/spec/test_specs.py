"""Every spec in specs/ passes the lint gate (crm_tools.lint), so `make test` fails on
a bad spec. Specs are globbed at collection time: a vendor without a spec yet is no test."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tools import lint as gate

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_spec_passes_lint_gate(spec: Path) -> None:
    loaded = gate.load_spec(spec)
    problems = list(loaded.problems)
    if loaded.document is not None:
        problems += gate.lint(loaded.document, str(spec))
    report = "\n".join(f"{p.pointer or '(root)'}: {p.message} [{p.rule}]" for p in problems)
    assert not problems, f"{spec.relative_to(ROOT)}: {len(problems)} problems\n{report}"
