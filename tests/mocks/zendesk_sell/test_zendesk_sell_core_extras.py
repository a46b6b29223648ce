"""Zendesk Sell mock: the Core API items of the companion fact sheet (§5): lead conversions
(list paging, convert), single sequence enrollments (get, stop), query booleans as the official
Python client sends them."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request

from crm_mocks.zendesk_sell.checks import MAX_KEPT_HEADER, token_of
from crm_mocks.zendesk_sell.errors import new_request_id
from tests.mocks.zendesk_sell.conftest import Sell, error_of


def lead(sell: Sell, **fields: Any) -> dict[str, Any]:
    return sell.create("/leads", {"last_name": "Lead", **fields})


def test_python_client_booleans_are_accepted(sell: Sell) -> None:
    """basecrm-python's README: `client.deals.list(..., hot=True)` sends `hot=True`."""
    person = sell.contact()
    hot = sell.deal(person["id"], hot=True)
    sell.deal(person["id"], name="Cold one", hot=False)
    for raw in ("True", "true", "TRUE"):
        assert [d["id"] for d in sell.items("/deals", hot=raw, contact_id=person["id"])] == [
            hot["id"]
        ]
    assert len(sell.items("/deals", hot="False", contact_id=person["id"])) == 1
    bad = sell.get("/deals", params={"hot": "yes"})
    assert (bad.status_code, error_of(bad)["code"]) == (400, "invalid_param")


