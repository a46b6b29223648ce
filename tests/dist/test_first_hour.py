"""A new user's first hour, as the README walks it: the traps found by trying it must stay gone.

- One URL per mock works as every vendor's client `base_url`: the pytest fixtures' `api_url`
  and the URL `crm-mock` prints (Zendesk Sell's clients add `/v2` themselves, so for Sell it is
  the server root).
- The README's pytest example runs in a fresh virtualenv after `pip install <checkout> pytest`
  (the package carries httpx, which the example uses; `crm_mock_server` works as a factory and
  as a context manager).
- The README lists every demo login of the shipped accounts files, credentials literally, and
  says what `make docs` and `make dist` need and do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit
from typing import Any

import httpx
import pytest

from crm_mocks import start_mock
from crm_tools import dist
from crm_tools.mock_ops import MockProcess

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")
VENDORS = dist.vendors()
ACCOUNTS = ROOT / "mocks" / "crm_mocks" / "accounts"


def _accounts(vendor: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ACCOUNTS / f"{vendor}.json").read_text("utf-8"))
    return loaded


def _client_call(vendor: str, base_url: str) -> str:
    """The client README's "Connect and call" example with the demo credentials and
    `base_url=<base_url>`, printing the status of the call."""
    readme = (ROOT / "generated" / f"{vendor}-client" / "README.md").read_text("utf-8")
    section = readme.split("## Connect and call", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, f"{vendor}: the client README shows no call"
    credentials = _accounts(vendor)["accounts"][0]["users"][0]["credentials"]
    lines = []
    for line in code.group(1).splitlines():
        if line.startswith("client = connect("):
            for name, value in credentials.items():
                line = line.replace(f'"<{name}>"', json.dumps(value))
            line = re.sub(r", \w+=\"<\w+>\"", "", line)  # server variables: the default
            line = line[: -len(")")] + f", base_url={base_url!r})"
        lines.append(line)
    call = next(ln for ln in lines if ".sync(" in ln)
    detailed = call.replace(".sync(", ".sync_detailed(").replace("result = ", "response = ")
    return "\n".join([*lines[:-1], detailed, "print(response.status_code, response.parsed)"])


def _run_client_call(vendor: str, base_url: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated" / f"{vendor}-client")}
    out = subprocess.run(
        [sys.executable, "-c", _client_call(vendor, base_url)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_fixtures_api_url_is_the_clients_base_url(vendor: str) -> None:
    with start_mock(vendor) as running:
        printed = _run_client_call(vendor, running.api_url)
    status, parsed = printed.split(" ", 1)
    assert status == "200" and parsed.strip() != "None", printed


def test_sell_api_url_is_the_server_root_because_its_clients_add_v2() -> None:
    with start_mock("zendesk-sell") as running:
        assert running.api_url == running.url
        printed = _run_client_call("zendesk-sell", running.api_url + "/v2")  # the old trap
    assert printed.startswith("404 "), printed


@pytest.mark.parametrize("vendor", ["zendesk-sell", "clevertim"])
def test_the_url_crm_mock_prints_is_the_clients_base_url(vendor: str, tmp_path: Path) -> None:
    # --port 0: the mock binds first and prints its address with the port it got
    server = MockProcess(vendor, tmp_path / "crm-mock.log")
    try:
        url = server.api_url
        root = f"http://127.0.0.1:{urlsplit(url).port}"
        assert url == root + ("/api" if vendor == "clevertim" else "")
        assert httpx.get(f"{root}/__mock__/health", timeout=5).is_success
        assert _run_client_call(vendor, url).startswith("200 ")
    finally:
        server.stop()


def _section(title: str) -> str:
    return README.split(title, 1)[1].split("\n## ", 1)[0]


def test_readme_pytest_example_runs_in_a_fresh_venv_after_pip_install(tmp_path: Path) -> None:
    """`pip install <checkout> pytest`, then the README's example as a test file (copied
    checkout: building writes build/ and *.egg-info next to the sources)."""
    checkout = tmp_path / "crm-openapi"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, checkout / name)
    shutil.copytree(
        ROOT / "mocks", checkout / "mocks", ignore=shutil.ignore_patterns("__pycache__")
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, "install", "--quiet", str(checkout), "pytest"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    code = re.search(r"```python\n(.*?)```", _section("### In your own tests"), re.S)
    assert code and "crm_mock_server(" in code.group(1) and "with " in code.group(1)
    (tmp_path / "test_readme_example.py").write_text(code.group(1))
    ran = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "2 passed" in ran.stdout, ran.stdout


@pytest.mark.parametrize("vendor", VENDORS)
def test_readme_lists_every_demo_login_with_its_credentials_literally(vendor: str) -> None:
    rows = [
        line
        for line in _section("## Mock servers").splitlines()
        if line.startswith(f"| {vendor} |")
    ]
    users = [u for a in _accounts(vendor)["accounts"] for u in a["users"]]
    assert len(rows) == len(users), rows
    for user in users:
        (row,) = [r for r in rows if r.startswith(f"| {vendor} | {user['label']} |")]
        for value in user["credentials"].values():
            assert f"`{value}`" in row, (user["label"], row)


def test_readme_says_what_make_docs_and_make_dist_need_and_do() -> None:
    fresh = _section("## On a fresh machine")
    assert "make docs" in fresh and "Node 20+" in fresh and "5 minutes" in fresh
    assert "cached" in fresh and "spec digest" in fresh
    assert "make dist" in fresh and "wheel" in fresh
    assert "make diff" in fresh
