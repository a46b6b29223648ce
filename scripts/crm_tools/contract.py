"""Contract tests: hold a vendor's spec against its mock, or against the live service.

    python -m crm_tools.contract VENDOR [--seed N ...] [--max-examples N]
                                    [--tag TAG ...] [--operation-id ID ...] [--report-dir DIR]

Runs schemathesis (all default checks; examples, coverage, fuzzing and stateful phases; one
worker; fixed seed) over every operation of specs/VENDOR.yaml, or over the operations of the
given tags / operationIds (the stateful phase then links only operations inside that
selection). One run per `--seed`.

Target: the bundled mock, started on 127.0.0.1 and a free port for this run — unless
<PREFIX>_BASE_URL is set (e.g. CLEVERTIM_BASE_URL) together with the vendor's credential
variables, in which case that server is tested instead ("live mode"): GET operations only unless
CONTRACT_ALLOW_WRITES=1, at most CONTRACT_RATE_LIMIT requests (default 5/s).

What a run found comes from schemathesis' own structured reports, never from its console
output: its JSON report (cases, unique failures, warnings, errors) and its JUnit report (the
operations tested, and each failure with the curl command that reproduces it). The runs are
summed up in <report-dir>/VENDOR.json (format 2, see `write_report`; default `.contract/`).

Every check disabled for an operation is listed in TARGETS below next to the vendor-documented
reason. Credentials reach schemathesis through environment variables only (never argv, never a
file) and schemathesis' own OpenAPI auth, so its `ignored_auth` check stays meaningful.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_tools import spec as spec_model
from crm_tools.paths import ROOT

#: vendors whose positive bodies get valid stored data from contract_hooks.py
STORED_DATA_HOOKS = ("clevertim", "relenta", "zendesk-sell")
DEFAULT_SEED = 20121108
DEFAULT_MAX_EXAMPLES = 25
#: where the CLI (`make contract`) writes <vendor>.json; tests always pass a directory of their own
DEFAULT_REPORT_DIR = ROOT / ".contract"
REPORT_FORMAT = 2


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
    """Where the mock serves specs/<vendor>.yaml's paths (the spec model's `server_path`)."""
    return spec_model.server_path(spec_model.load(ROOT / "specs" / f"{vendor}.yaml"))


def _toml_value(value: Any) -> str:
    return json.dumps(value)  # TOML basic strings, arrays, ints and bools read like JSON


#: schemathesis' phases, in the order it runs them
PHASES = ("examples", "coverage", "fuzzing", "stateful")


def render_config(
    target: Target,
    *,
    seed: int,
    max_examples: int,
    live: bool,
    writes: bool,
    rate_limit: str | None,
    reports: Path,
    peers: Path | None = None,
    selected: Collection[str] | None = None,
    stateful: bool = True,
    skip_phases: Collection[str] = (),
) -> str:
    """The schemathesis config of a run, its reports written into the folder `reports`.

    With `peers` (a WFC auth file naming the mock user and its peer), users come from that file
    and the object-level authorization check is on. With `selected` (operationIds), only those
    operations' settings are written: a setting for an operation outside the run's selection
    would be reported as a filter that matches nothing. Without `stateful` (a selection with
    no link between its operations) the stateful phase is off instead of reporting an error.
    `skip_phases` names phases (of PHASES) the run leaves out.
    """
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
        "# what the run found is read from these two reports (see read_reports)",
        "[reports.json]",
        f"path = {_toml_value(str(reports / JSON_REPORT))}",
        "",
        "[reports.junit]",
        f"path = {_toml_value(str(reports / JUNIT_REPORT))}",
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
    if not stateful:
        lines += ["", "# no link joins two of the selected operations", "[phases.stateful]"]
        lines.append("enabled = false")
    for phase in sorted(set(skip_phases) - ({"stateful"} if not stateful else set())):
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}: one of {', '.join(PHASES)}")
        lines += ["", f"[phases.{phase}]", "enabled = false"]
    if live and not writes:
        # the coverage phase would otherwise probe PATCH/PUT/... on the selected GET paths
        lines += ["", "[phases.coverage]", "unexpected-methods = []"]
    if target.disabled:
        lines += ["", "[checks]"]
        for check, reason in target.disabled.items():
            lines += [f"# {reason}", f"{check}.enabled = false"]
    for op_id, checks in target.disabled_for.items():
        if selected is not None and op_id not in selected:
            continue
        lines += ["", "[[operations]]", f"include-operation-id = {_toml_value(op_id)}"]
        for check, reason in checks.items():
            lines += [f"# {reason}", f"checks.{check}.enabled = false"]
    return "\n".join(lines) + "\n"


JSON_REPORT = "report.json"
JUNIT_REPORT = "junit.xml"
#: schemathesis' name of an operation in its reports, e.g. "GET /contact" ("Stateful tests" and
#: the like are not operations)
_OPERATION_LABEL = re.compile(r"^[A-Z]+ /")


@dataclass(frozen=True)
class Operation:
    """One operation of a spec, as schemathesis selects and names it."""

    operation_id: str
    label: str  # "GET /contact": the name in schemathesis' reports
    tags: tuple[str, ...]
    links_to: tuple[str, ...] = ()  # labels of the operations its responses' links lead to


@functools.cache
def spec_operations(vendor: str) -> tuple[Operation, ...]:
    """Every operation of specs/<vendor>.yaml, read by schemathesis itself, so a selection made
    here is exactly the one its --include-tag / --include-operation-id filters make."""
    import schemathesis
    from schemathesis.core.result import Err
    from schemathesis.specs.openapi.stateful import collect_transitions

    schema = schemathesis.openapi.from_path(ROOT / "specs" / f"{vendor}.yaml")
    loaded = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise SystemExit(f"contract: specs/{vendor}.yaml: {result.err()}")
        loaded.append(result.ok())
    # the links the stateful phase follows, resolved as schemathesis resolves them
    transitions = collect_transitions(loaded).operations
    return tuple(
        Operation(
            str(operation.definition.raw["operationId"]),
            operation.label,
            tuple(operation.tags or ()),
            tuple(
                sorted(
                    {link.target.label for link in transitions[operation.label].outgoing}
                    if operation.label in transitions
                    else ()
                )
            ),
        )
        for operation in loaded
    )


def has_links(selection: Collection[Operation]) -> bool:
    """Whether a link joins two operations of `selection` (else there is no stateful phase)."""
    labels = {op.label for op in selection}
    return any(target in labels for op in selection for target in op.links_to)


def select(
    vendor: str,
    tags: Collection[str] | None = None,
    operation_ids: Collection[str] | None = None,
    *,
    methods: Collection[str] | None = None,
) -> list[Operation]:
    """The operations a run with these filters covers (all of them when no filter is given):
    those with one of `tags`, and among them those whose id is in `operation_ids`."""
    operations = spec_operations(vendor)
    for kind, wanted, known in (
        ("tag", tags, {tag for op in operations for tag in op.tags}),
        ("operationId", operation_ids, {op.operation_id for op in operations}),
    ):
        unknown = sorted(set(wanted or ()) - known)
        if unknown:
            raise SystemExit(
                f"contract: {vendor} has no {kind} {', '.join(map(repr, unknown))}; "
                f"it has: {', '.join(sorted(known))}"
            )
    return [
        op
        for op in operations
        if (tags is None or set(op.tags) & set(tags))
        and (operation_ids is None or op.operation_id in operation_ids)
        and (methods is None or op.label.split(" ", 1)[0] in methods)
    ]


@dataclass(frozen=True)
class CaseFailure:
    """A failing case as schemathesis reports it."""

    operation: str  # "POST /contact", or "Stateful tests" for a failing sequence of calls
    codes: str  # schemathesis' failure codes, e.g. "ST101, ST108"
    text: str  # schemathesis' own account of it, ending with the curl command that reproduces it

    def __str__(self) -> str:
        return f"--- {self.operation} [{self.codes}]\n{self.text.strip()}"


@dataclass
class Result:
    """One schemathesis run: what it covered and what it found (from its reports)."""

    vendor: str
    target: str  # "mock" or "live"
    seed: int
    max_examples: int
    tags: list[str] | None  # the run's filters (None: the whole spec)
    operation_ids: list[str] | None
    spec_digest: str  # "sha256:<hex>" of the spec file the run tested
    returncode: int
    output: str  # schemathesis' console output, for people to read (never parsed)
    cases: int = 0  # test cases generated
    failures: int = 0  # unique failures
    #: schemathesis' warnings, one entry per kind: {"kind": "validation_mismatch",
    #: "operations": ["POST /v2/calls"]} ("mostly rejected generated data"), ...
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # schemathesis' errors (hooks, network, ...)
    unhandled_errors: int = 0  # exceptions that escaped the mock's handlers (mock mode only)
    operations_tested: list[str] = field(default_factory=list)  # "GET /contact", ...
    #: operations of the selection that schemathesis did not test
    operations_untested: list[str] = field(default_factory=list)
    failed_cases: list[CaseFailure] = field(default_factory=list)

    @property
    def operations(self) -> int:
        return len(self.operations_tested)

    @property
    def passed(self) -> bool:
        # a run that tested nothing (unloadable config or spec) must never count as a pass
        return (
            self.returncode == 0
            and self.operations > 0
            and self.failures == 0
            and not self.failed_cases
            and self.unhandled_errors == 0
        )

    def summary(self) -> str:
        scope = ", ".join(
            f"{name} {', '.join(values)}"
            for name, values in (("tags", self.tags), ("operations", self.operation_ids))
            if values
        )
        return (
            f"contract {self.vendor} ({self.target}, seed {self.seed}, "
            f"max-examples {self.max_examples}{', ' + scope if scope else ''}): "
            f"{self.operations} operations, {self.cases} cases, {self.failures} failures, "
            f"{sum(len(w['operations']) for w in self.warnings)} warnings, "
            f"{len(self.errors)} errors, {self.unhandled_errors} mock crashes"
        )

    def problems(self) -> str:
        """Everything that went wrong, each failing case with its reproducing curl command."""
        parts = [str(failure) for failure in self.failed_cases]
        parts += [f"--- warning {w['kind']}: {', '.join(w['operations'])}" for w in self.warnings]
        parts += [f"--- error: {error}" for error in self.errors]
        if self.operations_untested:
            parts.append(f"--- not tested: {', '.join(self.operations_untested)}")
        if self.unhandled_errors:
            parts.append(f"--- the mock raised {self.unhandled_errors} unhandled exceptions")
        if not self.cases and not self.failed_cases:
            # no report at all: schemathesis stopped before testing (config, spec or hook error)
            parts.append("--- schemathesis output (no report):\n" + self.output[-3000:])
        return "\n\n".join(parts)

    def as_run(self) -> dict[str, Any]:
        """This run as one entry of the report's "runs"."""
        return {
            "seed": self.seed,
            "max_examples": self.max_examples,
            "tags": self.tags,
            "operations": self.operation_ids,
            "cases": self.cases,
            "failures": self.failures,
            "warnings": self.warnings,
            "unhandled_errors": self.unhandled_errors,
            "passed": self.passed,
            "operations_tested": self.operations_tested,
        }


