"""Zendesk Sell mock: the Sync API — sessions, the main queue, acknowledgements (§6)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.mocks.zendesk_sell.conftest import Sell, error_of

DEVICE = {"X-Basecrm-Device-UUID": "7f0c8e6a-1d2b-4c3e-9f4a-5b6c7d8e9f00"}


def start(sell: Sell, device: dict[str, str] = DEVICE, as_: str = "demo") -> httpx.Response:
    return sell.client(as_).post("/sync/start", headers=device)


def drain(
    sell: Sell, session: dict[str, Any], device: dict[str, str] = DEVICE
) -> list[dict[str, Any]]:
    """Read the main queue until 204, as the official clients do."""
    url = session["data"]["queues"][0]["meta"]["links"]["self"]
    items: list[dict[str, Any]] = []
    for _ in range(100):
        response = sell.client().get(url, headers=device)
        if response.status_code == 204:
            return items
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["count"] == len(body["items"])
        items += body["items"]
    raise AssertionError("the queue never ended")


def ack_all(sell: Sell, items: list[dict[str, Any]], device: dict[str, str] = DEVICE) -> None:
    keys = [i["meta"]["sync"]["ack_key"] for i in items]
    response = sell.client().post("/sync/ack", json={"data": {"ack_keys": keys}}, headers=device)
    assert response.status_code == 202


def sync_once(sell: Sell, device: dict[str, str] = DEVICE) -> list[dict[str, Any]]:
    response = start(sell, device)
    if response.status_code == 204:
        return []
    assert response.status_code == 201, response.text
    items = drain(sell, response.json(), device)
    ack_all(sell, items, device)
    return items


def test_sync_needs_the_device_uuid_header(sell: Sell) -> None:
    response = sell.client().post("/sync/start")
    assert (response.status_code, error_of(response)["code"]) == (400, "invalid_header")
    blank = sell.client().post("/sync/start", headers={"X-Basecrm-Device-UUID": ""})
    assert blank.status_code == 400


def test_any_device_id_names_a_device(sell: Sell) -> None:
    """Clients send a UUID, but no format check is documented (§6): a tab inside is fine."""
    odd = {"X-Basecrm-Device-UUID": "xL'Wg^r7Q=WLuGZg(j\t-4"}
    assert start(sell, odd).status_code == 201
    response = sell.client().post("/sync/ack", json={"data": {"ack_keys": []}}, headers=odd)
    assert response.status_code == 202


def test_first_session_delivers_everything_as_created(sell: Sell) -> None:
    response = start(sell)
    assert response.status_code == 201
    session = response.json()
    assert session["meta"] == {"type": "sync_session"}
    queue = session["data"]["queues"][0]
    assert queue["data"]["name"] == "main" and queue["meta"]["type"] == "sync_queue"
    assert queue["meta"]["links"]["self"].endswith(f"/v2/sync/{session['data']['id']}/queues/main")
    items = drain(sell, session)
    assert len(items) == queue["data"]["total_count"]
    types = {i["meta"]["type"] for i in items}
    assert {
        "account",
        "user",
        "pipeline",
        "stage",
        "contact",
        "lead",
        "source",
        "loss_reason",
    } <= types
    assert {i["meta"]["sync"]["event_type"] for i in items} == {"created"}
    user = next(i for i in items if i["meta"]["type"] == "user" and i["data"]["id"] == 7)
    assert user["meta"]["sync"]["ack_key"] == "User-7-1"


def test_queue_pages_until_204_with_count_left(sell: Sell) -> None:
    for i in range(120):
        sell.mock.mock.store.insert("demo", "visit", {"i": i})  # not synced: no noise
    session = start(sell).json()
    url = session["data"]["queues"][0]["meta"]["links"]["self"]
    first = sell.client().get(url, headers=DEVICE).json()
    total = session["data"]["queues"][0]["data"]["total_count"]
    assert first["meta"]["count"] + first["meta"]["count_left"] == total


def test_acknowledged_items_are_not_sent_again(sell: Sell) -> None:
    assert sync_once(sell)
    assert start(sell).status_code == 204  # nothing to synchronise


def test_unacknowledged_items_come_again(sell: Sell) -> None:
    first = drain(sell, start(sell).json())
    again = drain(sell, start(sell).json())
    assert [i["meta"]["sync"]["ack_key"] for i in again] == [
        i["meta"]["sync"]["ack_key"] for i in first
    ]


def test_api_writes_show_up_as_created_updated_and_deleted(sell: Sell) -> None:
    sync_once(sell)
    fresh = sell.contact("Fresh")
    seeded = sell.items("/contacts", last_name="Johnson")[0]
    sell.put(f"/contacts/{seeded['id']}", {"title": "CFO"})
    lead = sell.items("/leads")[0]
    sell.delete(f"/leads/{lead['id']}")
    sell.create("/products", {"name": "not synced"})  # products are not a Sync type
    events = {(i["meta"]["type"], i["data"]["id"]): i for i in sync_once(sell)}
    assert events[("contact", fresh["id"])]["meta"]["sync"]["event_type"] == "created"
    updated = events[("contact", seeded["id"])]
    assert updated["meta"]["sync"]["event_type"] == "updated"
    assert updated["data"]["title"] == "CFO"  # the freshest state
    assert updated["meta"]["sync"]["ack_key"] == f"Contact-{seeded['id']}-2"
    deleted = events[("lead", lead["id"])]
    assert deleted["meta"]["sync"]["event_type"] == "deleted"
    assert deleted["data"] == {"id": lead["id"]}  # deleted items carry only the id
    assert not any(t == "product" for t, _ in events)


def test_devices_sync_independently(sell: Sell) -> None:
    sync_once(sell)
    other_device = {"X-Basecrm-Device-UUID": "another-device"}
    assert start(sell, other_device).status_code == 201


def test_a_session_belongs_to_its_device(sell: Sell) -> None:
    session = start(sell).json()
    url = session["data"]["queues"][0]["meta"]["links"]["self"]
    response = sell.client().get(url, headers={"X-Basecrm-Device-UUID": "someone-else"})
    assert response.status_code == 404
    assert sell.client().get("/sync/nope/queues/main", headers=DEVICE).status_code == 404


def test_ack_body_is_checked_but_unknown_keys_are_skipped(sell: Sell) -> None:
    """Ack keys are opaque echoes of `meta.sync.ack_key`; nothing documents an error for one
    the server never issued (§6), so it acknowledges nothing (202). The envelope still must
    hold an array of non-empty strings and nothing else."""
    client = sell.client()

    def ack(body: Any) -> int:
        return client.post("/sync/ack", json=body, headers=DEVICE).status_code

    assert ack({"data": {"ack_keys": ["nonsense", "User-1-1"]}}) == 202
    assert ack({"data": {"ack_keys": []}}) == 202
    assert ack({"data": {"ack_keys": ["User-1-1"]}, "meta": {"type": "ack"}}) == 202
    assert ack({"data": {}}) == 422
    assert ack({"data": {"ack_keys": [""]}}) == 422
    assert ack({"data": {"ack_keys": [1]}}) == 422
    assert ack({"data": {"ack_keys": [], "other": 1}}) == 422
    assert ack({"data": {"ack_keys": []}, "meta": {"type": ""}}) == 422


def test_skipped_ack_keys_leave_items_unacknowledged(sell: Sell) -> None:
    first = drain(sell, start(sell).json())
    keys = [i["meta"]["sync"]["ack_key"] for i in first]
    body = {"data": {"ack_keys": [k + "x" for k in keys]}}
    assert sell.client().post("/sync/ack", json=body, headers=DEVICE).status_code == 202
    again = drain(sell, start(sell).json())
    assert len(again) == len(first)


def test_sync_is_per_account(sell: Sell) -> None:
    session = start(sell, as_="other").json()
    url = session["data"]["queues"][0]["meta"]["links"]["self"]
    emails = set()
    while (page := sell.client("other").get(url, headers=DEVICE)).status_code == 200:
        emails |= {
            i["data"].get("email") for i in page.json()["items"] if i["meta"]["type"] == "user"
        }
    assert emails == {"olga@other.example"}
