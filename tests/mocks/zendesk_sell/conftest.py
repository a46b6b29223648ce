"""Helpers for the Zendesk Sell mock tests: real HTTP on loopback against the session mock."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock

UA = "BaseCRM/v2 Python/tests"


class Sell:
    """httpx clients per demo user (Bearer token, a User-Agent, Accept JSON)."""

    def __init__(self, mock: RunningMock) -> None:
        self.mock = mock
        self._clients: dict[str, httpx.Client] = {}

    def token(self, label: str = "demo") -> str:
        return self.mock.credentials[label]["token"]

    def client(self, label: str = "demo") -> httpx.Client:
        if label not in self._clients:
            self._clients[label] = httpx.Client(
                base_url=self.mock.api_url + "/v2",
                headers={
                    "Authorization": f"Bearer {self.token(label)}",
                    "User-Agent": UA,
                    "Accept": "application/json",
                },
                timeout=10,
            )
        return self._clients[label]

    def raw(self) -> httpx.Client:
        """No default headers at all, for the header and auth checks."""
        if "" not in self._clients:
            client = httpx.Client(base_url=self.mock.api_url + "/v2", timeout=10)
            del client.headers["User-Agent"]  # httpx would send its own
            self._clients[""] = client
        return self._clients[""]

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client(kw.pop("as_", "demo")).get(path, **kw)

    def post(self, path: str, data: Any = None, **kw: Any) -> httpx.Response:
        label = kw.pop("as_", "demo")
        if data is not None:
            kw["json"] = {"data": data}
        return self.client(label).post(path, **kw)

    def put(self, path: str, data: Any, **kw: Any) -> httpx.Response:
        return self.client(kw.pop("as_", "demo")).put(path, json={"data": data}, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.client(kw.pop("as_", "demo")).delete(path, **kw)

    def create(self, path: str, data: dict[str, Any], as_: str = "demo") -> dict[str, Any]:
        response = self.post(path, data, as_=as_)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()["data"]
        return body

    def items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        response = self.get(path, params=params)
        assert response.status_code == 200, response.text
        return [item["data"] for item in response.json()["items"]]

    def contact(self, last_name: str = "Doe", **fields: Any) -> dict[str, Any]:
        return self.create("/contacts", {"last_name": last_name, **fields})

    def organization(self, name: str = "Acme Corp", **fields: Any) -> dict[str, Any]:
        return self.create("/contacts", {"is_organization": True, "name": name, **fields})

    def deal(
        self, contact_id: int, name: str = "Website Redesign", **fields: Any
    ) -> dict[str, Any]:
        return self.create("/deals", {"name": name, "contact_id": contact_id, **fields})

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def error_of(response: httpx.Response) -> dict[str, Any]:
    """The first error of Sell's error envelope (asserting the envelope's shape on the way)."""
    body = response.json()
    assert set(body) == {"errors", "meta"}, body
    assert body["meta"]["type"] == "errors"
    assert body["errors"][0]["meta"]["type"] == "error"
    error: dict[str, Any] = body["errors"][0]["error"]
    return error


@pytest.fixture
def sell(zendesk_sell_mock: RunningMock) -> Iterator[Sell]:
    client = Sell(zendesk_sell_mock)
    yield client
    client.close()


@pytest.fixture
def v3(zendesk_sell_mock: RunningMock, sell: Sell) -> Iterator[httpx.Client]:
    """The v3 families (Search, Firehose) at the mock's root, as the demo user."""
    with httpx.Client(
        base_url=zendesk_sell_mock.url + "/v3",
        headers={
            "Authorization": f"Bearer {sell.token()}",
            "User-Agent": UA,
            "Accept": "application/json",
        },
        timeout=10,
    ) as client:
        yield client
