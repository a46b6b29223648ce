"""Zendesk Sell mock: OAuth2 (companion fact sheet §4): authorize, the token grants, refresh,
revocation, expiry, and issued tokens on every API family with their granted scopes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from crm_mocks import RunningMock
from tests.mocks.zendesk_sell.conftest import UA, error_of

CLIENT = ("demo-oauth-client", "demo-oauth-secret")
REDIRECT = "http://127.0.0.1/oauth/callback"


@pytest.fixture
def http(zendesk_sell_mock: RunningMock) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=zendesk_sell_mock.url, timeout=10) as client:
        yield client


def token(http: httpx.Client, auth: tuple[str, str] = CLIENT, **form: str) -> httpx.Response:
    return http.post("/oauth2/token", data=form, auth=auth)


def password_grant(http: httpx.Client, **extra: str) -> dict[str, Any]:
    response = token(
        http, grant_type="password", username="dana@demo.example", password="demo-password", **extra
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def api(http: httpx.Client, access: str) -> Callable[..., httpx.Response]:
    def call(method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {access}", "User-Agent": UA, **kw.pop("headers", {})}
        return http.request(method, path, headers=headers, **kw)

    return call


def test_code_flow_then_every_family(http: httpx.Client) -> None:
    redirect = http.get(
        "/oauth2/authorize",
        params={"response_type": "code", "client_id": CLIENT[0], "state": "xyz"},
    )
    assert redirect.status_code == 302
    target = urlsplit(redirect.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT
    query = parse_qs(target.query)
    assert query["state"] == ["xyz"]
    issued = token(http, grant_type="authorization_code", code=query["code"][0])
    assert issued.status_code == 200, issued.text
    body = issued.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["scope"] == "read write profile sync" and body["refresh_token"]
    assert issued.headers["cache-control"] == "no-store"
    call = api(http, body["access_token"])
    assert call("GET", "/v2/users/self").json()["data"]["id"] == 7
    assert call("POST", "/v2/contacts", json={"data": {"last_name": "OAuth"}}).status_code == 200
    search = call("POST", "/v3/contacts/search", json={"items": [{"data": {}}]})
    assert search.status_code == 200
    stream = call("GET", "/v3/contacts/stream", params={"position": "top"})
    assert stream.status_code == 200
    device = {"X-Basecrm-Device-UUID": "oauth-device"}
    assert call("POST", "/v2/sync/start", headers=device).status_code in (201, 204)
    again = token(http, grant_type="authorization_code", code=query["code"][0])
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")  # used once


def test_scopes_limit_what_a_token_may_do(http: httpx.Client) -> None:
    read_only = password_grant(http, scope="read")
    assert read_only["scope"] == "read"
    call = api(http, read_only["access_token"])
    assert call("GET", "/v2/contacts").status_code == 200
    refused = call("POST", "/v2/contacts", json={"data": {"last_name": "No"}})
    assert (refused.status_code, error_of(refused)["code"]) == (403, "insufficient_scope")
    sync = call("POST", "/v2/sync/start", headers={"X-Basecrm-Device-UUID": "d"})
    assert sync.status_code == 403
    write_only = api(http, password_grant(http, scope="write")["access_token"])
    assert write_only("GET", "/v2/contacts").status_code == 403
    too_much = token(
        http,
        auth=("readonly-oauth-client", "readonly-oauth-secret"),
        grant_type="password",
        username="dana@demo.example",
        password="demo-password",
        scope="admin",
    )
    assert too_much.json()["error"] in ("invalid_scope", "invalid_grant")


def test_refresh_rotates_and_revoke_ends_it(http: httpx.Client) -> None:
    first = password_grant(http)
    refreshed = token(http, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["scope"] == first["scope"]
    reuse = token(http, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert (reuse.status_code, reuse.json()["error"]) == (400, "invalid_grant")
    call = api(http, second["access_token"])
    assert call("GET", "/v2/accounts/self").status_code == 200
    revoked = http.post("/oauth2/revoke", data={"token": second["access_token"]}, auth=CLIENT)
    assert revoked.status_code == 200
    after = call("GET", "/v2/accounts/self")
    assert (after.status_code, error_of(after)["code"]) == (401, "unauthorized")
    dead = token(http, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert dead.status_code == 400


def test_tokens_expire(crm_mock_server: Callable[..., RunningMock]) -> None:
    mock = crm_mock_server("zendesk-sell", oauth_token_ttl=1)
    with httpx.Client(base_url=mock.url, timeout=10) as http:
        issued = password_grant(http)
        assert issued["expires_in"] == 1
        call = api(http, issued["access_token"])
        assert call("GET", "/v2/users/self").status_code == 200
        time.sleep(1.2)
        expired = call("GET", "/v2/users/self")
        assert (expired.status_code, error_of(expired)["code"]) == (401, "unauthorized")
        renewed = token(http, grant_type="refresh_token", refresh_token=issued["refresh_token"])
        assert api(http, renewed.json()["access_token"])("GET", "/v2/users/self").status_code == 200


def test_token_endpoint_errors(http: httpx.Client, zendesk_sell_mock: RunningMock) -> None:
    no_client = http.post("/oauth2/token", data={"grant_type": "password"})
    assert (no_client.status_code, no_client.json()) == (
        401,
        {"error": "invalid_client", "error_description": "Client authentication failed."},
    )
    wrong = token(http, auth=(CLIENT[0], "nope"), grant_type="password")
    assert wrong.status_code == 401
    assert token(http, grant_type="client_credentials").json()["error"] == "unsupported_grant_type"
    assert token(http).json()["error"] == "invalid_request"
    bad_password = token(
        http, grant_type="password", username="dana@demo.example", password="wrong"
    )
    assert bad_password.json()["error"] == "invalid_grant"
    as_json = http.post("/oauth2/token", json={"grant_type": "password"}, auth=CLIENT)
    assert as_json.status_code == 400
    assert http.get("/oauth2/token").status_code == 405
    unknown = http.get("/oauth2/authorize", params={"response_type": "code", "client_id": "x"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_client")
    implicit = http.get(
        "/oauth2/authorize", params={"response_type": "token", "client_id": CLIENT[0]}
    )
    fragment = parse_qs(urlsplit(implicit.headers["location"]).fragment)
    assert fragment["token_type"] == ["bearer"] and fragment["access_token"]
    logged = [r for r in zendesk_sell_mock.requests() if r["path"] == "/oauth2/token"]
    assert logged and all("password" not in r["body"] for r in logged)  # secrets stay out
