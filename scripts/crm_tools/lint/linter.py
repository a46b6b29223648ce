"""The linter: one spec document, the state every rule shares (operations, resolved refs,
walked nodes, caches) and the helpers several rule families use. The rules themselves live in
`crm_tools.lint.rules`, one module per family, registered with `@rule`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

from referencing import Registry

from crm_tools import spec as openapi
from crm_tools.lint.problems import Problem
from crm_tools.lint.registry import CHECKS, RULES
from crm_tools.spec import (
    NAME_MAPS,
    Operation,
    RefError,
    join,
    split_pointer,
)

KNOWN_EXTENSIONS = (
    "x-provenance",
    "x-inferred",
    "x-undocumented",
    "x-decision",
    "x-alias-of",
    "x-pagination",
)
PROVENANCE_KINDS = ("vendor-docs", "client-library", "live-evidence", "fact-sheet")
OPERATION_ID_RE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
CLIENT_ERROR_RE = re.compile(r"^4([0-9]{2}|XX)$")
OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"

# Keys whose values are data, not OpenAPI/JSON Schema structure.
DATA_KEYS = frozenset({"example", "default", "enum", "const"})
# Keys of objects that have no `description` field (exempt from extension-description).
NO_DESCRIPTION_KEYS = frozenset({"discriminator", "xml", "flows"})

SCHEMA_SINGLE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
SCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAP = ("properties", "patternProperties", "$defs", "dependentSchemas")


@dataclass
class Stats:
    operations: int = 0
    examples: int = 0
    links: int = 0


@dataclass(frozen=True)
class Node:
    """A mapping met while walking the document."""

    pointer: str
    obj: dict[str, Any]
    key: str  # its key in the parent (for list items: the list's key)
    parent_key: str
    is_map: bool  # a map of user-chosen names (properties, content, components/schemas, ...)


def shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _file_uri(source: str) -> str:
    return Path(source).resolve().as_uri()


class Linter:
    """Runs every rule on one document. Use ``lint()`` unless you also want ``stats``."""

    def __init__(self, document: Any, source: str) -> None:
        self.doc = document
        self.source = source
        self.base_uri = _file_uri(source)
        self.vendor = Path(source).stem
        self.documents: dict[str, Any] = {self.base_uri: document}
        self.load_errors: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.stats = Stats()
        self.operations: list[Operation] = []
        self.op_by_id: dict[str, Operation] = {}
        self.op_by_node: dict[int, Operation] = {}
        self._registry: Registry[Any] | None = None
        self._validator_classes: dict[str, Any] = {}
        self._flagged: dict[tuple[int, str], set[str]] = {}
        self._nodes: list[Node] | None = None
        self._value_sites: list[tuple[str, dict[str, Any], str, str]] | None = None
        self._resolved: dict[tuple[str, str], tuple[Any, str] | str] = {}

    def report(self, pointer: str, message: str, rule: str) -> None:
        if rule not in RULES:  # every rule is declared (and documented) where it is checked
            raise KeyError(f"lint rule {rule!r} is not registered")
        self.problems.append(Problem(pointer, message, rule))

    def run(self) -> list[Problem]:
        if not isinstance(self.doc, Mapping):
            self.report("", "the document is not a mapping (an OpenAPI object)", "structure")
            return self.problems
        self.collect_operations()
        for check in CHECKS:
            try:
                check(self)
            except Exception as exc:  # a gate bug or a shape no rule expected: never silent
                self.report(
                    "",
                    f"the gate stopped in {check.__name__} ({type(exc).__name__}: {exc}); the "
                    "spec is probably malformed there; fix the other problems first",
                    "structure",
                )
        unique: dict[Problem, None] = dict.fromkeys(self.problems)
        self.problems = list(unique)
        return self.problems

    def _load_document(self, uri: str) -> Any:
        """The document at `uri`: only this spec itself (the spec model reads one file)."""
        if uri == self.base_uri:
            return self.doc
        raise RefError(f"{uri!r} is another document: {openapi.EXTERNAL_REF}")

    def resolve_ref(self, ref: Any, base_uri: str) -> tuple[Any, str]:
        """Resolve a $ref value against base_uri: (target, absolute URI with fragment)."""
        if not isinstance(ref, str):
            raise RefError(f"$ref must be a string, got {type(ref).__name__}")
        cached = self._resolved.get((ref, base_uri))
        if cached is None:
            try:
                cached = self._resolve_ref(ref, base_uri)
            except RefError as exc:
                cached = str(exc)
            self._resolved[(ref, base_uri)] = cached
        if isinstance(cached, str):
            raise RefError(cached)
        return cached

    def _resolve_ref(self, ref: str, base_uri: str) -> tuple[Any, str]:
        node, _pointer = openapi.resolve_ref(self.doc, ref)  # local refs only, as every tool
        return node, urljoin(base_uri, ref)

    def deref(self, node: Any, base_uri: str | None = None) -> tuple[Any, str]:
        """Follow a chain of $ref objects; returns (target, URI of the target with fragment)."""
        uri = base_uri or self.base_uri
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            node, uri = self.resolve_ref(node["$ref"], uri)
            if uri in seen:
                raise RefError(f"$ref cycle through {uri}")
            seen.add(uri)
        return node, uri

    def try_deref(self, node: Any, base_uri: str | None = None) -> tuple[Any, str] | None:
        try:
            return self.deref(node, base_uri)
        except RefError:
            return None

    def deref_object(self, node: Any, pointer: str) -> tuple[Any, str, str] | None:
        """`node` with its $refs followed: (target, the target's URI, where the target is
        written: `pointer`, or the target's own pointer when `node` is a $ref). None unless it
        resolves to an object (an unresolved $ref is reported by unresolved-ref)."""
        resolved = self.try_deref(node)
        if resolved is None or not isinstance(resolved[0], Mapping):
            return None
        target, uri = resolved
        if isinstance(node, Mapping) and "$ref" in node:
            pointer = self.pointer_of(uri, pointer)
        return target, uri, pointer

    def report_blank_strings(
        self, node: Mapping[str, Any], keys: tuple[str, ...], pointer: str, what: str, rule: str
    ) -> None:
        """Report each of `keys` whose value in `node` is not a non-empty string."""
        for key in keys:
            value = node.get(key)
            if not isinstance(value, str) or not value.strip():
                self.report(
                    join(pointer, key),
                    f"{what}{key} is missing or not a non-empty string"
                    + ("" if value is None else f" (got {value!r})"),
                    rule,
                )

    def where(self, uri: str) -> str:
        """Human form of a location URI: '#/components/...' in this spec, else file#ptr."""
        doc_uri, fragment = urldefrag(uri)
        if doc_uri == self.base_uri:
            return "#" + unquote(fragment)
        return Path(url2pathname(urlsplit(doc_uri).path)).name + "#" + unquote(fragment)

    def pointer_of(self, uri: str, fallback: str) -> str:
        doc_uri, fragment = urldefrag(uri)
        return unquote(fragment) if doc_uri == self.base_uri else fallback

    def nodes(self) -> list[Node]:
        """iter_objects(document), computed once."""
        if self._nodes is None:
            self._nodes = list(self.iter_objects(self.doc))
        return self._nodes

    def iter_objects(self, node: Any) -> Iterator[Node]:
        """Every mapping of the OpenAPI structure, data values (examples, defaults, enums,
        extension values) skipped, in document order."""
        stack: list[tuple[Any, str, str, str, bool, bool]] = [(node, "", "", "", False, False)]
        while stack:
            current, ptr, k, pk, parent_is_map, in_list = stack.pop()
            if isinstance(current, Mapping):
                # a name map is the mapping value of its keyword (never an item of a list under
                # the same key, such as an operation's `parameters`)
                is_map = not parent_is_map and (
                    (k in NAME_MAPS and not in_list)
                    or bool(re.fullmatch(r"/components/[^/]+", ptr))
                )
                yield Node(ptr, dict(current), k, pk, is_map)
                children = []
                for child_key, value in current.items():
                    ck = str(child_key)
                    if not is_map:
                        if ck in DATA_KEYS or ck.startswith("x-"):
                            continue
                        if ck == "examples" and isinstance(value, list):
                            continue
                        if ck == "value" and pk == "examples" and parent_is_map:
                            continue
                    children.append((value, join(ptr, ck), ck, k, is_map, False))
                stack.extend(reversed(children))
            elif isinstance(current, list):
                stack.extend(
                    reversed([(v, join(ptr, i), k, pk, False, True) for i, v in enumerate(current)])
                )

    def collect_operations(self) -> None:
        self.operations = openapi.operations(self.doc)
        self.op_by_node = {id(op.node): op for op in self.operations}
        self.stats.operations = len(self.operations)
        for operation in self.operations:
            op_id = operation.node.get("operationId")
            if isinstance(op_id, str) and op_id not in self.op_by_id:
                self.op_by_id[op_id] = operation

    def parameters_of(self, operation: Operation) -> dict[tuple[str, str], dict[str, Any]]:
        """Path-item then operation parameters (operation wins), $refs resolved, by (in, name)."""
        return openapi.parameters(self.doc, operation)

    def parameters_incomplete(self, operation: Operation) -> bool:
        """True if a parameter $ref of the operation does not resolve (already reported)."""
        for source in (operation.path_item, operation.node):
            params = source.get("parameters")
            for param in params if isinstance(params, list) else []:
                if self.try_deref(param) is None:
                    return True
        return False

    def schema_branches(
        self, schema: Any, base: str, broken: list[str] | None = None
    ) -> Iterator[tuple[dict[str, Any], str]]:
        """The spec model's schema_branches, each with the base URI its $refs resolve against
        (always this spec's: refs to other documents are refused)."""
        for branch in openapi.schema_branches(self.doc, schema, broken):
            yield branch, base

    def walk_schema_pointer(
        self, schema: Any, base: str, pointer: str
    ) -> tuple[list[tuple[dict[str, Any], str]], str | None]:
        """Follow a JSON pointer into the *instances* a schema describes, as the client
        pipeline does (the spec model's walk_pointer)."""
        found, error = openapi.walk_pointer(self.doc, schema, pointer)
        return [(node, base) for node in found], error

    def declared_types(self, schemas: list[tuple[dict[str, Any], str]]) -> set[str]:
        return openapi.declared_types(self.doc, [schema for schema, _ in schemas])

    @staticmethod
    def json_media(content: Any) -> tuple[str, Any] | None:
        if not isinstance(content, Mapping) or not content:
            return None
        for name in content:
            if str(name).split(";")[0].strip() == "application/json":
                return str(name), content[name]
        for name in content:
            if "json" in str(name):
                return str(name), content[name]
        name = next(iter(content))
        return str(name), content[name]

    def body_schema(self, holder: Any, base: str) -> tuple[Any, str, str] | None:
        """(schema, base URI, media type) of a response/request body's JSON content."""
        picked = self.json_media(holder.get("content") if isinstance(holder, Mapping) else None)
        if picked is None or not isinstance(picked[1], Mapping) or "schema" not in picked[1]:
            return None
        return picked[1]["schema"], base, picked[0]

    def iter_schema_sites(
        self, top_only: bool = False
    ) -> Iterator[tuple[str, dict[str, Any], str]]:
        """Every Schema Object of this document (not following $refs) as (pointer, schema,
        mode), mode being 'request'/'response'/'plain' (for readOnly handling)."""
        for pointer, schema, mode in self._schema_roots():
            if top_only:
                if isinstance(schema, Mapping):
                    yield pointer, dict(schema), mode
                continue
            stack = [(pointer, schema)]
            while stack:
                ptr, node = stack.pop()
                if not isinstance(node, Mapping):
                    continue
                yield ptr, dict(node), mode
                for kw in SCHEMA_SINGLE:
                    if kw in node:
                        stack.append((join(ptr, kw), node[kw]))
                for kw in SCHEMA_LIST:
                    members = node.get(kw)
                    for i, member in enumerate(members if isinstance(members, list) else []):
                        stack.append((join(ptr, kw, i), member))
                for kw in SCHEMA_MAP:
                    members = node.get(kw)
                    for name, member in members.items() if isinstance(members, Mapping) else []:
                        stack.append((join(ptr, kw, name), member))

    def _schema_roots(self) -> Iterator[tuple[str, Any, str]]:
        for site in self.value_sites():
            pointer, holder, mode, _ = site
            if "schema" in holder:
                yield join(pointer, "schema"), holder["schema"], mode
        components = self.doc.get("components")
        schemas = components.get("schemas") if isinstance(components, Mapping) else None
        for name, schema in schemas.items() if isinstance(schemas, Mapping) else []:
            yield join("/components/schemas", name), schema, "plain"

    def value_sites(self) -> list[tuple[str, dict[str, Any], str, str]]:
        if self._value_sites is None:
            self._value_sites = list(self.iter_value_sites())
        return self._value_sites

    def iter_value_sites(self) -> Iterator[tuple[str, dict[str, Any], str, str]]:
        """Every parameter, header and media type object written in this document (not
        reached through $ref) as (pointer, object, mode, kind)."""
        for node in self.nodes():
            obj, pointer = node.obj, node.pointer
            if node.is_map or "$ref" in obj:
                continue
            parts = split_pointer(pointer)
            container = parts[-2] if len(parts) >= 2 else ""
            grand = parts[-3] if len(parts) >= 3 else ""
            if grand in SCHEMA_MAP or (container in SCHEMA_MAP and not parts[-1].isdigit()):
                continue  # a schema named like an OpenAPI field
            mode = "plain"
            if "requestBody" in parts or parts[:2] == ["components", "requestBodies"]:
                mode = "request"
            elif "responses" in parts:
                mode = "response"
            if container == "content" and "encoding" not in parts[-4:-2]:
                yield pointer, obj, mode, "media type"
            elif container == "parameters" or parts[:2] == ["components", "parameters"]:
                if isinstance(obj.get("name"), str) and "in" in obj:
                    yield pointer, obj, "plain", "parameter"
            elif container == "headers" and ("schema" in obj or "content" in obj):
                yield pointer, obj, "plain", "header"


def lint(document: dict[str, Any], source: str) -> list[Problem]:
    """Every problem in an in-memory OpenAPI document; ``source`` is its path (it anchors
    relative file $refs and names the vendor for x-decision ids)."""
    return Linter(document, source).run()
