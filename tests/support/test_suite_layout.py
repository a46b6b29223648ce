"""The suite's own plumbing: helpers imported by package path, whatever the collection order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_helpers_import_the_same_in_any_collection_order() -> None:
    """tests/clients/conftest.py and tests/docs/conftest.py were both imported as the module
    `conftest`, so `from conftest import ...` got whichever came last: this order collected the
    Sell mock tests against the docs' conftest and failed with an ImportError."""
    paths = [
        "tests/docs/test_evidence.py",
        "tests/mocks/zendesk_sell/test_zendesk_sell_sync.py",
        "tests/clients/test_zendesk_sell_v3_client.py",
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    collected = {line.split("::", 1)[0] for line in proc.stdout.splitlines() if "::" in line}
    assert collected == set(paths)


def test_no_test_module_imports_a_conftest_by_its_bare_name() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if "golden" not in path.parts
        and any(
            line.startswith(("from conftest import", "import conftest"))
            for line in path.read_text("utf-8").splitlines()
        )
    ]
    assert offenders == []
