"""Fixtures of the generated-client tests; their helpers live in tests/support/clients.py.

The generated clients (generated/<vendor>-client/<package>) are tested as `make generate`
writes them, importable through pytest's `pythonpath` setting (pyproject.toml); the test
modules simply `import clevertim_client`, `relenta_client`, ...
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from crm_mocks import RunningMock
from tests.support.clients import (
    CONNECT,
    ConnectClient,
    SentRequests,
    operations_rejecting_connect,
    server_url,
)


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


@pytest.fixture
def sent_requests() -> SentRequests:
    """Pass `httpx_args=sent_requests.httpx_args` (clients with Basic auth) or
    `httpx_args=...` to `connect()`; then read `sent_requests.requests`."""
    return SentRequests()


@pytest.fixture
def rejecting_connect() -> Callable[[str], list[str]]:
    """`rejecting_connect("bantam_live_client")`: see `operations_rejecting_connect`."""
    return operations_rejecting_connect
