"""Markdown for the generated pages of the documentation site (see crm_tools.build_docs).

Every Python block written here is executed by tests/docs/test_snippets.py against the vendor's
mock (with `http://127.0.0.1:8080` pointed at it), so keep each block self-contained and make
it fail loudly (an `assert`) when the call it shows does not work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from crm_tools import paths
from crm_tools.docs_spec import KINDS, Client, ContractResult, Operation, Vendor
from crm_tools.evidence import cite

EVIDENCE = paths.EVIDENCE  # facts and sources
MOCK_ROOT = "http://127.0.0.1:8080"  # the snippets' mock address, as in README's quickstart


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|")


def table(header: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A short list of labelled facts."""
    return "\n".join(f"- **{label}:** {value}" for label, value in pairs) + "\n"


def details(summary: str, body: str, kind: str = "note") -> str:
    """A collapsed block (pymdownx.details)."""
    indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
    return f'??? {kind} "{summary}"\n\n{indented}\n'


def tested_text(vendor: Vendor, contract: ContractResult | None) -> str:
    if contract is None:
        return "not measured"
    tested = sum(1 for op in vendor.operations if op.key in contract.operations_tested)
    return f"{tested} of {len(vendor.operations)}"


# --- overview ------------------------------------------------------------------------------


def vendor_table(vendors: list[Vendor], contracts: dict[str, ContractResult | None]) -> str:
    rows = []
    for v in vendors:
        rows.append(
            [
                f"[{v.name}](vendors/{v.slug}.md)",
                len(v.operations),
                tested_text(v, contracts.get(v.slug)),
                len(v.decisions),
                v.count("x-undocumented"),
                v.count("x-inferred"),
                f"[Redoc](reference/{v.slug}.html)",
            ]
        )
    return table(
        [
            "vendor",
            "operations",
            "contract-tested",
            "decisions",
            "undocumented",
            "inferred",
            "reference",
        ],
        rows,
    )


# --- a vendor's page -----------------------------------------------------------------------


def vendor_page(vendor: Vendor, contract: ContractResult | None, contract_note: str) -> str:
    client = vendor.client()
    sections = [
        f"# {vendor.name}\n",
        *([f"{vendor.summary}\n"] if vendor.summary else []),
        facts(
            [
                ("API", f"{vendor.title}, version {vendor.version}"),
                ("spec", f"`specs/{vendor.spec_path.name}` (sha256 `{vendor.sha256[:12]}…`)"),
                ("operations", str(len(vendor.operations))),
                (
                    "client",
                    f"`{client.package}` in `generated/{client.folder.name}`"
                    if client
                    else "not generated yet",
                ),
                ("mock", f"`crm-mock {vendor.slug}`" if vendor.demo_users() else "none yet"),
            ]
        ),
        "",
        f"The [full API reference](../reference/{vendor.slug}.html) renders the whole spec "
        "(every operation, parameter, schema and example) with Redoc.\n",
        base_url_section(vendor),
        quickstart_section(vendor),
        mock_section(vendor),
        contract_section(vendor),
        coverage_section(vendor, contract, contract_note),
        markers_section(vendor),
        decisions_section(vendor),
        provenance_section(vendor),
    ]
    return "\n".join(sections).rstrip() + "\n"


def base_url_section(vendor: Vendor) -> str:
    out = ["## Base URL and authentication\n"]
    for server in vendor.servers:
        out.append(f"- `{server['url']}` — {' '.join(str(server.get('description', '')).split())}")
        for name, variable in (server.get("variables") or {}).items():
            out.append(
                f"    - `{{{name}}}` (default `{variable.get('default', '')}`): "
                + " ".join(str(variable.get("description", "")).split())
            )
    out.append("")
    schemes = vendor.security_schemes
    if schemes:
        rows = []
        for name, scheme in schemes.items():
            how = {
                "http": f"HTTP {str(scheme.get('scheme', '')).title()}",
                "apiKey": f"API key in {scheme.get('in')} `{scheme.get('name')}`",
            }.get(str(scheme.get("type")), str(scheme.get("type")))
            rows.append([f"`{name}`", how, scheme.get("description", "")])
        out += [table(["scheme", "type", "how"], rows), ""]
    return "\n".join(out)


@dataclass(frozen=True)
class Example:
    """What the runnable examples of a vendor page call: one GET operation without required
    parameters (a paginated list if there is one), as the mock's first demo user."""

    client: Client
    op: Operation
    package: str  # <client>.api.<tag>
    name: str  # the operation's module
    label: str  # the demo user
    credentials: dict[str, str]


