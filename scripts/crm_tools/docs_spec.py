"""What the docs say about a vendor, read from its spec and the project's other files.

Everything per vendor in the documentation site comes from here, so a new `specs/<vendor>.yaml`
(with its generated client, mock and contract target) shows up without touching the docs code:

- `Vendor.load(spec_path)`: the spec's operations, servers, security schemes, provenance;
- markers: every `x-inferred` / `x-undocumented` element and every `x-decision`, with where it
  sits in the spec and what kind of element carries it;
- per operation: whether its request body or a success (2xx) response carries an explicit
  example (`example`/`examples` on the media type or an inline schema, following `$ref`s to
  shared responses, bodies and examples but not to named schemas);
- the generated client (`scripts/generator/vendors.yaml`, `generated/<vendor>-client/`), the
  mock's demo accounts (`mocks/crm_mocks/accounts/<vendor>.json`) and the contract runner's
  last result (`.contract/<vendor>.json`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crm_tools import spec as openapi
from crm_tools.paths import ROOT

METHODS = openapi.HTTP_METHODS
#: element kinds, in the order the docs list them
KINDS = (
    "operation",
    "parameter",
    "request body",
    "response",
    "header",
    "schema",
    "schema property",
    "security scheme",
    "example",
    "other",
)
# keyword values that hold data, not spec elements: never searched for markers
_DATA_KEYS = {"example", "examples", "enum", "const", "default", "x-decision", "x-provenance"}
_DATA_KEYS |= {"x-pagination"}
# keys whose mapping values are named children (a child named `example` is not the keyword)
_NAME_MAPS = openapi.SCHEMA_NAME_MAPS

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Decision:
    id: str
    documented: str
    chosen: str
    why: str
    where: str  # human-readable location in the spec


@dataclass(frozen=True)
class Marked:
    """An element carrying `x-inferred` or `x-undocumented`."""

    marker: str  # "x-inferred" | "x-undocumented"
    kind: str
    where: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str
    operation_id: str
    summary: str
    tag: str
    has_examples: bool
    required_params: bool
    paginated: bool
    inferred: bool
    undocumented: bool

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class ContractResult:
    """The contract runner's last result for a vendor (`.contract/<vendor>.json`)."""

    target: str
    cases: int
    failures: int
    operations_tested: frozenset[str]
    source: Path
    #: "sha256:<hex>" of the spec file the run tested; None in reports of the old format
    spec_digest: str | None = None


