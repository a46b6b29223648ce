"""Zendesk Sell mock: the Search API v3 (companion fact sheet §2) answers from the store the Core
API writes: filters, sort, projection, cursors, limits and errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock
from crm_mocks.core.store import AnyOf, Filter, Not, Order
from tests.mocks.zendesk_sell.conftest import Sell, error_of


def search(v3: httpx.Client, resource: str, **data: Any) -> dict[str, Any]:
    response = v3.post(f"/{resource}/search", json={"items": [{"data": data}]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["items"]
    assert result["successful"] is True
    assert result["meta"]["count"] == len(result["items"])
    return dict(result)


def leaf(name: str, **parameter: Any) -> dict[str, Any]:
    return {"filter": {"attribute": {"name": name}, "parameter": parameter}}


def test_a_contact_created_in_v2_is_found_in_v3(sell: Sell, v3: httpx.Client) -> None:
    person = sell.contact("Searchable", first_name="Sam", email="sam@x.example")
    result = search(
        v3,
        "contacts",
        query={
            "filter": leaf("email", eq="sam@x.example"),
            "projection": [{"name": "display_name"}, {"name": "owner"}, {"name": "version"}],
        },
    )
    assert result["meta"]["total_count"] == 1
    (hit,) = result["items"]
    assert hit["meta"] == {"type": "contact"}
    assert hit["data"]["display_name"] == "Sam Searchable"
    assert hit["data"]["owner"]["id"] == person["owner_id"]
    assert hit["data"]["version"] == 1
    sell.put(f"/contacts/{person['id']}", {"title": "CEO"})
    again = search(v3, "contacts", query={"filter": leaf("id", eq=person["id"])})
    assert again["items"][0]["data"] == {"id": person["id"], "version": 2}  # default projection


def test_and_or_not_starts_with_is_null_any_range(sell: Sell, v3: httpx.Client) -> None:
    org = sell.organization("Zeta Org")
    a = sell.contact("Zorro", first_name="Ann", contact_id=org["id"])
    b = sell.contact("Zulu", first_name="Bob")
    c = sell.contact("Zed")
    mine = {"any": [org["id"], a["id"], b["id"], c["id"]]}

    def ids(filter_: dict[str, Any]) -> list[int]:
        query = {"filter": {"and": [leaf("id", **mine), filter_]}, "sort": [sort("id")]}
        return [i["data"]["id"] for i in search(v3, "contacts", query=query)["items"]]

    assert ids(leaf("is_organisation", eq=True)) == [org["id"]]
    assert ids(leaf("last_name", starts_with="Zu")) == [b["id"]]
    assert ids(leaf("first_name", is_null=True)) == [org["id"], c["id"]]
    assert ids({"or": [leaf("first_name", eq="Ann"), leaf("last_name", eq="Zed")]}) == [
        a["id"],
        c["id"],
    ]
    assert ids({"not": leaf("first_name", is_null=True)}) == [a["id"], b["id"]]
    assert ids(leaf("contact_id", eq=org["id"])) == [a["id"]]
    assert ids(leaf("id", range={"gt": a["id"], "lte": c["id"]})) == [b["id"], c["id"]]


def sort(name: str, order: str = "ascending") -> dict[str, Any]:
    return {"attribute": {"name": name}, "order": order}


def test_sort_and_cursor_walk_every_match_once(sell: Sell, v3: httpx.Client) -> None:
    person = sell.contact()
    made = [sell.deal(person["id"], name=f"D{i}", value=i % 3)["id"] for i in range(7)]
    query = {
        "filter": leaf("contact_id", eq=person["id"]),
        "sort": [sort("decimal_value", "descending")],
        "projection": [{"name": "id"}, {"name": "decimal_value"}, {"name": "pipeline_id"}],
    }
    seen: list[dict[str, Any]] = []
    data: dict[str, Any] = {"query": query, "per_page": 3}
    for _ in range(10):
        result = search(v3, "deals", **data)
        assert result["meta"]["total_count"] == 7
        seen += result["items"]
        cursor = result["meta"]["links"].get("next_page")
        if cursor is None:
            break
        data = {"query": query, "per_page": 3, "cursor": cursor}
    assert sorted(i["data"]["id"] for i in seen) == sorted(made)
    values = [i["data"]["decimal_value"] for i in seen]
    assert values == sorted(values, reverse=True)
    assert all(i["data"]["pipeline_id"] for i in seen)
    by_page = search(v3, "deals", query=query, per_page=3, page=2)
    assert [i["data"]["id"] for i in by_page["items"]] == [seen[6]["data"]["id"]]


def test_counts_and_aggregations_without_hits(sell: Sell, v3: httpx.Client) -> None:
    person = sell.contact()
    for value in (10, 20, 60):
        sell.deal(person["id"], value=value)
    result = search(
        v3,
        "deals",
        query={"filter": leaf("contact_id", eq=person["id"])},
        hits=False,
        aggregations=[
            {"attribute": {"name": "decimal_value"}, "aggregation_type": kind}
            for kind in ("min", "max", "avg")
        ],
    )
    assert result["items"] == [] and result["meta"]["links"] == {}
    assert result["meta"]["total_count"] == 3
    assert result["meta"]["aggregations"] == {"decimal_value": {"min": 10, "max": 60, "avg": 30}}


def test_every_searchable_resource_answers(sell: Sell, v3: httpx.Client) -> None:
    lead = sell.create("/leads", {"first_name": "Lee", "last_name": "Lead"})
    found = search(
        v3,
        "leads",
        query={"filter": leaf("id", eq=lead["id"]), "projection": [{"name": "display_name"}]},
    )
    assert found["items"][0]["data"]["display_name"] == "Lee Lead"
    for resource in ("notes", "tasks"):
        assert search(v3, resource, per_page=1)["meta"]["type"] == "collection"
    batch = v3.post("/deals/search", json={"items": [{"data": {}}, {"data": {"per_page": 0}}]})
    assert len(batch.json()["items"]) == 2


@pytest.mark.parametrize(
    ("data", "pointer"),
    [
        ({"query": {"projection": [{"name": "nope"}]}}, "/items/0/data/query/projection/0/name"),
        ({"per_page": 201}, "/items/0/data/per_page"),
        ({"page": -1}, "/items/0/data/page"),
        ({"page": 1, "cursor": "x"}, "/items/0/data/page"),
        ({"cursor": "bm9wZQ=="}, "/items/0/data/cursor"),
        ({"query": {"filter": leaf("hot", starts_with="t")}}, None),
        ({"query": {"filter": {"xor": []}}}, "/items/0/data/query/filter/xor"),
        ({"query": {"sort": [sort("owner")]}}, "/items/0/data/query/sort/0/attribute/name"),
    ],
)
def test_bad_queries_are_400_with_a_pointer(
    v3: httpx.Client, data: dict[str, Any], pointer: str | None
) -> None:
    response = v3.post("/deals/search", json={"items": [{"data": data}]})
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "invalid_payload"
    if pointer:
        assert error["field"] == pointer


def test_envelope_errors_and_other_families(sell: Sell, v3: httpx.Client) -> None:
    assert v3.post("/deals/search", content=b"{").status_code == 400
    assert v3.post("/deals/search", json={"items": []}).status_code == 400
    assert v3.post("/deals/search", json={"items": [{}] * 11}).status_code == 400
    assert v3.post("/users/search", json={"items": [{"data": {}}]}).status_code == 404
    assert v3.get("/deals/search").status_code == 405
    sell.contact("OnlyInDemo")
    other = v3.post(
        "/contacts/search",
        json={"items": [{"data": {}}]},
        headers={"Authorization": f"Bearer {sell.token('other')}"},
    )
    mine = search(v3, "contacts")
    assert other.json()["items"][0]["meta"]["total_count"] == mine["meta"]["total_count"] - 1


def test_search_runs_in_sql_on_the_store(zendesk_sell_mock: RunningMock) -> None:
    """The query reaches SQLite as a WHERE over the JSON fields: no Python scan of all rows."""
    store = zendesk_sell_mock.mock.store
    condition = AnyOf((Filter("name", "like", "A%"), Not(Filter("email", "=", None))))
    rows = store.query("demo", "contact", [condition], [Order("id")], limit=5)
    assert rows and all(r["name"].startswith("A") or r["email"] for r in rows)
    sql, _ = store._select("demo", "contact", [condition], [Order("id")], 5, 0)
    assert " OR " in sql and "NOT coalesce(" in sql and "LIMIT" in sql


def test_attribute_schemas(sell: Sell, v3: httpx.Client) -> None:
    yaml_text = v3.get("/contacts/schema")
    assert yaml_text.status_code == 200
    assert yaml_text.headers["content-type"].startswith("application/yaml")
    assert "- name: is_organisation" in yaml_text.text
    assert v3.get("/notes/schema").status_code == 404  # documented for deals, leads, contacts
    request_schema = v3.get("/search-schema").json()
    assert request_schema["properties"]["items"]["type"] == "array"
    fields = v3.get("/contacts/custom_fields").json()["items"]
    assert fields and fields[0]["data"]["search_api_id"].startswith("custom_fields.contact:")


def test_custom_fields_by_search_api_id_or_bare_id(sell: Sell, v3: httpx.Client) -> None:
    fields = {
        f["data"]["name"]: f["data"] for f in v3.get("/contacts/custom_fields").json()["items"]
    }
    priority = fields["priority"]
    person = sell.contact("Custom", custom_fields={"priority": "High"})
    sell.contact("Other", custom_fields={"priority": "Low"})
    for name in (priority["search_api_id"], f"custom_fields.{priority['id']}"):
        result = search(
            v3,
            "contacts",
            query={
                "filter": leaf(name, eq="High"),
                "projection": [{"name": "id"}, {"name": priority["search_api_id"]}],
            },
        )
        assert [i["data"]["id"] for i in result["items"]] == [person["id"]]
        key = priority["search_api_id"].partition(".")[2]
        assert result["items"][0]["data"]["custom_fields"] == {key: "High"}
    unknown = v3.post(
        "/contacts/search",
        json={"items": [{"data": {"query": {"filter": leaf("custom_fields.999999", eq=1)}}}]},
    )
    assert unknown.status_code == 400
