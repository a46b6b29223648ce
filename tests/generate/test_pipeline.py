"""The client pipeline (crm_tools.generate): what it derives from a spec, and how it fails."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.version import Version

from crm_tools import generate

ROOT = Path(__file__).resolve().parents[2]


SMALL_SPEC = """
openapi: 3.1.0
info: {title: Tiny, version: "1.2"}
servers:
  - url: "https://{account}.example.com/api"
    variables: {account: {default: a}}
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - {name: ids, in: query, style: form, explode: false,
           schema: {type: array, items: {type: integer}}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: address, in: query, style: deepObject,
           schema: {type: object, properties: {city: {type: string}}}}
        - {name: page, in: query, schema: {type: integer}}
        - {name: per_page, in: query, schema: {type: integer}}
      x-pagination: {page_param: page, size_param: per_page, items: /items}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {$ref: "#/components/schemas/Thing"}}
components:
  schemas:
    Thing: {type: object, properties: {id: {type: integer}}}
"""


def small_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SMALL_SPEC)
    return spec


def test_wire_fixes_and_pagination_are_read_from_the_spec() -> None:
    wire, paginated = generate.pipeline_data(small_spec())
    assert wire.comma_joined == ["list_things ids"]  # explode: false only, not `tags`
    assert wire.deep_object == ["list_things address"]
    (page,) = paginated
    assert (page.endpoint, page.page_param, page.size_param) == ("list_things", "page", "per_page")
    assert (page.items_path, page.next_path, page.item_type) == (["items"], None, "Thing")


def test_a_pagination_pointer_that_does_not_resolve_stops_generation() -> None:
    spec = small_spec()
    spec["paths"]["/things"]["get"]["x-pagination"]["items"] = "/records"
    with pytest.raises(generate.PipelineError, match="'records' of '/records' matches nothing"):
        generate.pipeline_data(spec)


def test_an_upstream_template_change_stops_generation_instead_of_shipping_without_a_fix() -> None:
    with pytest.raises(generate.PipelineError, match="upstream template x changed"):
        generate._patch("text without the anchor", "params[name] = value", "fixed", "x")


def test_package_versions_are_public_pep440_spec_version_plus_client_release(
    tmp_path: Path,
) -> None:
    version = generate.package_version("2012-11.1", 2)
    assert version == "2012.11.1.2" and Version(version).local is None  # PyPI refuses local labels
    releases = tmp_path / "releases.yaml"
    releases.write_text('relenta: {spec: "v3.1", release: 4}\n')
    assert generate.client_release("relenta", "v3.1", releases) == 4
    assert generate.client_release("relenta", "v3.2", releases) == 0  # a new spec version
    assert generate.client_release("clevertim", "2012-11.1", releases) == 0


@pytest.fixture
def scratch_vendor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the pipeline's inputs where a test may put its own spec."""
    specs = tmp_path / "specs"
    specs.mkdir()
    monkeypatch.setattr(generate, "SPECS", specs)
    return specs


def test_a_generator_warning_fails_the_build(scratch_vendor: Path, tmp_path: Path) -> None:
    spec = copy.deepcopy(yaml.safe_load((ROOT / "specs" / "relenta.yaml").read_text()))
    # a response media type the generator does not know: it warns and drops it
    spec["paths"]["/custom_field.list.json"]["get"]["responses"]["200"]["content"] = {
        "application/x-unknown": {"schema": {"type": "string"}}
    }
    (scratch_vendor / "relenta.yaml").write_text(yaml.safe_dump(spec))
    with pytest.raises(generate.PipelineError, match="openapi-python-client generate failed"):
        generate.build("relenta", tmp_path / "out")


def test_generation_is_deterministic_and_matches_the_committed_client(tmp_path: Path) -> None:
    first = generate.build("relenta", tmp_path / "a")
    second = generate.build("relenta", tmp_path / "b")
    assert generate.differences(first, second) == []
    assert generate.differences(generate.client_dir("relenta"), first) == []


def test_model_parsing_runs_no_import_statement_and_every_model_module_imports_first() -> None:
    """from_dict once imported the models it builds on every call (~1 us each, a tenth of a
    Sell contact's parse); the pipeline puts those imports at the end of the module. Each model
    module must still import on its own, whatever refers to it (models refer to each other)."""
    import ast
    import subprocess
    import sys

    for client in sorted((ROOT / "generated").glob("*-client")):
        package = next(p for p in client.iterdir() if p.name.endswith("_client"))
        modules = sorted((package / "models").glob("[!_]*.py"))
        assert modules
        for path in modules:
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and node.name == "from_dict":
                    imports = [n for n in ast.walk(node) if isinstance(n, ast.ImportFrom)]
                    assert imports == [], f"{path.name}: from_dict imports at call time"
        # a fresh interpreter per client, importing a model module before anything else
        first = f"{package.name}.models.{modules[len(modules) // 2].stem}"
        subprocess.run(
            [sys.executable, "-c", f"import {first}"], cwd=client, check=True, timeout=60
        )
