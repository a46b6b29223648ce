"""The per-request shortcuts added for issue 13's speed targets do what the slow paths do.

`_RouteIndex.pick` skips a parameterless route by comparing its path instead of running its
regex, and reads candidates merged in advance; for every vendor, path and method it must pick
the route (and path parameters) that Starlette's router would. `json_response` encodes with one
C encoder built at import; it must write exactly what `json.dumps` writes and refuse the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.routing import Match, Route, Router

from crm_mocks.core.app import _RouteIndex, build_app, create_vendor
from crm_mocks.core.http import json_response
from crm_mocks.core.store import _record
from crm_mocks.registry import VENDORS, vendor_class

SAMPLE_PATHS = [
    "/", "", "/api/contact", "/api/contact/", "/api/contact/5", "/api/contact/5/x", "/api/user",
    "/api/note/7", "/api/unknown/1", "/v2/contacts", "/v2/contacts/", "/v2/contacts/12",
    "/v2/contacts/upsert", "/v2/deals/3/associated_contacts/4", "/v2/lead_conversions",
    "/v2/nothing/here", "/v3/contacts/search", "/v3/x/y/z", "/oauth2/token", "/oauth2/token/",
    "/api/v3/contact.list.json", "/api/v3/contactxlist.json", "/__mock__/health",
    "/__mock__/requests", "/__mock__/nope", "/v2/sync/abc/queues/main", "//v2/contacts",
    "/v2/contacts\n", "/api/contact\n", "/__mock__/health\n", "/v2/contacts\n\n",
]  # fmt: skip


def _router_choice(router: Router, scope: dict[str, Any]) -> Any:
    for route in router.routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route, child
    return None


@pytest.mark.parametrize("vendor", VENDORS)
def test_pick_chooses_the_route_and_parameters_the_router_would(vendor: str) -> None:
    app = build_app(create_vendor(vendor_class(vendor)))
    router = app.router
    index = _RouteIndex(router)
    own = [r.path for r in router.routes if isinstance(r, Route)]
    filled = [p.replace("{", "").replace("}", "") for p in own]
    for path in SAMPLE_PATHS + own + filled + [p + "/" for p in own]:
        for method in ("GET", "POST", "PUT", "DELETE"):
            scope = {"type": "http", "path": path, "root_path": "", "method": method}
            assert index.pick(dict(scope)) == _router_choice(router, dict(scope)), (path, method)


def test_literal_routes_are_compared_not_matched() -> None:
    async def endpoint(scope: Any, receive: Any, send: Any) -> None:  # never called
        raise AssertionError

    router = Router(
        routes=[
            Route("/a.b", endpoint),
            Route("/a/{x}", endpoint),
            Route("/a/me", endpoint),
            Route("/a/{x:int}/c", endpoint),
        ]
    )
    index = _RouteIndex(router)
    for path in ("/a.b", "/axb", "/a/me", "/a/5", "/a/5/c", "/a/x/c", "/a", "/a/", "/a.b\n"):
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        assert index.pick(dict(scope)) == _router_choice(router, dict(scope)), path
    # the parameter route comes first, so it wins over the later literal, as in the router
    picked = index.pick({"type": "http", "path": "/a/me", "root_path": "", "method": "GET"})
    assert picked is not None and picked[0].path == "/a/{x}"


BODIES: list[Any] = [
    {"status": "OK", "content": [{"id": 1, "fn": "Ada", "notes": [], "x": None, "t": True}]},
    {"lone": "\ud8a8", "accents": "Zoë Ünal", "emoji": "😀", "ctl": '\x00\n\t"'},
    {"big": 10**30, "neg": -(2**63) - 1, "f": 0.1, "z": -0.0, "e": 1e300, "tiny": 5e-324},
    [1, "two", [3.5, {"4": [None]}]],
    "plain string",
    12,
    None,
    {"nested": {"a": {"b": {"c": [{"d": []}]}}}, "empty": {}},
]


@pytest.mark.parametrize("body", BODIES)
def test_json_response_writes_what_json_dumps_writes(body: Any) -> None:
    expected = json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    assert json_response(body).body == expected.encode("ascii")


def test_json_response_refuses_what_json_dumps_refuses_and_recovers() -> None:
    shared = {"k": [1, 2]}
    for bad in ({"v": float("nan")}, {"v": [shared, float("inf")]}, {"v": object()}):
        with pytest.raises((ValueError, TypeError)):
            json_response(bad)
        # nothing of the failed call lingers (a reused circular-check marker would)
        assert json_response({"again": shared}).body == b'{"again":{"k":[1,2]}}'


STORED_TEXTS = [
    json.dumps({"id": 1, "name": "Ada", "tags": ["a"], "x": None, "t": False}),
    json.dumps({"lone": "\ud8a8", "é": "😀", "big": 10**30, "f": 0.1, "nan": float("nan")}),
    ' {"id": 2} ',
    '{"id": 3}\n',
    '{"a": Infinity, "b": -Infinity, "c": 1e400}',
]


@pytest.mark.parametrize("text", STORED_TEXTS)
def test_a_stored_record_parses_as_json_loads_parses_it(text: str) -> None:
    assert repr(_record(text)) == repr(json.loads(text))


@pytest.mark.parametrize("text", ['{"id": 1} x', '{"id": ', "", "x{}", '{"id": 1}{}'])
def test_a_damaged_stored_record_fails_as_json_loads_fails(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as ours:
        _record(text)
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(text)
    assert str(ours.value) == str(stdlib.value)


def test_a_path_ending_in_a_newline_finds_the_literal_route_the_router_finds() -> None:
    async def endpoint(scope: Any, receive: Any, send: Any) -> None:  # never called
        raise AssertionError

    # Starlette's `^/a/b$` matches "/a/b\n" too; the literal route comes first here
    router = Router(routes=[Route("/a/b", endpoint), Route("/a/{x}", endpoint)])
    index = _RouteIndex(router)
    for path in ("/a/b\n", "/a/b", "/a/c\n", "/a/b\n\n"):
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        assert index.pick(dict(scope)) == _router_choice(router, dict(scope)), path
    picked = index.pick({"type": "http", "path": "/a/b\n", "root_path": "", "method": "GET"})
    assert picked is not None and picked[0].path == "/a/b"
