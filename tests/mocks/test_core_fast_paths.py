"""The shortcuts the mock core takes per request answer exactly as the slow paths do.

The core indexes routes instead of walking them, caches the SQL of plain queries by their shape
and redacts the request log when it is read (issue 13); each test here compares a shortcut with
the general code it stands in for.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import Match, Router

from crm_mocks.core.app import _RouteIndex, build_app, create_vendor
from crm_mocks.core.recorder import REDACTED, RequestLog
from crm_mocks.core.store import AnyOf, Filter, Order, Store
from crm_mocks.registry import VENDORS, vendor_class

PATHS = [
    "/", "/api/contact", "/api/contact/", "/api/contact/5", "/api/contact/5/x", "/api/user",
    "/api/note/7", "/api/unknown/1", "/v2/contacts", "/v2/contacts/12", "/v2/contacts/upsert",
    "/v2/deals/3/associated_contacts/4", "/v2/lead_conversions", "/v2/nothing/here",
    "/v3/contacts/search", "/v3/x/y/z", "/oauth2/token", "/api/v3/contact.list.json",
    "/__mock__/health", "/__mock__/requests", "/__mock__/nope", "/v2/sync/abc/queues/main",
]  # fmt: skip


def _router_choice(router: Router, path: str, method: str) -> Any:
    scope = {"type": "http", "path": path, "root_path": "", "method": method}
    for route in router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


def _index_choice(index: _RouteIndex, path: str, method: str) -> Any:
    scope = {"type": "http", "path": path, "root_path": "", "method": method}
    for _, route in index.candidates(path):
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


@pytest.mark.parametrize("vendor", VENDORS)
def test_the_route_index_picks_the_route_the_router_would(vendor: str) -> None:
    app = build_app(create_vendor(vendor_class(vendor)))
    index = _RouteIndex(app.router)
    paths = PATHS + [r.path.replace("{", "").replace("}", "") for r in app.router.routes]  # type: ignore[attr-defined]
    for path in paths:
        for method in ("GET", "POST", "DELETE"):
            assert _index_choice(index, path, method) is _router_choice(app.router, path, method)


def test_plain_query_sql_is_cached_by_shape_and_answers_as_built() -> None:
    store = Store()
    store.ensure_index("note", ["owner"])
    store.ensure_member_index("note", "tags")
    for i in range(6):
        store.insert("a", "note", {"owner": i % 3, "tags": [i, i + 1], "title": f"n{i}"})
    cases: list[tuple[list[Any], dict[str, Any]]] = [
        ([Filter("owner", "=", 1)], {}),
        ([Filter("owner", "=", None)], {}),
        ([Filter("tags", "contains", 3)], {}),
        ([Filter("title", "like", "n%"), Filter("owner", "!=", 2)], {"limit": 2, "offset": 1}),
        ([Filter("owner", ">=", 1)], {"order": [Order("title", descending=True)]}),
    ]
    for filters, kwargs in cases:
        first = store.query("a", "note", filters, **kwargs)
        again = store.query("a", "note", filters, **kwargs)  # from the cached SQL
        built = store._build_select(  # the general builder, for the same arguments
            "a", "note", filters, kwargs.get("order", [Order("id")]), kwargs.get("limit"),
            kwargs.get("offset", 0),
        )  # fmt: skip
        cached = store._select(
            "a", "note", filters, kwargs.get("order", [Order("id")]), kwargs.get("limit"),
            kwargs.get("offset", 0),
        )  # fmt: skip
        assert cached == built
        assert first == again
    # another value of the same shape gets its own arguments
    assert [r["owner"] for r in store.query("a", "note", [Filter("owner", "=", 2)])] == [2, 2]
    # groups are never cached and still work
    assert len(store.query("a", "note", [AnyOf((Filter("owner", "=", 0),))])) == 2
    # a new index changes the SQL a shape gets
    store.ensure_index("note", ["title"])
    assert (
        "ix_note_title" in store._select("a", "note", [Filter("title", "=", "n1")], [], None, 0)[0]
    )


def test_the_request_log_keeps_raw_requests_and_hands_out_redacted_ones() -> None:
    log = RequestLog(["x-vendor-secret"])
    scope = {
        "method": "POST",
        "path": "/api/thing",
        "query_string": b"api_key=abc&q=1",
        "headers": [
            (b"authorization", b"Basic c2VjcmV0"),
            (b"x-vendor-secret", b"s3"),
            (b"content-type", b"application/json"),
        ],
    }
    log.record(1.0, scope, b'{"password": "hunter2", "name": "Ada"}', 201)
    text = repr(log) + repr(log.entries())
    for secret in ("c2VjcmV0", "s3", "abc", "hunter2"):
        assert secret not in text
    (entry,) = log.entries()
    assert entry["headers"]["authorization"] == REDACTED
    assert entry["status"] == 201 and '"name": "Ada"' in entry["body"]


def test_a_refused_body_is_recorded_as_it_arrived_and_an_accepted_one_in_full() -> None:
    import asyncio

    import httpx

    app = build_app(create_vendor(vendor_class("clevertim")), max_body_bytes=100)

    async def exchange() -> list[dict[str, Any]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            assert (await client.post("/api/contact", content=b"x" * 101)).status_code == 413
            await client.post("/api/contact", content=b'{"fn": "Ada"}')
            entries: list[dict[str, Any]] = (await client.get("/__mock__/requests")).json()[
                "requests"
            ]
            return entries

    refused, accepted = asyncio.run(exchange())
    assert (refused["status"], refused["body"]) == (413, "x" * 101)
    assert accepted["body"] == '{"fn": "Ada"}' and accepted["status"] == 401
