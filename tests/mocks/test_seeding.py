"""Seeding (`crm-mock --seed-records`) and the store features that keep writes flat at 100k.

Seeded records must be exactly what the same create requests sent over HTTP would leave behind
(change logs, feeds, counters and all); the store's derived lookups must answer as the scans they
replace did.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
from typing import Any

import httpx
import pytest

from crm_mocks.cli import parser
from crm_mocks.core.app import build_app, create_vendor
from crm_mocks.core.seeding import Made, SeedError, parse_counts, plan_of, seed_records
from crm_mocks.core.server import BackgroundServer
from crm_mocks.core.store import Filter, Store
from crm_mocks.registry import VENDORS, vendor_class

STAMP = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")
# Sell Firehose events carry a random opaque id, like the vendor's (run to run it differs too)
EVENT_ID = re.compile(r'"event_id": "[^"]*"')


def dump(store: Store) -> list[tuple[Any, ...]]:
    """Every stored row and counter, with clock readings blanked (they differ run to run)."""
    db = store._db  # noqa: SLF001 - the test compares whole stores
    rows = db.execute("SELECT account, kind, id, data FROM records ORDER BY 1, 2, 3").fetchall()
    out: list[tuple[Any, ...]] = [
        (a, k, i, EVENT_ID.sub('"event_id": "E"', STAMP.sub("T", d))) for a, k, i, d in rows
    ]
    out += db.execute("SELECT * FROM sequences ORDER BY 1, 2").fetchall()
    out += db.execute("SELECT * FROM kind_counts WHERE n > 0 ORDER BY 1, 2").fetchall()
    out += db.execute("SELECT * FROM members ORDER BY 1, 2, 3, 5").fetchall()
    return out


def options(vendor: str) -> dict[str, Any]:
    return {"rate_limit": 10**9} if vendor == "zendesk-sell" else {}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_seeding_writes_what_the_same_http_requests_write(vendor: str) -> None:
    seeded = create_vendor(vendor_class(vendor), options=options(vendor))
    build_app(seeded)
    counts = seed_records(seeded, ["4"])
    assert counts and all(n == 4 for n in counts.values())

    by_http = create_vendor(vendor_class(vendor), options=options(vendor))
    plan = plan_of(by_http)
    headers = {**plan.headers(by_http.user(plan.user)), "content-type": "application/json"}
    rng = random.Random(20240101)  # the seeding's own generator: the same draws
    ids: dict[str, list[int]] = {}
    server = BackgroundServer(build_app(by_http)).start()
    with httpx.Client(base_url=server.url) as client:
        for factory in plan.factories:
            made = ids.setdefault(factory.kind, [])
            for i in range(counts.get(factory.kind, 0)):
                body = json.dumps(factory.body(Made(i, rng, ids)))
                response = client.request(
                    factory.method, factory.path, content=body, headers=headers
                )
                assert 200 <= response.status_code < 300, response.text
                made.append(factory.created_id(response.json()))
    server.stop()
    assert dump(seeded.store) == dump(by_http.store)


def test_sell_seeding_fills_the_sync_change_log() -> None:
    vendor = create_vendor(vendor_class("zendesk-sell"), options=options("zendesk-sell"))
    seed_records(vendor, ["contacts=30", "notes=5"])
    account = vendor.user("demo").account
    changes = vendor.store.query(account, "_sync_change", [Filter("type", "=", "contact")])
    contacts = vendor.store.query(account, "contact")
    assert {c["record_id"] for c in changes} == {c["id"] for c in contacts}
    assert len(contacts) >= 30 and vendor.store.count(account, "note") >= 5


def test_seeding_obeys_the_vendors_own_rules() -> None:
    # Relenta's plan limit answers the 4th create with its 401, as it would a client's
    vendor = create_vendor(vendor_class("relenta"), options={"contact_limit": 3})
    build_app(vendor)
    with pytest.raises(SeedError, match="401"):
        seed_records(vendor, ["contacts=100"])


def test_seed_counts_are_parsed_and_dependencies_added() -> None:
    plan = plan_of(create_vendor(vendor_class("clevertim")))
    assert parse_counts(plan, ["10"]) == {"contacts": 10, "notes": 10}
    assert parse_counts(plan, ["notes=3"]) == {"contacts": 1, "notes": 3}  # a note needs one
    assert parse_counts(plan, ["5", "notes=0"]) == {"contacts": 5}
    with pytest.raises(ValueError, match="unknown kind"):
        parse_counts(plan, ["deals=3"])
    with pytest.raises(ValueError, match="whole number"):
        parse_counts(plan, ["contacts=lots"])
    assert parser().parse_args(["clevertim", "--seed-records", "contacts=7"]).seed_records == [
        "contacts=7"
    ]


# -- store: partial indexes, counters, member indexes ----------------------------------------


def test_indexes_are_partial_per_kind_and_replace_whole_table_ones(tmp_path: Any) -> None:
    path = str(tmp_path / "old.sqlite")
    Store(path).close()
    db = sqlite3.connect(path)  # an index as an older version made it: every row of the table
    db.execute(
        "CREATE INDEX ix_contact_email ON records(kind, account, json_extract(data, '$.email'))"
    )
    db.commit()
    db.close()
    store = Store(path)
    store.ensure_index("contact", ["email"])
    (sql,) = store._db.execute(  # noqa: SLF001
        "SELECT sql FROM sqlite_master WHERE name='ix_contact_email'"
    ).fetchone()
    assert "WHERE kind = 'contact'" in sql
    store.insert("a", "contact", {"email": "x@example.com"})
    store.insert("a", "note", {"email": "x@example.com"})
    # a lookup in id order (first(), a delete's cascade) reads the index, not the whole kind
    for limit in (None, 1):
        lookup = [Filter("email", "=", "x@example.com")]
        plan = " ".join(store.plan("a", "contact", lookup, limit=limit))
        assert "USING INDEX ix_contact_email" in plan, plan
    assert len(store.query("a", "contact", [Filter("email", "=", "x@example.com")])) == 1


def test_whole_kind_counts_follow_inserts_deletes_and_resets(tmp_path: Any) -> None:
    store = Store()
    for n in range(5):
        store.insert("a", "contact", {"n": n})
    store.insert_many("a", "contact", [{"n": 9}, {"n": 10}])
    store.insert("b", "contact", {"n": 0})
    store.delete("a", "contact", 2)
    store.delete("a", "contact", 99)  # nothing deleted, nothing counted
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("a", "contact", {"n": 11})
        raise RuntimeError("rolled back with the insert")
    assert store.count("a", "contact") == 6 == len(store.query("a", "contact"))
    assert store.count("b", "contact") == 1 and store.count("a", "note") == 0
    store.reset()
    assert store.count("a", "contact") == 0
    # a file written before the counters existed gets them on opening
    path = str(tmp_path / "old.sqlite")
    old = Store(path)
    old.insert("a", "contact", {})
    old._db.execute("DELETE FROM kind_counts")  # noqa: SLF001
    old.close()
    assert Store(path).count("a", "contact") == 1


def test_member_index_answers_as_the_array_scan_did() -> None:
    indexed, scanned = Store(), Store()
    indexed.ensure_member_index("note", "cust")
    docs = [
        {"cust": [1, 2]},
        {"cust": [2, 2]},
        {"cust": 2},  # a scalar is its own member, as json_each has it
        {"cust": ["2"]},  # a string is not the number
        {"cust": []},
        {},
        {"cust": [3, True]},
    ]
    for store in (indexed, scanned):
        for doc in docs:
            store.insert("a", "note", doc)
        store.insert("b", "note", {"cust": [2]})
        store.put("a", "note", {"id": 1, "cust": [1]})  # updated: no longer 2's
        store.delete("a", "note", 7)
    for value in (1, 2, "2", 3, True, 4):
        f = [Filter("cust", "contains", value)]
        assert indexed.query("a", "note", f) == scanned.query("a", "note", f), value
    plan = " ".join(indexed.plan("a", "note", [Filter("cust", "contains", 2)]))
    assert "members" in plan and "json_each" not in plan, plan


def test_clevertim_listing_derives_the_same_lists_as_a_read() -> None:
    vendor = create_vendor(vendor_class("clevertim"))
    seed_records(vendor, ["contacts=6", "notes=9"])
    server = BackgroundServer(build_app(vendor)).start()
    try:
        with httpx.Client(base_url=server.url, auth=("demo-token", "X")) as client:
            listed = client.get("/api/contact").json()["content"]
            assert any(c["notes"] for c in listed)
            for contact in listed:
                read = client.get(f"/api/contact/{contact['id']}").json()["content"][0]
                assert read == contact
    finally:
        server.stop()


def test_a_sell_contacts_delete_cascade_reads_indexes_only() -> None:
    vendor = create_vendor(vendor_class("zendesk-sell"), options=options("zendesk-sell"))
    cascade = [
        ("contact", [Filter("contact_id", "=", 5)]),
        ("contact", [Filter("parent_organization_id", "=", 5)]),
        ("deal", [Filter("organization_id", "=", 5)]),
        ("associated_contact", [Filter("contact_id", "=", 5)]),
        ("note", [Filter("resource_type", "=", "contact"), Filter("resource_id", "=", 5)]),
        ("task", [Filter("resource_type", "=", "contact"), Filter("resource_id", "=", 5)]),
    ]
    for kind, filters in cascade:
        plan = " ".join(vendor.store.plan("demo", kind, filters))
        assert f"USING INDEX ix_{kind}_" in plan, (kind, plan)
