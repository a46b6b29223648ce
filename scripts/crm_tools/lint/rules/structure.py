"""Lint rule structure: the document and its Schema Objects against OpenAPI 3.1, and the
keyword checks openapi-spec-validator would run (reported here with locations)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from jsonschema import Draft202012Validator, validators  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    SchemaError,
    ValidationError,
    best_match,
)
from openapi_spec_validator import OpenAPIV31SpecValidator

from crm_tools.lint.linter import (
    OAS31_DIALECT,
    Linter,
    shorten,
)
from crm_tools.lint.registry import rule
from crm_tools.spec import join

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


@rule(
    "structure",
    doc=(
        "The document against openapi-spec-validator's OpenAPI 3.1 schema; every Schema Object "
        "against the OAS 3.1 JSON Schema dialect; the keyword checks of openapi-spec-validator "
        "(every {param} of a path template declared `in: path`, `required: true`, and no other "
        "path parameter; no parameter twice in one list; no tag declared twice; with allOf, "
        "every `required` name defined)."
    ),
)
def check_structure(lint: Linter) -> None:
    """openapi-spec-validator's OpenAPI 3.1 schema on the document, the OAS 3.1 dialect on
    every Schema Object, and the keyword checks openapi-spec-validator would run (done
    here, with locations, because its own run stops at the first unresolved $ref)."""
    try:
        for error in OpenAPIV31SpecValidator.schema_validator.iter_errors(lint.doc):
            _report_schema_error(lint, error, "", "OpenAPI 3.1")
    except Exception as exc:  # the validator must never take the gate down
        lint.report("", f"openapi-spec-validator failed: {exc}", "structure")
    _check_schema_dialect(lint)
    _check_path_templates(lint)
    _check_duplicate_parameters(lint)
    _check_duplicate_tags(lint)
    _check_required_under_all_of(lint)


def _report_schema_error(lint: Linter, error: ValidationError, base: str, against: str) -> None:
    try:
        detail = best_match([error])
    except Exception:  # errors converted from jsonschema-rs cannot be ranked
        detail = error
    pointer = join(base, *detail.absolute_path)
    message = shorten(str(detail.message).split("\n", 1)[0])
    if detail.context:
        tried = sorted({shorten(e.message, 120) for e in detail.context})
        message += f" (tried: {'; '.join(tried[:4])})"
    lint.report(pointer, f"not valid {against}: {message}", "structure")


def _check_schema_dialect(lint: Linter) -> None:
    """Each top-level Schema Object against the OAS 3.1 dialect meta-schema: JSON Schema
    2020-12 merged into one resource (same rules, ~5x faster than resolving its seven
    vocabulary meta-schemas per node); schemas using the OAS vocabulary (discriminator,
    xml, externalDocs) also go through openapi-spec-validator's own dialect checker."""
    fast = _fast_meta_validator()
    official = validators.validator_for({"$schema": OAS31_DIALECT}, default=None)
    for pointer, schema, _mode in lint.iter_schema_sites(top_only=True):
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
                _report_schema_error(lint, error, pointer, "as an OAS 3.1 Schema Object")


def _check_path_templates(lint: Linter) -> None:
    for op in lint.operations:
        in_template = set(re.findall(r"\{([^{}]+)\}", op.path))
        declared = {name for (where, name) in lint.parameters_of(op) if where == "path"}
        if lint.parameters_incomplete(op):
            continue
        for name in sorted(in_template - declared):
            lint.report(
                op.pointer,
                f"the path template has {{{name}}} but no `in: path` parameter named "
                f"{name!r} is declared on the path item or the operation",
                "structure",
            )
        for name in sorted(declared - in_template):
            lint.report(
                op.pointer,
                f"declares path parameter {name!r} but the path template {op.path!r} has "
                f"no {{{name}}}",
                "structure",
            )
        for (where, name), param in lint.parameters_of(op).items():
            if where == "path" and param.get("required") is not True:
                lint.report(
                    op.pointer,
                    f"path parameter {name!r} must have `required: true`",
                    "structure",
                )


def _check_duplicate_parameters(lint: Linter) -> None:
    for node in lint.nodes():
        params = node.obj.get("parameters")
        if node.is_map or not isinstance(params, list):
            continue
        seen: set[tuple[Any, Any]] = set()
        for i, param in enumerate(params):
            resolved = lint.try_deref(param)
            if resolved is None or not isinstance(resolved[0], Mapping):
                continue
            key = (resolved[0].get("name"), resolved[0].get("in"))
            if not all(isinstance(part, str) for part in key):
                continue
            if key in seen:
                lint.report(
                    join(node.pointer, "parameters", i),
                    f"parameter {key[0]!r} (in: {key[1]}) is declared twice in this list",
                    "structure",
                )
            seen.add(key)


def _check_duplicate_tags(lint: Linter) -> None:
    tags = lint.doc.get("tags")
    seen: set[Any] = set()
    for i, tag in enumerate(tags if isinstance(tags, list) else []):
        name = tag.get("name") if isinstance(tag, Mapping) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            lint.report(join("/tags", i), f"tag {name!r} is declared twice", "structure")
        seen.add(name)


def _check_required_under_all_of(lint: Linter) -> None:
    """As openapi-spec-validator: with allOf, every `required` name must be a property
    defined here or in a member (else a typo silently requires nothing useful)."""
    for pointer, schema, _mode in lint.iter_schema_sites():
        required = schema.get("required")
        if "allOf" not in schema or not isinstance(required, list):
            continue
        defined: set[str] = set()
        broken: list[str] = []
        for branch, _uri in lint.schema_branches(schema, lint.base_uri, broken):
            props = branch.get("properties")
            defined.update(str(k) for k in props) if isinstance(props, Mapping) else None
        missing = [str(r) for r in required if r not in defined]
        if missing and not broken:
            lint.report(
                join(pointer, "required"),
                f"`required` names {missing}, defined neither here nor in its allOf/anyOf/"
                "oneOf members",
                "structure",
            )
