"""The generated Zendesk Sell client's Search v3, Firehose v3 and OAuth2 helpers against the mock:
`search_pages.iterate`/`aiterate` (cursor), `firehose_walk.walk`/`awalk` (to the top, resume
position), `oauth.connect_oauth` (refresh before expiry and after a 401)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from zendesk_sell_client import errors
from zendesk_sell_client.api.contacts import create_contact
from zendesk_sell_client.api.users import get_current_user
from zendesk_sell_client.firehose_walk import awalk, walk
from zendesk_sell_client.models import ContactCreate, ContactCreateRequest
from zendesk_sell_client.oauth import OAuthRefreshError, connect_oauth
from zendesk_sell_client.search_pages import aiterate, iterate

from crm_mocks import RunningMock
from tests.support.clients import ConnectClient, server_url

CLIENT = ("demo-oauth-client", "demo-oauth-secret")


def make_contacts(client: Any, count: int, prefix: str) -> list[int]:
    ids = []
    for i in range(count):
        body = ContactCreateRequest(data=ContactCreate(last_name=f"{prefix}{i:02d}"))
        ids.append(create_contact.sync(client=client, body=body).data.id)  # type: ignore[union-attr]
    return ids


def starts_with(prefix: str) -> dict[str, Any]:
    return {
        "filter": {
            "filter": {"attribute": {"name": "last_name"}, "parameter": {"starts_with": prefix}}
        },
        "projection": [{"name": "id"}, {"name": "last_name"}],
        "sort": [{"attribute": {"name": "last_name"}, "order": "descending"}],
    }


def test_search_iterate_follows_the_cursor(
    zendesk_sell_mock: RunningMock, connect_client: ConnectClient
) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    made = make_contacts(client, 7, "Iter")
    hits = list(iterate(client, "contacts", starts_with("Iter"), per_page=3))
    names = [h.data.additional_properties["last_name"] for h in hits]
    assert names == sorted(names, reverse=True) and len(names) == 7
    assert sorted(h.data.additional_properties["id"] for h in hits) == sorted(made)

    async def collect() -> list[Any]:
        return [h async for h in aiterate(client, "contacts", starts_with("Iter"), per_page=2)]

    assert [h.data.additional_properties["id"] for h in asyncio.run(collect())] == [
        h.data.additional_properties["id"] for h in hits
    ]


def test_search_iterate_raises_on_a_bad_query(
    zendesk_sell_mock: RunningMock, connect_client: ConnectClient
) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    with pytest.raises(errors.BadRequestError) as caught:
        list(iterate(client, "deals", {"projection": [{"name": "nope"}]}))
    assert caught.value.status_code == 400
    assert caught.value.message == "Unknown attribute 'nope' for deal search."
    assert caught.value.request_id  # Sell's X-Request-Id / logref


def test_firehose_walk_returns_a_position_to_resume_from(
    zendesk_sell_mock: RunningMock, connect_client: ConnectClient
) -> None:
    client = connect_client(zendesk_sell_mock, "demo")
    seed_events, position = walk(client, "contacts")
    assert seed_events and all(e.meta.event_type == "created" for e in seed_events)
    made = make_contacts(client, 3, "Walk")
    events, later = walk(client, "contacts", position, limit=1)
    assert [e.data.additional_properties["id"] for e in events] == made
    assert walk(client, "contacts", later)[0] == []
    again, _ = asyncio.run(awalk(client, "contacts", position, limit=2))
    assert [e.meta.event_id for e in again] == [e.meta.event_id for e in events]


def password_grant(mock: RunningMock) -> dict[str, Any]:
    response = httpx.post(
        mock.url + "/oauth2/token",
        data={
            "grant_type": "password",
            "username": "dana@demo.example",
            "password": "demo-password",
        },
        auth=CLIENT,
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_connect_oauth_refreshes_by_itself(
    crm_mock_server: Callable[..., RunningMock],
) -> None:
    mock = crm_mock_server("zendesk-sell", oauth_token_ttl=30)  # inside the 60 s leeway
    refresh = password_grant(mock)["refresh_token"]
    answers: list[dict[str, Any]] = []
    client = connect_oauth(*CLIENT, refresh, base_url=server_url(mock), on_refresh=answers.append)
    assert "secret" not in repr(client) and refresh not in repr(client)
    assert get_current_user.sync(client=client).data.id == 7  # type: ignore[union-attr]
    assert get_current_user.sync(client=client).data.id == 7  # type: ignore[union-attr]
    assert len(answers) == 2  # a 30-second token counts as expired: refreshed before each call
    assert answers[0]["refresh_token"] != answers[1]["refresh_token"] != refresh
    client.get_httpx_client().close()


def test_connect_oauth_refreshes_after_a_401_and_reports_a_dead_grant(
    zendesk_sell_mock: RunningMock,
) -> None:
    refresh = password_grant(zendesk_sell_mock)["refresh_token"]
    answers: list[dict[str, Any]] = []
    client = connect_oauth(
        *CLIENT, refresh, base_url=server_url(zendesk_sell_mock), on_refresh=answers.append
    )
    assert get_current_user.sync(client=client) is not None
    revoked = httpx.post(
        zendesk_sell_mock.url + "/oauth2/revoke",
        data={"token": answers[0]["access_token"]},
        auth=CLIENT,
    )
    assert revoked.status_code == 200  # revokes the pair: the next refresh must fail
    with pytest.raises(OAuthRefreshError) as caught:
        get_current_user.sync(client=client)
    assert caught.value.error == "invalid_grant"
    client.get_httpx_client().close()


def test_connect_oauth_retries_once_after_a_401(zendesk_sell_mock: RunningMock) -> None:
    grant = password_grant(zendesk_sell_mock)
    answers: list[dict[str, Any]] = []
    client = connect_oauth(
        *CLIENT,
        grant["refresh_token"],
        base_url=server_url(zendesk_sell_mock),
        on_refresh=answers.append,
    )
    get_current_user.sync(client=client)
    # the server forgets the access token (e.g. a reset of its sessions), the refresh token lives
    revoke_access_only(zendesk_sell_mock, answers[-1]["access_token"])
    assert get_current_user.sync(client=client) is not None
    assert len(answers) == 2


def revoke_access_only(mock: RunningMock, access: str) -> None:
    """Expire one access token in the mock's store (its refresh token stays valid)."""
    from crm_mocks.core.store import Filter
    from crm_mocks.zendesk_sell import oauth

    store = mock.mock.store
    (row,) = store.query(
        oauth.HOLDER, oauth.TOKEN, [Filter("access_hash", "=", oauth.digest(access))]
    )
    store.put(oauth.HOLDER, oauth.TOKEN, {**row, "expires_at": 0})
