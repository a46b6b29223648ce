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
import re
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
#: vendors whose positive bodies get valid stored data from contract_hooks.py
STORED_DATA_HOOKS = ("clevertim", "relenta", "zendesk-sell")
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
    #: a second demo user of another account: against the mock, schemathesis' object-level
    #: authorization check replays each user's reads as the other (neither may see the other's)
    peer_user: str = "other"


def _merge(*tables: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Combine {operationId: {check: reason}} tables (an operation may appear in several)."""
    merged: dict[str, dict[str, str]] = {}
    for table in tables:
        for op, checks in table.items():
            merged.setdefault(op, {}).update(checks)
    return merged


# Schema-violating values of a deepObject parameter (a nested object where a scalar belongs)
# have no query-string form: schemathesis then sends the request without the parameter.
_DEEP_OBJECT_NEGATIVES = (
    "Negative cases for the deepObject parameters custom_fields[...] and address[...] put "
    "nested values that have no query-string form; the request then goes out without the "
    "parameter (fact sheet 4: values are scalars), so there is nothing for the server to reject."
)
_SELL_DEEP_OBJECT_OPERATIONS = [
    "listContacts", "upsertContact", "listDeals", "upsertDeal", "listLeads", "upsertLead",
]  # fmt: skip

# Zendesk Sell operations whose valid input depends on stored data: reason -> operations.
# References to stored records (resource_type/resource_id, owners, outcomes, stages, products,
# deals without an order, ...), unique names, custom-field values, upsert filters and the
# paired resource filters get valid stored data from contract_hooks.py instead; what remains
# is input only an earlier answer of the server can make valid.
_SELL_STATE_DEPENDENT: dict[str, list[str]] = {
    (
        "A lead-conversions `cursor` is the pagination token of a previous page's "
        "`meta.links.next_page` (vendor's Lead Conversions page): a made-up one names no page."
    ): ["listLeadConversions"],
    (
        "Search attribute names are per resource and include the account's custom fields "
        "(`custom_fields.<search_api_id>`, from `/v3/<resource>/custom_fields`); a `cursor` is "
        "the `next_page` token of a previous result of the same query (vendor's Search "
        "query-language page): stored data and earlier answers, not expressible in a schema."
    ): ["searchContacts", "searchDeals", "searchLeads", "searchNotes", "searchTasks"],
    (
        "A Firehose `position` other than tail/top is the opaque `meta.position` of a previous "
        "response of the same stream (vendor's Firehose overview): a made-up one names no "
        "place in the stream."
    ): ["readFirehoseStream"],
}

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
        # `cf` maps and select-field updates get valid stored data from contract_hooks.py
    ),
    "zendesk-sell": Target(
        env_prefix="ZENDESK_SELL",
        live_credentials={"token": "ZENDESK_SELL_TOKEN"},
        auth={
            "bearerAuth": {"bearer": "token"},
            # the demo OAuth2 app of the mock's accounts file (public test credentials)
            "clientBasicAuth": {"username": "=demo-oauth-client", "password": "=demo-oauth-secret"},
        },
        # Sell rejects requests without a User-Agent (400 invalid_user_agent, fact sheet 1)
        headers={"User-Agent": "crm-openapi-contract/1.0"},
        disabled_for=_merge(
            {
                op: {"positive_data_acceptance": reason}
                for reason, ops in _SELL_STATE_DEPENDENT.items()
                for op in ops
            },
            {
                op: {"negative_data_rejection": _DEEP_OBJECT_NEGATIVES}
                for op in _SELL_DEEP_OBJECT_OPERATIONS
            },
        ),
    ),
    "relenta": Target(
        env_prefix="RELENTA",
        live_credentials={"department_key": "RELENTA_KEY"},
        auth={"departmentKey": {"api_key": "department_key"}},
        # custom-field keys of saved contacts get valid stored data from contract_hooks.py
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


def spec_server_path(vendor: str) -> str:
    """Where the mock serves specs/<vendor>.yaml's paths (see spec_servers)."""
    import yaml
    from spec_servers import server_path

    return server_path(yaml.safe_load((ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8")))


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
    peers: Path | None = None,
) -> str:
    """The schemathesis config of a run. With `peers` (a WFC auth file naming the mock user and
    its peer), users come from that file and the object-level authorization check is on."""
    lines = [
        f"seed = {seed}",
        "workers = 1  # CPython 3.11: more than one worker thread crashes schemathesis",
        "continue-on-failure = true",
        *([f"rate-limit = {_toml_value(rate_limit)}"] if rate_limit else []),
        "",
        "[generation]",
        f"max-examples = {max_examples}",
        *(
            [
                "",
                "# A warning (mostly rejected generated data, missing test data, ...) means part",
                "# of the spec went untested; against the mock it fails the run like a check.",
                "# (A live account may simply hold no data for a read-only run to find.)",
                "[warnings]",
                "fail-on = true",
            ]
            if not live
            else []
        ),
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
    if peers is not None:
        lines += [
            "",
            "[auth.wfc]",
            f"path = {_toml_value(str(peers))}",
            f"user = {_toml_value(target.mock_user)}",
            f"peers = {_toml_value([target.mock_user, target.peer_user])}",
            "",
            "[checks.object_level_authorization]",
            "enabled = true",
        ]
    for scheme, parts in target.auth.items() if peers is None else ():
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
    operations_tested: list[str] = field(default_factory=list)  # "GET /contact", ...

    @property
    def passed(self) -> bool:
        # a run that tested nothing (unloadable config or spec) must never count as a pass
        return (
            self.returncode == 0
            and self.operations > 0
            and self.failures == 0
            and self.unhandled_errors == 0
        )


def auth_headers(vendor: str, credentials: Mapping[str, str]) -> dict[str, str]:
    """The headers that log a user in, built from the spec's security scheme and TARGETS."""
    import base64

    import yaml

    target = TARGETS[vendor]
    spec = yaml.safe_load((ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8"))
    schemes = spec["components"]["securitySchemes"]
    scheme_name, parts = next(iter(target.auth.items()))
    scheme = schemes[scheme_name]

    def value(key: str) -> str:
        source = parts[key]
        return source[1:] if source.startswith("=") else credentials[source]

    if scheme["type"] == "apiKey":
        return {scheme["name"]: value("api_key")}
    if scheme.get("scheme") == "bearer":
        return {"Authorization": f"Bearer {value('bearer')}"}
    pair = f"{value('username')}:{value('password')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}


def write_peers(vendor: str, users: Mapping[str, Mapping[str, str]], path: Path) -> Path:
    """A Web Fuzzing Commons auth file with fixed login headers for each of `users`.

    Only ever written for the bundled mock, whose demo credentials are public; live
    credentials stay in environment variables.
    """
    entries = [
        {
            "name": label,
            "fixedHeaders": [
                {"name": name, "value": value}
                for name, value in auth_headers(vendor, credentials).items()
            ],
        }
        for label, credentials in users.items()
    ]
    path.write_text(json.dumps({"auth": entries}))
    path.chmod(0o600)
    return path


def _operations_tested(report: Path) -> list[str]:
    """The operations schemathesis tested ("GET /contact", ...), from its JUnit report."""
    import xml.etree.ElementTree as ET

    if not report.exists():
        return []
    names = {case.get("name", "") for case in ET.parse(report).getroot().iter("testcase")}
    return sorted(n for n in names if re.match(r"^[A-Z]+ /", n))  # not "Stateful tests"


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
        base_url = running.url + spec_server_path(vendor)
        credentials = dict(running.credentials[target.mock_user])
    child_env = {**env, **{f"CONTRACT_SECRET_{k.upper()}": v for k, v in credentials.items()}}
    if vendor in STORED_DATA_HOOKS and (not live or writes):
        child_env |= {
            "SCHEMATHESIS_HOOKS": "contract_hooks",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(SCRIPTS), env.get("PYTHONPATH")])),
            "CONTRACT_HOOK_VENDOR": vendor,
            "CONTRACT_HOOK_BASE_URL": str(base_url),
        }
        app = target.auth.get("clientBasicAuth", {})
        if not live and all(v.startswith("=") for v in app.values()) and app:
            # the mock's public demo OAuth2 app (accounts file), for authorize and the token
            # endpoints, which authenticate the app rather than the user
            child_env["CONTRACT_HOOK_OAUTH_CLIENT"] = app["username"][1:]
            child_env["CONTRACT_HOOK_OAUTH_SECRET"] = app["password"][1:]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "schemathesis.toml"
            report = Path(tmp) / "junit.xml"
            peers = None
            if running is not None:
                users = {
                    label: running.credentials[label]
                    for label in (target.mock_user, target.peer_user)
                }
                peers = write_peers(vendor, users, Path(tmp) / "peers.json")
            config.write_text(
                render_config(
                    target,
                    seed=seed,
                    max_examples=max_examples,
                    live=live,
                    writes=writes,
                    rate_limit=env.get("CONTRACT_RATE_LIMIT", "5/s") if live else None,
                    report=report,
                    peers=peers,
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
            tested = _operations_tested(report)
        unhandled = running.mock.unhandled_errors if running is not None else 0
    finally:
        if running is not None:
            running.stop()
    output = proc.stdout + proc.stderr
    for secret in credentials.values():  # schemathesis prints reproduction commands
        output = output.replace(secret, "[redacted]") if len(secret) > 3 else output
    cases, failures = _summary(output)
    result = Result(
        vendor,
        "live" if live else "mock",
        cases,
        failures,
        len(tested),
        proc.returncode,
        output,
        unhandled,
        tested,
    )
    write_summary(result)
    return result


SUMMARY_DIR = ROOT / ".contract"


def write_summary(result: Result, directory: Path = SUMMARY_DIR) -> Path:
    """Record what a run exercised (read by the docs' coverage tables); no secrets in it."""
    directory.mkdir(exist_ok=True)
    path = directory / f"{result.vendor}.json"
    summary = {
        "vendor": result.vendor,
        "target": result.target,
        "cases": result.cases,
        "failures": result.failures,
        "unhandled_errors": result.unhandled_errors,
        "passed": result.passed,
        "operations_tested": result.operations_tested,
    }
    path.write_text(json.dumps(summary, indent=2) + "\n")
    return path


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
