"""Lint rules extension-shape, extension-description and extension-unknown: only the x-
extensions of docs/extensions.md, each in its documented shape and explained."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urldefrag

from crm_tools.lint.linter import (
    KNOWN_EXTENSIONS,
    NO_DESCRIPTION_KEYS,
    Linter,
    Node,
)
from crm_tools.lint.registry import rule
from crm_tools.spec import (
    Operation,
    did_you_mean,
    join,
)


@rule(
    "extension-shape",
    doc=(
        "x-inferred / x-undocumented are `true`; x-decision is {id, documented, chosen, why} "
        "(non-empty strings, id '<vendor>-<section>[.<row>]', unique); x-alias-of names another"
        " existing operationId; x-pagination is {page_param, size_param, items, next?}: "
        "page_param and size_param are query parameters of the operation (path-level and $ref'd"
        " ones count), items is a JSON pointer to an array inside the 200 response schema "
        "(walking properties through $ref/allOf/anyOf/oneOf) and next one to a string; x-alias-"
        "of / x-pagination only on operations, x-provenance only on info."
    ),
)
@rule(
    "extension-description",
    doc=(
        "An element carrying x-inferred, x-undocumented or x-decision has a non-empty "
        "description explaining it (media types and other objects without a description field "
        "are exempt)."
    ),
)
@rule(
    "extension-unknown",
    doc=(
        "Only the x- extensions of docs/extensions.md are used (x-provenance, x-inferred, "
        "x-undocumented, x-decision, x-alias-of, x-pagination)."
    ),
)
def check_extensions(lint: Linter) -> None:
    op_pointers = {op.pointer: op for op in lint.operations}
    decisions: dict[str, str] = {}
    for node in lint.nodes():
        if node.is_map:
            continue
        obj, pointer = node.obj, node.pointer
        ext_keys = [str(k) for k in obj if str(k).startswith("x-")]
        for k in ext_keys:
            ptr = join(pointer, k)
            if k not in KNOWN_EXTENSIONS:
                lint.report(
                    ptr,
                    f"unknown extension {k!r}{did_you_mean(k, list(KNOWN_EXTENSIONS))}; "
                    f"the vocabulary (docs/extensions.md) is {', '.join(KNOWN_EXTENSIONS)}",
                    "extension-unknown",
                )
            elif k in ("x-inferred", "x-undocumented"):
                if obj[k] is not True:
                    lint.report(
                        ptr,
                        f"{k} must be `true` when present (got {obj[k]!r}); delete it to "
                        "mean documented",
                        "extension-shape",
                    )
            elif k == "x-decision":
                _check_decision(lint, obj[k], ptr, decisions)
            elif k == "x-provenance":
                if pointer != "/info":
                    lint.report(ptr, "x-provenance belongs on info only", "extension-shape")
            elif pointer not in op_pointers:
                lint.report(ptr, f"{k} belongs on an operation only", "extension-shape")
            elif k == "x-alias-of":
                _check_alias(lint, op_pointers[pointer], obj[k], ptr)
            else:
                _check_pagination(lint, op_pointers[pointer], obj[k], ptr)
        described = [k for k in ext_keys if k in ("x-inferred", "x-undocumented", "x-decision")]
        if described and _has_description_field(node):
            description = obj.get("description")
            if not isinstance(description, str) or not description.strip():
                lint.report(
                    join(pointer, "description"),
                    f"carries {', '.join(described)} but has no description explaining it "
                    "(docs/writing-specs.md: each is also explained in the element's "
                    "description)",
                    "extension-description",
                )


def _has_description_field(node: Node) -> bool:
    """False for objects the OpenAPI format gives no description (media type, encoding,
    responses map, discriminator, xml, OAuth flows, the document root, paths, components)."""
    if node.parent_key in ("content", "encoding") or node.key in NO_DESCRIPTION_KEYS:
        return False
    return node.key != "responses" and node.pointer not in ("", "/paths", "/components")


def _check_decision(lint: Linter, value: Any, pointer: str, decisions: dict[str, str]) -> None:
    keys = ("id", "documented", "chosen", "why")
    if not isinstance(value, Mapping):
        lint.report(
            pointer,
            f"x-decision must be a mapping {{{', '.join(keys)}}}, got {value!r}",
            "extension-shape",
        )
        return
    lint.report_blank_strings(value, keys, pointer, "x-decision.", "extension-shape")
    extra = sorted(str(k) for k in value if k not in keys)
    if extra:
        lint.report(
            pointer,
            f"x-decision has unknown keys {extra}{did_you_mean(extra[0], list(keys))}; it is "
            f"exactly {{{', '.join(keys)}}}",
            "extension-shape",
        )
    decision_id = value.get("id")
    if not isinstance(decision_id, str) or not decision_id.strip():
        return
    if not re.fullmatch(re.escape(lint.vendor) + r"-[0-9]+(\.[0-9A-Za-z]+)*", decision_id):
        lint.report(
            join(pointer, "id"),
            f"x-decision id {decision_id!r} is not '<vendor>-<fact-sheet section>[.<row>]' "
            f"(e.g. {lint.vendor}-11.8)",
            "extension-shape",
        )
    if decision_id in decisions:
        lint.report(
            join(pointer, "id"),
            f"x-decision id {decision_id!r} is already used at {decisions[decision_id]}; ids "
            "are unique per spec",
            "extension-shape",
        )
    else:
        decisions[decision_id] = pointer


def _check_alias(lint: Linter, op: Operation, value: Any, pointer: str) -> None:
    if not isinstance(value, str) or value not in lint.op_by_id:
        hint = did_you_mean(str(value), list(lint.op_by_id))
        lint.report(
            pointer,
            f"x-alias-of {value!r} names no operationId of this spec{hint}",
            "extension-shape",
        )
    elif value == op.node.get("operationId"):
        lint.report(pointer, "x-alias-of names the operation itself", "extension-shape")


def _check_pagination(lint: Linter, op: Operation, value: Any, pointer: str) -> None:
    keys = ("page_param", "size_param", "items", "next")
    if not isinstance(value, Mapping):
        lint.report(
            pointer,
            "x-pagination must be a mapping {page_param, size_param, items, next?}, got "
            f"{value!r}",
            "extension-shape",
        )
        return
    extra = sorted(str(k) for k in value if k not in keys)
    if extra:
        lint.report(
            pointer,
            f"x-pagination has unknown keys {extra}; allowed: {', '.join(keys)}",
            "extension-shape",
        )
    query = [name for (location, name) in lint.parameters_of(op) if location == "query"]
    for key in ("page_param", "size_param"):
        name = value.get(key)
        if name is not None and lint.parameters_incomplete(op):
            continue  # a parameter $ref is broken: unresolved-ref reports it
        if name is None:
            lint.report(join(pointer, key), f"x-pagination.{key} is missing", "extension-shape")
        elif name not in query:
            lint.report(
                join(pointer, key),
                f"x-pagination.{key} {name!r} is not a query parameter of {op.label}"
                f"{did_you_mean(str(name), query)} (query parameters: "
                f"{', '.join(query) or 'none'})",
                "extension-shape",
            )
    if "items" not in value:
        lint.report(join(pointer, "items"), "x-pagination.items is missing", "extension-shape")
    body = _pagination_body(lint, op, pointer)
    if body is None:
        return
    schema, base = body
    for key, expected in (("items", "array"), ("next", "string")):
        if key not in value:
            continue
        target = value[key]
        if not isinstance(target, str):
            lint.report(
                join(pointer, key),
                f"x-pagination.{key} must be a JSON pointer string",
                "extension-shape",
            )
            continue
        found, error = lint.walk_schema_pointer(schema, base, target)
        if error:
            lint.report(
                join(pointer, key),
                f"x-pagination.{key} does not resolve in the 200 response schema: {error}",
                "extension-shape",
            )
            continue
        types = lint.declared_types(found)
        if types and expected not in types:
            lint.report(
                join(pointer, key),
                f"x-pagination.{key} {target!r} points at a schema of type "
                f"{'/'.join(sorted(types))}, expected {expected}",
                "extension-shape",
            )


def _pagination_body(lint: Linter, op: Operation, pointer: str) -> tuple[Any, str] | None:
    responses = op.node.get("responses")
    responses = responses if isinstance(responses, Mapping) else {}
    if "200" not in responses:
        lint.report(
            pointer,
            f"x-pagination needs a 200 response on {op.label} (has: "
            f"{', '.join(map(str, responses)) or 'none'})",
            "extension-shape",
        )
        return None
    resolved = lint.try_deref(responses["200"])
    if resolved is None:
        return None
    found = lint.body_schema(resolved[0], urldefrag(resolved[1])[0])
    if found is None:
        lint.report(
            pointer, f"the 200 response of {op.label} has no body schema", "extension-shape"
        )
        return None
    return found[0], found[1]
