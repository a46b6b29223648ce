"""Zendesk Sell mock: list queries — paging, links, filters, sorting, includes (§2.2, §4)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from crm_mocks.core.store import Filter
from crm_mocks.zendesk_sell.listing import choose_index, parse_list_query
from crm_mocks.zendesk_sell.resources import CONTACTS
from tests.mocks.zendesk_sell.conftest import Sell, error_of


def fill_contacts(sell: Sell, total: int) -> None:
    """Create contacts until the account holds `total` of them (the seed has two)."""
    existing = len(sell.items("/contacts", per_page=100))
    store = sell.mock.mock.store
    rows = [
        {
            **CONTACTS.template,
            "creator_id": 7,
            "owner_id": 7,
            "last_name": f"Bulk{i:04d}",
            "name": f"Bulk{i:04d}",
            "created_at": "2020-01-01T00:00:00Z",
            "updated_at": "2020-01-01T00:00:00Z",
        }
        for i in range(total - existing)
    ]
    store.insert_many("demo", "contact", rows)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_250_records_are_3_pages_of_100_with_links(sell: Sell) -> None:
    fill_contacts(sell, 250)
    seen: list[int] = []
    pages = []
    for page in (1, 2, 3):
        body = sell.get("/contacts", params={"per_page": 100, "page": page}).json()
        pages.append(body["meta"])
        seen += [item["data"]["id"] for item in body["items"]]
        assert all(item["meta"] == {"type": "contact"} for item in body["items"])
    assert [m["count"] for m in pages] == [100, 100, 50]  # count is the page's size
    assert len(set(seen)) == 250
    assert set(pages[0]["links"]) == {"self", "first_page", "next_page"}
    assert set(pages[1]["links"]) == {"self", "first_page", "prev_page", "next_page"}
    assert set(pages[2]["links"]) == {"self", "first_page", "prev_page"}
    assert query_of(pages[0]["links"]["next_page"]) == {"page": ["2"], "per_page": ["100"]}
    assert query_of(pages[2]["links"]["prev_page"])["page"] == ["2"]
    assert query_of(pages[1]["links"]["first_page"])["page"] == ["1"]
    assert pages[0]["links"]["self"].startswith(sell.mock.api_url + "/v2/contacts?")


def test_links_keep_the_filters(sell: Sell) -> None:
    fill_contacts(sell, 30)
    meta = sell.get("/contacts", params={"is_organization": "false", "per_page": 10}).json()["meta"]
    assert query_of(meta["links"]["next_page"]) == {
        "is_organization": ["false"],
        "page": ["2"],
        "per_page": ["10"],
    }


def test_default_page_size_is_25(sell: Sell) -> None:
    fill_contacts(sell, 30)
    assert sell.get("/contacts").json()["meta"]["count"] == 25


def test_page_past_the_end_is_empty_with_only_a_self_link(sell: Sell) -> None:
    body = sell.get("/contacts", params={"page": 9}).json()
    assert body["items"] == []
    assert body["meta"] == {
        "type": "collection",
        "count": 0,
        "links": {"self": body["meta"]["links"]["self"]},
    }


def test_per_page_out_of_range_is_400_with_the_observed_details(sell: Sell) -> None:
    response = sell.get("/contacts", params={"per_page": 200})
    assert response.status_code == 400
    assert error_of(response)["details"] == (
        "The request query parameter 'per_page' is malformed, missing, or has an invalid value "
        "(must be between 1 and 100, given: 200)"
    )
    for bad in ("0", "101", "-1", "ten"):
        assert sell.get("/contacts", params={"per_page": bad}).status_code == 400, bad
    assert sell.get("/contacts", params={"per_page": 100}).status_code == 200


def test_page_below_1_is_400(sell: Sell) -> None:
    for bad in ("0", "-2", "x", ""):
        response = sell.get("/contacts", params={"page": bad})
        assert response.status_code == 400
        assert error_of(response)["code"] == "invalid_param"


def test_any_page_past_the_end_is_an_empty_page(sell: Sell) -> None:
    """Paging past the end returns 200 with no items (§2.2), however far past."""
    for page in ("1000", str(2**63), "741926978059696318325981184"):
        response = sell.get("/call_outcomes", params={"page": page, "per_page": 51})
        assert response.status_code == 200, page
        assert response.json()["items"] == []


def test_malformed_sort_by_is_400(sell: Sell) -> None:
    bad_values = (
        "",
        "last_name:up",
        "custom_fields:nope:asc",
        "last_name:asc:x",
        "last_name,",
        " last_name",
        "Last_name",
    )
    for bad in bad_values:
        response = sell.get("/contacts", params={"sort_by": bad})
        assert response.status_code == 400, bad
        assert error_of(response)["code"] == "invalid_param"


def test_any_attribute_name_sorts(sell: Sell) -> None:
    """The sortable attributes are documented only in part (§4, §10): any attribute name is
    taken, and one the records lack leaves the id order."""
    for path in ("/notes", "/orders", "/users", "/text_messages", "/visits", "/lead_sources"):
        assert sell.get(path, params={"sort_by": "name:desc,created_at:asc"}).status_code == 200
    sell.contact("Ames", email="b@x.example")
    sell.contact("Bates", email="a@x.example")
    rows = sell.items("/contacts", sort_by="email:desc", per_page=100)
    emails = [c["email"] for c in rows if c["email"] and c["email"].endswith("@x.example")]
    assert emails[:2] == ["b@x.example", "a@x.example"]
    ids = [c["id"] for c in sell.items("/contacts", sort_by="shoe_size", per_page=100)]
    assert ids == sorted(ids)


def test_stages_sort_only_by_their_documented_fields(sell: Sell) -> None:
    assert sell.get("/stages", params={"sort_by": "created_at"}).status_code == 400
    assert sell.get("/stages", params={"sort_by": "likelihood:desc"}).status_code == 200


def test_ids_are_java_longs(sell: Sell) -> None:
    assert sell.get("/tags", params={"ids": f"1,{2**63 - 1}"}).status_code == 200
    for bad in (str(2**63), "0", "1,,2", " 1"):
        assert sell.get("/tags", params={"ids": bad}).status_code == 400, bad
    assert sell.get("/calls", params={"resource_id": "0"}).status_code == 400


def test_repeated_parameter_is_400(sell: Sell) -> None:
    assert sell.get("/contacts?page=1&page=2").status_code == 400


def test_ids_filter_takes_a_comma_separated_list(sell: Sell) -> None:
    a, b, c = (sell.contact(name) for name in ("Ames", "Bates", "Cole"))
    found = sell.items("/contacts", ids=f"{a['id']},{c['id']}")
    assert sorted(x["id"] for x in found) == sorted([a["id"], c["id"]])
    assert b["id"] not in [x["id"] for x in found]
    assert sell.get("/contacts", params={"ids": "1,x"}).status_code == 400


def test_equality_filters(sell: Sell) -> None:
    sell.contact("Ames", email="ames@x.example")
    sell.contact("Bates", email="bates@x.example")
    assert [c["last_name"] for c in sell.items("/contacts", email="bates@x.example")] == ["Bates"]
    orgs = sell.items("/contacts", is_organization="true")
    assert orgs and all(c["is_organization"] for c in orgs)
    assert sell.get("/contacts", params={"is_organization": "yes"}).status_code == 400


def test_address_filters_use_bracket_syntax(sell: Sell) -> None:
    sell.contact("Ames", address={"city": "Hyannis", "country": "US"})
    sell.contact("Bates", address={"city": "Boston", "country": "US"})
    assert [c["last_name"] for c in sell.items("/contacts", **{"address[city]": "Hyannis"})] == [
        "Ames"
    ]
    assert len(sell.items("/contacts", **{"address[country]": "US"})) == 2


def test_custom_field_filters(sell: Sell) -> None:
    sell.contact("Ames", custom_fields={"sku": "SKU1", "interests": ["Music", "Sports"]})
    sell.contact("Bates", custom_fields={"sku": "SKU2", "interests": ["Travel"]})
    assert [c["last_name"] for c in sell.items("/contacts", **{"custom_fields[sku]": "SKU1"})] == [
        "Ames"
    ]
    music = sell.items("/contacts", **{"custom_fields[interests]": "Music"})  # multi select
    assert [c["last_name"] for c in music] == ["Ames"]
    # only defined, filterable custom fields (not a date field, not an unknown one)
    assert sell.get("/contacts", params={"custom_fields[birthday]": "x"}).status_code == 400
    assert sell.get("/contacts", params={"custom_fields[nope]": "x"}).status_code == 400


def test_number_custom_field_filter_compares_numbers(sell: Sell) -> None:
    sell.organization("Big", custom_fields={"employees": "250"})
    sell.organization("Small", custom_fields={"employees": 12})
    found = sell.items("/contacts", **{"custom_fields[employees]": "250"})
    assert [c["name"] for c in found] == ["Big"]
    assert found[0]["custom_fields"]["employees"] == 250


def test_default_sort_of_contacts_is_last_name_ascending(sell: Sell) -> None:
    for name in ("Mills", "Abbot", "Zane"):
        sell.contact(name)
    names = [c["last_name"] for c in sell.items("/contacts", is_organization="false")]
    assert names == sorted(names)


def test_sort_descending(sell: Sell) -> None:
    for name in ("Mills", "Abbot", "Zane"):
        sell.contact(name)
    names = [
        c["last_name"]
        for c in sell.items("/contacts", is_organization="false", sort_by="last_name:desc")
    ]
    assert names == sorted(names, reverse=True)


def test_multi_field_sort(sell: Sell) -> None:
    for first, last in (("Ann", "Smith"), ("Zoe", "Smith"), ("Bob", "Adams"), ("Max", "Smith")):
        sell.contact(last, first_name=first)
    rows = sell.items("/contacts", is_organization="false", sort_by="last_name:asc,first_name:desc")
    assert [(c["last_name"], c["first_name"]) for c in rows if c["first_name"] != "Mark"] == [
        ("Adams", "Bob"),
        ("Smith", "Zoe"),
        ("Smith", "Max"),
        ("Smith", "Ann"),
    ]


def test_sort_by_custom_field(sell: Sell) -> None:
    for last, sku in (("A", "SKU2"), ("B", "SKU9"), ("C", "SKU1")):
        sell.contact(last, custom_fields={"sku": sku})
    rows = sell.items("/contacts", sort_by="custom_fields:sku:desc", per_page=3)
    assert [c["custom_fields"]["sku"] for c in rows] == ["SKU9", "SKU2", "SKU1"]
    asc = sell.items("/contacts", sort_by="custom_fields:sku", **{"custom_fields[sku]": "SKU2"})
    assert [c["last_name"] for c in asc] == ["A"]


def test_sorting_by_a_non_sortable_custom_field_is_400(sell: Sell) -> None:
    # multi select fields filter but do not sort (seed)
    assert sell.get("/contacts", params={"sort_by": "custom_fields:interests"}).status_code == 400


def test_stages_sort_by_a_comma_list(sell: Sell) -> None:
    rows = sell.items("/stages", sort_by="pipeline_id:asc,position:desc")
    first_pipeline = [s for s in rows if s["pipeline_id"] == rows[0]["pipeline_id"]]
    assert [s["position"] for s in first_pipeline] == [10, 9, 8, 7, 3, 2, 1]


def test_includes_organization_on_contacts(sell: Sell) -> None:
    org = sell.organization("Acme")
    person = sell.contact("Doe", contact_id=org["id"])
    body = sell.get(f"/contacts/{person['id']}", params={"includes": "organization"}).json()
    assert body["data"]["organization"]["data"]["id"] == org["id"]
    listed = sell.items("/contacts", ids=str(person["id"]), includes="organization")
    assert listed[0]["organization"]["data"]["name"] == "Acme"
    assert "organization" not in sell.get(f"/contacts/{person['id']}").json()["data"]
    assert sell.get("/contacts", params={"includes": "deals"}).status_code == 400
    for bad in ("organization,", ",organization", ""):
        assert sell.get("/contacts", params={"includes": bad}).status_code == 400, bad
        path = f"/contacts/{person['id']}"
        assert sell.get(path, params={"includes": bad}).status_code == 400, bad
    twice = sell.get(f"/contacts/{person['id']}", params={"includes": "organization,organization"})
    assert twice.json()["data"]["organization"]["data"]["id"] == org["id"]


def test_includes_associated_contacts_on_deals(sell: Sell) -> None:
    person = sell.contact("Doe")
    deal = sell.deal(person["id"])
    other = sell.contact("Roe")
    sell.post(f"/deals/{deal['id']}/associated_contacts", {"contact_id": other["id"]})
    data = sell.get(f"/deals/{deal['id']}", params={"includes": "associated_contacts"}).json()[
        "data"
    ]
    embedded = data["associated_contacts"]
    assert embedded["meta"] == {"type": "collection", "count": 1}
    assert embedded["items"][0]["data"]["contact_id"] == other["id"]


def test_filters_that_only_work_together(sell: Sell) -> None:
    response = sell.get("/text_messages", params={"resource_id": 2})
    assert response.status_code == 400
    assert "resource_type" in error_of(response)["details"]
    ok = sell.items("/text_messages", resource_id=2, resource_type="contact")
    assert ok and all(m["resource_id"] == 2 for m in ok)


def test_task_filters_overdue_type_and_q(sell: Sell) -> None:
    person = sell.contact("Doe")
    sell.create("/tasks", {"content": "Call Tom", "due_date": "2001-01-01T00:00:00Z"})
    sell.create(
        "/tasks",
        {
            "content": "Email Ann",
            "due_date": "2999-01-01T00:00:00Z",
            "resource_type": "contact",
            "resource_id": person["id"],
        },
    )
    sell.create(
        "/tasks", {"content": "Old call", "due_date": "2001-01-01T00:00:00Z", "completed": True}
    )
    assert [t["content"] for t in sell.items("/tasks", overdue="true")] == ["Call Tom"]
    assert sorted(t["content"] for t in sell.items("/tasks", overdue="false")) == [
        "Email Ann",
        "Old call",
    ]
    assert [t["content"] for t in sell.items("/tasks", type="related")] == ["Email Ann"]
    assert sorted(t["content"] for t in sell.items("/tasks", q="call")) == ["Call Tom", "Old call"]
    assert sell.get("/tasks", params={"type": "other"}).status_code == 400


def listing_plan(sell: Sell, params: list[tuple[str, str]]) -> str:
    """The query plan of the SQL a contacts listing runs for these parameters."""
    query = parse_list_query(CONTACTS, params, {})
    index = choose_index(CONTACTS, query.filters, query.order)
    plan = sell.mock.mock.store.plan(
        "demo", "contact", query.filters, query.order, query.per_page + 1, query.offset, index
    )
    return " ".join(plan)


def test_filtered_sorted_contact_listing_uses_an_index(sell: Sell) -> None:
    """Filter + sort + page is read from an expression index in sort order: no full scan of
    the records and no sort of the filtered rows (what keeps 100k contacts at ~1 ms)."""
    for params in (
        [("is_organization", "false"), ("sort_by", "last_name")],
        [("owner_id", "7"), ("sort_by", "last_name:desc"), ("per_page", "100")],
        [("is_organization", "true"), ("sort_by", "created_at:desc")],
        [("customer_status", "current"), ("sort_by", "first_name")],
    ):
        plan = listing_plan(sell, params)
        assert "USING INDEX ix_contact_" in plan, plan
        assert "TEMP B-TREE" not in plan, plan


def test_selective_filters_read_their_own_index(sell: Sell) -> None:
    plan = listing_plan(sell, [("email", "a@x.example"), ("sort_by", "created_at:desc")])
    assert "USING INDEX ix_contact_email" in plan, plan  # not a walk of the created_at index
    plan = listing_plan(sell, [("ids", "1,2,3"), ("sort_by", "first_name")])
    assert "USING PRIMARY KEY" in plan, plan
    unindexed = " ".join(sell.mock.mock.store.plan("demo", "contact", [Filter("skype", "=", "x")]))
    assert "ix_contact_" not in unindexed  # an unindexed filter really is a different plan
