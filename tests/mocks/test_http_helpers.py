"""core/http.py's shortcuts answer exactly what the Starlette code they replace answers:
`encoded_json_response` builds the same Response from the same bytes, `base_url` gives the
request's `base_url`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response

from crm_mocks.core.http import accepts_json, base_url, encoded_json_response, header, json_response

CASES: list[tuple[int, dict[str, str] | None]] = [
    (200, None),
    (201, None),
    (404, None),
    (500, {}),
    (401, {"WWW-Authenticate": 'Basic realm="x"'}),
    (429, {"Retry-After": "3", "X-Thing": "y"}),
    (204, None),
    (304, None),
    (101, None),
]


def _sent(response: Response) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    asyncio.run(response({"type": "http", "method": "GET"}, receive, send))
    return messages


@pytest.mark.parametrize(("status", "headers"), CASES, ids=[str(c[0]) for c in CASES])
def test_same_answer_as_starlette(status: int, headers: dict[str, str] | None) -> None:
    data = b'{"status":"OK","content":[{"id":1}]}'
    ours = encoded_json_response(data, status, headers)
    theirs = Response(data, status, headers=headers or None, media_type="application/json")
    assert isinstance(ours, Response)
    assert ours.status_code == theirs.status_code
    assert ours.raw_headers == theirs.raw_headers
    assert ours.body == theirs.body
    assert _sent(ours) == _sent(theirs)


def test_headers_stay_mutable_as_on_any_response() -> None:
    # the Sell mock adds X-Request-Id and rewrites Content-Type on answers it gets back
    response = json_response({"a": 1})
    response.headers["X-Request-Id"] = "abc"
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    assert response.raw_headers == [
        (b"content-length", b"7"),
        (b"content-type", b"application/json; charset=utf-8"),
        (b"x-request-id", b"abc"),
    ]


SCOPES: list[dict[str, Any]] = [
    {"headers": [(b"host", b"127.0.0.1:8080")]},
    {"headers": [(b"host", b"mock.example")], "scheme": "https"},
    {"headers": [(b"x-other", b"1"), (b"host", b"h:1"), (b"host", b"second:2")]},
    {"headers": [], "server": ("127.0.0.1", 53211)},
    {"headers": [], "server": ("::1", 8000)},
    {"headers": [], "server": ["10.0.0.1", 80]},  # a list: not hashable, computed directly
    {"headers": [], "server": None},
    {"headers": [(b"host", b"h")], "root_path": "/mounted"},
    {"headers": [(b"host", b"h")], "root_path": "/mounted/", "app_root_path": "/app"},
]


@pytest.mark.parametrize("parts", SCOPES, ids=range(len(SCOPES)))
def test_base_url_is_starlettes(parts: dict[str, Any]) -> None:
    scope = {
        "type": "http",
        "scheme": "http",
        "server": ("127.0.0.1", 80),
        "path": "/v2/contacts/1",
        "root_path": "",
        "query_string": b"page=2",
        **parts,
    }
    expected = str(Request(scope).base_url).rstrip("/")
    assert base_url(Request(scope)) == expected
    assert base_url(Request(scope)) == expected  # and again, from what it kept


HEADER_LISTS: list[list[tuple[bytes, bytes]]] = [
    [],
    [(b"accept", b"application/json")],
    [(b"accept", b"text/html"), (b"accept", b"application/json")],  # the first one counts
    [(b"user-agent", b"caf\xe9/1.0")],  # latin-1, as Starlette decodes it
    [(b"x-a", b"1"), (b"user-agent", b""), (b"authorization", b"Bearer t")],
]


@pytest.mark.parametrize("headers", HEADER_LISTS, ids=range(len(HEADER_LISTS)))
def test_header_is_what_starlettes_headers_give(headers: list[tuple[bytes, bytes]]) -> None:
    request = Request({"type": "http", "headers": headers})
    for name in ("accept", "user-agent", "authorization", "x-a", "absent"):
        assert header(request, name.encode()) == request.headers.get(name, "")


def test_a_long_accept_header_is_read_the_same_way() -> None:
    long_tail = ", ".join(f"text/x-{i}" for i in range(100))
    assert len(long_tail) > 256
    assert accepts_json(long_tail) is False
    assert accepts_json(long_tail + ", application/json;q=0.1") is True
    assert accepts_json(long_tail + ", application/json;q=0") is False
