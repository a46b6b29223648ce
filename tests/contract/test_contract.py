"""Contract tests: every vendor's spec held against its mock by schemathesis.

Same runner as `make contract VENDOR=...` (scripts/contract.py): all default checks, every
phase including the stateful one through the spec's links, a fixed seed, one worker, and the
checks disabled per operation only where TARGETS gives a vendor-documented reason.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import contract
import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Bounded so the suite stays fast; `make contract` runs the default (larger) number.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "15"))


def _mock_env() -> dict[str, str]:
    """The environment without any live-mode variables, so the bundled mock is the target."""
    live = {f"{t.env_prefix}_BASE_URL" for t in contract.TARGETS.values()}
    return {k: v for k, v in os.environ.items() if k not in live}


SECOND_SEED = 4242
#: every vendor at the project's seed, and at a second seed (a spec that holds only at one seed
#: does not hold), except Zendesk Sell: its run with the stored-data hooks takes ~4 minutes, so
#: its other seeds are run with `python scripts/contract.py zendesk-sell --seed N` instead
#: (11 and 4242 at 100 examples: 0 failures, no warnings), to keep `make test` well under
#: 15 minutes on 2 cores.
RUNS = [(vendor, contract.DEFAULT_SEED) for vendor in contract.available()] + [
    (vendor, SECOND_SEED) for vendor in contract.available() if vendor != "zendesk-sell"
]


@pytest.mark.contract
@pytest.mark.parametrize(("vendor", "seed"), RUNS, ids=[f"{v}-seed{s}" for v, s in RUNS])
def test_spec_holds_against_the_mock(vendor: str, seed: int) -> None:
    result = contract.run(vendor, seed=seed, max_examples=MAX_EXAMPLES, env=_mock_env())
    summary = (
        f"{vendor} seed {seed}: {result.operations} operations, {result.cases} cases, "
        f"{result.failures} failures, {result.unhandled_errors} mock crashes"
    )
    print(summary)
    assert result.operations > 0 and result.cases > 0, result.output[-3000:]
    assert result.passed, summary + "\n" + result.output[-6000:]


def test_every_disabled_check_has_a_reason() -> None:
    for vendor, target in contract.TARGETS.items():
        reasons = list(target.disabled.values()) + [
            reason for checks in target.disabled_for.values() for reason in checks.values()
        ]
        assert all(len(r) > 40 for r in reasons), vendor


def test_rendered_config_keeps_secrets_out() -> None:
    target = contract.TARGETS["clevertim"]
    text = contract.render_config(
        target,
        seed=1,
        max_examples=1,
        live=True,
        writes=False,
        rate_limit="5/s",
        report=Path("r.xml"),
    )
    assert "${CONTRACT_SECRET_TOKEN}" in text and 'rate-limit = "5/s"' in text
    assert "demo-token" not in text


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.contract
def test_live_mode_targets_another_server_read_only() -> None:
    """Live mode, proven against a mock started as a separate process (never a vendor host)."""
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "crm-mock"),
            "clevertim",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(base + "/__mock__/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        env = _mock_env() | {
            "CLEVERTIM_BASE_URL": base + "/api",
            "CLEVERTIM_TOKEN": "demo-token",
            "CONTRACT_RATE_LIMIT": "200/s",
        }
        env.pop("CONTRACT_ALLOW_WRITES", None)
        result = contract.run("clevertim", max_examples=5, env=env)
        assert result.target == "live"
        assert result.passed, result.output[-4000:]
        seen = httpx.get(base + "/__mock__/requests").json()["requests"]
        methods = {r["method"] for r in seen}
        assert seen and methods <= {"GET"}, methods  # read-only unless CONTRACT_ALLOW_WRITES=1
        assert "demo-token" not in result.output
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_live_mode_without_credentials_says_what_is_missing() -> None:
    env = _mock_env() | {"RELENTA_BASE_URL": "http://127.0.0.1:9/api/v3"}
    env.pop("RELENTA_KEY", None)
    with pytest.raises(SystemExit, match="RELENTA_KEY"):
        contract.run("relenta", env=env)


def test_mock_runs_check_object_level_authorization_with_two_accounts(tmp_path: Path) -> None:
    target = contract.TARGETS["clevertim"]
    users = {"demo": {"token": "demo-token"}, "other": {"token": "other-token"}}
    peers = contract.write_peers("clevertim", users, tmp_path / "peers.json")
    text = contract.render_config(
        target,
        seed=1,
        max_examples=1,
        live=False,
        writes=False,
        rate_limit=None,
        report=tmp_path / "r.xml",
        peers=peers,
    )
    assert 'peers = ["demo", "other"]' in text and "object_level_authorization" in text
    assert "fail-on = true" in text, "warnings fail a run against the mock"
    assert "[auth.openapi" not in text, "the users come from the peers file alone"
    entries = {e["name"]: e["fixedHeaders"] for e in json.loads(peers.read_text())["auth"]}
    assert entries["other"] == [{"name": "Authorization", "value": "Basic b3RoZXItdG9rZW46WA=="}]


@pytest.mark.parametrize(
    ("vendor", "credentials", "header"),
    [
        ("relenta", {"department_key": "k"}, {"X-Relenta-Department-Key": "k"}),
        ("zendesk-sell", {"token": "t"}, {"Authorization": "Bearer t"}),
        ("bantam-live", {"email": "a@b", "password": "p"}, {"Authorization": "Basic YUBiOnA="}),
    ],
)
def test_auth_headers_follow_each_specs_security_scheme(
    vendor: str, credentials: dict[str, str], header: dict[str, str]
) -> None:
    assert contract.auth_headers(vendor, credentials) == header
