"""Loading N records per kind into a mock through the vendor's own API handlers.

`crm-mock <vendor> --seed-records N` (and `make bench`) fill a mock with realistic volumes. Every
record is created by a real create request (method, path, headers, JSON body) handed to the
vendor's routes in-process: the same handlers, checks and side effects as a request from a user
(Sell's Sync change log, Bantam Live's activity feed, Relenta's plan limit, tags, ...). Only the
socket and the HTTP parser are skipped, and requests are committed in batches rather than one
transaction each, which is what makes 100k records a matter of seconds.

What is NOT done for seeded requests: they are not kept in the request log (/__mock__/requests)
and they do not spend a rate-limit budget (a vendor's `limiter`), since no client sent them.

Each vendor package has a `factories` module with a `PLAN` (a `SeedPlan`): which demo user acts,
how it authenticates, and the kinds it can create, in dependency order (notes after the contacts
they point at).
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from starlette.requests import Request
from starlette.routing import Router
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .accounts import User
from .app import VendorMock, seed
from .body import with_body
from .ratelimit import RateLimiter

BATCH = 1_000  # creates per transaction: a failure rolls back only its own batch


class SeedError(RuntimeError):
    """A seeding request the mock refused (the message carries its status and body)."""


@dataclass(frozen=True)
class Made:
    """What a factory may use: the record's number and the ids created so far, per kind."""

    index: int
    rng: random.Random
    ids: Mapping[str, Sequence[int]]


@dataclass(frozen=True)
class Factory:
    kind: str  # the name users pass (`--seed-records notes=1000`)
    method: str
    path: str
    body: Callable[[Made], dict[str, Any]]
    created_id: Callable[[Any], int]  # the new record's id, from the response JSON
    needs: tuple[str, ...] = ()  # kinds whose ids `body` refers to (seeded first if asked)


def id_at(*keys: str | int) -> Callable[[Any], int]:
    """Reads the new record's id out of a create's answer: `id_at("data", "id")`."""

    def read(body: Any) -> int:
        for key in keys:
            body = body[key]
        return int(body)

    return read


@dataclass(frozen=True)
class SeedPlan:
    user: str  # label of the demo user the records are created as
    headers: Callable[[User], dict[str, str]]
    factories: tuple[Factory, ...]

    def kinds(self) -> list[str]:
        return [f.kind for f in self.factories]


def plan_of(vendor: VendorMock) -> SeedPlan:
    package = type(vendor).__module__.rpartition(".")[0]
    plan = import_module(f"{package}.factories").PLAN
    assert isinstance(plan, SeedPlan)
    return plan


def parse_counts(plan: SeedPlan, specs: Sequence[str | int]) -> dict[str, int]:
    """`N` (every kind) and `KIND=N` items, later ones winning, in the plan's order."""
    wanted: dict[str, int] = {}
    for spec in specs:
        kind, sep, raw = str(spec).rpartition("=")
        if not raw.isdigit():
            raise ValueError(f"expected N or KIND=N with a whole number N, got {spec!r}")
        if not sep:
            wanted.update(dict.fromkeys(plan.kinds(), int(raw)))
        elif kind in plan.kinds():
            wanted[kind] = int(raw)
        else:
            raise ValueError(f"unknown kind {kind!r}; this mock seeds: {', '.join(plan.kinds())}")
    for factory in plan.factories:
        for need in factory.needs:
            if wanted.get(factory.kind) and not wanted.get(need):
                wanted[need] = 1  # a note needs some contact to belong to
    return {k: wanted[k] for k in plan.kinds() if wanted.get(k)}


@contextmanager
def _unmetered(vendor: VendorMock) -> Iterator[None]:
    limiter = getattr(vendor, "limiter", None)
    if not isinstance(limiter, RateLimiter):
        yield
        return
    vendor.limiter = RateLimiter(2**62, limiter.window)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        vendor.limiter = limiter  # type: ignore[attr-defined]


def _answering(vendor: VendorMock, router: Router) -> ASGIApp:
    """The routes, with the vendor's errors answered in its shape as the core does (they are
    called here without the core in front)."""

    async def call(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await router(scope, receive, send)
        except Exception as exc:
            response = vendor.failure_response(exc, Request(scope))
            if response is None:
                raise
            await response(scope, receive, send)

    return call


async def _call(router: ASGIApp, method: str, path: str, headers: list[tuple[bytes, bytes]],
                body: bytes) -> tuple[int, bytes]:  # fmt: skip
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 0),
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await router(with_body(scope, body), receive, send)  # handlers read it synchronously
    return status, b"".join(chunks)


async def _seed(vendor: VendorMock, plan: SeedPlan, counts: Mapping[str, int]) -> None:
    router = _answering(vendor, Router(routes=vendor.routes()))
    user = vendor.user(plan.user)
    base = {**plan.headers(user), "content-type": "application/json", "host": "127.0.0.1"}
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in base.items()]
    ids: dict[str, list[int]] = {}
    rng = random.Random(20240101)
    for factory in plan.factories:
        n = counts.get(factory.kind, 0)
        made = ids.setdefault(factory.kind, [])
        for start in range(0, n, BATCH):
            with vendor.store.transaction():
                for i in range(start, min(n, start + BATCH)):
                    payload = json.dumps(factory.body(Made(i, rng, ids))).encode()
                    status, raw = await _call(
                        router, factory.method, factory.path, headers, payload
                    )
                    if not 200 <= status < 300:
                        text = raw.decode("utf-8", "replace")[:500]
                        raise SeedError(
                            f"{vendor.name}: creating {factory.kind} #{i + 1} answered {status}: "
                            f"{text}"
                        )
                    made.append(factory.created_id(json.loads(raw)))


def seed_records(vendor: VendorMock, specs: Sequence[str | int]) -> dict[str, int]:
    """Create records through the vendor's API handlers; `specs` as for `parse_counts`.

    The vendor's own start data is created first if the store has none yet (as `build_app`
    would), so seeded records sit next to the demo accounts' data. Returns kind -> created.
    Must not be called from a running event loop (it runs its own).
    """
    plan = plan_of(vendor)
    counts = parse_counts(plan, specs)
    if vendor.store.get_meta("seeded") is None:
        seed(vendor)
    with _unmetered(vendor):
        asyncio.run(_seed(vendor, plan, counts))
    return counts


def seed_from_cli(vendor: VendorMock, specs: Sequence[str]) -> None:
    """`crm-mock --seed-records`: seed, say what was done on stderr, exit 2 on bad input."""
    started, cpu = time.perf_counter(), time.process_time()
    try:
        counts = seed_records(vendor, specs)
    except (ValueError, SeedError) as exc:
        print(f"crm-mock: --seed-records: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    done = ", ".join(f"{n:,} {kind}" for kind, n in counts.items()) or "nothing"
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"crm-mock: seeded {done} in {took:.2f} s ({cpu:.2f} s CPU)", file=sys.stderr)
