"""The per-request shortcuts added for issue 13's speed targets choose what the slow paths do.

`_RouteIndex.pick` skips a parameterless route by comparing its path instead of running its
regex, and reads candidates merged in advance; for every vendor, path and method it must pick
the route (and path parameters) that Starlette's router would.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.routing import Match, Route, Router

from crm_mocks.core.app import _RouteIndex, build_app, create_vendor
from crm_mocks.registry import VENDORS, vendor_class

SAMPLE_PATHS = [
    "/", "", "/api/contact", "/api/contact/", "/api/contact/5", "/api/contact/5/x", "/api/user",
    "/api/note/7", "/api/unknown/1", "/v2/contacts", "/v2/contacts/", "/v2/contacts/12",
    "/v2/contacts/upsert", "/v2/deals/3/associated_contacts/4", "/v2/lead_conversions",
    "/v2/nothing/here", "/v3/contacts/search", "/v3/x/y/z", "/oauth2/token", "/oauth2/token/",
    "/api/v3/contact.list.json", "/api/v3/contactxlist.json", "/__mock__/health",
    "/__mock__/requests", "/__mock__/nope", "/v2/sync/abc/queues/main", "//v2/contacts",
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
    for path in ("/a.b", "/axb", "/a/me", "/a/5", "/a/5/c", "/a/x/c", "/a", "/a/"):
        scope = {"type": "http", "path": path, "root_path": "", "method": "GET"}
        assert index.pick(dict(scope)) == _router_choice(router, dict(scope)), path
    # the parameter route comes first, so it wins over the later literal, as in the router
    picked = index.pick({"type": "http", "path": "/a/me", "root_path": "", "method": "GET"})
    assert picked is not None and picked[0].path == "/a/{x}"
