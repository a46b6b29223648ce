"""Retries and request logging, as an httpx transport wrapper (sync and async alike).

Every client built by `connect()` (or `Client(...)`) sends through `RetryTransport` /
`AsyncRetryTransport`, so every operation, `iterate()` and `aiterate()` share one policy:

* retried: connection errors and timeouts, and the statuses 408, 429, 502, 503, 504;
* at most `max_retries` times (default 2), waiting `INITIAL_BACKOFF * 2**n` seconds (capped at
  `MAX_BACKOFF`) less a random jitter of up to 25%, so that many clients failing together do
  not retry together, yet every wait has a known floor; a `Retry-After` header (seconds or an
  HTTP date) is honoured instead, capped at `MAX_RETRY_AFTER`;
* GET, HEAD, OPTIONS and DELETE are retried on all of these. POST, PUT and PATCH could
  duplicate a write, so they are retried only when the request never left (the connection was
  refused or never opened) or when the vendor documents the operation as safe to repeat
  (the endpoint marks its request with the `IDEMPOTENT` extension, from vendors.yaml).

Each attempt is logged at DEBUG on this package's logger (method, URL with secret query values
redacted, status, elapsed, attempt number); nothing is logged unless the application turns it
on, e.g. `logging.getLogger("<package>").setLevel(logging.DEBUG)`. Headers are never logged.

Written by the crm-openapi pipeline (scripts/generator/modules), not by hand in this package.
"""

import asyncio
import logging
import random
import time

import httpx

from .errors import retry_after_seconds

log = logging.getLogger(__package__ or __name__)

RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})
INITIAL_BACKOFF = 0.5  # seconds before the first retry (before jitter)
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is waited this long, then the retry is tried
#: request extension an endpoint sets when its vendor documents it as safe to repeat
IDEMPOTENT = "crm_openapi_idempotent"
_SECRET_QUERY_NAMES = ("token", "key", "secret", "password", "auth", "signature")


def _repeatable(request: httpx.Request) -> bool:
    return request.method in SAFE_METHODS or bool(request.extensions.get(IDEMPOTENT))


def _never_sent(error: httpx.TransportError) -> bool:
    # httpx raises ConnectError / ConnectTimeout before a byte of the request is written.
    return isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)


def _delay(attempt: int, response: httpx.Response | None) -> float:
    if response is not None:
        after = retry_after_seconds(response.headers.get("Retry-After"))
        if after is not None:
            return min(after, MAX_RETRY_AFTER)
    backoff: float = min(MAX_BACKOFF, INITIAL_BACKOFF * 2.0**attempt)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not security


def _should_retry(
    request: httpx.Request, attempt: int, limit: int, error: httpx.TransportError | None
) -> bool:
    if attempt >= limit:
        return False
    if error is not None and _never_sent(error):
        return True
    return _repeatable(request)


def redacted_url(url: httpx.URL) -> str:
    """The URL with the values of secret-looking query parameters replaced."""
    if not url.query:
        return str(url)
    params = [
        (name, "[redacted]" if any(s in name.lower() for s in _SECRET_QUERY_NAMES) else value)
        for name, value in url.params.multi_items()
    ]
    return str(url.copy_with(params=params))


def _log(
    request: httpx.Request,
    attempt: int,
    started: float,
    outcome: str,
    wait: float | None,
) -> None:
    elapsed = (time.perf_counter() - started) * 1000
    then = f"; retrying in {wait:.2f} s" if wait is not None else ""
    log.debug(
        "%s %s -> %s in %.1f ms (attempt %d)%s",
        request.method,
        redacted_url(request.url),
        outcome,
        elapsed,
        attempt + 1,
        then,
    )


class _Policy:
    """What to do after one attempt: None (done: return or raise) or seconds to wait."""

    max_retries: int

    def after_error(
        self, request: httpx.Request, attempt: int, started: float, error: httpx.TransportError
    ) -> float | None:
        retry = _should_retry(request, attempt, self.max_retries, error)
        wait = _delay(attempt, None) if retry else None
        if started:
            _log(request, attempt, started, type(error).__name__, wait)
        return wait

    def after_response(
        self, request: httpx.Request, attempt: int, started: float, response: httpx.Response
    ) -> float | None:
        retry = response.status_code in RETRY_STATUSES and _should_retry(
            request, attempt, self.max_retries, None
        )
        wait = _delay(attempt, response) if retry else None
        if started:
            _log(request, attempt, started, str(response.status_code), wait)
        return wait


def _started() -> float:
    """A start time when debug logging is on, else 0 (no clock read on the quiet path)."""
    return time.perf_counter() if log.isEnabledFor(logging.DEBUG) else 0.0


class RetryTransport(_Policy, httpx.BaseTransport):
    """Wraps a transport: retries per the policy above and logs each attempt."""

    def __init__(self, inner: httpx.BaseTransport, max_retries: int) -> None:
        self.inner = inner
        self.max_retries = max_retries

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            started = _started()
            try:
                response = self.inner.handle_request(request)
                response.read()  # a connection dropped mid-body fails here, inside the policy
            except httpx.TransportError as error:
                wait = self.after_error(request, attempt, started, error)
                if wait is None:
                    raise
            else:
                wait = self.after_response(request, attempt, started, response)
                if wait is None:
                    return response
                response.close()
            time.sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.inner.close()


class AsyncRetryTransport(_Policy, httpx.AsyncBaseTransport):
    """The async twin of `RetryTransport` (same policy, same log lines)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, max_retries: int) -> None:
        self.inner = inner
        self.max_retries = max_retries

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            started = _started()
            try:
                response = await self.inner.handle_async_request(request)
                await response.aread()
            except httpx.TransportError as error:
                wait = self.after_error(request, attempt, started, error)
                if wait is None:
                    raise
            else:
                wait = self.after_response(request, attempt, started, response)
                if wait is None:
                    return response
                await response.aclose()
            await asyncio.sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self.inner.aclose()
