"""Zendesk Sell mock: the Firehose API v3 (companion fact sheet §3): streams read by position,
an event for every create, update and delete through any API family, per account, in order."""

from __future__ import annotations

import base64
from typing import Any

import httpx

from crm_mocks import RunningMock
from tests.mocks.zendesk_sell.conftest import Sell, error_of


def walk(v3: httpx.Client, stream: str, position: str = "tail") -> tuple[list[Any], str]:
    """Read a stream until `meta.top`, as the vendor's code sample does."""
    events: list[Any] = []
    for _ in range(1000):
        response = v3.get(f"/{stream}/stream", params={"position": position, "limit": 100})
        assert response.status_code == 200, response.text
        body = response.json()
        events += body["items"]
        position = body["meta"]["position"]
        assert body["meta"]["links"]["next"].endswith("position=" + position)
        if body["meta"]["top"]:
            return events, position
    raise AssertionError("the stream never reached the top")


def test_every_write_is_an_event_in_order(sell: Sell, v3: httpx.Client) -> None:
    _, position = walk(v3, "contacts")  # skip the seed's history
    person = sell.contact("Doe", first_name="Jane")
    sell.put(f"/contacts/{person['id']}", {"first_name": "Janet"})
    sell.delete(f"/contacts/{person['id']}")
    events, after = walk(v3, "contacts", position)
    mine = [e for e in events if e["data"]["id"] == person["id"]]
    assert [e["meta"]["event_type"] for e in mine] == ["created", "updated", "deleted"]
    assert [e["meta"]["sequence"] for e in mine] == [1, 2, 3]
    assert {e["meta"]["type"] for e in mine} == {"contact"}
    assert mine[1]["data"]["first_name"] == "Janet"
    assert mine[1]["meta"]["previous"]["first_name"] == "Jane"
    assert "previous" not in mine[0]["meta"]
    assert len({e["meta"]["event_id"] for e in events}) == len(events)  # never duplicated
    again, _ = walk(v3, "contacts", after)
    assert again == []


def test_top_starts_from_now_and_pages_never_overlap(sell: Sell, v3: httpx.Client) -> None:
    top = v3.get("/deals/stream", params={"position": "top"}).json()
    assert top["items"] == [] and top["meta"]["top"] is True
    person = sell.contact()
    made = [sell.deal(person["id"], name=f"Deal {i}")["id"] for i in range(5)]
    seen: list[int] = []
    position = top["meta"]["position"]
    while True:
        body = v3.get("/deals/stream", params={"position": position, "limit": 2}).json()
        assert len(body["items"]) <= 2
        seen += [e["data"]["id"] for e in body["items"]]
        position = body["meta"]["position"]
        if body["meta"]["top"]:
            break
    assert seen == made


def test_cascades_and_conversions_are_events_too(sell: Sell, v3: httpx.Client) -> None:
    _, notes_at = walk(v3, "notes")
    _, leads_at = walk(v3, "leads")
    person = sell.contact()
    note = sell.create(
        "/notes", {"content": "x", "resource_type": "contact", "resource_id": person["id"]}
    )
    sell.delete(f"/contacts/{person['id']}")  # its notes go with it
    notes, _ = walk(v3, "notes", notes_at)
    assert [(e["data"]["id"], e["meta"]["event_type"]) for e in notes] == [
        (note["id"], "created"),
        (note["id"], "deleted"),
    ]
    lead = sell.create("/leads", {"last_name": "Converted"})
    sell.create("/lead_conversions", {"lead_id": lead["id"], "create_deal": False})
    leads, _ = walk(v3, "leads", leads_at)
    assert [e["meta"]["event_type"] for e in leads] == ["created", "deleted"]


def test_streams_are_per_account(
    zendesk_sell_mock: RunningMock, sell: Sell, v3: httpx.Client
) -> None:
    _, position = walk(v3, "contacts")
    sell.create("/contacts", {"last_name": "Elsewhere"}, as_="other")
    assert walk(v3, "contacts", position)[0] == []


def test_positions_limits_and_access(sell: Sell, v3: httpx.Client) -> None:
    assert v3.get("/contacts/stream").status_code == 400  # position is required
    for params in ({"position": "tail", "limit": 0}, {"position": "tail", "limit": 101}):
        response = v3.get("/contacts/stream", params=params)
        assert (response.status_code, error_of(response)["code"]) == (400, "invalid_param")
    deals = v3.get("/deals/stream", params={"position": "top"}).json()["meta"]["position"]
    response = v3.get("/contacts/stream", params={"position": deals})
    assert response.status_code == 400  # a position of another stream
    old = base64.urlsafe_b64encode(b"firehose.contacts.by_account,0,1000").decode()
    assert v3.get("/contacts/stream", params={"position": old}).status_code == 410
    assert v3.get("/documents/stream", params={"position": "tail"}).json()["meta"]["top"]
    assert v3.get("/nothing/stream", params={"position": "tail"}).status_code == 404
    member = v3.get(
        "/contacts/stream",
        params={"position": "tail"},
        headers={"Authorization": f"Bearer {sell.token('member')}"},
    )
    assert (member.status_code, error_of(member)["code"]) == (403, "forbidden")
    anonymous = v3.get(
        "/contacts/stream", params={"position": "tail"}, headers={"Authorization": ""}
    )
    assert (anonymous.status_code, error_of(anonymous)["code"]) == (401, "unauthorized")
