"""The read memo (core/memo.py) never serves an answer a write has made stale.

Differential (tests/support/memo_walk.py): a random walk of creates, updates, deletes, resets
and reads, as several users, goes to a mock that keeps GET-by-id answers and to one that computes
every read; every answer must be the same, byte for byte.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from crm_mocks import RunningMock, start_mock
from crm_mocks.clevertim import mock as clevertim_mock
from crm_mocks.core.memo import UntilWrite
from crm_mocks.core.store import Store
from tests.support.memo_walk import Call, check_kept_answers

KINDS = ("contact", "company", "case", "opportunity", "task", "note", "comment")
USERS = ("demo", "readonly", "other")


@pytest.fixture
def stepped_clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    step = [0]
    monkeypatch.setattr(clevertim_mock, "_now", lambda: f"2026-01-01T00:00:{step[0] % 60:02d}Z")
    return step


@pytest.fixture
def twins() -> Iterator[tuple[RunningMock, RunningMock]]:
    with start_mock("clevertim") as kept, start_mock("clevertim", read_memo=False) as computed:
        yield kept, computed


class Walk:
    """One seeded random walk over Clevertim's linked records."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids: dict[str, list[Any]] = {kind: [] for kind in KINDS}

    def forget(self) -> None:
        self.ids = {kind: [] for kind in KINDS}

    def pick(self, kind: str) -> Any:
        known = self.ids[kind]
        return self.rng.choice(known) if known and self.rng.random() < 0.9 else 999

    def visibility(self) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.5:
            return {}
        if roll < 0.7:
            return {"is_private": True}
        return {"gid": self.rng.choice([0, 4, 8]), "is_private": False}

    def body(self, kind: str) -> dict[str, Any]:
        rng, pick = self.rng, self.pick
        name = f"n{rng.randrange(1000)}"
        body: dict[str, Any] = {
            "contact": {"fn": name, "ln": "L"},
            "company": {"cn": name},
            "case": {"name": name, "cust": pick("contact")},
            "opportunity": {"name": name, "cust": pick("company")},
            "task": {"name": name, rng.choice(["cust", "case", "opp"]): pick("contact")},
            "note": {"desc": name, "cust": [pick("contact"), pick("company")][: rng.randrange(3)]},
            "comment": {"comment": name, "nid": pick("note")},
        }[kind]
        if kind == "task" and "case" in body:
            body["case"] = pick("case")
        if kind == "task" and "opp" in body:
            body["opp"] = pick("opportunity")
        if kind == "note" and rng.random() < 0.3:
            body["case"] = pick("case")
        return {**body, **self.visibility()}

    def requests(self) -> list[Call]:
        """The next step: [(user, method, path, json body)]; a read is a burst of reads of one
        record (twice by one user, then by another), so kept answers get served."""
        kind = self.rng.choice(KINDS)
        roll = self.rng.random()
        if roll < 0.45:
            path = f"/{kind}/{self.pick(kind)}"
            first, second = self.rng.sample(USERS, 2)
            return [(user, "GET", path, None) for user in (first, first, second)]
        if roll < 0.70:
            return [("demo", "POST", f"/{kind}", self.body(kind))]
        if roll < 0.88 and kind != "comment":
            return [("demo", "PUT", f"/{kind}/{self.pick(kind)}", self.body(kind))]
        if roll < 0.99:
            user = self.rng.choice(["demo", "readonly"])
            return [(user, "DELETE", f"/{kind}/{self.pick(kind)}", None)]
        return [("demo", "RESET", "", None)]

    def learn(self, method: str, path: str, response: httpx.Response) -> None:
        answer = response.json()
        if method == "POST" and answer.get("status") == "OK":
            self.ids[path.strip("/")].append(answer["content"][0]["id"])


def _clients(mock: RunningMock) -> dict[str, httpx.Client]:
    return {
        user: httpx.Client(base_url=mock.api_url, auth=(mock.credentials[user]["token"], "X"))
        for user in USERS
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_answers_are_the_answers_computed_afresh(
    twins: tuple[RunningMock, RunningMock], stepped_clock: list[int], seed: int
) -> None:
    kept, computed = twins
    assert isinstance(kept.mock, clevertim_mock.ClevertimMock)
    assert isinstance(computed.mock, clevertim_mock.ClevertimMock)
    memos = (kept.mock.reads, computed.mock.reads)
    check_kept_answers(twins, memos, _clients, Walk(seed), stepped_clock, steps=600)


def test_an_answer_computed_across_a_write_is_not_kept() -> None:
    store = Store()
    memo: UntilWrite[bytes] = UntilWrite(store)
    mark = memo.mark()
    store.insert("a", "x", {"v": 1})  # another thread's write, while the answer was computed
    memo.put("key", b"stale", mark)
    assert memo.get("key") is None
    mark = memo.mark()
    memo.put("key", b"fresh", mark)
    assert memo.get("key") == b"fresh"
    store.put("a", "x", {"id": 1, "v": 2})
    assert memo.get("key") is None


def test_a_write_by_another_connection_to_the_file_drops_kept_answers(tmp_path: Any) -> None:
    path = str(tmp_path / "db.sqlite")
    store, other = Store(path), Store(path)
    memo: UntilWrite[bytes] = UntilWrite(store)
    memo.put("key", b"answer", memo.mark())
    assert memo.get("key") == b"answer"
    other.insert("a", "x", {"v": 1})  # a second process on the same --db file
    assert memo.get("key") is None
    store.close()
    other.close()


def test_switched_off_it_keeps_nothing() -> None:
    memo: UntilWrite[bytes] = UntilWrite(Store(), enabled=False)
    memo.put("key", b"answer", memo.mark())
    assert memo.get("key") is None and memo.hits == 0