@dataclass
class Vendor:
    slug: str
    spec_path: Path
    spec: dict[str, Any]
    operations: list[Operation] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    marked: list[Marked] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # kind -> elements in the spec

    @classmethod
    def load(cls, spec_path: Path) -> Vendor:
        spec = openapi.load(spec_path)
        if not isinstance(spec, dict):
            raise ValueError(f"{spec_path}: not an OpenAPI document")
        vendor = cls(spec_path.stem, spec_path, spec)
        vendor._analyse()
        return vendor

    # --- names -------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        """Display name from the file name: zendesk-sell -> Zendesk Sell."""
        return self.slug.replace("-", " ").title()

    @property
    def title(self) -> str:
        return str(self.spec["info"]["title"])

    @property
    def version(self) -> str:
        return str(self.spec["info"]["version"])

    @property
    def summary(self) -> str:
        return str(self.spec["info"].get("summary") or "")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.spec_path.read_bytes()).hexdigest()

    @property
    def provenance(self) -> list[dict[str, str]]:
        return [
            {str(k): str(v) for k, v in entry.items()}
            for entry in self.spec["info"].get("x-provenance") or []
        ]

    @property
    def servers(self) -> list[dict[str, Any]]:
        return list(self.spec.get("servers") or [])

    @property
    def security_schemes(self) -> dict[str, dict[str, Any]]:
        return dict((self.spec.get("components") or {}).get("securitySchemes") or {})

    def server_url(self, index: int = 0) -> str:
        """servers[index].url with its variables at their defaults."""
        return openapi.server_url(self.spec, index)

    def server_path(self) -> str:
        """The path part of the first server: where a mock serves the spec's paths."""
        return openapi.server_path(self.spec)

    # --- analysis ----------------------------------------------------------------------------

    def _analyse(self) -> None:
        self.totals = dict.fromkeys(KINDS, 0)
        for path, node in _elements(self.spec, ()):
            kind = element_kind(path)
            if "$ref" in node and len(node) == 1:
                continue
            self.totals[kind] += 1
            for marker in ("x-inferred", "x-undocumented"):
                if node.get(marker) is True:
                    self.marked.append(
                        Marked(
                            marker,
                            kind,
                            describe(path, self.spec),
                            " ".join(str(node.get("description") or "").split()),
                        )
                    )
            decision = node.get("x-decision")
            for item in decision if isinstance(decision, list) else [decision]:
                if isinstance(item, dict):
                    self.decisions.append(
                        Decision(
                            str(item.get("id", "")),
                            str(item.get("documented", "")),
                            str(item.get("chosen", "")),
                            str(item.get("why", "")),
                            describe(path, self.spec),
                        )
                    )
        self.decisions.sort(key=lambda d: _natural(d.id))
        for found in openapi.operations(self.spec):
            op = found.node
            params = openapi.parameters(self.spec, found).values()
            self.operations.append(
                Operation(
                    method=found.method.upper(),
                    path=found.path,
                    operation_id=str(op.get("operationId", "")),
                    summary=str(op.get("summary", "")),
                    tag=str((op.get("tags") or [""])[0]),
                    has_examples=self._has_examples(_payloads(op)),
                    required_params=any(p.get("required") for p in params),
                    paginated="x-pagination" in op,
                    inferred=op.get("x-inferred") is True,
                    undocumented=op.get("x-undocumented") is True,
                )
            )

    def resolve(self, node: Any) -> dict[str, Any]:
        """`node` with its local `$ref`s followed (the spec model's resolution); {} where a
        reference does not resolve (the lint gate reports it)."""
        resolved = openapi.try_resolve(self.spec, node)
        return resolved if isinstance(resolved, dict) else {}

    def _has_examples(self, node: dict[str, Any]) -> bool:
        def search(node: Any, seen: frozenset[str], name_map: bool = False) -> bool:
            if isinstance(node, list):
                return any(search(item, seen) for item in node)
            if not isinstance(node, dict):
                return False
            ref = node.get("$ref")
            if isinstance(ref, str):
                if ref.startswith("#/components/schemas/") or ref in seen:
                    return False
                return search(self.resolve({"$ref": ref}), seen | {ref})
            for key, value in node.items():
                if not name_map and key in ("example", "examples"):
                    return True
                if key.startswith("x-") or key in ("links", "callbacks"):
                    continue
                if search(value, seen, name_map=not name_map and key in _NAME_MAPS):
                    return True
            return False

        return search(node, frozenset())

    # --- counts for the docs -----------------------------------------------------------------

    def count(self, marker: str, kind: str | None = None) -> int:
        return sum(1 for m in self.marked if m.marker == marker and kind in (None, m.kind))

    # --- the rest of the project -------------------------------------------------------------

    def client(self) -> Client | None:
        """The generated client package, if `make generate` produced one."""
        settings = _generator_settings().get(self.slug)
        folder = ROOT / "generated" / f"{self.slug}-client"
        if not isinstance(settings, dict) or not folder.is_dir():
            return None
        package = str(settings.get("package") or self.slug.replace("-", "_") + "_client")
        connect = settings.get("connect") or {}
        params = [
            str(connect[slot]["param"])
            for slot in ("username", "password", "token", "key")
            if isinstance(connect.get(slot), dict) and "param" in connect[slot]
        ]
        return Client(package, folder, params)

    def demo_users(self) -> list[dict[str, Any]]:
        """The mock's demo users ({account, label, credentials}), first one first; [] without
        a mock."""
        path = ROOT / "mocks" / "crm_mocks" / "accounts" / f"{self.slug}.json"
        if not path.exists():
            return []
        data = json.loads(path.read_text("utf-8"))
        return [
            {"account": account.get("id"), "label": user["label"], **user}
            for account in data.get("accounts", [])
            for user in account.get("users", [])
        ]

    def contract_result(self, folder: Path) -> ContractResult | None:
        path = folder / f"{self.slug}.json"
        if not path.exists():
            return None
        data = json.loads(path.read_text("utf-8"))
        prefix = self.server_path()
        tested: set[str] = set()
        for entry in data.get("operations_tested") or []:
            method, _, op_path = str(entry).partition(" ")
            if prefix and op_path.startswith(prefix + "/"):  # tolerate server-relative paths
                candidate = f"{method.upper()} {op_path[len(prefix) :]}"
                if candidate in {op.key for op in self.operations}:
                    op_path = op_path[len(prefix) :]
            tested.add(f"{method.upper()} {op_path}")
        return ContractResult(
            target=str(data.get("target", "?")),
            cases=int(data.get("cases") or 0),
            failures=int(data.get("failures") or 0),
            operations_tested=frozenset(tested),
            source=path,
            spec_digest=str(data["spec_digest"]) if data.get("spec_digest") else None,
        )