def example_call(vendor: Vendor) -> Example | None:
    """None when the vendor has no generated client or no mock yet."""
    client = vendor.client()
    users = vendor.demo_users()
    if client is None or not users:
        return None
    credentials = {str(k): str(v) for k, v in users[0]["credentials"].items()}
    if any(param not in credentials for param in client.connect_params):
        return None
    candidates = [op for op in vendor.operations if op.method == "GET" and not op.required_params]
    candidates.sort(key=lambda op: not op.paginated)  # a list with pages first
    for op in candidates:
        module = client.module_for(op)
        if module:
            package, name = module.rsplit(".", 1)
            return Example(client, op, package, name, str(users[0]["label"]), credentials)
    return None


def quickstart_snippets(vendor: Vendor) -> list[str]:
    """Runnable quickstart blocks (none when the vendor has no client or no mock yet)."""
    ex = example_call(vendor)
    if ex is None:
        return []
    args = ", ".join(json.dumps(ex.credentials[p]) for p in ex.client.connect_params)
    head = [
        f"from {ex.client.package} import connect",
        f"from {ex.package} import {ex.name}",
        "",
        f'client = connect({args}, base_url="{MOCK_ROOT}{vendor.server_path()}")',
        "",
    ]
    blocks = [
        "\n".join(
            [
                *head,
                f"# {ex.op.key}: {ex.op.summary}",
                f"response = {ex.name}.sync_detailed(client=client)",
                "print(response.status_code, response.parsed)",
                "assert response.status_code == 200",
            ]
        )
    ]
    if ex.op.paginated:
        blocks.append(
            "\n".join(
                [
                    *head,
                    "# every page, fetched lazily",
                    f"items = list({ex.name}.iterate(client=client))",
                    'print(len(items), "items")',
                    "assert isinstance(items, list)",
                ]
            )
        )
    return blocks


def fixture_snippet(vendor: Vendor) -> str | None:
    """A test of the reader's own, using the vendor's pytest fixture."""
    ex = example_call(vendor)
    if ex is None:
        return None
    fixture = vendor.slug.replace("-", "_") + "_mock"
    path = vendor.server_path()
    base = f'{fixture}.url + "{path}"' if path else f"{fixture}.url"
    creds = ", ".join(
        f"{fixture}.credentials[{json.dumps(ex.label)}][{json.dumps(param)}]"
        for param in ex.client.connect_params
    )
    return "\n".join(
        [
            f"from {ex.client.package} import connect",
            f"from {ex.package} import {ex.name}",
            "",
            "",
            f"def test_{ex.name}({fixture}):",
            f"    client = connect({creds}, base_url={base})",
            f"    assert {ex.name}.sync_detailed(client=client).status_code == 200",
            f'    assert {fixture}.requests()[-1]["method"] == "GET"',
        ]
    )


def quickstart_section(vendor: Vendor) -> str:
    client = vendor.client()
    out = ["## Quickstart with the generated client\n"]
    if client is None:
        return "\n".join(out + ["No client has been generated for this spec yet (`make`).\n"])
    out += [
        "```sh",
        "make                      # lint the specs, generate the clients",
        f".venv/bin/pip install -e generated/{client.folder.name}",
        f".venv/bin/crm-mock {vendor.slug} --port 8080 &",
        "```",
        "",
    ]
    snippets = quickstart_snippets(vendor)
    if not snippets:
        out.append(f"`{client.package}.connect()` builds an authenticated client; see its README.")
    for i, snippet in enumerate(snippets):
        if i == 1:
            out.append(
                "List operations marked `x-pagination` also have `iterate()`, which walks "
                "every page:\n"
            )
        out += ["```python", snippet, "```", ""]
    variables = [f'{name}="<{name}>"' for name in (vendor.servers[0].get("variables") or {})]
    placeholders = [f'"<{param}>"' for param in client.connect_params]
    real = ", ".join(placeholders + variables)
    out.append(
        f"Against the real service, leave out `base_url`: `connect({real})` talks to "
        f"`{vendor.servers[0]['url']}`. Every operation has `sync`, `sync_detailed`, `asyncio` "
        f"and `asyncio_detailed`; the client's own README is "
        f"`generated/{client.folder.name}/README.md`.\n"
    )
    return "\n".join(out)


