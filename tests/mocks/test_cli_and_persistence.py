"""`crm-mock` as a user runs it: clean errors, the real address, and a --db file that survives.

Everything binds 127.0.0.1 (or nothing at all: the refused and unbindable hosts never get a
socket); each server process is stopped by the test that started it.
"""

from __future__ import annotations

import shutil
import signal
import socket
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from crm_tools.mock_ops import CRM_MOCK, MockProcess

AUTH = ("demo-token", "X")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CRM_MOCK, *args], capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "--port: must be a number from 0 to 65535, not '99999'"),
        (["--port", "-1"], "--port: must be a number from 0 to 65535, not '-1'"),
        (["--db", "/nonexistent/dir/x.db"], "the directory /nonexistent/dir does not exist"),
        (["--db", "/"], "is a directory"),
        (["--host", "0.0.0.0"], "not a loopback address"),
        (["--max-body-size", "lots"], "expected a size such as 10M"),
    ],
)
def test_bad_arguments_are_one_clean_line_and_status_2(args: list[str], message: str) -> None:
    result = run("clevertim", *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "API at" not in result.stderr


def test_a_db_that_is_not_sqlite_is_refused_and_left_alone(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n" * 100)
    result = run("clevertim", "--db", str(notes))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "cannot be used as a SQLite database" in result.stderr
    assert notes.read_text() == "my precious notes\n" * 100


def test_an_unbindable_address_says_so_without_announcing_an_api() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("clevertim", "--port", str(taken.getsockname()[1]))
    assert result.returncode == 1 and "cannot listen on 127.0.0.1:" in result.stderr
    assert "API at" not in result.stderr and "Traceback" not in result.stderr


def test_allow_remote_warns_before_binding() -> None:
    # 192.0.2.1 is TEST-NET-1: never a local address, so nothing is bound or reached
    result = run("clevertim", "--host", "192.0.2.1", "--allow-remote")
    assert "WARNING: serving on 192.0.2.1" in result.stderr
    assert result.returncode == 1 and "cannot listen on 192.0.2.1" in result.stderr


class Server(MockProcess):
    def __init__(self, tmp_path: Path, *args: str) -> None:
        super().__init__("clevertim", tmp_path / f"stderr-{time.monotonic_ns()}.log", *args)


def test_port_0_prints_the_port_it_got_and_the_body_limit_is_the_flags(tmp_path: Path) -> None:
    server = Server(tmp_path, "--max-body-size", "1K")
    try:
        assert not server.api_url.startswith("http://127.0.0.1:0/")
        listed = httpx.get(server.api_url + "/case", auth=AUTH).json()
        assert listed == {"status": "OK", "content": []}
        fits = httpx.post(server.api_url + "/case", json={"name": "x" * 1000}, auth=AUTH)
        assert fits.status_code == 200
        too_big = httpx.post(server.api_url + "/case", json={"name": "x" * 1100}, auth=AUTH)
        assert too_big.status_code == 413 and too_big.json()["status"] == "ERROR"
    finally:
        server.stop()
    assert server.proc.returncode in STOPPED


# uvicorn shuts down gracefully on SIGTERM, then re-raises the signal so the exit status says so
STOPPED = (0, -signal.SIGTERM)


def _burst(api: str, acknowledged: list[int], stop: threading.Event) -> None:
    with httpx.Client(auth=AUTH, timeout=5) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                response = client.post(api + "/case", json={"name": f"case {n}"})
            except httpx.TransportError:
                return  # the server died mid-request: that write was never acknowledged
            if response.status_code == 200:
                acknowledged.append(response.json()["content"][0]["id"])


def test_kill_9_during_a_write_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    server = Server(tmp_path, "--db", str(db))
    acknowledged: list[int] = []
    stop = threading.Event()
    writers = [
        threading.Thread(target=_burst, args=(server.api_url, acknowledged, stop)) for _ in range(4)
    ]
    for writer in writers:
        writer.start()
    deadline = time.monotonic() + 10
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.stop(signal.SIGKILL)  # mid-burst: the writers are still sending
    stop.set()
    for writer in writers:
        writer.join(10)
    assert len(acknowledged) >= 300
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    server = Server(tmp_path, "--db", str(db))
    try:
        stored = {c["id"] for c in httpx.get(server.api_url + "/case", auth=AUTH).json()["content"]}
    finally:
        server.stop()
    assert set(acknowledged) <= stored


def test_sigterm_leaves_a_self_contained_db_file(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    server = Server(tmp_path, "--db", str(db))
    with httpx.Client(auth=AUTH, timeout=5) as client:
        ids = [
            client.post(server.api_url + "/case", json={"name": f"c{i}"}).json()["content"][0]["id"]
            for i in range(200)
        ]
    server.stop(signal.SIGTERM)
    assert server.proc.returncode in STOPPED
    assert "Traceback" not in server.log.read_text()
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # folded into the file
    alone = tmp_path / "copy" / "state.db"
    alone.parent.mkdir()
    shutil.copy(db, alone)  # the file alone, as someone backing it up would copy it
    with sqlite3.connect(alone) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = copy.execute("SELECT id FROM records WHERE kind='case' AND account='demo'")
        assert sorted(r[0] for r in rows) == sorted(ids)
