#!/usr/bin/env python3
"""Lint gate for the hand-written OpenAPI 3.1 specs in specs/*.yaml.

Enforces the starred rules of docs/writing-specs.md and the extension rules of
docs/extensions.md, on top of openapi-spec-validator (which accepts unresolved $refs and links
to missing operations). Run ``python scripts/lint_specs.py --help`` for the rule list.

Importable: ``lint(document, source)`` returns a list of ``Problem`` for an in-memory document;
``load_spec(path)`` reads a YAML file the way the gate does (reporting YAML pitfalls).
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit
from urllib.request import url2pathname

import referencing.exceptions
import yaml
from jsonschema import Draft202012Validator, validators  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    SchemaError,
    ValidationError,
    best_match,
    relevance,
)
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

RULES: dict[str, str] = {
    "yaml": "The file parses as YAML; no duplicate keys; no plain scalars that YAML 1.1 readers "
    "(PyYAML: this gate, schemathesis) and YAML 1.2 readers (ruamel: openapi-python-client) "
    "read differently (yes/no/on/off, unquoted dates, 1:30, 0755): quote them.",
    "structure": "The document against openapi-spec-validator's OpenAPI 3.1 schema; every "
    "Schema Object against the OAS 3.1 JSON Schema dialect; the keyword checks of "
    "openapi-spec-validator (every {param} of a path template declared `in: path`, "
    "`required: true`, and no other path parameter; no parameter twice in one list; no tag "
    "declared twice; with allOf, every `required` name defined).",
    "unresolved-ref": "Every $ref resolves: local '#/...' JSON pointers and files relative to "
    "the spec (no remote URLs).",
    "link-target": "Every link in a response (inline or $ref'd components/links) names an "
    "existing operationId or an operationRef that resolves to an operation; its parameter "
    "names are path/query/header/cookie parameters of the target; it supplies every required "
    "path parameter of the target.",
    "link-expression": "Link parameter values and requestBody that are runtime expressions are "
    "syntactically valid ($url, $method, $statusCode, $request.path.x, $request.query.x, "
    "$request.header.x, $request.body#/ptr, $response.header.x, $response.body#/ptr) and "
    "point at something that exists: a parameter of the source operation, a declared response "
    "header, or a JSON pointer that walks the request/response body schema.",
    "create-links": "A createX operation's 201 (or 200) response links to every one of getX, "
    "updateX and deleteX that exists.",
    "operation-id": "Every operation has an operationId, lowerCamelCase (^[a-z][a-zA-Z0-9]*$), "
    "unique in the spec.",
    "operation-summary": "Every operation has a non-empty summary.",
    "operation-description": "Every operation has a non-empty description.",
    "operation-tag": "Every operation has exactly one tag, declared in top-level tags; every "
    "declared tag has a description.",
    "client-error-response": "Every operation documents at least one 4xx response (4XX counts).",
    "example-invalid": "Every example validates (JSON Schema 2020-12, formats checked, $refs "
    "resolved in the whole document): schema `example` and `examples` (a list) against the "
    "schema they sit in; media-type `example` and `examples[*].value` (also $ref'd "
    "components/examples) against the media type's schema; parameter and header example(s) "
    "against their schema. Request bodies may omit required readOnly properties and responses "
    "required writeOnly ones. Non-JSON content is validated as written (a string).",
    "default-invalid": "Every schema `default` validates against the schema it sits in.",
    "extension-shape": "x-inferred / x-undocumented are `true`; x-decision is {id, documented, "
    "chosen, why} (non-empty strings, id '<vendor>-<section>[.<row>]', unique); x-alias-of "
    "names another existing operationId; x-pagination is {page_param, size_param, items, "
    "next?}: page_param and size_param are query parameters of the operation (path-level and "
    "$ref'd ones count), items is a JSON pointer to an array inside the 200 response schema "
    "(walking properties through $ref/allOf/anyOf/oneOf) and next one to a string; "
    "x-alias-of / x-pagination only on operations, x-provenance only on info.",
    "extension-description": "An element carrying x-inferred, x-undocumented or x-decision has "
    "a non-empty description explaining it (media types and other objects without a "
    "description field are exempt).",
    "extension-unknown": "Only the x- extensions of docs/extensions.md are used (x-provenance, "
    "x-inferred, x-undocumented, x-decision, x-alias-of, x-pagination).",
    "provenance": "info.x-provenance is a non-empty list of {kind, title, ref} (non-empty "
    "strings), kind one of vendor-docs, client-library, live-evidence, fact-sheet, with at "
    "least one vendor-docs entry.",
    "info": "info has a non-empty title, version and description.",
    "servers": "servers is non-empty; servers[0].url is an absolute http(s) URL (server "
    "variables filled with their defaults) and not a local/mock address.",
}

KNOWN_EXTENSIONS = (
    "x-provenance",
    "x-inferred",
    "x-undocumented",
    "x-decision",
    "x-alias-of",
    "x-pagination",
)
PROVENANCE_KINDS = ("vendor-docs", "client-library", "live-evidence", "fact-sheet")
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
OPERATION_ID_RE = re.compile(r"^[a-z][a-zA-Z0-9]*$")
CLIENT_ERROR_RE = re.compile(r"^4([0-9]{2}|XX)$")
OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"

# Keys whose values are data, not OpenAPI/JSON Schema structure.
DATA_KEYS = frozenset({"example", "default", "enum", "const"})
# Objects whose keys are user-chosen names (so an "x-..." key there is a name, not an extension).
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "dependentSchemas",
        "dependentRequired",
        "headers",
        "content",
        "links",
        "callbacks",
        "examples",
        "encoding",
        "variables",
        "scopes",
        "mapping",
        "securitySchemes",
        "webhooks",
    }
)
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


@dataclass(frozen=True)
class Problem:
    """One rule violation: where (JSON pointer into the spec), what, and which rule."""

    pointer: str
    message: str
    rule: str


@dataclass
class Stats:
    operations: int = 0
    examples: int = 0
    links: int = 0


@dataclass
class LoadedSpec:
    """A spec read from disk: the document (None if unreadable), YAML problems, pointer->line."""

    document: Any
    problems: list[Problem]
    lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Node:
    """A mapping met while walking the document."""

    pointer: str
    obj: dict[str, Any]
    key: str  # its key in the parent (for list items: the list's key)
    parent_key: str
    is_map: bool  # a map of user-chosen names (properties, content, components/schemas, ...)


@dataclass
class Operation:
    pointer: str
    path: str
    method: str
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        op_id = self.node.get("operationId")
        name = op_id if isinstance(op_id, str) and op_id else "(no operationId)"
        return f"{name} ({self.method.upper()} {self.path})"


class RefError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# JSON pointers
# --------------------------------------------------------------------------------------------


def escape(segment: object) -> str:
    return str(segment).replace("~", "~0").replace("/", "~1")


def join(pointer: str, *segments: object) -> str:
    return pointer + "".join("/" + escape(s) for s in segments)


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer ('' or '/a/b') into unescaped segments; ValueError if malformed."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError("a JSON pointer is empty or starts with '/'")
    segments = pointer[1:].split("/")
    for seg in segments:
        if re.search(r"~(?![01])", seg):
            raise ValueError(f"'~' must be followed by 0 or 1 (in segment {seg!r})")
    return [s.replace("~1", "/").replace("~0", "~") for s in segments]


def _names(container: Any, limit: int = 12) -> str:
    if isinstance(container, Mapping):
        keys = [str(k) for k in container]
    elif isinstance(container, list):
        keys = [str(i) for i in range(len(container))]
    else:
        return "nothing (not an object)"
    if not keys:
        return "nothing"
    shown = ", ".join(keys[:limit])
    return shown + (f", ... ({len(keys)} in all)" if len(keys) > limit else "")


def _did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _file_uri(source: str) -> str:
    return Path(source).resolve().as_uri()


# --------------------------------------------------------------------------------------------
# YAML loading
# --------------------------------------------------------------------------------------------

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_TIMESTAMP_RE = re.compile(
    r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
)
_YAML12_BOOLS = frozenset({"true", "True", "TRUE", "false", "False", "FALSE"})


class _SpecLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that keeps dates as strings and mapping keys as their source text."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[str, Any]:
        self.flatten_mapping(node)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "only scalar mapping keys are allowed", key_node.start_mark
                )
            mapping[key_node.value] = self.construct_object(value_node, deep=deep)
        return mapping


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _scan_nodes(node: Any, pointer: str, lines: dict[str, int], problems: list[Problem]) -> None:
    """Record pointer->line and report duplicate keys and ambiguous plain scalars."""
    stack: list[tuple[Any, str, tuple[int, ...]]] = [(node, pointer, ())]
    while stack:
        current, ptr, ancestors = stack.pop()
        lines.setdefault(ptr, current.start_mark.line + 1)
        if id(current) in ancestors:
            continue
        inner = (*ancestors, id(current))
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    problems.append(
                        Problem(
                            join(ptr, key),
                            f"duplicate key {key!r} (lines {seen[key]} and {line}); YAML "
                            "readers silently keep only the last one: merge or rename them",
                            "yaml",
                        )
                    )
                seen[key] = line
                stack.append((value_node, join(ptr, key), inner))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                stack.append((item, join(ptr, i), inner))
        elif isinstance(current, yaml.ScalarNode) and not current.style:  # plain
            _check_plain_scalar(current, ptr, problems)


def _check_plain_scalar(node: Any, pointer: str, problems: list[Problem]) -> None:
    value, tag = node.value, node.tag
    hint = ""
    if tag.endswith(":bool") and value not in _YAML12_BOOLS:
        hint = f"is boolean {value.lower() in ('yes', 'on')} in YAML 1.1 but a string in YAML 1.2"
    elif tag.endswith(":str") and _TIMESTAMP_RE.match(value):
        hint = "is a date/timestamp object for PyYAML/ruamel but a string for schemathesis"
    elif tag.endswith((":int", ":float")) and ":" in value:
        hint = "is a base-60 number in YAML 1.1 but a string in YAML 1.2"
    elif tag.endswith(":int") and re.fullmatch(r"[-+]?0[0-9_]+", value):
        hint = "is an octal number in YAML 1.1 but decimal in YAML 1.2"
    if hint:
        problems.append(
            Problem(pointer, f'unquoted {value!r} {hint}: quote it ("{value}")', "yaml")
        )


def load_spec(path: str | Path) -> LoadedSpec:
    """Read a spec file: document, YAML problems (rule 'yaml') and a pointer->line map."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedSpec(None, [Problem("", f"cannot read the file: {exc}", "yaml")])
    loader = _SpecLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return LoadedSpec(None, [Problem("", "the file is empty", "yaml")])
        problems: list[Problem] = []
        lines: dict[str, int] = {}
        _scan_nodes(node, "", lines, problems)
        document = loader.construct_document(node)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        detail = getattr(exc, "problem", None) or str(exc)
        return LoadedSpec(None, [Problem("", f"YAML syntax error{where}: {detail}", "yaml")])
    finally:
        loader.dispose()
    return LoadedSpec(document, problems, lines)


