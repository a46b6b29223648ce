#!/usr/bin/env python3
"""Benchmarks of the mocks and the generated clients: `make bench`.

Measures what users do, prints a table of metrics and targets (PASS / MISS) and writes JSON
(default .bench/results.json). A MISS does not fail the run (exit code 0), only a crash does
(exit code 1). Timing never belongs in the test suite.

Sections (all by default, or pick with --only):

  writes   every vendor's mock at three sizes (default 0 / 10k / 100k contacts), each filled
           with `crm-mock <vendor> --seed-records contacts=N`: the same create handlers a user's
           requests go through (Sell's Sync change log, Bantam Live's feed, Relenta's plan limit
           included). The three mocks of a vendor run side by side and are measured in
           alternating rounds:
             - creates per second under load (wrk POST, --connections connections),
             - one-connection p50 of create, get, update, list (the vendor's main listing) and
               delete, on records created by the bench itself inside the big store.
           Targets per vendor: create rate at the large size >= 0.8x the empty mock; every
           one-connection p50 <= 2 ms at the large size. Clevertim and Bantam Live document no
           paging (a listing returns every record), so their list target is linear cost instead:
           time per listed record at the large size <= 1.25x the middle size. Relenta has no
           get-by-id or delete operation. Seeding: CPU seconds per 100k Sell contacts <= 60.
  stack    GET-by-id throughput (wrk) of the Clevertim and Sell mocks on uvicorn with uvloop +
           httptools and with asyncio + h11 (crm_tools.bench_server), a bare Starlette
           endpoint on both stacks, and Stoplight Prism 5 (node_modules, `npm ci`) mocking the
           same spec. Targets: mock >= 0.6x the bare endpoint on the same (fast) stack; mock
           >= 3x Prism. The mocks keep a GET-by-id answer until the next write (read_memo),
           so repeated reads are what these measure; the same mocks with read_memo=false
           are measured too (no target), for the cost of a read that follows a write.
  clients  per-call time of each generated client (`<op>.sync_detailed`, parsing included)
           versus a reused raw `httpx.Client` doing the same GET and decoding the JSON, on that
           vendor's mock, alternating rounds. Target: <= 1.10x raw httpx, all four.

Pinning: load generator and mock fight over the machine's 2 cores and ratios swing 0.9-1.8x
unpinned (toolchain notes, "Performance reference points"), so every server is pinned to core 1
and this process (and wrk) to core 0 while measuring; the mocks seed on both cores before that.
--no-pin turns pinning off. Ratios are medians of per-round ratios (adjacent measurements are
robust to drifting machine load); absolute figures move with whatever else runs.

Load generator: `wrk` when installed (Debian package `wrk`), otherwise a Python one (httpx,
keep-alive, N connections) that saturates its own core sooner, pulling ratios toward 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx

from crm_tools import clients
from crm_tools.paths import ROOT

DEFAULT_OUTPUT = ROOT / ".bench" / "results.json"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
CLIENT_CORE, SERVER_CORE = 0, 1
SECTIONS = ("writes", "stack", "clients")
SIZE_LABELS = ("empty", "mid", "large")
P50_TARGET_MS = 2.0


class BenchError(RuntimeError):
    """A measurement that could not be made (a wrong answer, a tool that failed)."""


class Unavailable(RuntimeError):
    """A tool or server that is not there: reported, not a crash."""


# -- results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    description: str
    metric: str
    op: str  # ">=" or "<="
    threshold: float


@dataclass
class Results:
    config: dict[str, Any]
    environment: dict[str, Any]
    metrics: dict[str, float] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def set(self, name: str, value: float, unit: str, label: str) -> None:
        self.metrics[name] = float(value)
        self.units[name] = unit
        self.labels[name] = label

    def target(self, description: str, metric: str, op: str, threshold: float) -> None:
        self.targets.append(Target(description, metric, op, threshold))

    def target_rows(self) -> list[dict[str, Any]]:
        rows = []
        for t in self.targets:
            value = self.metrics.get(t.metric)
            if value is None:
                status = "N/A"
            elif t.op == ">=":
                status = "PASS" if value >= t.threshold else "MISS"
            else:
                status = "PASS" if value <= t.threshold else "MISS"
            rows.append({**t.__dict__, "value": value, "status": status})
        return rows

    def as_json(self, duration: float) -> dict[str, Any]:
        return {
            "schema": 2,
            "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_s": round(duration, 2),
            "quick": self.config["quick"],
            "config": self.config,
            "environment": self.environment,
            "metrics": self.metrics,
            "units": self.units,
            "labels": self.labels,
            "targets": self.target_rows(),
            "details": self.details,
            "unavailable": self.unavailable,
            "errors": self.errors,
        }


# -- configuration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    quick: bool
    sections: tuple[str, ...]
    vendors: tuple[str, ...]
    sizes: tuple[int, int, int]
    rounds: int
    duration: float  # seconds per throughput measurement
    connections: int
    requests: int  # one-connection requests per operation and size
    client_rounds: int
    calls: int  # client calls per variant per round
    loadgen: str  # "wrk" or "python"
    pin: bool
    output: Path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench.py",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Full run: about six minutes (seeding 4 x 110k records takes the first one or "
        "two). --quick: under a minute, figures not representative (tests/test_bench_smoke.py).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes and short rounds (smoke run)")
    p.add_argument("--only", action="append", choices=SECTIONS, help="run only this section")
    p.add_argument(
        "--vendor", action="append", help="only this vendor in writes/clients (repeatable)"
    )
    p.add_argument("--sizes", metavar="A,B,C", help="contacts per size (default 0,10000,100000)")
    p.add_argument("--rounds", type=int, help="alternating throughput rounds (default 3)")
    p.add_argument("--duration", type=float, help="seconds per throughput measurement (default 2)")
    p.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    p.add_argument("--requests", type=int, help="one-connection requests per op (default 200)")
    p.add_argument("--client-rounds", type=int, help="client comparison rounds (default 8)")
    p.add_argument("--calls", type=int, help="client calls per variant per round (default 300)")
    p.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    p.add_argument("--no-pin", action="store_true", help="do not pin servers and client to cores")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results file")
    return p.parse_args(argv)


def make_config(args: argparse.Namespace) -> Config:
    quick = bool(args.quick)
    if args.sizes:
        a, b, c = (int(x) for x in str(args.sizes).split(","))
        sizes = (a, b, c)
    else:
        sizes = (0, 100, 500) if quick else (0, 10_000, 100_000)
    if args.loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    else:
        loadgen = str(args.loadgen)
        if loadgen == "wrk" and not shutil.which("wrk"):
            raise SystemExit("bench.py: --loadgen wrk, but wrk is not installed (apt install wrk)")
    vendors = tuple(args.vendor) if args.vendor else tuple(WRITES)
    unknown = [v for v in vendors if v not in WRITES]
    if unknown:
        raise SystemExit(f"bench.py: unknown vendor(s) {unknown}; choose from {list(WRITES)}")
    return Config(
        quick=quick,
        sections=tuple(args.only) if args.only else SECTIONS,
        vendors=vendors,
        sizes=sizes,
        rounds=max(1, args.rounds or (1 if quick else 3)),
        duration=args.duration or (1.0 if quick else 2.0),
        connections=max(1, args.connections),
        requests=max(1, args.requests or (10 if quick else 200)),
        client_rounds=max(1, args.client_rounds or (1 if quick else 8)),
        calls=max(1, args.calls or (30 if quick else 300)),
        loadgen=loadgen,
        pin=not args.no_pin and can_pin(),
        output=args.output,
    )


def can_pin() -> bool:
    try:
        cores = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return False
    return {CLIENT_CORE, SERVER_CORE} <= cores


# -- server processes --------------------------------------------------------------------------


def free_port() -> int:
    """Only for Prism, which cannot bind port 0 and report the port it got; crm-mock and
    bench_server bind first and print their address (`Server.wait_ready` reads it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: what crm-mock and bench_server print on stderr once their socket is bound
BOUND_ADDRESS = re.compile(r"(?:API at|listening on) http://127\.0\.0\.1:(\d+)")


def crm_mock_command() -> list[str]:
    script = Path(sys.executable).with_name("crm-mock")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crm_mocks"]


ALL_CORES = frozenset(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


class Server:
    """A server process on a free port: started on every core (seeding is CPU work), pinned to
    the server core once ready."""

    def __init__(self, name: str, cmd: list[str], workdir: Path, health: str) -> None:
        self.name = name
        self.cmd = cmd
        self.health = health
        self.log_path = workdir / (re.sub(r"\W", "_", name) + ".log")
        self._log: IO[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    @classmethod
    def mock(cls, vendor: str, extra: Sequence[str], workdir: Path, name: str = "") -> Server:
        cmd = [*crm_mock_command(), vendor, "--port", "0", "--log-level", "warning", *extra]
        return cls(name or vendor, cmd, workdir, "/__mock__/health")

    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> Server:
        self._log = self.log_path.open("wb")

        def unpin() -> None:
            if ALL_CORES:
                os.sched_setaffinity(0, ALL_CORES)

        self.proc = subprocess.Popen(
            self.cmd,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            stdin=subprocess.DEVNULL,
            preexec_fn=unpin,
        )
        return self

    def wait_ready(self, timeout: float) -> Server:
        assert self.proc is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"{self.name} exited ({self.proc.returncode}): {self.log_tail()}")
            if not self.port:  # bound to port 0: the process prints the port it got
                bound = BOUND_ADDRESS.search(self.log_text())
                if not bound:
                    time.sleep(0.05)
                    continue
                self.port = int(bound.group(1))
            with contextlib.suppress(httpx.HTTPError):
                answer = httpx.get(self.url + self.health, timeout=1.0)
                if answer.status_code == 200 or not self.health.startswith("/__mock__"):
                    return self  # Prism answers its root with a 404: an answer is enough
            time.sleep(0.1)
        raise Unavailable(f"{self.name}: no answer within {timeout:.0f}s: {self.log_tail()}")

    def pin(self, enabled: bool) -> None:
        if not enabled or self.proc is None:
            return
        for tid in os.listdir(f"/proc/{self.proc.pid}/task"):  # every thread, not just the main
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(tid), {SERVER_CORE})

    def cpu_seconds(self) -> float:
        """CPU time the process's threads have run, in nanosecond precision (schedstat)."""
        assert self.proc is not None
        total = 0
        task_dir = f"/proc/{self.proc.pid}/task"
        for tid in os.listdir(task_dir):
            with contextlib.suppress(OSError), open(f"{task_dir}/{tid}/schedstat") as fh:
                total += int(fh.read().split()[0])
        return total / 1e9

    def log_text(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self) -> str:
        return " | ".join(self.log_text().strip().splitlines()[-3:]) or "(empty log)"

    def memory_mib(self) -> float:
        assert self.proc is not None
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return math.nan

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


@contextlib.contextmanager
def running(servers: Sequence[Server], pin: bool, timeout: float) -> Iterator[None]:
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.wait_ready(timeout)
        for server in servers:
            server.pin(pin)
        yield
    finally:
        for server in servers:
            server.stop()


# -- load generation ---------------------------------------------------------------------------


def wrk_rps(
    cfg: Config, url: str, headers: dict[str, str], method: str = "GET", body: str = ""
) -> tuple[float, int]:
    seconds = max(1, round(cfg.duration))  # wrk takes whole seconds
    cmd = ["wrk", "-t1", f"-c{cfg.connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"wrk.method = {json.dumps(method)}\nwrk.body = {json.dumps(body)}\n")
    try:
        done = subprocess.run(
            [*cmd, "-s", script.name, url], capture_output=True, text=True, timeout=seconds + 60
        )
    finally:
        os.unlink(script.name)
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    out = done.stdout
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in out:
            line = next(ln for ln in out.splitlines() if problem in ln)
            raise BenchError(f"wrk {method} {url}: {line.strip()}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if match is None or total is None:
        raise BenchError(f"cannot read wrk's output: {out!r}")
    return float(match.group(1)), int(total.group(1))


async def _python_load(
    cfg: Config, url: str, headers: dict[str, str], method: str, body: str
) -> tuple[float, int]:
    conns = cfg.connections
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10.0) as client:
        count = bad = 0
        deadline = time.perf_counter() + cfg.duration

        async def worker() -> None:
            nonlocal count, bad
            while time.perf_counter() < deadline:
                response = await client.request(method, url, content=body or None)
                count += 1
                bad += not 200 <= response.status_code < 300

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conns)))
        elapsed = time.perf_counter() - started
    if bad:
        raise BenchError(f"{bad} of {count} {method} {url} did not answer 2xx")
    return count / elapsed, count