def auth_headers(vendor: str, credentials: Mapping[str, str]) -> dict[str, str]:
    """The headers that log a user in, built from the spec's security scheme and TARGETS."""
    import base64

    target = TARGETS[vendor]
    spec = spec_model.load(ROOT / "specs" / f"{vendor}.yaml")
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


def read_reports(folder: Path, result: Result) -> None:
    """Fill `result` from schemathesis' JSON report (cases, unique failures, warnings, errors)
    and JUnit report (operations tested; each failure with its curl command) in `folder`.

    (Its NDJSON report was evaluated too: it streams raw engine events, and the warnings
    — "mostly rejected generated data", operations the stateful phase never reached — are not
    among them but computed by the CLI afterwards; the JSON report carries the CLI's verdict.)
    """
    import xml.etree.ElementTree as ET

    summary = folder / JSON_REPORT
    if summary.exists():
        document = json.loads(summary.read_text("utf-8"))
        result.cases = int(document["test_cases"]["generated"])
        result.failures = int(document["test_cases"]["unique_failures"])
        result.warnings = [
            {"kind": kind, "operations": sorted(labels)}
            for kind, labels in sorted(document["warnings"].items())
            if labels
        ]
        result.errors = [f"{e['title']} ({e['count']}x)" for e in document["errors"]]
    junit = folder / JUNIT_REPORT
    if not junit.exists():
        return
    tested: set[str] = set()
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        for failure in case.iter("failure"):
            result.failed_cases.append(
                CaseFailure(name, failure.get("message") or "", failure.text or "")
            )
        for error in case.iter("error"):
            result.failed_cases.append(CaseFailure(name, "error", error.text or ""))
        if _OPERATION_LABEL.match(name) and case.find("skipped") is None:
            tested.add(name)
    result.operations_tested = sorted(tested)


