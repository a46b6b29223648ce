"""Zendesk Sell's read memo never serves an answer a write (or the clock) has made stale.

As for Clevertim (tests/support/memo_walk.py): one random walk of creates, partial updates,
deletes, resets and bursts of GET-by-id reads, as several users, goes to a mock that keeps
GET-by-id answers and to one that computes each (`read_memo=False`); every answer body must be
byte-identical. Sell's answers embed other records (a person's organization, a deal's
associated contacts) and read the clock (a task's `overdue`), so the walk links records and
steps the clock past tasks' due dates. Request ids (a header, and an error's `logref`), new
per answer, are not compared.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock, start_mock
from crm_mocks.zendesk_sell import mock as sell_mock
from crm_mocks.zendesk_sell import values
from tests.support.memo_walk import Call, check_kept_answers

from .conftest import UA

KINDS = ("contacts", "deals", "leads", "notes", "tasks")
USERS = ("demo", "readonly", "member", "other")
START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def stepped_clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    step = [0]

    class Stepped(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return START + timedelta(minutes=step[0])

    monkeypatch.setattr(values, "datetime", Stepped)
    return step


@pytest.fixture
def twins() -> Iterator[tuple[RunningMock, RunningMock]]:
    with (
        start_mock("zendesk-sell", rate_limit=10**6) as kept,
        start_mock("zendesk-sell", rate_limit=10**6, read_memo=False) as computed,
    ):
        yield kept, computed


class Walk:
    def __init__(self, seed: int, clock: list[int]) -> None:
        self.rng = random.Random(seed)
        self.ids: dict[str, list[int]] = {kind: [] for kind in KINDS}
        self.clock = clock  # minutes after START

    def forget(self) -> None:
        self.ids = {kind: [] for kind in KINDS}

    def pick(self, kind: str) -> int:
        known = self.ids[kind]
        return self.rng.choice(known) if known and self.rng.random() < 0.9 else 999_999

    def body(self, kind: str) -> dict[str, Any]:
        rng, pick = self.rng, self.pick
        name = f"n{rng.randrange(1000)}"
        if kind == "contacts":
            if rng.random() < 0.4:
                return {"is_organization": True, "name": name}
            return {"last_name": name, "contact_id": pick("contacts")}
        if kind == "deals":
            return {"name": name, "contact_id": pick("contacts"), "value": rng.randrange(500)}
        if kind == "leads":
            return {"last_name": name}
        target = rng.choice(["contacts", "deals", "leads"])
        attached = {"resource_type": target[:-1], "resource_id": pick(target)}
        if kind == "notes":
            return {"content": name, **attached}
        # due a few minutes either side of the walk's clock: tasks turn overdue as it steps
        due = START + timedelta(minutes=self.clock[0] + rng.randrange(-3, 4))
        task = {"content": name, "due_date": due.strftime("%Y-%m-%dT%H:%M:%SZ"), **attached}
        return {**task, "completed": rng.random() < 0.2}

    def update(self, kind: str) -> dict[str, Any]:
        body = self.body(kind)
        keys = self.rng.sample(sorted(body), self.rng.randrange(1, len(body) + 1))
        return {key: body[key] for key in keys}

    def requests(self) -> list[Call]:
        kind = self.rng.choice(KINDS)
        roll = self.rng.random()
        if roll < 0.45:
            path = f"/v2/{kind}/{self.pick(kind)}"
            if kind == "contacts" and self.rng.random() < 0.5:
                path += "?includes=organization"
            if kind == "deals" and self.rng.random() < 0.5:
                path += "?includes=associated_contacts"
            first, second = self.rng.sample(USERS, 2)
            # the clock moves between two reads: a task due meanwhile turns overdue
            return [
                (first, "GET", path, None),
                ("", "TICK", "", None),
                (first, "GET", path, None),
                (second, "GET", path, None),
            ]
        if roll < 0.72:
            return [("demo", "POST", f"/v2/{kind}", {"data": self.body(kind)})]
        if roll < 0.88:
            body = {"data": self.update(kind)}
            return [
                (self.rng.choice(["demo", "member"]), "PUT", f"/v2/{kind}/{self.pick(kind)}", body)
            ]
        if roll < 0.99:
            return [("demo", "DELETE", f"/v2/{kind}/{self.pick(kind)}", None)]
        return [("demo", "RESET", "", None)]

    def learn(self, method: str, path: str, response: httpx.Response) -> None:
        if method == "POST" and response.status_code == 200:
            self.ids[path.removeprefix("/v2/")].append(response.json()["data"]["id"])


def _comparable(response: httpx.Response) -> tuple[int, Any]:
    """Status and body; an error's `logref` (its request id, new per answer) left out."""
    if response.status_code < 400:
        return response.status_code, response.content
    body = response.json()
    body["meta"].pop("logref", None)
    return response.status_code, body


def _clients(mock: RunningMock) -> dict[str, httpx.Client]:
    return {
        user: httpx.Client(
            base_url=mock.url,
            headers={
                "Authorization": f"Bearer {mock.credentials[user]['token']}",
                "User-Agent": UA,
                "Accept": "application/json",
            },
        )
        for user in USERS
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_answers_are_the_answers_computed_afresh(
    twins: tuple[RunningMock, RunningMock], stepped_clock: list[int], seed: int
) -> None:
    kept, computed = twins
    assert isinstance(kept.mock, sell_mock.ZendeskSellMock)
    assert isinstance(computed.mock, sell_mock.ZendeskSellMock)
    memos = (kept.mock.reads, computed.mock.reads)
    walk = Walk(seed, stepped_clock)
    check_kept_answers(twins, memos, _clients, walk, stepped_clock, 500, _comparable)
