"""The request body, read in full (and size-limited) before any vendor handler runs.

Why it is done here, once: a handler that reads a stored record, then awaits the body, then
writes the record back lets another request run in between. Two PUTs on one record both got
200 and the first one's stale copy wiped the second's change; a DELETE in that gap made the
write fail with a 500. With the body buffered before routing, vendor handlers read it through
`request_body`, which is synchronous: a handler has nothing left to await, so from its first
read of state to its last write no other request can run on the event loop (and each
read-modify-write is still one store transaction, for callers on other threads).

The limit keeps one request from filling memory or the store: a body larger than
`max_bytes` (declared by Content-Length or found while reading) is answered 413 in the
vendor's error shape and never reaches a handler. The rest of such a body is read and thrown
away (up to a few times the limit) before answering, so a client still sending it gets the 413
rather than a connection reset; a body declared larger than that is answered at once.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .recorder import MAX_RECORDED_BODY

DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
_DRAIN_FACTOR = 4  # how much of a too-large body is still read (and dropped) before the 413
_SCOPE_KEY = "crm_mocks.body"

TooLarge = Callable[[Request, int], Response]


def with_body(scope: Scope, body: bytes) -> Scope:
    """`scope` carrying an already complete body, as `BufferedBody` hands it on (for callers
    that drive the vendor's routes in-process, such as seeding)."""
    return {**scope, _SCOPE_KEY: body}


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the already-read body, then waits for the disconnect."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as servers do

    return replay


def request_body(request: Request) -> bytes:
    """The complete request body, as `BufferedBody` read it (synchronous on purpose)."""
    body = request.scope.get(_SCOPE_KEY)
    if not isinstance(body, bytes):
        raise RuntimeError("request_body() needs the BufferedBody middleware in front of the app")
    return body


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            # the server already rejects malformed values; a huge one is still just "too large"
            return int(text) if text.isdigit() and len(text) <= 20 else None
    return None


def _keep(kept: bytearray, chunk: bytes) -> None:
    room = MAX_RECORDED_BODY - len(kept)
    if room > 0:
        kept.extend(chunk[:room])


class BufferedBody:
    """ASGI middleware: read the whole body, then call the app with a replaying `receive`."""

    def __init__(self, app: ASGIApp, max_bytes: int, too_large: TooLarge) -> None:
        if max_bytes < 0:
            raise ValueError("the body limit must be >= 0 bytes")
        self.app = app
        self.max_bytes = max_bytes
        self.too_large = too_large

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        body = await self.read(scope, receive, send)
        if body is not None:
            await self.app(with_body(scope, body), replaying(body, receive), send)

    async def read(
        self, scope: Scope, receive: Receive, send: Send, refused: bytearray | None = None
    ) -> bytes | None:
        """The whole body; None when it was answered 413 or the client went away (then
        `refused`, if given, holds what had arrived, up to the request log's limit)."""
        declared = _declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            drain = declared <= self.max_bytes * _DRAIN_FACTOR
            await self._refuse(scope, receive, send, drain=drain, kept=refused)
            return None
        message = await receive()
        # the common case: the whole body (often none) in the first message
        if (
            message["type"] == "http.request"
            and not message.get("more_body", False)
            and len(first := message.get("body", b"")) <= self.max_bytes
        ):
            return bytes(first)
        chunks: list[bytes] = []
        size = 0
        while True:
            if message["type"] == "http.disconnect":
                if refused is not None:
                    _keep(refused, b"".join(chunks))
                return None  # the client gave up before sending its body: no one to answer
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                if refused is not None:
                    _keep(refused, b"".join(chunks))
                    _keep(refused, chunk)
                more = bool(message.get("more_body", False))
                await self._refuse(scope, receive, send, drain=more, drained=size, kept=refused)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
            message = await receive()
        return b"".join(chunks)

    async def _refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        drain: bool,
        drained: int = 0,
        kept: bytearray | None = None,
    ) -> None:
        while drain and drained <= self.max_bytes * _DRAIN_FACTOR:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if kept is not None:
                _keep(kept, message.get("body", b""))
            drained += len(message.get("body", b""))
            drain = bool(message.get("more_body", False))
        response = self.too_large(Request(scope), self.max_bytes)
        # what is left of the body is not read: the connection cannot carry another request
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
