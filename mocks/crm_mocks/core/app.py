"""Assembles a vendor mock into an ASGI app.

A vendor module subclasses `VendorMock`: it says how a request authenticates, what the
vendor's error body looks like, which routes exist and what data a fresh account starts with.
Everything else — the store, the demo accounts, reading (and size-limiting) every request
body before a handler runs, request recording, the guarded control endpoints, checkpointing a
--db file on shutdown, turning unknown paths, unsupported methods and unexpected exceptions
into the vendor's own error shape — is done here once for every vendor.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from .accounts import Account, Directory, User, load_accounts
from .body import DEFAULT_MAX_BODY_BYTES, BufferedBody
from .control import control_routes
from .faults import fault_middleware
from .recorder import RecordingMiddleware, RequestLog
from .store import Store

log = logging.getLogger("crm_mocks")


class OptionError(ValueError):
    """A vendor option (`--option NAME=VALUE`) has an unusable value."""


class VendorMock(ABC):
    """One vendor's behaviour. Subclasses set the class attributes and implement the hooks."""

    name: ClassVar[str]
    #: path prefix of the vendor's API on its real host (the mock serves the same paths)
    api_prefix: ClassVar[str]
    #: request headers that carry secrets, redacted in the request log besides those the
    #: recorder recognises by name (Authorization, Cookie, X-...-Key, ...)
    secret_headers: ClassVar[tuple[str, ...]] = ("authorization",)
    #: answer `/x/` like `/x` (for vendors whose servers do)
    strip_trailing_slash: ClassVar[bool] = False
    #: settings a user may pass with `--option NAME=VALUE` (name -> what it does)
    option_names: ClassVar[Mapping[str, str]] = {}
    #: path prefixes whose request bodies carry secrets (replaced in the request log)
    secret_body_paths: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        store: Store,
        accounts: Sequence[Account],
        options: Mapping[str, Any] | None = None,
    ) -> None:
        self.store = store
        self.directory = Directory(accounts, self.secret_of)
        self.options = dict(options or {})
        #: exceptions that escaped the vendor's handlers (each answered as a 500)
        self.unhandled_errors = 0

    @staticmethod
    @abstractmethod
    def secret_of(credentials: Mapping[str, str]) -> str:
        """The lookup secret of a user, from the credentials in the accounts file."""

    @abstractmethod
    def routes(self) -> list[BaseRoute]:
        """The vendor's API routes, with full paths (including `api_prefix`)."""

    @abstractmethod
    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        """A response in the vendor's error shape."""

    def seed(self) -> None:  # noqa: B027 - optional hook
        """Create the data a fresh account starts with (after start-up and every reset)."""

    def user(self, label: str) -> User:
        return self.directory.user(label)


class _StripTrailingSlash:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/", "raw_path": None}
        await self.app(scope, receive, send)


class _PrefixFallback:
    """Turns anything that escapes the vendor's handlers into its error shape, never a trace."""

    def __init__(self, app: ASGIApp, vendor: VendorMock) -> None:
        self.app = app
        self.vendor = vendor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            # Counted so contract tests can tell a crash from a vendor-documented 500.
            self.vendor.unhandled_errors += 1
            log.exception("unhandled error in the %s mock", self.vendor.name)
            if started:
                raise
            response = self.vendor.error(500, "Internal server error")
            await response(scope, receive, send)


def seed(vendor: VendorMock) -> None:
    with vendor.store.transaction():
        vendor.seed()
        vendor.store.set_meta("seeded", "1")


def build_app(
    vendor: VendorMock,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    allow_remote: bool = False,
) -> Starlette:
    """The ASGI app of a vendor mock, seeded and ready to serve.

    `max_body_bytes` bounds a request body (larger ones are answered 413 in the vendor's
    shape); `allow_remote` lets the control endpoints answer under any host name (see
    control.py), for a mock deliberately bound to a non-loopback address.
    """
    request_log = RequestLog(vendor.secret_headers, secret_body_paths=vendor.secret_body_paths)
    if vendor.store.get_meta("seeded") is None:  # a --db file keeps its data across restarts
        seed(vendor)

    def reset() -> None:
        with vendor.store.transaction():  # never left empty by a seed that fails half-way
            vendor.store.reset()
            seed(vendor)

    def too_large(request: Request, limit: int) -> Response:
        return vendor.error(413, f"The request body is larger than {limit} bytes.", request)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        # A graceful stop (SIGTERM, Ctrl-C) folds the write-ahead log into the --db file, so
        # the file alone holds every acknowledged write once the server is down.
        vendor.store.checkpoint()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = "Not found" if exc.status_code == 404 else str(exc.detail)
        return vendor.error(exc.status_code, message, request)

    app = Starlette(
        routes=[
            *vendor.routes(),
            *control_routes(vendor.name, reset, request_log, check_host=not allow_remote),
        ],
        # recording is outermost so it also sees the error responses of the fallback; the body
        # is read in full before anything below runs (see body.py)
        middleware=[
            Middleware(RecordingMiddleware, log=request_log),
            Middleware(BufferedBody, max_bytes=max_body_bytes, too_large=too_large),
            *fault_middleware(vendor),  # fault_* options: recorded, never reach the handlers
            Middleware(_PrefixFallback, vendor=vendor),
            *([Middleware(_StripTrailingSlash)] if vendor.strip_trailing_slash else []),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.vendor = vendor
    app.state.request_log = request_log
    return app


def create_vendor(
    cls: type[VendorMock],
    *,
    db: str | None = None,
    accounts_file: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> VendorMock:
    return cls(Store(db), load_accounts(cls.name, accounts_file), options)
