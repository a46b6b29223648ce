"""One reading of a spec under every tool (crm_tools.spec): the lint gate and the client
pipeline agree on what resolves, because both read the spec through the same model.

The two disagreements issue 14 found are pinned here on the lint fixture: a pagination pointer
through `oneOf` passed the gate but stopped generation; a `$ref` to another file passed the gate
but generation refused it.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from crm_tools import dist, generate
from crm_tools import lint as gate
from crm_tools import spec as openapi

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"
BASE: dict[str, Any] = gate.load_spec(FIXTURE).document
LIST = "/contacts"


@pytest.fixture
def doc() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def _page_through_one_of(doc: dict[str, Any]) -> None:
    """ContactList's `items` moves into the first member of a oneOf."""
    schemas = doc["components"]["schemas"]
    items = schemas["ContactList"]["properties"].pop("items")
    schemas["ContactList"]["required"] = ["meta"]
    schemas["ContactList"]["oneOf"] = [
        {"type": "object", "description": "A page.", "properties": {"items": items}},
        {"type": "object", "description": "An empty page.", "properties": {}},
    ]


def test_a_pagination_pointer_through_one_of_passes_both(doc: dict[str, Any]) -> None:
    _page_through_one_of(doc)
    assert gate.lint(doc, str(FIXTURE)) == []
    _, paginated = generate.pipeline_data(doc)
    (page,) = paginated
    assert (page.items_path, page.item_type) == (["items"], "Contact")


def test_a_pagination_pointer_to_nothing_fails_both(doc: dict[str, Any]) -> None:
    doc["paths"][LIST]["get"]["x-pagination"]["items"] = "/records"
    (problem,) = gate.lint(doc, str(FIXTURE))
    assert problem.rule == "extension-shape"
    assert "segment 'records' of '/records' matches nothing" in problem.message
    with pytest.raises(generate.PipelineError, match="segment 'records' of '/records'"):
        generate.pipeline_data(doc)


def test_a_ref_to_another_file_is_refused_by_every_tool(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    (tmp_path / "common.yaml").write_text("Contact:\n  type: object\n", encoding="utf-8")
    media = doc["paths"][LIST]["get"]["responses"]["200"]
    media = openapi.resolve(doc, media)["content"]["application/json"]
    media["schema"] = {"$ref": "common.yaml#/ContactList"}
    problems = gate.lint(doc, str(tmp_path / "minimal.yaml"))
    assert {p.rule for p in problems} >= {"unresolved-ref"}
    refused = [p for p in problems if p.rule == "unresolved-ref"]
    assert all(openapi.EXTERNAL_REF in p.message for p in refused)
    with pytest.raises(generate.PipelineError, match="only local '#/...' references"):
        generate.pipeline_data(doc)
    with pytest.raises(dist.DistError, match="only local '#/...' references"):
        dist.dereference(doc)


def test_operations_and_parameters() -> None:
    ops = openapi.operations(BASE)
    assert [(o.method, o.path) for o in ops][:2] == [("get", LIST), ("post", LIST)]
    listing = ops[0]
    assert {name for (where, name) in openapi.parameters(BASE, listing)} >= {"page", "per_page"}
    assert listing.label == "listContacts (GET /contacts)"


def test_resolve_ref_names_what_is_there() -> None:
    with pytest.raises(openapi.RefError, match="did you mean 'Contact'"):
        openapi.resolve_ref(BASE, "#/components/schemas/Contatc")
    node, pointer = openapi.resolve_ref(BASE, "#/components/schemas/Contact")
    assert pointer == "/components/schemas/Contact" and node["type"] == "object"
    with pytest.raises(openapi.RefError, match="cycle"):
        openapi.resolve({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}, {"$ref": "#/a"})


def test_one_name_map_list_for_every_tool() -> None:
    assert dist.NAME_MAPS == openapi.NAME_MAPS | openapi.EXTENSIBLE_NAME_MAPS
