"""The generated clients write query parameters into the URL themselves (`_calls.send`), to
spare httpx a second parse of every URL: the request must reach the server exactly as httpx
would have sent it with `params=`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from relenta_client import _calls
from relenta_client.client import Client
from relenta_client.types import UNSET

PARAMS: list[dict[str, Any]] = [
    {},
    {"page": 1, "page_size": 500},
    {"q": "Ada Lovelace & co", "email": "a+b@example.com", "path": "/x?y=z#frag"},
    {"name": "Zoë Ünïcödé ☃", "pct": "100% sure", "semi": "a;b", "eq": "a=b"},
    {"flag": True, "off": False, "none": None, "num": 1.5, "neg": -3},
    {"ids": [1, 2, 3], "tags": ["a b", "c,d"], "empty": []},
    {"already": "%41%20encoded", "plus": "+", "tilde": "~", "brackets": "[x]"},
]


def _sent(params: dict[str, Any], *, run_async: bool = False) -> httpx.URL:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    transport: Any = httpx.MockTransport(handler)
    client = Client(base_url="http://mock.test/api/v3", httpx_args={"transport": transport})
    kwargs = {"method": "get", "url": "/contact.list.json", "params": dict(params)}
    if run_async:
        asyncio.run(_calls.asend(client, kwargs, UNSET))
    else:
        _calls.send(client, kwargs, UNSET)
    return seen[0].url


@pytest.mark.parametrize("params", PARAMS, ids=range(len(PARAMS)))
@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
def test_the_url_is_the_one_httpx_builds_from_params(
    params: dict[str, Any], run_async: bool
) -> None:
    with httpx.Client(base_url="http://mock.test/api/v3") as plain:
        expected = plain.build_request("GET", "/contact.list.json", params=params).url
    sent = _sent(params, run_async=run_async)
    assert sent == expected
    assert sent.raw_path == expected.raw_path  # byte for byte, encoding included
