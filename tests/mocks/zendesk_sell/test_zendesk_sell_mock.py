"""Zendesk Sell mock: authentication, headers, check order, envelopes and errors (§1-§4, §7)."""

from __future__ import annotations

import base64
import json

from tests.mocks.zendesk_sell.conftest import UA, Sell, error_of


def test_bearer_token_authenticates_as_its_user(sell: Sell) -> None:
    response = sell.get("/users/self")
    assert response.status_code == 200
    assert response.json() == {"data": response.json()["data"], "meta": {"type": "user"}}
    assert response.json()["data"]["email"] == "dana@demo.example"


def test_demo_tokens_are_64_characters_like_real_sell_tokens(sell: Sell) -> None:
    assert {len(sell.token(label)) for label in ("demo", "readonly", "member", "other")} == {64}


def test_basic_auth_with_the_token_as_user_name_authenticates(sell: Sell) -> None:
    basic = base64.b64encode(f"{sell.token()}:".encode()).decode()  # curl -u "$API_KEY:"
    response = sell.raw().get(
        "/users/self", headers={"Authorization": f"Basic {basic}", "User-Agent": UA}
    )
    assert response.status_code == 200
    assert response.json()["data"]["id"] == 7


def test_missing_token_is_401_unauthorized(sell: Sell) -> None:
    response = sell.raw().get("/contacts", headers={"User-Agent": UA})
    assert response.status_code == 401
    error = error_of(response)
    assert error["code"] == "unauthorized"
    assert "missing, malformed, expired, or invalid" in error["details"]
    assert response.json()["meta"]["http_status"] == "401 Unauthorized"


def test_unknown_token_is_401(sell: Sell) -> None:
    response = sell.raw().get(
        "/contacts", headers={"Authorization": "Bearer " + "x" * 64, "User-Agent": UA}
    )
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthorized"


def test_missing_user_agent_is_400_invalid_user_agent(sell: Sell) -> None:
    response = sell.raw().get("/contacts", headers={"Authorization": f"Bearer {sell.token()}"})
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_user_agent"
    assert response.json()["meta"]["http_status"] == "400 Bad Request"


