"""Small request/response helpers the vendor modules share."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Mapping
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from .body import request_body

Handler = Callable[[Request], Awaitable[Response]]
Unsupported = Callable[[Request, list[str]], Response]


#: methods a catch-all Route lists explicitly (`resource` routes accept every method)
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"]


#: what json.loads returns; not Any, so that mypy flags a stray `await json_body(...)`
JsonValue = dict[str, Any] | list[Any] | str | int | float | bool | None


class InvalidJson(ValueError):
    """The request body is empty or not JSON."""


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return encoded_json_response(encode_json(body), status, headers)


def encode_json(body: Any) -> bytes:
    """A JSON body as the mocks send it."""
    # ASCII escapes: a lone surrogate a client sent ("\ud8a8" is legal JSON syntax) comes back
    # exactly as sent instead of crashing the UTF-8 encoder. Compact like the vendors' servers.
    text = _ENCODER.encode(body) if _encode is None else "".join(_encode(body, 0))
    return text.encode("ascii")


def encoded_json_response(
    data: bytes, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON answer whose body is already encoded (what `json_response` sends, or a copy of
    it kept for later): exactly the Response Starlette builds from it."""
    if headers or status < 200 or status in (204, 304):
        return Response(data, status, headers=headers or None, media_type="application/json")
    return _JsonAnswer(data, status)


class _JsonAnswer(Response):
    """`Response(data, status, media_type="application/json")` for a plain answer (no extra
    headers, a status that has a body), with its two headers set directly: Starlette's
    generic rendering and header assembly were a tenth of a GET's CPU in the mock."""

    media_type = "application/json"

    def __init__(self, data: bytes, status: int) -> None:
        self.status_code = status
        self.background = None
        self.body = data
        self.raw_headers = [
            (b"content-length", str(len(data)).encode("latin-1")),
            (b"content-type", b"application/json"),
        ]


# what json.dumps(ensure_ascii=True, allow_nan=False, separators=(",", ":")) builds per call
# (orjson was not taken: it writes UTF-8, not ASCII escapes, and refuses lone surrogates)
_ENCODER = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
# The C encoder `_ENCODER.encode` builds on every call (with a float formatter: half the cost
# of encoding a small body), built once with the same settings. Without circular-reference
# markers: a shared marker dict keeps stale entries after an error, and a body built from
# parsed JSON cannot contain itself (if one did, the recursion limit would stop it, and the
# handler's error is answered 500 either way). Same text: tests/mocks/test_speed_paths.py.
_encode: Callable[[Any, int], Any] | None = (
    None
    if c_make_encoder is None
    else c_make_encoder(
        None,
        _ENCODER.default,
        encode_basestring_ascii,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        _ENCODER.sort_keys,
        _ENCODER.skipkeys,
        _ENCODER.allow_nan,
    )
)


class _NotJsonConstant(ValueError):
    pass


def _not_json(constant: str) -> Any:
    raise _NotJsonConstant(f"{constant} is not a JSON value")


def json_body(request: Request) -> JsonValue:
    """The parsed JSON body, whatever Content-Type the client sent (or none).

    Synchronous: the core has read the body before routing (see body.py), so a handler that
    calls this has no await between reading stored state and writing it.
    """
    raw = request_body(request)
    if not raw.strip():
        raise InvalidJson("the request body is empty")
    try:
        # NaN/Infinity are accepted by Python's parser but are not JSON (RFC 8259)
        value: JsonValue = json.loads(raw, parse_constant=_not_json)
    except UnicodeDecodeError:
        raise InvalidJson("the request body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        raise InvalidJson(f"the request body is not valid JSON (at {where})") from None
    except _NotJsonConstant as exc:
        raise InvalidJson(f"the request body is not valid JSON: {exc}") from None
    except ValueError:
        # an integer literal of more digits than Python converts (4,300)
        raise InvalidJson("the request body holds a number too long to read") from None
    except RecursionError:
        # json.loads gives up on very deep nesting by exceeding the recursion limit
        raise InvalidJson("the request body is nested too deeply") from None
    return value


def header(request: Request, name: bytes) -> str:
    """A request header's first value ('' when absent), `name` in lower case: what
    `request.headers.get(name, "")` gives, without building Starlette's Headers object (the
    hot paths read two or three headers per request)."""
    for key, value in request.scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def accepts_json(header: str) -> bool:
    """Whether an Accept header lets the server answer JSON: absent or empty, or any range
    that matches application/json (or a +json type) with a quality above zero."""
    # a client sends the same header on every request: kept while short (bounded memory)
    return _accepts_json(header) if len(header) <= 256 else _accepts_json.__wrapped__(header)


@functools.lru_cache(maxsize=256)
def _accepts_json(header: str) -> bool:
    if not header.strip():
        return True
    for part in header.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        kind = media.lower()
        json_like = kind in ("application/json", "application/*", "*/*") or (
            kind.startswith("application/") and kind.endswith("+json")
        )
        if json_like and quality > 0:
            return True
    return False


def resource(path: str, handlers: Mapping[str, Handler], unsupported: Unsupported) -> Route:
    """One route per path that dispatches on the method.

    Separate Starlette routes on one path produce a wrong `Allow` header and let a `{param}`
    route swallow its siblings; a single dispatching endpoint answers unknown methods the way
    the vendor does (`unsupported` gets the allowed methods for the `Allow` header).
    """
    table = dict(handlers)
    if "GET" in table and "HEAD" not in table:
        table["HEAD"] = table["GET"]  # Starlette strips the body of HEAD responses
    # An ASGI app (not a request function) makes Starlette route every method here, including
    # ones it does not list (QUERY, custom verbs), so all of them get the vendor's answer.
    return Route(path, _MethodDispatch(table, unsupported))


class _MethodDispatch:
    def __init__(self, table: Mapping[str, Handler], unsupported: Unsupported) -> None:
        self.table = dict(table)
        self.allowed = sorted(m for m in table if m != "HEAD")
        self.unsupported = unsupported

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        handler = self.table.get(request.method)
        response = (
            self.unsupported(request, self.allowed) if handler is None else await handler(request)
        )
        await response(scope, receive, send)


def base_url(request: Request) -> str:
    """`str(request.base_url)` without its final slash: the server's root as the client named
    it. Starlette parses a URL for it on every request (a sixth of a Sell GET's CPU); it
    depends only on the scheme, server, Host header and root path, so it is kept per those."""
    scope = request.scope
    host = next((value for name, value in scope["headers"] if name == b"host"), None)
    root = scope.get("app_root_path", scope.get("root_path", ""))
    server = scope.get("server")
    try:
        return _base_url(scope["scheme"], None if server is None else tuple(server), host, root)
    except TypeError:  # an unhashable part: computed as Starlette computes it
        return str(request.base_url).rstrip("/")


@functools.lru_cache(maxsize=256)
def _base_url(
    scheme: str, server: tuple[Any, ...] | None, host: bytes | None, root_path: str
) -> str:
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "root_path": root_path,
        "path": "/",
        "query_string": b"",
        "headers": [] if host is None else [(b"host", host)],
    }
    return str(Request(scope).base_url).rstrip("/")


def int_id(raw: str) -> int | None:
    """A path id as an integer, or None when it is not a plain decimal number."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None
