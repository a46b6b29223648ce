"""Records the requests a mock receives, for tests that assert on what a client sent.

Anything that can carry a credential is replaced by a marker before it is kept, so the control
endpoint that lists recorded requests can never leak a token, password, cookie or key: the
headers a vendor names, every header whose name says it holds one (Authorization,
Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, X-Auth-Token, X-...-Key, ...), and query
parameters and JSON or form body fields named the same way (`access_token=`, `password`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REDACTED = "[redacted]"
CONTROL_PREFIX = "/__mock__"
_MAX_BODY = 64 * 1024

# A name is secret when one of its words (split at -, _, . and spaces) is one of these.
_SECRET_WORDS = frozenset(
    {
        "authorization", "auth", "authentication", "cookie", "token", "key", "apikey",
        "secret", "password", "passwd", "pwd", "passphrase", "credential", "credentials",
        "session", "sessionid", "signature", "jwt", "bearer", "otp",
    }
)  # fmt: skip
_WORD = re.compile(r"[^a-z0-9]+")


def is_secret_name(name: str) -> bool:
    """Whether a header, parameter or field name says its value is a credential."""
    return any(word in _SECRET_WORDS for word in _WORD.split(name.lower()))


def _redact_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: REDACTED if is_secret_name(str(k)) else _redact_json(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_redact_json(v) for v in value]
    return value


def redact_query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_name(k) for k, _ in pairs):
        return query
    return urlencode([(k, REDACTED if is_secret_name(k) else v) for k, v in pairs], safe="[]")


def redact_body(text: str, content_type: str) -> str:
    """A recorded body with secret-named JSON or form fields masked (others kept verbatim)."""
    media = content_type.split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded" and "=" in text and "{" not in text[:1]:
        return redact_query(text)
    if text.lstrip()[:1] in ("{", "["):
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            return text  # not JSON (or cut at the recording limit): kept as sent
        redacted = _redact_json(parsed)
        return text if redacted == parsed else json.dumps(redacted)
    return text


class RequestLog:
    def __init__(
        self,
        secret_headers: Iterable[str] = (),
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
            secret = name in self.secret_headers or is_secret_name(name)
            out[name] = REDACTED if secret else value
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
            headers = self.log.redact(scope.get("headers", []))
            self.log.add(
                {
                    "time": started,
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": redact_query(scope.get("query_string", b"").decode("latin-1")),
                    "headers": headers,
                    "body": (
                        REDACTED
                        if body and scope["path"].startswith(self.log.secret_body_paths)
                        else redact_body(
                            body.decode("utf-8", "replace"), headers.get("content-type", "")
                        )
                    ),
                    "status": status[0] if status else None,
                }
            )
