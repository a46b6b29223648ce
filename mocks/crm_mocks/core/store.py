"""SQLite document store shared by every vendor mock.

Records are JSON documents keyed by (account, kind, id). Every vendor keeps its data in the same
table so reset, persistence and isolation work once for all of them; a vendor that needs fast
filtered/sorted listing declares expression indexes on the JSON fields it queries
(`Store.ensure_index`), and the queries below are written so SQLite can use them.

Those indexes are partial, one per kind (`... WHERE kind = 'contact'`): an insert then updates
only its own kind's indexes, not every index of every kind in the table (a Sell insert touched
54 of them). The kind is written into the SQL as a literal so the planner can match a query to a
partial index. Counting a whole kind reads a per-(account, kind) counter kept by triggers, and a
`contains` filter on a JSON array can be served by a member index (`ensure_member_index`), so no
per-request lookup walks every record of a kind.

The store is used from one event-loop thread per server, but tests and the benchmark may touch
it from another thread (the fixture's reset), so every operation holds a lock and every write
runs in a transaction: a request either commits completely or leaves no trace.
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from json.scanner import c_make_scanner  # type: ignore[attr-defined]
from typing import Any, Literal

Record = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    id      INTEGER NOT NULL,
    data    TEXT NOT NULL,
    PRIMARY KEY (account, kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (
    account TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   INTEGER NOT NULL,
    PRIMARY KEY (account, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- rows per (account, kind), kept by triggers: count() of a whole kind without a scan
CREATE TABLE IF NOT EXISTS kind_counts (
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (account, kind)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS kind_counts_insert AFTER INSERT ON records BEGIN
    INSERT INTO kind_counts(account, kind, n) VALUES (new.account, new.kind, 1)
    ON CONFLICT(account, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS kind_counts_delete AFTER DELETE ON records BEGIN
    UPDATE kind_counts SET n = n - 1 WHERE account = old.account AND kind = old.kind;
END;
-- members of JSON array fields named by ensure_member_index, kept by per-kind triggers
CREATE TABLE IF NOT EXISTS members (
    account TEXT NOT NULL,
    kind    TEXT NOT NULL,
    path    TEXT NOT NULL,
    value,              -- no declared type: no affinity, compared as json_each gives it
    id      INTEGER NOT NULL,
    PRIMARY KEY (account, kind, path, value, id)
) WITHOUT ROWID;
"""
# A store file written before kind_counts existed gets its counts once, on opening.
_BACKFILL_COUNTS = """
INSERT INTO kind_counts(account, kind, n)
SELECT account, kind, count(*) FROM records GROUP BY account, kind
"""

# JSON paths are interpolated into SQL (SQLite cannot use an expression index when the path is a
# bound parameter), so they are restricted to plain dotted identifiers.
_JSON_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# Kinds are written into SQL as literals too (partial indexes match only literal terms).
_KIND = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Operator = Literal["=", "!=", "<", "<=", ">", ">=", "like", "in", "contains"]


_MAX_SHAPES = 4096

# SQLite page size of a new store. At 4 KiB a large store made every write slower as it grew:
# when a B-tree balance reorders sibling pages, SQLite renumbers one through the pending-byte
# page (page 262,145 at 4 KiB) and the commit then walks the page cache's hash table, which is
# as large as the database (measured: COMMIT of a Sell create 7 us empty, 107-148 us at 100k
# contacts). 8 KiB pages halve both the pages (the walk) and the splits (how often it happens):
# a Sell create then costs about the same at 100k contacts as on an empty mock.
PAGE_SIZE = 8192


@dataclass(frozen=True)
class Filter:
    """One condition on a JSON field. `contains` matches a member of a JSON array field."""

    path: str
    op: Operator
    value: Any


