"""Lint rules example-invalid and default-invalid: every example and default validates
against the schema it belongs to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote, urljoin

import referencing.exceptions
from jsonschema import Draft202012Validator, validators  # type: ignore[import-untyped]
from jsonschema.exceptions import (  # type: ignore[import-untyped]
    ValidationError,
    best_match,
    relevance,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from crm_tools.lint.linter import (
    Linter,
    shorten,
)
from crm_tools.lint.registry import rule
from crm_tools.spec import (
    RefError,
    join,
)


def registry(lint: Linter) -> Registry[Any]:
    if lint._registry is None:

        def retrieve(uri: str) -> Resource[Any]:
            try:
                return DRAFT202012.create_resource(lint._load_document(uri))
            except RefError as exc:
                raise referencing.exceptions.NoSuchResource(uri) from exc

        lint._registry = Registry(retrieve=retrieve).with_resource(  # type: ignore[call-arg]
            lint.base_uri, DRAFT202012.create_resource(lint.doc)
        )
    return lint._registry


def validator_class(lint: Linter, mode: str) -> Any:
    """Draft 2020-12 validator; 'request' ignores required readOnly properties and
    'response' required writeOnly ones (OpenAPI semantics)."""
    if mode in lint._validator_classes:
        return lint._validator_classes[mode]
    if mode == "plain":
        cls = Draft202012Validator
    else:
        flag = "readOnly" if mode == "request" else "writeOnly"

        def required(validator: Any, required: Any, instance: Any, schema: Any) -> Iterator[Any]:
            if not validator.is_type(instance, "object") or not isinstance(required, list):
                return
            skip = flagged_properties(lint, schema, flag)
            for prop in required:
                if prop not in instance and not (isinstance(prop, str) and prop in skip):
                    yield ValidationError(f"{prop!r} is a required property")

        cls = validators.extend(Draft202012Validator, {"required": required})
    lint._validator_classes[mode] = cls
    return cls


def flagged_properties(lint: Linter, schema: Any, flag: str) -> set[str]:
    """Names of the properties (own, via $ref or allOf/anyOf/oneOf) marked flag: true."""
    cached = lint._flagged.get((id(schema), flag))
    if cached is not None:
        return cached
    names: set[str] = set()
    lint._flagged[(id(schema), flag)] = names
    for branch, uri in lint.schema_branches(schema, lint.base_uri):
        props = branch.get("properties")
        for name, prop in props.items() if isinstance(props, Mapping) else []:
            for sub, _ in lint.schema_branches(prop, uri):
                if sub.get(flag) is True:
                    names.add(str(name))
                    break
    return names


def validate_instance(
    lint: Linter,
    instance: Any,
    schema: Any,
    schema_uri: str,
    mode: str,
    value_pointer: str,
    what: str,
    rule: str = "example-invalid",
) -> None:
    if rule == "example-invalid":
        lint.stats.examples += 1
    if schema is True or schema == {}:
        return
    cls = validator_class(lint, mode)
    try:
        validator = cls(
            {"$ref": schema_uri},
            registry=registry(lint),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        errors = sorted(validator.iter_errors(instance), key=relevance, reverse=True)
    except referencing.exceptions.Unresolvable:
        return  # unresolved-ref reports it
    except Exception as exc:  # a malformed schema: jsonschema fails in many ways
        lint.report(
            value_pointer,
            f"{what} cannot be validated: its schema {lint.where(schema_uri)} is not a "
            f"valid JSON Schema ({type(exc).__name__}: {shorten(str(exc), 120)})",
            "structure",
        )
        return
    for error in errors[:3]:
        detail = best_match([error])
        location = join(value_pointer, *detail.absolute_path)
        message = shorten(detail.message)
        if detail.context:
            tried = sorted({shorten(e.message, 120) for e in detail.context})
            message += f" (tried: {'; '.join(tried[:4])})"
        lint.report(
            location,
            f"{what} does not validate against {lint.where(schema_uri)}: {message}",
            rule,
        )
    if len(errors) > 3:
        lint.report(value_pointer, f"{what}: {len(errors) - 3} more validation errors", rule)


def _schema_uri(lint: Linter, holder_pointer: str, holder: dict[str, Any]) -> str:
    schema = holder["schema"]
    if isinstance(schema, Mapping) and set(schema) == {"$ref"} and isinstance(schema["$ref"], str):
        return urljoin(lint.base_uri, schema["$ref"])
    fragment = quote(join(holder_pointer, "schema"), safe="/~!$&'()*+,;=:@-._")
    return lint.base_uri + "#" + fragment


@rule(
    "example-invalid",
    doc=(
        "Every example validates (JSON Schema 2020-12, formats checked, $refs resolved in the "
        "whole document): schema `example` and `examples` (a list) against the schema they sit "
        "in; media-type `example` and `examples[*].value` (also $ref'd components/examples) "
        "against the media type's schema; parameter and header example(s) against their schema."
        " Request bodies may omit required readOnly properties and responses required writeOnly"
        " ones. Non-JSON content is validated as written (a string)."
    ),
)
@rule(
    "default-invalid",
    doc=("Every schema `default` validates against the schema it sits in."),
)
def check_examples(lint: Linter) -> None:
    for pointer, holder, mode, kind in lint.value_sites():
        has_schema = "schema" in holder
        if "example" in holder and has_schema:
            validate_instance(
                lint,
                holder["example"],
                holder["schema"],
                _schema_uri(lint, pointer, holder),
                mode,
                join(pointer, "example"),
                f"the {kind} example",
            )
        examples = holder.get("examples")
        if not isinstance(examples, Mapping) or not has_schema:
            continue
        for name, example in examples.items():
            ex_ptr = join(pointer, "examples", name)
            resolved = lint.try_deref(example)
            if resolved is None or not isinstance(resolved[0], Mapping):
                continue
            target, uri = resolved
            if "value" not in target:
                continue
            value_ptr = join(lint.pointer_of(uri, ex_ptr) if "$ref" in example else ex_ptr, "value")
            used = f" (used by {ex_ptr})" if "$ref" in example else ""
            validate_instance(
                lint,
                target["value"],
                holder["schema"],
                _schema_uri(lint, pointer, holder),
                mode,
                value_ptr,
                f"{kind} example {name!r}{used}",
            )
    for pointer, schema, _mode in lint.iter_schema_sites():
        uri = lint.base_uri + "#" + quote(pointer, safe="/~!$&'()*+,;=:@-._")
        if "example" in schema:
            validate_instance(
                lint,
                schema["example"],
                schema,
                uri,
                "plain",
                join(pointer, "example"),
                "the schema example",
            )
        examples = schema.get("examples")
        if examples is not None and not isinstance(examples, list):
            lint.report(
                join(pointer, "examples"),
                "a schema's `examples` must be a list of values (JSON Schema 2020-12); "
                "named examples belong in the media type's `examples` map",
                "example-invalid",
            )
        elif isinstance(examples, list):
            for i, value in enumerate(examples):
                validate_instance(
                    lint,
                    value,
                    schema,
                    uri,
                    "plain",
                    join(pointer, "examples", i),
                    f"schema example #{i}",
                )
        if "default" in schema:
            validate_instance(
                lint,
                schema["default"],
                schema,
                uri,
                "plain",
                join(pointer, "default"),
                "the default",
                rule="default-invalid",
            )
