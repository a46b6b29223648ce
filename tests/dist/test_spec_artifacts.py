"""dist/specs/ (`make dist`, crm_tools.dist): per spec the YAML copy, its JSON and its
dereferenced JSON, each valid OpenAPI.

The artifacts are built once, by the same function `make dist` runs, into pytest's temporary
folder (never dist/, which may be stale or absent on a fresh clone); the build skips its own
validation there and the tests below validate every artifact instead, one test each.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from crm_tools import dist

ROOT = Path(__file__).resolve().parents[2]
VENDORS = dist.vendors()
SUFFIXES = [".yaml", ".json", ".dereferenced.json"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist") / "specs"
    files = dist.build_specs(out, check=False)
    assert sorted(p.name for p in files) == sorted(f"{v}{s}" for v in VENDORS for s in SUFFIXES)
    return out


def _load(path: Path) -> Any:
    if path.suffix == ".yaml":
        return yaml.safe_load(path.read_text("utf-8"))
    return json.loads(path.read_text("utf-8"))


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """(JSON pointer, node) for every node of a document."""
    yield pointer, node
    if isinstance(node, dict | list):
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            yield from _walk(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")


def _at(document: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        document = document[int(key)] if isinstance(document, list) else document[key]
    return document


def _refs_reachable(document: Any, start: str) -> set[str]:
    """Every local $ref reachable from the target of `start` (following refs transitively)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        target = _at(document, todo.pop()[1:])
        for _, node in _walk(target):
            if isinstance(node, dict) and isinstance(node.get("$ref"), str):
                ref = node["$ref"]
                if ref.startswith("#/") and ref not in seen:
                    seen.add(ref)
                    todo.append(ref)
    return seen


@pytest.mark.parametrize("vendor", VENDORS)
def test_yaml_is_the_spec_byte_for_byte(built: Path, vendor: str) -> None:
    assert (built / f"{vendor}.yaml").read_bytes() == (
        ROOT / "specs" / f"{vendor}.yaml"
    ).read_bytes()


@pytest.mark.parametrize("vendor", VENDORS)
def test_json_equals_the_yaml(built: Path, vendor: str) -> None:
    # PyYAML's plain safe_load, not the lint gate's loader dist.py uses: an independent reading
    assert _load(built / f"{vendor}.json") == yaml.safe_load(
        (ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8")
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_dereferenced_keeps_only_recursive_refs_and_inlines_the_targets(
    built: Path, vendor: str
) -> None:
    source = _load(built / f"{vendor}.yaml")
    inlined = _load(built / f"{vendor}.dereferenced.json")
    # A schema that contains itself (Sell's Search v3 filter: and/or/not of filters) cannot be
    # inlined; every $ref left must lie on a cycle of the source's $ref graph.
    left = {node["$ref"] for _, node in _walk(inlined) if isinstance(node, dict) and "$ref" in node}
    for ref in left:
        assert ref.startswith("#/"), ref
        assert ref in _refs_reachable(source, ref), f"{ref} is not recursive"
    checked = 0
    for pointer, node in _walk(source):
        if not (isinstance(node, dict) and set(node) == {"$ref"}):
            continue
        target = _at(source, node["$ref"][1:])
        if "$ref" not in json.dumps(target):  # a leaf target: inlined exactly as written
            assert _at(inlined, pointer) == target, pointer
            checked += 1
    assert checked > 0 or "$ref" not in json.dumps(source)
    assert inlined["paths"].keys() == source["paths"].keys()


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("vendor", VENDORS)
def test_artifact_is_valid_openapi(built: Path, vendor: str, suffix: str) -> None:
    validate(_load(built / f"{vendor}{suffix}"))


# -- crm_tools.dist's own checks --------------------------------------------------------------


def _smallest_spec() -> Path:
    return min((ROOT / "specs").glob("*.yaml"), key=lambda p: p.stat().st_size)


def test_build_with_checks_passes_on_a_real_spec(tmp_path: Path) -> None:
    spec = _smallest_spec()
    files, kept = dist.build_spec(spec.stem, tmp_path)
    assert [p.name for p in files] == [f"{spec.stem}{s}" for s in SUFFIXES] and kept == []


def test_build_stops_on_a_spec_that_fails_the_lint_gate(tmp_path: Path) -> None:
    spec = _smallest_spec()
    specs = tmp_path / "specs"
    specs.mkdir()
    text = re.sub(r"operationId: \w+", "operationId: Not-Camel-Case", spec.read_text(), count=1)
    (specs / spec.name).write_text(text)
    with pytest.raises(dist.DistError, match="lint gate"):
        dist.build_specs(tmp_path / "out", specs)
    dist.build_specs(tmp_path / "out", specs, check=False)  # only the checks stopped it


def test_invalid_openapi_is_rejected() -> None:
    with pytest.raises(dist.DistError, match="openapi-spec-validator"):
        dist.validate_openapi({"openapi": "3.1.0", "paths": {}}, "x.json")  # no info


SCHEMAS = {
    "Node": {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        },
    },
    "Id": {"type": "integer", "minimum": 1},
    "Name": {"type": "string"},
}


def test_recursive_refs_are_kept_and_named() -> None:
    doc = {"components": {"schemas": SCHEMAS}, "x-root": {"$ref": "#/nowhere"}}
    doc["paths"] = {"/n": {"get": {"responses": {"200": {"$ref": "#/components/responses/N"}}}}}
    doc["components"]["responses"] = {
        "N": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}}
    }
    inlined, kept = dist.dereference(doc)
    assert kept == ["#/components/schemas/Node"]
    schema = inlined["paths"]["/n"]["get"]["responses"]["200"]["content"]["application/json"]
    node = schema["schema"]
    assert node["properties"]["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    assert inlined["x-root"] == {"$ref": "#/nowhere"}  # extensions are data, left as written


def test_ref_siblings_and_literal_data() -> None:
    props = {
        "id": {"$ref": "#/components/schemas/Id", "readOnly": True},
        "code": {"$ref": "#/components/schemas/Id", "type": "string"},
        "example": {"$ref": "#/components/schemas/Name"},  # a property called `example`
        "$ref": {"$ref": "#/components/schemas/Name"},  # a property called `$ref`
    }
    schema = {"type": "object", "properties": props, "example": {"$ref": "literal"}}
    schemas = {"Id": SCHEMAS["Id"], "Name": SCHEMAS["Name"], "T": schema}
    inlined, kept = dist.dereference({"components": {"schemas": schemas}})
    out = inlined["components"]["schemas"]["T"]
    assert out["properties"]["id"] == {"type": "integer", "minimum": 1, "readOnly": True}
    assert out["properties"]["code"] == {"allOf": [SCHEMAS["Id"]], "type": "string"}
    assert out["properties"]["example"] == out["properties"]["$ref"] == {"type": "string"}
    assert out["example"] == {"$ref": "literal"} and kept == []


def test_only_local_refs_can_be_inlined() -> None:
    with pytest.raises(dist.DistError, match="only local"):
        dist.dereference({"paths": {"/a": {"$ref": "other.yaml#/paths/~1a"}}})
    with pytest.raises(dist.DistError, match="does not resolve"):
        dist.dereference({"paths": {"/a": {"$ref": "#/components/pathItems/missing"}}})