@dataclass(frozen=True)
class AnyOf:
    """Matches when any of its conditions does (an empty AnyOf matches nothing)."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    """Matches when all of its conditions do (for an AllOf nested in an AnyOf or Not)."""

    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """Matches when its condition does not (NULL counts as not matching the condition)."""

    condition: Condition


# A boolean tree of filters, for query languages with `or`/`not` (Zendesk Sell's Search API)
Condition = Filter | AnyOf | AllOf | Not


@dataclass(frozen=True)
class Order:
    path: str
    descending: bool = False


@functools.lru_cache(maxsize=1024)
def _index_name(kind: str, paths: tuple[str, ...]) -> str:
    return "ix_" + re.sub(r"\W", "_", kind + "_" + "_".join(paths))


@functools.lru_cache(maxsize=1024)
def _kind(kind: str) -> str:
    """`kind` as an SQL string literal (checked once per kind: this runs on every query)."""
    if not _KIND.match(kind):
        raise ValueError(f"unsupported kind {kind!r}")
    return f"'{kind}'"


def _record(data: str) -> Record:
    """A stored record: always a JSON object, parsed into a new dict (no copy needed)."""
    record: Record
    if _scan is not None:
        # what JSONDecoder.decode does for text without surrounding whitespace (the store
        # writes none), minus its Python-level wrappers: a listing page parses 100 records
        try:
            record, end = _scan(data, 0)
            if end == len(data):
                return record
        except StopIteration:
            pass  # not JSON at its start: decode below raises the usual error
    record = _DECODE(data)
    return record


_DECODER = json.JSONDecoder()
_DECODE = _DECODER.decode
_scan: Callable[[str, int], tuple[Any, int]] | None = (
    None if c_make_scanner is None else c_make_scanner(_DECODER)
)


def _id_of(record: Record) -> Any:
    return record["id"]


def _expr(path: str) -> str:
    if path == "id":
        return "id"
    if not _JSON_PATH.match(path):
        raise ValueError(f"unsupported JSON path {path!r}")
    return f"json_extract(data, '$.{path}')"


class Store:
    """A JSON document store on one SQLite connection (in memory unless a file is given)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        # isolation_level=None: we issue BEGIN/COMMIT ourselves so one request = one transaction.
        self._db = sqlite3.connect(
            path or ":memory:", check_same_thread=False, isolation_level=None
        )
        self._lock = threading.RLock()
        self._depth = 0
        # Before anything creates the file's first page (an existing file keeps its own size).
        self._db.execute(f"PRAGMA page_size={PAGE_SIZE}")
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._db.executescript(_SCHEMA)
            if self._db.execute("SELECT 1 FROM kind_counts LIMIT 1").fetchone() is None:
                self._db.execute(_BACKFILL_COUNTS)
        self._indexes: list[tuple[str, tuple[str, ...]]] = []
        self._by_kind: dict[str, list[tuple[str, ...]]] = {}  # kind -> its indexes' paths
        # (kind, path) pairs whose array members are indexed in `members`
        self._members: set[tuple[str, str]] = set()
        # SQL of queries made of plain filters, by their shape (see _select); the index lists
        # above decide that SQL, so changing them empties this
        self._sql_by_shape: dict[Hashable, str] = {}
        # query_each's compound statements, by the SQL of their parts
        self._each_sql: dict[tuple[str, ...], str] = {}

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run a block atomically; nested blocks join the outer transaction."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._db.execute("COMMIT")

    def version(self) -> Hashable:
        """A value that changes with every write to the stored data: what `core.memo` keeps
        answers under. SQLite counts the rows each statement of this connection changes (a
        rolled-back write counts too, which only drops a memo early); a --db file may also be
        written by another process, whose commits move the file's `data_version`."""
        if not self.path:
            return self._db.total_changes
        with self._lock:
            version = self._db.execute("PRAGMA data_version").fetchone()[0]
            return (self._db.total_changes, version)

    # -- schema -----------------------------------------------------------------------------

    def ensure_index(self, kind: str, paths: Sequence[str]) -> None:
        """Index records of `kind` on JSON fields, for filters/sorts that must not scan.

        The index is partial (only rows of `kind`), so writes of other kinds never touch it.
        """
        cols = ", ".join(_expr(p) for p in paths)
        name = _index_name(kind, tuple(paths))
        where = f"kind = {_kind(kind)}"
        with self._lock:
            row = self._db.execute(
                "SELECT sql FROM sqlite_master WHERE type='index' AND name=?", (name,)
            ).fetchone()
            if row is not None and where not in str(row[0]):
                self._db.execute(f"DROP INDEX {name}")  # a whole-table index of an older file
            self._db.execute(
                # kind leads, though constant: the index then ends in the primary key's id, so
                # it serves `ORDER BY <field>, id` without a sort
                f"CREATE INDEX IF NOT EXISTS {name} ON records(kind, account, {cols}) WHERE {where}"
            )
            self._sql_by_shape.clear()
            self._each_sql.clear()
            self._indexes.append((kind, tuple(paths)))
            known = self._by_kind.setdefault(kind, [])
            if tuple(paths) not in known:
                known.append(tuple(paths))

    def ensure_member_index(self, kind: str, path: str) -> None:
        """Index the members of the JSON array at `path` in records of `kind`, so a
        `Filter(path, "contains", value)` is a lookup instead of a walk of the kind.

        Triggers keep the `members` table in step with every insert, update and delete.
        """
        if path == "id" or not _JSON_PATH.match(path):
            raise ValueError(f"unsupported JSON path {path!r}")
        lit = _kind(kind)
        name = re.sub(r"\W", "_", f"{kind}_{path}")
        # exactly the rows the unindexed filter's json_each would see (a scalar is its own
        # single member, as there)
        rows = (
            f"SELECT new.account, new.kind, '{path}', value, new.id "
            f"FROM json_each(new.data, '$.{path}')"
        )
        forget = (
            f"DELETE FROM members WHERE account = old.account AND kind = old.kind "
            f"AND path = '{path}' AND id = old.id"
        )
        with self.transaction():
            known = self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type='trigger' AND name=?",
                (f"mi_{name}_insert",),
            ).fetchone()
            for statement in (
                f"CREATE TRIGGER IF NOT EXISTS mi_{name}_insert AFTER INSERT ON records "
                f"WHEN new.kind = {lit} BEGIN INSERT OR IGNORE INTO members {rows}; END",
                f"CREATE TRIGGER IF NOT EXISTS mi_{name}_update AFTER UPDATE ON records "
                f"WHEN new.kind = {lit} BEGIN {forget}; "
                f"INSERT OR IGNORE INTO members {rows}; END",
                f"CREATE TRIGGER IF NOT EXISTS mi_{name}_delete AFTER DELETE ON records "
                f"WHEN old.kind = {lit} BEGIN {forget}; END",
            ):
                self._db.execute(statement)
            if known is None:  # records stored before the triggers (an older --db file)
                self._db.execute(
                    "INSERT OR IGNORE INTO members SELECT r.account, r.kind, ?, j.value, r.id "
                    f"FROM records AS r, json_each(r.data, '$.{path}') AS j WHERE r.kind = {lit}",
                    (path,),
                )
            self._sql_by_shape.clear()
            self._each_sql.clear()
            self._members.add((kind, path))

    # -- sequences --------------------------------------------------------------------------

    def next_id(self, account: str, sequence: str, start: int = 1) -> int:
        with self.transaction():
            row = self._db.execute(
                "SELECT value FROM sequences WHERE account=? AND name=?", (account, sequence)
            ).fetchone()
            value = start if row is None else row[0] + 1
            self._db.execute(
                "INSERT INTO sequences(account, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT(account, name) DO UPDATE SET value=excluded.value",
                (account, sequence, value),
            )
            return int(value)

    # -- records ----------------------------------------------------------------------------

    def insert(
        self,
        account: str,
        kind: str,
        data: Record,
        *,
        sequence: str | None = None,
        record_id: int | None = None,
    ) -> Record:
        """Store a new record, assigning `id` from `sequence` (default: the kind's own).

        `record_id` stores it under a given id instead (seed data that reproduces a vendor's
        documented ids, or ids drawn from a sequence kept elsewhere); the caller keeps it unique.
        """
        with self.transaction():
            if record_id is None:
                record_id = self.next_id(account, sequence or kind)
            record = {"id": record_id, **{k: v for k, v in data.items() if k != "id"}}
            self._db.execute(
                "INSERT INTO records(account, kind, id, data) VALUES (?, ?, ?, ?)",
                (account, kind, record_id, json.dumps(record)),
            )
            return record

    def insert_many(self, account: str, kind: str, rows: Sequence[Record]) -> None:
        """Bulk insert with ids from the kind's sequence (used to seed benchmarks)."""
        with self.transaction():
            first = self.next_id(account, kind)
            ids = range(first, first + len(rows))
            self._db.execute(
                "UPDATE sequences SET value=? WHERE account=? AND name=?",
                (first + len(rows) - 1, account, kind),
            )
            self._db.executemany(
                "INSERT INTO records(account, kind, id, data) VALUES (?, ?, ?, ?)",
                (
                    (account, kind, i, json.dumps({"id": i, **row}))
                    for i, row in zip(ids, rows, strict=True)
                ),
            )

    def get(self, account: str, kind: str, record_id: int) -> Record | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM records WHERE account=? AND kind=? AND id=?",
                (account, kind, record_id),
            ).fetchone()
        return None if row is None else _record(row[0])

    def put(self, account: str, kind: str, record: Record) -> Record:
        """Replace a stored record (its `id` says which)."""
        with self.transaction():
            cur = self._db.execute(
                "UPDATE records SET data=? WHERE account=? AND kind=? AND id=?",
                (json.dumps(record), account, kind, record["id"]),
            )
            if cur.rowcount != 1:
                raise KeyError(f"{kind} {record['id']} does not exist")
        return record

    def delete(self, account: str, kind: str, record_id: int) -> bool:
        with self.transaction():
            cur = self._db.execute(
                "DELETE FROM records WHERE account=? AND kind=? AND id=?",
                (account, kind, record_id),
            )
            return cur.rowcount == 1

    def _where(
        self, account: str, kind: str, filters: Sequence[Condition]
    ) -> tuple[str, list[Any]]:
        # the kind is a literal so SQLite can pick the kind's partial indexes
        clauses, args = [f"kind={_kind(kind)}", "account=?"], [account]
        for f in filters:
            clause, more = self._clause(account, kind, f)
            clauses.append(clause)
            args.extend(more)
        return " AND ".join(clauses), args

    def _clause(self, account: str, kind: str, f: Condition) -> tuple[str, list[Any]]:
        if isinstance(f, AnyOf | AllOf):
            if not f.conditions:
                return ("0" if isinstance(f, AnyOf) else "1"), []
            parts = [self._clause(account, kind, c) for c in f.conditions]
            joiner = " OR " if isinstance(f, AnyOf) else " AND "
            return "(" + joiner.join(p[0] for p in parts) + ")", [a for p in parts for a in p[1]]
        if isinstance(f, Not):
            inner, args = self._clause(account, kind, f.condition)
            return f"NOT coalesce({inner}, 0)", args
        expr = _expr(f.path)
        if f.op == "in":
            values = list(f.value)
            if not values:
                return "0", []
            return f"{expr} IN ({', '.join('?' * len(values))})", values
        if f.op == "contains" and (kind, f.path) in self._members:
            return (
                "id IN (SELECT id FROM members WHERE account=? AND kind=? AND path=? AND value=?)",
                [account, kind, f.path, f.value],
            )
        if f.op == "contains":
            path = "$" if f.path == "id" else f"$.{f.path}"
            return f"EXISTS (SELECT 1 FROM json_each(data, '{path}') WHERE value = ?)", [f.value]
        if f.op == "like":
            return f"{expr} LIKE ? ESCAPE '\\'", [f.value]
        if f.value is None and f.op in ("=", "!="):
            return f"{expr} IS {'NOT ' if f.op == '!=' else ''}NULL", []
        return f"{expr} {f.op} ?", [f.value]

    def query(
        self,
        account: str,
        kind: str,
        filters: Sequence[Condition] = (),
        order: Sequence[Order] = (Order("id"),),
        limit: int | None = None,
        offset: int = 0,
        index: Sequence[str] | None = None,
    ) -> list[Record]:
        """Filter, sort and page in SQL (never by loading the whole kind into Python).

        `index` names the paths of an index made by `ensure_index` that the query must use,
        or is empty for none but the primary key (id lists). Without statistics SQLite prefers
        an index that avoids sorting even when a filter's own index would read far fewer rows;
        a caller that knows its data can say which.
        """
        sql, args = self._select(account, kind, filters, order, limit, offset, index)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_record(r[0]) for r in rows]

    def query_each(
        self, account: str, queries: Sequence[tuple[str, Sequence[Condition]]]
    ) -> list[list[Record]]:
        """Several `query(account, kind, filters)` at once, each answer in id order: one
        statement instead of one per query (a Clevertim read derives four lists from four
        kinds, and each statement costs more in Python than SQLite takes to answer it).

        Each part is the very SQL `query` would run (indexes and all), as a subquery.
        """
        if not queries:
            return []
        parts = [
            self._select(account, kind, filters, (Order("id"),), None, 0)
            for kind, filters in queries
        ]
        key = tuple(sql for sql, _ in parts)
        sql = self._each_sql.get(key)
        if sql is None:
            sql = " UNION ALL ".join(
                f"SELECT {i}, data FROM ({part})" for i, part in enumerate(key)
            )
            if len(self._each_sql) >= _MAX_SHAPES:
                self._each_sql.clear()
            self._each_sql[key] = sql
        args = [a for _, part_args in parts for a in part_args]
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        answers: list[list[Record]] = [[] for _ in queries]
        for i, data in rows:
            answers[i].append(_record(data))
        for answer in answers:  # a compound statement promises no order of its own
            answer.sort(key=_id_of)
        return answers

    def _select(
        self,
        account: str,
        kind: str,
        filters: Sequence[Condition],
        order: Sequence[Order],
        limit: int | None,
        offset: int,
        index: Sequence[str] | None = None,
    ) -> tuple[str, list[Any]]:
        # A query of plain filters (no or/not groups, no `in` lists) has SQL that depends only
        # on its shape; building it took about as long as SQLite took to answer a look-up, so
        # it is built once per shape and only the arguments are gathered per call.
        # This runs for every look-up (a Clevertim read makes five), so it is kept tight: the
        # orders join the shape as (path, descending) pairs, not through the dataclass's
        # Python-level hash.
        plain: list[Filter] = []
        for f in filters:
            if not isinstance(f, Filter) or f.op == "in":
                return self._build_select(account, kind, filters, order, limit, offset, index)
            plain.append(f)
        shape = (
            kind,
            tuple([(f.path, f.op, f.value is None) for f in plain]),
            tuple([(o.path, o.descending) for o in order]),
            limit is None,
            None if index is None else tuple(index),
        )
        sql = self._sql_by_shape.get(shape)
        if sql is None:
            sql, args = self._build_select(account, kind, filters, order, limit, offset, index)
            if len(self._sql_by_shape) >= _MAX_SHAPES:  # paths can come from requests
                self._sql_by_shape.clear()
            self._sql_by_shape[shape] = sql
            return sql, args
        # the arguments `_clause` gives each plain filter
        args = [account]
        for f in plain:
            if f.op == "contains" and (kind, f.path) in self._members:
                args += [account, kind, f.path, f.value]
            elif f.value is not None or f.op not in ("=", "!="):
                args.append(f.value)
        if limit is not None:
            args += [limit, offset]
        return sql, args

    def _build_select(
        self,
        account: str,
        kind: str,
        filters: Sequence[Condition],
        order: Sequence[Order],
        limit: int | None,
        offset: int,
        index: Sequence[str] | None = None,
    ) -> tuple[str, list[Any]]:
        if index is None and [o.path for o in order] in (["id"], []):
            index = self._lookup_index(kind, filters)
        where, args = self._where(account, kind, filters)
        order_sql = ", ".join(f"{_expr(o.path)} {'DESC' if o.descending else 'ASC'}" for o in order)
        hint = ""
        if index is not None:
            # the primary key of a WITHOUT ROWID table is itself an index with SQLite's fixed
            # automatic name (NOT INDEXED would still let the planner pick a secondary index)
            name = _index_name(kind, tuple(index)) if index else "sqlite_autoindex_records_1"
            hint = f" INDEXED BY {name}"
        sql = f"SELECT data FROM records{hint} WHERE {where} ORDER BY {order_sql or 'id'}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return sql, args

    def _lookup_index(self, kind: str, filters: Sequence[Condition]) -> tuple[str, ...] | None:
        """For a query in id order without an index named: the index whose leading fields the
        filters pin with `=` the furthest (None if none does). SQLite, without statistics,
        walks the whole kind in primary-key order for such a query even when an index would
        read only the few matching rows (a Sell contact's delete walked every contact three
        times); equality filters are look-ups, so their index is the right choice."""
        # only top-level equality filters pin a field (and/or/not groups never do)
        pinned = {
            f.path for f in filters if isinstance(f, Filter) and f.op == "=" and f.value is not None
        }
        best: tuple[str, ...] | None = None
        best_depth = 0
        if not pinned:
            return None
        for paths in self._by_kind.get(kind, ()):
            depth = 0
            while depth < len(paths) and paths[depth] in pinned:
                depth += 1
            if depth > best_depth:
                best, best_depth = paths, depth
        return best

    def plan(
        self,
        account: str,
        kind: str,
        filters: Sequence[Condition] = (),
        order: Sequence[Order] = (Order("id"),),
        limit: int | None = None,
        offset: int = 0,
        index: Sequence[str] | None = None,
    ) -> list[str]:
        """The query plan of exactly the SQL `query` runs for these arguments (for index tests)."""
        return self.explain(*self._select(account, kind, filters, order, limit, offset, index))

    def count(self, account: str, kind: str, filters: Sequence[Condition] = ()) -> int:
        """Records of a kind matching the filters; the whole kind's count is not a scan."""
        with self._lock:
            if not filters:
                row = self._db.execute(
                    "SELECT n FROM kind_counts WHERE account=? AND kind=?", (account, kind)
                ).fetchone()
                return 0 if row is None else int(row[0])
        where, args = self._where(account, kind, filters)
        with self._lock:
            return int(
                self._db.execute(f"SELECT count(*) FROM records WHERE {where}", args).fetchone()[0]
            )

    def aggregate(
        self,
        account: str,
        kind: str,
        path: str,
        function: Literal["min", "max", "avg", "sum", "count"],
        filters: Sequence[Condition] = (),
    ) -> Any:
        """One SQL aggregate of a JSON field over the matching records (None when none)."""
        where, args = self._where(account, kind, filters)
        sql = f"SELECT {function}({_expr(path)}) FROM records WHERE {where}"
        with self._lock:
            return self._db.execute(sql, args).fetchone()[0]

    # -- whole-store operations -------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    def reset(self) -> None:
        """Forget every record and sequence (the seed data is re-created by the vendor)."""
        with self.transaction():
            self._db.execute("DELETE FROM records")
            self._db.execute("DELETE FROM sequences")
            self._db.execute("DELETE FROM meta")

    def explain(self, sql: str, args: Sequence[Any] = ()) -> list[str]:
        """Query plan lines, so tests can assert that a listing uses an index."""
        with self._lock:
            return [str(r[3]) for r in self._db.execute("EXPLAIN QUERY PLAN " + sql, args)]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file (a --db file's WAL is part of it
        while the mock runs; after this the file alone holds every committed write)."""
        if self.path:
            with self._lock:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._db.close()
