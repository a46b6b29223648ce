"""Records the requests a mock receives, for tests that assert on what a client sent.

Anything that can carry a credential is replaced by a marker before a recorded request leaves
the log, so the control endpoint that lists recorded requests can never leak a token, password,
cookie or key: the headers a vendor names, every header whose name says it holds one (Authorization,
Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, X-Auth-Token, X-...-Key, ...), and query
parameters and JSON or form body fields named the same way (`access_token=`, `password`).

The log keeps each request as the server handed it (raw header pairs, query bytes, the first
64 KiB of the body) and redacts when it is read (`entries()`): redacting costs a JSON parse of
the body and a name check per header, which on every request was most of the recorder's share
of a request's CPU, while the log is read a few times per test. Raw entries never leave this
module: `entries()` is the only way out, and `RequestLog` has no repr of its contents.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlencode

from starlette.types import Scope

REDACTED = "[redacted]"
CONTROL_PREFIX = "/__mock__"
MAX_RECORDED_BODY = 64 * 1024

# A name is secret when one of its words (split at -, _, . and spaces) is one of these.
_SECRET_WORDS = frozenset(
    {
        "authorization", "auth", "authentication", "cookie", "token", "key", "apikey",
        "secret", "password", "passwd", "pwd", "passphrase", "credential", "credentials",
        "session", "sessionid", "signature", "jwt", "bearer", "otp",
    }
)  # fmt: skip
_WORD = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)
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


class _Raw(NamedTuple):
    time: float
    method: str
    path: str
    query: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    status: int | None


class RequestLog:
    def __init__(
        self,
        secret_headers: Iterable[str] = (),
        maxlen: int = 1000,
        secret_body_paths: Iterable[str] = (),
    ) -> None:
        self.secret_headers = frozenset(h.lower() for h in secret_headers)
        self.secret_body_paths = tuple(secret_body_paths)
        self._entries: deque[_Raw] = deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<RequestLog of {len(self._entries)} requests>"

    def record(
        self,
        started: float,
        scope: Scope,
        body: bytes,
        status: int | None,
    ) -> None:
        """Keep one request as received; it is redacted when read (see the module docstring)."""
        raw = _Raw(
            started,
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
            scope.get("headers", []),
            body[:MAX_RECORDED_BODY],
            status,
        )
        with self._lock:
            self._entries.append(raw)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            raw = list(self._entries)
        return [self._redacted(r) for r in raw]

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

    def _redacted(self, raw: _Raw) -> dict[str, Any]:
        headers = self.redact(raw.headers)
        return {
            "time": raw.time,
            "method": raw.method,
            "path": raw.path,
            "query": redact_query(raw.query.decode("latin-1")),
            "headers": headers,
            "body": (
                REDACTED
                if raw.body and raw.path.startswith(self.secret_body_paths)
                else redact_body(
                    raw.body.decode("utf-8", "replace"), headers.get("content-type", "")
                )
            ),
            "status": raw.status,
        }