@dataclass(frozen=True)
class Client:
    package: str
    folder: Path
    connect_params: list[str]  # connect()'s positional credential arguments, in order

    def module_for(self, op: Operation) -> str | None:
        """`<package>.api.<tag>.<operation>` if the generator wrote that module."""
        name = snake_case(op.operation_id)
        found = sorted((self.folder / self.package / "api").glob(f"*/{name}.py"))
        return f"{self.package}.api.{found[0].parent.name}.{name}" if len(found) == 1 else None


def _payloads(op: dict[str, Any]) -> dict[str, Any]:
    """The parts of an operation that an example illustrates: its request body and its
    success (2xx) responses."""
    responses = op.get("responses") or {}
    return {
        "requestBody": op.get("requestBody"),
        "responses": {code: r for code, r in responses.items() if str(code).startswith("2")},
    }


def snake_case(name: str) -> str:
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).replace("-", "_").lower()


def load_vendors(specs: Path = ROOT / "specs") -> list[Vendor]:
    return [Vendor.load(path) for path in sorted(specs.glob("*.yaml"))]


# --- spec walking ------------------------------------------------------------------------------


def _elements(node: Any, path: Path_) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Every object of the spec that is an element (not example data), with its path."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            yield from _elements(item, (*path, i))
        return
    if not isinstance(node, dict):
        return
    name_map = bool(path) and path[-1] in _NAME_MAPS and _is_keyword_position(path)
    if not name_map:
        yield path, node
    for key, value in node.items():
        if not name_map and key == "examples" and isinstance(value, dict):
            # a map of Example objects (media type, parameter, header, components): the objects
            # are elements (they may carry an x-decision), their `value` is data
            for name, example in value.items():
                if isinstance(example, dict):
                    yield (*path, key, name), example
            continue
        if not name_map and key in _DATA_KEYS:
            continue
        yield from _elements(value, (*path, key))


def _is_keyword_position(path: Path_) -> bool:
    """True unless `path[-1]` is itself a property name (a property called `properties`)."""
    return not (len(path) >= 2 and path[-2] in _NAME_MAPS and _is_keyword_position(path[:-1]))