# --------------------------------------------------------------------------------------------
# Runtime expressions (OpenAPI 3.1 section 4.8.20.4)
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def parse_expression(expr: str) -> tuple[str, str, str]:
    """Parse a runtime expression into (source, kind, name-or-pointer); ValueError if invalid.

    source is '', 'request' or 'response'; kind is 'url'/'method'/'statusCode' (source '')
    or 'header'/'query'/'path'/'body'.
    """
    if expr in ("$url", "$method", "$statusCode"):
        return "", expr[1:], ""
    match = re.match(r"^\$(request|response)\.(.*)$", expr, re.DOTALL)
    if not match:
        raise ValueError(
            "a runtime expression is $url, $method, $statusCode, $request.<source> or "
            "$response.<source>"
        )
    source, rest = match.groups()
    if rest == "body" or rest.startswith("body#"):
        pointer = rest[len("body#") :] if rest.startswith("body#") else ""
        try:
            split_pointer(pointer)
        except ValueError as exc:
            raise ValueError(f"bad JSON pointer after 'body#': {exc}") from None
        return source, "body", pointer
    kind, dot, name = rest.partition(".")
    if kind in ("header", "query", "path") and dot and name:
        if kind == "header" and not _TOKEN_RE.match(name):
            raise ValueError(f"{name!r} is not a valid header name")
        if kind != "header" and re.search(r"\s", name):
            raise ValueError(f"{kind} parameter name {name!r} contains whitespace")
        return source, kind, name
    raise ValueError(
        f"after '${source}.' expected header.<name>, query.<name>, path.<name>, body or "
        "body#/json/pointer"
    )


# --------------------------------------------------------------------------------------------
# Schema Object meta-validation
# --------------------------------------------------------------------------------------------

_META_ROOT = "https://json-schema.org/draft/2020-12/schema"
_OAS_VOCABULARY_RE = re.compile(r"""['"](discriminator|xml|externalDocs)['"]""")
_fast_meta: list[Any] = []


def _uses_oas_vocabulary(schema: Any) -> bool:
    return bool(_OAS_VOCABULARY_RE.search(repr(schema)))


def _fast_meta_validator() -> Any:
    """A Draft 2020-12 validator for the 2020-12 meta-schema with its vocabulary meta-schemas
    merged into one resource ($dynamicRef "#meta" becomes $ref "#"). None if they cannot be
    merged without a name clash (then the official checker is used)."""
    if _fast_meta:
        return _fast_meta[0]
    from jsonschema_specifications import REGISTRY as SPECS  # type: ignore[import-untyped]

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$dynamicRef" and value == "#meta":
                    out["$ref"] = "#"
                elif key == "$ref" and isinstance(value, str) and value.startswith("meta/"):
                    out["$ref"] = "#" + value.partition("#")[2]
                elif key not in ("$dynamicAnchor", "$id", "$schema", "$vocabulary"):
                    out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    merged: dict[str, Any] = {"type": ["object", "boolean"], "properties": {}, "$defs": {}}
    validator: Any = None
    try:
        root = SPECS.contents(_META_ROOT)
        parts = [root] + [SPECS.contents(urljoin(_META_ROOT, m["$ref"])) for m in root["allOf"]]
        for part in parts:
            part = rewrite(part)
            for key in ("properties", "$defs"):
                clash = set(merged[key]) & set(part.get(key, {}))
                if clash:
                    raise ValueError(f"{key} {clash} defined twice")
                merged[key].update(part.get(key, {}))
        validator = Draft202012Validator(merged, format_checker=Draft202012Validator.FORMAT_CHECKER)
    except (LookupError, ValueError, TypeError):
        validator = None
    _fast_meta.append(validator)
    return validator


