"""The public interface of `crm_mocks` (what `__init__` exports), as code outside the package
uses it: starting and stopping a mock, the vendor error, the declared options."""

from __future__ import annotations

import ast
import re
import subprocess
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

import crm_mocks
from crm_mocks import VENDORS, MockError, OptionError, RunningMock, start_mock
from crm_mocks.cli import main as cli_main
from crm_mocks.core.app import VendorMock, build_app
from crm_mocks.core.faults import FAULT_OPTIONS
from crm_mocks.core.http import json_response, resource
from crm_mocks.core.options import Option
from crm_mocks.core.server import BackgroundServer
from crm_mocks.core.store import Store
from crm_mocks.registry import VENDORS as REGISTRY
from crm_mocks.registry import vendor_class
from crm_tools.mock_ops import CRM_MOCK, MockProcess

MOCKS = Path(crm_mocks.__file__).parent


def test_the_exported_names_are_pinned() -> None:
    # a name added or removed here is a change of the public interface: say so in the README
    assert sorted(crm_mocks.__all__) == [
        "MockError",
        "OptionError",
        "RunningMock",
        "VENDORS",
        "__version__",
        "start_mock",
    ]
    for name in crm_mocks.__all__:
        assert getattr(crm_mocks, name) is not None
    assert VENDORS == ("bantam-live", "clevertim", "relenta", "zendesk-sell")
    assert set(VENDORS) == set(REGISTRY)
    assert crm_mocks.__version__ == version("crm-mocks")


def test_the_pytest_plugin_still_re_exports_the_runner() -> None:
    from crm_mocks import pytest_plugin

    assert (pytest_plugin.start_mock, pytest_plugin.RunningMock) == (start_mock, RunningMock)


def test_the_runner_does_not_import_pytest() -> None:
    """The contract runner and the bench use crm_mocks.testing: a CLI tool must not need pytest."""
    for path in (MOCKS / "testing.py", MOCKS / "__init__.py", MOCKS / "cli.py"):
        tree = ast.parse(path.read_text())
        imported = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert "pytest" not in imported and "pytest_plugin" not in imported, path


# -- start_mock --------------------------------------------------------------------------------


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/__mock__/health", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_start_mock_as_a_context_manager_serves_then_stops() -> None:
    with start_mock("clevertim") as mock:
        assert isinstance(mock, RunningMock)
        assert mock.url.startswith("http://127.0.0.1:") and not mock.url.endswith(":0")
        assert mock.api_url == mock.url + "/api"
        token = mock.credentials["demo"]["token"]
        created = httpx.post(mock.api_url + "/contact", json={"fn": "Ada"}, auth=(token, "X"))
        assert created.status_code == 200
        assert [r["method"] for r in mock.requests()] == ["POST"]
        mock.reset()
        assert mock.requests() == []
        url = mock.url
    assert not _answers(url)


def test_start_mock_without_with_runs_until_stop() -> None:
    mock = start_mock("relenta", contact_limit=1)
    try:
        assert _answers(mock.url)
        assert mock.mock.options["contact_limit"] == 1
    finally:
        mock.stop()
    assert not _answers(mock.url)
    mock.stop()  # a second stop is harmless


def test_start_mock_on_a_taken_port_fails_at_once() -> None:
    with start_mock("bantam-live") as first:
        port = int(first.url.rsplit(":", 1)[1])
        with pytest.raises(OSError):
            start_mock("bantam-live", port=port)
        assert _answers(first.url)


def test_start_mock_checks_options_against_their_declarations() -> None:
    with pytest.raises(OptionError, match=r"unknown option\(s\) for clevertim: nope"):
        start_mock("clevertim", nope=1)
    with pytest.raises(OptionError, match="feed_limit must be between 1 and 1000"):
        start_mock("bantam-live", feed_limit=5000)
    with pytest.raises(OptionError, match="rate_limit must be an integer"):
        start_mock("zendesk-sell", rate_limit="many")


# -- crm-mock --port 0 ---------------------------------------------------------------------------


def test_crm_mock_port_0_reports_a_port_that_answers(tmp_path: Path) -> None:
    server = MockProcess("relenta", tmp_path / "stderr.log")
    try:
        assert server.api_url.startswith("http://127.0.0.1:")
        assert "127.0.0.1:0/" not in server.api_url
        assert _answers(server.api_url.removesuffix("/api/v3"))
    finally:
        server.stop()


# -- options: one declaration for --option, Python and --help ---------------------------------


