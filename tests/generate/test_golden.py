"""Golden record of the client pipeline: a tiny spec in, three committed clients out.

tests/generate/golden/spec.yaml exercises every addition of crm_tools.generate (error
extraction, pagination, comma-joined arrays, deepObject, an idempotent write);
golden_settings.yaml makes one client per auth kind (basic, bearer, header). Their output is
committed under golden/generated/ and must equal a fresh build byte for byte, so any change of
the pipeline's output shows up as a reviewable diff. The committed clients are then imported
and called over an `httpx.MockTransport` (wrapped by the clients' own retry transport).

After an intended pipeline change: `.venv/bin/python tests/generate/test_golden.py` rewrites
golden/generated/ (then review and commit the diff).
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from crm_tools import clients, generate

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
EXPECTED = GOLDEN / "generated"
CLIENTS = ("golden-basic", "golden-bearer", "golden-header")


def build_all(dest: Path) -> None:
    for name in CLIENTS:
        built = generate.build(name, dest, GOLDEN / "spec.yaml", GOLDEN / "golden_settings.yaml")
        # provenance digests cover the whole pipeline's source, not its output: not recorded
        (built / generate.STAMP).unlink()


def test_fresh_build_equals_the_golden_record(tmp_path: Path) -> None:
    build_all(tmp_path)
    for name in CLIENTS:
        assert (EXPECTED / f"{name}-client").is_dir(), f"run {__file__} to record {name}"
        diffs = generate.differences(EXPECTED / f"{name}-client", tmp_path / f"{name}-client")
        assert diffs == [], f"pipeline output changed ({name}); see {__file__} to re-record"


# -- the golden clients, imported and called ------------------------------------------------------


def package(name: str) -> ModuleType:
    return clients.load_client(EXPECTED / f"{name}-client")


WIDGETS = [{"id": i, "name": f"w{i}", "color": "red"} for i in range(1, 6)]


class FakeApi:
    """The Widgets API as an httpx handler; keeps every request it got."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.failures: dict[str, list[int]] = {}  # "METHOD /path" -> statuses to answer first

    def fail(self, route: str, *statuses: int) -> None:
        self.failures[route] = list(statuses)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = f"{request.method} {request.url.path}"
        if self.failures.get(route):
            status = self.failures[route].pop(0)
            return httpx.Response(status, json={"error": {"message": "Try again."}})
        if route == "GET /v1/widgets":
            params = dict(request.url.params)
            page, size = int(params.get("page", 1)), int(params.get("per_page", 25))
            chunk = WIDGETS[(page - 1) * size : page * size]
            more = page * size < len(WIDGETS)
            return httpx.Response(
                200, json={"items": chunk, "next_page": page + 1 if more else None}
            )
        if route == "GET /v1/widgets/1":
            return httpx.Response(200, json=WIDGETS[0])
        if route.startswith("GET /v1/widgets/"):
            body = {
                "error": {"message": "No such widget.", "code": "not_found"},
                "request_id": "r-1",
            }
            return httpx.Response(404, json=body)
        if route == "POST /v1/widgets":
            sent = json.loads(request.content)
            if not sent["name"]:
                error = {
                    "message": "Invalid widget.",
                    "code": "invalid",
                    "fields": [{"pointer": "/name", "message": "must not be blank"}],
                }
                return httpx.Response(422, json={"error": error}, headers={"X-Request-Id": "r-2"})
            return httpx.Response(201, json={"id": 9, **sent})
        if route == "POST /v1/widgets/upsert":
            return httpx.Response(200, json={"id": 9, **json.loads(request.content)})
        if route == "DELETE /v1/widgets/1":
            return httpx.Response(204)
        return httpx.Response(404, json={"error": {"message": "No route."}})


AUTH = {
    "golden-basic": (
        ("ada", "s3cret"),
        "Authorization",
        "Basic " + base64.b64encode(b"ada:s3cret").decode(),
    ),
    "golden-bearer": (("tok3n",), "Authorization", "Bearer tok3n"),
    "golden-header": (("k3y",), "X-Api-Key", "k3y"),
}


@pytest.fixture(params=CLIENTS)
def golden(request: pytest.FixtureRequest) -> Iterator[tuple[str, ModuleType, Any, FakeApi]]:
    name = request.param
    api = FakeApi()
    pkg = package(name)
    credentials, _, _ = AUTH[name]
    client = pkg.connect(*credentials, httpx_args={"transport": httpx.MockTransport(api)})
    yield name, pkg, client, api