# --------------------------------------------------------------------------------------------
# The linter
# --------------------------------------------------------------------------------------------


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

    # ---------------------------------------------------------------- plumbing

    def report(self, pointer: str, message: str, rule: str) -> None:
        self.problems.append(Problem(pointer, message, rule))

    def run(self) -> list[Problem]:
        if not isinstance(self.doc, Mapping):
            self.report("", "the document is not a mapping (an OpenAPI object)", "structure")
            return self.problems
        steps = (
            self.check_refs,
            self.collect_operations,
            self.check_structure,
            self.check_info,
            self.check_servers,
            self.check_provenance,
            self.check_operations,
            self.check_links,
            self.check_create_links,
            self.check_examples,
            self.check_extensions,
        )
        for step in steps:
            try:
                step()
            except Exception as exc:  # a gate bug or a shape no rule expected: never silent
                self.report(
                    "",
                    f"the gate stopped in {step.__name__} ({type(exc).__name__}: {exc}); the "
                    "spec is probably malformed there; fix the other problems first",
                    "structure",
                )
        unique: dict[Problem, None] = dict.fromkeys(self.problems)
        self.problems = list(unique)
        return self.problems

    def _load_document(self, uri: str) -> Any:
        if uri in self.documents:
            return self.documents[uri]
        if uri in self.load_errors:
            raise RefError(self.load_errors[uri])
        parts = urlsplit(uri)
        if parts.scheme != "file":
            message = f"remote reference {uri!r}: only local files are allowed"
        else:
            path = Path(url2pathname(parts.path))
            loaded = load_spec(path)
            if loaded.document is not None:
                self.documents[uri] = loaded.document
                return loaded.document
            message = f"cannot load {path}: {loaded.problems[0].message}"
        self.load_errors[uri] = message
        raise RefError(message)

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
        full = urljoin(base_uri, ref)
        doc_uri, fragment = urldefrag(full)
        node = self._load_document(doc_uri)
        try:
            segments = split_pointer(unquote(fragment))
        except ValueError as exc:
            raise RefError(f"the fragment is not a JSON pointer: {exc}") from None
        walked = ""
        for seg in segments:
            if isinstance(node, Mapping) and seg in node:
                node = node[seg]
            elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
                node = node[int(seg)]
            else:
                hint = _did_you_mean(seg, [str(k) for k in node]) if isinstance(node, dict) else ""
                raise RefError(
                    f"{walked or '(document root)'} has no {seg!r}{hint}; it has: {_names(node)}"
                )
            walked = join(walked, seg)
        return node, full

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

    def where(self, uri: str) -> str:
        """Human form of a location URI: '#/components/...' in this spec, else file#ptr."""
        doc_uri, fragment = urldefrag(uri)
        if doc_uri == self.base_uri:
            return "#" + unquote(fragment)
        return Path(url2pathname(urlsplit(doc_uri).path)).name + "#" + unquote(fragment)

    def pointer_of(self, uri: str, fallback: str) -> str:
        doc_uri, fragment = urldefrag(uri)
        return unquote(fragment) if doc_uri == self.base_uri else fallback

    # ---------------------------------------------------------------- generic traversal

    def nodes(self) -> list[Node]:
        """iter_objects(document), computed once."""
        if self._nodes is None:
            self._nodes = list(self.iter_objects(self.doc))
        return self._nodes

    def iter_objects(self, node: Any) -> Iterator[Node]:
        """Every mapping of the OpenAPI structure, data values (examples, defaults, enums,
        extension values) skipped, in document order."""
        stack: list[tuple[Any, str, str, str, bool]] = [(node, "", "", "", False)]
        while stack:
            current, ptr, k, pk, parent_is_map = stack.pop()
            if isinstance(current, Mapping):
                is_map = not parent_is_map and (
                    k in NAME_MAPS or bool(re.fullmatch(r"/components/[^/]+", ptr))
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
                    children.append((value, join(ptr, ck), ck, k, is_map))
                stack.extend(reversed(children))
            elif isinstance(current, list):
                stack.extend(
                    reversed([(v, join(ptr, i), k, pk, False) for i, v in enumerate(current)])
                )

    # ---------------------------------------------------------------- unresolved-ref

    def check_refs(self) -> None:
        pending: list[tuple[Any, str, str, str]] = [(self.doc, self.base_uri, "", "")]
        walked_docs = {self.base_uri}
        while pending:
            root, doc_uri, origin, prefix = pending.pop()
            nodes = self.nodes() if root is self.doc else self.iter_objects(root)
            for node in nodes:
                if node.is_map or "$ref" not in node.obj:
                    continue
                ptr, ref = node.pointer, node.obj["$ref"]
                where = join(ptr, "$ref") if not prefix else origin
                in_file = f"in {prefix} at {ptr}: " if prefix else ""
                try:
                    _target, uri = self.resolve_ref(ref, doc_uri)
                except RefError as exc:
                    self.report(
                        where, f"{in_file}$ref {ref!r} does not resolve: {exc}", "unresolved-ref"
                    )
                    continue
                target_doc = urldefrag(uri)[0]
                if target_doc not in walked_docs:
                    walked_docs.add(target_doc)
                    name = self.where(target_doc + "#").rstrip("#")
                    pending.append((self.documents[target_doc], target_doc, where, name))

    # ---------------------------------------------------------------- structure

    def check_structure(self) -> None:
        """openapi-spec-validator's OpenAPI 3.1 schema on the document, the OAS 3.1 dialect on
        every Schema Object, and the keyword checks openapi-spec-validator would run (done
        here, with locations, because its own run stops at the first unresolved $ref)."""
        try:
            for error in OpenAPIV31SpecValidator.schema_validator.iter_errors(self.doc):
                self._report_schema_error(error, "", "OpenAPI 3.1")
        except Exception as exc:  # the validator must never take the gate down
            self.report("", f"openapi-spec-validator failed: {exc}", "structure")
        self._check_schema_dialect()
        self._check_path_templates()
        self._check_duplicate_parameters()
        self._check_duplicate_tags()
        self._check_required_under_all_of()

    def _report_schema_error(self, error: ValidationError, base: str, against: str) -> None:
        try:
            detail = best_match([error])
        except Exception:  # errors converted from jsonschema-rs cannot be ranked
            detail = error
        pointer = join(base, *detail.absolute_path)
        message = _shorten(str(detail.message).split("\n", 1)[0])
        if detail.context:
            tried = sorted({_shorten(e.message, 120) for e in detail.context})
            message += f" (tried: {'; '.join(tried[:4])})"
        self.report(pointer, f"not valid {against}: {message}", "structure")

    def _check_schema_dialect(self) -> None:
        """Each top-level Schema Object against the OAS 3.1 dialect meta-schema: JSON Schema
        2020-12 merged into one resource (same rules, ~5x faster than resolving its seven
        vocabulary meta-schemas per node); schemas using the OAS vocabulary (discriminator,
        xml, externalDocs) also go through openapi-spec-validator's own dialect checker."""
        fast = _fast_meta_validator()
        official = validators.validator_for({"$schema": OAS31_DIALECT}, default=None)
        for pointer, schema, _mode in self.iter_schema_sites(top_only=True):
            errors = list(fast.iter_errors(schema)) if fast is not None else []
            if official is not None and (fast is None or _uses_oas_vocabulary(schema)):
                try:
                    official.check_schema(schema)
                except SchemaError as official_error:
                    errors = [official_error]
            seen: set[str] = set()
            for error in errors:
                key = join(pointer, *error.absolute_path)
                if key not in seen:
                    seen.add(key)
                    self._report_schema_error(error, pointer, "as an OAS 3.1 Schema Object")

    def _check_path_templates(self) -> None:
        for op in self.operations:
            in_template = set(re.findall(r"\{([^{}]+)\}", op.path))
            declared = {name for (where, name) in self.parameters_of(op) if where == "path"}
            if self.parameters_incomplete(op):
                continue
            for name in sorted(in_template - declared):
                self.report(
                    op.pointer,
                    f"the path template has {{{name}}} but no `in: path` parameter named "
                    f"{name!r} is declared on the path item or the operation",
                    "structure",
                )
            for name in sorted(declared - in_template):
                self.report(
                    op.pointer,
                    f"declares path parameter {name!r} but the path template {op.path!r} has "
                    f"no {{{name}}}",
                    "structure",
                )
            for (where, name), param in self.parameters_of(op).items():
                if where == "path" and param.get("required") is not True:
                    self.report(
                        op.pointer,
                        f"path parameter {name!r} must have `required: true`",
                        "structure",
                    )

    def _check_duplicate_parameters(self) -> None:
        for node in self.nodes():
            params = node.obj.get("parameters")
            if node.is_map or not isinstance(params, list):
                continue
            seen: set[tuple[Any, Any]] = set()
            for i, param in enumerate(params):
                resolved = self.try_deref(param)
                if resolved is None or not isinstance(resolved[0], Mapping):
                    continue
                key = (resolved[0].get("name"), resolved[0].get("in"))
                if not all(isinstance(part, str) for part in key):
                    continue
                if key in seen:
                    self.report(
                        join(node.pointer, "parameters", i),
                        f"parameter {key[0]!r} (in: {key[1]}) is declared twice in this list",
                        "structure",
                    )
                seen.add(key)

    def _check_duplicate_tags(self) -> None:
        tags = self.doc.get("tags")
        seen: set[Any] = set()
        for i, tag in enumerate(tags if isinstance(tags, list) else []):
            name = tag.get("name") if isinstance(tag, Mapping) else None
            if not isinstance(name, str):
                continue
            if name in seen:
                self.report(join("/tags", i), f"tag {name!r} is declared twice", "structure")
            seen.add(name)

    def _check_required_under_all_of(self) -> None:
        """As openapi-spec-validator: with allOf, every `required` name must be a property
        defined here or in a member (else a typo silently requires nothing useful)."""
        for pointer, schema, _mode in self.iter_schema_sites():
            required = schema.get("required")
            if "allOf" not in schema or not isinstance(required, list):
                continue
            defined: set[str] = set()
            broken: list[str] = []
            for branch, _uri in self.schema_branches(schema, self.base_uri, broken):
                props = branch.get("properties")
                defined.update(str(k) for k in props) if isinstance(props, Mapping) else None
            missing = [str(r) for r in required if r not in defined]
            if missing and not broken:
                self.report(
                    join(pointer, "required"),
                    f"`required` names {missing}, defined neither here nor in its allOf/anyOf/"
                    "oneOf members",
                    "structure",
                )

    # ---------------------------------------------------------------- operations

    def collect_operations(self) -> None:
        paths = self.doc.get("paths")
        if not isinstance(paths, Mapping):
            return
        for path, item in paths.items():
            item_ptr = join("/paths", path)
            resolved = self.try_deref(item)
            if resolved is None or not isinstance(resolved[0], Mapping):
                continue
            path_item, uri = resolved
            base_ptr = self.pointer_of(uri, item_ptr) if "$ref" in item else item_ptr
            for method in HTTP_METHODS:
                op = path_item.get(method)
                if isinstance(op, Mapping):
                    operation = Operation(
                        join(base_ptr, method), str(path), method, dict(op), dict(path_item)
                    )
                    self.operations.append(operation)
                    self.op_by_node[id(op)] = operation
        self.stats.operations = len(self.operations)
        for operation in self.operations:
            op_id = operation.node.get("operationId")
            if isinstance(op_id, str) and op_id not in self.op_by_id:
                self.op_by_id[op_id] = operation

    def parameters_of(self, operation: Operation) -> dict[tuple[str, str], dict[str, Any]]:
        """Path-item then operation parameters (operation wins), $refs resolved, by (in, name)."""
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for source in (operation.path_item, operation.node):
            params = source.get("parameters")
            for param in params if isinstance(params, list) else []:
                resolved = self.try_deref(param)
                if resolved is None or not isinstance(resolved[0], Mapping):
                    continue
                p = resolved[0]
                if isinstance(p.get("name"), str) and isinstance(p.get("in"), str):
                    merged[(p["in"], p["name"])] = dict(p)
        return merged

    def parameters_incomplete(self, operation: Operation) -> bool:
        """True if a parameter $ref of the operation does not resolve (already reported)."""
        for source in (operation.path_item, operation.node):
            params = source.get("parameters")
            for param in params if isinstance(params, list) else []:
                if self.try_deref(param) is None:
                    return True
        return False

    def check_operations(self) -> None:
        declared = self._declared_tags()
        first_seen: dict[str, Operation] = {}
        for op in self.operations:
            node = op.node
            op_id = node.get("operationId")
            if op_id is None:
                suggestion = self._suggest_operation_id(op)
                self.report(
                    op.pointer,
                    f"{op.method.upper()} {op.path} has no operationId; add one in "
                    f"lowerCamelCase, e.g. {suggestion!r}",
                    "operation-id",
                )
            elif not isinstance(op_id, str) or not OPERATION_ID_RE.match(op_id):
                camel = self._camel(str(op_id))
                self.report(
                    join(op.pointer, "operationId"),
                    f"operationId {op_id!r} is not lowerCamelCase (^[a-z][a-zA-Z0-9]*$)"
                    + (f"; write {camel!r}" if camel and OPERATION_ID_RE.match(camel) else ""),
                    "operation-id",
                )
            if isinstance(op_id, str):
                if op_id in first_seen:
                    other = first_seen[op_id]
                    self.report(
                        join(op.pointer, "operationId"),
                        f"operationId {op_id!r} is already used by {other.method.upper()} "
                        f"{other.path} ({other.pointer}); operationIds must be unique",
                        "operation-id",
                    )
                else:
                    first_seen[op_id] = op
            for key, rule in (
                ("summary", "operation-summary"),
                ("description", "operation-description"),
            ):
                value = node.get(key)
                if not isinstance(value, str) or not value.strip():
                    self.report(
                        join(op.pointer, key),
                        f"{op.label} has no {key}" + ("" if value is None else f" (got {value!r})"),
                        rule,
                    )
            self._check_operation_tags(op, declared)
            self._check_client_error(op)
        self._check_declared_tags()

    @staticmethod
    def _camel(name: str) -> str:
        parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
        if not parts:
            return ""
        head = parts[0][0].lower() + parts[0][1:]
        return head + "".join(p[0].upper() + p[1:] for p in parts[1:])

    def _suggest_operation_id(self, op: Operation) -> str:
        segments = [s for s in op.path.split("/") if s and not s.startswith("{")]
        resource = segments[-1] if segments else "root"
        resource = self._camel(resource)
        resource = resource[:1].upper() + resource[1:]
        item = op.path.rstrip("/").endswith("}")
        if resource.endswith("s") and item:
            resource = resource[:-1]
        verb = {
            "get": "get" if item else "list",
            "post": "create",
            "put": "update",
            "patch": "update",
            "delete": "delete",
        }.get(op.method, op.method)
        return verb + resource

    def _declared_tags(self) -> list[str]:
        tags = self.doc.get("tags")
        names = []
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, Mapping) and isinstance(tag.get("name"), str):
                names.append(tag["name"])
        return names

    def _check_operation_tags(self, op: Operation, declared: list[str]) -> None:
        tags = op.node.get("tags")
        pointer = join(op.pointer, "tags")
        if not isinstance(tags, list) or not tags:
            self.report(
                pointer,
                f"{op.label} has no tag; give it exactly one (one tag per resource), declared "
                f"in top-level tags (declared: {', '.join(declared) or 'none'})",
                "operation-tag",
            )
            return
        if len(tags) != 1:
            self.report(
                pointer,
                f"{op.label} has {len(tags)} tags {tags}; exactly one tag per operation",
                "operation-tag",
            )
        for i, tag in enumerate(tags):
            if tag not in declared:
                hint = _did_you_mean(str(tag), declared)
                self.report(
                    join(pointer, i),
                    f"tag {tag!r} is not declared in top-level tags{hint} (declared: "
                    f"{', '.join(declared) or 'none'})",
                    "operation-tag",
                )

    def _check_declared_tags(self) -> None:
        tags = self.doc.get("tags")
        for i, tag in enumerate(tags if isinstance(tags, list) else []):
            if not isinstance(tag, Mapping):
                continue
            description = tag.get("description")
            if not isinstance(description, str) or not description.strip():
                self.report(
                    join("/tags", i, "description"),
                    f"tag {tag.get('name')!r} has no description",
                    "operation-tag",
                )

    def _check_client_error(self, op: Operation) -> None:
        responses = op.node.get("responses")
        codes = [str(c) for c in responses] if isinstance(responses, Mapping) else []
        if not any(CLIENT_ERROR_RE.match(c) for c in codes):
            self.report(
                join(op.pointer, "responses"),
                f"{op.label} documents no 4xx response (has: {', '.join(codes) or 'none'}); "
                "add the vendor's client errors (a 4XX range counts)",
                "client-error-response",
            )

    # ---------------------------------------------------------------- info / servers / provenance

    def check_info(self) -> None:
        info = self.doc.get("info")
        if not isinstance(info, Mapping):
            return  # structure reports it
        for key in ("title", "version", "description"):
            value = info.get(key)
            if value is None or (isinstance(value, str) and not value.strip()):
                what = "what the spec covers" if key == "description" else key
                self.report(join("/info", key), f"info.{key} is missing or empty ({what})", "info")

    def check_servers(self) -> None:
        servers = self.doc.get("servers")
        if not isinstance(servers, list) or not servers:
            self.report(
                "/servers",
                "no servers: servers[0] must be the vendor's production URL (without servers "
                "clients and tests default to '/')",
                "servers",
            )
            return
        first = servers[0]
        if not isinstance(first, Mapping) or not isinstance(first.get("url"), str):
            return  # structure reports it
        url = first["url"]
        variables = first.get("variables")
        filled = url
        for name, var in variables.items() if isinstance(variables, Mapping) else []:
            if isinstance(var, Mapping) and "default" in var:
                filled = filled.replace("{" + str(name) + "}", str(var["default"]))
        parts = urlsplit(filled)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.report(
                "/servers/0/url",
                f"servers[0].url {url!r} is not an absolute http(s) URL; it must be the "
                "vendor's production URL",
                "servers",
            )
        elif parts.hostname in (
            "localhost",
            "127.0.0.1",
            "0.0.0.0",
            "::1",
        ) or parts.hostname.endswith(".local"):
            self.report(
                "/servers/0/url",
                f"servers[0].url {url!r} is a local address; servers[0] must be the vendor's "
                "production URL (list mocks after it)",
                "servers",
            )

    def check_provenance(self) -> None:
        info = self.doc.get("info")
        if not isinstance(info, Mapping):
            return
        pointer = "/info/x-provenance"
        entries = info.get("x-provenance")
        if entries is None:
            self.report(
                pointer,
                "info.x-provenance is missing: list every vendor page, client library and "
                "piece of live evidence the spec was written from as {kind, title, ref}",
                "provenance",
            )
            return
        if not isinstance(entries, list) or not entries:
            self.report(
                pointer,
                "info.x-provenance must be a non-empty list of {kind, title, ref}",
                "provenance",
            )
            return
        kinds = []
        for i, entry in enumerate(entries):
            ptr = join(pointer, i)
            if not isinstance(entry, Mapping):
                self.report(
                    ptr,
                    f"entry must be a mapping {{kind, title, ref}}, got {entry!r}",
                    "provenance",
                )
                continue
            for key in ("kind", "title", "ref"):
                value = entry.get(key)
                if not isinstance(value, str) or not value.strip():
                    self.report(
                        join(ptr, key),
                        f"{key} is missing or not a non-empty string"
                        + ("" if value is None else f" (got {value!r})"),
                        "provenance",
                    )
            extra = sorted(str(k) for k in entry if k not in ("kind", "title", "ref"))
            if extra:
                self.report(
                    ptr,
                    f"unknown keys {extra}; an entry is exactly {{kind, title, ref}}",
                    "provenance",
                )
            kind = entry.get("kind")
            if isinstance(kind, str) and kind.strip():
                kinds.append(kind)
                if kind not in PROVENANCE_KINDS:
                    self.report(
                        join(ptr, "kind"),
                        f"kind {kind!r} is not one of {', '.join(PROVENANCE_KINDS)}"
                        + _did_you_mean(kind, list(PROVENANCE_KINDS)),
                        "provenance",
                    )
        if "vendor-docs" not in kinds:
            self.report(pointer, "info.x-provenance has no `kind: vendor-docs` entry", "provenance")

    # ---------------------------------------------------------------- schema walking

    def schema_branches(
        self, schema: Any, base: str, broken: list[str] | None = None
    ) -> Iterator[tuple[dict[str, Any], str]]:
        """The schema and everything it is combined with: $ref targets and allOf/anyOf/oneOf
        members, recursively (each with the base URI its own $refs resolve against).
        Unresolvable $refs are skipped (and appended to `broken` if given)."""
        stack = [(schema, base)]
        seen: set[int] = set()
        while stack:
            node, uri = stack.pop()
            if not isinstance(node, Mapping) or id(node) in seen:
                continue
            seen.add(id(node))
            yield dict(node), uri
            if "$ref" in node:
                try:
                    target, target_uri = self.resolve_ref(node["$ref"], uri)
                except RefError:
                    if broken is not None:
                        broken.append(str(node["$ref"]))
                else:
                    stack.append((target, urldefrag(target_uri)[0]))
            for kw in ("allOf", "anyOf", "oneOf"):
                members = node.get(kw)
                for member in members if isinstance(members, list) else []:
                    stack.append((member, uri))

    def walk_schema_pointer(
        self, schema: Any, base: str, pointer: str
    ) -> tuple[list[tuple[dict[str, Any], str]], str | None]:
        """Follow a JSON pointer into the *instances* a schema describes. Returns the schemas
        found at the end, or an error message naming the failing segment."""
        try:
            segments = split_pointer(pointer)
        except ValueError as exc:
            return [], f"{pointer!r} is not a JSON pointer: {exc}"
        current: list[tuple[Any, str]] = [(schema, base)]
        walked = ""
        broken: list[str] = []
        for seg in segments:
            found: list[tuple[Any, str]] = []
            available: list[str] = []
            for node, uri in current:
                for branch, buri in self.schema_branches(node, uri, broken):
                    props = branch.get("properties")
                    hit = False
                    if isinstance(props, Mapping):
                        available.extend(str(k) for k in props)
                        if seg in props:
                            found.append((props[seg], buri))
                            hit = True
                    patterns = branch.get("patternProperties")
                    if isinstance(patterns, Mapping):
                        for rx, sub in patterns.items():
                            try:
                                if re.search(str(rx), seg):
                                    found.append((sub, buri))
                                    hit = True
                            except re.error:
                                pass
                    extra = branch.get("additionalProperties")
                    if not hit and isinstance(extra, Mapping):
                        found.append((extra, buri))
                    if seg.isdigit():
                        prefix = branch.get("prefixItems")
                        if isinstance(prefix, list) and int(seg) < len(prefix):
                            found.append((prefix[int(seg)], buri))
                        elif isinstance(branch.get("items"), Mapping):
                            found.append((branch["items"], buri))
            if not found and broken:
                return [], None  # cannot tell: unresolved-ref reports the broken $ref
            if not found:
                names = ", ".join(dict.fromkeys(available)) or "none"
                here = [(n, u) for n, u in current if isinstance(n, Mapping)]
                is_array = "array" in self.declared_types([(dict(n), u) for n, u in here])
                return [], (
                    f"segment {seg!r} of {pointer!r} matches nothing: the schema at "
                    f"{walked or '(body root)'} "
                    + (
                        "is an array (step into it with an index such as 0)"
                        if is_array and not seg.isdigit()
                        else f"has properties: {names}"
                    )
                )
            current = found
            walked = join(walked, seg)
        return [(dict(n), u) for n, u in current if isinstance(n, Mapping)], None

    def declared_types(self, schemas: list[tuple[dict[str, Any], str]]) -> set[str]:
        types: set[str] = set()
        for schema, uri in schemas:
            for branch, _ in self.schema_branches(schema, uri):
                declared = branch.get("type")
                listed = declared if isinstance(declared, list) else [declared]
                types.update(t for t in listed if isinstance(t, str) and t in JSON_TYPES)
                if "items" in branch or "prefixItems" in branch:
                    types.add("array")
                if "properties" in branch:
                    types.add("object")
        return types

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

    # ---------------------------------------------------------------- links

    def check_links(self) -> None:
        components = self.doc.get("components")
        comp_links = components.get("links") if isinstance(components, Mapping) else None
        for name, link in comp_links.items() if isinstance(comp_links, Mapping) else []:
            if isinstance(link, Mapping) and "$ref" not in link:
                self._check_link(dict(link), join("/components/links", name), None, None, None)
        for op in self.operations:
            responses = op.node.get("responses")
            for code, response in responses.items() if isinstance(responses, Mapping) else []:
                resp_ptr = join(op.pointer, "responses", code)
                resolved = self.try_deref(response)
                if resolved is None or not isinstance(resolved[0], Mapping):
                    continue
                resp, resp_uri = resolved
                if "$ref" in response:
                    resp_ptr = self.pointer_of(resp_uri, resp_ptr)
                links = resp.get("links")
                for name, link in links.items() if isinstance(links, Mapping) else []:
                    self.stats.links += 1
                    link_ptr = join(resp_ptr, "links", name)
                    resolved_link = self.try_deref(link)
                    if resolved_link is None or not isinstance(resolved_link[0], Mapping):
                        continue
                    target, link_uri = resolved_link
                    if "$ref" in link:
                        link_ptr = self.pointer_of(link_uri, link_ptr)
                    context = (op, dict(resp), urldefrag(resp_uri)[0])
                    usage = join(op.pointer, "responses", code, "links", name)
                    self._check_link(dict(target), link_ptr, *context, usage=usage)

    def link_target(self, link: dict[str, Any], pointer: str) -> Operation | None:
        has_id, has_ref = "operationId" in link, "operationRef" in link
        if has_id and has_ref:
            self.report(pointer, "a link has operationId or operationRef, not both", "link-target")
            return None
        if not has_id and not has_ref:
            self.report(pointer, "the link has neither operationId nor operationRef", "link-target")
            return None
        if has_id:
            op_id = link["operationId"]
            target = self.op_by_id.get(op_id) if isinstance(op_id, str) else None
            if target is None:
                hint = _did_you_mean(str(op_id), list(self.op_by_id))
                self.report(
                    join(pointer, "operationId"),
                    f"operationId {op_id!r} names no operation in this spec{hint}",
                    "link-target",
                )
            return target
        try:
            node, uri = self.resolve_ref(link["operationRef"], self.base_uri)
        except RefError as exc:
            self.report(
                join(pointer, "operationRef"),
                f"operationRef {link['operationRef']!r} does not resolve: {exc}",
                "link-target",
            )
            return None
        target = self.op_by_node.get(id(node))
        if target is None:
            self.report(
                join(pointer, "operationRef"),
                f"operationRef {link['operationRef']!r} resolves to {self.where(uri)}, which is "
                "not an operation of this spec's paths",
                "link-target",
            )
        return target

    def _check_link(
        self,
        link: dict[str, Any],
        pointer: str,
        source: Operation | None,
        response: dict[str, Any] | None,
        response_base: str | None,
        usage: str | None = None,
    ) -> None:
        """Check one link at `pointer`; with a source operation and response, also check what
        its expressions point at (reported at `usage`, where the link is used)."""
        target = self.link_target(link, pointer)
        params = link.get("parameters")
        params = params if isinstance(params, Mapping) else {}
        if target is not None and not self.parameters_incomplete(target):
            target_params = self.parameters_of(target)
            supplied: set[tuple[str, str]] = set()
            for raw in params:
                name = str(raw)
                location, dot, bare = name.partition(".")
                if not (dot and location in ("path", "query", "header", "cookie")):
                    location, bare = "", name
                matches = [
                    key
                    for key in target_params
                    if (not location or key[0] == location)
                    and (key[1] == bare or (key[0] == "header" and key[1].lower() == bare.lower()))
                ]
                if matches:
                    supplied.update(matches)
                else:
                    have = ", ".join(f"{i} {n}" for i, n in target_params) or "none"
                    self.report(
                        join(pointer, "parameters", name),
                        f"{name!r} is not a parameter of {target.label} (its parameters: {have})",
                        "link-target",
                    )
            for location, pname in target_params:
                if location == "path" and (location, pname) not in supplied:
                    self.report(
                        join(pointer, "parameters"),
                        f"the link supplies no value for {target.label}'s path parameter {pname!r}",
                        "link-target",
                    )
        values = [(join(pointer, "parameters", k), v) for k, v in params.items()]
        if "requestBody" in link:
            values.append((join(pointer, "requestBody"), link["requestBody"]))
        for ptr, value in values:
            for expr in self._expressions_in(value, ptr):
                where = ptr if usage is None else usage + ptr[len(pointer) :]
                self._check_expression(expr, ptr, where, source, response, response_base)

    def _expressions_in(self, value: Any, pointer: str) -> list[str]:
        if not isinstance(value, str):
            return []
        if value.startswith("$"):
            return [value]
        embedded = re.findall(r"\{(\$[^{}]*)\}", value)
        if embedded:
            return embedded
        if re.match(r"^(request|response)\.(body|path|query|header)\b", value):
            self.report(
                pointer,
                f"{value!r} looks like a runtime expression without its leading '$' (as "
                "written it is a constant string)",
                "link-expression",
            )
        return []

    def _check_expression(
        self,
        expr: str,
        pointer: str,
        usage: str,
        source: Operation | None,
        response: dict[str, Any] | None,
        response_base: str | None,
    ) -> None:
        try:
            origin, kind, name = parse_expression(expr)
        except ValueError as exc:
            self.report(
                pointer, f"{expr!r} is not a valid runtime expression: {exc}", "link-expression"
            )
            return
        if source is None or origin == "":
            return
        if origin == "request" and kind in ("path", "query"):
            params = self.parameters_of(source)
            if (kind, name) not in params:
                have = ", ".join(n for i, n in params if i == kind) or "none"
                self.report(
                    usage,
                    f"{expr!r}: {source.label} has no {kind} parameter {name!r} ({kind} "
                    f"parameters: {have})",
                    "link-expression",
                )
        elif origin == "response" and kind == "header" and response is not None:
            headers = response.get("headers")
            names = [str(h) for h in headers] if isinstance(headers, Mapping) else []
            if name.lower() not in (h.lower() for h in names):
                self.report(
                    usage,
                    f"{expr!r}: the response declares no header {name!r} (headers: "
                    f"{', '.join(names) or 'none'})",
                    "link-expression",
                )
        elif kind == "body":
            if origin == "response":
                holder, base, what = response, response_base or self.base_uri, "response"
            else:
                body = self.try_deref(source.node.get("requestBody"))
                holder, base, what = (
                    (body[0], urldefrag(body[1])[0], "request")
                    if body
                    else (None, self.base_uri, "request")
                )
            found = self.body_schema(holder, base) if isinstance(holder, Mapping) else None
            if found is None:
                self.report(
                    usage,
                    f"{expr!r}: the {what} has no body schema to point into",
                    "link-expression",
                )
                return
            _, error = self.walk_schema_pointer(found[0], found[1], name)
            if error:
                self.report(
                    usage,
                    f"{expr!r} does not resolve in the {what} body schema: {error}",
                    "link-expression",
                )

    def check_create_links(self) -> None:
        for op in self.operations:
            op_id = op.node.get("operationId")
            match = (
                re.match(r"^create([A-Z][A-Za-z0-9]*)$", op_id) if isinstance(op_id, str) else None
            )
            if not match:
                continue
            wanted = [
                f"{verb}{match.group(1)}"
                for verb in ("get", "update", "delete")
                if f"{verb}{match.group(1)}" in self.op_by_id
            ]
            if not wanted:
                continue
            responses = op.node.get("responses")
            responses = responses if isinstance(responses, Mapping) else {}
            code = next((c for c in ("201", "200") if c in responses), None)
            if code is None:
                self.report(
                    join(op.pointer, "responses"),
                    f"{op_id} has no 201/200 response to carry links to {', '.join(wanted)}",
                    "create-links",
                )
                continue
            resolved = self.try_deref(responses[code])
            if resolved is None or not isinstance(resolved[0], Mapping):
                continue
            links = resolved[0].get("links")
            linked: set[str] = set()
            broken = False
            for link in links.values() if isinstance(links, Mapping) else []:
                target_node = self.try_deref(link)
                target = target_node[0] if target_node else None
                found: Operation | None = None
                if isinstance(target, Mapping) and isinstance(target.get("operationId"), str):
                    found = self.op_by_id.get(target["operationId"])
                elif isinstance(target, Mapping) and "operationRef" in target:
                    ref_target = self.try_deref({"$ref": target["operationRef"]})
                    found = self.op_by_node.get(id(ref_target[0])) if ref_target else None
                if found is None:
                    broken = True  # link-target / unresolved-ref report it; judge once fixed
                elif isinstance(found.node.get("operationId"), str):
                    linked.add(found.node["operationId"])
            missing = [w for w in wanted if w not in linked]
            if missing and not broken:
                self.report(
                    join(op.pointer, "responses", code, "links"),
                    f"{op_id}'s {code} response has no link to {', '.join(missing)}: every "
                    "create response links to the get, update and delete of the created item",
                    "create-links",
                )

    # ---------------------------------------------------------------- examples

    def registry(self) -> Registry[Any]:
        if self._registry is None:

            def retrieve(uri: str) -> Resource[Any]:
                try:
                    return DRAFT202012.create_resource(self._load_document(uri))
                except RefError as exc:
                    raise referencing.exceptions.NoSuchResource(uri) from exc

            self._registry = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
                self.base_uri, DRAFT202012.create_resource(self.doc)
            )
        return self._registry

    def validator_class(self, mode: str) -> Any:
        """Draft 2020-12 validator; 'request' ignores required readOnly properties and
        'response' required writeOnly ones (OpenAPI semantics)."""
        if mode in self._validator_classes:
            return self._validator_classes[mode]
        if mode == "plain":
            cls = Draft202012Validator
        else:
            flag = "readOnly" if mode == "request" else "writeOnly"
            linter = self

            def required(
                validator: Any, required: Any, instance: Any, schema: Any
            ) -> Iterator[Any]:
                if not validator.is_type(instance, "object") or not isinstance(required, list):
                    return
                skip = linter.flagged_properties(schema, flag)
                for prop in required:
                    if prop not in instance and not (isinstance(prop, str) and prop in skip):
                        yield ValidationError(f"{prop!r} is a required property")

            cls = validators.extend(Draft202012Validator, {"required": required})
        self._validator_classes[mode] = cls
        return cls

    def flagged_properties(self, schema: Any, flag: str) -> set[str]:
        """Names of the properties (own, via $ref or allOf/anyOf/oneOf) marked flag: true."""
        cached = self._flagged.get((id(schema), flag))
        if cached is not None:
            return cached
        names: set[str] = set()
        self._flagged[(id(schema), flag)] = names
        for branch, uri in self.schema_branches(schema, self.base_uri):
            props = branch.get("properties")
            for name, prop in props.items() if isinstance(props, Mapping) else []:
                for sub, _ in self.schema_branches(prop, uri):
                    if sub.get(flag) is True:
                        names.add(str(name))
                        break
        return names

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

    def validate_instance(
        self,
        instance: Any,
        schema: Any,
        schema_uri: str,
        mode: str,
        value_pointer: str,
        what: str,
        rule: str = "example-invalid",
    ) -> None:
        if rule == "example-invalid":
            self.stats.examples += 1
        if schema is True or schema == {}:
            return
        cls = self.validator_class(mode)
        try:
            validator = cls(
                {"$ref": schema_uri},
                registry=self.registry(),
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
            errors = sorted(validator.iter_errors(instance), key=relevance, reverse=True)
        except referencing.exceptions.Unresolvable:
            return  # unresolved-ref reports it
        except Exception as exc:  # a malformed schema: jsonschema fails in many ways
            self.report(
                value_pointer,
                f"{what} cannot be validated: its schema {self.where(schema_uri)} is not a "
                f"valid JSON Schema ({type(exc).__name__}: {_shorten(str(exc), 120)})",
                "structure",
            )
            return
        for error in errors[:3]:
            detail = best_match([error])
            location = join(value_pointer, *detail.absolute_path)
            message = _shorten(detail.message)
            if detail.context:
                tried = sorted({_shorten(e.message, 120) for e in detail.context})
                message += f" (tried: {'; '.join(tried[:4])})"
            self.report(
                location,
                f"{what} does not validate against {self.where(schema_uri)}: {message}",
                rule,
            )
        if len(errors) > 3:
            self.report(value_pointer, f"{what}: {len(errors) - 3} more validation errors", rule)

    def _schema_uri(self, holder_pointer: str, holder: dict[str, Any]) -> str:
        schema = holder["schema"]
        if (
            isinstance(schema, Mapping)
            and set(schema) == {"$ref"}
            and isinstance(schema["$ref"], str)
        ):
            return urljoin(self.base_uri, schema["$ref"])
        fragment = quote(join(holder_pointer, "schema"), safe="/~!$&'()*+,;=:@-._")
        return self.base_uri + "#" + fragment

    def check_examples(self) -> None:
        for pointer, holder, mode, kind in self.value_sites():
            has_schema = "schema" in holder
            if "example" in holder and has_schema:
                self.validate_instance(
                    holder["example"],
                    holder["schema"],
                    self._schema_uri(pointer, holder),
                    mode,
                    join(pointer, "example"),
                    f"the {kind} example",
                )
            examples = holder.get("examples")
            if not isinstance(examples, Mapping) or not has_schema:
                continue
            for name, example in examples.items():
                ex_ptr = join(pointer, "examples", name)
                resolved = self.try_deref(example)
                if resolved is None or not isinstance(resolved[0], Mapping):
                    continue
                target, uri = resolved
                if "value" not in target:
                    continue
                value_ptr = join(
                    self.pointer_of(uri, ex_ptr) if "$ref" in example else ex_ptr, "value"
                )
                used = f" (used by {ex_ptr})" if "$ref" in example else ""
                self.validate_instance(
                    target["value"],
                    holder["schema"],
                    self._schema_uri(pointer, holder),
                    mode,
                    value_ptr,
                    f"{kind} example {name!r}{used}",
                )
        for pointer, schema, _mode in self.iter_schema_sites():
            uri = self.base_uri + "#" + quote(pointer, safe="/~!$&'()*+,;=:@-._")
            if "example" in schema:
                self.validate_instance(
                    schema["example"],
                    schema,
                    uri,
                    "plain",
                    join(pointer, "example"),
                    "the schema example",
                )
            examples = schema.get("examples")
            if examples is not None and not isinstance(examples, list):
                self.report(
                    join(pointer, "examples"),
                    "a schema's `examples` must be a list of values (JSON Schema 2020-12); "
                    "named examples belong in the media type's `examples` map",
                    "example-invalid",
                )
            elif isinstance(examples, list):
                for i, value in enumerate(examples):
                    self.validate_instance(
                        value,
                        schema,
                        uri,
                        "plain",
                        join(pointer, "examples", i),
                        f"schema example #{i}",
                    )
            if "default" in schema:
                self.validate_instance(
                    schema["default"],
                    schema,
                    uri,
                    "plain",
                    join(pointer, "default"),
                    "the default",
                    rule="default-invalid",
                )

    # ---------------------------------------------------------------- extensions

    def check_extensions(self) -> None:
        op_pointers = {op.pointer: op for op in self.operations}
        decisions: dict[str, str] = {}
        for node in self.nodes():
            if node.is_map:
                continue
            obj, pointer = node.obj, node.pointer
            ext_keys = [str(k) for k in obj if str(k).startswith("x-")]
            for k in ext_keys:
                ptr = join(pointer, k)
                if k not in KNOWN_EXTENSIONS:
                    self.report(
                        ptr,
                        f"unknown extension {k!r}{_did_you_mean(k, list(KNOWN_EXTENSIONS))}; "
                        f"the vocabulary (docs/extensions.md) is {', '.join(KNOWN_EXTENSIONS)}",
                        "extension-unknown",
                    )
                elif k in ("x-inferred", "x-undocumented"):
                    if obj[k] is not True:
                        self.report(
                            ptr,
                            f"{k} must be `true` when present (got {obj[k]!r}); delete it to "
                            "mean documented",
                            "extension-shape",
                        )
                elif k == "x-decision":
                    self._check_decision(obj[k], ptr, decisions)
                elif k == "x-provenance":
                    if pointer != "/info":
                        self.report(ptr, "x-provenance belongs on info only", "extension-shape")
                elif pointer not in op_pointers:
                    self.report(ptr, f"{k} belongs on an operation only", "extension-shape")
                elif k == "x-alias-of":
                    self._check_alias(op_pointers[pointer], obj[k], ptr)
                else:
                    self._check_pagination(op_pointers[pointer], obj[k], ptr)
            described = [k for k in ext_keys if k in ("x-inferred", "x-undocumented", "x-decision")]
            if described and self._has_description_field(node):
                description = obj.get("description")
                if not isinstance(description, str) or not description.strip():
                    self.report(
                        join(pointer, "description"),
                        f"carries {', '.join(described)} but has no description explaining it "
                        "(docs/writing-specs.md: each is also explained in the element's "
                        "description)",
                        "extension-description",
                    )

    @staticmethod
    def _has_description_field(node: Node) -> bool:
        """False for objects the OpenAPI format gives no description (media type, encoding,
        responses map, discriminator, xml, OAuth flows, the document root, paths, components)."""
        if node.parent_key in ("content", "encoding") or node.key in NO_DESCRIPTION_KEYS:
            return False
        return node.key != "responses" and node.pointer not in ("", "/paths", "/components")

    def _check_decision(self, value: Any, pointer: str, decisions: dict[str, str]) -> None:
        keys = ("id", "documented", "chosen", "why")
        if not isinstance(value, Mapping):
            self.report(
                pointer,
                f"x-decision must be a mapping {{{', '.join(keys)}}}, got {value!r}",
                "extension-shape",
            )
            return
        for key in keys:
            v = value.get(key)
            if not isinstance(v, str) or not v.strip():
                self.report(
                    join(pointer, key),
                    f"x-decision.{key} is missing or not a non-empty string"
                    + ("" if v is None else f" (got {v!r})"),
                    "extension-shape",
                )
        extra = sorted(str(k) for k in value if k not in keys)
        if extra:
            self.report(
                pointer,
                f"x-decision has unknown keys {extra}{_did_you_mean(extra[0], list(keys))}; it is "
                f"exactly {{{', '.join(keys)}}}",
                "extension-shape",
            )
        decision_id = value.get("id")
        if not isinstance(decision_id, str) or not decision_id.strip():
            return
        if not re.fullmatch(re.escape(self.vendor) + r"-[0-9]+(\.[0-9A-Za-z]+)*", decision_id):
            self.report(
                join(pointer, "id"),
                f"x-decision id {decision_id!r} is not '<vendor>-<fact-sheet section>[.<row>]' "
                f"(e.g. {self.vendor}-11.8)",
                "extension-shape",
            )
        if decision_id in decisions:
            self.report(
                join(pointer, "id"),
                f"x-decision id {decision_id!r} is already used at {decisions[decision_id]}; ids "
                "are unique per spec",
                "extension-shape",
            )
        else:
            decisions[decision_id] = pointer

    def _check_alias(self, op: Operation, value: Any, pointer: str) -> None:
        if not isinstance(value, str) or value not in self.op_by_id:
            hint = _did_you_mean(str(value), list(self.op_by_id))
            self.report(
                pointer,
                f"x-alias-of {value!r} names no operationId of this spec{hint}",
                "extension-shape",
            )
        elif value == op.node.get("operationId"):
            self.report(pointer, "x-alias-of names the operation itself", "extension-shape")

    def _check_pagination(self, op: Operation, value: Any, pointer: str) -> None:
        keys = ("page_param", "size_param", "items", "next")
        if not isinstance(value, Mapping):
            self.report(
                pointer,
                "x-pagination must be a mapping {page_param, size_param, items, next?}, got "
                f"{value!r}",
                "extension-shape",
            )
            return
        extra = sorted(str(k) for k in value if k not in keys)
        if extra:
            self.report(
                pointer,
                f"x-pagination has unknown keys {extra}; allowed: {', '.join(keys)}",
                "extension-shape",
            )
        query = [name for (location, name) in self.parameters_of(op) if location == "query"]
        for key in ("page_param", "size_param"):
            name = value.get(key)
            if name is not None and self.parameters_incomplete(op):
                continue  # a parameter $ref is broken: unresolved-ref reports it
            if name is None:
                self.report(join(pointer, key), f"x-pagination.{key} is missing", "extension-shape")
            elif name not in query:
                self.report(
                    join(pointer, key),
                    f"x-pagination.{key} {name!r} is not a query parameter of {op.label}"
                    f"{_did_you_mean(str(name), query)} (query parameters: "
                    f"{', '.join(query) or 'none'})",
                    "extension-shape",
                )
        if "items" not in value:
            self.report(join(pointer, "items"), "x-pagination.items is missing", "extension-shape")
        body = self._pagination_body(op, pointer)
        if body is None:
            return
        schema, base = body
        for key, expected in (("items", "array"), ("next", "string")):
            if key not in value:
                continue
            target = value[key]
            if not isinstance(target, str):
                self.report(
                    join(pointer, key),
                    f"x-pagination.{key} must be a JSON pointer string",
                    "extension-shape",
                )
                continue
            found, error = self.walk_schema_pointer(schema, base, target)
            if error:
                self.report(
                    join(pointer, key),
                    f"x-pagination.{key} does not resolve in the 200 response schema: {error}",
                    "extension-shape",
                )
                continue
            types = self.declared_types(found)
            if types and expected not in types:
                self.report(
                    join(pointer, key),
                    f"x-pagination.{key} {target!r} points at a schema of type "
                    f"{'/'.join(sorted(types))}, expected {expected}",
                    "extension-shape",
                )

    def _pagination_body(self, op: Operation, pointer: str) -> tuple[Any, str] | None:
        responses = op.node.get("responses")
        responses = responses if isinstance(responses, Mapping) else {}
        if "200" not in responses:
            self.report(
                pointer,
                f"x-pagination needs a 200 response on {op.label} (has: "
                f"{', '.join(map(str, responses)) or 'none'})",
                "extension-shape",
            )
            return None
        resolved = self.try_deref(responses["200"])
        if resolved is None:
            return None
        found = self.body_schema(resolved[0], urldefrag(resolved[1])[0])
        if found is None:
            self.report(
                pointer, f"the 200 response of {op.label} has no body schema", "extension-shape"
            )
            return None
        return found[0], found[1]


def lint(document: dict[str, Any], source: str) -> list[Problem]:
    """Every problem in an in-memory OpenAPI document; ``source`` is its path (it anchors
    relative file $refs and names the vendor for x-decision ids)."""
    return Linter(document, source).run()


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _line_of(pointer: str, lines: dict[str, int]) -> int | None:
    while True:
        if pointer in lines:
            return lines[pointer]
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]


