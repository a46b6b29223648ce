"""crm_tools.node_tools: processes that need the Node tools at once install them once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from crm_tools import node_tools


def test_concurrent_callers_run_npm_ci_once(monkeypatch: pytest.MonkeyPatch) -> None:
    installed = threading.Event()
    runs: list[list[str]] = []

    def fake_run(cmd: list[str], **kwargs: Any) -> None:
        runs.append(cmd)
        time.sleep(0.2)  # long enough for the other caller to arrive while this one installs
        installed.set()

    monkeypatch.setattr(node_tools, "missing", lambda: [] if installed.is_set() else ["x@1"])
    monkeypatch.setattr(node_tools.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(node_tools.subprocess, "run", fake_run)
    callers = [threading.Thread(target=node_tools.ensure_node_modules) for _ in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=10)
    assert len(runs) == 1 and runs[0][1] == "ci", runs
