"""Contract tests: hold a vendor's spec against its mock, or against the live service.

    python scripts/contract.py VENDOR [--max-examples N] [--seed N]

Runs schemathesis (all default checks; examples, coverage, fuzzing and stateful phases; one
worker; fixed seed) over every operation of specs/VENDOR.yaml.

Target: the bundled mock, started on 127.0.0.1 and a free port for this run — unless
<PREFIX>_BASE_URL is set (e.g. CLEVERTIM_BASE_URL) together with the vendor's credential
variables, in which case that server is tested instead ("live mode"): GET operations only unless
CONTRACT_ALLOW_WRITES=1, at most CONTRACT_RATE_LIMIT requests (default 5/s).

Every check disabled for an operation is listed in TARGETS below next to the vendor-documented
reason. Credentials reach schemathesis through environment variables only (never argv, never a
file) and schemathesis' own OpenAPI auth, so its `ignored_auth` check stays meaningful.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 20121108
DEFAULT_MAX_EXAMPLES = 25


@dataclass(frozen=True)
class Target:
    """How to run one vendor's contract tests."""

    env_prefix: str  # CLEVERTIM -> CLEVERTIM_BASE_URL, CLEVERTIM_TOKEN, ...
    #: credential name -> environment variable for live mode
    live_credentials: Mapping[str, str]
    #: the spec's securityScheme name -> {schemathesis auth key: credential name or "=constant"}
    auth: Mapping[str, Mapping[str, str]]
    mock_user: str = "demo"  # which demo user of the mock the run logs in as
    #: check -> reason, for every operation
    disabled: Mapping[str, str] = field(default_factory=dict)
    #: operationId -> {check -> reason}
    disabled_for: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: extra request headers every call needs (not secrets), e.g. a mandatory User-Agent
    headers: Mapping[str, str] = field(default_factory=dict)


TARGETS: dict[str, Target] = {
    "clevertim": Target(
        env_prefix="CLEVERTIM",
        live_credentials={"token": "CLEVERTIM_TOKEN"},
        auth={"basicAuth": {"username": "token", "password": "=X"}},
        disabled={
            "unsupported_method": (
                "Clevertim documents 501 'operation not supported' for operations it lacks "
                "(README, status codes), not 405; the mock reproduces that."
            ),
            "not_a_server_error": (
                "Clevertim documents 500 for a body that cannot be parsed as JSON and 501 for "
                "unsupported operations (README, status codes). Crashes are caught instead by "
                "counting the mock's unhandled exceptions, which must stay at zero."
            ),
        },
        disabled_for={
            op: {
                "positive_data_acceptance": (
                    "`cf` keys must be ids of custom fields defined in the account for this "
                    "resource (fact sheet 7, 10.12): which schema-valid maps are accepted "
                    "depends on stored data."
                )
            }
            for op in [
                "createContact",
                "updateContact",
                "createCompany",
                "updateCompany",
                "createCase",
                "updateCase",
                "createOpportunity",
                "updateOpportunity",
            ]
        }
        | {
            "updateCustomField": {
                "positive_data_acceptance": (
                    "A select custom field must have values (fact sheet 6.9); whether an update "
                    "that "
                    "sets elemType=select leaves it complete depends on the values already stored."
                )
            },
        },
    ),
    "relenta": Target(
        env_prefix="RELENTA",
        live_credentials={"department_key": "RELENTA_KEY"},
        auth={"departmentKey": {"api_key": "department_key"}},
        disabled_for={
            op: {
                "positive_data_acceptance": (
                    "Custom-field values are top-level keys named by the department's custom field "
                    "definitions (fact sheet 6.1, 9.3); a key no definition has is rejected "
                    "with 400, "
                    "so which extra keys are valid depends on stored data."
                )
            }
            for op in ["saveContact", "createContact"]
        },
    ),
    "bantam-live": Target(
        env_prefix="BANTAM_LIVE",
        live_credentials={"email": "BANTAM_LIVE_EMAIL", "password": "BANTAM_LIVE_PASSWORD"},
        auth={"basicAuth": {"username": "email", "password": "password"}},
        mock_user="admin",
    ),
}


def available() -> list[str]:
    specs = {p.stem for p in (ROOT / "specs").glob("*.yaml")}
    return sorted(v for v in TARGETS if v in specs)


def _toml_value(value: Any) -> str:
    return json.dumps(value)  # TOML basic strings, arrays, ints and bools read like JSON


