"""Records the requests a mock receives, for tests that assert on what a client sent.

Secret-bearing headers are replaced by a marker before anything is kept, so the control
endpoint that lists recorded requests can never leak a token, password or department key.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REDACTED = "[redacted]"
CONTROL_PREFIX = "/__mock__"
_MAX_BODY = 64 * 1024


class RequestLog:
    def __init__(
        self,
        secret_headers: Iterable[str],
        maxlen: int = 1000,
        secret_body_paths: Iterable[str] = (),
    ) -> None:
        self.secret_headers = frozenset(h.lower() for h in secret_headers)
        self.secret_body_paths = tuple(secret_body_paths)
        self._entries: deque[dict[str, Any]] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def redact(self, headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
        out: dict[str, str] = {}
        for raw_name, raw_value in headers:
            name = raw_name.decode("latin-1").lower()
            value = raw_value.decode("latin-1")
            out[name] = REDACTED if name in self.secret_headers else value
        return out


class RecordingMiddleware:
    """ASGI middleware: one log entry per vendor API request (control endpoints excluded)."""

    def __init__(self, app: ASGIApp, log: RequestLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        status: list[int] = []

        async def receive_and_keep() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(body) < _MAX_BODY:
                body.extend(message.get("body", b"")[: _MAX_BODY - len(body)])
            return message

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        started = time.time()
        try:
            await self.app(scope, receive_and_keep, send_and_note)
        finally:
            self.log.add(
                {
                    "time": started,
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "headers": self.log.redact(scope.get("headers", [])),
                    "body": (
                        REDACTED
                        if body and scope["path"].startswith(self.log.secret_body_paths)
                        else body.decode("utf-8", "replace")
                    ),
                    "status": status[0] if status else None,
                }
            )