def test_auth_kinds_and_default_server(golden: tuple[str, ModuleType, Any, FakeApi]) -> None:
    name, pkg, client, api = golden
    api_module = clients.load_submodule(pkg, "api.widgets.get_widget")
    widget = api_module.sync(1, client=client)
    assert (widget.id, widget.name) == (1, "w1")
    assert repr(widget) == "Widget(id=1, name='w1', color='red')"
    [sent] = api.requests
    assert str(sent.url) == "https://widgets.example.test/v1/widgets/1"
    _, header, value = AUTH[name]
    assert sent.headers[header] == value
    if name == "golden-bearer":
        assert sent.headers["User-Agent"].startswith("golden-bearer-client/1.2.0")
    assert value.split()[-1] not in repr(client)


def test_pagination_comma_joined_and_deep_object(
    golden: tuple[str, ModuleType, Any, FakeApi],
) -> None:
    _, pkg, client, api = golden
    listing = clients.load_submodule(pkg, "api.widgets.list_widgets")
    widget_filter = pkg.models.WidgetFilter(color="red")
    walked = list(listing.iterate(client=client, per_page=2, ids=[1, 2, 3], filter_=widget_filter))
    assert [w.id for w in walked] == [1, 2, 3, 4, 5]
    queries = [dict(parse_qsl(r.url.query.decode())) for r in api.requests]
    assert [q["page"] for q in queries] == ["1", "2", "3"]
    assert all(q["ids"] == "1,2,3" and q["filter[color]"] == "red" for q in queries)

    async def walk() -> list[Any]:
        return [w async for w in listing.aiterate(client=client, per_page=4)]

    assert [w.id for w in asyncio.run(walk())] == [1, 2, 3, 4, 5]


def test_error_extraction(golden: tuple[str, ModuleType, Any, FakeApi]) -> None:
    _, pkg, client, api = golden
    get_widget = clients.load_submodule(pkg, "api.widgets.get_widget")
    create = clients.load_submodule(pkg, "api.widgets.create_widget")
    with pytest.raises(pkg.errors.NotFoundError) as missing:
        get_widget.sync(7, client=client)
    assert (missing.value.message, missing.value.code, missing.value.request_id) == (
        "No such widget.",
        "not_found",
        "r-1",
    )
    assert (
        str(missing.value) == "404 Not Found: No such widget. (GET /v1/widgets/7) [request id r-1]"
    )
    with pytest.raises(pkg.errors.UnprocessableEntityError) as invalid:
        create.sync(client=client, body=pkg.models.WidgetCreate(name=""))
    assert [(f.field, f.message) for f in invalid.value.field_errors] == [
        ("/name", "must not be blank")
    ]
    assert invalid.value.request_id == "r-2"  # from the header, the body has none
    delete = clients.load_submodule(pkg, "api.widgets.delete_widget")
    assert delete.sync(1, client=client) is None


def test_retries_follow_the_settings(golden: tuple[str, ModuleType, Any, FakeApi]) -> None:
    name, pkg, client, api = golden
    get_widget = clients.load_submodule(pkg, "api.widgets.get_widget")
    create = clients.load_submodule(pkg, "api.widgets.create_widget")
    upsert = clients.load_submodule(pkg, "api.widgets.upsert_widget")
    api.fail("GET /v1/widgets/1", 503, 502)
    assert get_widget.sync(1, client=client).id == 1
    api.fail("POST /v1/widgets", 503)
    with pytest.raises(pkg.errors.InternalServerError):
        create.sync(client=client, body=pkg.models.WidgetCreate(name="x"))
    api.fail("POST /v1/widgets/upsert", 503)
    idempotent = name != "golden-header"  # golden_settings.yaml marks upsertWidget for two
    if idempotent:
        assert upsert.sync(client=client, body=pkg.models.WidgetCreate(name="x")).id == 9
    else:
        with pytest.raises(pkg.errors.InternalServerError):
            upsert.sync(client=client, body=pkg.models.WidgetCreate(name="x"))
    routes = [f"{r.method} {r.url.path}" for r in api.requests]
    assert routes == ["GET /v1/widgets/1"] * 3 + ["POST /v1/widgets"] + [
        "POST /v1/widgets/upsert"
    ] * (2 if idempotent else 1)


def test_golden_clients_pass_mypy_strict() -> None:
    from mypy import api as mypy

    for name in CLIENTS:
        folder = EXPECTED / f"{name}-client"
        stdout, stderr, status = mypy.run(
            [
                "--strict",
                "--cache-dir",
                str(HERE.parents[1] / ".mypy_cache" / "golden"),
                str(folder / package_name(name)),
            ]
        )
        assert status == 0, stdout + stderr


def package_name(name: str) -> str:
    return name.replace("-", "_") + "_client"


def record() -> None:
    """Rewrite golden/generated/ from a fresh build."""
    with tempfile.TemporaryDirectory() as tmp:
        build_all(Path(tmp))
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(tmp, EXPECTED)
    print(f"recorded {', '.join(CLIENTS)} in {EXPECTED}")


if __name__ == "__main__":
    record()
