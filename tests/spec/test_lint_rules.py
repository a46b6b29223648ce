"""Each rule of crm_tools.lint fires on a spec broken in exactly one way.

The fixture tests/spec/fixtures/minimal.yaml passes every rule; each case below breaks one
thing in a copy of it and checks that exactly the expected rule (and no other) reports it.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crm_tools import lint as gate

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


BASE: dict[str, Any] = gate.load_spec(FIXTURE).document
Doc = dict[str, Any]


def lint(doc: Doc, source: Path = FIXTURE) -> list[Any]:
    problems: list[Any] = gate.lint(doc, str(source))
    return problems


def op(doc: Doc, path: str, method: str) -> Doc:
    operation: Doc = doc["paths"][path][method]
    return operation


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


LIST, ITEM = "/contacts", "/contacts/{contact_id}"


@pytest.fixture
def doc() -> Doc:
    return copy.deepcopy(BASE)


def test_fixture_passes_every_rule() -> None:
    loaded = gate.load_spec(FIXTURE)
    assert loaded.problems == []
    assert lint(loaded.document) == []


def test_lint_does_not_modify_the_document(doc: Doc) -> None:
    lint(doc)
    assert doc == BASE


def test_every_rule_is_documented() -> None:
    assert set(gate.RULES) >= {
        "structure",
        "unresolved-ref",
        "link-target",
        "operation-id",
        "operation-summary",
        "operation-tag",
        "client-error-response",
        "example-invalid",
        "extension-shape",
        "provenance",
        "servers",
    }


# ------------------------------------------------------------------------------ breakers


def _broken_ref(d: Doc) -> None:
    content = op(d, ITEM, "get")["responses"]["200"]["content"]["application/json"]
    content["schema"]["$ref"] = "#/components/schemas/Contatc"


def _broken_parameter_ref(d: Doc) -> None:
    op(d, LIST, "get")["parameters"][0]["$ref"] = "#/components/parameters/Pgae"


def _link_to_missing_operation(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["Archive"] = {"operationId": "archiveContact", "parameters": {}}


def _link_parameter_not_on_target(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"]["contactId"] = "$response.body#/id"


def _link_without_required_path_parameter(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"] = {}


def _link_bad_operation_ref(d: Doc) -> None:
    link = d["components"]["links"]["GetCreatedContact"]
    del link["operationId"]
    link["operationRef"] = "#/paths/~1contacts~1{contact_id}/patch"


def _link_expression_syntax(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"]["contact_id"] = "$response.body.id"


def _link_expression_pointer(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"]["contact_id"] = "$response.body#/data/id"


def _link_expression_without_dollar(d: Doc) -> None:
    links = op(d, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"]["contact_id"] = "response.body#/id"


def _create_without_link(d: Doc) -> None:
    del op(d, LIST, "post")["responses"]["201"]["links"]["GetContact"]


def _missing_operation_id(d: Doc) -> None:
    del op(d, LIST, "get")["operationId"]


def _snake_case_operation_id(d: Doc) -> None:
    op(d, LIST, "get")["operationId"] = "list_contacts"


def _duplicate_operation_id(d: Doc) -> None:
    op(d, ITEM, "post")["operationId"] = "listContacts"


def _missing_summary(d: Doc) -> None:
    del op(d, ITEM, "get")["summary"]


def _blank_description(d: Doc) -> None:
    op(d, ITEM, "get")["description"] = "  "


def _two_tags(d: Doc) -> None:
    d["tags"].append({"name": "People", "description": "Also people."})
    op(d, ITEM, "get")["tags"] = ["Contacts", "People"]


def _undeclared_tag(d: Doc) -> None:
    op(d, ITEM, "get")["tags"] = ["Contact"]


def _tag_without_description(d: Doc) -> None:
    del d["tags"][0]["description"]


def _no_client_error(d: Doc) -> None:
    del op(d, ITEM, "get")["responses"]["404"]


def _invalid_media_type_example(d: Doc) -> None:
    media = op(d, LIST, "post")["requestBody"]["content"]["application/json"]
    media["example"]["name"] = 123


def _invalid_referenced_example(d: Doc) -> None:
    del d["components"]["examples"]["Ann"]["value"]["id"]  # required in a response


def _invalid_schema_example(d: Doc) -> None:
    schema(d, "Contact")["properties"]["email"]["example"] = 42


def _invalid_schema_examples_list(d: Doc) -> None:
    schema(d, "Error")["examples"].append({"message": "no error key"})


def _invalid_parameter_example(d: Doc) -> None:
    d["components"]["parameters"]["Page"]["example"] = "two"


def _invalid_header_example(d: Doc) -> None:
    headers = op(d, LIST, "get")["responses"]["200"]["headers"]
    headers["X-RateLimit-Remaining"]["example"] = -1


def _invalid_format_in_example(d: Doc) -> None:
    schema(d, "Contact")["properties"]["email"]["example"] = "not an address"


def _invalid_default(d: Doc) -> None:
    d["components"]["parameters"]["PerPage"]["schema"]["default"] = 500


def _structure_invalid(d: Doc) -> None:
    op(d, LIST, "get")["responses"]["200"]["headers"]["X-RateLimit-Remaining"]["required"] = "y"


def _path_template_mismatch(d: Doc) -> None:
    d["paths"]["/contacts/{id}"] = d["paths"].pop(ITEM)


def _bad_schema_object(d: Doc) -> None:
    schema(d, "PageMeta")["properties"]["next_page"]["type"] = "text"


def _malformed_decision(d: Doc) -> None:
    del op(d, ITEM, "post")["x-decision"]["why"]


def _decision_id_format(d: Doc) -> None:
    op(d, ITEM, "post")["x-decision"]["id"] = "4.2"


def _duplicate_decision_id(d: Doc) -> None:
    op(d, ITEM, "get")["x-decision"] = dict(op(d, ITEM, "post")["x-decision"])


def _inferred_not_true(d: Doc) -> None:
    schema(d, "Contact")["properties"]["source"]["x-inferred"] = "yes"


def _alias_of_nothing(d: Doc) -> None:
    op(d, ITEM, "post")["x-alias-of"] = "updateContacts"


def _pagination_param_missing(d: Doc) -> None:
    op(d, LIST, "get")["x-pagination"]["page_param"] = "offset"


def _pagination_items_unresolved(d: Doc) -> None:
    op(d, LIST, "get")["x-pagination"]["items"] = "/records"


def _pagination_items_not_array(d: Doc) -> None:
    op(d, LIST, "get")["x-pagination"]["items"] = "/meta"


def _pagination_on_non_operation(d: Doc) -> None:
    schema(d, "ContactList")["x-pagination"] = op(d, LIST, "get")["x-pagination"]


def _unknown_extension(d: Doc) -> None:
    schema(d, "Contact")["properties"]["source"]["x-infered"] = True


def _extension_without_description(d: Doc) -> None:
    del schema(d, "Contact")["properties"]["source"]["description"]


def _missing_provenance(d: Doc) -> None:
    del d["info"]["x-provenance"]


def _provenance_without_vendor_docs(d: Doc) -> None:
    d["info"]["x-provenance"][0]["kind"] = "vendor-doc"


def _missing_info_description(d: Doc) -> None:
    del d["info"]["description"]


def _no_servers(d: Doc) -> None:
    del d["servers"]


def _local_server(d: Doc) -> None:
    d["servers"][0]["url"] = "http://127.0.0.1:8000/v1"


CASES: list[tuple[str, Callable[[Doc], None], str]] = [
    ("broken-ref", _broken_ref, "unresolved-ref"),
    ("broken-parameter-ref", _broken_parameter_ref, "unresolved-ref"),
    ("link-to-missing-operation", _link_to_missing_operation, "link-target"),
    ("link-parameter-not-on-target", _link_parameter_not_on_target, "link-target"),
    ("link-missing-path-parameter", _link_without_required_path_parameter, "link-target"),
    ("link-operation-ref-unresolved", _link_bad_operation_ref, "link-target"),
    ("link-expression-syntax", _link_expression_syntax, "link-expression"),
    ("link-expression-pointer", _link_expression_pointer, "link-expression"),
    ("link-expression-without-dollar", _link_expression_without_dollar, "link-expression"),
    ("create-without-get-link", _create_without_link, "create-links"),
    ("missing-operation-id", _missing_operation_id, "operation-id"),
    ("snake-case-operation-id", _snake_case_operation_id, "operation-id"),
    ("duplicate-operation-id", _duplicate_operation_id, "operation-id"),
    ("missing-summary", _missing_summary, "operation-summary"),
    ("blank-description", _blank_description, "operation-description"),
    ("two-tags", _two_tags, "operation-tag"),
    ("undeclared-tag", _undeclared_tag, "operation-tag"),
    ("tag-without-description", _tag_without_description, "operation-tag"),
    ("no-4xx", _no_client_error, "client-error-response"),
    ("invalid-media-type-example", _invalid_media_type_example, "example-invalid"),
    ("invalid-referenced-example", _invalid_referenced_example, "example-invalid"),
    ("invalid-schema-example", _invalid_schema_example, "example-invalid"),
    ("invalid-schema-examples-list", _invalid_schema_examples_list, "example-invalid"),
    ("invalid-parameter-example", _invalid_parameter_example, "example-invalid"),
    ("invalid-header-example", _invalid_header_example, "example-invalid"),
    ("invalid-format-in-example", _invalid_format_in_example, "example-invalid"),
    ("invalid-default", _invalid_default, "default-invalid"),
    ("structure", _structure_invalid, "structure"),
    ("path-template-mismatch", _path_template_mismatch, "structure"),
    ("bad-schema-object", _bad_schema_object, "structure"),
    ("malformed-x-decision", _malformed_decision, "extension-shape"),
    ("x-decision-id-format", _decision_id_format, "extension-shape"),
    ("duplicate-x-decision-id", _duplicate_decision_id, "extension-shape"),
    ("x-inferred-not-true", _inferred_not_true, "extension-shape"),
    ("x-alias-of-nothing", _alias_of_nothing, "extension-shape"),
    ("x-pagination-param-missing", _pagination_param_missing, "extension-shape"),
    ("x-pagination-items-unresolved", _pagination_items_unresolved, "extension-shape"),
    ("x-pagination-items-not-array", _pagination_items_not_array, "extension-shape"),
    ("x-pagination-not-on-operation", _pagination_on_non_operation, "extension-shape"),
    ("unknown-extension", _unknown_extension, "extension-unknown"),
    ("extension-without-description", _extension_without_description, "extension-description"),
    ("missing-provenance", _missing_provenance, "provenance"),
    ("provenance-without-vendor-docs", _provenance_without_vendor_docs, "provenance"),
    ("missing-info-description", _missing_info_description, "info"),
    ("no-servers", _no_servers, "servers"),
    ("local-server", _local_server, "servers"),
]


@pytest.mark.parametrize(("breaker", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_fires_alone(doc: Doc, breaker: Callable[[Doc], None], rule: str) -> None:
    breaker(doc)
    problems = lint(doc)
    assert problems, "the broken spec passed"
    assert {p.rule for p in problems} == {rule}, "\n".join(map(str, problems))
    assert all(p.message for p in problems)


def test_every_rule_has_a_failing_case() -> None:
    assert {c[2] for c in CASES} | {"yaml"} == set(gate.RULES)


# ------------------------------------------------------------------------------ details


def test_problem_is_a_frozen_value() -> None:
    problem = gate.Problem("/servers", "no servers", "servers")
    with pytest.raises(AttributeError):
        problem.rule = "other"
    assert problem == gate.Problem("/servers", "no servers", "servers")


def test_pointers_are_precise(doc: Doc) -> None:
    _invalid_media_type_example(doc)
    _pagination_param_missing(doc)
    _link_to_missing_operation(doc)
    pointers = {p.rule: p.pointer for p in lint(doc)}
    post = "/paths/~1contacts/post"
    assert pointers == {
        "example-invalid": f"{post}/requestBody/content/application~1json/example/name",
        "extension-shape": "/paths/~1contacts/get/x-pagination/page_param",
        "link-target": f"{post}/responses/201/links/Archive/operationId",
    }


def test_structure_errors_are_located(doc: Doc) -> None:
    _structure_invalid(doc)
    (problem,) = lint(doc)
    header = "/paths/~1contacts/get/responses/200/headers/X-RateLimit-Remaining"
    assert problem.pointer == f"{header}/required"
    assert "boolean" in problem.message


def test_garbage_is_reported_not_raised() -> None:
    assert {p.rule for p in gate.lint([], str(FIXTURE))} == {"structure"}
    assert {p.rule for p in gate.lint({"paths": {"/x": {"get": 1}}}, str(FIXTURE))} >= {"structure"}


def test_messages_say_how_to_fix(doc: Doc) -> None:
    _snake_case_operation_id(doc)
    _undeclared_tag(doc)
    messages = " | ".join(p.message for p in lint(doc))
    assert "'listContacts'" in messages  # the camelCase spelling to use
    assert "did you mean 'Contacts'?" in messages


def test_referenced_example_is_reported_where_its_value_lives(doc: Doc) -> None:
    _invalid_referenced_example(doc)
    (problem,) = lint(doc)
    assert problem.pointer == "/components/examples/Ann/value"
    assert "'id' is a required property" in problem.message
    assert "used by /paths/~1contacts~1{contact_id}/get/responses/200" in problem.message


def test_request_example_may_omit_required_read_only_property(doc: Doc) -> None:
    media = op(doc, LIST, "post")["requestBody"]["content"]["application/json"]
    assert "id" not in media["example"]
    assert "id" in schema(doc, "Contact")["required"]
    assert lint(doc) == []
    media["example"]["id"] = "seventeen"  # present, so it must still be valid
    assert {p.rule for p in lint(doc)} == {"example-invalid"}


def test_response_example_may_omit_required_write_only_property(doc: Doc) -> None:
    props = schema(doc, "Contact")["properties"]
    props["password"] = {"type": "string", "writeOnly": True, "description": "Sign-in secret."}
    schema(doc, "Contact")["required"].append("password")
    media = op(doc, LIST, "post")["requestBody"]["content"]["application/json"]
    media["example"]["password"] = "s3cret"
    assert lint(doc) == []  # the Ann response example has no password
    del media["example"]["password"]  # but a request must carry it
    (problem,) = lint(doc)
    assert problem.rule == "example-invalid"
    assert "'password' is a required property" in problem.message


def test_non_json_content_validates_as_string(doc: Doc) -> None:
    doc["paths"]["/feed"] = {
        "get": {
            "operationId": "getFeed",
            "summary": "Activity feed",
            "description": "RSS feed of recent activity.",
            "tags": ["Contacts"],
            "responses": {
                "200": {
                    "description": "The feed.",
                    "content": {
                        "application/rss+xml": {
                            "schema": {"type": "string"},
                            "example": "<rss version='2.0'><channel/></rss>",
                        }
                    },
                },
                "401": {"$ref": "#/components/responses/Unauthorized"},
            },
        }
    }
    assert lint(doc) == []
    media = doc["paths"]["/feed"]["get"]["responses"]["200"]["content"]["application/rss+xml"]
    media["example"] = {"rss": {}}
    assert {p.rule for p in lint(doc)} == {"example-invalid"}


def test_operation_ref_link_is_accepted(doc: Doc) -> None:
    link = doc["components"]["links"]["GetCreatedContact"]
    del link["operationId"]
    link["operationRef"] = "#/paths/~1contacts~1{contact_id}/get"
    assert lint(doc) == []


def test_qualified_link_parameter_names(doc: Doc) -> None:
    links = op(doc, LIST, "post")["responses"]["201"]["links"]
    links["UpdateContact"]["parameters"] = {"path.contact_id": "$response.body#/id"}
    assert lint(doc) == []
    links["UpdateContact"]["parameters"] = {"query.contact_id": "$response.body#/id"}
    assert {p.rule for p in lint(doc)} == {"link-target"}


def test_pagination_pointer_walks_refs_and_all_of(doc: Doc) -> None:
    schema(doc, "ContactList").update(
        {"allOf": [{"$ref": "#/components/schemas/PageMeta"}], "properties": {}}
    )
    schema(doc, "PageMeta")["properties"]["items"] = {
        "type": "array",
        "description": "The contacts.",
        "items": {"$ref": "#/components/schemas/Contact"},
    }
    schema(doc, "ContactList")["required"] = []
    op(doc, LIST, "get")["x-pagination"]["next"] = "/next_page"
    assert lint(doc) == []


def test_refs_to_other_files_are_refused(tmp_path: Path, doc: Doc) -> None:
    """One self-contained file: the gate refuses what the client pipeline and dist refuse."""
    (tmp_path / "common.yaml").write_text(
        "Error:\n  type: object\n  description: The error envelope.\n", encoding="utf-8"
    )
    spec = tmp_path / "minimal.yaml"
    media = doc["components"]["responses"]["NotFound"]["content"]["application/json"]
    media["schema"] = {"$ref": "common.yaml#/Error"}
    (problem,) = lint(doc, spec)
    assert problem.rule == "unresolved-ref"
    assert problem.pointer == "/components/responses/NotFound/content/application~1json/schema/$ref"
    assert "only local '#/...' references are supported" in problem.message


def test_remote_refs_are_refused(doc: Doc) -> None:
    schema(doc, "Error")["properties"]["error"] = {"$ref": "https://example.com/e.json#/x"}
    (problem,) = lint(doc)
    assert problem.rule == "unresolved-ref"
    assert "only local '#/...' references are supported" in problem.message


def test_yaml_pitfalls_are_reported(tmp_path: Path) -> None:
    spec = tmp_path / "pitfalls.yaml"
    spec.write_text(
        "openapi: 3.1.0\n"
        "info:\n  title: A\n  title: B\n"
        "  version: 2024-05-01\n"
        "x-flag: yes\n"
        "timeout: 1:30\n"
        "quoted: 'yes'\n",
        encoding="utf-8",
    )
    loaded = gate.load_spec(spec)
    assert {p.rule for p in loaded.problems} == {"yaml"}
    by_pointer = {p.pointer: p.message for p in loaded.problems}
    assert set(by_pointer) == {"/info/title", "/info/version", "/x-flag", "/timeout"}
    assert "lines 3 and 4" in by_pointer["/info/title"]
    assert loaded.document["info"]["version"] == "2024-05-01"  # dates stay strings
    assert loaded.lines["/x-flag"] == 6


def test_yaml_syntax_error(tmp_path: Path) -> None:
    spec = tmp_path / "broken.yaml"
    spec.write_text("openapi: 3.1.0\ninfo: [unclosed\n", encoding="utf-8")
    loaded = gate.load_spec(spec)
    assert loaded.document is None
    (problem,) = loaded.problems
    assert problem.rule == "yaml"
    assert "line 3" in problem.message


def test_response_status_keys_are_strings(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace('"404":', "404:")
    spec = tmp_path / "minimal.yaml"
    spec.write_text(text, encoding="utf-8")
    loaded = gate.load_spec(spec)
    assert "404" in loaded.document["paths"][ITEM]["get"]["responses"]
    assert lint(loaded.document, spec) == []


# ------------------------------------------------------------------------------ CLI

LINE_RE = re.compile(
    r"^(?P<spec>\S+): (?P<pointer>/\S*|\(root\)): (?P<message>.+) \[(?P<rule>[a-z-]+)\]$"
)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crm_tools.lint", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_cli_clean_spec_exits_0() -> None:
    result = run_cli(str(FIXTURE))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        "tests/spec/fixtures/minimal.yaml: ok (5 operations, 7 examples validated, 2 links)\n"
    )
    assert result.stderr == ""


def test_cli_reports_problems_and_exits_1(tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    broken = tmp_path / "minimal.yaml"
    broken.write_text(text.replace("operationId: getContact\n", "operationId: get_contact\n", 1))
    result = run_cli(str(broken), str(FIXTURE))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    problems = [m for m in map(LINE_RE.match, lines) if m]
    assert {m["rule"] for m in problems} == {"operation-id", "link-target"}
    first = problems[0]
    assert first["spec"] == str(broken)
    assert first["pointer"] == "/paths/~1contacts~1{contact_id}/get/operationId"
    assert "(line " in first["message"]
    assert re.match(rf"^{re.escape(str(broken))}: 2 problems \(5 operations, ", lines[2])
    assert lines[-1].startswith("tests/spec/fixtures/minimal.yaml: ok (")


def test_cli_missing_file_exits_1(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert "cannot read the file" in result.stdout


def test_cli_help_explains_every_rule() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for rule in gate.RULES:
        assert f"  {rule} " in result.stdout
