"""The dashboard activity stream as an authenticated RSS 2.0 feed (fact sheet §4).

The vendor only said the stream "is available to each user through an authenticated RSS feed";
its address, auth, item fields and RSS version were never published. Everything here is the
fact sheet's recommendation, all [INFERRED]: a configurable path, RSS 2.0 items with `title`,
`link`, `description`, `pubDate` and `guid`, plus `author` (who did it) and a `category` naming
the action. Events are stored in the shared Store (kind "activity", one sequence per account)
and the XML is produced by a real feed library (feedgen), not by string templates.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]

from ..core.accounts import User
from ..core.store import Filter, Order, Record, Store
from .contacts import display_name

KIND = "activity"
Action = Literal["created", "updated", "deleted"]

# Characters XML 1.0 cannot carry at all; lxml refuses them, so they are replaced, not sent.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def record_event(
    store: Store,
    user: User,
    action: Action,
    contact: Mapping[str, Any],
    at: str,
    changed: Iterable[str] = (),
) -> Record:
    """Store one activity event (call inside the transaction of the write it describes).

    The contact's owner and visibility are copied into the event, so who may see it in the feed
    is decided by the contact as it was then, and still works after the contact is deleted.
    """
    return store.insert(
        user.account,
        KIND,
        {
            "action": action,
            "contact_id": contact["id"],
            "contact_type": contact.get("type"),
            "contact_name": display_name(contact),
            "owner_id": contact.get("owner_id"),
            "visibility": contact.get("visibility"),
            "actor_id": user.id,
            "actor_name": user.name,
            "actor_email": user.email,
            "changed": list(changed),
            "at": at,
        },
    )


def recent_events(store: Store, user: User, *, see_all: bool, limit: int) -> list[Record]:
    """The newest `limit` events the user may see, newest first (ordered by id: timestamps tie)."""
    newest = (Order("id", descending=True),)
    if see_all:
        return store.query(user.account, KIND, order=newest, limit=limit)
    # Shared events, or private ones of the user's own contacts: two indexed queries merged,
    # since the store's filters are conjunctions only.
    shared = store.query(user.account, KIND, [Filter("visibility", "!=", "private")], newest, limit)
    own = store.query(
        user.account,
        KIND,
        [Filter("visibility", "=", "private"), Filter("owner_id", "=", user.id)],
        newest,
        limit,
    )
    merged = heapq.merge(shared, own, key=lambda event: -int(event["id"]))
    return [event for _, event in zip(range(limit), merged, strict=False)]


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp).astimezone(UTC)


def render_rss(
    events: Sequence[Record],
    *,
    account: str,
    account_name: str,
    site_url: str,
    feed_url: str,
    contact_url: str,
    list_url: str,
) -> bytes:
    """RSS 2.0 for `events` (already newest first).

    An item links to its contact (`contact_url` has an `{id}` placeholder); a deletion links to
    the contact list instead, since the contact's own URL now answers 404.
    """
    fg = FeedGenerator()
    fg.title(_xml(f"{account_name}: activity stream"))
    # feedgen takes the channel's <link> from the last link added, so the site goes last; the
    # self link is rendered as <atom:link rel="self">, as RSS 2.0 best practice asks.
    fg.link(href=feed_url, rel="self", type="application/rss+xml")
    fg.link(href=site_url, rel="alternate")
    fg.description(_xml(f"Recent contact activity in the {account_name} Bantam Live account"))
    fg.language("en")
    fg.generator("crm-mock bantam-live")
    fg.lastBuildDate(_when(events[0]["at"]) if events else datetime.now(UTC))
    for event in events:
        actor, name = event["actor_name"], event["contact_name"]
        kind = "company" if event.get("contact_type") == "Organization" else "person"
        details = f"{actor} {event['action']} the {kind} {name} (#{event['contact_id']})"
        if event.get("changed"):
            details += ": changed " + ", ".join(event["changed"])
        entry = fg.add_entry(order="append")  # `events` is already newest first
        entry.title(_xml(f"{actor} {event['action']} {name}"))
        gone = event["action"] == "deleted"
        entry.link(href=list_url if gone else contact_url.format(id=event["contact_id"]))
        entry.description(_xml(details + "."))
        entry.guid(f"tag:bantamlive.com,2011:{account}/activity/{event['id']}", permalink=False)
        entry.pubDate(_when(event["at"]))
        entry.author({"name": _xml(actor), "email": _xml(event["actor_email"])})
        entry.category({"term": event["action"]})
    xml = fg.rss_str(pretty=True)
    assert isinstance(xml, bytes)
    return xml
