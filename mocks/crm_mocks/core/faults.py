"""Fault injection for every vendor mock: slow answers, 503s and dropped connections.

So that a client's resilience (timeouts, retries, idempotency) can be tested against the mock,
every vendor accepts these `--option`s (or `crm_mock_server(vendor, fault_503_rate=0.5)`):

    fault_latency_ms   milliseconds to wait before handling each API request
    fault_503_rate     share (0..1) of API requests answered 503 in the vendor's error shape
    fault_drop_rate    share (0..1) of API requests whose connection is cut before a full answer
    fault_seed         seed for the draws: the same seed gives the same faults in the same order

One draw per API request decides its fate: `r < drop_rate` drops it, `r < drop_rate +
503_rate` answers 503, anything else is handled normally. A faulted request never reaches the
vendor's handlers (no write happens), and control endpoints (`/__mock__/...`) are never faulted.
A dropped request's body is read, then the answer is cut off after its status line and headers
(an ASGI app cannot close a connection without starting an answer); the request log records it
with status 200, the status of the cut-off answer.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .options import Option, OptionError
from .recorder import CONTROL_PREFIX

if TYPE_CHECKING:
    from .app import VendorMock

FAULT_OPTIONS: tuple[Option, ...] = (
    Option(
        "fault_latency_ms",
        float,
        0.0,
        "milliseconds to wait before handling each API request",
        minimum=0,
    ),
    Option(
        "fault_503_rate",
        float,
        0.0,
        "share of API requests answered 503 in the vendor's error shape",
        minimum=0,
        maximum=1,
    ),
    Option(
        "fault_drop_rate",
        float,
        0.0,
        "share of API requests whose connection is cut before an answer",
        minimum=0,
        maximum=1,
    ),
    Option(
        "fault_seed", int, None, "seed making the injected faults reproducible (not set: random)"
    ),
)


class FaultOptionError(OptionError):
    """The fault options do not go together."""


class ConnectionDropped(Exception):  # noqa: N818 - names what happened, not an error kind
    """Raised after a cut-off answer start so the server closes the connection."""


def check_fault_options(options: Mapping[str, Any]) -> None:
    """The rule no single option's bounds can say: one draw decides a request's fate."""
    if options.get("fault_drop_rate", 0) + options.get("fault_503_rate", 0) > 1:
        raise FaultOptionError("fault_drop_rate + fault_503_rate must not exceed 1")


class Faults:
    """The fault settings of one mock (its options, parsed: see `FAULT_OPTIONS`), and its
    seeded random draws."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        check_fault_options(options)
        self.latency = options.get("fault_latency_ms", 0) / 1000
        self.drop_rate = options.get("fault_drop_rate", 0)
        self.error_rate = options.get("fault_503_rate", 0)
        self._random = random.Random(options.get("fault_seed"))
        self._lock = threading.Lock()

    @property
    def active(self) -> bool:
        return bool(self.latency or self.drop_rate or self.error_rate)

    def draw(self) -> str | None:
        """'drop', '503' or None (handle normally) for the next request."""
        with self._lock:
            r = self._random.random()
        if r < self.drop_rate:
            return "drop"
        if r < self.drop_rate + self.error_rate:
            return "503"
        return None


class FaultMiddleware:
    """ASGI middleware applying `Faults` to the vendor's API requests."""

    def __init__(self, app: ASGIApp, vendor: VendorMock, faults: Faults) -> None:
        self.app = app
        self.vendor = vendor
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        fate = self.faults.draw()
        if fate is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        await request.body()  # the whole request arrives, as it would at a failing server
        if fate == "503":
            response = self.vendor.error(503, "Service unavailable (injected fault)", request)
            await response(scope, receive, send)
            return
        start: Message = {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
        }
        await send(start)
        raise ConnectionDropped("fault_drop_rate: connection cut on purpose")
