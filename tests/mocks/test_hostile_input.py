"""Hostile input, on every vendor: the vendor's own answer, never a crash.

Each vendor runs as a real `crm-mock` process (loopback, `--port 0`), so the test also sees what
the server logs and how much memory it holds. Malformed, deeply nested and huge JSON, integers
past 64 bits and past Python's 4,300-digit limit, invalid UTF-8, lone surrogates, NUL bytes and
100 KB URLs, sent to a create, an update and a listing: every answer is a status the vendor
documents (Clevertim's documented 500 for unparsable JSON included, in its own words), no
response or log line holds a traceback, other stored records are intact, and the process's
resident memory stays bounded.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from crm_tools.mock_ops import VENDORS, MockProcess, Raw, Request, Served, call, create, read

LIMIT = 10 * 1024 * 1024  # the default body limit
RSS_GROWTH_MB = 150  # a 10 MB body is parsed into Python objects several times its size


@pytest.fixture(scope="module", params=sorted(VENDORS))
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MockProcess]:
    process = MockProcess(request.param, tmp_path_factory.mktemp("hostile") / "stderr.log")
    yield process
    log = process.stop()
    assert "Traceback" not in log and "unhandled error" not in log, log[-3000:]


def _hostile_bodies(field: str) -> list[tuple[str, bytes | dict[str, object]]]:
    """(label, raw bytes, or fields to put into the vendor's body shape)."""
    marker = "MARKER"
    text_json = json.dumps({field: marker}).encode()
    return [
        ("malformed JSON", b'{"' + field.encode() + b'": '),
        ("not JSON at all", b"\x00\x01\x02\xfe" * 1000),
        ("empty", b""),
        ("deeply nested array", b"[" * 100_000 + b"]" * 100_000),
        ("deeply nested object", b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
        (
            "nested just under the parser's reach",
            {field: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
        ),  # fmt: skip
        ("integer past 4,300 digits", b'{"' + field.encode() + b'": ' + b"9" * 5000 + b"}"),
        ("integers past 64 bits", {field: 2**64, "id": 2**64, "owner_id": -(2**70), "gid": 2**80}),
        ("float overflow", b'{"' + field.encode() + b'": 1e999999}'),
        ("invalid UTF-8", text_json.replace(marker.encode(), b"\xff\xfe\xc3\x28")),
        ("lone surrogates", {field: "\ud800", "\udfff": "x"}),
        ("escaped NUL", {field: "a\u0000b"}),
        ("raw NUL in a string", text_json.replace(marker.encode(), b"a\x00b")),
        ("a 3 MB string", {field: "x" * 3_000_000}),
        ("a 2 MB array", b'{"' + field.encode() + b'": [' + b"1," * 1_000_000 + b"1]}"),
        ("one byte over the limit", b" " * (LIMIT + 1)),
    ]


def _write_requests(target: Served, rid: int) -> list[tuple[str, Request]]:
    ops = VENDORS[target.vendor]
    out = []
    for label, body in _hostile_bodies(ops.fields[0]):
        for action in ("create", "update"):
            if isinstance(body, dict):
                request = ops.create(body) if action == "create" else ops.update_with(rid, body)
            else:
                method, path = ops.update_at(rid) if action == "update" else ("POST", "")
                request = Request(method, path or ops.create_path, body)
            out.append((f"{action}: {label}", request))
    return out


def _read_requests(target: Served, rid: int) -> list[tuple[str, Request]]:
    ops = VENDORS[target.vendor]
    base = ops.list_path
    item = ops.read_path(rid).split("?")[0]
    parent = item.rsplit("/", 1)[0] if item != base else base
    queries = [
        ("100 KB query", f"{base}?q={'x' * 100_000}"),
        ("100 KB path", f"{parent}/{'9' * 100_000}"),
        ("page of 5,000 digits", f"{base}?page={'9' * 5000}&page_size={'9' * 5000}"),
        ("per_page of 5,000 digits", f"{base}?per_page={'9' * 5000}"),
        ("id past 64 bits", f"{parent}/{2**64}"),
        ("ids past 64 bits", f"{base}?ids={2**64},{'9' * 400}"),
        ("NUL in the path", f"{parent}/%00"),
        ("NUL in the query", f"{base}?name=a%00b"),
        ("invalid UTF-8 in the query", f"{base}?name=%ff%fe"),
        ("lone surrogate in the query", f"{base}?name=%ed%a0%80"),
    ]
    if target.vendor == "zendesk-sell":
        queries += [
            ("number custom field of 1e19", "/v2/contacts?custom_fields[employees]=1e19"),
            ("number custom field of 2^64", f"/v2/contacts?custom_fields[employees]={2**64}"),
            ("number custom field of 1e999", "/v2/contacts?custom_fields[employees]=1e999"),
            ("owner past 64 bits", f"/v2/contacts?owner_id={2**64}"),
            ("upsert on a huge filter", "/v2/contacts/upsert?custom_fields[employees]=1e19"),
        ]
    return [(label, Request("GET", path)) for label, path in queries]


CLEVERTIM_PARSE_ERROR = {
    "status": "ERROR",
    "error": "Error, your JSON cannot be parsed. Use a json syntax validator.",
}


def _documented(vendor: str, status: int, body: bytes) -> bool:
    if status < 500:
        return True
    # Clevertim documents one 500, for unparsable JSON, in these words (fact sheet §9)
    return vendor == "clevertim" and status == 500 and json.loads(body) == CLEVERTIM_PARSE_ERROR


def test_hostile_input_gets_documented_answers_and_memory_stays_bounded(
    served: MockProcess,
) -> None:
    target = served.target
    ops = VENDORS[target.vendor]
    rid = create(target)  # the record the hostile updates aim at
    bystander = create(target)
    kept = read(target, bystander)
    start = served.rss_mb()
    failures = []
    requests = _write_requests(target, rid) + _read_requests(target, rid)
    for label, request in requests:
        status, body = Raw(target, request, timeout=30).whole().response()
        if not _documented(target.vendor, status, body) or b"Traceback" in body:
            failures.append(f"{label}: {status} {body[:200]!r}")
        if label.endswith("over the limit"):
            assert status == 413, (label, status, body[:200])
        if label.endswith("lone surrogates") and not 400 <= status < 500:
            failures.append(f"{label}: stored ({status}), though it is no text")
    assert not failures, "\n".join(failures)
    assert read(target, bystander) == kept  # no request touched another record
    assert read(target, rid) is not None  # the target still reads back as JSON
    status, _ = call(target, ops.create())
    assert status in (200, 201)  # and the mock still works
    grown = served.rss_mb() - start
    assert grown < RSS_GROWTH_MB, f"resident memory grew {grown:.0f} MB"


def test_a_body_declared_too_large_is_refused_before_it_is_sent(served: MockProcess) -> None:
    target = served.target
    request = VENDORS[target.vendor].create()
    status, body = Raw(target, request, declared=10 * 1024**3).response()  # 10 GB announced
    assert status == 413, body[:200]
    assert b"Traceback" not in body
