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
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any, ClassVar

from starlette._utils import get_route_path
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .accounts import Account, Directory, User, load_accounts
from .body import DEFAULT_MAX_BODY_BYTES, BufferedBody, replaying, with_body
from .control import control_routes
from .errors import MockError
from .faults import FAULT_OPTIONS, FaultMiddleware, Faults, check_fault_options
from .options import Option, parse_options
from .options import OptionError as OptionError  # where callers have always imported it
from .recorder import CONTROL_PREFIX, RequestLog
from .store import Store

log = logging.getLogger("crm_mocks")


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
    #: the vendor's own settings (`--option NAME=VALUE`, `start_mock(vendor, NAME=VALUE)`);
    #: every vendor also takes the fault options (faults.py)
    declared_options: ClassVar[tuple[Option, ...]] = ()
    #: name -> what it does, of every option the vendor takes (derived from the declarations)
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
        #: every option's value, parsed and checked (defaults filled in)
        self.options = parse_options(self.all_options(), options or {}, self.name)
        check_fault_options(self.options)
        #: exceptions that escaped the vendor's handlers (each answered as a 500)
        self.unhandled_errors = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.option_names = {option.name: option.doc for option in cls.all_options()}

    @classmethod
    def all_options(cls) -> tuple[Option, ...]:
        """The vendor's options, then the fault options every vendor takes."""
        return (*cls.declared_options, *FAULT_OPTIONS)

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

    def render_error(self, exc: MockError, request: Request | None = None) -> Response:
        """The answer to a `MockError` raised under a handler: the vendor's error shape, plus
        the exception's headers."""
        response = self.error(exc.status, exc.message, request)
        response.headers.update(exc.headers)
        return response

    def failure(self, exc: Exception) -> MockError | None:
        """What the vendor answers to an exception of a shared helper (core.http's
        `InvalidJson`, core.fields' `Invalid`, ...) that escaped a handler; None (the default)
        leaves it an unexpected error, answered 500."""
        return None

    def failure_response(self, exc: Exception, request: Request) -> Response | None:
        """The vendor's answer to an exception raised under a handler, or None for a crash."""
        failure = exc if isinstance(exc, MockError) else self.failure(exc)
        return None if failure is None else self.render_error(failure, request)

    def unsupported(self, request: Request, allowed: list[str]) -> Response:
        """The answer to a method the path does not serve (`resource` routes call it with the
        methods it does serve): by default a 405 in the vendor's shape with an `Allow` header."""
        raise MockError(405, "Method not allowed", headers={"Allow": ", ".join(allowed)})

    def seed(self) -> None:  # noqa: B027 - optional hook
        """Create the data a fresh account starts with (after start-up and every reset)."""

    def user(self, label: str) -> User:
        return self.directory.user(label)


class _MockCore:
    """The whole per-request path in front of the routes, as one ASGI callable.

    In order: record the request (outermost, so error answers are recorded too), read the body
    in full and bound its size (body.py), inject faults when a fault option is set (faults.py),
    answer `/x/` like `/x` for vendors whose servers do, route, and turn anything that escapes
    a handler (a 404/405 from routing, an unexpected exception) into the vendor's error shape,
    never a trace. These were six nested middlewares (Starlette's ServerErrorMiddleware and
    ExceptionMiddleware among them); one callable does the same work with one `send` wrapper,
    which cut the core's CPU per request to a fraction (see issue 13's note).
    """

    def __init__(
        self,
        router: ASGIApp,
        vendor: VendorMock,
        request_log: RequestLog,
        body: BufferedBody,
        http_error: Callable[[Request, HTTPException], Response],
    ) -> None:
        self.router = router
        self.routes = _RouteIndex(router) if isinstance(router, Router) else router
        self.vendor = vendor
        self.log = request_log
        self.body = body
        self.http_error = http_error
        self.strip_slash = vendor.strip_trailing_slash
        faults = Faults(vendor.options)
        # fault_* options: recorded, never reach the handlers; no cost when none is set
        self.guarded: ASGIApp = (
            FaultMiddleware(self._guarded, vendor, faults) if faults.active else self._guarded
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)  # lifespan
            return
        answer = _Answer(send)
        if scope["path"].startswith(CONTROL_PREFIX):  # never recorded
            body = await self.body.read(scope, receive, answer)
            if body is not None:
                await self.guarded(with_body(scope, body), replaying(body, receive), answer)
            return
        started = time.time()
        refused = bytearray()  # what a refused body brought, for the log
        body = None
        try:
            body = await self.body.read(scope, receive, answer, refused)
            if body is not None:
                await self.guarded(with_body(scope, body), replaying(body, receive), answer)
        finally:
            kept = bytes(refused) if body is None else body
            self.log.record(started, scope, kept, answer.status)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"]
        if self.strip_slash and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/", "raw_path": None}
        answer = send if isinstance(send, _Answer) else _Answer(send)
        try:
            await self.routes(scope, receive, answer)
        except HTTPException as exc:  # routing's 404 and 405
            if answer.status is not None:
                raise
            await self.http_error(Request(scope), exc)(scope, receive, answer)
        except Exception as exc:
            # a MockError (or a helper's exception the vendor reads as one) is its own answer
            failure = None if answer.status else self.vendor.failure_response(exc, Request(scope))
            if failure is not None:
                await failure(scope, receive, answer)
                return
            # Counted so contract tests can tell a crash from a vendor-documented 500.
            self.vendor.unhandled_errors += 1
            log.exception("unhandled error in the %s mock", self.vendor.name)
            if answer.status is not None:
                raise
            response = self.vendor.error(500, "Internal server error")
            await response(scope, receive, answer)


