"""Sends one operation's request (every endpoint module calls these; kept small: hot path).

httpx's transport failures become this client's `errors.ApiConnectionError` /
`errors.ApiTimeoutError`; a per-call `timeout` overrides the client's. Query parameters are
written into the URL here, as httpx's own `QueryParams` writes them (an empty set: none): given
as `params`, httpx parses the whole URL a second time to merge them, even an empty dict (tens of
microseconds, the largest overhead per call over a raw httpx client).

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

from typing import Any

import httpx

from . import errors
from .client import AuthenticatedClient, Client
from .types import Unset

Timeout = float | httpx.Timeout | Unset


def _prepare(kwargs: dict[str, Any], timeout: Timeout) -> None:
    if not isinstance(timeout, Unset):
        kwargs["timeout"] = timeout
    params = kwargs.get("params")
    if params is not None and "?" not in kwargs["url"]:
        del kwargs["params"]
        if params:
            kwargs["url"] = f"{kwargs['url']}?{httpx.QueryParams(params)}"


def send(
    client: AuthenticatedClient | Client, kwargs: dict[str, Any], timeout: Timeout
) -> httpx.Response:
    _prepare(kwargs, timeout)
    try:
        return client.get_httpx_client().request(**kwargs)
    except httpx.TransportError as error:
        raise errors.transport_error(error) from error


async def asend(
    client: AuthenticatedClient | Client, kwargs: dict[str, Any], timeout: Timeout
) -> httpx.Response:
    _prepare(kwargs, timeout)
    try:
        return await client.get_async_httpx_client().request(**kwargs)
    except httpx.TransportError as error:
        raise errors.transport_error(error) from error
