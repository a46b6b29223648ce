"""One record's create / update / delete / read on each vendor mock, as raw HTTP requests.

The concurrency and hostile-input tests drive all four vendors the same way: they need to send
a request's headers and part of its body, pause, and finish it later, which `http.client` does
(`endheaders()` then `send()`), so every request here is (method, path, headers, body bytes).
"""

from __future__ import annotations

import base64
import http.client
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crm_mocks.pytest_plugin import RunningMock


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""


@dataclass(frozen=True)
class VendorOps:
    """How to write and read one record of a vendor; `fields` are two independent text fields."""

    name: str
    headers: Callable[[RunningMock], dict[str, str]]
    create: Callable[[], Request]
    created_id: Callable[[Any], int]
    update: Callable[[int, str, str], Request]
    delete: Callable[[int], Request] | None
    read: Callable[[int], Request]
    #: the record's fields from a successful read (None when the read says it does not exist)
    fields_of: Callable[[int, int, Any], dict[str, Any] | None]
    fields: tuple[str, str]
    ok: tuple[int, ...]  # statuses of a successful update/delete
    missing: int  # status for a record that does not exist


def _clevertim_fields(rid: int, status: int, body: Any) -> dict[str, Any] | None:
    return None if status == 404 else dict(body["content"][0])


def _sell_fields(rid: int, status: int, body: Any) -> dict[str, Any] | None:
    return None if status == 404 else dict(body["data"])


def _relenta_fields(rid: int, status: int, body: Any) -> dict[str, Any] | None:
    found = [c for c in body["data"] if c["id"] == str(rid)]
    return dict(found[0]) if found else None


def _bantam_fields(rid: int, status: int, body: Any) -> dict[str, Any] | None:
    return None if status == 404 else dict(body)


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


VENDORS: dict[str, VendorOps] = {
    "clevertim": VendorOps(
        "clevertim",
        lambda m: {
            "Authorization": _basic(m.credentials["demo"]["token"], "X"),
            "Content-Type": "application/json",
        },
        lambda: Request("POST", "/api/case", _json({"name": "start"})),
        lambda body: int(body["content"][0]["id"]),
        lambda rid, field, value: Request("PUT", f"/api/case/{rid}", _json({field: value})),
        lambda rid: Request("DELETE", f"/api/case/{rid}"),
        lambda rid: Request("GET", f"/api/case/{rid}"),
        _clevertim_fields,
        ("name", "description"),
        (200,),
        404,
    ),
    "zendesk-sell": VendorOps(
        "zendesk-sell",
        lambda m: {
            "Authorization": f"Bearer {m.credentials['demo']['token']}",
            "User-Agent": "crm-mocks-tests/1",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        lambda: Request("POST", "/v2/contacts", _json({"data": {"last_name": "start"}})),
        lambda body: int(body["data"]["id"]),
        lambda rid, field, value: Request(
            "PUT", f"/v2/contacts/{rid}", _json({"data": {field: value}})
        ),
        lambda rid: Request("DELETE", f"/v2/contacts/{rid}"),
        lambda rid: Request("GET", f"/v2/contacts/{rid}"),
        _sell_fields,
        ("first_name", "title"),
        (200, 204),
        404,
    ),
    "relenta": VendorOps(
        "relenta",
        lambda m: {
            "X-Relenta-Department-Key": m.credentials["demo"]["department_key"],
            "Content-Type": "application/json",
        },
        lambda: Request("POST", "/api/v3/contact.save.json", _json({"full_name": "Start"})),
        lambda body: int(body["data"]["id"]),
        lambda rid, field, value: Request(
            "POST", "/api/v3/contact.save.json", _json({"id": rid, field: value})
        ),
        None,  # Relenta's API has no delete (fact sheet: list and save only)
        lambda rid: Request("GET", "/api/v3/contact.list.json?page_size=500"),
        _relenta_fields,
        ("title", "company"),
        (200,),
        404,
    ),
    "bantam-live": VendorOps(
        "bantam-live",
        lambda m: {
            "Authorization": _basic(
                m.credentials["admin"]["email"], m.credentials["admin"]["password"]
            ),
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        lambda: Request("POST", "/api/contacts", _json({"type": "Person", "first_name": "s"})),
        lambda body: int(body["id"]),
        lambda rid, field, value: Request("PUT", f"/api/contacts/{rid}", _json({field: value})),
        lambda rid: Request("DELETE", f"/api/contacts/{rid}"),
        lambda rid: Request("GET", f"/api/contacts/{rid}"),
        _bantam_fields,
        ("first_name", "last_name"),
        (200,),
        404,
    ),
}


class Raw:
    """One request over its own connection, whose body can be sent in pieces."""

    def __init__(self, mock: RunningMock, request: Request, timeout: float = 10) -> None:
        host, _, port = mock.url.removeprefix("http://").rpartition(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.request = request
        self.conn.putrequest(request.method, request.path, skip_accept_encoding=True)
        for name, value in VENDORS[mock.vendor].headers(mock).items():
            self.conn.putheader(name, value)
        self.conn.putheader("Content-Length", str(len(request.body)))
        self.conn.endheaders()

    def send(self, part: bytes) -> Raw:
        self.conn.send(part)
        return self

    def start(self) -> Raw:
        """Headers are out; send the first half of the body and keep the rest."""
        return self.send(self.request.body[: len(self.request.body) // 2])

    def finish(self) -> Raw:
        """The rest of the body, after `start`."""
        return self.send(self.request.body[len(self.request.body) // 2 :])

    def whole(self) -> Raw:
        return self.send(self.request.body)

    def response(self) -> tuple[int, bytes]:
        try:
            answer = self.conn.getresponse()
            return answer.status, answer.read()
        finally:
            self.conn.close()


def call(mock: RunningMock, request: Request) -> tuple[int, Any]:
    """Send a whole request; the status and the parsed JSON body (None when not JSON)."""
    status, raw = Raw(mock, request).whole().response()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def create(mock: RunningMock) -> int:
    ops = VENDORS[mock.vendor]
    status, body = call(mock, ops.create())
    assert status in (200, 201), (status, body)
    return ops.created_id(body)


def read(mock: RunningMock, rid: int) -> dict[str, Any] | None:
    ops = VENDORS[mock.vendor]
    status, body = call(mock, ops.read(rid))
    assert status in (200, ops.missing), (status, body)
    return ops.fields_of(rid, status, body)
