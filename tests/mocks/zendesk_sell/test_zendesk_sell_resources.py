"""Zendesk Sell mock: resources, validation, relationships and cascades (§5, §7)."""

from __future__ import annotations

from tests.mocks.zendesk_sell.conftest import Sell, error_of

# -- generic CRUD -------------------------------------------------------------------------


def test_create_answers_200_with_the_single_envelope(sell: Sell) -> None:
    response = sell.post("/contacts", {"last_name": "Johnson", "first_name": "Mark"})
    assert response.status_code == 200  # the live API answers creates with 200 (§3.1)
    body = response.json()
    assert body["meta"] == {"type": "contact"}
    assert body["data"]["name"] == "Mark Johnson"
    assert body["data"]["owner_id"] == body["data"]["creator_id"] == 7
    assert body["data"]["created_at"].endswith("Z")
    assert sell.get(f"/contacts/{body['data']['id']}").json() == body


def test_update_is_partial(sell: Sell) -> None:
    created = sell.contact("Doe", first_name="Jane", email="jane@x.example", title="CTO")
    response = sell.put(f"/contacts/{created['id']}", {"title": "CEO"})
    assert response.status_code == 200
    updated = response.json()["data"]
    assert (updated["title"], updated["email"], updated["first_name"]) == (
        "CEO",
        "jane@x.example",
        "Jane",
    )


def test_update_replaces_tags_wholesale(sell: Sell) -> None:
    created = sell.contact("Doe", tags=["important", "retailer"])
    updated = sell.put(f"/contacts/{created['id']}", {"tags": ["vip"]}).json()["data"]
    assert updated["tags"] == ["vip"]
    untouched = sell.put(f"/contacts/{created['id']}", {"title": "x"}).json()["data"]
    assert untouched["tags"] == ["vip"]


def test_custom_fields_merge_by_name_and_null_removes_one(sell: Sell) -> None:
    created = sell.contact("Doe", custom_fields={"sku": "S1", "known_via": "Tom"})
    updated = sell.put(
        f"/contacts/{created['id']}", {"custom_fields": {"sku": "S2", "known_via": None}}
    ).json()["data"]
    assert updated["custom_fields"] == {"sku": "S2"}


def test_unknown_custom_field_is_422_unknown(sell: Sell) -> None:
    response = sell.post("/contacts", {"last_name": "Doe", "custom_fields": {"shoe": "44"}})
    assert response.status_code == 422
    assert error_of(response)["field"] == "/custom_fields/shoe"


def test_dropdown_values_that_match_no_choice_are_ignored(sell: Sell) -> None:
    created = sell.contact(
        "Doe", custom_fields={"priority": "Urgent", "interests": ["Music", "Chess"]}
    )
    assert created["custom_fields"] == {"interests": ["Music"]}


def test_delete_answers_204_and_the_record_is_gone(sell: Sell) -> None:
    created = sell.contact("Doe")
    response = sell.delete(f"/contacts/{created['id']}")
    assert (response.status_code, response.content) == (204, b"")
    assert sell.get(f"/contacts/{created['id']}").status_code == 404
    assert sell.delete(f"/contacts/{created['id']}").status_code == 404


def test_update_of_unknown_id_is_404_before_the_body_is_read(sell: Sell) -> None:
    response = sell.put("/contacts/999999", {"invalid_field": 1})
    assert response.status_code == 404


# -- contacts -----------------------------------------------------------------------------


def test_individual_needs_a_last_name(sell: Sell) -> None:
    response = sell.post("/contacts", {"first_name": "Mark"})
    error = error_of(response)
    assert (response.status_code, error["code"], error["field"], error["resource"]) == (
        422,
        "blank",
        "/data/last_name",
        "contact",
    )


def test_organization_needs_a_name(sell: Sell) -> None:
    response = sell.post("/contacts", {"is_organization": True})
    assert response.status_code == 422
    assert error_of(response)["field"] == "/data/name"


def test_contact_id_must_be_an_existing_organization(sell: Sell) -> None:
    person = sell.contact("Doe")
    assert sell.post("/contacts", {"last_name": "X", "contact_id": 99999}).status_code == 422
    response = sell.post("/contacts", {"last_name": "X", "contact_id": person["id"]})
    assert response.status_code == 422
    assert error_of(response)["field"] == "/data/contact_id"


