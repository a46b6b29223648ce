"""Running a vendor mock from Python: in tests, scripts, benchmarks (no pytest needed).

    from crm_mocks import start_mock

    with start_mock("clevertim") as mock:
        token = mock.credentials["demo"]["token"]
        httpx.post(mock.api_url + "/contact", json={"fn": "A"}, auth=(token, "X"))
        assert mock.requests()[-1]["method"] == "POST"

`start_mock` binds a socket on 127.0.0.1 (a free port unless `port` is given) before the
server starts, so the address is known at once and no other process can take the port in
between. Without `with`, the mock runs until its `stop()`.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .core.app import VendorMock, build_app, create_vendor
from .core.body import DEFAULT_MAX_BODY_BYTES
from .core.server import BackgroundServer
from .registry import vendor_class


@dataclass
class RunningMock:
    """A mock server started by `start_mock`: where it is and how to log in."""

    vendor: str
    url: str  # server root, e.g. http://127.0.0.1:53211
    #: the vendor API's base URL on the mock, as the vendor's clients take it: pass it as the
    #: generated client's `base_url` (url + `/api`, `/api/v3`; for Zendesk Sell the server root,
    #: because Sell's clients add the `/v2` of every path themselves)
    api_url: str
    #: demo user label -> that user's credentials (token, e-mail and password, key, ...)
    credentials: Mapping[str, Mapping[str, str]] = field(repr=False)
    #: the vendor's behaviour object, for looking at state in-process
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
        """Shut the server down (a `db` file is checkpointed first); stopping twice is fine."""
        self.server.stop()

    def __enter__(self) -> RunningMock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_mock(
    vendor: str,
    *,
    db: str | None = None,
    accounts: str | None = None,
    port: int = 0,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    **options: Any,
) -> RunningMock:
    """Start a vendor mock on 127.0.0.1 in a background thread and return it running.

    `vendor` is one of `crm_mocks.VENDORS`; vendor and fault options are keyword arguments
    (`start_mock("zendesk-sell", rate_limit=5)`, checked against their declarations: a
    `crm_mocks.OptionError` says what is wrong). `db` keeps state in a SQLite file, `accounts`
    names an accounts file (default: the demo accounts), `port` 0 takes a free port, and
    larger request bodies than `max_body_bytes` are answered 413. Use it in a `with` block,
    or call `stop()`.
    """
    mock = create_vendor(vendor_class(vendor), db=db, accounts_file=accounts, options=options)
    try:
        server = BackgroundServer(build_app(mock, max_body_bytes=max_body_bytes), port=port)
        server.start()
    except BaseException:
        mock.store.close()
        raise
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
