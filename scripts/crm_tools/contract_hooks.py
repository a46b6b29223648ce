"""Schemathesis hooks of the contract runner: valid *stored* data for positive test cases.

Some inputs are valid only relative to what an account holds: a Clevertim `cf` map must name
custom fields defined for that resource, a Relenta contact's extra keys must be the keys of
the department's custom fields. A schema cannot say which ids or keys exist, so schemathesis'
random positive bodies would be refused for reasons the spec cannot state. Instead of turning
the positive-acceptance check off for those operations, these hooks rewrite the stored-data
part of each *positive* body into values the account really has (creating a definition through
the vendor's own API when none exists yet). Negative cases are left alone: they must still be
rejected.

Loaded by schemathesis through SCHEMATHESIS_HOOKS=crm_tools.contract_hooks (the installed
tooling package); the runner passes the target in CONTRACT_HOOK_VENDOR / CONTRACT_HOOK_BASE_URL
and the credentials in the CONTRACT_SECRET_* variables it already sets for schemathesis' auth.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import schemathesis
from schemathesis.core.parameters import ParameterLocation

VENDOR = os.environ.get("CONTRACT_HOOK_VENDOR", "")
BASE_URL = os.environ.get("CONTRACT_HOOK_BASE_URL", "")


def _secret(name: str) -> str:
    return os.environ.get(f"CONTRACT_SECRET_{name.upper()}", "")


#: one client per target and login, kept for the whole run (see _client)
_CLIENTS: dict[tuple[str, ...], httpx.Client] = {}


@contextlib.contextmanager
def _client() -> Iterator[httpx.Client]:
    """The target's API as the run's user, over one kept connection.

    Shared rather than made per use: building an httpx.Client loads the CA bundle (~25 ms
    here), which was three quarters of a hooked Zendesk Sell run when every hook made its own.
    """
    key = (VENDOR, BASE_URL, *(_secret(n) for n in ("token", "department_key")))
    if key not in _CLIENTS:
        _CLIENTS[key] = _new_client()
    yield _CLIENTS[key]


def _new_client() -> httpx.Client:
    if VENDOR == "clevertim":
        return httpx.Client(base_url=BASE_URL, auth=(_secret("token"), "X"), timeout=10)
    if VENDOR == "relenta":
        return httpx.Client(
            base_url=BASE_URL,
            headers={"X-Relenta-Department-Key": _secret("department_key")},
            timeout=10,
        )
    if VENDOR == "zendesk-sell":
        return httpx.Client(
            base_url=BASE_URL,
            headers={
                "Authorization": f"Bearer {_secret('token')}",
                "User-Agent": "crm-openapi-contract/1.0",  # Sell refuses requests without one
                "Accept": "application/json",
            },
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


# -- Zendesk Sell: references name stored records, names are unique (fact sheet 3.2, 5, 7) -----

#: `resource_type` -> the collection holding records of that type
SELL_COLLECTIONS = {"lead": "leads", "contact": "contacts", "deal": "deals"}
_sell_counter = itertools.count(1)


def _sell_items(api: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    answer = api.get(path, params={"per_page": 100, **params})
    if answer.status_code != 200:
        return []
    return [item["data"] for item in answer.json().get("items", [])]


def _sell_create(api: httpx.Client, path: str, data: dict[str, Any]) -> dict[str, Any]:
    created = api.post(path, json={"data": data})
    created.raise_for_status()
    return dict(created.json()["data"])


def sell_unique(name: Any) -> str:
    """A name no earlier case used: tag, source and reason names are unique (fact sheet 7)."""
    base = name if isinstance(name, str) and name.strip() else "name"
    return f"{base[:200]} #{os.getpid()}-{next(_sell_counter)}"


def sell_record(rtype: str) -> int:
    """The id of a stored lead, contact or deal (an individual contact), creating one if the
    run deleted them all. Looked up on every use: the run may delete any record it was shown."""
    with _client() as api:
        if rtype == "contact":
            found = _sell_items(api, "/v2/contacts", is_organization="false", per_page=1)
        else:
            found = _sell_items(api, f"/v2/{SELL_COLLECTIONS[rtype]}", per_page=1)
        if found:
            return int(found[0]["id"])
        if rtype == "deal":
            return int(
                _sell_create(
                    api,
                    "/v2/deals",
                    {"name": "Contract deal", "contact_id": sell_record("contact")},
                )["id"]
            )
        return int(
            _sell_create(api, f"/v2/{SELL_COLLECTIONS[rtype]}", {"last_name": "Contract"})["id"]
        )


def sell_organization(not_id: Any = None) -> int:
    """The id of a stored organization other than `not_id` (an organization cannot be its own
    parent, fact sheet 5.2)."""
    with _client() as api:
        for org in _sell_items(api, "/v2/contacts", is_organization="true", per_page=2):
            if org["id"] != not_id:
                return int(org["id"])
        return int(
            _sell_create(
                api, "/v2/contacts", {"is_organization": True, "name": sell_unique("Org")}
            )["id"]
        )


def sell_first(path: str, **params: Any) -> int:
    """The id of the first record of a seeded, read-only list (users, outcomes, sequences...)."""
    with _client() as api:
        return int(_sell_items(api, path, per_page=1, **params)[0]["id"])


def sell_enabled_stage() -> int:
    """A stage of a pipeline that takes deals (fact sheet 5.11: not a disabled one)."""
    with _client() as api:
        for pipeline in _sell_items(api, "/v2/pipelines"):
            if not pipeline.get("disabled"):
                stages = _sell_items(api, "/v2/stages", pipeline_id=pipeline["id"])
                if stages:
                    return int(stages[0]["id"])
    raise RuntimeError("the account has no enabled pipeline with stages")


def sell_custom_fields(rtype: str, generated: Any, *, organization: bool = False) -> dict[str, Any]:
    """A value for one custom field defined for `rtype` ("Custom fields must be defined in Sell
    before they can be assigned", seed): a text field gets the generated text."""
    with _client() as api:
        answer = api.get(f"/v2/{rtype}/custom_fields")
        definitions = [item["data"] for item in answer.json().get("items", [])]
    for definition in definitions:
        if definition.get("type") != "string":
            continue
        if rtype == "contact" and not definition.get(
            "for_organisation" if organization else "for_contact", True
        ):
            continue
        values = (
            [v for v in generated.values() if isinstance(v, str)]
            if isinstance(generated, dict)
            else []
        )
        return {definition["name"]: values[0] if values else "value"}
    return {}


def sell_deal_without_order() -> int:
    """A deal has at most one order (fact sheet 5.13): a fresh deal for each new order."""
    with _client() as api:
        return int(
            _sell_create(
                api,
                "/v2/deals",
                {"name": sell_unique("Order deal"), "contact_id": sell_record("contact")},
            )["id"]
        )


def sell_product(currency: Any) -> tuple[int, str]:
    """An active product and a currency it has a price in (fact sheet 5.13, 5.14)."""
    with _client() as api:
        for product in _sell_items(api, "/v2/products"):
            prices = [p["currency"] for p in product.get("prices") or []]
            if (
                product.get("active")
                and prices
                and product.get("max_discount") is None
                and product.get("max_markup") is None
            ):
                return int(product["id"]), currency if currency in prices else prices[0]
        created = _sell_create(
            api,
            "/v2/products",
            {
                "name": sell_unique("Product"),
                "active": True,
                "prices": [{"amount": "10.00", "currency": "USD"}],
            },
        )
        return int(created["id"]), "USD"


def sell_resource(data: dict[str, Any], types: tuple[str, ...], *, fresh: bool = False) -> None:
    """`resource_type` + `resource_id` name an existing record of one of `types` (a new one
    when the pair must be unique, as a user collaborates on a record once)."""
    if data.get("resource_type") is None and data.get("resource_id") is None:
        return
    rtype = data.get("resource_type")
    rtype = rtype if rtype in types else types[0]
    data["resource_type"] = rtype
    data["resource_id"] = sell_new_record(rtype) if fresh else sell_record(rtype)


def sell_new_record(rtype: str) -> int:
    with _client() as api:
        if rtype == "deal":
            data = {"name": sell_unique("Deal"), "contact_id": sell_record("contact")}
        else:
            data = {"last_name": sell_unique("Record")}
        return int(_sell_create(api, f"/v2/{SELL_COLLECTIONS[rtype]}", data)["id"])


#: operationId -> the record types its `resource_type` may name
SELL_RESOURCE_TYPES = {
    "createNote": ("lead", "contact", "deal"),
    "updateNote": ("lead", "contact", "deal"),
    "createTask": ("lead", "contact", "deal"),
    "updateTask": ("lead", "contact", "deal"),
    "createCall": ("lead", "contact"),
    "updateCall": ("lead", "contact"),
    "createCollaboration": ("lead", "contact", "deal"),
    "createSequenceEnrollment": ("lead", "contact"),
}
#: operationIds whose `name` must be unique in the account
SELL_UNIQUE_NAMES = {
    f"{verb}{noun}"
    for verb in ("create", "update")
    for noun in (
        "Tag", "Source", "DealSource", "LeadSource", "LossReason", "DealUnqualifiedReason",
        "LeadUnqualifiedReason",
    )
}  # fmt: skip
#: reference field -> (list path, query) of the seeded records it may name
SELL_LOOKUPS: dict[str, tuple[str, dict[str, Any]]] = {
    "outcome_id": ("/v2/call_outcomes", {}),
    "sequence_id": ("/v2/sequences", {}),
    "loss_reason_id": ("/v2/loss_reasons", {}),
}
#: operationId prefix -> the lists its `source_id` / `unqualified_reason_id` name
SELL_SCOPED = {
    "Deal": {
        "source_id": "/v2/deal_sources",
        "unqualified_reason_id": "/v2/deal_unqualified_reasons",
    },
    "Lead": {
        "source_id": "/v2/lead_sources",
        "unqualified_reason_id": "/v2/lead_unqualified_reasons",
    },
}


def sell_references(operation_id: str, data: dict[str, Any], path: dict[str, Any]) -> None:
    users = ("owner_id", "user_id", "collaborator_id", "actor_id")
    if any(data.get(key) is not None for key in users):
        me = _sell_self_id()
        for key in users:
            if data.get(key) is not None:
                data[key] = me
    for key, (where, query) in SELL_LOOKUPS.items():
        if data.get(key) is not None:
            data[key] = sell_first(where, **query)
    scope = next((v for k, v in SELL_SCOPED.items() if operation_id.endswith((k, k + "s"))), {})
    for key, where in scope.items():
        if data.get(key) is not None:
            data[key] = sell_first(where)
    if data.get("associated_deal_ids"):
        data["associated_deal_ids"] = [sell_record("deal")]
    if data.get("stage_id") is not None:
        data["stage_id"] = sell_enabled_stage()


def _sell_self_id() -> int:
    with _client() as api:
        return int(api.get("/v2/users/self").json()["data"]["id"])


def sell_contact(operation_id: str, data: dict[str, Any], path: dict[str, Any]) -> None:
    """An individual belongs to an organization, an organization has a parent organization
    (never itself), each only on its own kind (fact sheet 5.2)."""
    organization = bool(data.get("is_organization"))
    if operation_id in ("updateContact",) and "id" in path:
        with _client() as api:
            stored = api.get(f"/v2/contacts/{path['id']}")
        if stored.status_code != 200:
            return  # an unknown id is answered 404 whatever the body says
        organization = bool(stored.json()["data"]["is_organization"])
    if organization:
        if "contact_id" in data:
            data["contact_id"] = None
        if data.get("parent_organization_id") is not None:
            data["parent_organization_id"] = sell_organization(path.get("id"))
    else:
        if "parent_organization_id" in data:
            data["parent_organization_id"] = None
        if data.get("contact_id") is not None:
            data["contact_id"] = sell_organization()
    if operation_id == "upsertContact" and not organization and not data.get("last_name"):
        data["last_name"] = "Upserted"
    if operation_id == "upsertContact" and organization and not data.get("name"):
        data["name"] = "Upserted"


#: upsert operationId -> a filter that matches no stored record (an upsert then creates)
SELL_UPSERT_FILTER = {"upsertContact": "email", "upsertLead": "email", "upsertDeal": "contact_id"}


def sell_upsert_query(operation_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """An upsert needs at least one filter and at most one match (fact sheet 5.20): the
    generated filters name stored data, so one that matches nothing stands in for them (for
    deals: the id of a new contact, which has no deal yet)."""
    key = SELL_UPSERT_FILTER[operation_id]
    if key == "contact_id":
        return {key: sell_new_record("contact")}
    return {key: f"contract-upsert-{os.getpid()}-{next(_sell_counter)}"}


def sell_body(operation_id: str, body: dict[str, Any], path: dict[str, Any]) -> dict[str, Any]:
    if operation_id == "requestAccessToken":
        return sell_password_grant(body)
    data = body.get("data")
    if not isinstance(data, dict):
        return body
    data = dict(data)
    if operation_id in SELL_RESOURCE_TYPES:
        fresh = operation_id in ("createCollaboration", "createSequenceEnrollment")
        sell_resource(data, SELL_RESOURCE_TYPES[operation_id], fresh=fresh)
    if operation_id in SELL_UNIQUE_NAMES and "name" in data:
        data["name"] = sell_unique(data["name"])
    sell_references(operation_id, data, path)
    if operation_id.endswith("Contact") and operation_id != "createAssociatedContact":
        sell_contact(operation_id, data, path)
    if operation_id == "createAssociatedContact" and data.get("contact_id") is not None:
        data["contact_id"] = sell_record_unassociated(path.get("deal_id"))
    if (
        operation_id in ("createDeal", "updateDeal", "upsertDeal")
        and data.get("contact_id") is not None
    ):
        data["contact_id"] = sell_record("contact")
    if operation_id == "upsertDeal":
        data.setdefault("name", "Upserted")
        data["contact_id"] = sell_record("contact")
    if operation_id in ("createLead", "updateLead", "upsertLead"):
        if data.get("status") is not None:
            with _client() as api:
                data["status"] = _sell_items(api, "/v2/lead_statuses")[0]["name"]
        sell_lead_keeps_a_name(operation_id, data, path)
    rtype = next((t for t in ("Contact", "Deal", "Lead") if operation_id.endswith(t)), None)
    if rtype and isinstance(data.get("custom_fields"), dict) and data["custom_fields"]:
        data["custom_fields"] = sell_custom_fields(
            rtype.lower(), data["custom_fields"], organization=bool(data.get("is_organization"))
        )
    if operation_id in ("createOrder", "updateOrder") and data.get("deal_id") is not None:
        data["deal_id"] = sell_deal_without_order()
    if operation_id == "createLineItem":
        data["product_id"], data["currency"] = sell_product(data.get("currency"))
    if operation_id == "updateSequenceEnrollment" and "id" in path and "state" in data:
        data["state"] = sell_enrollment_state(path["id"], data["state"])
    if operation_id == "createLeadConversion":
        with _client() as api:
            data["lead_id"] = _sell_create(api, "/v2/leads", {"last_name": sell_unique("Convert")})[
                "id"
            ]
    return {**body, "data": data}


def sell_enrollment_state(enrollment_id: Any, wanted: Any) -> Any:
    """A state the stored enrollment can take: `finished` stays finished, `blocked` is never
    set by a client (vendor's Sequence Enrollments page); finishing is always possible."""
    with _client() as api:
        stored = api.get(f"/v2/sequence_enrollments/{enrollment_id}")
    if stored.status_code != 200:
        return wanted  # an unknown id is answered 404 whatever the body says
    state = stored.json()["data"]["state"]
    if state == "finished" or (wanted == "blocked" and state != "blocked"):
        return "finished"
    return wanted


def sell_lead_keeps_a_name(operation_id: str, data: dict[str, Any], path: dict[str, Any]) -> None:
    """A lead keeps a `last_name` or an `organization_name` (fact sheet 5.5); on update the rule
    spans the stored lead and the body, which no schema can say."""
    stored: dict[str, Any] = {}
    if operation_id == "updateLead" and "id" in path:
        with _client() as api:
            answer = api.get(f"/v2/leads/{path['id']}")
        if answer.status_code != 200:
            return  # an unknown id is answered 404 whatever the body says
        stored = answer.json()["data"]
    merged = {key: data.get(key, stored.get(key)) for key in ("last_name", "organization_name")}
    if not any(isinstance(v, str) and v for v in merged.values()):
        data["last_name"] = "Name"


def sell_record_unassociated(deal_id: Any) -> int:
    """A contact not yet associated with the deal (fact sheet 5.4: associated once)."""
    with _client() as api:
        return int(_sell_create(api, "/v2/contacts", {"last_name": sell_unique("Associate")})["id"])


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
    "zendesk-sell": lambda case, body: sell_body(
        _operation_id(case), body, dict(case.path_parameters or {})
    ),
}


#: Sell list filters valid only as a pair (fact sheet 5.17, 5.18)
SELL_PAIRED_FILTERS = {"listTextMessages", "listVisits"}


#: list operationId -> the resource type whose custom fields its filters and sorts name
SELL_CUSTOM_FIELD_LISTS = {"listContacts": "contact", "listDeals": "deal", "listLeads": "lead"}


def sell_custom_field_query(rtype: str, query: dict[str, Any]) -> dict[str, Any]:
    """`custom_fields[<name>]` filters and `sort_by=custom_fields:<name>` name a text custom
    field the account defines (text fields are Filterable and sortable, fact sheet 4).
    schemathesis has already serialised the deepObject parameter into bracketed keys."""
    filters = {k: v for k, v in query.items() if k.startswith("custom_fields[")}
    sort_by = query.get("sort_by")
    sorts_by_field = isinstance(sort_by, str) and "custom_fields:" in sort_by
    if not filters and not sorts_by_field:
        return query
    name = next(iter(sell_custom_fields(rtype, {"": "value"})), None)
    if name is None:
        return query
    rewritten = {k: v for k, v in query.items() if k not in filters}
    if filters:
        value = next(iter(filters.values()))
        rewritten[f"custom_fields[{name}]"] = value if isinstance(value, str) else "value"
    if isinstance(sort_by, str) and sorts_by_field:
        rewritten["sort_by"] = re.sub(r"custom_fields:[^:,]+", f"custom_fields:{name}", sort_by)
    return rewritten


def sell_query(operation_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """Positive query strings of the Sell operations whose filters name stored data or go in
    pairs: an upsert gets one filter that matches nothing; a lone half of the
    `resource_type`/`resource_id` pair is dropped."""
    if operation_id in SELL_UPSERT_FILTER:
        return sell_upsert_query(operation_id, query)
    if operation_id == "authorizeApp" and os.environ.get("CONTRACT_HOOK_OAUTH_CLIENT"):
        # authorize needs a registered app; without redirect_uri the app's own is used
        # (companion sheet 4.1-4.2)
        query = {k: v for k, v in query.items() if k != "redirect_uri"}
        return {**query, "client_id": os.environ["CONTRACT_HOOK_OAUTH_CLIENT"]}
    if operation_id in SELL_CUSTOM_FIELD_LISTS:
        return sell_custom_field_query(SELL_CUSTOM_FIELD_LISTS[operation_id], query)
    if operation_id in SELL_PAIRED_FILTERS:
        pair = ("resource_type", "resource_id")
        if sum(key in query for key in pair) == 1:
            return {k: v for k, v in query.items() if k not in pair}
    return query


#: operations that authenticate the OAuth2 app (HTTP Basic client_id:client_secret, companion
#: sheet 4.2), not the user: with two users schemathesis sends only the users' own headers
SELL_APP_AUTHENTICATED = frozenset({"requestAccessToken", "revokeToken"})


def sell_app_authorization() -> str:
    """`Basic client_id:client_secret` of the mock's public demo app ('' when not given).
    schemathesis' ignored_auth probes send without it and must still be refused."""
    client = os.environ.get("CONTRACT_HOOK_OAUTH_CLIENT", "")
    secret = os.environ.get("CONTRACT_HOOK_OAUTH_SECRET", "")
    if not client or not secret:
        return ""
    return "Basic " + base64.b64encode(f"{client}:{secret}".encode()).decode("ascii")


def sell_password_grant(form: dict[str, Any]) -> dict[str, Any]:
    """A positive token request as the run's own user (password grant, companion sheet 4.2):
    codes and refresh tokens exist only in earlier answers."""
    password = _secret("password")
    if not password:
        return form
    with _client() as api:
        email = api.get("/v2/users/self").json()["data"]["email"]
    return {"grant_type": "password", "username": email, "password": password}


def sell_path(operation_id: str, path: dict[str, Any]) -> dict[str, Any]:
    """An association to remove: made-up deal and contact ids name none (404 every time), and
    the stateful phase never reaches this operation through its links, so without stored data
    its success path would go untested."""
    if operation_id != "deleteAssociatedContact":
        return path
    deal_id, contact_id = sell_new_record("deal"), sell_new_record("contact")
    with _client() as api:
        _sell_create(api, f"/v2/deals/{deal_id}/associated_contacts", {"contact_id": contact_id})
    return {**path, "deal_id": deal_id, "contact_id": contact_id}


def _negative_at(case: Any, location: ParameterLocation) -> bool:
    meta = case.meta
    return meta is not None and bool(meta.is_negative_at(location))


#: vendors whose cases are rewritten just before they are sent (`before_call`), not when they
#: are generated: Sell's stateful phase fills bodies from earlier answers *after* generation
#: (a deleted source's id, an existing collaboration), so only the last moment sees them
AT_CALL_TIME = frozenset({"zendesk-sell"})


def rewrite_case(case: Any) -> Any:
    """The positive parts of `case` with valid stored data; negative parts stay as generated."""
    rewrite = REWRITERS.get(VENDOR)
    if rewrite is None or not BASE_URL:
        return case
    if VENDOR == "zendesk-sell" and not _negative_at(case, ParameterLocation.QUERY):
        query = dict(case.query or {})
        rewritten = sell_query(_operation_id(case), query)
        if rewritten != query:
            case.query = rewritten
    if VENDOR == "zendesk-sell" and _operation_id(case) in SELL_APP_AUTHENTICATED:
        headers = dict(case.headers or {})
        app = sell_app_authorization()
        # only in place of the run's own user login: a case generated without credentials or
        # with made-up ones tests that the endpoint refuses them, and must stay that way
        if app and headers.get("Authorization") == f"Bearer {_secret('token')}":
            case.headers = {**headers, "Authorization": app}
    if VENDOR == "zendesk-sell" and not _negative_at(case, ParameterLocation.PATH):
        path = dict(case.path_parameters or {})
        rewritten_path = sell_path(_operation_id(case), path)
        if rewritten_path != path:
            case.path_parameters = rewritten_path
    if not isinstance(case.body, dict) or _negative_at(case, ParameterLocation.BODY):
        return case  # a negative body must stay as generated: it has to be rejected
    body = rewrite(case, dict(case.body))
    if body != case.body:
        case.body = body
    return case


@schemathesis.hook
def map_case(ctx: Any, case: Any) -> Any:
    return case if VENDOR in AT_CALL_TIME else rewrite_case(case)


@schemathesis.hook
def before_call(ctx: Any, case: Any, kwargs: dict[str, Any]) -> None:
    if VENDOR in AT_CALL_TIME:
        rewrite_case(case)


@schemathesis.hook
def before_add_examples(ctx: Any, examples: list[Any]) -> None:
    """The spec's own examples name stored data too (e.g. Clevertim's `"cf": {"3": ...}`)."""
    rewrite = REWRITERS.get(VENDOR)
    if rewrite is None or not BASE_URL or VENDOR in AT_CALL_TIME:
        return
    for case in examples:
        if isinstance(case.body, dict):
            case.body = rewrite(case, dict(case.body))
