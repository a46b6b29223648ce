"""Timeouts, retries, logging and pagination of the generated clients, against the mocks.

Faults come from the mocks' own options: Sell's `rate_limit` (429) and the shared
`fault_503_rate`, `fault_drop_rate`, `fault_latency_ms` and `fault_seed` of every vendor
(mocks/crm_mocks/core/faults.py: one seeded draw per API request, `r < rate` faults it).
Attempts are counted from the mock's request log (`GET /__mock__/requests`), so each test
shows what reached the server, not what the client believes it sent.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import relenta_client
import zendesk_sell_client
from relenta_client.api.contacts import list_contacts as relenta_list_contacts
from zendesk_sell_client import errors
from zendesk_sell_client.api.account import get_account
from zendesk_sell_client.api.contacts import create_contact, list_contacts, upsert_contact
from zendesk_sell_client.api.stages import list_stages
from zendesk_sell_client.models import (
    ContactCreate,
    ContactCreateRequest,
    ContactUpdate,
    ContactUpdateRequest,
)

from crm_mocks import RunningMock

Connect = Callable[..., Any]
Start = Callable[..., RunningMock]


def seed_for(pattern: str, rate: float) -> int:
    """A fault_seed whose first draws fault the requests marked `f` in `pattern` ("ffo": the
    first two requests fault, the third is handled), per the mocks' documented draw."""
    for seed in range(100_000):
        draws = random.Random(seed)
        if all((draws.random() < rate) == (mark == "f") for mark in pattern):
            return seed
    raise AssertionError(f"no seed gives {pattern}")


def api_requests(mock: RunningMock, expected: int | None = None) -> list[dict[str, Any]]:
    """The mock's request log; with `expected`, wait (briefly) until that many have finished
    (a request the client gave up on is logged when the mock is done with it)."""
    deadline = time.monotonic() + 10
    while True:
        seen = mock.requests()
        if expected is None or len(seen) >= expected or time.monotonic() > deadline:
            return seen
        time.sleep(0.05)


def sell(mock: RunningMock, connect_client: Connect, **kwargs: Any) -> Any:
    return connect_client(mock, "demo", **kwargs)


# -- 429 (Sell's rate_limit option) -------------------------------------------------------------


def test_429_is_retried_until_the_budget_returns(start: Start, connect_client: Connect) -> None:
    # a 0.3 s window: the first retry waits >= 0.375 s (0.5 s less at most 25% jitter)
    mock = start("zendesk-sell", rate_limit=1, rate_window=0.3)
    client = sell(mock, connect_client)
    get_account.sync(client=client)
    account = get_account.sync(client=client)
    assert account.data.id
    assert [r["status"] for r in mock.requests()] == [200, 429, 200]


