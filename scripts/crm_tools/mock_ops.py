"""One record's create / update / delete / read on each vendor mock, as raw HTTP requests.

Shared by the mocks' concurrency, hostile-input and CLI tests and by `crm_tools.soak`, which
drive all four vendors the same way. The tests need to send a request's headers and part of its
body, pause, and finish it later, which `http.client` does (`endheaders()` then `send()`), so
every request here is (method, path, body bytes) plus the vendor's headers. `MockProcess` runs
`crm-mock` the way a user does, on 127.0.0.1 and the port the system picks.
"""

from __future__ import annotations

import base64
import http.client
import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crm_mocks.core.accounts import load_accounts


class Target(Protocol):
    """A running mock: a `RunningMock` of the fixtures, or a `crm-mock` process."""

    @property
    def vendor(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def credentials(self) -> Mapping[str, Mapping[str, str]]: ...


@dataclass(frozen=True)
class Served:
    """A `crm-mock` process serving the shipped demo accounts at `url`."""

    vendor: str
    url: str

    @property
    def credentials(self) -> Mapping[str, Mapping[str, str]]:
        return {u.label: dict(u.credentials) for a in load_accounts(self.vendor) for u in a.users}


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""


Body = dict[str, Any]


@dataclass(frozen=True)
class VendorOps:
    """How to write and read one record of a vendor; `fields` are two independent text fields."""

    name: str
    headers: Callable[[Target], dict[str, str]]
    create_path: str  # POSTed
    create_body: Callable[[Body], Any]  # the vendor's create body around some fields
    created_id: Callable[[Any], int]
    update_at: Callable[[int], tuple[str, str]]  # method and path of an update
    update_body: Callable[[int, Body], Any]
    delete_path: Callable[[int], str] | None  # DELETEd; None: the vendor has no delete
    read_path: Callable[[int], str]
    #: the record's fields from a successful read (None when the read says it does not exist)
    fields_of: Callable[[int, int, Any], dict[str, Any] | None]
    fields: tuple[str, str]
    ok: tuple[int, ...]  # statuses of a successful update/delete
    missing: int  # status for a record that does not exist
    #: read paths whose query or id a hostile-input test may replace
    list_path: str

    def create(self, extra: Body | None = None) -> Request:
        return Request("POST", self.create_path, _json(self.create_body(extra or {})))

    def update(self, rid: int, field: str, value: Any) -> Request:
        return self.update_with(rid, {field: value})

    def update_with(self, rid: int, fields: Body) -> Request:
        method, path = self.update_at(rid)
        return Request(method, path, _json(self.update_body(rid, fields)))

    def delete(self, rid: int) -> Request | None:
        return None if self.delete_path is None else Request("DELETE", self.delete_path(rid))

    def read(self, rid: int) -> Request:
        return Request("GET", self.read_path(rid))


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
    # ASCII escapes keep lone surrogates ("\ud800") expressible, as a client could send them
    return json.dumps(value, ensure_ascii=True).encode()


VENDORS: dict[str, VendorOps] = {
    "clevertim": VendorOps(
        "clevertim",
        lambda m: {
            "Authorization": _basic(m.credentials["demo"]["token"], "X"),
            "Content-Type": "application/json",
        },
        "/api/case",
        lambda extra: {"name": "start", **extra},
        lambda body: int(body["content"][0]["id"]),
        lambda rid: ("PUT", f"/api/case/{rid}"),
        lambda rid, fields: fields,
        lambda rid: f"/api/case/{rid}",
        lambda rid: f"/api/case/{rid}",
        _clevertim_fields,
        ("name", "description"),
        (200,),
        404,
        "/api/case",
    ),
    "zendesk-sell": VendorOps(
        "zendesk-sell",
        lambda m: {
            "Authorization": f"Bearer {m.credentials['demo']['token']}",
            "User-Agent": "crm-mocks-tests/1",
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        "/v2/contacts",
        lambda extra: {"data": {"last_name": "start", **extra}},
        lambda body: int(body["data"]["id"]),
        lambda rid: ("PUT", f"/v2/contacts/{rid}"),
        lambda rid, fields: {"data": fields},
        lambda rid: f"/v2/contacts/{rid}",
        lambda rid: f"/v2/contacts/{rid}",
        _sell_fields,
        ("first_name", "title"),
        (200, 204),
        404,
        "/v2/contacts",
    ),
    "relenta": VendorOps(
        "relenta",
        lambda m: {
            "X-Relenta-Department-Key": m.credentials["demo"]["department_key"],
            "Content-Type": "application/json",
        },
        "/api/v3/contact.save.json",
        lambda extra: {"full_name": "Start", **extra},
        lambda body: int(body["data"]["id"]),
        lambda rid: ("POST", "/api/v3/contact.save.json"),
        lambda rid, fields: {"id": rid, **fields},
        None,  # Relenta's API has no delete (fact sheet: list and save only)
        lambda rid: "/api/v3/contact.list.json?page_size=500",
        _relenta_fields,
        ("title", "company"),
        (200,),
        404,
        "/api/v3/contact.list.json",
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
        "/api/contacts",
        lambda extra: {"type": "Person", "first_name": "start", **extra},
        lambda body: int(body["id"]),
        lambda rid: ("PUT", f"/api/contacts/{rid}"),
        lambda rid, fields: fields,
        lambda rid: f"/api/contacts/{rid}",
        lambda rid: f"/api/contacts/{rid}",
        _bantam_fields,
        ("first_name", "last_name"),
        (200,),
        404,
        "/api/contacts",
    ),
}


class Raw:
    """One request over its own connection, whose body can be sent in pieces."""

    def __init__(
        self, mock: Target, request: Request, timeout: float = 10, declared: int | None = None
    ) -> None:
        host, _, port = mock.url.removeprefix("http://").rpartition(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.request = request
        self.conn.putrequest(request.method, request.path, skip_accept_encoding=True)
        for name, value in VENDORS[mock.vendor].headers(mock).items():
            self.conn.putheader(name, value)
        length = len(request.body) if declared is None else declared
        self.conn.putheader("Content-Length", str(length))
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


def call(mock: Target, request: Request) -> tuple[int, Any]:
    """Send a whole request; the status and the parsed JSON body (None when not JSON)."""
    status, raw = Raw(mock, request).whole().response()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def create(mock: Target) -> int:
    ops = VENDORS[mock.vendor]
    status, body = call(mock, ops.create())
    assert status in (200, 201), (status, body)
    return ops.created_id(body)


def read(mock: Target, rid: int) -> dict[str, Any] | None:
    ops = VENDORS[mock.vendor]
    status, body = call(mock, ops.read(rid))
    assert status in (200, ops.missing), (status, body)
    return ops.fields_of(rid, status, body)


CRM_MOCK = str(Path(sys.executable).parent / "crm-mock")


class MockProcess:
    """`crm-mock VENDOR --port 0 ...` with stderr in `log`; its address is read from what it
    prints once the port is bound. `crm_mock`: another installation's script (a fresh venv)."""

    def __init__(
        self,
        vendor: str,
        log: Path,
        *args: str,
        timeout: float = 20,
        crm_mock: str | Path = CRM_MOCK,
    ) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [str(crm_mock), vendor, "--port", "0", "--log-level", "warning", *args],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        deadline = time.monotonic() + timeout
        while "API at " not in (text := log.read_text()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError(f"crm-mock {vendor} did not start: {text}")
            time.sleep(0.02)
        self.api_url = text.split("API at ", 1)[1].split()[0]
        prefix = {"zendesk-sell": "/v2", "relenta": "/api/v3"}.get(vendor, "/api")
        self.target = Served(vendor, self.api_url.removesuffix(prefix))

    def rss_mb(self) -> float:
        """The server's resident memory (Linux /proc)."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS line")

    def stop(self, sig: int = signal.SIGTERM) -> str:
        """Signal the server, wait for it, and return everything it wrote to stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(15)
        return self.log.read_text()
