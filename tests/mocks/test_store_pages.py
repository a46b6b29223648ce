"""The store's SQLite page size (issue 13: Sell creates at 100k records).

A new store is made with `store.PAGE_SIZE` pages: at SQLite's default 4 KiB a commit that
followed a B-tree split walked a page-cache hash table as large as the database, so writes slowed
as the store grew (see the comment at `PAGE_SIZE`). Its speed is measured by `make bench`; these
tests hold what must not change with it: a new store, in memory or in a file, gets the size, and
a --db file written before (4 KiB pages) opens with its own page size, data and change log, and
takes writes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crm_mocks.core import store as store_module
from crm_mocks.core.app import build_app, create_vendor
from crm_mocks.core.store import PAGE_SIZE, Store
from crm_mocks.zendesk_sell.data import CHANGE, Data
from crm_mocks.zendesk_sell.firehose import EVENT
from crm_mocks.zendesk_sell.mock import ZendeskSellMock


def _page_size(db: Path) -> int:
    with sqlite3.connect(db) as raw:
        return int(raw.execute("PRAGMA page_size").fetchone()[0])


def test_a_new_store_uses_the_larger_pages_in_memory_and_in_a_file(tmp_path: Path) -> None:
    assert PAGE_SIZE > 4096  # SQLite's default, the size that slowed large stores down
    memory = Store()
    assert memory._db.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    memory.close()
    path = tmp_path / "new.db"
    Store(str(path)).close()
    assert _page_size(path) == PAGE_SIZE


def test_a_db_file_with_default_pages_still_opens_keeps_its_data_and_takes_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "older.db"
    # a file as the store wrote it before PAGE_SIZE (SQLite's default page size)
    with monkeypatch.context() as m:
        m.setattr(store_module, "PAGE_SIZE", 4096)
        old = create_vendor(ZendeskSellMock, db=str(path))
        build_app(old)
        account = old.user("demo").account
        first = Data(old.store, account).insert("contact", {"name": "Before", "tags": []})
        before = {kind: old.store.count(account, kind) for kind in ("contact", CHANGE, EVENT)}
        old.store.checkpoint()
        old.store.close()
    assert _page_size(path) == 4096

    vendor = create_vendor(ZendeskSellMock, db=str(path))
    build_app(vendor)
    assert _page_size(path) == 4096  # an existing file keeps its own size
    data = Data(vendor.store, account)
    assert data.get("contact", first["id"]) == first
    assert {kind: vendor.store.count(account, kind) for kind in before} == before
    second = data.insert("contact", {"name": "After", "tags": []})
    assert second["id"] > first["id"]
    assert vendor.store.count(account, "contact") == before["contact"] + 1
    assert vendor.store.count(account, CHANGE) == before[CHANGE] + 1
    assert vendor.store.count(account, EVENT) == before[EVENT] + 1
    assert vendor.store._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    vendor.store.close()
