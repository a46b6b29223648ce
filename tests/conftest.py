"""Shared test configuration.

The mock fixtures (`clevertim_mock`, `crm_mock_server`, ...) come from `crm_mocks.pytest_plugin`,
registered by the installed package's pytest11 entry point, exactly as users get them.
The project's tools in scripts/ are importable by name (`import contract`, `import generate`).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

# `pytester` runs the mock fixtures from a throw-away project, as users of crm_mocks do.
pytest_plugins = ["pytester"]
