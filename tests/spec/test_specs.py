"""Every spec in specs/ passes the lint gate (scripts/lint_specs.py), so `make test` fails on
a bad spec. Specs are globbed at collection time: a vendor without a spec yet is no test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))


def _import_gate() -> ModuleType:
    if "lint_specs" in sys.modules:
        return sys.modules["lint_specs"]
    spec = importlib.util.spec_from_file_location("lint_specs", ROOT / "scripts" / "lint_specs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["lint_specs"] = module
    spec.loader.exec_module(module)
    return module


gate = _import_gate()


@pytest.mark.parametrize("spec", SPECS, ids=[p.stem for p in SPECS])
def test_spec_passes_lint_gate(spec: Path) -> None:
    loaded = gate.load_spec(spec)
    problems = list(loaded.problems)
    if loaded.document is not None:
        problems += gate.lint(loaded.document, str(spec))
    report = "\n".join(f"{p.pointer or '(root)'}: {p.message} [{p.rule}]" for p in problems)
    assert not problems, f"{spec.relative_to(ROOT)}: {len(problems)} problems\n{report}"
