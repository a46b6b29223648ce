"""Helpers of the generated-client tests, imported by package path
(`from tests.support.clients import server_url`), never as `conftest`.

`connect_client` (tests/clients/conftest.py) builds a client with the package's own
`connect()`, the demo user's credentials from the accounts file and `base_url=server_url(mock)`.
The generated packages themselves are importable through pytest's `pythonpath` setting
(pyproject.toml), without installing them.
"""

from __future__ import annotations

import importlib
import pkgutil
import typing
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from crm_mocks import RunningMock

#: vendor -> (generated package, the credential keys `connect()` takes, in its argument order)
CONNECT: dict[str, tuple[str, tuple[str, ...]]] = {
    "clevertim": ("clevertim_client", ("token",)),
    "relenta": ("relenta_client", ("department_key",)),
    "bantam-live": ("bantam_live_client", ("email", "password")),
    "zendesk-sell": ("zendesk_sell_client", ("token",)),
}

ConnectClient = Callable[..., Any]


def server_url(mock: RunningMock) -> str:
    """The `base_url` that points the vendor's generated client at the mock.

    The spec's server decides where the operation paths start: Clevertim's server ends in
    `/api` and its paths are `/contact`, so the client needs `mock.api_url`; Zendesk Sell's
    server is the bare host and its paths carry `/v2` themselves, so the client needs the
    mock's root. Either way it is the mock's root plus the path of the spec's server.
    """
    package, _ = CONNECT[mock.vendor]
    default = importlib.import_module(f"{package}.connect").DEFAULT_SERVER
    return mock.url + urlsplit(default).path.rstrip("/")


class SentRequests:
    """An httpx `request` event hook that keeps every request as it goes on the wire.

    httpx runs request hooks after authentication, so the kept requests carry the real
    `Authorization` / key headers (the mock's own request log redacts them).
    """

    def __init__(self) -> None:
        self.requests: list[Any] = []

    def __call__(self, request: Any) -> None:
        self.requests.append(request)

    @property
    def httpx_args(self) -> dict[str, Any]:
        return {"event_hooks": {"request": [self]}}


def operations_rejecting_connect(package: str) -> list[str]:
    """The operations of a generated package whose `client` parameter is annotated with a type
    that does not accept what the package's `connect()` is annotated to return (a mypy error
    for anyone following the README: `list_contacts.sync(client=connect(...))`)."""
    returned = typing.get_type_hints(importlib.import_module(package).connect)["return"]
    api = importlib.import_module(f"{package}.api")
    rejecting: list[str] = []
    checked = 0
    for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        module = importlib.import_module(info.name)
        for name in ("sync", "sync_detailed", "asyncio", "asyncio_detailed", "iterate"):
            function = getattr(module, name, None)
            if function is None:
                continue
            checked += 1
            expected = typing.get_type_hints(function)["client"]
            if returned not in (typing.get_args(expected) or (expected,)):
                shown = getattr(expected, "__name__", str(expected))
                rejecting.append(f"{info.name}.{name}(client: {shown})")
    assert checked, f"no operations found in {package}.api"
    return rejecting
