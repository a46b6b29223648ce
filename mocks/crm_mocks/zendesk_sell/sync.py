"""The Sync API (fact sheet §6): sessions, the `main` queue and acknowledgements.

State per account: the change log (`data.CHANGE`, one entry per record with its latest revision),
per device the revisions it acknowledged (`_sync_ack`), and open sessions (`_sync_session`)
holding the snapshot of what was pending when they started. A device sees a record again only
when it changed after the revision it acknowledged; the queue always serves the record's
current state ("only the freshest state", §6), and a record deleted meanwhile as `deleted`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from ..core.store import Filter, Order, Store
from .data import CHANGE, CHANGE_KEY, SYNC_KINDS, Data
from .errors import SellError, unknown_attribute

ACK = "_sync_ack"
SESSION = "_sync_session"
PAGE_SIZE = 100
DEVICE_HEADER = "x-basecrm-device-uuid"
ACK_KEY = re.compile(r"^([A-Za-z]+)-([0-9]{1,18})-([0-9]{1,18})$")

Present = Callable[[str, dict[str, Any]], dict[str, Any]]


def ensure_indexes(store: Store) -> None:
    store.ensure_index(CHANGE, list(CHANGE_KEY))
    store.ensure_index(CHANGE, ["seq"])
    store.ensure_index(ACK, ["device", "key"])
    store.ensure_index(SESSION, ["session_id"])
    store.ensure_index(SESSION, ["device"])


def camel(type_: str) -> str:
    return "".join(part.capitalize() for part in type_.split("_"))


TYPE_OF_CAMEL = {camel(t): t for t in SYNC_KINDS}


def ack_key(type_: str, record_id: int, revision: int) -> str:
    return f"{camel(type_)}-{record_id}-{revision}"


def device_of(headers: Any) -> str:
    # Clients send a UUID they generated, but any value names a device: nothing documents a
    # format check (§6). A blank value is no value (HTTP trims a field value's whitespace).
    device = (headers.get(DEVICE_HEADER) or "").strip()
    if not device:
        raise SellError(
            400, "invalid_header", "The X-Basecrm-Device-UUID header is required by the Sync API."
        )
    return device


def start(data: Data, device: str) -> dict[str, Any] | None:
    """Open a session for the device: its snapshot, or None when nothing is pending."""
    acked = {
        a["key"]: a["revision"] for a in data.query(ACK, [Filter("device", "=", device)], order=())
    }
    pending = []
    for change in data.query(CHANGE, order=[Order("seq")]):
        key = f"{change['type']}:{change['record_id']}"
        if acked.get(key, 0) >= change["revision"]:
            continue
        if change["event_type"] == "deleted" and key not in acked:
            continue  # created and deleted before this device ever saw it
        pending.append(
            [change["type"], change["record_id"], change["revision"], change["event_type"]]
        )
    with data.store.transaction():
        for old in data.query(SESSION, [Filter("device", "=", device)], order=()):
            data.store.delete(data.account, SESSION, old["id"])  # one session per device
        if not pending:
            return None
        return data.store.insert(
            data.account,
            SESSION,
            {"session_id": str(uuid.uuid4()), "device": device, "pending": pending, "cursor": 0},
        )


def session_body(session: dict[str, Any], base_url: str) -> dict[str, Any]:
    total = len(session["pending"])
    queue_url = f"{base_url}/v2/sync/{session['session_id']}/queues/main"
    return {
        "data": {
            "id": session["session_id"],
            "queues": [
                {
                    "data": {"name": "main", "pages": -(-total // PAGE_SIZE), "total_count": total},
                    "meta": {"type": "sync_queue", "links": {"self": queue_url}},
                }
            ],
        },
        "meta": {"type": "sync_session"},
    }


def next_page(data: Data, device: str, session_id: str, present: Present) -> dict[str, Any] | None:
    """The next page of the session's queue, or None when it is drained (the session ends)."""
    session = data.first(SESSION, [Filter("session_id", "=", session_id)])
    if session is None or session["device"] != device:
        raise SellError(404, "not_found", "The sync session could not be found.")
    cursor = session["cursor"]
    page = session["pending"][cursor : cursor + PAGE_SIZE]
    with data.store.transaction():
        if not page:
            data.store.delete(data.account, SESSION, session["id"])
            return None
        session["cursor"] = cursor + len(page)
        data.store.put(data.account, SESSION, session)
    items = []
    for type_, record_id, revision, event in page:
        current = data.get(SYNC_KINDS[type_], record_id)
        if current is None or event == "deleted":
            event, body = "deleted", {"id": record_id}
        else:
            body = present(type_, current)
        items.append(
            {
                "data": body,
                "meta": {
                    "type": type_,
                    "sync": {
                        "event_type": event,
                        "ack_key": ack_key(type_, record_id, revision),
                        "revision": revision,
                    },
                },
            }
        )
    left = len(session["pending"]) - session["cursor"]
    return {"items": items, "meta": {"type": "collection", "count": len(items), "count_left": left}}


def parse_ack_keys(data: dict[str, Any]) -> list[tuple[str, int, int]]:
    """The keys of `{"ack_keys": [...]}` that name a queue item this mock can have issued.

    Ack keys are opaque to clients (they echo `meta.sync.ack_key`); nothing documents an error
    for one the server does not know (§6), so such keys acknowledge nothing and are skipped.
    """
    extra = [k for k in data if k != "ack_keys"]
    if extra:
        raise unknown_attribute(extra[0], "sync")
    keys = data.get("ack_keys")
    if not isinstance(keys, list):
        raise SellError(
            422,
            "missing" if keys is None else "invalid_type",
            "The attribute '/data/ack_keys' must be an array.",
            resource="sync",
            field="/data/ack_keys",
        )
    parsed = []
    for i, key in enumerate(keys):
        if not isinstance(key, str) or not key:
            raise SellError(
                422,
                "invalid_type",
                f"The attribute '/data/ack_keys/{i}' must be a non-empty string.",
                resource="sync",
                field=f"/data/ack_keys/{i}",
            )
        match = ACK_KEY.match(key)
        if match is not None and match.group(1) in TYPE_OF_CAMEL:
            parsed.append((TYPE_OF_CAMEL[match.group(1)], int(match.group(2)), int(match.group(3))))
    return parsed


def ack(data: Data, device: str, keys: list[tuple[str, int, int]]) -> None:
    with data.store.transaction():
        for type_, record_id, revision in keys:
            key = f"{type_}:{record_id}"
            found = data.first(ACK, [Filter("device", "=", device), Filter("key", "=", key)])
            if found is None:
                data.store.insert(
                    data.account, ACK, {"device": device, "key": key, "revision": revision}
                )
            elif revision > found["revision"]:
                found["revision"] = revision
                data.store.put(data.account, ACK, found)
