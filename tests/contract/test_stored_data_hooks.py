"""The contract runner's stored-data hooks (crm_tools.contract_hooks) against the real mocks.

They replace the old "depends on stored data" exclusions of positive_data_acceptance, so they
must really produce data the mock accepts and must never touch a negative case.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock
from crm_tools import contract_hooks


@pytest.fixture
def hooked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def point_at(mock: RunningMock, user: str) -> None:
        monkeypatch.setattr(contract_hooks, "VENDOR", mock.vendor)
        monkeypatch.setattr(contract_hooks, "BASE_URL", mock.api_url)
        for name, value in mock.credentials[user].items():
            monkeypatch.setenv(f"CONTRACT_SECRET_{name.upper()}", value)

    yield point_at


def test_clevertim_cf_names_a_field_defined_for_the_resource(
    clevertim_mock: RunningMock, hooked: Any
) -> None:
    hooked(clevertim_mock, "demo")
    body = contract_hooks.clevertim_body("createCase", {"name": "x", "cf": {"zz": "v"}}, {})
    (field_id,) = body["cf"]
    assert body["cf"][field_id] == "v"
    again = contract_hooks.clevertim_body("updateCase", {"cf": {"1": 5}}, {"id": 1})
    assert again["cf"] == {field_id: "value"}, "the definition is reused, not re-created"
    token = clevertim_mock.credentials["demo"]["token"]
    with httpx.Client(base_url=clevertim_mock.api_url, auth=(token, "X")) as api:
        assert api.post("/case", json=body).status_code == 200
        fields = api.get("/customfield").json()["content"]
    assert [(f["elemType"], f["modelType"]) for f in fields] == [("input", ["cases"])]


def test_clevertim_update_never_blanks_the_only_name(
    clevertim_mock: RunningMock, hooked: Any
) -> None:
    hooked(clevertim_mock, "demo")
    token = clevertim_mock.credentials["demo"]["token"]
    with httpx.Client(base_url=clevertim_mock.api_url, auth=(token, "X")) as api:
        only_first = api.post("/contact", json={"fn": "Ann"}).json()["content"][0]["id"]
        both = api.post("/contact", json={"fn": "Bo", "ln": "Lee"}).json()["content"][0]["id"]
        fixed = contract_hooks.clevertim_body("updateContact", {"fn": ""}, {"id": only_first})
        kept = contract_hooks.clevertim_body("updateContact", {"fn": ""}, {"id": both})
        assert fixed == {"fn": "Name"} and kept == {"fn": ""}
        assert api.put(f"/contact/{only_first}", json=fixed).status_code == 200
        assert api.put(f"/contact/{both}", json=kept).status_code == 200
        assert api.put(f"/contact/{only_first}", json={"fn": ""}).status_code == 400


def test_relenta_extra_keys_become_the_departments_custom_fields(
    relenta_mock: RunningMock, hooked: Any
) -> None:
    hooked(relenta_mock, "demo")
    definitions = contract_hooks.relenta_definitions()
    assert definitions, "the demo department has custom fields"
    known = {"first_name", "last_name"}
    body = contract_hooks.relenta_body(
        "createContact", {"first_name": "Al", "weird key": "x", "other": 3}, known
    )
    extra = [k for k in body if k not in known]
    assert body["first_name"] == "Al" and len(extra) == 2
    assert set(extra) <= {d["key"] for d in definitions}
    key = relenta_mock.credentials["demo"]["department_key"]
    with httpx.Client(
        base_url=relenta_mock.api_url, headers={"X-Relenta-Department-Key": key}
    ) as api:
        assert api.post("/contact.create.json", json=body).json()["status"] is True
    untouched = {"first_name": "Al"}
    assert contract_hooks.relenta_body("createContact", dict(untouched), known) == untouched


def test_negative_bodies_are_left_as_generated(clevertim_mock: RunningMock, hooked: Any) -> None:
    hooked(clevertim_mock, "demo")

    class Meta:
        def __init__(self, negative: bool) -> None:
            self.negative = negative

        def is_negative_at(self, location: Any) -> bool:
            return self.negative

    def case(negative: bool) -> Any:
        operation = SimpleNamespace(definition=SimpleNamespace(raw={"operationId": "createCase"}))
        return SimpleNamespace(
            body={"name": "x", "cf": {"nope": "v"}},
            meta=Meta(negative),
            operation=operation,
            path_parameters={},
        )

    assert contract_hooks.map_case(None, case(True)).body["cf"] == {"nope": "v"}
    assert "nope" not in contract_hooks.map_case(None, case(False)).body["cf"]


# -- Zendesk Sell ---------------------------------------------------------------------------------


def _sell(mock: RunningMock) -> httpx.Client:
    return httpx.Client(
        base_url=mock.api_url + "/v2",
        headers={
            "Authorization": f"Bearer {mock.credentials['demo']['token']}",
            "User-Agent": "crm-openapi-tests/1.0",
        },
        timeout=10,
    )


def test_sell_records_referred_to_exist(zendesk_sell_mock: RunningMock, hooked: Any) -> None:
    hooked(zendesk_sell_mock, "demo")
    with _sell(zendesk_sell_mock) as api:
        for op, path, data in (
            (
                "createNote",
                "/notes",
                {"content": "x", "resource_type": "deal", "resource_id": 9**9},
            ),
            (
                "createTask",
                "/tasks",
                {"content": "x", "resource_type": "lead", "resource_id": 5**9, "owner_id": 77},
            ),
            (
                "createCall",
                "/calls",
                {
                    "resource_type": "deal",
                    "resource_id": 1,
                    "outcome_id": 999,
                    "associated_deal_ids": [42],
                },
            ),
            (
                "createCollaboration",
                "/collaborations",
                {"resource_type": "contact", "resource_id": 3**9, "collaborator_id": 12345},
            ),
            (
                "createSequenceEnrollment",
                "/sequence_enrollments",
                {"sequence_id": 999, "resource_type": "lead", "resource_id": 7**9},
            ),
            ("createLeadConversion", "/lead_conversions", {"lead_id": 123456}),
        ):
            assert api.post(path, json={"data": data}).status_code == 422, op
            body = contract_hooks.sell_body(op, {"data": data}, {})
            answer = api.post(path, json=body)
            assert answer.status_code == 200, (op, answer.text)


def test_sell_unique_names_and_orders_of_fresh_deals(
    zendesk_sell_mock: RunningMock, hooked: Any
) -> None:
    hooked(zendesk_sell_mock, "demo")
    with _sell(zendesk_sell_mock) as api:
        for _ in range(2):
            body = contract_hooks.sell_body("createLossReason", {"data": {"name": "Price"}}, {})
            assert body["data"]["name"].startswith("Price")
            assert api.post("/loss_reasons", json=body).status_code == 200
        assert api.post("/loss_reasons", json={"data": {"name": "Price"}}).status_code == 200
        assert api.post("/loss_reasons", json={"data": {"name": "Price"}}).status_code == 422
        order_ids = []
        for _ in range(2):
            body = contract_hooks.sell_body(
                "createOrder", {"data": {"deal_id": 1, "discount": 5}}, {}
            )
            answer = api.post("/orders", json=body)
            assert answer.status_code == 200, answer.text
            order_ids.append(answer.json()["data"]["id"])
        line = contract_hooks.sell_body(
            "createLineItem", {"data": {"product_id": 999, "currency": "XYZ", "quantity": 2}}, {}
        )
        answer = api.post(f"/orders/{order_ids[0]}/line_items", json=line)
        assert answer.status_code == 200, answer.text


def test_sell_contacts_keep_organization_rules(zendesk_sell_mock: RunningMock, hooked: Any) -> None:
    hooked(zendesk_sell_mock, "demo")
    with _sell(zendesk_sell_mock) as api:
        person = contract_hooks.sell_body(
            "createContact",
            {"data": {"last_name": "Doe", "contact_id": 999999, "parent_organization_id": 5,
                      "custom_fields": {"made up": "v"}, "owner_id": 4242}},
            {},
        )  # fmt: skip
        assert person["data"]["parent_organization_id"] is None
        assert list(person["data"]["custom_fields"].values()) == ["v"]
        assert api.post("/contacts", json=person).status_code == 200
        org = api.post("/contacts", json={"data": {"is_organization": True, "name": "Org"}}).json()[
            "data"
        ]
        update = contract_hooks.sell_body(
            "updateContact",
            {"data": {"contact_id": 3, "parent_organization_id": org["id"]}},
            {"id": org["id"]},
        )
        assert update["data"]["contact_id"] is None
        assert update["data"]["parent_organization_id"] not in (None, org["id"])
        assert api.put(f"/contacts/{org['id']}", json=update).status_code == 200


def test_sell_upsert_filters_match_nothing_and_pairs_stay_pairs(
    zendesk_sell_mock: RunningMock, hooked: Any
) -> None:
    hooked(zendesk_sell_mock, "demo")
    query = contract_hooks.sell_query("upsertLead", {"custom_fields": {"nope": "x"}})
    assert list(query) == ["email"]
    body = contract_hooks.sell_body("upsertLead", {"data": {"first_name": "Al"}}, {})
    with _sell(zendesk_sell_mock) as api:
        assert api.post("/leads/upsert", params=query, json={"data": {}}).status_code == 422
        assert api.post("/leads/upsert", params=query, json=body).status_code == 200
        again = contract_hooks.sell_query("upsertLead", {})
        assert again != query
        deal_query = contract_hooks.sell_query("upsertDeal", {"name": "x"})
        deal = contract_hooks.sell_body("upsertDeal", {"data": {"hot": True}}, {})
        answer = api.post("/deals/upsert", params=deal_query, json=deal)
        assert answer.status_code == 200, answer.text
        assert api.post("/deals/upsert", params={"name": "x"}, json=deal).status_code == 400
    assert contract_hooks.sell_query("listVisits", {"resource_id": 1, "page": 2}) == {"page": 2}
    both = {"resource_id": 1, "resource_type": "lead"}
    assert contract_hooks.sell_query("listTextMessages", dict(both)) == both


def test_sell_negative_query_is_left_as_generated(
    zendesk_sell_mock: RunningMock, hooked: Any
) -> None:
    hooked(zendesk_sell_mock, "demo")

    class Meta:
        def is_negative_at(self, location: Any) -> bool:
            return location == contract_hooks.ParameterLocation.QUERY

    case = SimpleNamespace(
        body=None,
        query={"resource_id": "x"},
        meta=Meta(),
        operation=SimpleNamespace(definition=SimpleNamespace(raw={"operationId": "listVisits"})),
        path_parameters={},
    )
    assert contract_hooks.map_case(None, case).query == {"resource_id": "x"}


def test_sell_authorize_names_the_registered_app(
    zendesk_sell_mock: RunningMock, hooked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooked(zendesk_sell_mock, "demo")
    made_up = {"client_id": "zz", "redirect_uri": "http://x", "response_type": "code"}
    assert contract_hooks.sell_query("authorizeApp", dict(made_up)) == made_up, "no app: as is"
    monkeypatch.setenv("CONTRACT_HOOK_OAUTH_CLIENT", "demo-oauth-client")
    query = contract_hooks.sell_query("authorizeApp", dict(made_up))
    assert query == {"client_id": "demo-oauth-client", "response_type": "code"}
    with httpx.Client(base_url=zendesk_sell_mock.api_url) as web:
        assert web.get("/oauth2/authorize", params=made_up).status_code == 400
        answer = web.get("/oauth2/authorize", params=query)
    assert answer.status_code == 302 and "code=" in answer.headers["location"]


def test_sell_association_to_delete_exists(zendesk_sell_mock: RunningMock, hooked: Any) -> None:
    hooked(zendesk_sell_mock, "demo")
    path = contract_hooks.sell_path("deleteAssociatedContact", {"deal_id": 1, "contact_id": 1})
    assert contract_hooks.sell_path("getDeal", {"id": 5}) == {"id": 5}
    with _sell(zendesk_sell_mock) as api:
        where = f"/deals/{path['deal_id']}/associated_contacts/{path['contact_id']}"
        assert api.delete(where).status_code == 204
        assert api.delete(where).status_code == 404


def test_sell_token_endpoints_get_the_app_and_a_password_grant(
    zendesk_sell_mock: RunningMock, hooked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooked(zendesk_sell_mock, "demo")
    assert "password" in zendesk_sell_mock.credentials["demo"], "the demo user has a password"
    assert contract_hooks.sell_app_authorization() == ""
    monkeypatch.setenv("CONTRACT_HOOK_OAUTH_CLIENT", "demo-oauth-client")
    monkeypatch.setenv("CONTRACT_HOOK_OAUTH_SECRET", "demo-oauth-secret")
    app = contract_hooks.sell_app_authorization()
    form = contract_hooks.sell_body(
        "requestAccessToken", {"grant_type": "refresh_token", "refresh_token": "made-up"}, {}
    )
    assert form["grant_type"] == "password"
    with httpx.Client(base_url=zendesk_sell_mock.api_url) as web:
        assert web.post("/oauth2/token", data=form).status_code == 401, "the app must log in"
        answer = web.post("/oauth2/token", data=form, headers={"Authorization": app})
        assert answer.status_code == 200, answer.text
        assert answer.json()["access_token"]


def test_sell_list_custom_fields_name_defined_fields(
    zendesk_sell_mock: RunningMock, hooked: Any
) -> None:
    hooked(zendesk_sell_mock, "demo")
    made_up = {"custom_fields[nope]": "x", "sort_by": "custom_fields:nope:desc,id", "page": 1}
    query = contract_hooks.sell_query("listDeals", dict(made_up))
    (key,) = (k for k in query if k.startswith("custom_fields["))
    assert key != "custom_fields[nope]" and query[key] == "x" and query["page"] == 1
    assert query["sort_by"] == f"custom_fields:{key[14:-1]}:desc,id"
    assert contract_hooks.sell_query("listDeals", {"page": 1}) == {"page": 1}
    with _sell(zendesk_sell_mock) as api:
        assert api.get("/deals", params=query).status_code == 200
        bad = {"custom_fields[nope]": "x"}
        assert api.get("/deals", params=bad).status_code == 400


def test_sell_app_login_replaces_only_the_runs_own_user_login(
    zendesk_sell_mock: RunningMock, hooked: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooked(zendesk_sell_mock, "demo")
    monkeypatch.setenv("CONTRACT_HOOK_OAUTH_CLIENT", "demo-oauth-client")
    monkeypatch.setenv("CONTRACT_HOOK_OAUTH_SECRET", "demo-oauth-secret")
    token = zendesk_sell_mock.credentials["demo"]["token"]

    def case(headers: dict[str, str]) -> Any:
        operation = SimpleNamespace(definition=SimpleNamespace(raw={"operationId": "revokeToken"}))
        return SimpleNamespace(
            body=None, query=None, headers=headers, meta=None, operation=operation,
            path_parameters={},
        )  # fmt: skip

    own = contract_hooks.rewrite_case(case({"Authorization": f"Bearer {token}"}))
    assert own.headers["Authorization"] == contract_hooks.sell_app_authorization()
    for kept in ({}, {"Authorization": "Bearer made-up"}, {"Authorization": "Basic eDp5"}):
        assert contract_hooks.rewrite_case(case(dict(kept))).headers == kept
