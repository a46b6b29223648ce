"""The contract runner's stored-data hooks (scripts/contract_hooks.py) against the real mocks.

They replace the old "depends on stored data" exclusions of positive_data_acceptance, so they
must really produce data the mock accepts and must never touch a negative case.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import contract_hooks
import httpx
import pytest

from crm_mocks.pytest_plugin import RunningMock


@pytest.fixture
def hooked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    def point_at(mock: RunningMock, user: str) -> None:
        monkeypatch.setattr(contract_hooks, "VENDOR", mock.vendor)
        monkeypatch.setattr(contract_hooks, "BASE_URL", mock.api_url)
        for name, value in mock.credentials[user].items():
            monkeypatch.setenv(f"CONTRACT_SECRET_{name.upper()}", value)

    yield point_at


def test_clevertim_cf_names_a_field_defined_for_the_resource(
    clevertim_mock: RunningMock, hooked: Any
) -> None:
    hooked(clevertim_mock, "demo")
    body = contract_hooks.clevertim_body("createCase", {"name": "x", "cf": {"zz": "v"}}, {})
    (field_id,) = body["cf"]
    assert body["cf"][field_id] == "v"
    again = contract_hooks.clevertim_body("updateCase", {"cf": {"1": 5}}, {"id": 1})
    assert again["cf"] == {field_id: "value"}, "the definition is reused, not re-created"
    token = clevertim_mock.credentials["demo"]["token"]
    with httpx.Client(base_url=clevertim_mock.api_url, auth=(token, "X")) as api:
        assert api.post("/case", json=body).status_code == 200
        fields = api.get("/customfield").json()["content"]
    assert [(f["elemType"], f["modelType"]) for f in fields] == [("input", ["cases"])]


def test_clevertim_update_never_blanks_the_only_name(
    clevertim_mock: RunningMock, hooked: Any
) -> None:
    hooked(clevertim_mock, "demo")
    token = clevertim_mock.credentials["demo"]["token"]
    with httpx.Client(base_url=clevertim_mock.api_url, auth=(token, "X")) as api:
        only_first = api.post("/contact", json={"fn": "Ann"}).json()["content"][0]["id"]
        both = api.post("/contact", json={"fn": "Bo", "ln": "Lee"}).json()["content"][0]["id"]
        fixed = contract_hooks.clevertim_body("updateContact", {"fn": ""}, {"id": only_first})
        kept = contract_hooks.clevertim_body("updateContact", {"fn": ""}, {"id": both})
        assert fixed == {"fn": "Name"} and kept == {"fn": ""}
        assert api.put(f"/contact/{only_first}", json=fixed).status_code == 200
        assert api.put(f"/contact/{both}", json=kept).status_code == 200
        assert api.put(f"/contact/{only_first}", json={"fn": ""}).status_code == 400


def test_relenta_extra_keys_become_the_departments_custom_fields(
    relenta_mock: RunningMock, hooked: Any
) -> None:
    hooked(relenta_mock, "demo")
    definitions = contract_hooks.relenta_definitions()
    assert definitions, "the demo department has custom fields"
    known = {"first_name", "last_name"}
    body = contract_hooks.relenta_body(
        "createContact", {"first_name": "Al", "weird key": "x", "other": 3}, known
    )
    extra = [k for k in body if k not in known]
    assert body["first_name"] == "Al" and len(extra) == 2
    assert set(extra) <= {d["key"] for d in definitions}
    key = relenta_mock.credentials["demo"]["department_key"]
    with httpx.Client(
        base_url=relenta_mock.api_url, headers={"X-Relenta-Department-Key": key}
    ) as api:
        assert api.post("/contact.create.json", json=body).json()["status"] is True
    untouched = {"first_name": "Al"}
    assert contract_hooks.relenta_body("createContact", dict(untouched), known) == untouched


def test_negative_bodies_are_left_as_generated(clevertim_mock: RunningMock, hooked: Any) -> None:
    hooked(clevertim_mock, "demo")

    class Meta:
        def __init__(self, negative: bool) -> None:
            self.negative = negative

        def is_negative_at(self, location: Any) -> bool:
            return self.negative

    def case(negative: bool) -> Any:
        operation = SimpleNamespace(definition=SimpleNamespace(raw={"operationId": "createCase"}))
        return SimpleNamespace(
            body={"name": "x", "cf": {"nope": "v"}},
            meta=Meta(negative),
            operation=operation,
            path_parameters={},
        )

    assert contract_hooks.map_case(None, case(True)).body["cf"] == {"nope": "v"}
    assert "nope" not in contract_hooks.map_case(None, case(False)).body["cf"]
