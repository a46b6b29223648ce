#!/usr/bin/env python3
"""Benchmarks of the mocks and the generated clients: `make bench`.

Measures, prints a table and writes JSON (default .bench/results.json). Every speed/memory target
of the project is checked here and reported as PASS or MISS; a MISS does not fail the run (exit
code 0), only a crash does (exit code 1). Timing never belongs in the test suite.

Sections (run all by default, or pick with --only):

  clevertim   throughput of one `crm-mock clevertim` process: GET /api/contact/{id} (HTTP Basic
              demo-token:X) versus the trivial JSON endpoint GET /__mock__/health of the SAME
              process, in alternating rounds; median requests/second of each, and the median
              of the per-round ratios (adjacent measurements: robust to drifting machine load).
              Target: GET-by-id >= 0.6 x the trivial endpoint.
  client      per-call time of the generated clevertim_client
              (`get_contact.sync_detailed(id, client=connect(token, base_url=...))`) versus a
              reused raw `httpx.Client` doing the same GET with the same auth and decoding the
              JSON body, on the same mock, in alternating rounds; median per-call time and
              median per-round ratio.
              Target: generated client <= 1.10 x raw httpx.
  sell        Zendesk Sell listing: GET /v2/contacts?is_organization=false&sort_by=last_name:asc
              &per_page=100 against a mock whose SQLite file (--db) holds 10k and 100k contacts,
              seeded directly with Store.insert_many (the HTTP API is far too slow for 100k).
              Both mocks run at once and are measured in alternating rounds, one request at a
              time. Targets: p50 <= 20 ms at 100k; p50(100k) / p50(10k) <= 3. The resident memory
              (RSS) of the mock process is reported. If the Sell mock cannot be imported or does
              not start, the section reports "zendesk-sell: mock not available".

Pinning: client and mock fight over the machine's 2 cores and ratios swing 0.9-1.8x unpinned
(docs: toolchain notes, "Performance reference points"), so every mock runs under
`taskset -c 1` and this process (and wrk) on core 0. --no-pin turns that off.

Load generator for the throughput section: `wrk` when it is installed (Debian package `wrk`),
otherwise a Python one (httpx.AsyncClient, keep-alive, N concurrent connections). The Python one
saturates its own core sooner than the mock's, which pulls the ratio toward 1: prefer wrk.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import importlib
import json
import math
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / ".bench" / "results.json"
CLEVERTIM_CLIENT_DIR = ROOT / "generated" / "clevertim-client"
CLIENT_CORE, SERVER_CORE = 0, 1
SECTIONS = ("clevertim", "client", "sell")

CLEVERTIM_TOKEN = "demo-token"  # the Clevertim mock's demo user (accounts/clevertim.json)
SELL_USER_LABEL = "demo"  # the Zendesk Sell mock's demo user (accounts/zendesk-sell.json)
SELL_CONTACT_KIND = "contact"  # store kind of Sell contacts (zendesk_sell/resources.py)
SELL_LIST_PATH = "/v2/contacts"
# the Sell mock's own filter and sort parameters (zendesk_sell/resources.py, CONTACTS)
SELL_QUERY = {"is_organization": "false", "sort_by": "last_name:asc", "per_page": "100"}
SELL_USER_AGENT = "crm-openapi-bench/1.0"  # mandatory: the Sell mock answers 400 without one


class BenchError(RuntimeError):
    """A measurement that could not be made (a wrong answer, a tool that failed)."""


class Unavailable(RuntimeError):
    """A mock that is not there (yet): reported, not a crash."""


# -- metrics and targets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    unit: str


METRICS: tuple[Metric, ...] = (
    Metric("clevertim.get_by_id_rps", "clevertim GET /api/contact/{id}", "req/s"),
    Metric("clevertim.health_rps", "clevertim GET /__mock__/health (trivial)", "req/s"),
    Metric("clevertim.throughput_ratio", "clevertim GET-by-id / trivial endpoint", "x"),
    Metric("client.generated_us_per_call", "clevertim_client get_contact.sync_detailed", "us"),
    Metric("client.raw_httpx_us_per_call", "raw httpx.Client GET + .json()", "us"),
    Metric("client.overhead_ratio", "generated client / raw httpx", "x"),
    Metric("sell.small.contacts", "zendesk-sell small data set", "contacts"),
    Metric("sell.small.list_p50_ms", "zendesk-sell list p50, small", "ms"),
    Metric("sell.small.list_p95_ms", "zendesk-sell list p95, small", "ms"),
    Metric("sell.small.mock_rss_mb", "zendesk-sell mock RSS, small", "MiB"),
    Metric("sell.large.contacts", "zendesk-sell large data set", "contacts"),
    Metric("sell.large.list_p50_ms", "zendesk-sell list p50, large", "ms"),
    Metric("sell.large.list_p95_ms", "zendesk-sell list p95, large", "ms"),
    Metric("sell.large.mock_rss_mb", "zendesk-sell mock RSS, large", "MiB"),
    Metric("sell.large.mock_peak_rss_mb", "zendesk-sell mock peak RSS, large", "MiB"),
    Metric("sell.large_small_p50_ratio", "zendesk-sell p50 large / small", "x"),
)


@dataclass(frozen=True)
class Target:
    id: str
    description: str
    metric: str
    op: str  # ">=" or "<="
    threshold: float


TARGETS: tuple[Target, ...] = (
    Target(
        "clevertim-throughput",
        "clevertim mock GET-by-id >= 0.6x the trivial endpoint",
        "clevertim.throughput_ratio",
        ">=",
        0.6,
    ),
    Target(
        "client-overhead",
        "generated client per call <= 1.10x raw httpx",
        "client.overhead_ratio",
        "<=",
        1.10,
    ),
    Target(
        "sell-list-p50",
        "zendesk-sell list p50 <= 20 ms at the large size (100k)",
        "sell.large.list_p50_ms",
        "<=",
        20.0,
    ),
    Target(
        "sell-list-scaling",
        "zendesk-sell list p50 large/small (100k/10k) <= 3",
        "sell.large_small_p50_ratio",
        "<=",
        3.0,
    ),
)


@dataclass
class Results:
    config: dict[str, Any]
    environment: dict[str, Any]
    metrics: dict[str, float | None] = field(
        default_factory=lambda: {m.name: None for m in METRICS}
    )
    details: dict[str, Any] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)
    errors: list[dict[str, str]] = field(default_factory=list)

    def set(self, name: str, value: float) -> None:
        if name not in self.metrics:
            raise KeyError(f"undeclared metric {name!r}")
        self.metrics[name] = float(value)

    def target_rows(self) -> list[dict[str, Any]]:
        rows = []
        for t in TARGETS:
            value = self.metrics.get(t.metric)
            if value is None:
                status = "N/A"
            elif t.op == ">=":
                status = "PASS" if value >= t.threshold else "MISS"
            else:
                status = "PASS" if value <= t.threshold else "MISS"
            rows.append(
                {
                    "id": t.id,
                    "description": t.description,
                    "metric": t.metric,
                    "op": t.op,
                    "threshold": t.threshold,
                    "value": value,
                    "status": status,
                }
            )
        return rows

    def as_json(self, duration: float) -> dict[str, Any]:
        return {
            "schema": 1,
            "finished_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_s": round(duration, 2),
            "quick": self.config["quick"],
            "config": self.config,
            "environment": self.environment,
            "metrics": self.metrics,
            "units": {m.name: m.unit for m in METRICS},
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
    rounds: int  # throughput and Sell rounds
    client_rounds: int
    duration: float  # seconds per throughput measurement
    connections: int
    calls: int  # client calls per variant per round
    sell_sizes: tuple[int, int]
    sell_requests: int  # listing requests per size per round
    loadgen: str  # "wrk" or "python"
    pin: bool
    output: Path


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="bench.py",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="Full run: about a minute and a half. --quick: about ten seconds, figures not "
        "representative (used by tests/test_bench_smoke.py).",
    )
    p.add_argument("--quick", action="store_true", help="small sizes and short rounds (smoke run)")
    p.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable; default: all)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        help="alternating rounds of the throughput and Sell comparisons (default 5; quick 2)",
    )
    p.add_argument(
        "--duration", type=float, help="seconds per throughput measurement (default 3; quick 1)"
    )
    p.add_argument(
        "--connections", type=int, default=8, help="concurrent connections (default %(default)s)"
    )
    p.add_argument(
        "--calls", type=int, help="client calls per variant per round (default 500; quick 100)"
    )
    p.add_argument(
        "--client-rounds",
        type=int,
        help="alternating rounds of the client comparison (default 10; quick 2)",
    )
    p.add_argument(
        "--sell-sizes",
        metavar="SMALL,LARGE",
        help="contacts in the two Sell data sets (default 10000,100000; quick 500,2000)",
    )
    p.add_argument(
        "--sell-requests",
        type=int,
        help="Sell listing requests per size per round (default 200; quick 20)",
    )
    p.add_argument(
        "--loadgen",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="throughput load generator (default: wrk if installed, else Python/httpx)",
    )
    p.add_argument("--no-pin", action="store_true", help="do not pin client and mock to cores")
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write the JSON results (default: .bench/results.json)",
    )
    return p.parse_args(argv)


def make_config(args: argparse.Namespace) -> Config:
    quick = bool(args.quick)
    if args.sell_sizes:
        small, _, large = str(args.sell_sizes).partition(",")
        sizes = (int(small), int(large))
    else:
        sizes = (500, 2000) if quick else (10_000, 100_000)
    if args.loadgen == "auto":
        loadgen = "wrk" if shutil.which("wrk") else "python"
    else:
        loadgen = str(args.loadgen)
        if loadgen == "wrk" and not shutil.which("wrk"):
            raise SystemExit("bench.py: --loadgen wrk, but wrk is not installed (apt install wrk)")
    return Config(
        quick=quick,
        sections=tuple(args.only) if args.only else SECTIONS,
        rounds=max(1, args.rounds or (2 if quick else 5)),
        client_rounds=max(1, args.client_rounds or (2 if quick else 10)),
        duration=args.duration or (1.0 if quick else 3.0),
        connections=max(1, args.connections),
        calls=max(1, args.calls or (100 if quick else 500)),
        sell_sizes=sizes,
        sell_requests=max(1, args.sell_requests or (20 if quick else 200)),
        loadgen=loadgen,
        pin=not args.no_pin and can_pin(),
        output=args.output,
    )


def can_pin() -> bool:
    try:
        cores = os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return False
    return bool(shutil.which("taskset")) and {CLIENT_CORE, SERVER_CORE} <= cores


def pinned(core: int, cmd: list[str], pin: bool) -> list[str]:
    return ["taskset", "-c", str(core), *cmd] if pin else cmd


# -- mock processes ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def crm_mock_command() -> list[str]:
    script = Path(sys.executable).with_name("crm-mock")
    return [str(script)] if script.exists() else [sys.executable, "-m", "crm_mocks"]


class MockProcess:
    """`crm-mock <vendor> --port <free>` as a separate process, pinned to the server core."""

    def __init__(self, vendor: str, extra: Sequence[str], pin: bool, workdir: Path) -> None:
        self.vendor = vendor
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [*crm_mock_command(), vendor, "--port", str(self.port), "--log-level", "warning"]
        self.cmd = pinned(SERVER_CORE, [*cmd, *extra], pin)
        self.log_path = workdir / f"{vendor}-{self.port}.log"
        self._log: IO[bytes] | None = None
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> MockProcess:
        return self.launch().wait_ready(timeout)

    def launch(self) -> MockProcess:
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            self.cmd, stdout=subprocess.DEVNULL, stderr=self._log, stdin=subprocess.DEVNULL
        )
        return self

    def wait_ready(self, timeout: float = 30.0) -> MockProcess:
        assert self.proc is not None, "launch() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise Unavailable(f"exited with code {self.proc.returncode}: {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/__mock__/health", timeout=1.0).status_code == 200:
                    return self
            time.sleep(0.05)
        raise Unavailable(f"no answer on {self.url} within {timeout:.0f}s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            lines = self.log_path.read_text("utf-8", "replace").strip().splitlines()
        except OSError:
            return "(no log)"
        return " | ".join(lines[-3:]) or "(empty log)"

    def memory_mib(self) -> tuple[float, float]:
        """(current RSS, peak RSS) of the mock process, from /proc."""
        assert self.proc is not None
        values: dict[str, float] = {}
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024  # kB -> MiB
        return values["VmRSS"], values["VmHWM"]

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
def running(mocks: Sequence[MockProcess]) -> Iterator[Sequence[MockProcess]]:
    """Start the mocks side by side (start-up takes a second each) and stop them all after."""
    try:
        for mock in mocks:
            mock.launch()
        for mock in mocks:
            mock.wait_ready()
        yield mocks
    finally:
        for mock in mocks:
            mock.stop()


# -- load generation ---------------------------------------------------------------------------


def wrk_rps(cfg: Config, url: str, headers: dict[str, str], duration: float) -> float:
    seconds = max(1, round(duration))  # wrk takes whole seconds
    cmd = ["wrk", "-t1", f"-c{cfg.connections}", f"-d{seconds}s", "--timeout", "10s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        pinned(CLIENT_CORE, [*cmd, url], cfg.pin),
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    if done.returncode != 0:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    out = done.stdout
    for problem in ("Non-2xx or 3xx responses", "Socket errors"):
        if problem in out:
            line = next(ln for ln in out.splitlines() if problem in ln)
            raise BenchError(f"wrk against {url}: {line.strip()}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if match is None:
        raise BenchError(f"cannot read wrk's output: {out!r}")
    return float(match.group(1))


async def _python_load(url: str, headers: dict[str, str], duration: float, conns: int) -> float:
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=10.0) as client:
        count = bad = 0
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal count, bad
            while time.perf_counter() < deadline:
                response = await client.get(url)
                count += 1
                bad += response.status_code != 200

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conns)))
        elapsed = time.perf_counter() - started
    if bad:
        raise BenchError(f"{bad} of {count} requests to {url} did not answer 200")
    return count / elapsed


def requests_per_second(cfg: Config, url: str, headers: dict[str, str], duration: float) -> float:
    if cfg.loadgen == "wrk":
        return wrk_rps(cfg, url, headers, duration)
    return asyncio.run(_python_load(url, headers, duration, cfg.connections))


def alternating(names: Sequence[str], rounds: int) -> Iterator[tuple[int, str]]:
    """Round r measures every variant once, in reversed order every other round."""
    for r in range(rounds):
        for name in names if r % 2 == 0 else list(reversed(names)):
            yield r, name


# -- section: clevertim throughput -------------------------------------------------------------


def clevertim_contact(mock: MockProcess) -> int:
    response = httpx.post(
        mock.url + "/api/contact",
        auth=httpx.BasicAuth(CLEVERTIM_TOKEN, "X"),
        json={
            "fn": "Ada",
            "ln": "Lovelace",
            "title": "Analyst",
            "email": ["ada@example.com"],
            "phones": [{"type": "Work", "no": "+44 20 7946 0000"}],
        },
        timeout=10.0,
    )
    if response.status_code != 200:
        raise BenchError(
            f"cannot create a Clevertim contact: {response.status_code} {response.text}"
        )
    return int(response.json()["content"][0]["id"])


def basic_header(token: str) -> str:
    return "Basic " + base64.b64encode(f"{token}:X".encode()).decode("ascii")


def bench_clevertim(cfg: Config, res: Results, mock: MockProcess, contact_id: int) -> None:
    endpoints = {
        "get_by_id": (
            f"{mock.url}/api/contact/{contact_id}",
            {"Authorization": basic_header(CLEVERTIM_TOKEN)},
        ),
        "health": (f"{mock.url}/__mock__/health", {}),
    }
    for url, headers in endpoints.values():  # warm-up, and a check that both answer 200
        with httpx.Client(headers=headers, timeout=10.0) as client:
            for _ in range(100):
                response = client.get(url)
                if response.status_code != 200:
                    raise BenchError(f"{url} answered {response.status_code}: {response.text}")
    samples: dict[str, list[float]] = {name: [] for name in endpoints}
    for _, name in alternating(list(endpoints), cfg.rounds):
        url, headers = endpoints[name]
        samples[name].append(requests_per_second(cfg, url, headers, cfg.duration))
    get_rps, health_rps = (statistics.median(samples[n]) for n in ("get_by_id", "health"))
    res.set("clevertim.get_by_id_rps", get_rps)
    res.set("clevertim.health_rps", health_rps)
    ratios = [g / h for g, h in zip(samples["get_by_id"], samples["health"], strict=True)]
    res.set("clevertim.throughput_ratio", statistics.median(ratios))
    res.details["clevertim"] = {
        "rounds_rps": samples,
        "round_ratios": ratios,
        "ratio_of_medians": get_rps / health_rps,
        "loadgen": cfg.loadgen,
        "connections": cfg.connections,
        "seconds_per_measurement": cfg.duration,
    }


# -- section: generated client vs raw httpx ----------------------------------------------------


def load_clevertim_client() -> tuple[Any, Any]:
    """(the clevertim_client package, its get_contact module), from generated/ (never edited)."""
    path = str(CLEVERTIM_CLIENT_DIR)
    if path not in sys.path:
        sys.path.insert(0, path)
    package = importlib.import_module("clevertim_client")
    return package, importlib.import_module("clevertim_client.api.contacts.get_contact")


def bench_client(cfg: Config, res: Results, mock: MockProcess, contact_id: int) -> None:
    package, get_contact = load_clevertim_client()
    generated = package.connect(CLEVERTIM_TOKEN, base_url=mock.url + "/api")
    raw = httpx.Client(base_url=mock.url + "/api", auth=httpx.BasicAuth(CLEVERTIM_TOKEN, "X"))
    raw_path = f"/contact/{contact_id}"
    try:
        _compare_calls(cfg, res, get_contact, generated, contact_id, raw, raw_path)
    finally:
        raw.close()
        with contextlib.suppress(Exception):
            generated.get_httpx_client().close()


def _compare_calls(
    cfg: Config,
    res: Results,
    get_contact: Any,
    generated: Any,
    contact_id: int,
    raw: httpx.Client,
    raw_path: str,
) -> None:

    def generated_call() -> None:
        response = get_contact.sync_detailed(contact_id, client=generated)
        if response.status_code != 200:
            raise BenchError(f"generated client got {response.status_code}")

    def raw_call() -> None:
        response = raw.get(raw_path)
        if response.status_code != 200:
            raise BenchError(f"raw httpx got {response.status_code}")
        response.json()

    first = get_contact.sync_detailed(contact_id, client=generated)
    if type(first.parsed).__name__ != "ContactEnvelope":
        raise BenchError(f"the generated client did not parse a contact: {first.parsed!r}")
    calls: dict[str, Callable[[], None]] = {"generated": generated_call, "raw_httpx": raw_call}
    for call in calls.values():  # warm-up: connections open, code paths hot
        for _ in range(min(200, cfg.calls)):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    for _, name in alternating(list(calls), cfg.client_rounds):
        call = calls[name]
        started = time.perf_counter()
        for _ in range(cfg.calls):
            call()
        samples[name].append((time.perf_counter() - started) / cfg.calls * 1e6)
    gen_us, raw_us = (statistics.median(samples[n]) for n in ("generated", "raw_httpx"))
    res.set("client.generated_us_per_call", gen_us)
    res.set("client.raw_httpx_us_per_call", raw_us)
    ratios = [g / r for g, r in zip(samples["generated"], samples["raw_httpx"], strict=True)]
    res.set("client.overhead_ratio", statistics.median(ratios))
    res.details["client"] = {
        "rounds_us_per_call": samples,
        "round_ratios": ratios,
        "ratio_of_medians": gen_us / raw_us,
        "calls_per_round": cfg.calls,
    }


# -- section: zendesk-sell listing -------------------------------------------------------------

FIRST_NAMES = (
    "Ada", "Alan", "Barbara", "Claude", "Dana", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "Joan", "Ken", "Linus", "Margaret", "Niklaus", "Olga", "Radia", "Sophie", "Tim", "Yukihiro",
)  # fmt: skip
SYLLABLES = (
    "al", "ber", "cor", "dan", "el", "fen", "gar", "hol", "in", "jon", "kel", "lor", "mar",
    "nor", "ost", "pet", "quin", "ros", "sten", "tor", "ul", "van", "wes", "yar", "zel",
)  # fmt: skip


def sell_contacts(n: int, owner_id: int, template: dict[str, Any]) -> list[dict[str, Any]]:
    """n contacts of the Sell mock's stored shape: 1 in 10 an organization, the rest people
    with varied last names (the sort key), deterministic for a given n."""
    rng = random.Random(n)
    epoch = datetime(2024, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        stamp = (epoch + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        organization = i % 10 == 0
        first = None if organization else rng.choice(FIRST_NAMES)
        last = None if organization else word
        rows.append(
            {
                **template,
                "creator_id": owner_id,
                "owner_id": owner_id,
                "is_organization": organization,
                "contact_id": None,
                "parent_organization_id": None,
                "name": f"{word} Ltd" if organization else f"{first} {last}",
                "first_name": first,
                "last_name": last,
                "customer_status": "none",
                "prospect_status": "none",
                "email": f"contact{i}@bench.example",
                "phone": f"+1 555 {i:07d}",
                "tags": [],
                "custom_fields": {},
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    return rows


@dataclass
class SellSetup:
    token: str
    account: str
    user_id: int
    template: dict[str, Any]


def sell_setup() -> SellSetup:
    """Import the Sell mock and read its demo user; Unavailable when it is not there yet."""
    try:
        from crm_mocks.core.accounts import load_accounts
        from crm_mocks.registry import vendor_class

        cls = vendor_class("zendesk-sell")
        users = [u for a in load_accounts("zendesk-sell") for u in a.users]
        user = next(u for u in users if u.label == SELL_USER_LABEL)
        token = cls.secret_of(user.credentials)
    except Exception as exc:  # noqa: BLE001 - any failure to load means "not available"
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc
    template: dict[str, Any] = {}
    with contextlib.suppress(Exception):  # the resource's own template keeps the shape current
        resources = importlib.import_module("crm_mocks.zendesk_sell.resources")
        template = dict(resources.BY_NAME["contacts"].template)
    return SellSetup(token, user.account, user.id, template)


def prepare_sell_db(path: Path, n: int, setup: SellSetup) -> float:
    """A --db file holding the mock's seed data plus n contacts; returns seconds taken."""
    from crm_mocks.core.app import create_vendor, seed
    from crm_mocks.core.store import Store
    from crm_mocks.registry import vendor_class

    started = time.perf_counter()
    # Rows first, then the mock's indexes in one pass each (a quarter faster than inserting
    # into an indexed table), then the mock's own seed data for its demo accounts.
    store = Store(str(path))
    store.insert_many(
        setup.account, SELL_CONTACT_KIND, sell_contacts(n, setup.user_id, setup.template)
    )
    store.close()
    try:
        vendor = create_vendor(vendor_class("zendesk-sell"), db=str(path))  # creates its indexes
        seed(vendor)
    except Exception as exc:
        raise Unavailable(f"cannot create the mock's store: {type(exc).__name__}: {exc}") from exc
    vendor.store.close()
    return time.perf_counter() - started