def _declared() -> list[tuple[str, Option]]:
    own = [(vendor, o) for vendor in VENDORS for o in vendor_class(vendor).declared_options]
    return own + [("clevertim", option) for option in FAULT_OPTIONS]


def _out_of_bounds(option: Option) -> str:
    if option.maximum is not None:
        return str(option.maximum + 1)
    if option.minimum is not None:
        return str(option.minimum - 1)
    return "" if option.type is str else "not-a-value"


@pytest.mark.parametrize(("vendor", "option"), _declared(), ids=lambda x: getattr(x, "name", x))
def test_option_errors_come_from_the_declaration(
    vendor: str, option: Option, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _out_of_bounds(option)
    with pytest.raises(OptionError) as raised:
        option.parse(raw)
    assert str(raised.value).startswith(option.name)
    assert cli_main([vendor, "--option", f"{option.name}={raw}"]) == 2
    assert str(raised.value) in capsys.readouterr().err
    with pytest.raises(OptionError, match=re.escape(str(raised.value).split(",")[0])):
        start_mock(vendor, **{option.name: raw})


def test_option_values_from_the_command_line_are_typed() -> None:
    declared = {o.name: o for o in vendor_class("zendesk-sell").all_options()}
    assert declared["rate_limit"].parse("5") == 5
    assert declared["rate_window"].parse("0.5") == 0.5
    assert declared["fault_seed"].parse("7") == 7
    with pytest.raises(OptionError, match="must be > 0"):
        declared["rate_window"].parse("0")
    with pytest.raises(OptionError, match="must be an integer"):
        declared["rate_limit"].parse(True)


def test_help_lists_every_declared_option() -> None:
    out = subprocess.run([CRM_MOCK, "--help"], capture_output=True, text=True, timeout=60).stdout
    flat = " ".join(out.split())  # argparse does not wrap the options section, but be safe
    for _, option in _declared():
        assert " ".join(option.help().split()) in flat
    assert "0 picks a free one" in flat


# -- MockError and the default `unsupported` --------------------------------------------------


class _Teapot(VendorMock):
    name = "teapot"
    api_prefix = "/api"

    @staticmethod
    def secret_of(credentials: Any) -> str:
        return ""

    def error(self, status: int, message: str, request: Request | None = None) -> Response:
        return json_response({"problem": message}, status)

    def failure(self, exc: Exception) -> MockError | None:
        return MockError(422, f"bad value: {exc}") if isinstance(exc, ValueError) else None

    def routes(self) -> list[BaseRoute]:
        async def brew(request: Request) -> Response:
            raise MockError(418, "I'm a teapot", headers={"X-Brew": "no"})

        async def parse(request: Request) -> Response:
            raise ValueError("not a number")

        return [
            resource("/api/brew", {"GET": brew}, self.unsupported),
            resource("/api/parse", {"GET": parse}, self.unsupported),
        ]


def test_a_mock_error_anywhere_in_a_handler_is_answered_in_the_vendor_shape() -> None:
    vendor = _Teapot(Store(), [])
    server = BackgroundServer(build_app(vendor)).start()
    try:
        brewed = httpx.get(server.url + "/api/brew")
        assert (brewed.status_code, brewed.json()) == (418, {"problem": "I'm a teapot"})
        assert brewed.headers["X-Brew"] == "no"
        parsed = httpx.get(server.url + "/api/parse")  # the vendor's reading of a ValueError
        assert (parsed.status_code, parsed.json()) == (422, {"problem": "bad value: not a number"})
        # the core's default `unsupported`: 405 in the vendor's shape, with Allow
        refused = httpx.post(server.url + "/api/brew")
        assert (refused.status_code, refused.json()) == (405, {"problem": "Method not allowed"})
        assert refused.headers["Allow"] == "GET"
        assert vendor.unhandled_errors == 0
    finally:
        server.stop()


def test_no_vendor_defines_its_own_error_class_or_guard() -> None:
    for vendor in VENDORS:
        source = Path(vendor_class(vendor).__module__.replace(".", "/") + ".py")
        text = (MOCKS.parent / source).read_text()
        assert "def guarded" not in text, vendor
        tree = ast.parse(text)
        bases = [
            ast.unparse(base)
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
            for base in node.bases
        ]
        assert "Exception" not in bases, vendor


def test_sell_listing_and_resources_do_not_import_each_other() -> None:
    tree = ast.parse((MOCKS / "zendesk_sell" / "resources.py").read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "listing" not in modules
