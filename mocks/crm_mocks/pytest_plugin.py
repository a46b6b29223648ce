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

`api_url` is the one value to pass as a client's `base_url`, for every vendor.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from .core.app import VendorMock, build_app, create_vendor
from .core.body import DEFAULT_MAX_BODY_BYTES
from .core.server import BackgroundServer
from .registry import VENDORS, vendor_class


@dataclass
class RunningMock:
    """A mock server started by the fixtures: where it is and how to log in."""

    vendor: str
    url: str  # server root, e.g. http://127.0.0.1:53211
    #: the vendor API's base URL on the mock, as the vendor's clients take it: pass it as the
    #: generated client's `base_url` (url + `/api`, `/api/v3`; for Zendesk Sell the server root,
    #: because Sell's clients add the `/v2` of every path themselves)
    api_url: str
    credentials: Mapping[str, Mapping[str, str]] = field(
        repr=False
    )  # demo user label -> credentials
    mock: VendorMock = field(repr=False)
    server: BackgroundServer = field(repr=False)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        # a JSON body: control calls that change state must not be "simple" requests
        headers = {} if body is None else {"Content-Type": "application/json"}
        req = urllib.request.Request(self.url + path, data, headers, method=method)
        with urllib.request.urlopen(req, timeout=10) as response:  # loopback only
            return json.loads(response.read())

    def reset(self) -> None:
        """Forget all data (demo users and seed data are re-created)."""
        self._call("POST", "/__mock__/reset", {})

    def requests(self) -> list[dict[str, Any]]:
        """Requests received since the last reset (secret headers redacted)."""
        return list(self._call("GET", "/__mock__/requests")["requests"])

    def stop(self) -> None:
        self.server.stop()

    # `with crm_mock_server("zendesk-sell", rate_limit=5) as sell:` stops it at the block's end
    def __enter__(self) -> RunningMock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_mock(
    vendor: str,
    options: Mapping[str, Any] | None = None,
    db: str | None = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> RunningMock:
    """Start a vendor mock on 127.0.0.1 and a free port, in a background thread."""
    mock = create_vendor(vendor_class(vendor), db=db, options=options)
    server = BackgroundServer(build_app(mock, max_body_bytes=max_body_bytes)).start()
    credentials = {
        user.label: dict(user.credentials)
        for account in mock.directory.accounts.values()
        for user in account.users
    }
    return RunningMock(
        vendor, server.url, server.url + client_base_path(mock), credentials, mock, server
    )


def client_base_path(mock: VendorMock | type[VendorMock]) -> str:
    """The path the vendor's clients put in their base URL: the API prefix, unless the vendor
    says its clients add (part of) it to each path (`client_base_path`, Zendesk Sell)."""
    return str(getattr(mock, "client_base_path", mock.api_prefix))


@pytest.fixture(scope="session")
def crm_mock_server() -> Iterator[Callable[..., RunningMock]]:
    """Factory: `crm_mock_server("zendesk-sell", rate_limit=5)` starts a dedicated mock (stopped
    at the end of the session, or of `with crm_mock_server(...) as mock:`)."""
    started: list[RunningMock] = []

    def start(vendor: str, **options: Any) -> RunningMock:
        running = start_mock(vendor, options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


def _vendor_fixtures(vendor: str) -> tuple[Any, Any]:
    @pytest.fixture(scope="session", name=f"_{vendor.replace('-', '_')}_mock_session")
    def session_server() -> Iterator[RunningMock]:
        running = start_mock(vendor)
        yield running
        running.stop()

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
