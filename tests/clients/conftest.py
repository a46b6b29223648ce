"""Shared set-up of the generated-client tests.

The generated clients (generated/<vendor>-client/<package>) are tested as they are written by
`make generate`, without installing them: every generated/*-client folder goes on `sys.path`
here, before pytest imports the test modules of this folder. That is the one mechanism; the
test modules then simply `import clevertim_client`, `relenta_client`, ...

`connect_client(mock, label)` builds a client with the package's own `connect()`, the demo
user's credentials from the accounts file and `base_url=server_url(mock)`, and closes it after
the test.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from crm_mocks.pytest_plugin import RunningMock

GENERATED = Path(__file__).resolve().parents[2] / "generated"

for _folder in sorted(GENERATED.glob("*-client")):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

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


@pytest.fixture
def connect_client() -> Iterator[ConnectClient]:
    """Factory: `connect_client(mock, "demo", **connect_kwargs)` -> a client bound to the mock.

    The package's `connect()` is called with the label's credentials (in `connect()`'s argument
    order) and `base_url=server_url(mock)`; extra keyword arguments (`base_url` included) go to
    `connect()` as well.
    """
    made: list[Any] = []

    def make(mock: RunningMock, label: str, **kwargs: Any) -> Any:
        package, keys = CONNECT[mock.vendor]
        connect = importlib.import_module(package).connect
        credentials = mock.credentials[label]
        kwargs.setdefault("base_url", server_url(mock))
        client = connect(*(credentials[key] for key in keys), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.get_httpx_client().close()


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


@pytest.fixture
def sent_requests() -> SentRequests:
    """Pass `httpx_args=sent_requests.httpx_args` (clients with Basic auth) or
    `httpx_args=...` to `connect()`; then read `sent_requests.requests`."""
    return SentRequests()


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


@pytest.fixture
def rejecting_connect() -> Callable[[str], list[str]]:
    """`rejecting_connect("bantam_live_client")`: see `operations_rejecting_connect`."""
    return operations_rejecting_connect