def test_convert_a_lead_into_contacts_and_a_deal(sell: Sell) -> None:
    source = lead(sell, first_name="Ann", organization_name="Acme", email="ann@acme.example")
    response = sell.post("/lead_conversions", {"lead_id": source["id"]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["type"] == "lead_conversion"
    conversion = body["data"]
    assert conversion["lead_id"] == source["id"]
    individual = sell.get(f"/contacts/{conversion['individual_id']}").json()["data"]
    organization = sell.get(f"/contacts/{conversion['organization_id']}").json()["data"]
    deal = sell.get(f"/deals/{conversion['deal_id']}").json()["data"]
    assert (individual["last_name"], individual["contact_id"]) == ("Lead", organization["id"])
    assert organization["is_organization"] and organization["name"] == "Acme"
    assert deal["contact_id"] == organization["id"]
    assert sell.get(f"/leads/{source['id']}").status_code == 404  # converted leads leave
    listed = sell.items("/lead_conversions", lead_id=source["id"])
    assert [c["id"] for c in listed] == [conversion["id"]]


def test_convert_without_a_deal_and_unknown_leads(sell: Sell) -> None:
    source = lead(sell)
    conversion = sell.create("/lead_conversions", {"lead_id": source["id"], "create_deal": False})
    assert conversion["deal_id"] is None and conversion["organization_id"] is None
    again = sell.post("/lead_conversions", {"lead_id": source["id"]})
    assert (again.status_code, error_of(again)["field"]) == (422, "/data/lead_id")
    missing = sell.post("/lead_conversions", {"create_deal": True})
    assert (missing.status_code, error_of(missing)["code"]) == (422, "blank")
    unknown = sell.post("/lead_conversions", {"lead_id": 1, "color": "red"})
    assert (unknown.status_code, error_of(unknown)["code"]) == (422, "unknown")


def test_conversions_page_by_id_descending_and_cursor(sell: Sell) -> None:
    made = [
        sell.create("/lead_conversions", {"lead_id": lead(sell)["id"], "create_deal": False})["id"]
        for _ in range(5)
    ]
    first = sell.get("/lead_conversions", params={"per_page": 2}).json()
    ids = [i["data"]["id"] for i in first["items"]]
    assert ids == sorted(made, reverse=True)[:2]
    seen = list(ids)
    url = first["meta"]["links"]["next_page"]
    assert "cursor=" in url and "page=" not in url.split("?")[1].replace("per_page", "")
    while url:
        body = sell.client().get(url).json()
        seen += [i["data"]["id"] for i in body["items"]]
        url = body["meta"]["links"].get("next_page")
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    assert set(made) <= set(seen)


def test_conversion_paging_limits(sell: Sell) -> None:
    assert sell.get("/lead_conversions", params={"per_page": 200}).status_code == 200
    for params in ({"per_page": 201}, {"page": 51}, {"page": 0}, {"cursor": "bm9wZQ=="}):
        response = sell.get("/lead_conversions", params=params)
        assert (response.status_code, error_of(response)["code"]) == (400, "invalid_param")


def enroll(sell: Sell) -> dict[str, Any]:
    sequence = sell.items("/sequences")[0]
    return sell.create(
        "/sequence_enrollments",
        {"sequence_id": sequence["id"], "resource_type": "lead", "resource_id": lead(sell)["id"]},
    )


def test_get_one_enrollment_with_its_steps(sell: Sell) -> None:
    created = enroll(sell)
    response = sell.get(f"/sequence_enrollments/{created['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"]["type"] == "sequence_enrollment"
    steps = body["data"]["enrollment_steps"]
    assert steps["meta"]["count"] == len(steps["items"]) > 0
    assert [s["data"]["position"] for s in steps["items"]] == list(range(len(steps["items"])))
    assert steps["items"][0]["data"]["action"]["meta"]["type"] == "action"
    assert sell.get("/sequence_enrollments/999999").status_code == 404


def test_stop_an_enrollment_and_it_stays_stopped(sell: Sell) -> None:
    created = enroll(sell)
    path = f"/sequence_enrollments/{created['id']}"
    stopped = sell.put(path, {"state": "finished", "resource_id": 1})
    assert stopped.status_code == 200, stopped.text
    data = stopped.json()["data"]
    assert (data["state"], data["finished_reason"]) == ("finished", "manual")
    assert data["resource_id"] == created["resource_id"]  # only the state changes
    assert {s["data"]["action"]["data"]["status"] for s in data["enrollment_steps"]["items"]} == {
        "cancelled"
    }
    resumed = sell.put(path, {"state": "active"})
    assert (resumed.status_code, error_of(resumed)["field"]) == (422, "/data/state")
    bad = sell.put(path, {"state": "paused"})
    assert bad.status_code == 422


def test_loss_reasons_sort_by_the_documented_fields_only(sell: Sell) -> None:
    sell.create("/loss_reasons", {"name": "Aaa"})
    names = [r["name"] for r in sell.items("/loss_reasons", sort_by="name:desc", per_page=100)]
    assert names == sorted(names, reverse=True)
    bad = sell.get("/loss_reasons", params={"sort_by": "creator_id"})
    assert (bad.status_code, error_of(bad)["code"]) == (400, "invalid_param")


def test_visit_outcomes_take_ids_and_sort_by(sell: Sell) -> None:
    outcomes = sell.items("/visit_outcomes", sort_by="name:desc")
    assert [o["name"] for o in outcomes] == sorted((o["name"] for o in outcomes), reverse=True)
    assert [o["id"] for o in sell.items("/visit_outcomes", ids=str(outcomes[0]["id"]))] == [
        outcomes[0]["id"]
    ]


def test_deals_show_added_on_and_legacy_sources_their_type(sell: Sell) -> None:
    deal = sell.deal(sell.contact()["id"], added_on="2024-01-02T03:04:05Z")
    assert deal["added_on"] == deal["added_at"] == "2024-01-02T03:04:05Z"
    assert sell.create("/sources", {"name": "Fair"})["resource_type"] == "deal"


def test_request_ids_are_distinct_version_4_uuids() -> None:
    ids = [new_request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_a_long_authorization_header_reads_as_a_short_one() -> None:
    token = "t" * MAX_KEPT_HEADER
    for value in (f"Bearer {token}", "Bearer short"):
        request = Request({"type": "http", "headers": [(b"authorization", value.encode())]})
        assert token_of(request) == value.removeprefix("Bearer ")
