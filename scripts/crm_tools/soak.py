"""Soak the four mocks: many mixed requests from several threads, then count what was lost.

    python -m crm_tools.soak [--requests 4000] [--threads 8] [--vendors clevertim,relenta,...]

Each vendor runs as its own `crm-mock` process on 127.0.0.1 (a free port, in-memory state).
Every thread creates, updates, reads, lists and (where the vendor can) deletes its own records,
remembering what the server acknowledged. At the end every record is read back: a field that
does not hold the last acknowledged value, or a deleted record that is still there, is a lost
write. Errors are 5xx answers, statuses the operation cannot give, and broken connections.
Resident memory of the server is sampled at the start, half way and at the end.
Not part of `make test` (it takes a minute or more); `make soak` runs it. Exit status 1 when
anything was lost or failed.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_tools.mock_ops import VENDORS, MockProcess, Request, Target, VendorOps, call

Expected = dict[int, dict[str, str] | None]  # record id -> acknowledged fields, None: deleted


@dataclass
class Tally:
    done: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)

    def tick(self) -> None:
        with self.lock:
            self.done += 1


def _send(target: Target, request: Request, allowed: tuple[int, ...], tally: Tally) -> Any:
    try:
        status, body = call(target, request)
    except OSError as exc:
        tally.error(f"{request.method} {request.path}: {type(exc).__name__}")
        return None, None
    finally:
        tally.tick()
    if status not in allowed:
        tally.error(f"{request.method} {request.path}: {status} {str(body)[:120]}")
    return status, body


def _worker(
    target: Target, ops: VendorOps, count: int, seed: int, expected: Expected, tally: Tally
) -> None:
    rng = random.Random(seed)
    live: list[int] = []
    for i in range(count):
        roll = rng.random()
        if not live or roll < 0.25:
            status, body = _send(target, ops.create(), (200, 201), tally)
            if status in (200, 201):
                rid = ops.created_id(body)
                expected[rid] = {}
                live.append(rid)
        elif roll < 0.6:
            rid = rng.choice(live)
            name = rng.choice(ops.fields)
            value = f"v{seed}-{i}"
            status, _ = _send(target, ops.update(rid, name, value), ops.ok, tally)
            record = expected[rid]
            if status in ops.ok and record is not None:
                record[name] = value
        elif roll < 0.8:
            _send(target, ops.read(rng.choice(live)), (200,), tally)
        elif roll < 0.92 or ops.delete_path is None:
            _send(target, Request("GET", ops.list_path), (200,), tally)
        else:
            rid = live.pop(rng.randrange(len(live)))
            delete = ops.delete(rid)
            assert delete is not None
            status, _ = _send(target, delete, ops.ok, tally)
            if status in ops.ok:
                expected[rid] = None


def _stored(target: Target, ops: VendorOps, ids: list[int]) -> dict[int, dict[str, Any] | None]:
    """What the server holds for each record now."""
    if ops.name != "relenta":
        out: dict[int, dict[str, Any] | None] = {}
        for rid in ids:
            status, body = call(target, ops.read(rid))
            out[rid] = ops.fields_of(rid, status, body)
        return out
    # Relenta reads only by listing (newest first, 500 a page): page through once
    found: dict[int, dict[str, Any] | None] = dict.fromkeys(ids)
    page = 1
    while True:
        path = f"{ops.list_path}?page={page}&page_size=500"
        _, body = call(target, Request("GET", path))
        for contact in body["data"]:
            if int(contact["id"]) in found:
                found[int(contact["id"])] = contact
        if len(body["data"]) < 500:
            return found
        page += 1


def _lost(expected: Expected, stored: dict[int, dict[str, Any] | None]) -> list[str]:
    lost = []
    for rid, fields in expected.items():
        now = stored.get(rid)
        if fields is None:
            if now is not None:
                lost.append(f"record {rid}: deleted, still there")
        elif now is None:
            lost.append(f"record {rid}: acknowledged, missing")
        else:
            lost += [
                f"record {rid}.{k}: {now.get(k)!r}, acknowledged {v!r}"
                for k, v in fields.items()
                if now.get(k) != v
            ]
    return lost


def soak(vendor: str, requests: int, threads: int, seed: int, workdir: Path) -> dict[str, Any]:
    ops = VENDORS[vendor]
    server = MockProcess(vendor, workdir / f"{vendor}.log")
    try:
        rss = {"start": server.rss_mb()}
        tally = Tally()
        expected: list[Expected] = [{} for _ in range(threads)]
        per_thread = requests // threads
        workers = [
            threading.Thread(
                target=_worker,
                args=(server.target, ops, per_thread, seed + n, expected[n], tally),
            )
            for n in range(threads)
        ]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        while "middle" not in rss and any(w.is_alive() for w in workers):
            if tally.done >= per_thread * threads // 2:
                rss["middle"] = server.rss_mb()
            time.sleep(0.01)
        for worker in workers:
            worker.join()
        seconds = time.monotonic() - started
        rss["end"] = server.rss_mb()
        merged: Expected = {k: v for table in expected for k, v in table.items()}
        lost = _lost(merged, _stored(server.target, ops, sorted(merged)))
    finally:
        log = server.stop()
    if "Traceback" in log:
        tally.error("the server logged a traceback")
    return {
        "vendor": vendor,
        "requests": tally.done,
        "seconds": seconds,
        "records": len(merged),
        "errors": tally.errors,
        "lost": lost,
        "rss": rss,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--requests", type=int, default=4000, help="per vendor (default 4000)")
    p.add_argument("--threads", type=int, default=8, help="client threads (default 8)")
    p.add_argument("--vendors", default=",".join(sorted(VENDORS)), help="comma-separated")
    p.add_argument("--seed", type=int, default=20121108)
    args = p.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="crm-soak-") as tmp:
        for vendor in args.vendors.split(","):
            results.append(soak(vendor, args.requests, args.threads, args.seed, Path(tmp)))
    print(
        f"{'vendor':<13} {'requests':>8} {'req/s':>6} {'records':>7} {'errors':>6} {'lost':>5}"
        f"  RSS MB start / middle / end"
    )
    for r in results:
        rss = r["rss"]
        print(
            f"{r['vendor']:<13} {r['requests']:>8} {r['requests'] / r['seconds']:>6.0f} "
            f"{r['records']:>7} {len(r['errors']):>6} {len(r['lost']):>5}"
            f"  {rss['start']:.0f} / {rss.get('middle', rss['end']):.0f} / {rss['end']:.0f}"
        )
        for line in (r["errors"] + r["lost"])[:10]:
            print(f"  {r['vendor']}: {line}")
    return 1 if any(r["errors"] or r["lost"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
