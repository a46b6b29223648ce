"""The Firehose API v3 (companion fact sheet §3): per-resource event streams read by position.

Every create, update and delete the mock stores goes through `Data`, which calls `record` in the
same transaction as the write (next to the Sync change log): an acknowledged write always has
its event, a rolled-back one never does. Events are numbered per account by one sequence, so a
stream is "the account's events of one resource type in number order"; a position is the number
of the last event a reader has seen, wrapped in an opaque token. Each event keeps the record's
snapshot at that moment, and an update the old values of the fields it changed
(`meta.previous`); a delete repeats the last snapshot (the deleted-event payload is not
documented, §3.2).

Retention is 72 hours of history (§3.1): `tail` starts at the oldest event younger than that,
and a position token issued before the window → 410.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..core.store import Filter, Order, Store
from .errors import SellError, invalid_param
from .values import iso, now

if TYPE_CHECKING:
    from .data import Data

EVENT = "_firehose_event"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
DEFAULT_RETENTION = 72 * 3600  # seconds (§3.1)

# store kind -> (stream path segment, meta.type): the 20 documented streams the mock has data
# for; appointments, collaboration_requests and documents have no records here (empty streams)
STREAMS: dict[str, tuple[str, str]] = {
    "associated_contact": ("associated_contacts", "associated_contact"),
    "call": ("calls", "call"),
    "collaboration": ("collaborations", "collaboration"),
    "contact": ("contacts", "contact"),
    "deal": ("deals", "deal"),
    "lead": ("leads", "lead"),
    "line_item": ("line_items", "line_item"),
    "loss_reason": ("loss_reasons", "loss_reason"),
    "note": ("notes", "note"),
    "order": ("orders", "order"),
    "product": ("products", "product"),
    "deal_source": ("sources", "source"),
    "stage": ("stages", "stage"),
    "tag": ("tags", "tag"),
    "task": ("tasks", "task"),
    "user": ("users", "user"),
    "visit": ("visits", "visit"),
}
EMPTY_STREAMS = {
    "appointments": "appointment",
    "collaboration_requests": "collaboration_request",
    "documents": "document",
}
STREAM_TYPES = {stream: type_ for stream, type_ in STREAMS.values()} | EMPTY_STREAMS
KIND_OF_STREAM = {stream: kind for kind, (stream, _) in STREAMS.items()}

Present = Callable[[str, dict[str, Any]], dict[str, Any]]


def ensure_indexes(store: Store) -> None:
    store.ensure_index(EVENT, ["stream", "record_id"])  # a record's last event (its sequence)
    store.ensure_index(EVENT, ["stream"])  # a stream in event order (the index ends in the id)


def record(data: Data, kind: str, record_id: int, event: str) -> None:
    """Append the event of one write (called by `Data` inside the write's transaction)."""
    stream = STREAMS.get(kind)
    if stream is None:
        return
    name, type_ = stream
    last = last_event(data, name, record_id)
    snapshot = data.get(kind, record_id) if event != "deleted" else None
    if snapshot is None:
        snapshot = last["snapshot"] if last else {"id": record_id}
    doc: dict[str, Any] = {
        "stream": name,
        "type": type_,
        "record_id": record_id,
        "sequence": (last["sequence"] + 1) if last else 1,
        "event_type": event,
        "event_id": base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("="),
        "event_time": now(),
        "snapshot": snapshot,
    }
    if event == "updated" and last is not None:
        old = last["snapshot"]
        doc["previous"] = {k: old.get(k) for k in snapshot if old.get(k) != snapshot.get(k)}
    data.store.insert(data.account, EVENT, doc)


def last_event(data: Data, stream: str, record_id: int) -> dict[str, Any] | None:
    rows = data.store.query(
        data.account,
        EVENT,
        [Filter("stream", "=", stream), Filter("record_id", "=", record_id)],
        [Order("id", descending=True)],
        limit=1,
        index=["stream", "record_id"],
    )
    return rows[0] if rows else None


def version_of(data: Data, kind: str, record_id: int) -> int:
    """How many times the record was written (the Search API's `version`)."""
    stream = STREAMS.get(kind)
    last = last_event(data, stream[0], record_id) if stream else None
    return int(last["sequence"]) if last else 1


# -- positions -------------------------------------------------------------------------------


def encode_position(stream: str, after: int, issued: float) -> str:
    text = f"firehose.{stream}.by_account,{after},{int(issued)}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_position(stream: str, raw: str, retention: float) -> int:
    """The event number a token continues after; 400 when it is not ours, 410 when too old."""
    try:
        text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("ascii")
        name, after, issued = text.split(",")
        after_n, issued_n = int(after), int(issued)
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid_param("position", "must be tail, top or a position token") from None
    if name != f"firehose.{stream}.by_account" or after_n < 0 or len(after) > 19:
        raise invalid_param("position", "is a position of another stream")
    if time.time() - issued_n > retention:
        raise SellError(
            410,
            "gone",
            "The position is older than the stream's 72-hour history; start again from tail.",
        )
    return after_n


def parse_limit(params: Mapping[str, str]) -> int:
    raw = params.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    value = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else 0
    if not 1 <= value <= MAX_LIMIT:
        raise invalid_param("limit", f"must be between 1 and {MAX_LIMIT}")
    return value


def page(
    data: Data,
    stream: str,
    params: Mapping[str, str],
    url: str,
    present: Present,
    retention: float,
) -> dict[str, Any]:
    """One read of a stream: up to `limit` events after the position, oldest first."""
    for key in params:
        if key not in ("position", "limit"):
            raise invalid_param(key, "unknown")
    raw = params.get("position")
    if not raw:
        raise invalid_param("position", "is required: tail, top or a position token")
    limit = parse_limit(params)
    base = [Filter("stream", "=", stream)]
    if raw == "top":
        newest = data.store.query(
            data.account, EVENT, base, [Order("id", descending=True)], limit=1, index=["stream"]
        )
        after = newest[0]["id"] if newest else 0
        return body(stream, [], after, True, url, present)
    if raw == "tail":
        cutoff = iso(datetime.now(UTC) - timedelta(seconds=retention))
        filters = [*base, Filter("event_time", ">=", cutoff)]
        after = 0
    else:
        after = decode_position(stream, raw, retention)
        filters = [*base, Filter("id", ">", after)]
    rows = data.store.query(
        data.account, EVENT, filters, [Order("id")], limit=limit + 1, index=["stream"]
    )
    events = rows[:limit]
    if events:
        after = events[-1]["id"]
    return body(stream, events, after, len(rows) <= limit, url, present)


def body(
    stream: str,
    events: list[dict[str, Any]],
    after: int,
    top: bool,
    url: str,
    present: Present,
) -> dict[str, Any]:
    items = []
    for event in events:
        meta: dict[str, Any] = {
            "event_cause": "interaction",
            "sequence": event["sequence"],
            "event_id": event["event_id"],
            "event_type": event["event_type"],
            "type": event["type"],
            "event_time": event["event_time"],
        }
        if "previous" in event:
            meta["previous"] = event["previous"]
        items.append({"data": present(stream, event["snapshot"]), "meta": meta})
    position = encode_position(stream, after, time.time())
    return {
        "items": items,
        "meta": {"links": {"next": f"{url}?position={position}"}, "position": position, "top": top},
    }