def mock_section(vendor: Vendor) -> str:
    users = vendor.demo_users()
    out = ["## Run the mock\n"]
    if not users:
        return "\n".join(out + ["This vendor has no mock yet.\n"])
    fixture = vendor.slug.replace("-", "_") + "_mock"
    out += [
        "```sh",
        f"make mock VENDOR={vendor.slug} PORT=8080      # or: .venv/bin/crm-mock {vendor.slug}",
        "```",
        "",
        f"It serves the spec's paths under `http://127.0.0.1:8080{vendor.server_path()}`, keeps "
        "state in SQLite (in memory unless `--db FILE`), and has control endpoints outside the "
        "vendor's paths (`GET /__mock__/health`, `POST /__mock__/reset` with "
        "`Content-Type: application/json`, `GET /__mock__/requests`), answered on loopback "
        "host names only. Demo credentials (public test values; `--accounts FILE` "
        "replaces them):\n",
        table(
            ["label", "account", "credentials"],
            [
                [
                    f"`{u['label']}`",
                    f"`{u['account']}`",
                    ", ".join(f"{k} `{v}`" for k, v in u["credentials"].items()),
                ]
                for u in users
            ],
        ),
        "",
        f"In your own pytest suite (with `crm_mocks` installed) the `{fixture}` fixture runs one "
        "server per session on a free port and resets it before every test:\n",
    ]
    snippet = fixture_snippet(vendor)
    if snippet:
        out += ["```python", snippet, "```", ""]
    return "\n".join(out)


def contract_targets() -> Mapping[str, Any]:
    """The contract runner's per-vendor targets (env var names, disabled checks and why)."""
    from crm_tools.contract import TARGETS  # the runner imports schemathesis: only when asked

    return TARGETS


def _contract_target(vendor: Vendor) -> Any:
    return contract_targets().get(vendor.slug)