def render_config(
    target: Target,
    *,
    seed: int,
    max_examples: int,
    live: bool,
    writes: bool,
    rate_limit: str | None,
    report: Path,
) -> str:
    lines = [
        f"seed = {seed}",
        "workers = 1  # CPython 3.11: more than one worker thread crashes schemathesis",
        "continue-on-failure = true",
        *([f"rate-limit = {_toml_value(rate_limit)}"] if rate_limit else []),
        "",
        "[generation]",
        f"max-examples = {max_examples}",
        "",
        "[reports.junit]",
        "enabled = true",
        f"path = {_toml_value(str(report))}",
    ]
    if target.headers:
        lines += [
            "",
            "[headers]",
            *(f"{_toml_value(k)} = {_toml_value(v)}" for k, v in target.headers.items()),
        ]
    for scheme, parts in target.auth.items():
        lines += ["", f"[auth.openapi.{scheme}]"]
        for key, source in parts.items():
            value = (
                source[1:]
                if source.startswith("=")
                else "${CONTRACT_SECRET_" + source.upper() + "}"
            )
            lines.append(f"{key} = {_toml_value(value)}")
    if live and not writes:
        # the coverage phase would otherwise probe PATCH/PUT/... on the selected GET paths
        lines += ["", "[phases.coverage]", "unexpected-methods = []"]
    if target.disabled:
        lines += ["", "[checks]"]
        for check, reason in target.disabled.items():
            lines += [f"# {reason}", f"{check}.enabled = false"]
    for op_id, checks in target.disabled_for.items():
        lines += ["", "[[operations]]", f"include-operation-id = {_toml_value(op_id)}"]
        for check, reason in checks.items():
            lines += [f"# {reason}", f"checks.{check}.enabled = false"]
    return "\n".join(lines) + "\n"


@dataclass
class Result:
    vendor: str
    target: str
    cases: int
    failures: int
    operations: int
    returncode: int
    output: str
    unhandled_errors: int = 0  # exceptions that escaped the mock's handlers (mock mode only)

    @property
    def passed(self) -> bool:
        # a run that tested nothing (unloadable config or spec) must never count as a pass
        return (
            self.returncode == 0
            and self.operations > 0
            and self.failures == 0
            and self.unhandled_errors == 0
        )


def _count(report: Path) -> tuple[int, int]:
    """Test cases and failures from the JUnit report (one testcase per operation)."""
    import xml.etree.ElementTree as ET

    if not report.exists():
        return 0, 0
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    cases = sum(len(list(s.iter("testcase"))) for s in suites)
    failures = sum(len(list(s.iter("failure"))) + len(list(s.iter("error"))) for s in suites)
    return cases, failures


def run(
    vendor: str,
    *,
    seed: int = DEFAULT_SEED,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    env: Mapping[str, str] | None = None,
) -> Result:
    env = dict(os.environ if env is None else env)
    target = TARGETS[vendor]
    base_url = env.get(f"{target.env_prefix}_BASE_URL")
    live = bool(base_url)
    writes = env.get("CONTRACT_ALLOW_WRITES") == "1"
    running = None
    if live:
        missing = [var for var in target.live_credentials.values() if not env.get(var)]
        if missing:
            raise SystemExit(f"contract: live mode for {vendor} needs {', '.join(missing)}")
        credentials = {name: env[var] for name, var in target.live_credentials.items()}
    else:
        from crm_mocks.pytest_plugin import start_mock

        running = start_mock(vendor)
        base_url = running.api_url
        credentials = dict(running.credentials[target.mock_user])
    child_env = {**env, **{f"CONTRACT_SECRET_{k.upper()}": v for k, v in credentials.items()}}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "schemathesis.toml"
            report = Path(tmp) / "junit.xml"
            config.write_text(
                render_config(
                    target,
                    seed=seed,
                    max_examples=max_examples,
                    live=live,
                    writes=writes,
                    rate_limit=env.get("CONTRACT_RATE_LIMIT", "5/s") if live else None,
                    report=report,
                )
            )
            cmd = [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(config),
                "run",
                str(ROOT / "specs" / f"{vendor}.yaml"),
                "--url",
                str(base_url),
            ]
            if live and not writes:
                # Read-only against real accounts: only GET operations, and no probing of other
                # methods (the unsupported-method check would send POST/PUT/DELETE to them).
                cmd += ["--include-method", "GET", "--exclude-checks", "unsupported_method"]
            proc = subprocess.run(cmd, env=child_env, capture_output=True, text=True)
            operations, _ = _count(report)
        unhandled = running.mock.unhandled_errors if running is not None else 0
    finally:
        if running is not None:
            running.stop()
    output = proc.stdout + proc.stderr
    for secret in credentials.values():  # schemathesis prints reproduction commands
        output = output.replace(secret, "[redacted]") if len(secret) > 3 else output
    cases, failures = _summary(output)
    return Result(
        vendor,
        "live" if live else "mock",
        cases,
        failures,
        operations,
        proc.returncode,
        output,
        unhandled,
    )


def _summary(output: str) -> tuple[int, int]:
    """Cases generated and unique failures from schemathesis' summary line."""
    import re

    cases = re.search(r"(\d+) generated", output)
    failures = re.search(r"(\d+) unique failures?", output)
    return (int(cases.group(1)) if cases else 0), (int(failures.group(1)) if failures else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("vendor", choices=available())
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument(
        "--show-config", action="store_true", help="print the schemathesis config and exit"
    )
    args = parser.parse_args(argv)
    if args.show_config:
        print(
            render_config(
                TARGETS[args.vendor],
                seed=args.seed,
                max_examples=args.max_examples,
                live=False,
                writes=False,
                rate_limit=None,
                report=Path("junit.xml"),
            )
        )
        return 0
    result = run(args.vendor, seed=args.seed, max_examples=args.max_examples)
    print(result.output)
    print(
        f"contract {result.vendor} ({result.target}): {result.operations} operations, "
        f"{result.cases} cases, {result.failures} failures, {result.unhandled_errors} mock crashes"
    )
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
