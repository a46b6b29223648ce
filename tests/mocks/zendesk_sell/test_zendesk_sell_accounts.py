"""Zendesk Sell mock: account isolation, token scopes and the rate limit (§1, §3.3)."""

from __future__ import annotations

import time

import httpx

from tests.mocks.zendesk_sell.conftest import UA, Sell, error_of


def test_accounts_never_see_each_others_data(sell: Sell) -> None:
    mine = sell.contact("Secretive")
    assert sell.get(f"/contacts/{mine['id']}", as_="other").status_code == 404
    theirs = sell.client("other").get("/contacts", params={"per_page": 100}).json()["items"]
    assert theirs and "Secretive" not in [c["data"]["last_name"] for c in theirs]
    assert sell.put(f"/contacts/{mine['id']}", {"title": "x"}, as_="other").status_code == 404
    assert sell.delete(f"/contacts/{mine['id']}", as_="other").status_code == 404
    assert sell.get(f"/contacts/{mine['id']}").status_code == 200


def test_each_account_has_its_own_seed_and_ids(sell: Sell) -> None:
    theirs = sell.client("other").get("/accounts/self").json()["data"]
    assert (theirs["id"], theirs["currency"]) == (2002, "EUR")
    other_contact = sell.create("/contacts", {"last_name": "Other"}, as_="other")
    assert other_contact["id"] == sell.contact("Mine")["id"]  # separate id sequences
    assert sell.client("other").get("/users/self").json()["data"]["email"] == "olga@other.example"


def test_references_cannot_cross_accounts(sell: Sell) -> None:
    theirs = sell.create("/contacts", {"is_organization": True, "name": "Theirs"}, as_="other")
    mine_ids = {c["id"] for c in sell.items("/contacts", per_page=100)}
    unused = max(mine_ids | {theirs["id"]}) + 1
    sell.create("/contacts", {"is_organization": True, "name": f"pad{unused}"}, as_="other")
    response = sell.post("/deals", {"name": "D", "contact_id": unused})
    assert response.status_code == 422


def test_read_only_token_reads_but_cannot_write(sell: Sell) -> None:
    assert sell.get("/contacts", as_="readonly").status_code == 200
    for response in (
        sell.post("/contacts", {"last_name": "X"}, as_="readonly"),
        sell.put("/contacts/1", {"title": "X"}, as_="readonly"),
        sell.delete("/contacts/1", as_="readonly"),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "insufficient_scope"
    assert sell.get("/contacts/1").status_code == 200  # nothing was deleted


def test_rate_limit_answers_429_once_the_budget_is_spent(crm_mock_server: object) -> None:
    mock = crm_mock_server("zendesk-sell", rate_limit=5, rate_window=60)  # type: ignore[operator]
    token = mock.credentials["demo"]["token"]
    other = mock.credentials["other"]["token"]
    with httpx.Client(base_url=mock.api_url + "/v2", headers={"User-Agent": UA}) as client:
        auth = {"Authorization": f"Bearer {token}"}
        statuses = [client.get("/users/self", headers=auth).status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
        limited = client.get("/users/self", headers=auth)
        error = error_of(limited)
        assert (error["code"], limited.json()["meta"]["http_status"]) == (
            "rate_limit_exceeded",
            "429 Too Many Requests",
        )
        assert limited.headers["X-Request-Id"] == limited.json()["meta"]["logref"]
        # the budget is per token
        assert (
            client.get("/users/self", headers={"Authorization": f"Bearer {other}"}).status_code
            == 200
        )


def test_rate_limit_window_refills(crm_mock_server: object) -> None:
    mock = crm_mock_server("zendesk-sell", rate_limit=2, rate_window=1)  # type: ignore[operator]
    headers = {"User-Agent": UA, "Authorization": f"Bearer {mock.credentials['demo']['token']}"}
    with httpx.Client(base_url=mock.api_url + "/v2", headers=headers) as client:
        assert [client.get("/users/self").status_code for _ in range(3)] == [200, 200, 429]
        time.sleep(1.1)
        assert client.get("/users/self").status_code == 200


def test_bad_rate_limit_option_is_refused() -> None:
    from crm_mocks.core.app import OptionError, create_vendor
    from crm_mocks.zendesk_sell import ZendeskSellMock

    try:
        create_vendor(ZendeskSellMock, options={"rate_limit": 0})
    except OptionError:
        return
    raise AssertionError("a zero budget should be refused")