def element_kind(path: Path_) -> str:
    n = len(path)
    if n == 3 and path[0] == "paths" and path[2] in METHODS:
        return "operation"
    if n >= 2 and path[-2] == "examples":
        return "example"
    if n == 3 and path[0] == "components":
        return {
            "parameters": "parameter",
            "requestBodies": "request body",
            "responses": "response",
            "headers": "header",
            "schemas": "schema",
            "securitySchemes": "security scheme",
            "examples": "example",
        }.get(str(path[1]), "other")
    if n >= 2 and path[-2] == "parameters" and isinstance(path[-1], int):
        return "parameter"
    if n >= 1 and path[-1] == "requestBody":
        return "request body"
    if n >= 2 and path[-2] == "responses":
        return "response"
    if n >= 2 and path[-2] == "headers":
        return "header"
    if n >= 2 and path[-2] in _NAME_MAPS and _is_keyword_position(path[:-1]):
        return "schema property"
    if n >= 1 and path[-1] in ("schema", "items", "additionalProperties", "not", "contains"):
        return "schema"
    if n >= 2 and path[-2] in ("oneOf", "anyOf", "allOf", "prefixItems"):
        return "schema"
    return "other"


def describe(path: Path_, spec: Mapping[str, Any]) -> str:
    """A reader's name for a place in the spec: `GET /contact` › response `200` › ..."""
    parts: list[str] = []
    node: Any = spec
    i = 0
    if path[:1] == ("paths",) and len(path) >= 3 and path[2] in METHODS:
        parts.append(f"`{str(path[2]).upper()} {path[1]}`")
        node = spec["paths"][path[1]][path[2]]
        i = 3
    elif path[:1] == ("paths",) and len(path) >= 2:
        parts.append(f"path `{path[1]}`")
        node = spec["paths"][path[1]]
        i = 2
    elif path[:1] == ("components",) and len(path) >= 3:
        singular = {
            "schemas": "schema",
            "parameters": "parameter",
            "responses": "response",
            "requestBodies": "request body",
            "headers": "header",
            "securitySchemes": "security scheme",
            "examples": "example",
            "links": "link",
        }.get(str(path[1]), str(path[1]))
        parts.append(f"{singular} `{path[2]}`")
        node = spec["components"][path[1]][path[2]]
        i = 3
    elif path[:1] == ("servers",) and len(path) >= 2:
        parts.append(f"server `{spec['servers'][path[1]]['url']}`")
        node = spec["servers"][path[1]]
        i = 2
    elif path[:1] == ("tags",) and len(path) >= 2:
        parts.append(f"tag `{spec['tags'][path[1]].get('name')}`")
        node = spec["tags"][path[1]]
        i = 2
    elif not path:
        return "the whole API"
    elif path == ("info",):
        return "the API (`info`)"
    while i < len(path):
        key = path[i]
        child = _child(node, key)
        if key in ("parameters",) and i + 1 < len(path) and isinstance(path[i + 1], int):
            param = _child(child, path[i + 1]) or {}
            name = param.get("name") or str(param.get("$ref", "")).rsplit("/", 1)[-1]
            parts.append(f"parameter `{name}`")
            node, i = param, i + 2
            continue
        if key in ("responses", "properties", "headers", "variables", "links") and i + 1 < len(
            path
        ):
            label = {
                "responses": "response",
                "properties": "property",
                "headers": "header",
                "variables": "variable",
                "links": "link",
            }[str(key)]
            parts.append(f"{label} `{path[i + 1]}`")
            node, i = child[path[i + 1]] if isinstance(child, dict) else None, i + 2
            continue
        if key == "requestBody":
            parts.append("request body")
        elif key == "content" and i + 1 < len(path):
            node, i = child[path[i + 1]] if isinstance(child, dict) else None, i + 2
            continue
        elif key == "schema":
            pass
        elif isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(str(key))
        node, i = child, i + 1
    return " › ".join(parts)


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
        return node[key]
    return None


def _natural(text: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text)]


def client_packages() -> dict[str, str]:
    """Generated client package -> vendor, for every vendor the generator knows."""
    return {
        str(settings.get("package") or slug.replace("-", "_") + "_client"): str(slug)
        for slug, settings in _generator_settings().items()
        if isinstance(settings, dict)
    }


def _generator_settings() -> dict[str, Any]:
    path = ROOT / "scripts" / "generator" / "vendors.yaml"
    data = yaml.safe_load(path.read_text("utf-8")) if path.exists() else None
    return data if isinstance(data, dict) else {}