@dataclass(frozen=True)
class Load:
    rps: float  # requests per wall-clock second
    cpu_us: float  # the server's CPU time per request (user + system, all threads)


def load(
    cfg: Config,
    server: Server,
    url: str,
    headers: dict[str, str],
    method: str = "GET",
    body: str = "",
) -> Load:
    """Saturate one URL. Besides requests per second, the server's own CPU time per request:
    on a machine others share, wall-clock throughput moves with their load while CPU time per
    request barely does, so ratios of it are the steadier reading of the same question."""
    before = server.cpu_seconds()
    if cfg.loadgen == "wrk":
        rps, total = wrk_rps(cfg, url, headers, method, body)
    else:
        rps, total = asyncio.run(_python_load(cfg, url, headers, method, body))
    return Load(rps, (server.cpu_seconds() - before) / max(1, total) * 1e6)


def alternating(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """Round r measures every variant once, in reversed order every other round."""
    for r in range(rounds):
        for name in names if r % 2 == 0 else list(reversed(names)):
            yield r, name


def median_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def throughput_ratio(
    res: Results,
    name: str,
    label: str,
    a: Sequence[Load],
    b: Sequence[Load],
    target: tuple[str, str, float] | None = None,
) -> None:
    """Throughput of a over b, twice: by requests per wall-clock second (`name`), and by
    requests per second of the server's own CPU (`name_cpu`), the reading that other work on
    the machine does not move. A target is checked on both."""
    res.set(name, median_ratio([x.rps for x in a], [y.rps for y in b]), "x", label)
    cpu = median_ratio([y.cpu_us for y in b], [x.cpu_us for x in a])
    res.set(f"{name}_cpu", cpu, "x", f"{label} (per server CPU second)")
    if target is not None:
        description, op, threshold = target
        res.target(description, name, op, threshold)
        res.target(f"{description} (CPU)", f"{name}_cpu", op, threshold)


# -- what each vendor's users do ---------------------------------------------------------------


def demo_headers(vendor: str) -> dict[str, str]:
    """The headers the vendor's seeding plan authenticates with (its demo user)."""
    from crm_mocks.bantam_live.factories import PLAN as BANTAM_LIVE
    from crm_mocks.clevertim.factories import PLAN as CLEVERTIM
    from crm_mocks.core.accounts import load_accounts
    from crm_mocks.relenta.factories import PLAN as RELENTA
    from crm_mocks.zendesk_sell.factories import PLAN as ZENDESK_SELL

    plans = {
        "bantam-live": BANTAM_LIVE,
        "clevertim": CLEVERTIM,
        "relenta": RELENTA,
        "zendesk-sell": ZENDESK_SELL,
    }
    plan = plans[vendor]
    user = next(u for a in load_accounts(vendor) for u in a.users if u.label == plan.user)
    return {**plan.headers(user), "content-type": "application/json"}


@dataclass(frozen=True)
class Op:
    method: str
    path: str  # "{id}" is the record's id
    body: Callable[[int], Any] | None = None  # record id -> JSON body


@dataclass(frozen=True)
class VendorWrites:
    options: tuple[str, ...]  # crm-mock arguments
    create: Op
    created_id: Callable[[Any], int]
    get: Op | None
    update: Op
    delete: Op | None
    list: Op
    paginated: bool
    list_min: Callable[[int], int]  # records the list must hold for a store of n contacts


def _relenta_update(record_id: int) -> Any:
    return {"id": record_id, "last_name": "Updated"}


WRITES: dict[str, VendorWrites] = {
    "clevertim": VendorWrites(
        options=(),
        create=Op("POST", "/api/contact", lambda _: {"fn": "Ada", "ln": "Bench"}),
        created_id=lambda body: int(body["content"][0]["id"]),
        get=Op("GET", "/api/contact/{id}"),
        update=Op("PUT", "/api/contact/{id}", lambda _: {"ln": "Updated"}),
        delete=Op("DELETE", "/api/contact/{id}"),
        list=Op("GET", "/api/contact"),
        paginated=False,  # the vendor documents no paging: every contact in one answer
        list_min=lambda n: n,
    ),
    "zendesk-sell": VendorWrites(
        # the vendor's 36,000 requests/hour budget would answer 429 to the load generator
        options=("--option", "rate_limit=1000000000"),
        create=Op(
            "POST",
            "/v2/contacts",
            lambda _: {"data": {"first_name": "Ada", "last_name": "Bench"}},
        ),
        created_id=lambda body: int(body["data"]["id"]),
        get=Op("GET", "/v2/contacts/{id}"),
        update=Op("PUT", "/v2/contacts/{id}", lambda _: {"data": {"last_name": "Updated"}}),
        delete=Op("DELETE", "/v2/contacts/{id}"),
        list=Op("GET", "/v2/contacts?is_organization=false&sort_by=last_name:asc&per_page=100"),
        paginated=True,
        list_min=lambda n: min(100, n * 9 // 10),
    ),
    "relenta": VendorWrites(
        # the default plan limit (10,000 contacts) is what 100k seeded contacts would hit
        options=("--option", "contact_limit=100000000"),
        create=Op("POST", "/api/v3/contact.save.json", lambda _: {"full_name": "Ada Bench"}),
        created_id=lambda body: int(body["data"]["id"]),
        get=None,  # Relenta's API has no get-by-id
        update=Op("POST", "/api/v3/contact.save.json", _relenta_update),
        delete=None,  # ... and no delete
        list=Op("GET", "/api/v3/contact.list.json?page_size=100"),
        paginated=True,
        list_min=lambda n: min(100, n),
    ),
    "bantam-live": VendorWrites(
        options=(),
        create=Op("POST", "/api/contacts", lambda _: {"type": "Person", "first_name": "Ada"}),
        created_id=lambda body: int(body["id"]),
        get=Op("GET", "/api/contacts/{id}"),
        update=Op("PUT", "/api/contacts/{id}", lambda _: {"last_name": "Updated"}),
        delete=Op("DELETE", "/api/contacts/{id}"),
        list=Op("GET", "/api/contacts"),
        paginated=False,  # the vendor documents no paging: every contact in one answer
        list_min=lambda n: n,
    ),
}


def call(client: httpx.Client, op: Op, record_id: int = 0) -> httpx.Response:
    body = None if op.body is None else json.dumps(op.body(record_id))
    response = client.request(op.method, op.path.format(id=record_id), content=body)
    if not 200 <= response.status_code < 300:
        raise BenchError(
            f"{op.method} {op.path} answered {response.status_code}: {response.text[:300]}"
        )
    return response


def timed_ms(client: httpx.Client, op: Op, ids: Sequence[int]) -> list[float]:
    out = []
    for record_id in ids:
        started = time.perf_counter()
        call(client, op, record_id)
        out.append((time.perf_counter() - started) * 1000)
    return out


def cpu_ms_per_call(
    server: Server, run: Callable[[], Sequence[float]]
) -> tuple[list[float], float]:
    """`run`'s latencies, and the server's mean CPU milliseconds per request meanwhile."""
    before = server.cpu_seconds()
    latencies = list(run())
    return latencies, (server.cpu_seconds() - before) * 1000 / max(1, len(latencies))


# -- section: writes at three store sizes ------------------------------------------------------

SEEDED = re.compile(r"seeded (.+?) in ([\d.]+) s \(([\d.]+) s CPU\)")


def bench_writes(cfg: Config, res: Results, workdir: Path) -> None:
    sizes = dict(zip(SIZE_LABELS, cfg.sizes, strict=True))
    res.set("writes.size.mid", sizes["mid"], "contacts", "writes: middle store size")
    res.set("writes.size.large", sizes["large"], "contacts", "writes: large store size")
    servers: dict[tuple[str, str], Server] = {}
    for vendor in cfg.vendors:
        spec = WRITES[vendor]
        for label, n in sizes.items():
            seed = ["--seed-records", f"contacts={n}"] if n else []
            name = f"{vendor}-{label}"
            servers[vendor, label] = Server.mock(vendor, [*spec.options, *seed], workdir, name)
    # every mock seeds at once, on both cores; measuring starts when all are ready and pinned
    started = time.perf_counter()
    with running(list(servers.values()), cfg.pin, timeout=900):
        res.details["writes_startup_seconds"] = round(time.perf_counter() - started, 1)
        for vendor in cfg.vendors:
            run_section(
                f"writes:{vendor}",
                res,
                lambda v=vendor: bench_vendor_writes(  # type: ignore[misc]
                    cfg, res, v, {label: servers[v, label] for label in sizes}, sizes
                ),
            )


def bench_vendor_writes(
    cfg: Config, res: Results, vendor: str, servers: dict[str, Server], sizes: dict[str, int]
) -> None:
    spec = WRITES[vendor]
    headers = demo_headers(vendor)
    detail: dict[str, Any] = {"seeding": {}}
    for label, server in servers.items():
        match = SEEDED.search(server.log_text())
        if match:
            detail["seeding"][label] = {
                "what": match.group(1),
                "wall_s": float(match.group(2)),
                "cpu_s": float(match.group(3)),
            }
    clients = {
        label: httpx.Client(base_url=s.url, headers=headers, timeout=120.0)
        for label, s in servers.items()
    }
    try:
        for label, client in clients.items():  # the seeded records are there, and visible
            body = call(client, spec.list).json()
            listed = _listed(body)
            if listed < spec.list_min(sizes[label]):
                raise BenchError(
                    f"{vendor} {label}: the list shows {listed} records for a store of "
                    f"{sizes[label]} contacts"
                )
        # creates under load, alternating between the sizes
        create_body = json.dumps(spec.create.body(0) if spec.create.body else {})
        loads: dict[str, list[Load]] = {label: [] for label in servers}
        for _, label in alternating(list(servers), cfg.rounds):
            server = servers[label]
            url = server.url + spec.create.path
            loads[label].append(load(cfg, server, url, headers, "POST", create_body))
        for label in servers:
            res.set(
                f"writes.{vendor}.{label}.create_rps",
                statistics.median(x.rps for x in loads[label]),
                "req/s",
                f"{vendor} creates/s, {label} store",
            )
            res.set(
                f"writes.{vendor}.{label}.create_cpu_us",
                statistics.median(x.cpu_us for x in loads[label]),
                "us",
                f"{vendor} mock CPU per create, {label} store",
            )
        throughput_ratio(
            res,
            f"writes.{vendor}.create_rps_ratio",
            f"{vendor} create rate large/empty",
            loads["large"],
            loads["empty"],
            (f"{vendor}: create rate at {sizes['large']:,} >= 0.8x empty", ">=", 0.8),
        )
        # one connection: create, get, update, list, delete on the bench's own records
        latencies: dict[str, dict[str, list[float]]] = {label: {} for label in servers}
        cpu_ms: dict[str, dict[str, float]] = {label: {} for label in servers}
        list_records: dict[str, int] = {}
        for label, client in clients.items():
            for _ in range(5):  # warm-up
                call(
                    client, spec.get or spec.list, spec.created_id(call(client, spec.create).json())
                )
            runs = one_connection_runs(cfg, spec, client)
            for op, run in runs.items():
                if op == "delete":  # before the bench's own records go
                    list_records[label] = _listed(call(client, spec.list).json())
                latencies[label][op], cpu_ms[label][op] = cpu_ms_per_call(servers[label], run)
            list_records.setdefault(label, _listed(call(client, spec.list).json()))
        for label in servers:
            for op, values in latencies[label].items():
                res.set(
                    f"writes.{vendor}.{label}.{op}_p50_ms",
                    statistics.median(values),
                    "ms",
                    f"{vendor} {op} p50, {label} store",
                )
                res.set(
                    f"writes.{vendor}.{label}.{op}_server_cpu_ms",
                    cpu_ms[label][op],
                    "ms",
                    f"{vendor} {op} mock CPU per request, {label} store",
                )
            res.set(
                f"writes.{vendor}.{label}.mock_rss_mb",
                servers[label].memory_mib(),
                "MiB",
                f"{vendor} mock RSS, {label} store",
            )
        for op in latencies["large"]:
            if op == "list" and not spec.paginated:
                continue
            goal = (
                f"{vendor}: one-connection {op} p50 <= {P50_TARGET_MS:g} ms at {sizes['large']:,}"
            )
            res.target(goal, f"writes.{vendor}.large.{op}_p50_ms", "<=", P50_TARGET_MS)
            res.target(
                f"{goal} (mock CPU)",
                f"writes.{vendor}.large.{op}_server_cpu_ms",
                "<=",
                P50_TARGET_MS,
            )
        if not spec.paginated:
            per_record = {
                label: statistics.median(latencies[label]["list"]) / max(1, list_records[label])
                for label in ("mid", "large")
            }
            res.set(
                f"writes.{vendor}.list_per_record_ratio",
                per_record["large"] / per_record["mid"],
                "x",
                f"{vendor} list time per record, large/mid",
            )
            res.target(
                f"{vendor}: unpaged list cost per record large/mid <= 1.25",
                f"writes.{vendor}.list_per_record_ratio",
                "<=",
                1.25,
            )
        seeding = detail["seeding"].get("large")
        if seeding and sizes["large"]:
            per_100k = seeding["cpu_s"] * 100_000 / sizes["large"]
            res.set(
                f"writes.{vendor}.seed_cpu_s_per_100k",
                per_100k,
                "s",
                f"{vendor} --seed-records CPU s per 100k",
            )
            if vendor == "zendesk-sell":
                res.target(
                    "zendesk-sell: seeding 100k contacts <= 60 s (CPU)",
                    f"writes.{vendor}.seed_cpu_s_per_100k",
                    "<=",
                    60.0,
                )
        detail.update(
            create_rounds={k: [x.__dict__ for x in v] for k, v in loads.items()},
            list_records=list_records,
            requests_per_op=cfg.requests,
        )
        res.details[f"writes.{vendor}"] = detail
    finally:
        for client in clients.values():
            client.close()


def one_connection_runs(
    cfg: Config, spec: VendorWrites, client: httpx.Client
) -> dict[str, Callable[[], list[float]]]:
    """Per operation, a run of one-at-a-time requests returning their latencies: creates first
    (their ids are what get, update and delete then use), the listing, deletes last."""
    ids: list[int] = []

    def creates() -> list[float]:
        out = []
        for _ in range(cfg.requests):
            started = time.perf_counter()
            response = call(client, spec.create)
            out.append((time.perf_counter() - started) * 1000)
            ids.append(spec.created_id(response.json()))
        return out

    def of(op: Op, count: int | None = None) -> Callable[[], list[float]]:
        return lambda: timed_ms(client, op, ids if count is None else [0] * count)

    runs: dict[str, Callable[[], list[float]]] = {"create": creates}
    if spec.get:
        runs["get"] = of(spec.get)
    runs["update"] = of(spec.update)
    # an unpaged listing of 100k records takes seconds: a few suffice
    runs["list"] = of(spec.list, cfg.requests if spec.paginated else max(2, min(cfg.requests, 5)))
    if spec.delete:
        runs["delete"] = of(spec.delete)
    return runs


def _listed(body: Any) -> int:
    """Records in a list answer, whatever the vendor's envelope."""
    if isinstance(body, list):
        return len(body)
    for key in ("items", "content", "data"):
        if isinstance(body, dict) and isinstance(body.get(key), list):
            return len(body[key])
    raise BenchError(f"not a list answer: {str(body)[:200]}")


# -- section: server stack and Prism -----------------------------------------------------------

STACKS = {"fast": ("uvloop", "httptools"), "default": ("asyncio", "h11")}
STACK_VENDORS = {
    # vendor: (the spec Prism mocks, the mock's GET-by-id path prefix, Prism's path prefix)
    "clevertim": ("specs/clevertim.yaml", "/api/contact/", "/contact/"),
    "zendesk-sell": ("specs/zendesk-sell.yaml", "/v2/contacts/", "/v2/contacts/"),
}


def bench_server(
    what: str, vendor: str | None, stack: str, workdir: Path, *, read_memo: bool = True
) -> Server:
    loop, http = STACKS[stack]
    cmd = [sys.executable, "-m", "crm_tools.bench_server", what, *([vendor] if vendor else [])]
    cmd += ["--port", "0", "--loop", loop, "--http", http]
    if not read_memo:
        cmd.append("--no-read-memo")
    name = f"{what}-{vendor or 'starlette'}-{stack}{'' if read_memo else '-computed'}"
    return Server(name, cmd, workdir, "/__mock__/health")


def prism_server(spec: str, workdir: Path) -> Server:
    if not PRISM.exists():
        raise Unavailable("Stoplight Prism is not installed (npm ci)")
    port = free_port()
    cmd = [str(PRISM), "mock", "-p", str(port), "-h", "127.0.0.1", "--errors", "false"]
    server = Server(f"prism-{Path(spec).stem}", [*cmd, "-v", "silent", str(ROOT / spec)], workdir,
                    "/")  # fmt: skip
    server.port = port
    return server


def bench_stack(cfg: Config, res: Results, workdir: Path) -> None:
    fast = all(importlib.util.find_spec(m) for m in ("uvloop", "httptools"))
    res.details["stack_fast_installed"] = fast
    if not fast:
        raise Unavailable("uvloop/httptools are not installed: the mocks run on asyncio + h11")
    servers: dict[str, Server] = {}
    for stack in STACKS:
        servers[f"bare.{stack}"] = bench_server("bare", None, stack, workdir)
        for vendor in STACK_VENDORS:
            servers[f"{vendor}.{stack}"] = bench_server("mock", vendor, stack, workdir)
    for vendor in STACK_VENDORS:  # every read computed afresh: what a read after a write costs
        servers[f"{vendor}.computed"] = bench_server(
            "mock", vendor, "fast", workdir, read_memo=False
        )
    prism_missing = None
    try:
        for vendor, (spec, _, _) in STACK_VENDORS.items():
            servers[f"{vendor}.prism"] = prism_server(spec, workdir)
    except Unavailable as exc:
        prism_missing = str(exc)
    with running(list(servers.values()), cfg.pin, timeout=120):
        targets: dict[str, tuple[str, dict[str, str]]] = {}
        for stack in STACKS:
            targets[f"bare.{stack}"] = (servers[f"bare.{stack}"].url + "/bare", {})
        for vendor, (_, path, prism_path) in STACK_VENDORS.items():
            headers = demo_headers(vendor)
            for stack in (*STACKS, "computed"):  # a record of the bench's own in each mock
                mock = servers[f"{vendor}.{stack}"]
                record_id = _a_record(mock, vendor, headers)
                targets[f"{vendor}.{stack}"] = (f"{mock.url}{path}{record_id}", headers)
            if f"{vendor}.prism" in servers:
                url = f"{servers[f'{vendor}.prism'].url}{prism_path}{record_id}"
                targets[f"{vendor}.prism"] = (url, headers)
        for url, headers in targets.values():  # warm-up, and a check that each answers 200
            with httpx.Client(headers=headers, timeout=10.0) as client:
                for _ in range(50):
                    response = client.get(url)
                    if response.status_code != 200:
                        raise BenchError(f"{url} answered {response.status_code}")
        samples: dict[str, list[Load]] = {name: [] for name in targets}
        for _, name in alternating(list(targets), cfg.rounds):
            url, headers = targets[name]
            samples[name].append(load(cfg, servers[name], url, headers))
    for name, values in samples.items():
        res.set(f"stack.{name}_rps", statistics.median(x.rps for x in values), "req/s", name)
        res.set(
            f"stack.{name}_cpu_us",
            statistics.median(x.cpu_us for x in values),
            "us",
            f"{name}: server CPU per request",
        )
    throughput_ratio(
        res,
        "stack.bare.speedup",
        "bare Starlette: uvloop+httptools / asyncio+h11",
        samples["bare.fast"],
        samples["bare.default"],
    )
    for vendor in STACK_VENDORS:
        throughput_ratio(
            res,
            f"stack.{vendor}.speedup",
            f"{vendor} mock: uvloop+httptools / asyncio+h11",
            samples[f"{vendor}.fast"],
            samples[f"{vendor}.default"],
        )
        for stack in STACKS:
            goal = f"{vendor}: GET-by-id >= 0.6x bare Starlette (uvloop+httptools)"
            throughput_ratio(
                res,
                f"stack.{vendor}.{stack}.vs_bare",
                f"{vendor} GET-by-id / bare endpoint ({stack} stack)",
                samples[f"{vendor}.{stack}"],
                samples[f"bare.{stack}"],
                (goal, ">=", 0.6) if stack == "fast" else None,
            )
        # no target: the memo is how the mocks serve repeated reads, and this says what it
        # takes when every read is computed (read_memo=false)
        throughput_ratio(
            res,
            f"stack.{vendor}.computed.vs_bare",
            f"{vendor} GET-by-id, every read computed / bare endpoint (fast stack)",
            samples[f"{vendor}.computed"],
            samples["bare.fast"],
        )
        if f"{vendor}.prism" in samples:
            throughput_ratio(
                res,
                f"stack.{vendor}.vs_prism",
                f"{vendor} GET-by-id / Prism on the same spec",
                samples[f"{vendor}.fast"],
                samples[f"{vendor}.prism"],
                (f"{vendor}: GET-by-id >= 3x Stoplight Prism", ">=", 3.0),
            )
    res.details["stack"] = {
        "rounds": {k: [x.__dict__ for x in v] for k, v in samples.items()},
        "connections": cfg.connections,
    }
    if prism_missing:
        res.unavailable["prism"] = prism_missing


def _a_record(server: Server, vendor: str, headers: dict[str, str]) -> int:
    spec = WRITES[vendor]
    with httpx.Client(base_url=server.url, headers=headers, timeout=10.0) as client:
        return spec.created_id(call(client, spec.create).json())


# -- section: generated clients vs raw httpx ---------------------------------------------------


@dataclass(frozen=True)
class ClientCase:
    package: str
    module: str  # the operation, under <package>.api
    api_prefix: str  # what base_url needs beyond the mock's root
    connect: Callable[[Any, str, dict[str, str]], Any]  # (package, base_url, headers)
    call: Callable[[Any, Any, int], Any]  # (operation module, client, record id) -> Response
    raw_path: str  # "{id}"


def _basic_user(headers: dict[str, str]) -> tuple[str, str]:
    import base64

    user, _, password = (
        base64.b64decode(headers["authorization"].split()[1]).decode().partition(":")
    )
    return user, password


CLIENTS: dict[str, ClientCase] = {
    "clevertim": ClientCase(
        "clevertim_client",
        "contacts.get_contact",
        "/api",
        lambda pkg, url, h: pkg.connect(_basic_user(h)[0], base_url=url),
        lambda op, client, i: op.sync_detailed(i, client=client),
        "/contact/{id}",
    ),
    "zendesk-sell": ClientCase(
        "zendesk_sell_client",
        "contacts.get_contact",
        "",
        lambda pkg, url, h: pkg.connect(h["authorization"].split()[1], base_url=url),
        lambda op, client, i: op.sync_detailed(i, client=client),
        "/v2/contacts/{id}",
    ),
    "relenta": ClientCase(
        "relenta_client",
        "contacts.list_contacts",
        "/api/v3",
        lambda pkg, url, h: pkg.connect(h["x-relenta-department-key"], base_url=url),
        lambda op, client, i: op.sync_detailed(client=client, page=1, page_size=1),
        "/contact.list.json?page=1&page_size=1",
    ),
    "bantam-live": ClientCase(
        "bantam_live_client",
        "contacts.get_contact",
        "/api",
        lambda pkg, url, h: pkg.connect(*_basic_user(h), base_url=url),
        lambda op, client, i: op.sync_detailed(i, client=client),
        "/contacts/{id}",
    ),
}


def load_client(case: ClientCase, vendor: str) -> tuple[Any, Any]:
    """(the generated package, its operation module), from generated/ (never edited)."""
    package = clients.load_vendor_client(vendor)
    if package.__name__ != case.package:
        raise BenchError(f"generated/{vendor}-client holds {package.__name__}, not {case.package}")
    return package, clients.load_submodule(package, f"api.{case.module}")


def bench_clients(cfg: Config, res: Results, workdir: Path) -> None:
    servers = {v: Server.mock(v, WRITES[v].options, workdir, f"{v}-client") for v in cfg.vendors}
    with running(list(servers.values()), cfg.pin, timeout=120):
        for vendor, server in servers.items():
            run_section(
                f"clients:{vendor}",
                res,
                lambda v=vendor, s=server: bench_client(cfg, res, v, s),  # type: ignore[misc]
            )


def bench_client(cfg: Config, res: Results, vendor: str, server: Server) -> None:
    case = CLIENTS[vendor]
    headers = demo_headers(vendor)
    record_id = _a_record(server, vendor, headers)
    package, operation = load_client(case, vendor)
    base_url = server.url + case.api_prefix
    generated = case.connect(package, base_url, headers)
    raw_headers = {k: v for k, v in headers.items() if k != "content-type"}
    raw = httpx.Client(base_url=base_url, headers=raw_headers)
    raw_path = case.raw_path.format(id=record_id)

    def generated_call() -> None:
        response = case.call(operation, generated, record_id)
        if response.status_code != 200:
            raise BenchError(f"{vendor} generated client got {response.status_code}")

    def raw_call() -> None:
        response = raw.get(raw_path)
        if response.status_code != 200:
            raise BenchError(f"{vendor} raw httpx got {response.status_code}")
        response.json()

    try:
        first = case.call(operation, generated, record_id)
        if first.parsed is None or "Error" in type(first.parsed).__name__:
            raise BenchError(f"{vendor}: the generated client parsed no record: {first.parsed!r}")
        calls: dict[str, Callable[[], None]] = {"generated": generated_call, "raw": raw_call}
        for fn in calls.values():  # warm-up: connections open, code paths hot
            for _ in range(min(100, cfg.calls)):
                fn()
        samples: dict[str, list[float]] = {name: [] for name in calls}
        for _, name in alternating(list(calls), cfg.client_rounds):
            fn = calls[name]
            started = time.perf_counter()
            for _ in range(cfg.calls):
                fn()
            samples[name].append((time.perf_counter() - started) / cfg.calls * 1e6)
    finally:
        raw.close()
        with contextlib.suppress(Exception):
            generated.get_httpx_client().close()
    res.set(
        f"clients.{vendor}.generated_us",
        statistics.median(samples["generated"]),
        "us",
        f"{case.package} {case.module.split('.')[-1]} per call",
    )
    res.set(
        f"clients.{vendor}.raw_us",
        statistics.median(samples["raw"]),
        "us",
        f"{vendor} raw httpx GET + .json() per call",
    )
    res.set(
        f"clients.{vendor}.overhead_ratio",
        median_ratio(samples["generated"], samples["raw"]),
        "x",
        f"{case.package} / raw httpx",
    )
    res.target(
        f"{case.package} per call <= 1.10x raw httpx",
        f"clients.{vendor}.overhead_ratio",
        "<=",
        1.10,
    )
    res.details[f"clients.{vendor}"] = {"rounds_us_per_call": samples, "calls": cfg.calls}


# -- running and reporting ---------------------------------------------------------------------


def environment(cfg: Config) -> dict[str, Any]:
    wrk_version = None
    if shutil.which("wrk"):
        with contextlib.suppress(Exception):
            done = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
            wrk_version = (done.stdout or done.stderr).strip().splitlines()[0]
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "pinned": cfg.pin,
        "client_core": CLIENT_CORE if cfg.pin else None,
        "server_core": SERVER_CORE if cfg.pin else None,
        "loadgen": cfg.loadgen,
        "wrk": wrk_version,
        "httpx": httpx.__version__,
        "loadavg_before": load_average(),
    }


def load_average() -> list[float] | None:
    """1/5/15-minute load averages: other work on the machine skews every figure here."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def run_section(name: str, res: Results, body: Callable[[], None]) -> None:
    print(f"  {name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        body()
    except Unavailable as exc:
        res.unavailable[name] = str(exc)
    except Exception as exc:  # noqa: BLE001 - reported, the other sections still run
        res.errors.append(
            {
                "section": name,
                "error": f"{type(exc).__name__}: {exc}",
                "trace": traceback.format_exc(),
            }
        )
    finally:
        res.details.setdefault("section_seconds", {})[name] = round(
            time.perf_counter() - started, 2
        )


def run(cfg: Config, res: Results) -> None:
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        workdir = Path(tmp)
        bodies = {"writes": bench_writes, "stack": bench_stack, "clients": bench_clients}
        for section in cfg.sections:
            run_section(section, res, lambda fn=bodies[section]: fn(cfg, res, workdir))  # type: ignore[misc]


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "x":
        return f"{value:.3f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def report(res: Results, cfg: Config) -> None:
    pin = f"client core {CLIENT_CORE}, servers core {SERVER_CORE}" if cfg.pin else "NOT pinned"
    print(f"\ncrm-openapi benchmarks ({pin}; load generator: {cfg.loadgen})")
    busy = res.environment.get("loadavg_before")
    if busy and busy[0] >= 0.5:
        print(f"WARNING: load average {busy[0]} before the run: figures skewed by other work")
    if cfg.loadgen == "python":
        print("NOTE: Python load generator (wrk not installed): throughput ratios read optimistic")
    if cfg.quick:
        print("QUICK RUN: small sizes and short rounds, the figures are not representative")
    print(f"\n{'metric':<58} {'value':>12}  unit")
    for name, value in res.metrics.items():
        print(f"{res.labels[name]:<58} {fmt(value, res.units[name]):>12}  {res.units[name]}")
    print(f"\n{'target':<66} {'value':>9}  result")
    for row in res.target_rows():
        shown = "-" if row["value"] is None else f"{row['value']:.3f}"
        print(f"{row['description']:<66} {shown:>9}  {row['status']}")
    for name, reason in res.unavailable.items():
        print(f"\nnot measured: {name}: {reason}")
    for error in res.errors:
        print(f"\nERROR in {error['section']}: {error['error']}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    cfg = make_config(parse_args(argv))
    # a terminated run still stops its servers (the `finally` of `running`)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    if cfg.pin:
        os.sched_setaffinity(0, {CLIENT_CORE})  # this process and wrk: core 0
    res = Results(
        config={
            "quick": cfg.quick,
            "sections": list(cfg.sections),
            "vendors": list(cfg.vendors),
            "sizes": list(cfg.sizes),
            "rounds": cfg.rounds,
            "seconds_per_throughput_measurement": cfg.duration,
            "connections": cfg.connections,
            "requests_per_op": cfg.requests,
            "client_rounds": cfg.client_rounds,
            "client_calls_per_round": cfg.calls,
        },
        environment=environment(cfg),
    )
    started = time.perf_counter()
    print(f"bench: {', '.join(cfg.sections)} ({'quick' if cfg.quick else 'full'})", file=sys.stderr)
    run(cfg, res)
    res.environment["loadavg_after"] = load_average()
    cfg.output.parent.mkdir(parents=True, exist_ok=True)
    cfg.output.write_text(json.dumps(res.as_json(time.perf_counter() - started), indent=2) + "\n")
    report(res, cfg)
    print(f"\nresults: {cfg.output} ({time.perf_counter() - started:.0f} s)")
    return 1 if res.errors else 0


if __name__ == "__main__":
    sys.exit(main())
