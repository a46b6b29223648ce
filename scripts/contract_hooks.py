"""Schemathesis hooks of the contract runner: valid *stored* data for positive test cases.

Some inputs are valid only relative to what an account holds: a Clevertim `cf` map must name
custom fields defined for that resource, a Relenta contact's extra keys must be the keys of
the department's custom fields. A schema cannot say which ids or keys exist, so schemathesis'
random positive bodies would be refused for reasons the spec cannot state. Instead of turning
the positive-acceptance check off for those operations, these hooks rewrite the stored-data
part of each *positive* body into values the account really has (creating a definition through
the vendor's own API when none exists yet). Negative cases are left alone: they must still be
rejected.

Loaded by schemathesis through SCHEMATHESIS_HOOKS=contract_hooks (scripts/ on PYTHONPATH); the
runner passes the target in CONTRACT_HOOK_VENDOR / CONTRACT_HOOK_BASE_URL and the credentials
in the CONTRACT_SECRET_* variables it already sets for schemathesis' auth.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx
import schemathesis
from schemathesis.core.parameters import ParameterLocation

VENDOR = os.environ.get("CONTRACT_HOOK_VENDOR", "")
BASE_URL = os.environ.get("CONTRACT_HOOK_BASE_URL", "")


def _secret(name: str) -> str:
    return os.environ.get(f"CONTRACT_SECRET_{name.upper()}", "")


def _client() -> httpx.Client:
    if VENDOR == "clevertim":
        return httpx.Client(base_url=BASE_URL, auth=(_secret("token"), "X"), timeout=10)
    if VENDOR == "relenta":
        return httpx.Client(
            base_url=BASE_URL,
            headers={"X-Relenta-Department-Key": _secret("department_key")},
            timeout=10,
        )
    raise RuntimeError(f"no stored-data hooks for {VENDOR!r}")


# -- Clevertim: `cf` names custom fields defined for the resource (fact sheet 7) ------------

#: operationId -> the custom-field scope (`modelType`) of its resource
CLEVERTIM_CF_SCOPE = {
    "createContact": "customers",
    "updateContact": "customers",
    "createCompany": "companies",
    "updateCompany": "companies",
    "createCase": "cases",
    "updateCase": "cases",
    "createOpportunity": "opportunities",
    "updateOpportunity": "opportunities",
}


def clevertim_input_field(scope: str) -> int:
    """The id of a free-text custom field for `scope`, defining one if the account has none.

    Looked up on every use: the run may have deleted or changed any field it was shown.
    """
    with _client() as api:
        for field in api.get("/customfield").json().get("content", []):
            if (
                field.get("elemType") == "input"
                and field.get("modelType") == [scope]
                and not field.get("multiple")
            ):
                return int(field["id"])
        created = api.post(
            "/customfield",
            json={"name": f"contract {scope}", "elemType": "input", "modelType": [scope]},
        )
        created.raise_for_status()
        return int(created.json()["content"][0]["id"])


def clevertim_contact_keeps_a_name(contact_id: Any, body: dict[str, Any]) -> dict[str, Any]:
    """A contact keeps a non-empty `fn` or `ln` (fact sheet 6.1: `{"fn": ""}` is refused).

    On update the rule spans the stored record and the body, which no schema can say: a body
    that would blank the only name of the stored contact gets a first name back.
    """
    if body.get("fn") != "" and body.get("ln") != "":
        return body
    with _client() as api:
        stored = api.get(f"/contact/{contact_id}")
    if stored.status_code != 200:
        return body  # an unknown id is answered 404 whatever the body says
    current = stored.json()["content"][0]
    merged = {key: body.get(key, current.get(key)) for key in ("fn", "ln")}
    if not any(isinstance(v, str) and v for v in merged.values()):
        body["fn"] = "Name"
    return body


def clevertim_body(operation_id: str, body: dict[str, Any], path: dict[str, Any]) -> dict[str, Any]:
    if operation_id == "updateContact" and "id" in path:
        body = clevertim_contact_keeps_a_name(path["id"], body)
    scope = CLEVERTIM_CF_SCOPE.get(operation_id)
    if scope and isinstance(body.get("cf"), dict) and body["cf"]:
        values = [v for v in body["cf"].values() if isinstance(v, str)]
        body["cf"] = {str(clevertim_input_field(scope)): values[0] if values else "value"}
    # a select field must keep allowed values (fact sheet 6.9): send them with the switch
    if (
        operation_id == "updateCustomField"
        and body.get("elemType") == "select"
        and not body.get("values")
    ):
        body["values"] = ["A", "B"]
    return body


# -- Relenta: extra contact keys are the department's custom-field keys (fact sheet 6.1) ---

#: sample values each custom-field type accepts (fact sheet 6.3; Number/Date as the mock reads)
RELENTA_SAMPLE = {"Number": "42", "Date": "2024-01-31"}


def relenta_definitions() -> list[dict[str, Any]]:
    with _client() as api:
        data = api.get("/custom_field.list.json").json().get("data", [])
    return [d for d in data if isinstance(d, dict) and "key" in d]


def relenta_value(definition: dict[str, Any], generated: Any) -> str:
    choices = definition.get("choices") or []
    if definition.get("type") in ("Single choice", "Multiple choice") and choices:
        return str(choices[0])
    sample = RELENTA_SAMPLE.get(str(definition.get("type")))
    if sample is not None:
        return sample
    return generated if isinstance(generated, str) and generated else "value"


def relenta_body(operation_id: str, body: dict[str, Any], known: set[str]) -> dict[str, Any]:
    if operation_id not in ("saveContact", "createContact"):
        return body
    extra = [key for key in body if key not in known]
    if not extra:
        return body
    definitions = relenta_definitions()
    rewritten = {k: v for k, v in body.items() if k in known}
    for key, definition in zip(extra, definitions * len(extra), strict=False):
        rewritten[str(definition["key"])] = relenta_value(definition, body[key])
    return rewritten


def _known_properties(operation: Any) -> set[str]:
    """Property names the request body schema lists (resolved through its $refs)."""
    schema = operation.schema.raw_schema
    names: set[str] = set()

    def walk(node: Any, depth: int = 0) -> None:
        if depth > 20 or not isinstance(node, dict):
            return
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = schema
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            walk(target, depth + 1)
        names.update(node.get("properties", {}))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                walk(sub, depth + 1)
        content = node.get("content", {})
        for media in content.values():
            walk(media.get("schema"), depth + 1)

    walk(operation.definition.raw.get("requestBody"))
    return names


def _operation_id(case: Any) -> str:
    return str(case.operation.definition.raw.get("operationId", ""))


#: vendor -> (case, a copy of its body) -> the body with valid stored data
REWRITERS: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
    "clevertim": lambda case, body: clevertim_body(
        _operation_id(case), body, dict(case.path_parameters or {})
    ),
    "relenta": lambda case, body: relenta_body(
        _operation_id(case), body, _known_properties(case.operation)
    ),
}


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    rewrite = REWRITERS.get(VENDOR)
    if rewrite is None or not BASE_URL or not isinstance(case.body, dict):
        return case
    meta = case.meta
    if meta is not None and meta.is_negative_at(ParameterLocation.BODY):
        return case  # a negative body must stay as generated: it has to be rejected
    case.body = rewrite(case, dict(case.body))
    return case


@schemathesis.hook
def before_add_examples(ctx: Any, examples: list[Any]) -> None:
    """The spec's own examples name stored data too (e.g. Clevertim's `"cf": {"3": ...}`)."""
    rewrite = REWRITERS.get(VENDOR)
    if rewrite is None or not BASE_URL:
        return
    for case in examples:
        if isinstance(case.body, dict):
            case.body = rewrite(case, dict(case.body))