def test_is_organization_is_settable_only_on_create(sell: Sell) -> None:
    person = sell.contact("Doe")
    updated = sell.put(f"/contacts/{person['id']}", {"is_organization": True}).json()["data"]
    assert updated["is_organization"] is False


def test_enum_attribute_out_of_list_is_422_incorrect_value(sell: Sell) -> None:
    response = sell.post("/contacts", {"last_name": "Doe", "customer_status": "gold"})
    error = error_of(response)
    assert (error["code"], error["field"]) == ("incorrect_value", "/customer_status")
    assert error["details"] == "The attribute '/customer_status' value is not included in the list"


def test_deleting_an_organization_detaches_its_people(sell: Sell) -> None:
    org = sell.organization("Acme")
    person = sell.contact("Doe", contact_id=org["id"])
    assert sell.delete(f"/contacts/{org['id']}").status_code == 204
    assert sell.get(f"/contacts/{person['id']}").json()["data"]["contact_id"] is None


# -- deals ----------------------------------------------------------------------------------


def test_deal_contact_must_exist(sell: Sell) -> None:
    response = sell.post("/deals", {"name": "D", "contact_id": 99999})
    error = error_of(response)
    assert (response.status_code, error["field"], error["resource"]) == (
        422,
        "/data/contact_id",
        "deal",
    )


def test_deal_requires_a_name_and_a_contact(sell: Sell) -> None:
    assert error_of(sell.post("/deals", {"contact_id": 2}))["field"] == "/data/name"
    assert error_of(sell.post("/deals", {"name": "D"}))["field"] == "/data/contact_id"


def test_deal_stage_must_exist_and_defaults_to_the_first_stage(sell: Sell) -> None:
    person = sell.contact("Doe")
    assert (
        sell.post(
            "/deals", {"name": "D", "contact_id": person["id"], "stage_id": 99999}
        ).status_code
        == 422
    )
    deal = sell.deal(person["id"])
    stage = sell.get("/stages", params={"ids": deal["stage_id"]}).json()["items"][0]["data"]
    assert (stage["name"], stage["position"]) == ("Prospecting", 1)
    assert deal["last_stage_change_by_id"] == 7


def test_deal_cannot_enter_a_disabled_pipeline(sell: Sell) -> None:
    person = sell.contact("Doe")
    legacy = next(p for p in sell.items("/pipelines") if p["disabled"])
    stage = sell.items("/stages", pipeline_id=legacy["id"])[0]
    response = sell.post(
        "/deals", {"name": "D", "contact_id": person["id"], "stage_id": stage["id"]}
    )
    assert response.status_code == 422
    assert error_of(response)["field"] == "/data/stage_id"


def test_deal_organization_follows_the_primary_contact(sell: Sell) -> None:
    org = sell.organization("Acme")
    person = sell.contact("Doe", contact_id=org["id"])
    assert sell.deal(person["id"])["organization_id"] == org["id"]
    assert sell.deal(org["id"])["organization_id"] == org["id"]
    loner = sell.contact("Solo")
    deal = sell.deal(loner["id"])
    assert deal["organization_id"] is None
    moved = sell.put(f"/deals/{deal['id']}", {"contact_id": person["id"]}).json()["data"]
    assert moved["organization_id"] == org["id"]