def contract_section(vendor: Vendor) -> str:
    out = [
        "## Contract tests\n",
        "```sh",
        f"make contract VENDOR={vendor.slug}",
        f".venv/bin/python -m crm_tools.contract {vendor.slug} --max-examples 5   # a quick run",
        "```",
        "",
        "schemathesis holds the spec against a fresh mock: every default check; examples, "
        "coverage, fuzzing and stateful phases through the spec's links; a fixed seed. Any "
        "exception that escapes the mock's handlers fails the run.\n",
    ]
    target = _contract_target(vendor)
    if target is None:
        return "\n".join(out + ["The contract runner has no target for this vendor yet.\n"])
    variables = [f"`{target.env_prefix}_BASE_URL`"] + [
        f"`{var}`" for var in target.live_credentials.values()
    ]
    out.append(
        f"**Live mode**: set {', '.join(variables)} and the same command tests the real service "
        "— GET operations only unless `CONTRACT_ALLOW_WRITES=1`, at most `CONTRACT_RATE_LIMIT` "
        "requests (default `5/s`).\n"
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for check, why in target.disabled.items():
        grouped.setdefault((check, why), []).append("every operation")
    for op_id, checks in target.disabled_for.items():
        for check, why in checks.items():
            grouped.setdefault((check, why), []).append(f"`{op_id}`")
    if grouped:
        out += [
            "Checks switched off, each for a reason the vendor documents:\n",
            table(
                ["check", "where", "why"],
                [[f"`{c}`", ", ".join(where), why] for (c, why), where in grouped.items()],
            ),
            "",
        ]
    return "\n".join(out)


def coverage_section(vendor: Vendor, contract: ContractResult | None, note: str) -> str:
    ops = vendor.operations
    with_examples = sum(op.has_examples for op in ops)
    out = ["## Coverage\n"]
    measured = "not measured" if contract is None else tested_text(vendor, contract)
    out += [
        table(
            ["", "count"],
            [
                ["operations specced", len(ops)],
                ["operations with examples", f"{with_examples} of {len(ops)}"],
                ["operations exercised by the contract tests", measured],
                ["inferred items (`x-inferred`)", vendor.count("x-inferred")],
                ["undocumented items (`x-undocumented`)", vendor.count("x-undocumented")],
                ["decisions (`x-decision`)", len(vendor.decisions)],
            ],
        ),
        "",
        note + "\n",
        "An operation *has examples* when its request body or a success (2xx) response carries "
        "an `example`/`examples` (shared responses included, named schemas not).\n",
    ]
    rows = [
        [
            f"`{op.method}`",
            f"`{op.path}`",
            op.summary,
            "yes" if op.has_examples else "—",
            "—" if contract is None else ("yes" if op.key in contract.operations_tested else "no"),
            _op_marker(op),
        ]
        for op in ops
    ]
    out.append(
        details(
            f"Every operation ({len(ops)})",
            table(["method", "path", "summary", "examples", "contract-tested", "marker"], rows),
            "abstract",
        )
    )
    return "\n".join(out)


def _op_marker(op: Operation) -> str:
    return "inferred" if op.inferred else "undocumented" if op.undocumented else "documented"


def markers_section(vendor: Vendor) -> str:
    out = [
        "## Documented, undocumented, inferred\n",
        "Counted from the markers in the spec ([what they mean](../extensions.md)): "
        "*undocumented* = absent from the vendor's documentation but shown by a client library "
        "or live evidence; *inferred* = our inference, stated by no source.\n",
    ]
    rows = []
    for kind in KINDS:
        total = vendor.totals.get(kind, 0)
        undocumented = vendor.count("x-undocumented", kind)
        inferred = vendor.count("x-inferred", kind)
        if kind in ("example", "other") and not (undocumented or inferred):
            continue
        if total == 0:
            continue
        rows.append([kind, total, total - undocumented - inferred, undocumented, inferred])
    out += [table(["element", "in the spec", "documented", "undocumented", "inferred"], rows), ""]
    for marker, label in (("x-inferred", "Inferred"), ("x-undocumented", "Undocumented")):
        items = [m for m in vendor.marked if m.marker == marker]
        if items:
            body = table(
                ["where", "kind", "description"], [[m.where, m.kind, m.description] for m in items]
            )
            out.append(details(f"{label} items ({len(items)})", body, "info"))
    return "\n".join(out)


def decisions_section(vendor: Vendor) -> str:
    out = [
        "## Vendor-doc inconsistencies and decisions\n",
        f"{len(vendor.decisions)} places where the sources contradict each other or are silent "
        "on something a client must know, each recorded in the spec as an `x-decision`.\n",
    ]
    for d in vendor.decisions:
        # its evidence anchor (docs/evidence/index.md), resolved as crm_tools.evidence does:
        # `<page>-11.6` -> <page>.md#<page>-11-6 (Sell's 10N.x -> the companion page's N.x)
        page, _, number = d.id.rpartition("-")
        cited = cite("", 0, d.id, page, number)
        evidence = (
            f" — [evidence](../evidence/{cited.sheet}.md#{cited.anchor})"
            if (EVIDENCE / f"{cited.sheet}.md").is_file()
            else ""
        )
        out += [
            f"### {d.id}\n",
            f"*In {d.where}*{evidence}\n",
            f"**Sources say:** {' '.join(d.documented.split())}\n",
            f"**Chosen:** {' '.join(d.chosen.split())}\n",
            f"**Why:** {' '.join(d.why.split())}\n",
        ]
    return "\n".join(out)


def provenance_section(vendor: Vendor) -> str:
    out = ["## Sources\n"]
    for entry in vendor.provenance:
        ref = entry.get("ref", "")
        shown = f"<{ref}>" if ref.startswith(("http://", "https://")) else f"`{ref}`"
        page = ref.rsplit("/", 1)[-1]
        if ref.startswith(("shared/reference/", "docs/evidence/")) and (EVIDENCE / page).is_file():
            shown = f"[evidence/{page}](../evidence/{page})"  # the fact sheet, restated
        out.append(f"- **{entry.get('kind', '')}** — {entry.get('title', '')} ({shown})")
    return "\n".join(out) + "\n"


def lint_rules_page() -> str:
    """Every rule of the lint gate, from its registry: the name, what it requires, and the
    module that checks it (where `@rule` declares it)."""
    from crm_tools.lint import RULES
    from crm_tools.lint.registry import WHERE

    rows = [
        [f"`{name}`", text, f"`{WHERE[name].removeprefix('crm_tools.lint.')}`"]
        for name, text in sorted(RULES.items())
    ]
    return "\n".join(
        [
            "# Lint rules\n",
            "What `make lint` (`python -m crm_tools.lint`) checks in every spec, on top of "
            "openapi-spec-validator. Each rule is declared where it is checked, with "
            "`@rule(name, doc=...)` in `scripts/crm_tools/lint/`; this page, the gate's `--help` "
            "and the test that every rule has a failing case read that registry.\n",
            table(["rule", "requires", "checked in"], rows),
            "",
        ]
    )