class _Answer:
    """The `send` of one request, noting the status once the answer has started (for the
    request log, and so that an error after the start is not answered twice)."""

    __slots__ = ("send", "status")

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status: int | None = None

    async def __call__(self, message: Message) -> None:
        if self.status is None and message["type"] == "http.response.start":
            self.status = message["status"]
        await self.send(message)


class _RouteIndex:
    """Starlette's Router, minus its linear walk: routes indexed by their leading literal path
    segments, so a request tries only the routes that could match it (Sell has 70-odd routes,
    and each miss is a regex match). The candidates are tried in the router's order, so the
    first full match is the one the router would pick; anything else (a method that only
    partly matches, a redirect for a trailing slash, a 404) goes to the router itself, which
    gives its exact answer.

    Per request this is a few dict look-ups: each indexed prefix holds, already merged in the
    router's order, its own routes and those of every shorter indexed prefix (the candidates
    of a path are exactly those of its longest indexed prefix). A route without parameters
    matches only its own path, so it is skipped by a string comparison instead of a regex."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self.by_prefix: dict[tuple[str, ...], list[tuple[int, Route]]] = {}
        self.depth = 0
        for order, route in enumerate(router.routes):
            prefix: tuple[str, ...] = ()
            if isinstance(route, Route):
                literal = []
                for segment in route.path.split("/")[1:]:
                    if "{" in segment:
                        break
                    literal.append(segment)
                prefix = tuple(literal)
            else:  # a Mount or Host: always a candidate
                prefix = ()
            self.by_prefix.setdefault(prefix, []).append((order, route))  # type: ignore[arg-type]
            self.depth = max(self.depth, len(prefix))
        # prefix -> (order, route, the path a parameterless route matches, else None)
        self.merged: dict[tuple[str, ...], list[tuple[int, Route, str | None]]] = {}
        for prefix in self.by_prefix:
            routes = sorted(
                (
                    item
                    for size in range(len(prefix) + 1)
                    for item in self.by_prefix.get(prefix[:size], ())
                ),
                key=_first,
            )
            self.merged[prefix] = [(order, route, _literal_path(route)) for order, route in routes]

    def _merged(self, path: str) -> list[tuple[int, Route, str | None]]:
        # a route's `$` also matches before a final newline, so a path's candidates are those
        # of the path without it (a superset is harmless: each candidate is still matched)
        segments = tuple(path.removesuffix("\n").split("/")[1:])
        for size in range(min(len(segments), self.depth), -1, -1):
            found = self.merged.get(segments[:size])
            if found is not None:
                return found
        return []

    def candidates(self, path: str) -> list[tuple[int, Route]]:
        return [(order, route) for order, route, _ in self._merged(path)]

    def pick(self, scope: Scope) -> tuple[Route, Scope] | None:
        """The route the router would pick for a full match, and its child scope."""
        path = get_route_path(scope)
        for _, route, literal in self._merged(path):
            if literal is not None and literal != path.removesuffix("\n"):
                continue  # what its regex `^path$` says (`$` also matches before a final \n)
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return route, child_scope
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if "router" not in scope:
            scope["router"] = self.router
        picked = self.pick(scope)
        if picked is None:
            await self.router(scope, receive, send)
            return
        route, child_scope = picked
        scope["route"] = route
        scope.update(child_scope)
        await route.handle(scope, receive, send)


def _first(item: tuple[int, Route]) -> int:
    return item[0]


def _literal_path(route: Route) -> str | None:
    """The one path a plain Starlette route without parameters matches (None otherwise)."""
    if type(route) is not Route or route.param_convertors or "{" in route.path:
        return None
    return route.path


class MockApp(Starlette):
    """Starlette, with `_MockCore` in place of its middleware stack."""

    def __init__(self, core: Callable[[ASGIApp], _MockCore], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._core = core

    def build_middleware_stack(self) -> ASGIApp:
        return self._core(self.router)


async def _no_app(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("the mock core calls BufferedBody.read only")


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

    def http_error(request: Request, exc: HTTPException) -> Response:
        message = "Not found" if exc.status_code == 404 else str(exc.detail)
        return vendor.error(exc.status_code, message, request)

    body = BufferedBody(_no_app, max_bytes=max_body_bytes, too_large=too_large)
    app = MockApp(
        lambda router: _MockCore(router, vendor, request_log, body, http_error),
        routes=[
            *vendor.routes(),
            *control_routes(vendor.name, reset, request_log, check_host=not allow_remote),
        ],
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
