"""Lint rules operation-id, operation-summary, operation-description, operation-tag and
client-error-response: every operation is named, described, tagged once and documents a 4xx."""

from __future__ import annotations

import re
from collections.abc import Mapping

from crm_tools.lint.linter import (
    CLIENT_ERROR_RE,
    OPERATION_ID_RE,
    Linter,
)
from crm_tools.lint.registry import rule
from crm_tools.spec import (
    Operation,
    did_you_mean,
    join,
)


@rule(
    "operation-id",
    doc=(
        "Every operation has an operationId, lowerCamelCase (^[a-z][a-zA-Z0-9]*$), unique in "
        "the spec."
    ),
)
@rule(
    "operation-summary",
    doc=("Every operation has a non-empty summary."),
)
@rule(
    "operation-description",
    doc=("Every operation has a non-empty description."),
)
@rule(
    "operation-tag",
    doc=(
        "Every operation has exactly one tag, declared in top-level tags; every declared tag "
        "has a description."
    ),
)
@rule(
    "client-error-response",
    doc=("Every operation documents at least one 4xx response (4XX counts)."),
)
def check_operations(lint: Linter) -> None:
    declared = _declared_tags(lint)
    first_seen: dict[str, Operation] = {}
    for op in lint.operations:
        node = op.node
        op_id = node.get("operationId")
        if op_id is None:
            suggestion = _suggest_operation_id(lint, op)
            lint.report(
                op.pointer,
                f"{op.method.upper()} {op.path} has no operationId; add one in "
                f"lowerCamelCase, e.g. {suggestion!r}",
                "operation-id",
            )
        elif not isinstance(op_id, str) or not OPERATION_ID_RE.match(op_id):
            camel = _camel(str(op_id))
            lint.report(
                join(op.pointer, "operationId"),
                f"operationId {op_id!r} is not lowerCamelCase (^[a-z][a-zA-Z0-9]*$)"
                + (f"; write {camel!r}" if camel and OPERATION_ID_RE.match(camel) else ""),
                "operation-id",
            )
        if isinstance(op_id, str):
            if op_id in first_seen:
                other = first_seen[op_id]
                lint.report(
                    join(op.pointer, "operationId"),
                    f"operationId {op_id!r} is already used by {other.method.upper()} "
                    f"{other.path} ({other.pointer}); operationIds must be unique",
                    "operation-id",
                )
            else:
                first_seen[op_id] = op
        for key, name in (
            ("summary", "operation-summary"),
            ("description", "operation-description"),
        ):
            value = node.get(key)
            if not isinstance(value, str) or not value.strip():
                lint.report(
                    join(op.pointer, key),
                    f"{op.label} has no {key}" + ("" if value is None else f" (got {value!r})"),
                    name,
                )
        _check_operation_tags(lint, op, declared)
        _check_client_error(lint, op)
    _check_declared_tags(lint)


def _camel(name: str) -> str:
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    if not parts:
        return ""
    head = parts[0][0].lower() + parts[0][1:]
    return head + "".join(p[0].upper() + p[1:] for p in parts[1:])


def _suggest_operation_id(lint: Linter, op: Operation) -> str:
    segments = [s for s in op.path.split("/") if s and not s.startswith("{")]
    resource = segments[-1] if segments else "root"
    resource = _camel(resource)
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


def _declared_tags(lint: Linter) -> list[str]:
    tags = lint.doc.get("tags")
    names = []
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, Mapping) and isinstance(tag.get("name"), str):
            names.append(tag["name"])
    return names


def _check_operation_tags(lint: Linter, op: Operation, declared: list[str]) -> None:
    tags = op.node.get("tags")
    pointer = join(op.pointer, "tags")
    if not isinstance(tags, list) or not tags:
        lint.report(
            pointer,
            f"{op.label} has no tag; give it exactly one (one tag per resource), declared "
            f"in top-level tags (declared: {', '.join(declared) or 'none'})",
            "operation-tag",
        )
        return
    if len(tags) != 1:
        lint.report(
            pointer,
            f"{op.label} has {len(tags)} tags {tags}; exactly one tag per operation",
            "operation-tag",
        )
    for i, tag in enumerate(tags):
        if tag not in declared:
            hint = did_you_mean(str(tag), declared)
            lint.report(
                join(pointer, i),
                f"tag {tag!r} is not declared in top-level tags{hint} (declared: "
                f"{', '.join(declared) or 'none'})",
                "operation-tag",
            )


def _check_declared_tags(lint: Linter) -> None:
    tags = lint.doc.get("tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        if not isinstance(tag, Mapping):
            continue
        description = tag.get("description")
        if not isinstance(description, str) or not description.strip():
            lint.report(
                join("/tags", i, "description"),
                f"tag {tag.get('name')!r} has no description",
                "operation-tag",
            )


def _check_client_error(lint: Linter, op: Operation) -> None:
    responses = op.node.get("responses")
    codes = [str(c) for c in responses] if isinstance(responses, Mapping) else []
    if not any(CLIENT_ERROR_RE.match(c) for c in codes):
        lint.report(
            join(op.pointer, "responses"),
            f"{op.label} documents no 4xx response (has: {', '.join(codes) or 'none'}); "
            "add the vendor's client errors (a 4XX range counts)",
            "client-error-response",
        )
