"""The shared mock core: store, accounts, app assembly, CLI and the pytest plugin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from crm_mocks.core.accounts import AccountsFileError, load_accounts, parse_accounts
from crm_mocks.core.app import VendorMock, build_app
from crm_mocks.core.clock import utc_timestamp
from crm_mocks.core.http import json_response, resource
from crm_mocks.core.server import BackgroundServer
from crm_mocks.core.store import Filter, Order, Store
from crm_tools.mock_ops import MockProcess

CRM_MOCK = str(Path(sys.executable).parent / "crm-mock")

# -- store ------------------------------------------------------------------------------------


def test_a_failed_transaction_leaves_no_trace() -> None:
    store = Store()
    store.insert("a", "thing", {"n": 1})
    with pytest.raises(RuntimeError), store.transaction():
        store.insert("a", "thing", {"n": 2})
        store.put("a", "thing", {"id": 1, "n": 99})
        raise RuntimeError("validation failed half-way")
    assert [r["n"] for r in store.query("a", "thing")] == [1]
    assert store.insert("a", "thing", {"n": 3})["id"] == 2  # the sequence rolled back too


def test_query_filters_sorts_and_pages_per_account() -> None:
    store = Store()
    for name, size in [("b", 2), ("a", 3), ("c", 1), ("a", 1)]:
        store.insert("acct", "item", {"name": name, "size": size, "tags": [name, "all"]})
    store.insert("other", "item", {"name": "a", "size": 9, "tags": []})
    rows = store.query("acct", "item", [Filter("name", "=", "a")], [Order("size", descending=True)])
    assert [r["size"] for r in rows] == [3, 1]
    page = store.query("acct", "item", order=[Order("name"), Order("id")], limit=2, offset=1)
    assert [(r["name"], r["id"]) for r in page] == [("a", 4), ("b", 1)]
    assert store.count("acct", "item", [Filter("tags", "contains", "c")]) == 1
    assert store.count("acct", "item", [Filter("id", "in", [1, 3, 99])]) == 2


def test_declared_index_is_used_for_a_filtered_sorted_listing() -> None:
    store = Store()
    store.ensure_index("contact", ["is_organization", "last_name"])
    sql = (
        "SELECT data FROM records WHERE kind=? AND account=? "
        "AND json_extract(data, '$.is_organization') = ? "
        "ORDER BY json_extract(data, '$.last_name') LIMIT 100"
    )
    plan = " ".join(store.explain(sql, ["contact", "a", 0]))
    assert "USING INDEX ix_contact_is_organization_last_name" in plan, plan


def test_json_paths_cannot_inject_sql() -> None:
    with pytest.raises(ValueError, match="unsupported JSON path"):
        Store().query("a", "t", [Filter("x') OR 1=1 --", "=", 1)])


def test_timestamps_keep_four_digit_years() -> None:
    from datetime import UTC, datetime

    assert utc_timestamp(datetime(843, 6, 5, 8, 33, 19, tzinfo=UTC)) == "0843-06-05T08:33:19Z"


# -- accounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "expected an object"),
        ({"accounts": [{"users": []}]}, r"accounts\[0\] needs an id"),
        ({"accounts": [{"id": "a", "users": [{"id": "x", "credentials": {}}]}]}, "integer id"),
        ({"accounts": [{"id": "a", "users": [{"id": 1}]}]}, "credentials"),
    ],
)
def test_bad_accounts_documents_are_explained(document: Any, message: str) -> None:
    with pytest.raises(AccountsFileError, match=message):
        parse_accounts(document)


def test_accounts_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "accounts.json"
    bad.write_text("{not json")
    with pytest.raises(AccountsFileError, match=f"{bad}: not valid JSON"):
        load_accounts("clevertim", bad)
    with pytest.raises(AccountsFileError, match="cannot read"):
        load_accounts("clevertim", tmp_path / "missing.json")


def test_users_never_show_their_credentials() -> None:
    accounts = load_accounts("clevertim")
    text = repr(accounts)
    assert "demo-token" not in text and "readonly-token" not in text


# -- app assembly -----------------------------------------------------------------------------


class _Broken(VendorMock):
    """A vendor whose handler crashes, to prove the core never leaks a stack trace."""

    name = "broken"
    api_prefix = "/api"

    @staticmethod
    def secret_of(credentials: Any) -> str:
        return str(credentials["token"])

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        return json_response({"oops": message}, status)

    def routes(self) -> list[BaseRoute]:
        async def crash(request: Request) -> Response:
            raise ZeroDivisionError("secret internals")

        def unsupported(request: Request, allowed: list[str]) -> Response:
            return self.error(405, "no", request)

        return [resource("/api/crash", {"GET": crash}, unsupported)]


def test_unhandled_errors_answer_in_the_vendor_shape_and_are_counted() -> None:
    vendor = _Broken(Store(), [])
    server = BackgroundServer(build_app(vendor)).start()
    try:
        response = httpx.get(server.url + "/api/crash")
        assert response.status_code == 500
        assert response.json() == {"oops": "Internal server error"}
        assert "secret internals" not in response.text and "Traceback" not in response.text
        assert vendor.unhandled_errors == 1
        assert httpx.request("QUERY", server.url + "/api/crash").json() == {"oops": "no"}
        assert httpx.get(server.url + "/nowhere").json() == {"oops": "Not found"}
    finally:
        server.stop()


# -- command line -----------------------------------------------------------------------------


def test_db_file_keeps_state_across_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    auth = ("demo-token", "X")
    # `--port 0`: crm-mock binds a free port itself and prints it (no free-port race)
    server = MockProcess("clevertim", tmp_path / "first.log", "--db", db)
    try:
        made = httpx.post(server.api_url + "/case", json={"name": "kept"}, auth=auth).json()
    finally:
        server.stop()
    server = MockProcess("clevertim", tmp_path / "second.log", "--db", db)
    try:
        case_id = made["content"][0]["id"]
        got = httpx.get(f"{server.api_url}/case/{case_id}", auth=auth).json()
        assert got["content"][0]["name"] == "kept"
        again = httpx.post(server.api_url + "/case", json={"name": "next"}, auth=auth).json()
        assert again["content"][0]["id"] == case_id + 1  # the id sequence survived too
    finally:
        server.stop()


def test_cli_explains_bad_input_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "a.json"
    bad.write_text("[]")
    for args, message in [
        (["clevertim", "--accounts", str(bad)], "expected an object"),
        (["clevertim", "--option", "nope=1"], "unknown option(s) for clevertim: nope"),
        (["nosuchvendor"], "invalid choice"),
    ]:
        result = subprocess.run([CRM_MOCK, *args], capture_output=True, text=True, timeout=30)
        assert result.returncode == 2
        assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_help_lists_every_vendor_and_the_control_endpoints() -> None:
    out = subprocess.run([CRM_MOCK, "--help"], capture_output=True, text=True).stdout
    for word in ("clevertim", "relenta", "bantam-live", "zendesk-sell", "/__mock__/reset", "--db"):
        assert word in out


# -- the pytest plugin, as another project uses it --------------------------------------------


def test_fixture_works_in_another_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_uses_the_mock(clevertim_mock):
            token = clevertim_mock.credentials["demo"]["token"]
            r = httpx.post(clevertim_mock.api_url + "/contact", json={"fn": "A"}, auth=(token, "X"))
            assert r.status_code == 200
            assert clevertim_mock.requests()[-1]["headers"]["authorization"] == "[redacted]"

        def test_state_is_reset_between_tests(clevertim_mock):
            token = clevertim_mock.credentials["demo"]["token"]
            r = httpx.get(clevertim_mock.api_url + "/contact", auth=(token, "X"))
            assert r.json()["content"] == []
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_request_log_keeps_bodies_and_queries(clevertim_mock: Any) -> None:
    auth = (clevertim_mock.credentials["demo"]["token"], "X")
    httpx.post(clevertim_mock.api_url + "/case?x=1", json={"name": "n"}, auth=auth)
    entry = clevertim_mock.requests()[-1]
    assert (entry["method"], entry["query"], entry["status"]) == ("POST", "x=1", 200)
    assert json.loads(entry["body"]) == {"name": "n"}


def test_text_round_trips_and_lone_surrogates_are_refused(clevertim_mock: Any) -> None:
    auth = (clevertim_mock.credentials["demo"]["token"], "X")
    made = httpx.post(
        clevertim_mock.api_url + "/case",
        content=b'{"name": "caf\\u00e9", "tags": ["\\u00e9"]}',
        auth=auth,
    )
    assert made.status_code == 200
    assert (made.json()["content"][0]["name"], made.json()["content"][0]["tags"]) == ("café", ["é"])
    # "\ud8a8" is legal JSON syntax but no text: refused in the vendor's shape, nothing stored
    raw = b'{"name": "lone \\ud8a8 surrogate"}'
    refused = httpx.post(clevertim_mock.api_url + "/case", content=raw, auth=auth)
    assert refused.status_code == 400
    assert refused.json() == {"status": "ERROR", "error": refused.json()["error"]}
    assert "Unicode" in refused.json()["error"]
    listed = httpx.get(clevertim_mock.api_url + "/case", auth=auth).json()["content"]
    assert [c["name"] for c in listed] == ["café"]


def test_nan_is_not_json(clevertim_mock: Any) -> None:
    auth = (clevertim_mock.credentials["demo"]["token"], "X")
    response = httpx.post(clevertim_mock.api_url + "/case", content=b'{"name": NaN}', auth=auth)
    assert response.status_code == 500  # Clevertim's documented answer to unparseable JSON
    # in the vendor's words, never the parser's
    assert response.json() == {
        "status": "ERROR",
        "error": "Error, your JSON cannot be parsed. Use a json syntax validator.",
    }