def test_empty_user_agent_is_400_invalid_user_agent(sell: Sell) -> None:
    response = sell.raw().get(
        "/contacts", headers={"Authorization": f"Bearer {sell.token()}", "User-Agent": ""}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_user_agent"


def test_accept_that_refuses_json_is_406(sell: Sell) -> None:
    response = sell.get("/contacts", headers={"Accept": "text/html"})
    assert response.status_code == 406
    assert response.json()["meta"]["http_status"] == "406 Not Acceptable"


def test_accept_wildcards_and_q_lists_that_allow_json_are_fine(sell: Sell) -> None:
    for accept in ("*/*", "application/*", "text/html, application/json;q=0.5", ""):
        assert sell.get("/contacts", headers={"Accept": accept}).status_code == 200, accept
    assert sell.get("/contacts", headers={"Accept": "application/json;q=0"}).status_code == 406


def test_checks_run_in_the_documented_order(sell: Sell) -> None:
    """auth 401 -> User-Agent 400 -> Accept 406 -> query 400 -> body 422 (§7)."""
    raw, token = sell.raw(), f"Bearer {sell.token()}"
    bad_body = {"data": {"invalid_field": 1}}
    url = "/contacts?bogus=1"
    # every check fails: authentication wins
    r = raw.post(url, json=bad_body, headers={"Accept": "text/html"})
    assert (r.status_code, error_of(r)["code"]) == (401, "unauthorized")
    r = raw.post(url, json=bad_body, headers={"Authorization": token, "Accept": "text/html"})
    assert (r.status_code, error_of(r)["code"]) == (400, "invalid_user_agent")
    r = raw.post(
        url,
        json=bad_body,
        headers={"Authorization": token, "User-Agent": UA, "Accept": "text/html"},
    )
    assert r.status_code == 406
    r = raw.post(url, json=bad_body, headers={"Authorization": token, "User-Agent": UA})
    assert (r.status_code, error_of(r)["code"]) == (400, "invalid_param")
    r = raw.post("/contacts", json=bad_body, headers={"Authorization": token, "User-Agent": UA})
    assert (r.status_code, error_of(r)["code"]) == (422, "unknown")


def test_unknown_query_parameter_is_400_invalid_param(sell: Sell) -> None:
    response = sell.get("/users/self", params={"unknown": "param"})  # the clients' own test
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid_param"
    assert error["message"] == "invalid request query parameter"


def test_x_request_id_is_on_every_response_and_equals_logref(sell: Sell) -> None:
    ok = sell.get("/contacts")
    assert len(ok.headers["X-Request-Id"]) == 36
    failures = [
        sell.get("/contacts/999999"),
        sell.raw().get("/contacts"),
        sell.get("/contacts", params={"per_page": 500}),
        sell.get("/nowhere"),
        sell.client().patch("/contacts"),
    ]
    ids = {ok.headers["X-Request-Id"]}
    for response in failures:
        assert response.headers["X-Request-Id"] == response.json()["meta"]["logref"]
        ids.add(response.headers["X-Request-Id"])
    assert len(ids) == len(failures) + 1  # one id per request


def test_error_envelope_has_the_documented_shape(sell: Sell) -> None:
    response = sell.post("/contacts", {"first_name": "Mark"})
    body = response.json()
    assert response.status_code == 422
    assert body["meta"]["http_status"] == "422 Unprocessable Entity"
    assert body["meta"]["links"]["more_info"].startswith("https://")
    assert body["errors"][0]["meta"]["links"]["more_info"].startswith("https://")
    assert body["errors"][0]["error"] == {
        "code": "blank",
        "message": "attribute cannot be blank",
        "details": "The attribute '/data/last_name' cannot be blank.",
        "resource": "contact",
        "field": "/data/last_name",
    }


def test_responses_are_json_utf8_with_content_language(sell: Sell) -> None:
    for response in (sell.get("/contacts"), sell.get("/contacts/424242")):
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert response.headers["Content-Language"] == "en"


def test_unknown_path_is_404_not_found_in_the_envelope(sell: Sell) -> None:
    response = sell.get("/no_such_resource/1")
    assert response.status_code == 404
    assert error_of(response) == {
        "code": "not_found",
        "message": "Not Found",
        "details": "Requested path was not found.",
    }


def test_unknown_path_still_requires_auth(sell: Sell) -> None:
    assert sell.raw().get("/no_such_resource", headers={"User-Agent": UA}).status_code == 401


def test_path_outside_v2_is_404_in_the_envelope(sell: Sell) -> None:
    response = sell.client().get(sell.mock.url + "/v3/contacts")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_unknown_id_is_404(sell: Sell) -> None:
    for path in ("/contacts/987654", "/contacts/abc", "/deals/0", "/users/99"):
        response = sell.get(path)
        assert response.status_code == 404, path
        assert error_of(response)["code"] == "not_found"


def test_unsupported_method_is_405_with_allow_header(sell: Sell) -> None:
    response = sell.client().patch("/contacts/1", json={"data": {}})
    assert response.status_code == 405
    assert response.headers["Allow"] == "DELETE, GET, PUT"
    assert error_of(response)["code"] == "method_not_allowed"
    assert sell.post("/stages", {"name": "x"}).headers["Allow"] == "GET"


def test_head_answers_headers_only(sell: Sell) -> None:
    response = sell.client().head("/contacts")
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Request-Id" in response.headers


def test_invalid_json_body_is_400_invalid_payload(sell: Sell) -> None:
    response = sell.client().post(
        "/contacts", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid_payload"


def test_body_without_data_envelope_is_422_missing(sell: Sell) -> None:
    response = sell.client().post("/contacts", json={"last_name": "Doe"})
    assert response.status_code == 422
    assert error_of(response)["field"] == "/data"
    assert sell.client().post("/contacts", json={"data": [1]}).status_code == 422


def test_request_meta_type_is_optional_but_checked_when_sent(sell: Sell) -> None:
    client = sell.client()
    assert (
        client.post(
            "/notes", json={"data": {"content": "x", "resource_type": "contact", "resource_id": 2}}
        ).status_code
        == 200
    )
    ok = client.post(
        "/notes",
        json={
            "data": {"content": "x", "resource_type": "contact", "resource_id": 2},
            "meta": {"type": "note"},
        },
    )
    assert ok.status_code == 200
    wrong = client.post(
        "/notes",
        json={
            "data": {"content": "x", "resource_type": "contact", "resource_id": 2},
            "meta": {"type": "deal"},
        },
    )
    assert wrong.status_code == 422
    assert error_of(wrong)["field"] == "/meta/type"


def test_request_meta_must_be_an_object_and_its_type_a_name(sell: Sell) -> None:
    client = sell.client()
    data = {"content": "x", "resource_type": "contact", "resource_id": 2}
    for meta in (None, [], "note", {"type": None}, {"type": 1}):
        response = client.post("/notes", json={"data": data, "meta": meta})
        assert response.status_code == 422, meta
    assert client.post("/notes", json={"data": data, "meta": {}}).status_code == 200
    # sources answer as `source` on all three paths (§5.9)
    ok = client.post("/lead_sources", json={"data": {"name": "Fair"}, "meta": {"type": "source"}})
    assert ok.status_code == 200
    # no type is documented for finishing enrollments: any non-empty name
    finish = "/sequence_enrollments/finish_ongoing_for_resource"
    target = {"resource_type": "lead", "resource_id": 1}
    assert client.post(finish, json={"data": target, "meta": {"type": "x"}}).status_code == 200
    assert client.post(finish, json={"data": target, "meta": {"type": ""}}).status_code == 422


def test_ids_in_bodies_are_java_longs(sell: Sell) -> None:
    response = sell.post(
        "/notes", {"content": "x", "resource_type": "contact", "resource_id": 2**63}
    )
    assert error_of(response)["field"] == "/data/resource_id"
    # within range an unknown record is a resource error about that record, not the number
    response = sell.post(
        "/notes", {"content": "x", "resource_type": "contact", "resource_id": 2**63 - 1}
    )
    assert "does not exist" in error_of(response)["details"]


def test_unknown_attribute_is_422_unknown_as_observed(sell: Sell) -> None:
    response = sell.post("/contacts", {"last_name": "Doe", "invalid_field": 1})
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "unknown",
        "message": "unknown attribute",
        "details": "The attribute '/invalid_field' is not a known attribute for the "
        "'contact' resource.",
        "resource": "contact",
        "field": "/invalid_field",
    }


def test_wrong_attribute_type_is_422_invalid_type(sell: Sell) -> None:
    response = sell.post("/contacts", {"last_name": 5})
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_type"
    assert error_of(response)["field"] == "/data/last_name"


def test_read_only_attributes_are_ignored_on_write(sell: Sell) -> None:
    created = sell.contact(id=5555, creator_id=99, created_at="2000-01-01T00:00:00Z")
    assert created["id"] != 5555
    assert created["creator_id"] == 7
    assert created["created_at"] != "2000-01-01T00:00:00Z"


def test_secrets_never_appear_in_the_request_log_or_error_bodies(sell: Sell) -> None:
    token = sell.token()
    basic = base64.b64encode(f"{token}:".encode()).decode()
    sell.get("/contacts")
    sell.raw().get("/contacts", headers={"Authorization": f"Basic {basic}", "User-Agent": UA})
    wrong = sell.raw().get(
        "/contacts", headers={"Authorization": f"Bearer {token}x", "User-Agent": UA}
    )
    failed = sell.post("/contacts", {"last_name": 1})
    log = json.dumps(sell.mock.requests())
    for secret in (token, basic, sell.token("readonly")):
        assert secret not in log
        assert secret not in wrong.text and secret not in failed.text
    assert "[redacted]" in log
