"""The one reading of an OpenAPI spec that every tool shares.

The lint gate, the client pipeline, the docs build and the release artifacts all load a spec,
follow its `$ref`s, list its operations and walk JSON pointers through its schemas. Each used to
do it its own way, and they disagreed (the gate accepted refs to other files that generation
refused; an `x-pagination.items` pointer through `oneOf` passed the gate and stopped
generation). This module is the single definition of each:

- `load` / `load_text`: YAML read the way the gate checks it (dates stay strings);
- `resolve_ref` / `deref` / `resolve`: local `#/...` references only; a reference to another
  file or URL is refused with `RefError(EXTERNAL_REF)` by every tool;
- `operations` / `parameters` / `HTTP_METHODS`: the operations of `paths`, path-item `$ref`s
  followed, parameters merged (the operation's win);
- `schema_branches` / `walk_pointer` / `declared_types`: a JSON pointer into the *instances*
  a schema describes, through `$ref`, `allOf`, `anyOf` and `oneOf`;
- `NAME_MAPS`: the keywords whose values map user-chosen names to objects;
- `server_url` / `server_path`: where a spec's API lives (the mock serves its paths there).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})

# Keywords whose value maps names the author chose to objects: a key there is a name, so a
# property called `example`, `$ref` or `x-id` is not a keyword or an extension.
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
        "schemas",
        "parameters",
        "requestBodies",
        "pathItems",
    }
)
# The Schema Object's own name maps (property names, definitions): where a schema's keys stop
# being keywords. A subset of NAME_MAPS; the docs count and name schema properties with it.
SCHEMA_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs"})
# Name maps that OpenAPI also lets carry `x-` extensions next to the names (the Paths and
# Responses objects): names for inlining, but their `x-` keys are extensions for the gate.
EXTENSIBLE_NAME_MAPS = frozenset({"paths", "responses"})

EXTERNAL_REF = (
    "only local '#/...' references are supported: every tool reads one self-contained file "
    "(move the target into components)"
)


class SpecError(ValueError):
    """The spec cannot be read the way every tool reads it."""


class RefError(SpecError):
    """A `$ref` that does not resolve inside the document (or points outside it)."""


# -- JSON pointers ---------------------------------------------------------------------------


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


def names(container: Any, limit: int = 12) -> str:
    """The keys (or indexes) of a container, for messages."""
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


def did_you_mean(word: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.8)
    return f" (did you mean {close[0]!r}?)" if close else ""


# -- YAML ------------------------------------------------------------------------------------

_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
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


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_text(text: str) -> Any:
    """A YAML (or JSON) document read as every tool reads a spec."""
    return yaml.load(text, Loader=Loader)  # noqa: S506 - Loader is a SafeLoader


def load(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"))


# -- references ------------------------------------------------------------------------------


def resolve_ref(doc: Any, ref: Any) -> tuple[Any, str]:
    """The node a `$ref` value points at, and its JSON pointer; RefError if it does not
    resolve inside `doc` (refs to other files and URLs are refused, see EXTERNAL_REF)."""
    if not isinstance(ref, str):
        raise RefError(f"$ref must be a string, got {type(ref).__name__}")
    if not ref.startswith("#"):
        raise RefError(f"$ref {ref!r} points outside this document: {EXTERNAL_REF}")
    try:
        segments = split_pointer(unquote(ref[1:]))
    except ValueError as exc:
        raise RefError(f"the fragment is not a JSON pointer: {exc}") from None
    node, walked = doc, ""
    for seg in segments:
        if isinstance(node, Mapping) and seg in node:
            node = node[seg]
        elif isinstance(node, list) and seg.isdigit() and int(seg) < len(node):
            node = node[int(seg)]
        else:
            hint = did_you_mean(seg, [str(k) for k in node]) if isinstance(node, dict) else ""
            raise RefError(
                f"{walked or '(document root)'} has no {seg!r}{hint}; it has: {names(node)}"
            )
        walked = join(walked, seg)
    return node, walked


def deref(doc: Any, node: Any) -> tuple[Any, str | None]:
    """Follow a chain of `$ref` objects: (target, its pointer; None if `node` is no ref)."""
    pointer: str | None = None
    seen: set[str] = set()
    while isinstance(node, Mapping) and "$ref" in node:
        node, pointer = resolve_ref(doc, node["$ref"])
        if pointer in seen:
            raise RefError(f"$ref cycle through #{pointer}")
        seen.add(pointer)
    return node, pointer


def resolve(doc: Any, node: Any) -> Any:
    """`node` with its `$ref` chain followed (RefError if it does not resolve)."""
    return deref(doc, node)[0]


def try_resolve(doc: Any, node: Any) -> Any | None:
    try:
        return resolve(doc, node)
    except RefError:
        return None


# -- operations ------------------------------------------------------------------------------


@dataclass
class Operation:
    pointer: str  # where the operation object is written (inside a $ref'd path item: there)
    path: str
    method: str
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        op_id = self.node.get("operationId")
        name = op_id if isinstance(op_id, str) and op_id else "(no operationId)"
        return f"{name} ({self.method.upper()} {self.path})"


def operations(doc: Any) -> list[Operation]:
    """Every operation of `paths` in document order; a path item whose `$ref` does not
    resolve is skipped (the gate reports it as unresolved-ref)."""
    paths = doc.get("paths") if isinstance(doc, Mapping) else None
    if not isinstance(paths, Mapping):
        return []
    found: list[Operation] = []
    for path, item in paths.items():
        try:
            path_item, target = deref(doc, item)
        except RefError:
            continue
        if not isinstance(path_item, dict):
            continue
        base = target if target is not None else join("/paths", path)
        for method in HTTP_METHODS:
            op = path_item.get(method)
            if isinstance(op, dict):  # the document's own objects: tools key them by id()
                found.append(Operation(join(base, method), str(path), method, op, path_item))
    return found


def parameters(doc: Any, operation: Operation) -> dict[tuple[str, str], dict[str, Any]]:
    """Path-item then operation parameters (the operation's win), `$ref`s followed, keyed by
    (in, name); a parameter whose `$ref` does not resolve is left out."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source in (operation.path_item, operation.node):
        params = source.get("parameters")
        for param in params if isinstance(params, list) else []:
            p = try_resolve(doc, param)
            if isinstance(p, Mapping) and all(isinstance(p.get(k), str) for k in ("name", "in")):
                merged[(p["in"], p["name"])] = dict(p)
    return merged


# -- schemas ---------------------------------------------------------------------------------


def schema_branches(
    doc: Any, schema: Any, broken: list[str] | None = None
) -> Iterator[dict[str, Any]]:
    """The schema and everything it is combined with: `$ref` targets and allOf/anyOf/oneOf
    members, recursively. A `$ref` that does not resolve is skipped (and appended to `broken`
    if given)."""
    stack = [schema]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if not isinstance(node, Mapping) or id(node) in seen:
            continue
        seen.add(id(node))
        yield dict(node)
        if "$ref" in node:
            try:
                stack.append(resolve_ref(doc, node["$ref"])[0])
            except RefError:
                if broken is not None:
                    broken.append(str(node["$ref"]))
        for kw in ("allOf", "anyOf", "oneOf"):
            members = node.get(kw)
            stack.extend(members if isinstance(members, list) else [])


def declared_types(doc: Any, schemas: list[dict[str, Any]]) -> set[str]:
    """The JSON types the schemas (and what they combine) declare or imply."""
    types: set[str] = set()
    for schema in schemas:
        for branch in schema_branches(doc, schema):
            declared = branch.get("type")
            listed = declared if isinstance(declared, list) else [declared]
            types.update(t for t in listed if isinstance(t, str) and t in JSON_TYPES)
            if "items" in branch or "prefixItems" in branch:
                types.add("array")
            if "properties" in branch:
                types.add("object")
    return types


def walk_pointer(
    doc: Any, schema: Any, pointer: str, *, strict: bool = False
) -> tuple[list[dict[str, Any]], str | None]:
    """Follow a JSON pointer into the *instances* a schema describes (properties,
    patternProperties, additionalProperties, items, prefixItems; through `$ref` and every
    allOf/anyOf/oneOf member). Returns the schemas found at the end, or an error naming the
    failing segment. Neither with a `$ref` on the way that does not resolve: ([], None), or
    with `strict` its RefError (the gate reports the ref itself; generation stops on it)."""
    try:
        segments = split_pointer(pointer)
    except ValueError as exc:
        return [], f"{pointer!r} is not a JSON pointer: {exc}"
    current: list[Any] = [schema]
    walked = ""
    broken: list[str] = []
    for seg in segments:
        found: list[Any] = []
        available: list[str] = []
        for node in current:
            for branch in schema_branches(doc, node, broken):
                props = branch.get("properties")
                hit = False
                if isinstance(props, Mapping):
                    available.extend(str(k) for k in props)
                    if seg in props:
                        found.append(props[seg])
                        hit = True
                patterns = branch.get("patternProperties")
                if isinstance(patterns, Mapping):
                    for rx, sub in patterns.items():
                        try:
                            if re.search(str(rx), seg):
                                found.append(sub)
                                hit = True
                        except re.error:
                            pass
                extra = branch.get("additionalProperties")
                if not hit and isinstance(extra, Mapping):
                    found.append(extra)
                if seg.isdigit():
                    prefix = branch.get("prefixItems")
                    if isinstance(prefix, list) and int(seg) < len(prefix):
                        found.append(prefix[int(seg)])
                    elif isinstance(branch.get("items"), Mapping):
                        found.append(branch["items"])
        if not found and broken:
            if strict:
                resolve_ref(doc, broken[0])  # raises the RefError that explains it
            return [], None  # cannot tell: the broken $ref is the problem to report
        if not found:
            listed = ", ".join(dict.fromkeys(available)) or "none"
            here = [dict(n) for n in current if isinstance(n, Mapping)]
            is_array = "array" in declared_types(doc, here)
            return [], (
                f"segment {seg!r} of {pointer!r} matches nothing: the schema at "
                f"{walked or '(body root)'} "
                + (
                    "is an array (step into it with an index such as 0)"
                    if is_array and not seg.isdigit()
                    else f"has properties: {listed}"
                )
            )
        current = found
        walked = join(walked, seg)
    return [dict(n) for n in current if isinstance(n, Mapping)], None


# -- servers ---------------------------------------------------------------------------------


def server_url(spec: Mapping[str, Any], index: int = 0) -> str:
    """servers[index].url with its variables at their defaults."""
    server = spec["servers"][index]
    url = str(server["url"])
    for name, variable in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(variable.get("default", name)))
    return url


def server_path(spec: Mapping[str, Any]) -> str:
    """The path part of the first server: where a mock serves the spec's paths (`/api`,
    `/api/v3`, or "" when the paths carry the whole prefix themselves, like Sell's `/v2/...`).
    Shared by the client pipeline, the contract runner and the docs build."""
    return urlsplit(server_url(spec)).path.rstrip("/")
