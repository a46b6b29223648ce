"""Shared test configuration.

The mock fixtures (`clevertim_mock`, `crm_mock_server`, ...) come from `crm_mocks.pytest_plugin`,
registered by the installed package's pytest11 entry point, exactly as users get them.
The project's tools in scripts/ (`import contract`, `import generate`) and the generated client
packages are importable through pytest's `pythonpath` setting (pyproject.toml), not sys.path
edits; shared test helpers are imported by package path (`from tests.support.clients import ...`).

Tests write only into pytest's temporary folders, never into the checkout.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# `pytester` runs the mock fixtures from a throw-away project, as users of crm_mocks do.
pytest_plugins = ["pytester"]

_HYPOTHESIS_HOME = "HYPOTHESIS_STORAGE_DIRECTORY"


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis (property tests here, schemathesis underneath) keeps its example database and
    # caches in ./.hypothesis unless told otherwise: one throw-away folder per test process
    # instead (each xdist worker is its own process; subprocesses inherit the variable).
    if _HYPOTHESIS_HOME not in os.environ:
        folder = tempfile.mkdtemp(prefix="pytest-hypothesis-")
        os.environ[_HYPOTHESIS_HOME] = folder
        config.add_cleanup(lambda: _forget(folder))


def _forget(folder: str) -> None:
    os.environ.pop(_HYPOTHESIS_HOME, None)
    shutil.rmtree(folder, ignore_errors=True)
