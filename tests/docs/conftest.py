"""Shared set-up of the documentation tests.

The generated clients (generated/<vendor>-client/<package>) are used as `make generate` wrote
them, without installing them: the tooling's one loader (`crm_tools.clients`) imports each under
its own name, so the snippets' `from clevertim_client import ...` works as for an installed one.

The site the tests read is built once per session under a temporary folder (never site/ or
build/ in the checkout), from the checkout's specs, with no contract reports.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tools import build_docs, clients

clients.load_all()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "contract").mkdir()
    built = build_docs.build(
        folder / "site", contracts="read", work=folder / "work", contract_dir=folder / "contract"
    )
    return built.site
