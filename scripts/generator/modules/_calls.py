"""Sends one operation's request (every endpoint module calls these; kept small: hot path).

httpx's transport failures become this client's `errors.ApiConnectionError` /
`errors.ApiTimeoutError`; a per-call `timeout` overrides the client's. An empty `params` is
dropped: httpx re-parses the whole URL to merge even an empty dict (tens of microseconds, the
largest overhead per call over a raw httpx client).

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

from typing import Any

import httpx

from . import errors
from .client import AuthenticatedClient, Client
from .types import Unset

Timeout = float | httpx.Timeout | Unset


def send(
    client: AuthenticatedClient | Client, kwargs: dict[str, Any], timeout: Timeout
) -> httpx.Response:
    if not isinstance(timeout, Unset):
        kwargs["timeout"] = timeout
    if "params" in kwargs and not kwargs["params"]:
        del kwargs["params"]
    try:
        return client.get_httpx_client().request(**kwargs)
    except httpx.TransportError as error:
        raise errors.transport_error(error) from error


async def asend(
    client: AuthenticatedClient | Client, kwargs: dict[str, Any], timeout: Timeout
) -> httpx.Response:
    if not isinstance(timeout, Unset):
        kwargs["timeout"] = timeout
    if "params" in kwargs and not kwargs["params"]:
        del kwargs["params"]
    try:
        return await client.get_async_httpx_client().request(**kwargs)
    except httpx.TransportError as error:
        raise errors.transport_error(error) from error
