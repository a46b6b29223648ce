"""Shared set-up of the documentation tests.

The generated clients (generated/<vendor>-client/<package>) are imported as `make generate`
wrote them, without installing them (as in tests/clients): every generated/*-client folder goes
on `sys.path` here. scripts/ is on `sys.path` from tests/conftest.py (`import build_docs`).
"""

from __future__ import annotations

import sys
from pathlib import Path

GENERATED = Path(__file__).resolve().parents[2] / "generated"

for _folder in sorted(GENERATED.glob("*-client")):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))
