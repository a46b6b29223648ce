"""The project's Node tools (package.json, pinned by package-lock.json): installed with `npm ci`
when missing or different from the lock file, and run without telemetry or update checks."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from crm_tools.paths import ROOT

NODE_MODULES = ROOT / "node_modules"


def _installed(name: str) -> str | None:
    manifest = NODE_MODULES / name / "package.json"
    if not manifest.exists():
        return None
    version: str | None = json.loads(manifest.read_text("utf-8")).get("version")
    return version


def missing(root: Path = ROOT) -> list[str]:
    """The locked top-level packages that node_modules lacks or holds in another version."""
    lock = json.loads((root / "package-lock.json").read_text("utf-8"))
    wanted = lock["packages"][""].get("devDependencies", {})
    return [
        f"{name}@{lock['packages'][f'node_modules/{name}']['version']}"
        for name in sorted(wanted)
        if _installed(name) != lock["packages"][f"node_modules/{name}"]["version"]
    ]


def node_env() -> dict[str, str]:
    # no telemetry, no update check: the tools talk to no server
    return {
        **os.environ,
        "REDOCLY_TELEMETRY": "off",
        "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
        "NO_UPDATE_NOTIFIER": "1",
    }


def ensure_node_modules() -> None:
    """`npm ci` when a pinned tool is missing or differs from package-lock.json.

    `npm ci` deletes node_modules before it installs, so two processes of this checkout that
    need the tools at once (pytest-xdist workers, parallel make targets) take turns under a lock
    and the second finds the first one's install."""
    if not missing():
        return
    key = hashlib.sha256(str(ROOT).encode()).hexdigest()[:16]
    with (Path(tempfile.gettempdir()) / f"crm-openapi-npm-{key}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        todo = missing()
        if not todo:
            return
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit(f"npm (Node 20+) is needed for {', '.join(todo)}")
        print(f"npm ci ({', '.join(todo)})", file=sys.stderr, flush=True)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=True,
            env=node_env(),
        )