def test_429_gives_up_after_max_retries(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", rate_limit=1, rate_window=60)
    client = sell(mock, connect_client, max_retries=2)
    get_account.sync(client=client)
    with pytest.raises(errors.RateLimitError) as raised:
        get_account.sync(client=client)
    assert raised.value.code == "rate_limit_exceeded"
    assert [r["status"] for r in mock.requests()] == [200, 429, 429, 429]


def test_max_retries_zero_sends_once(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", rate_limit=1, rate_window=60)
    client = sell(mock, connect_client, max_retries=0)
    get_account.sync(client=client)
    with pytest.raises(errors.RateLimitError):
        get_account.sync(client=client)
    assert [r["status"] for r in mock.requests()] == [200, 429]


# -- 503 and dropped connections (fault options) ------------------------------------------------


def test_503_is_retried_then_succeeds(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("ffo", 0.5))
    account = get_account.sync(client=sell(mock, connect_client))
    assert account.data.id
    assert [(r["path"], r["status"]) for r in mock.requests()] == [
        ("/v2/accounts/self", 503),
        ("/v2/accounts/self", 503),
        ("/v2/accounts/self", 200),
    ]


def test_503_gives_up_with_the_vendor_error(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=1)
    with pytest.raises(errors.InternalServerError) as raised:
        get_account.sync(client=sell(mock, connect_client, max_retries=2))
    assert raised.value.status_code == 503
    assert [r["status"] for r in mock.requests()] == [503] * 3


def test_dropped_connection_on_a_get_is_retried(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_drop_rate=0.5, fault_seed=seed_for("ffo", 0.5))
    account = get_account.sync(client=sell(mock, connect_client))
    assert account.data.id
    assert len(mock.requests()) == 3


def test_dropped_connection_raises_api_connection_error(
    start: Start, connect_client: Connect
) -> None:
    mock = start("relenta", fault_drop_rate=1)
    client = connect_client(mock, "demo")
    with pytest.raises(relenta_client.errors.ApiConnectionError) as raised:
        relenta_list_contacts.sync(client=client)
    assert isinstance(raised.value.__cause__, httpx.TransportError)
    assert "GET /api/v3/contact.list.json" in str(raised.value)
    assert len(api_requests(mock, 3)) == 3


@pytest.mark.parametrize("fault", ["fault_503_rate", "fault_drop_rate"])
def test_a_post_is_never_sent_twice(start: Start, connect_client: Connect, fault: str) -> None:
    mock = start("zendesk-sell", **{fault: 1})
    body = ContactCreateRequest(data=ContactCreate(last_name="Once"))
    with pytest.raises(errors.ApiError):
        create_contact.sync(client=sell(mock, connect_client), body=body)
    time.sleep(0.3)  # room for a (wrong) retry to arrive
    assert [r["method"] for r in mock.requests()] == ["POST"]


def test_a_documented_idempotent_post_is_retried(start: Start, connect_client: Connect) -> None:
    # Sell's upsert converges on one record however often it is sent (vendors.yaml)
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("ffo", 0.5))
    body = ContactUpdateRequest(data=ContactUpdate(last_name="Upserted", email="u@p.sert"))
    upserted = upsert_contact.sync(client=sell(mock, connect_client), body=body, email="u@p.sert")
    assert upserted.data.last_name == "Upserted"
    seen = [(r["method"], r["path"], r["status"]) for r in mock.requests()]
    assert seen == [("POST", "/v2/contacts/upsert", 503)] * 2 + [
        ("POST", "/v2/contacts/upsert", 200)
    ]


class Counting(httpx.BaseTransport):
    """Counts the attempts that reach the real transport."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        return self.inner.handle_request(request)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_post_is_retried_because_it_never_left() -> None:
    counting = Counting()
    client = zendesk_sell_client.connect(
        "t" * 64, base_url=f"http://127.0.0.1:{closed_port()}", httpx_args={"transport": counting}
    )
    body = ContactCreateRequest(data=ContactCreate(last_name="Never"))
    with client, pytest.raises(errors.ApiConnectionError) as raised:
        create_contact.sync(client=client, body=body)
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert not isinstance(raised.value, errors.ApiTimeoutError)
    assert counting.attempts == 3


# -- timeouts ---------------------------------------------------------------------------------


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A socket that accepts connections and never answers: (base URL, accepted sockets)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_a_silent_server_times_out(silent_server: tuple[str, list[socket.socket]]) -> None:
    url, accepted = silent_server
    client = zendesk_sell_client.connect("t" * 64, base_url=url, timeout=0.5, max_retries=1)
    started = time.monotonic()
    with client, pytest.raises(errors.ApiTimeoutError) as raised:
        get_account.sync(client=client)
    elapsed = time.monotonic() - started
    assert isinstance(raised.value.__cause__, httpx.ReadTimeout)
    assert len(accepted) == 2  # the first attempt and one retry
    assert 1.0 <= elapsed < 5


def test_a_per_call_timeout_overrides_the_clients(
    silent_server: tuple[str, list[socket.socket]],
) -> None:
    url, _ = silent_server
    client = zendesk_sell_client.connect("t" * 64, base_url=url, max_retries=0)
    started = time.monotonic()
    with client, pytest.raises(errors.ApiTimeoutError):
        get_account.sync(client=client, timeout=0.3)
    assert time.monotonic() - started < 3


def test_default_timeout_is_connect_5_read_60() -> None:
    with zendesk_sell_client.connect("t" * 64, base_url="http://127.0.0.1:9") as client:
        timeout = client.get_httpx_client().timeout
    assert (timeout.connect, timeout.read, timeout.write, timeout.pool) == (5, 60, 60, 60)


def test_slow_answers_time_out_and_are_retried(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_latency_ms=1000)
    client = sell(mock, connect_client, max_retries=1)
    with pytest.raises(errors.ApiTimeoutError):
        get_account.sync(client=client, timeout=0.4)
    assert len(api_requests(mock, 2)) == 2
    # a slow answer within the timeout is simply slow
    assert get_account.sync(client=client, timeout=5).data.id


# -- pagination ---------------------------------------------------------------------------------


def _stage_pages(mock: RunningMock) -> list[tuple[str, int]]:
    return [
        (dict(p.split("=") for p in r["query"].split("&"))["page"], r["status"])
        for r in mock.requests()
    ]


def test_iterate_retries_a_failed_page(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("offoo", 0.5))
    stages = list(list_stages.iterate(client=sell(mock, connect_client), per_page=3, sort_by="id"))
    assert len(stages) == 8
    assert _stage_pages(mock) == [("1", 200), ("2", 503), ("2", 503), ("2", 200), ("3", 200)]


def test_iterate_gives_up_with_the_page_number(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("offf", 0.5))
    walked = []
    with pytest.raises(errors.InternalServerError) as raised:
        for stage in list_stages.iterate(client=sell(mock, connect_client), per_page=3):
            walked.append(stage)
    assert raised.value.page == 2
    assert str(raised.value).endswith("[page 2]")
    assert len(walked) == 3  # page 1 was delivered before page 2 failed


def test_aiterate_walks_every_page_and_retries(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("offoo", 0.5))
    client = sell(mock, connect_client)

    async def walk() -> list[Any]:
        async with client:
            return [s async for s in list_stages.aiterate(client=client, per_page=3, sort_by="id")]

    stages = asyncio.run(walk())
    assert len(stages) == 8
    assert _stage_pages(mock) == [("1", 200), ("2", 503), ("2", 503), ("2", 200), ("3", 200)]


def test_aiterate_raises_the_typed_error(zendesk_sell_mock: RunningMock) -> None:
    stranger = zendesk_sell_client.connect("x" * 64, base_url=zendesk_sell_mock.url)

    async def first() -> Any:
        async with stranger:
            return await anext(list_contacts.aiterate(client=stranger))

    with pytest.raises(errors.AuthenticationError) as raised:
        asyncio.run(first())
    assert raised.value.page == 1


def test_asyncio_retries_and_raises_like_sync(start: Start, connect_client: Connect) -> None:
    mock = start("zendesk-sell", fault_503_rate=1)
    client = sell(mock, connect_client, max_retries=1)

    async def call() -> Any:
        async with client:
            return await get_account.asyncio(client=client)

    with pytest.raises(errors.InternalServerError):
        asyncio.run(call())
    assert [r["status"] for r in mock.requests()] == [503, 503]


# -- logging --------------------------------------------------------------------------------------


def test_debug_log_of_each_attempt_without_secrets(
    start: Start, connect_client: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    mock = start("zendesk-sell", fault_503_rate=0.5, fault_seed=seed_for("fo", 0.5))
    token = mock.credentials["demo"]["token"]
    client = sell(mock, connect_client)
    with caplog.at_level(logging.DEBUG, logger="zendesk_sell_client"):
        get_account.sync(client=client)
    lines = [r.getMessage() for r in caplog.records if r.name == "zendesk_sell_client"]
    assert len(lines) == 2
    assert lines[0].startswith(f"GET {mock.url}/v2/accounts/self -> 503 in ")
    assert "(attempt 1); retrying in" in lines[0]
    assert lines[1].startswith(f"GET {mock.url}/v2/accounts/self -> 200 in ")
    assert lines[1].endswith("(attempt 2)")
    assert all(token not in line for line in lines)


def test_logging_is_off_by_default(zendesk_sell_mock: RunningMock, connect_client: Connect) -> None:
    logger = logging.getLogger("zendesk_sell_client")
    assert not logger.isEnabledFor(logging.DEBUG)


def test_secret_query_values_are_redacted_in_logs() -> None:
    url = httpx.URL("https://x.example/v2/a?api_key=s3cret&page=2&access_token=t0k")
    shown = zendesk_sell_client.retries.redacted_url(url)
    assert "s3cret" not in shown and "t0k" not in shown
    assert "page=2" in shown


@pytest.fixture
def start(crm_mock_server: Start) -> Start:
    """`start(vendor, **options)`: a dedicated mock (its request log starts empty)."""
    return crm_mock_server


# -- Retry-After ----------------------------------------------------------------------------------


class Scripted(httpx.BaseTransport):
    """Answers with the given responses in turn (then 204), noting when each request came."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.times: list[float] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.times.append(time.monotonic())
        return self.answers.pop(0) if self.answers else httpx.Response(204)


def _sell_over(transport: httpx.BaseTransport, **kwargs: Any) -> Any:
    return zendesk_sell_client.connect(
        "t" * 64, base_url="http://sell.test", httpx_args={"transport": transport}, **kwargs
    )


def test_retry_after_seconds_is_honoured() -> None:
    scripted = Scripted(httpx.Response(429, headers={"Retry-After": "1"}, json={}))
    with _sell_over(scripted) as client:
        response = get_account.sync_detailed(client=client)
    assert response.status_code == 204
    assert scripted.times[1] - scripted.times[0] >= 1.0


def test_retry_after_http_date_is_honoured_and_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(zendesk_sell_client.retries.time, "sleep", waits.append)
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    later = email.utils.formatdate(time.time() + 3600, usegmt=True)
    scripted = Scripted(
        httpx.Response(503, headers={"Retry-After": soon}, json={}),
        httpx.Response(503, headers={"Retry-After": later}, json={}),
    )
    with _sell_over(scripted) as client:
        assert get_account.sync_detailed(client=client).status_code == 204
    assert 28 <= waits[0] <= 30
    assert waits[1] == zendesk_sell_client.retries.MAX_RETRY_AFTER == 60


def test_rate_limit_error_carries_retry_after() -> None:
    scripted = Scripted(httpx.Response(429, headers={"Retry-After": "7"}, json={}))
    with _sell_over(scripted, max_retries=0) as client, pytest.raises(errors.RateLimitError) as e:
        get_account.sync(client=client)
    assert e.value.retry_after == 7


def test_backoff_grows_with_jitter_below_each_step(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(zendesk_sell_client.retries.time, "sleep", waits.append)
    scripted = Scripted(*[httpx.Response(502, json={}) for _ in range(4)])
    with _sell_over(scripted, max_retries=4) as client:
        assert get_account.sync_detailed(client=client).status_code == 204
    steps = [0.5, 1.0, 2.0, 4.0]
    assert all(0.75 * step <= wait <= step for wait, step in zip(waits, steps, strict=True))


# -- fault options on the command line ----------------------------------------------------------


def test_every_vendor_cli_knows_the_fault_options(capsys: pytest.CaptureFixture[str]) -> None:
    from crm_mocks import cli

    assert cli.main(["relenta", "--option", "fault_503_rate=1.5"]) == 2
    assert "fault_503_rate must be between 0 and 1" in capsys.readouterr().err
    assert cli.main(["clevertim", "--option", "fault_dropp_rate=0.1"]) == 2
    assert "fault_drop_rate" in capsys.readouterr().err  # listed among the known options