def test_deleting_a_deals_primary_contact_leaves_the_deal_usable(sell: Sell) -> None:
    """A deal's `contact_id` is never null (§5.3) and no cascade to deals is documented."""
    person = sell.contact("Doe")
    deal = sell.deal(person["id"])
    assert sell.delete(f"/contacts/{person['id']}").status_code == 204
    assert sell.get(f"/deals/{deal['id']}").json()["data"]["contact_id"] == person["id"]
    renamed = sell.put(f"/deals/{deal['id']}", {"name": "Renamed"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["data"]["contact_id"] == person["id"]
    assert all(d["contact_id"] is not None for d in sell.items("/deals", per_page=100))


def test_deal_value_is_an_integer_or_a_two_decimal_string(sell: Sell) -> None:
    person = sell.contact("Doe")
    assert sell.deal(person["id"], value=1000)["value"] == 1000
    assert sell.deal(person["id"], value="1000.5")["value"] == "1000.50"
    assert sell.deal(person["id"], value=99.99)["value"] == "99.99"
    values = [d["value"] for d in sell.items("/deals", sort_by="value:desc")]
    assert values == ["1000.50", 1000, "99.99"]  # sorted as numbers, not as text
    assert (
        sell.post("/deals", {"name": "D", "contact_id": person["id"], "value": "lots"}).status_code
        == 422
    )


def test_deal_accepts_added_on_and_shows_added_at(sell: Sell) -> None:
    person = sell.contact("Doe")
    deal = sell.deal(person["id"], added_on="2015-06-19T10:00:00+02:00")
    assert deal["added_at"] == deal["added_on"] == "2015-06-19T08:00:00Z"


def test_deal_currency_defaults_to_the_account_currency(sell: Sell) -> None:
    person = sell.contact("Doe")
    assert sell.deal(person["id"])["currency"] == "USD"
    assert (
        sell.post(
            "/deals", {"name": "D", "contact_id": person["id"], "currency": "dollars"}
        ).status_code
        == 422
    )


# -- associated contacts ----------------------------------------------------------------------


def test_associated_contacts_lifecycle(sell: Sell) -> None:
    person, other = sell.contact("Doe"), sell.contact("Roe")
    deal = sell.deal(person["id"])
    path = f"/deals/{deal['id']}/associated_contacts"
    response = sell.post(path, {"contact_id": other["id"], "role": "involved"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "contact_id": other["id"],
            "role": "involved",
            "created_at": response.json()["data"]["created_at"],
            "updated_at": response.json()["data"]["updated_at"],
        },
        "meta": {"type": "associated_contact"},
    }
    assert sell.get(path).json()["meta"]["count"] == 1
    assert sell.delete(f"{path}/{other['id']}").status_code == 204
    assert sell.get(path).json()["items"] == []
    assert sell.delete(f"{path}/{other['id']}").status_code == 404


def test_associated_contact_rules(sell: Sell) -> None:
    person = sell.contact("Doe")
    deal = sell.deal(person["id"])
    path = f"/deals/{deal['id']}/associated_contacts"
    assert sell.post("/deals/99999/associated_contacts", {"contact_id": 2}).status_code == 404
    assert sell.post(path, {"contact_id": 99999}).status_code == 422
    assert sell.post(path, {"contact_id": person["id"], "role": "boss"}).status_code == 422
    assert sell.post(path, {"contact_id": person["id"]}).status_code == 200
    duplicate = sell.post(path, {"contact_id": person["id"]})
    assert (duplicate.status_code, error_of(duplicate)["code"]) == (422, "already_exists")
    assert sell.get(path, params={"sort_by": "id"}).status_code == 400  # page/per_page only


def test_deleting_a_deal_deletes_its_associated_contacts_and_order(sell: Sell) -> None:
    person, other = sell.contact("Doe"), sell.contact("Roe")
    deal = sell.deal(person["id"])
    sell.post(f"/deals/{deal['id']}/associated_contacts", {"contact_id": other["id"]})
    product = sell.create(
        "/products", {"name": "Widget", "prices": [{"amount": "10.00", "currency": "USD"}]}
    )
    order = sell.create("/orders", {"deal_id": deal["id"]})
    sell.create(
        f"/orders/{order['id']}/line_items", {"product_id": product["id"], "currency": "USD"}
    )
    assert sell.delete(f"/deals/{deal['id']}").status_code == 204
    store = sell.mock.mock.store
    assert store.query("demo", "associated_contact") == []
    assert store.query("demo", "line_item") == []
    assert sell.get(f"/orders/{order['id']}").status_code == 404
    assert sell.get(f"/contacts/{other['id']}").status_code == 200  # contacts stay


# -- leads, notes, tasks ----------------------------------------------------------------------


def test_lead_needs_last_name_or_organization_name(sell: Sell) -> None:
    empty = sell.post("/leads", {})
    assert (empty.status_code, len(empty.json()["errors"])) == (422, 1)
    assert sell.post("/leads", {"last_name": "Johnson"}).status_code == 200
    org_only = sell.create("/leads", {"organization_name": "Design Services Company"})
    assert org_only["status"] == "New"


def test_lead_status_must_be_one_of_the_account_statuses(sell: Sell) -> None:
    assert sell.create("/leads", {"last_name": "A", "status": "Working"})["status"] == "Working"
    response = sell.post("/leads", {"last_name": "A", "status": "Sleeping"})
    assert (response.status_code, error_of(response)["field"]) == (422, "/status")


def test_note_must_point_at_an_existing_record(sell: Sell) -> None:
    response = sell.post(
        "/notes", {"content": "x", "resource_type": "contact", "resource_id": 99999}
    )
    assert response.status_code == 422
    assert error_of(response)["field"] == "/data/resource_id"
    note = sell.create(
        "/notes", {"content": "Highly important.", "resource_type": "contact", "resource_id": 2}
    )
    assert (note["creator_id"], note["type"], note["is_important"]) == (7, "regular", False)


def test_task_resource_type_outside_the_list_is_the_observed_422(sell: Sell) -> None:
    response = sell.post("/tasks", {"content": "x", "resource_type": "note", "resource_id": 1})
    error = error_of(response)
    assert error == {
        "code": "incorrect_value",
        "message": "attribute value is incorrect",
        "details": "The attribute '/resource_type' value is not included in the list",
        "resource": "task",
        "field": "/resource_type",
    }


def test_task_completion_stamps_completed_at_and_clears_overdue(sell: Sell) -> None:
    task = sell.create("/tasks", {"content": "Call", "due_date": "2001-01-01T00:00:00+00:00"})
    assert (task["overdue"], task["completed_at"], task["due_date"]) == (
        True,
        None,
        "2001-01-01T00:00:00Z",
    )
    assert task["resource_type"] is None  # a floating task
    done = sell.put(f"/tasks/{task['id']}", {"completed": True}).json()["data"]
    assert done["completed_at"] and done["overdue"] is False


def test_task_resource_type_and_id_go_together(sell: Sell) -> None:
    assert sell.post("/tasks", {"content": "x", "resource_type": "contact"}).status_code == 422


def test_deleting_a_contact_deletes_its_notes_and_tasks(sell: Sell) -> None:
    person = sell.contact("Doe")
    note = sell.create(
        "/notes", {"content": "n", "resource_type": "contact", "resource_id": person["id"]}
    )
    task = sell.create(
        "/tasks", {"content": "t", "resource_type": "contact", "resource_id": person["id"]}
    )
    sell.delete(f"/contacts/{person['id']}")
    assert sell.get(f"/notes/{note['id']}").status_code == 404
    assert sell.get(f"/tasks/{task['id']}").status_code == 404


# -- tags -------------------------------------------------------------------------------------


def test_tags_are_created_with_the_records_that_use_them(sell: Sell) -> None:
    sell.contact("Doe", tags=["important"])
    tags = sell.items("/tags", name="important")
    assert [(t["name"], t["resource_type"]) for t in tags] == [("important", "contact")]


def test_tag_name_is_unique_per_resource_type(sell: Sell) -> None:
    sell.create("/tags", {"name": "hot", "resource_type": "deal"})
    duplicate = sell.post("/tags", {"name": "hot", "resource_type": "deal"})
    assert (duplicate.status_code, error_of(duplicate)["code"]) == (422, "already_exists")
    assert sell.post("/tags", {"name": "hot", "resource_type": "lead"}).status_code == 200


def test_deleting_a_tag_untags_every_record(sell: Sell) -> None:
    person = sell.contact("Doe", tags=["important", "retailer"])
    lead = sell.create("/leads", {"last_name": "L", "tags": ["important"]})
    tag = sell.items("/tags", name="important", resource_type="contact")[0]
    assert sell.delete(f"/tags/{tag['id']}").status_code == 204
    assert sell.get(f"/contacts/{person['id']}").json()["data"]["tags"] == ["retailer"]
    assert sell.get(f"/leads/{lead['id']}").json()["data"]["tags"] == ["important"]


def test_renaming_a_tag_renames_it_on_records(sell: Sell) -> None:
    person = sell.contact("Doe", tags=["imp"])
    tag = sell.items("/tags", name="imp")[0]
    sell.put(f"/tags/{tag['id']}", {"name": "important"})
    assert sell.get(f"/contacts/{person['id']}").json()["data"]["tags"] == ["important"]


# -- sources and reasons ------------------------------------------------------------------------


def test_source_names_are_unique(sell: Sell) -> None:
    sell.create("/sources", {"name": "Newsletter"})
    response = sell.post("/deal_sources", {"name": "Newsletter"})  # the same deal sources
    assert (response.status_code, error_of(response)["code"]) == (422, "already_exists")
    lead_source = sell.create("/lead_sources", {"name": "Newsletter"})
    assert lead_source["resource_type"] == "lead"
    # a legacy source is a deal source (evidence: zendesk-sell-v3-oauth#3.4, the sources stream)
    assert sell.items("/sources", name="Newsletter")[0]["resource_type"] == "deal"
    assert sell.items("/deal_sources", name="Newsletter")[0]["resource_type"] == "deal"
    assert sell.get("/sources", params={"name": "Newsletter"}).json()["items"][0]["meta"] == {
        "type": "source"
    }


def test_loss_and_unqualified_reason_names_are_unique(sell: Sell) -> None:
    for path in ("/loss_reasons", "/deal_unqualified_reasons"):
        sell.create(path, {"name": "Timing"})
        assert error_of(sell.post(path, {"name": "Timing"}))["code"] == "already_exists"
    renamed = sell.create("/loss_reasons", {"name": "Budget"})
    assert sell.put(f"/loss_reasons/{renamed['id']}", {"name": "Timing"}).status_code == 422


def test_lead_unqualified_reasons_are_list_only(sell: Sell) -> None:
    assert len(sell.items("/lead_unqualified_reasons")) == 3
    assert sell.post("/lead_unqualified_reasons", {"name": "x"}).status_code == 405


# -- orders, line items, products -------------------------------------------------------------


def _product(sell: Sell, **fields: object) -> dict[str, object]:
    return sell.create(
        "/products",
        {
            "name": "Widget",
            "sku": "W-1",
            "max_discount": 20,
            "max_markup": 50,
            "prices": [{"amount": "1599.99", "currency": "USD"}],
            **fields,
        },
    )


def test_one_order_per_deal(sell: Sell) -> None:
    deal = sell.deal(sell.contact("Doe")["id"])
    sell.create("/orders", {"deal_id": deal["id"], "discount": 10})
    response = sell.post("/orders", {"deal_id": deal["id"]})
    error = error_of(response)
    assert (response.status_code, error["code"], error["field"]) == (
        422,
        "already_exists",
        "/data/deal_id",
    )
    assert sell.post("/orders", {"deal_id": 99999}).status_code == 422


def test_line_items_copy_the_product_and_have_no_update(sell: Sell) -> None:
    deal = sell.deal(sell.contact("Doe")["id"])
    order = sell.create("/orders", {"deal_id": deal["id"]})
    product = _product(sell)
    path = f"/orders/{order['id']}/line_items"
    item = sell.create(
        path, {"product_id": product["id"], "currency": "USD", "quantity": 2, "variation": "-10"}
    )
    assert (item["name"], item["sku"], item["price"], item["value"]) == (
        "Widget",
        "W-1",
        "1599.99",
        "1439.99",
    )
    assert "product_id" not in item  # "not available after creation"
    assert sell.get(f"{path}/{item['id']}").json()["data"]["quantity"] == 2
    assert sell.put(f"{path}/{item['id']}", {"quantity": 3}).status_code == 405
    assert sell.post(path, {"product_id": product["id"]}).status_code == 422  # currency needed
    assert (
        sell.post(
            path, {"product_id": product["id"], "currency": "USD", "variation": "-30"}
        ).status_code
        == 422
    )  # over max_discount
    assert sell.post("/orders/99999/line_items", {"product_id": 1}).status_code == 404


def test_inactive_products_cannot_be_line_items(sell: Sell) -> None:
    order = sell.create("/orders", {"deal_id": sell.deal(sell.contact("Doe")["id"])["id"]})
    product = _product(sell, active=False)
    response = sell.post(
        f"/orders/{order['id']}/line_items", {"product_id": product["id"], "currency": "USD"}
    )
    assert response.status_code == 422


def test_deleting_an_order_deletes_its_line_items(sell: Sell) -> None:
    order = sell.create("/orders", {"deal_id": sell.deal(sell.contact("Doe")["id"])["id"]})
    product = _product(sell)
    item = sell.create(
        f"/orders/{order['id']}/line_items", {"product_id": product["id"], "currency": "USD"}
    )
    assert sell.delete(f"/orders/{order['id']}").status_code == 204
    assert sell.mock.mock.store.get("demo", "line_item", item["id"]) is None


def test_product_max_discount_above_100_is_the_observed_422(sell: Sell) -> None:
    response = sell.post("/products", {"name": "W", "max_discount": 101})
    error = error_of(response)
    assert (error["code"], error["field"], error["details"]) == (
        "incorrect_value",
        "/data/max_discount",
        "Ensure this value is less than or equal to 100.",
    )


def test_percentages_have_only_their_documented_bound(sell: Sell) -> None:
    """Only `max_discount` <= 100 is documented (§2.4, §5.14); no lower bound, and none for
    `max_markup` or an order's `discount` (§5.13). Integral JSON floats are integers."""
    product = sell.create("/products", {"name": "P", "max_discount": -5.0, "max_markup": 25_000})
    assert (product["max_discount"], product["max_markup"]) == (-5, 25_000)
    person = sell.contact("Doe")
    order = sell.create("/orders", {"deal_id": sell.deal(person["id"])["id"], "discount": 150})
    assert order["discount"] == 150
    assert sell.put(f"/orders/{order['id']}", {"discount": -3}).json()["data"]["discount"] == -3
    assert sell.post("/products", {"name": "Q", "max_discount": 1.5}).status_code == 422


def test_decimals_of_any_size_keep_two_places(sell: Sell) -> None:
    product = sell.create(
        "/products",
        {"name": "Big", "cost": 2.5e20, "prices": [{"amount": "1" + "0" * 30, "currency": "USD"}]},
    )
    assert product["cost"] == "250000000000000000000.00"
    assert product["prices"][0]["amount"] == "1" + "0" * 30 + ".00"
    person = sell.contact("Doe")
    assert sell.deal(person["id"], value=1e300)["value"] == 10**300


def test_currencies_are_iso_4217_codes(sell: Sell) -> None:
    person = sell.contact("Doe")
    for bad in ("usd", "000", "US"):
        response = sell.post("/deals", {"name": "D", "contact_id": person["id"], "currency": bad})
        assert response.status_code == 422, bad
        assert error_of(response)["field"] == "/data/currency"


def test_product_prices_are_replaced_wholesale(sell: Sell) -> None:
    product = _product(
        sell, prices=[{"amount": "10", "currency": "USD"}, {"amount": 9.5, "currency": "EUR"}]
    )
    assert product["prices"] == [
        {"amount": "10.00", "currency": "USD"},
        {"amount": "9.50", "currency": "EUR"},
    ]
    updated = sell.put(
        f"/products/{product['id']}", {"prices": [{"amount": "12.00", "currency": "GBP"}]}
    ).json()["data"]
    assert updated["prices"] == [{"amount": "12.00", "currency": "GBP"}]
    assert updated["version"] == product["version"] + 1
    assert (
        sell.put(f"/products/{product['id']}", {"prices": [{"currency": "GBP"}]}).status_code == 422
    )


def test_only_admins_delete_products(sell: Sell) -> None:
    product = _product(sell)
    response = sell.delete(f"/products/{product['id']}", as_="member")
    assert (response.status_code, error_of(response)["code"]) == (403, "forbidden")
    assert sell.delete(f"/products/{product['id']}").status_code == 204


# -- calls, collaborations, sequences ------------------------------------------------------------


def test_calls_default_to_now_and_the_caller_and_list_newest_first(sell: Sell) -> None:
    old = sell.create("/calls", {"phone_number": "+1 555", "made_at": "2010-01-01T00:00:00Z"})
    new = sell.create("/calls", {"phone_number": "+1 556", "associated_deal_ids": []})
    assert new["user_id"] == 7 and new["made_at"] > old["made_at"]
    assert [c["id"] for c in sell.items("/calls")] == [new["id"], old["id"]]
    # nothing is required (companion sheet §5.3), but what is given must describe a call
    bare = sell.create("/calls", {"summary": "x"})
    assert bare["phone_number"] is None and bare["made_at"]
    for bad in ({"made_at": None}, {"phone_number": ""}, {"resource_type": "lead"}):
        assert sell.post("/calls", bad).status_code == 422, bad
    assert sell.get("/calls", params={"sort_by": "id"}).status_code == 400
    assert (
        sell.post("/calls", {"phone_number": "1", "associated_deal_ids": [99999]}).status_code
        == 422
    )


def test_collaborations_can_be_created_read_and_deleted_but_not_updated(sell: Sell) -> None:
    person = sell.contact("Doe")
    collab = sell.create(
        "/collaborations",
        {"resource_type": "contact", "resource_id": person["id"], "collaborator_id": 9},
    )
    assert sell.get(f"/collaborations/{collab['id']}").status_code == 200
    assert sell.put(f"/collaborations/{collab['id']}", {"collaborator_id": 8}).status_code == 405
    assert (
        sell.post(
            "/collaborations",
            {"resource_type": "contact", "resource_id": person["id"], "collaborator_id": 12345},
        ).status_code
        == 422
    )
    assert sell.delete(f"/collaborations/{collab['id']}").status_code == 204


def test_sequence_enrollments_and_finishing_them(sell: Sell) -> None:
    sequence = sell.items("/sequences")[0]
    enrollment = sell.create(
        "/sequence_enrollments",
        {"sequence_id": sequence["id"], "resource_type": "lead", "resource_id": 1},
    )
    assert (enrollment["state"], enrollment["actor_id"]) == ("active", 7)
    assert enrollment["sequence"]["data"]["name"] == sequence["name"]
    response = sell.post(
        "/sequence_enrollments/finish_ongoing_for_resource",
        {"resource_type": "lead", "resource_id": "1"},
    )
    assert response.status_code == 200
    assert [e["data"]["state"] for e in response.json()["items"]] == ["finished"]
    assert sell.items("/sequence_enrollments", state="active") == []


# -- read-only, seeded resources ------------------------------------------------------------------


def test_lead_conversions_list_what_a_converted_lead_became(sell: Sell) -> None:
    """Documented (companion sheet §5.1). The seed's Mark Johnson came in as a lead: the lead
    is gone, the person and the organization remain."""
    (conversion,) = sell.items("/lead_conversions")
    person = sell.items("/contacts", last_name="Johnson")[0]
    assert conversion["individual_id"] == person["id"]
    assert conversion["organization_id"] == person["contact_id"]
    assert sell.get(f"/leads/{conversion['lead_id']}").status_code == 404
    assert sell.items("/lead_conversions", ids=str(conversion["id"])) == [conversion]
    # always sorted by id descending: the documented parameters have no sort_by
    assert sell.get("/lead_conversions", params={"sort_by": "created_at:desc"}).status_code == 400
    assert sell.client().request("TRACE", "/lead_conversions").status_code == 405


def test_resource_type_filters_of_visits_and_collaborations_take_any_name(sell: Sell) -> None:
    """Which record types visits and collaborations attach to is not documented (§5.18,
    §5.19): any non-empty name filters (and matches nothing when no record has it)."""
    assert sell.items("/visits", resource_type="lead", resource_id=1)
    assert sell.items("/visits", resource_type="deal", resource_id=1) == []
    assert sell.items("/collaborations", resource_type="0") == []
    assert sell.get("/collaborations", params={"resource_type": ""}).status_code == 400


def test_zendesk_user_ids_are_a_list_of_non_empty_ids(sell: Sell) -> None:
    assert sell.get("/users", params={"zendesk_user_ids": "1,,2"}).status_code == 400
    assert sell.get("/users", params={"zendesk_user_ids": "1,2"}).status_code == 200


def test_timestamps_always_have_a_four_digit_year(sell: Sell) -> None:
    call = sell.create("/calls", {"phone_number": "+1 555", "made_at": "0299-06-27T10:57:42Z"})
    assert call["made_at"] == "0299-06-27T10:57:42Z"
    assert sell.get(f"/calls/{call['id']}").json()["data"]["made_at"] == "0299-06-27T10:57:42Z"


def test_default_pipeline_has_the_documented_seven_stages(sell: Sell) -> None:
    sales = next(p for p in sell.items("/pipelines") if not p["disabled"])
    stages = sell.items("/stages", pipeline_id=sales["id"], sort_by="position")
    assert [
        (s["name"], s["category"], s["position"], s["likelihood"], s["active"]) for s in stages
    ] == [
        ("Prospecting", "incoming", 1, 5, True),
        ("Qualified", "in_progress", 2, 10, True),
        ("Quote", "in_progress", 3, 20, True),
        ("Closure", "in_progress", 7, 50, True),
        ("Won", "won", 8, 100, False),
        ("Lost", "lost", 9, 0, False),
        ("Unqualified", "unqualified", 10, 0, False),
    ]


def test_read_only_resources_are_seeded_and_refuse_writes(sell: Sell) -> None:
    for path, meta in (
        ("/stages", "stage"),
        ("/pipelines", "pipeline"),
        ("/users", "user"),
        ("/text_messages", "text_message"),
        ("/visits", "visit"),
        ("/visit_outcomes", "visit_outcome"),
        ("/call_outcomes", "call_outcome"),
        ("/lead_statuses", "lead_status"),
        ("/sequences", "sequence"),
        ("/contact/custom_fields", "custom_field"),
        ("/lead/industries", "industry"),
    ):
        response = sell.get(path)
        assert response.status_code == 200, path
        assert response.json()["items"], path
        assert response.json()["items"][0]["meta"]["type"] == meta
        assert sell.post(path, {"name": "x"}).status_code == 405, path
    assert sell.get("/text_messages/1").status_code == 200
    assert sell.delete("/text_messages/1").status_code == 405


def test_custom_field_definitions_per_resource_type(sell: Sell) -> None:
    fields = {f["name"]: f for f in sell.items("/contact/custom_fields", per_page=100)}
    assert fields["priority"]["type"] == "list"
    assert [c["name"] for c in fields["priority"]["choices"]] == ["Low", "Medium", "High"]
    assert "for_organisation" in fields["employees"]
    assert {f["name"] for f in sell.items("/deal/custom_fields")} >= {"sku", "segment"}
    industry = sell.items("/contact/industries")[0]
    assert set(industry) == {"name", "created_at", "updated_at"}


def test_account_self_and_users(sell: Sell) -> None:
    account = sell.get("/accounts/self").json()
    assert account["meta"] == {"type": "account"}
    assert (account["data"]["id"], account["data"]["currency"]) == (1001, "USD")
    users = sell.items("/users", role="admin")
    assert [u["email"] for u in users] == ["dana@demo.example"]
    assert (
        sell.items("/users", zendesk_user_ids="360001234568,360001234569", sort_by="name")[0][
            "name"
        ]
        == "Mel Member"
    )


# -- upsert ---------------------------------------------------------------------------------


def test_upsert_creates_when_nothing_matches_then_updates(sell: Sell) -> None:
    first = sell.post(
        "/contacts/upsert",
        {"last_name": "Up", "email": "up@x.example"},
        params={"email": "up@x.example"},
    )
    assert first.status_code == 200
    second = sell.post("/contacts/upsert", {"title": "CEO"}, params={"email": "up@x.example"})
    assert second.json()["data"]["id"] == first.json()["data"]["id"]
    assert second.json()["data"]["title"] == "CEO"


def test_upsert_needs_a_filter_and_a_unique_match(sell: Sell) -> None:
    assert sell.post("/leads/upsert", {"last_name": "X"}).status_code == 400
    assert sell.post("/leads/upsert", {"last_name": "X"}, params={"shoe": "1"}).status_code == 400
    sell.create("/leads", {"last_name": "Twin"})
    sell.create("/leads", {"last_name": "Twin"})
    response = sell.post("/leads/upsert", {"title": "x"}, params={"last_name": "Twin"})
    assert (response.status_code, error_of(response)["code"]) == (409, "conflict")
    person = sell.contact("Doe")
    deal = sell.post(
        "/deals/upsert",
        {"name": "Up deal", "contact_id": person["id"]},
        params={"custom_fields[sku]": "D-1"},
    )
    assert deal.status_code == 200
