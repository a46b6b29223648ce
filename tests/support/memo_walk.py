"""The differential check of a vendor's read memo (core/memo.py), shared by the vendors' tests.

One seeded random walk of requests goes to two mocks of the same vendor: one that keeps GET-by-id
answers and one that computes every read (`read_memo=False`). Every pair of answers must be the
same (as `comparable` sees them), and the walk must have read kept answers, or it proved nothing.
The test's clock (a one-item list the vendor's clock is patched to read) moves one unit per step,
five on a "TICK" request, so both mocks stamp a write with the same time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any, Protocol

import httpx

from crm_mocks import RunningMock
from crm_mocks.core.memo import UntilWrite

#: (user label, method or "RESET" / "TICK", path, JSON body)
Call = tuple[str, str, str, dict[str, Any] | None]


class MemoWalk(Protocol):
    def requests(self) -> list[Call]:
        """The next step's calls."""

    def learn(self, method: str, path: str, response: httpx.Response) -> None:
        """What an answer of the kept mock teaches the walk (ids of created records)."""

    def forget(self) -> None:
        """Both mocks were reset."""


def status_and_bytes(response: httpx.Response) -> Any:
    return response.status_code, response.content


@contextmanager
def _both(
    mocks: tuple[RunningMock, RunningMock],
    clients: Callable[[RunningMock], Mapping[str, httpx.Client]],
) -> Iterator[list[Mapping[str, httpx.Client]]]:
    with ExitStack() as stack:
        per_mock = [clients(mock) for mock in mocks]
        for by_user in per_mock:
            for client in by_user.values():
                stack.enter_context(client)
        yield per_mock


def check_kept_answers(
    mocks: tuple[RunningMock, RunningMock],
    memos: tuple[UntilWrite[bytes], UntilWrite[bytes]],
    clients: Callable[[RunningMock], Mapping[str, httpx.Client]],
    walk: MemoWalk,
    clock: list[int],
    steps: int,
    comparable: Callable[[httpx.Response], Any] = status_and_bytes,
) -> None:
    """Walk `steps` steps through both mocks (the kept one first); see the module docstring."""
    kept_memo, computed_memo = memos
    reads = 0
    with _both(mocks, clients) as per_mock:
        for step in range(steps):
            clock[0] += 1
            for user, method, path, body in walk.requests():
                if method == "TICK":
                    clock[0] += 5
                    continue
                if method == "RESET":
                    for mock in mocks:
                        mock.reset()
                    walk.forget()
                    continue
                answers = [by_user[user].request(method, path, json=body) for by_user in per_mock]
                assert comparable(answers[0]) == comparable(answers[1]), (
                    f"step {step}: {method} {path} as {user} {body}"
                )
                walk.learn(method, path, answers[0])
                reads += method == "GET" and answers[0].status_code == 200
    assert reads > 50 and kept_memo.hits > 10, "the walk must read kept answers to prove anything"
    assert computed_memo.hits == 0
