"""Account-scoped access to the store that keeps the Sync API's change log in step.

Every write the mock makes — through the API, a cascade or the seed — goes through `Data`, so
the Sync queue (§6) sees creates, updates and deletes without each handler remembering to log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.store import Filter, Order, Record, Store
from . import firehose

# store kind -> Sync event type; the types the Java client's sync recognises (§6)
SYNC_TYPES = {
    "account": "account",
    "user": "user",
    "lead": "lead",
    "contact": "contact",
    "associated_contact": "associated_contact",
    "deal": "deal",
    "pipeline": "pipeline",
    "stage": "stage",
    "loss_reason": "loss_reason",
    "deal_source": "source",
    "note": "note",
    "task": "task",
    "tag": "tag",
}
SYNC_KINDS = {v: k for k, v in SYNC_TYPES.items()}
CHANGE = "_sync_change"  # one per (type, record id): its latest revision and event
CHANGE_KEY = ("type", "record_id")  # the change log's lookup index (sync.ensure_indexes)


class Data:
    def __init__(self, store: Store, account: str) -> None:
        self.store = store
        self.account = account

    # -- reads --------------------------------------------------------------------------------

    def get(self, kind: str, record_id: int) -> Record | None:
        return self.store.get(self.account, kind, record_id)

    def query(
        self,
        kind: str,
        filters: Sequence[Filter] = (),
        order: Sequence[Order] = (Order("id"),),
        limit: int | None = None,
        offset: int = 0,
        index: Sequence[str] | None = None,
    ) -> list[Record]:
        return self.store.query(self.account, kind, filters, order, limit, offset, index)

    def first(self, kind: str, filters: Sequence[Filter]) -> Record | None:
        rows = self.query(kind, filters, limit=1)
        return rows[0] if rows else None

    # -- writes -------------------------------------------------------------------------------

    def insert(self, kind: str, doc: dict[str, Any], record_id: int | None = None) -> Record:
        with self.store.transaction():
            created = self.store.insert(self.account, kind, doc, record_id=record_id)
            self._log(kind, created["id"], "created")
        return created

    def replace(self, kind: str, doc: Record) -> Record:
        with self.store.transaction():
            self.store.put(self.account, kind, doc)
            self._log(kind, doc["id"], "updated")
        return doc

    def remove(self, kind: str, record_id: int) -> bool:
        with self.store.transaction():
            gone = self.store.delete(self.account, kind, record_id)
            if gone:
                self._log(kind, record_id, "deleted")
        return gone

    def _log(self, kind: str, record_id: int, event: str) -> None:
        firehose.record(self, kind, record_id, event)  # the Firehose stream, same transaction
        type_ = SYNC_TYPES.get(kind)
        if type_ is None:
            return
        seq = self.store.next_id(self.account, "_sync_seq")
        key = [Filter("type", "=", type_), Filter("record_id", "=", record_id)]
        # pinned to the (type, record_id) index: ordered by id, SQLite would walk the whole log
        found = self.query(CHANGE, key, order=(), limit=1, index=CHANGE_KEY)
        existing = found[0] if found else None
        if existing is None:
            self.store.insert(
                self.account,
                CHANGE,
                {
                    "type": type_,
                    "record_id": record_id,
                    "revision": 1,
                    "seq": seq,
                    "event_type": event,
                },
            )
        else:
            existing.update(revision=existing["revision"] + 1, seq=seq, event_type=event)
            self.store.put(self.account, CHANGE, existing)
