"""Control endpoints a web page cannot reach, credentials never recorded, bodies size-limited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock, start_mock
from crm_mocks.core.control import is_loopback
from crm_mocks.core.server import BackgroundServer
from crm_tools.mock_ops import VENDORS, call, create

JSON = {"Content-Type": "application/json"}


def _case_count(mock: RunningMock) -> int:
    auth = (mock.credentials["demo"]["token"], "X")
    return len(httpx.get(mock.api_url + "/case", auth=auth).json()["content"])


@pytest.fixture
def mock(clevertim_mock: RunningMock) -> RunningMock:
    auth = (clevertim_mock.credentials["demo"]["token"], "X")
    httpx.post(clevertim_mock.api_url + "/case", json={"name": "keep me"}, auth=auth)
    return clevertim_mock


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example"},  # DNS rebinding: the page's own name points at 127.0.0.1
        {"Host": "evil.example:8080"},
        {"Origin": "http://evil.example"},
        {"Origin": "null"},  # sandboxed frames and file: pages
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_foreign_page_can_neither_reset_nor_read(
    mock: RunningMock, headers: dict[str, str]
) -> None:
    reset = httpx.post(mock.url + "/__mock__/reset", json={}, headers=headers)
    assert reset.status_code == 403, reset.text
    assert _case_count(mock) == 1  # nothing was wiped
    for method in ("GET", "DELETE"):
        listed = httpx.request(method, mock.url + "/__mock__/requests", headers=headers)
        assert listed.status_code == 403
        assert "keep me" not in listed.text
    assert mock.requests()  # the DELETE did not clear the log either


def test_a_simple_request_cannot_reset(mock: RunningMock) -> None:
    """text/plain (or form) POSTs need no CORS preflight, so a page could send them blind."""
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        headers = {"Content-Type": content_type}
        response = httpx.post(mock.url + "/__mock__/reset", content=b"{}", headers=headers)
        assert response.status_code == 415
    assert httpx.post(mock.url + "/__mock__/reset").status_code == 415  # no body, no type
    assert _case_count(mock) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "myaccount.localhost"])
def test_loopback_names_and_same_machine_origins_are_served(mock: RunningMock, host: str) -> None:
    port = mock.url.rsplit(":", 1)[1]
    headers = {"Host": f"{host}:{port}", "Origin": f"http://localhost:{port}", **JSON}
    assert httpx.get(mock.url + "/__mock__/requests", headers=headers).status_code == 200
    assert httpx.post(mock.url + "/__mock__/reset", json={}, headers=headers).status_code == 200
    assert _case_count(mock) == 0


def test_loopback_is_what_the_names_say() -> None:
    for host in (
        "127.0.0.1",
        "127.9.9.9",
        "::1",
        "[::1]",
        "localhost",
        "a.localhost",
        "LOCALHOST.",
    ):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.2", "evil.example", "localhost.evil.example", ""):
        assert not is_loopback(host), host


def test_a_background_server_binds_only_loopback_unless_told() -> None:
    with pytest.raises(ValueError, match="not a loopback address"):
        BackgroundServer(lambda scope, receive, send: None, host="0.0.0.0")  # type: ignore[arg-type,return-value]


# -- credentials never reach the request log ---------------------------------------------------

SECRETS = {
    "Authorization": "Basic czNjcjN0LWJhc2ljOlg=",
    "Proxy-Authorization": "Basic s3cr3t-proxy",
    "Cookie": "session=s3cr3t-cookie",
    "X-Api-Key": "s3cr3t-api-key",
    "X-Auth-Token": "s3cr3t-auth-token",
    "X-Relenta-Department-Key": "s3cr3t-department-key",
    "X-CSRF-Token": "s3cr3t-csrf",
}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_every_credential_is_redacted_in_the_request_log(
    vendor: str, request: pytest.FixtureRequest
) -> None:
    running: RunningMock = request.getfixturevalue(f"{vendor.replace('-', '_')}_mock")
    body = {"name": "visible", "password": "s3cr3t-password", "nested": {"api_token": "s3cr3t"}}
    httpx.post(
        running.api_url + "/anything?access_token=s3cr3t-query&page=2",
        json=body,
        headers=SECRETS,
    )
    httpx.post(
        running.api_url + "/anything",
        content=b"client_secret=s3cr3t-form&grant_type=password",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    log = json.dumps(running.requests())
    assert "s3cr3t" not in log and "czNjcjN0" not in log, log
    entries = running.requests()
    assert entries[0]["headers"]["proxy-authorization"] == "[redacted]"
    assert "page=2" in entries[0]["query"] and "visible" in entries[0]["body"]
    assert "grant_type=password" in entries[1]["body"]


# -- body size limit -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_limit() -> Iterator[dict[str, RunningMock]]:
    started = {vendor: start_mock(vendor, max_body_bytes=2048) for vendor in sorted(VENDORS)}
    yield started
    for running in started.values():
        running.stop()


def _error_shape(vendor: str, body: Any) -> bool:
    if vendor == "clevertim":
        return set(body) == {"status", "error"} and body["status"] == "ERROR"
    if vendor == "zendesk-sell":
        return body["errors"][0]["error"]["code"] == "request_too_large"
    if vendor == "relenta":
        return body["status"] is False and body["code"] == 413
    return set(body) == {"error"}


@pytest.mark.parametrize("vendor", sorted(VENDORS))
def test_a_body_over_the_limit_is_a_413_in_the_vendor_shape(
    vendor: str, small_limit: dict[str, RunningMock]
) -> None:
    running = small_limit[vendor]
    ops = VENDORS[vendor]
    field = "description" if vendor == "zendesk-sell" else ops.fields[0]  # no 255 cap
    fits = ops.create({field: "x" * 1500})
    assert call(running, fits)[0] in (200, 201)
    too_big = ops.create({field: "x" * 2100})
    status, body = call(running, too_big)
    assert status == 413 and _error_shape(vendor, body), body
    # streamed without a length (chunked): found while reading, same answer
    rid = create(running)
    method, path = ops.update_at(rid)
    with httpx.Client(headers=ops.headers(running)) as client:
        parts = iter([b"[" * 1500, b"1" * 1500])
        streamed = client.request(method, running.url + path, content=parts)
    assert streamed.status_code == 413 and _error_shape(vendor, streamed.json())
    assert running.mock.unhandled_errors == 0
