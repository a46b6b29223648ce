"""Lint rule unresolved-ref: every $ref resolves inside the spec, read through the spec
model (local references only, as every tool reads them)."""

from __future__ import annotations

from crm_tools.lint.linter import Linter
from crm_tools.lint.registry import rule
from crm_tools.spec import (
    RefError,
    join,
)


@rule(
    "unresolved-ref",
    doc=(
        "Every $ref resolves to a local '#/...' JSON pointer (the spec model every tool reads "
        "through: refs to other files or URLs are refused)."
    ),
)
def check_refs(lint: Linter) -> None:
    for node in lint.nodes():
        if node.is_map or "$ref" not in node.obj:
            continue
        ref = node.obj["$ref"]
        try:
            lint.resolve_ref(ref, lint.base_uri)
        except RefError as exc:
            lint.report(
                join(node.pointer, "$ref"),
                f"$ref {ref!r} does not resolve: {exc}",
                "unresolved-ref",
            )
