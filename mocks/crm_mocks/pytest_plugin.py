"""pytest fixtures for testing your own code against the CRM mocks.

Installed with `crm_mocks` (registered through the `pytest11` entry point), so any project
that has the package installed can use them:

    def test_my_sync(clevertim_mock):
        token = clevertim_mock.credentials["demo"]["token"]
        client = MyClevertimClient(clevertim_mock.api_url, token)
        ...
        assert clevertim_mock.requests()[-1]["method"] == "POST"

Each `<vendor>_mock` fixture (`clevertim_mock`, `zendesk_sell_mock`, ...) runs one server per
test session on 127.0.0.1 and a free port, and resets its state before every test.
`crm_mock_server` is a fixture that gives a factory: `crm_mock_server(vendor, **options)` starts
a dedicated server with vendor options, stopped at the end of the session — or at the end of a
`with` block, since the server it returns is also a context manager.

`api_url` is the one value to pass as a client's `base_url`, for every vendor. The servers are
`crm_mocks.start_mock`'s (crm_mocks/testing.py), which code outside pytest uses directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .registry import VENDORS
from .testing import RunningMock, start_mock


@pytest.fixture(scope="session")
def crm_mock_server() -> Iterator[Callable[..., RunningMock]]:
    """Factory: `crm_mock_server("zendesk-sell", rate_limit=5)` starts a dedicated mock (stopped
    at the end of the session, or of `with crm_mock_server(...) as mock:`)."""
    started: list[RunningMock] = []

    def start(vendor: str, **options: Any) -> RunningMock:
        running = start_mock(vendor, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def _vendor_fixtures(vendor: str) -> tuple[Any, Any]:
    @pytest.fixture(scope="session", name=f"_{vendor.replace('-', '_')}_mock_session")
    def session_server() -> Iterator[RunningMock]:
        with start_mock(vendor) as running:
            yield running

    @pytest.fixture(name=f"{vendor.replace('-', '_')}_mock")
    def fresh(request: pytest.FixtureRequest) -> RunningMock:
        running: RunningMock = request.getfixturevalue(f"_{vendor.replace('-', '_')}_mock_session")
        running.reset()
        return running

    fresh.__doc__ = f"A running {vendor} mock, reset before the test."
    return session_server, fresh


for _vendor in VENDORS:
    _session, _fresh = _vendor_fixtures(_vendor)
    globals()[f"_{_vendor.replace('-', '_')}_mock_session"] = _session
    globals()[f"{_vendor.replace('-', '_')}_mock"] = _fresh