def spec_digest(vendor: str) -> str:
    """What the report's staleness check compares: the digest of the spec file's bytes."""
    data = (ROOT / "specs" / f"{vendor}.yaml").read_bytes()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def run(
    vendor: str,
    *,
    seed: int = DEFAULT_SEED,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    tags: Collection[str] | None = None,
    operation_ids: Collection[str] | None = None,
    env: Mapping[str, str] | None = None,
    skip_phases: Collection[str] = (),
) -> Result:
    """One schemathesis run over the operations of `tags` / `operation_ids` (all by default),
    every phase but those in `skip_phases`."""
    env = dict(os.environ if env is None else env)
    target = TARGETS[vendor]
    base_url = env.get(f"{target.env_prefix}_BASE_URL")
    live = bool(base_url)
    writes = env.get("CONTRACT_ALLOW_WRITES") == "1"
    read_only = live and not writes
    tags = sorted(tags) if tags else None
    operation_ids = sorted(operation_ids) if operation_ids else None
    selection = select(vendor, tags, operation_ids, methods={"GET"} if read_only else None)
    digest = spec_digest(vendor)
    running = None
    if live:
        missing = [var for var in target.live_credentials.values() if not env.get(var)]
        if missing:
            raise SystemExit(f"contract: live mode for {vendor} needs {', '.join(missing)}")
        credentials = {name: env[var] for name, var in target.live_credentials.items()}
    else:
        from crm_mocks import start_mock

        running = start_mock(vendor)
        base_url = running.url + spec_server_path(vendor)
        credentials = dict(running.credentials[target.mock_user])
    child_env = {**env, **{f"CONTRACT_SECRET_{k.upper()}": v for k, v in credentials.items()}}
    if vendor in STORED_DATA_HOOKS and (not live or writes):
        child_env |= {
            "SCHEMATHESIS_HOOKS": "crm_tools.contract_hooks",
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
            folder = Path(tmp)
            config = folder / "schemathesis.toml"
            peers = None
            if running is not None:
                users = {
                    label: running.credentials[label]
                    for label in (target.mock_user, target.peer_user)
                }
                peers = write_peers(vendor, users, folder / "peers.json")
            config.write_text(
                render_config(
                    target,
                    seed=seed,
                    max_examples=max_examples,
                    live=live,
                    writes=writes,
                    rate_limit=env.get("CONTRACT_RATE_LIMIT", "5/s") if live else None,
                    reports=folder,
                    peers=peers,
                    selected={op.operation_id for op in selection},
                    stateful=has_links(selection),
                    skip_phases=skip_phases,
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
            if tags or operation_ids:
                # The selection by id: schemathesis ORs its --include-* options of different
                # kinds (a tag OR an id OR a method), while a selection is their intersection.
                for op in selection:
                    cmd += ["--include-operation-id", op.operation_id]
            elif read_only:
                cmd += ["--include-method", "GET"]
            if read_only:
                # Read-only against real accounts: only GET operations, and no probing of other
                # methods (the unsupported-method check would send POST/PUT/DELETE to them).
                cmd += ["--exclude-checks", "unsupported_method"]
            # in the run's own folder: schemathesis and Hypothesis keep caches and an example
            # database in the working directory, and a run must depend on its seed alone
            proc = subprocess.run(cmd, env=child_env, cwd=folder, capture_output=True, text=True)
            result = Result(
                vendor,
                "live" if live else "mock",
                seed,
                max_examples,
                tags,
                operation_ids,
                digest,
                proc.returncode,
                proc.stdout + proc.stderr,
            )
            read_reports(folder, result)
        result.unhandled_errors = running.mock.unhandled_errors if running is not None else 0
    finally:
        if running is not None:
            running.stop()
    tested = set(result.operations_tested)
    result.operations_untested = [op.label for op in selection if op.label not in tested]
    _redact(result, credentials.values())
    return result


def _redact(result: Result, secrets: Collection[str]) -> None:
    """Credentials out of everything a run keeps (schemathesis prints reproduction commands)."""
    for secret in (s for s in secrets if len(s) > 3):
        result.output = result.output.replace(secret, "[redacted]")
        result.failed_cases = [
            CaseFailure(f.operation, f.codes, f.text.replace(secret, "[redacted]"))
            for f in result.failed_cases
        ]
        result.errors = [error.replace(secret, "[redacted]") for error in result.errors]


def report(results: Sequence[Result]) -> dict[str, Any]:
    """The report of one vendor's runs (format 2; read by the docs' coverage tables).

    Top level: the totals over "runs" and the union of the operations they tested; the spec
    digest lets a reader tell whether the spec changed since (no mtimes). No secrets in it.
    """
    if not results:
        raise ValueError("a report needs at least one run")
    first = results[0]
    for other in results[1:]:
        same = (other.vendor, other.target, other.spec_digest)
        if same != (first.vendor, first.target, first.spec_digest):
            raise ValueError(f"runs of different vendors, targets or specs: {same}")
    return {
        "format": REPORT_FORMAT,
        "vendor": first.vendor,
        "target": first.target,
        "spec_digest": first.spec_digest,
        "cases": sum(r.cases for r in results),
        "failures": sum(r.failures for r in results),
        "unhandled_errors": sum(r.unhandled_errors for r in results),
        "passed": all(r.passed for r in results),
        "operations_tested": sorted({op for r in results for op in r.operations_tested}),
        "runs": [r.as_run() for r in results],
    }


def write_report(results: Sequence[Result], folder: Path) -> Path:
    """Write report(results) to <folder>/<vendor>.json."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{results[0].vendor}.json" if results else folder
    path.write_text(json.dumps(report(results), indent=2) + "\n")
    return path


def _names(values: list[str] | None) -> list[str] | None:
    """`--tag "Deals,Associated Contacts" --tag Orders` -> the three tags (None when absent)."""
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crm_tools.contract",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("vendor", choices=available())
    parser.add_argument(
        "--seed",
        type=int,
        action="append",
        dest="seeds",
        metavar="N",
        help=f"one run per seed (repeatable; default {DEFAULT_SEED})",
    )
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument(
        "--tag",
        action="append",
        dest="tags",
        metavar="TAG",
        help="only the operations with this tag (repeatable, or comma-separated)",
    )
    parser.add_argument(
        "--operation-id",
        action="append",
        dest="operation_ids",
        metavar="ID",
        help="only the operation with this operationId (repeatable, or comma-separated)",
    )
    parser.add_argument(
        "--skip-phase",
        action="append",
        dest="skip_phases",
        choices=PHASES,
        default=[],
        help="leave this schemathesis phase out (repeatable; default: run every phase)",
    )
    parser.add_argument(
        "--report-dir",
        type=Path,
        default=DEFAULT_REPORT_DIR,
        help="where <vendor>.json goes (default: .contract/)",
    )
    parser.add_argument(
        "--show-config", action="store_true", help="print the schemathesis config and exit"
    )
    args = parser.parse_args(argv)
    tags, operation_ids = _names(args.tags), _names(args.operation_ids)
    if args.show_config:
        selection = select(args.vendor, tags, operation_ids)
        print(
            render_config(
                TARGETS[args.vendor],
                seed=(args.seeds or [DEFAULT_SEED])[0],
                max_examples=args.max_examples,
                live=False,
                writes=False,
                rate_limit=None,
                reports=Path("reports"),
                selected={op.operation_id for op in selection},
                stateful=has_links(selection),
                skip_phases=args.skip_phases,
            )
        )
        return 0
    results = []
    for seed in args.seeds or [DEFAULT_SEED]:
        result = run(
            args.vendor,
            seed=seed,
            max_examples=args.max_examples,
            tags=tags,
            operation_ids=operation_ids,
            skip_phases=args.skip_phases,
        )
        print(result.output)
        if not result.passed:
            print(result.problems())
        print(result.summary())
        results.append(result)
    print(f"report: {write_report(results, args.report_dir)}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
