"""The README quickstart and every client README's examples pass `mypy --strict` unchanged.

The Python blocks of each README are joined in order (each README's blocks build on each
other, as a reader copies them) and type-checked as one module, against the generated packages
exactly as committed. No `isinstance`, no `assert`: the typed API must carry a reader through.
A snippet with a misspelt `connect()` keyword must fail, so the check is known to bite.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def python_blocks(markdown: str) -> str:
    return "\n\n".join(FENCE.findall(markdown))


def quickstart() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return python_blocks(section)


def test_readme_examples_pass_mypy_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snippets = {"readme_quickstart.py": quickstart()}
    for readme in sorted(GENERATED.glob("*-client/README.md")):
        name = readme.parent.name.replace("-", "_")
        snippets[f"readme_{name}.py"] = python_blocks(readme.read_text())
    snippets["misspelt_keyword.py"] = (
        "from clevertim_client import connect\n\nclient = connect('t', timout=5)\n"
    )
    assert all(snippets.values()), [name for name, code in snippets.items() if not code]
    for name, code in snippets.items():
        assert "isinstance(" not in code and "assert " not in code, name
        (tmp_path / name).write_text(code)

    monkeypatch.setenv("MYPYPATH", os.pathsep.join(str(p) for p in GENERATED.glob("*-client")))
    stdout, stderr, status = api.run(
        [
            "--strict",
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            *sorted(str(tmp_path / name) for name in snippets),
        ]
    )
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    assert status == 1, stdout + stderr
    assert [e.split(":", 1)[0].rsplit("/", 1)[-1] for e in errors] == ["misspelt_keyword.py"], (
        stdout
    )
    assert 'Unexpected keyword argument "timout"' in errors[0]
