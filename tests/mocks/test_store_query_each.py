"""`Store.query_each`: several queries in one statement, each answered as `query` answers it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from crm_mocks.core.store import AnyOf, Condition, Filter, Store


@pytest.fixture
def store() -> Store:
    store = Store()
    store.ensure_index("task", ["cust"])
    store.ensure_member_index("note", "cust")
    # ids out of insertion order, two accounts, lists and scalars, a record on no parent
    for record_id, cust in [(9, 1), (3, 1), (5, 2), (7, None), (1, 1)]:
        store.insert("a", "task", {"cust": cust, "title": f"t{record_id}"}, record_id=record_id)
        store.insert("b", "task", {"cust": cust}, record_id=record_id)
    for record_id, custs in [(4, [1, 2]), (2, [2]), (8, [1]), (6, []), (10, 1)]:
        store.insert("a", "note", {"cust": custs}, record_id=record_id)
        store.insert("a", "case", {"cust": custs}, record_id=record_id)  # no member index
    return store


QUERIES: list[list[tuple[str, Sequence[Condition]]]] = [
    [("task", [Filter("cust", "=", 1)]), ("note", [Filter("cust", "contains", 1)])],
    [("note", [Filter("cust", "contains", 2)]), ("case", [Filter("cust", "contains", 1)])],
    [("task", [Filter("cust", "=", None)]), ("task", [Filter("cust", "in", [1, 2])])],
    [("task", [AnyOf((Filter("cust", "=", 2), Filter("title", "like", "t9")))])],
    [("task", []), ("note", [Filter("cust", "contains", 99)]), ("nothing", [])],
]


@pytest.mark.parametrize("queries", QUERIES, ids=range(len(QUERIES)))
def test_each_answer_is_what_query_answers(
    store: Store, queries: list[tuple[str, Sequence[Condition]]]
) -> None:
    expected = [store.query("a", kind, filters) for kind, filters in queries]
    assert store.query_each("a", queries) == expected
    assert store.query_each("a", queries) == expected  # the cached statement answers the same
    assert any(expected), "a query that matches nothing everywhere proves little"


def test_answers_are_in_id_order_and_per_account(store: Store) -> None:
    tasks, notes = store.query_each(
        "a", [("task", [Filter("cust", "=", 1)]), ("note", [Filter("cust", "contains", 1)])]
    )
    assert [t["id"] for t in tasks] == [1, 3, 9]
    assert [n["id"] for n in notes] == [4, 8, 10]
    (other,) = store.query_each("b", [("task", [Filter("cust", "=", 1)])])
    assert [t["id"] for t in other] == [1, 3, 9] and all("title" not in t for t in other)


def test_no_queries_no_statement(store: Store) -> None:
    assert store.query_each("a", []) == []