def lint_file(path: Path, quiet: bool = False) -> int:
    """Lint one file and print its report; returns the number of problems."""
    shown = _display(path)
    loaded = load_spec(path)
    problems = list(loaded.problems)
    stats = Stats()
    if loaded.document is not None:
        linter = Linter(loaded.document, str(path))
        problems += linter.run()
        stats = linter.stats
    for problem in problems:
        line = _line_of(problem.pointer, loaded.lines)
        where = f" (line {line})" if line else ""
        print(f"{shown}: {problem.pointer or '(root)'}: {problem.message}{where} [{problem.rule}]")
    counts = (
        f"{stats.operations} operations, {stats.examples} examples validated, {stats.links} links"
    )
    if problems:
        print(f"{shown}: {len(problems)} problem{'s' if len(problems) != 1 else ''} ({counts})")
    elif not quiet:
        print(f"{shown}: ok ({counts})")
    return len(problems)


def main(argv: list[str] | None = None) -> int:
    rules = "\n".join(
        textwrap.fill(text, 100, initial_indent=f"  {rule:<22} ", subsequent_indent=" " * 25)
        for rule, text in RULES.items()
    )
    parser = argparse.ArgumentParser(
        description="Lint the hand-written OpenAPI 3.1 specs (docs/writing-specs.md, "
        "docs/extensions.md). Prints '<spec>: <JSON pointer>: <message> (line N) [rule]' per "
        "problem and a summary line per spec; exits 1 if any problem.",
        epilog="rules:\n" + rules,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "specs", nargs="*", metavar="SPEC", help="spec files (default: specs/*.yaml)"
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="no summary line for clean specs"
    )
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.specs] or sorted((ROOT / "specs").glob("*.yaml"))
    if not paths:
        print(f"no specs in {_display(ROOT / 'specs')}")
        return 0
    total = sum(lint_file(path, args.quiet) for path in paths)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
