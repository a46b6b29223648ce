"""Where the checkout's parts are. The tools run from an editable install of scripts/, so the
repository root is two folders above this package."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
PIPELINE = ROOT / "scripts" / "generator"  # data and modules the client pipeline adds
DOCS = ROOT / "docs"
EVIDENCE = DOCS / "evidence"
NODE_MODULES = ROOT / "node_modules"
MOCKS = ROOT / "mocks" / "crm_mocks"