def sell_client(mock: MockProcess, setup: SellSetup) -> httpx.Client:
    headers = {
        "Authorization": f"Bearer {setup.token}",
        "User-Agent": SELL_USER_AGENT,
        "Accept": "application/json",
    }
    return httpx.Client(base_url=mock.url, headers=headers, timeout=30.0)


def sell_check(client: httpx.Client, n: int) -> None:
    response = client.get(SELL_LIST_PATH, params=SELL_QUERY)
    if response.status_code != 200:
        raise BenchError(f"zendesk-sell list answered {response.status_code}: {response.text}")
    items = response.json()["items"]
    want = min(100, n - (n + 9) // 10)  # people among the seeded contacts, first page
    if len(items) < want:
        raise BenchError(
            f"zendesk-sell list returned {len(items)} contacts, expected {want}: the seeded rows "
            "are not visible (has the mock's store kind or field names changed?)"
        )
    names = [i["data"]["last_name"] for i in items]
    if names != sorted(names) or any(i["data"]["is_organization"] for i in items):
        raise BenchError("zendesk-sell list is not filtered and sorted as asked")


def latencies_ms(client: httpx.Client, requests: int) -> list[float]:
    out = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(SELL_LIST_PATH, params=SELL_QUERY)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise BenchError(f"zendesk-sell list answered {response.status_code}")
        out.append(elapsed)
    return out


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def bench_sell(cfg: Config, res: Results, workdir: Path) -> None:
    setup = sell_setup()
    sizes = dict(zip(("small", "large"), cfg.sell_sizes, strict=True))
    seed_seconds = {}
    dbs = {}
    for label, n in sizes.items():
        dbs[label] = workdir / f"sell-{n}.sqlite"
        seed_seconds[label] = prepare_sell_db(dbs[label], n, setup)
    extra = ["--option", "rate_limit=1000000000"]  # the vendor's 36,000/h budget would 429 us
    mocks = {
        label: MockProcess("zendesk-sell", [*extra, "--db", str(db)], cfg.pin, workdir)
        for label, db in dbs.items()
    }
    with contextlib.ExitStack() as stack:
        stack.enter_context(running(list(mocks.values())))
        clients = {label: stack.enter_context(sell_client(m, setup)) for label, m in mocks.items()}
        for label, client in clients.items():
            sell_check(client, sizes[label])
            latencies_ms(client, min(20, cfg.sell_requests))  # warm-up (page cache, code paths)
        samples: dict[str, list[float]] = {label: [] for label in sizes}
        round_p50: dict[str, list[float]] = {label: [] for label in sizes}
        for _, label in alternating(list(sizes), cfg.rounds):
            lat = latencies_ms(clients[label], cfg.sell_requests)
            samples[label] += lat
            round_p50[label].append(statistics.median(lat))
        memory = {label: mock.memory_mib() for label, mock in mocks.items()}
    for label, n in sizes.items():
        res.set(f"sell.{label}.contacts", n)
        res.set(f"sell.{label}.list_p50_ms", statistics.median(samples[label]))
        res.set(f"sell.{label}.list_p95_ms", percentile(samples[label], 0.95))
        res.set(f"sell.{label}.mock_rss_mb", memory[label][0])
    res.set("sell.large.mock_peak_rss_mb", memory["large"][1])
    p50 = {label: statistics.median(samples[label]) for label in sizes}
    res.set("sell.large_small_p50_ratio", p50["large"] / p50["small"])
    res.details["sell"] = {
        "query": SELL_QUERY,
        "sizes": sizes,
        "seed_seconds": seed_seconds,
        "round_p50_ms": round_p50,
        "requests_per_round": cfg.sell_requests,
        "peak_rss_mib": {label: m[1] for label, m in memory.items()},
    }


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
        vendor = "zendesk-sell" if name == "sell" else "clevertim"
        res.unavailable[name] = f"{vendor}: mock not available ({exc})"
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
        wanted = [s for s in ("clevertim", "client") if s in cfg.sections]
        if wanted:
            mock = MockProcess("clevertim", [], cfg.pin, workdir)
            try:
                mock.start()
                contact_id = clevertim_contact(mock)
            except Exception as exc:  # noqa: BLE001 - the clevertim mock is not optional
                mock.stop()
                for section in wanted:
                    res.errors.append(
                        {
                            "section": section,
                            "error": f"clevertim mock: {type(exc).__name__}: {exc}",
                        }
                    )
            else:
                try:
                    if "clevertim" in wanted:
                        run_section(
                            "clevertim", res, lambda: bench_clevertim(cfg, res, mock, contact_id)
                        )
                    if "client" in wanted:
                        run_section("client", res, lambda: bench_client(cfg, res, mock, contact_id))
                finally:
                    mock.stop()
        if "sell" in cfg.sections:
            run_section("sell", res, lambda: bench_sell(cfg, res, workdir))


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("x",):
        return f"{value:.3f}"
    if unit == "contacts":
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def report(res: Results, cfg: Config) -> None:
    pin = f"client core {CLIENT_CORE}, mock core {SERVER_CORE}" if cfg.pin else "NOT pinned"
    print(f"\ncrm-openapi benchmarks ({pin}; load generator: {cfg.loadgen})")
    busy = res.environment.get("loadavg_before")
    if busy and busy[0] >= 0.5:
        print(f"WARNING: load average {busy[0]} before the run: figures skewed by other work")
    if cfg.loadgen == "python" and "clevertim" in cfg.sections:
        print(
            "NOTE: Python load generator (wrk not installed): it saturates its own core before "
            "the mock does, so the throughput ratio reads optimistic; apt install wrk"
        )
    if cfg.quick:
        print("QUICK RUN: small sizes and short rounds, the figures are not representative")
    print(f"\n{'metric':<46} {'value':>12}  unit")
    for m in METRICS:
        print(f"{m.label:<46} {fmt(res.metrics[m.name], m.unit):>12}  {m.unit}")
    print(f"\n{'target':<62} {'value':>9}  result")
    for row in res.target_rows():
        value = "-" if row["value"] is None else f"{row['value']:.3f}"
        print(f"{row['description']:<62} {value:>9}  {row['status']}")
    for reason in res.unavailable.values():
        print(f"\n{reason}")
    for error in res.errors:
        print(f"\nERROR in {error['section']}: {error['error']}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    cfg = make_config(parse_args(argv))
    if cfg.pin:
        os.sched_setaffinity(0, {CLIENT_CORE})  # this process and its children (wrk): core 0
    res = Results(
        config={
            "quick": cfg.quick,
            "sections": list(cfg.sections),
            "rounds": cfg.rounds,
            "client_rounds": cfg.client_rounds,
            "seconds_per_throughput_measurement": cfg.duration,
            "connections": cfg.connections,
            "client_calls_per_round": cfg.calls,
            "sell_sizes": list(cfg.sell_sizes),
            "sell_requests_per_round": cfg.sell_requests,
        },
        environment=environment(cfg),
    )
    started = time.perf_counter()
    print(f"bench: {', '.join(cfg.sections)} ({'quick' if cfg.quick else 'full'})", file=sys.stderr)
    busy = res.environment["loadavg_before"]
    if busy and busy[0] >= 0.5:
        print(
            f"bench: WARNING: load average {busy[0]} before the run: other processes compete "
            "for the cores and skew the figures",
            file=sys.stderr,
        )
    run(cfg, res)
    res.environment["loadavg_after"] = load_average()
    cfg.output.parent.mkdir(parents=True, exist_ok=True)
    cfg.output.write_text(json.dumps(res.as_json(time.perf_counter() - started), indent=2) + "\n")
    report(res, cfg)
    print(f"\nresults: {cfg.output}")
    return 1 if res.errors else 0


if __name__ == "__main__":
    sys.exit(main())
