"""Answers computed from the store, kept until the store's next write.

A GET-by-id answer is a function of the stored data and of who asks (and, for some vendors, of
the clock: those answers are not kept). A vendor keeps the encoded answer under a key naming
the caller and the record, and serves it again while `Store.version()` has not moved; any
write, by any request, a reset or another process on a --db file, drops every kept answer at
once. Nothing is invalidated by hand, so no write path can be forgotten.

An answer is kept only if the store did not move while it was being computed (`mark()` before,
`put(..., mark)` after), so a write from another thread in between never leaves an answer that
predates it.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

from .options import Option
from .store import Store

Value = TypeVar("Value")

#: the option of the vendors that keep answers (off: every read is computed afresh)
READ_MEMO_OPTION = Option(
    "read_memo",
    bool,
    True,
    "keep each GET-by-id answer until the next write to the store (false: compute every read)",
)

MAX_ENTRIES = 4096


class UntilWrite(Generic[Value]):
    def __init__(self, store: Store, *, enabled: bool = True, max_entries: int = MAX_ENTRIES):
        self.store = store
        self.enabled = enabled
        self.max_entries = max_entries
        self._entries: dict[Hashable, Value] = {}
        self._version: Hashable = store.version()
        #: answers served from the memo (tests prove with it that the memo was used)
        self.hits = 0

    def __repr__(self) -> str:  # the keys name callers: never shown
        return f"<UntilWrite of {len(self._entries)} answers>"

    def get(self, key: Hashable) -> Value | None:
        """The answer kept under `key`, if the store has not been written since."""
        if not self.enabled:
            return None
        version = self.store.version()
        if version != self._version:
            self._entries.clear()
            self._version = version
            return None
        value = self._entries.get(key)
        if value is not None:
            self.hits += 1
        return value

    def mark(self) -> Hashable:
        """The store's version before an answer is computed (for `put`)."""
        return self.store.version()

    def put(self, key: Hashable, value: Value, mark: Hashable) -> None:
        """Keep an answer computed since `mark`, unless the store was written meanwhile."""
        if not self.enabled:
            return
        version = self.store.version()
        if version != mark:
            return
        if version != self._version:
            self._entries.clear()
            self._version = version
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = value
