"""The documentation build (crm_tools.build_docs) without a browser: what the generated pages
say is what the specs and the contract results say, the site needs no network, and a new spec
gets its pages with no change to the docs code."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from crm_tools import build_docs
from crm_tools.docs_pages import coverage_section, vendor_page
from crm_tools.docs_spec import ROOT, Vendor, load_vendors

VENDORS = load_vendors()


def _walk(node: Any) -> list[tuple[str, Any]]:
    """Every (key, value) of a YAML tree, naively (examples and all)."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((key, value))
            found += _walk(value)
    elif isinstance(node, list):
        for item in node:
            found += _walk(item)
    return found


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.slug for v in VENDORS])
def test_vendor_page_reports_what_the_spec_says(vendor: Vendor) -> None:
    pairs = _walk(vendor.spec)
    decision_ids = [v["id"] for k, v in pairs if k == "x-decision"]
    inferred = sum(1 for k, v in pairs if k == "x-inferred" and v is True)
    undocumented = sum(1 for k, v in pairs if k == "x-undocumented" and v is True)
    methods = ("get", "put", "post", "delete", "patch")
    operations = sum(1 for item in vendor.spec["paths"].values() for m in item if m in methods)
    page = vendor_page(vendor, None, "")
    assert re.findall(r"^### (\S+)$", page, re.M) == sorted(
        decision_ids, key=lambda i: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", i)]
    )
    assert f"| operations specced | {operations} |" in page
    assert f"| inferred items (`x-inferred`) | {inferred} |" in page
    assert f"| undocumented items (`x-undocumented`) | {undocumented} |" in page
    assert f"| decisions (`x-decision`) | {len(decision_ids)} |" in page
    assert "| operations exercised by the contract tests | not measured |" in page
    for server in vendor.spec["servers"]:
        assert f"`{server['url']}`" in page
    for scheme in vendor.spec["components"]["securitySchemes"]:
        assert f"`{scheme}`" in page
    assert f"](../reference/{vendor.slug}.html)" in page


def test_contract_coverage_comes_from_the_runner_result(tmp_path: Path) -> None:
    vendor = next(v for v in VENDORS if v.slug == "clevertim")
    first, second = vendor.operations[:2]
    (tmp_path / "clevertim.json").write_text(
        json.dumps(
            {
                "vendor": "clevertim",
                "target": "mock",
                "cases": 12,
                "failures": 0,
                "operations_tested": [first.key, f"{second.method} /api{second.path}"],
            }
        )
    )
    results, notes = build_docs.contract_results([vendor], "read", tmp_path)
    result = results["clevertim"]
    assert result is not None and result.operations_tested == {first.key, second.key}
    section = coverage_section(vendor, result, notes["clevertim"])
    total = len(vendor.operations)
    assert f"| operations exercised by the contract tests | 2 of {total} |" in section
    tested = re.findall(r"\| (yes|no) \| (?:documented|undocumented|inferred) \|$", section, re.M)
    assert len(tested) == total and tested.count("yes") == 2
    assert "12 cases, 0 failures" in section

    results, notes = build_docs.contract_results([vendor], "read", tmp_path / "absent")
    assert results["clevertim"] is None
    assert "not measured" in coverage_section(vendor, None, notes["clevertim"])


def test_markers_are_found_where_the_spec_hides_them(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1", "x-provenance": []},
        "servers": [{"url": "https://example.test/api"}],
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "summary": "Get A",
                    "tags": ["A"],
                    "responses": {"200": {"$ref": "#/components/responses/A"}},
                },
                "delete": {
                    "operationId": "deleteA",
                    "summary": "Delete A",
                    "tags": ["A"],
                    "x-inferred": True,
                    "responses": {"204": {"description": "gone"}},
                },
            }
        },
        "components": {
            "responses": {
                "A": {
                    "description": "A",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/A"},
                            "examples": {
                                "v": {
                                    "value": {"x-inferred": True},
                                    "x-decision": {
                                        "id": "t-1",
                                        "documented": "d",
                                        "chosen": "c",
                                        "why": "w",
                                    },
                                }
                            },
                        }
                    },
                }
            },
            "schemas": {
                "A": {
                    "type": "object",
                    "examples": [{"x-undocumented": True}],
                    "properties": {
                        "examples": {"type": "string", "x-undocumented": True},
                        "example": {"type": "string", "x-inferred": True},
                    },
                }
            },
        },
    }
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(spec))
    vendor = Vendor.load(path)
    assert [d.id for d in vendor.decisions] == ["t-1"]
    assert "response `A`" in vendor.decisions[0].where
    assert sorted((m.marker, m.kind, m.where) for m in vendor.marked) == [
        ("x-inferred", "operation", "`DELETE /a`"),
        ("x-inferred", "schema property", "schema `A` › property `example`"),
        ("x-undocumented", "schema property", "schema `A` › property `examples`"),
    ]
    assert {op.operation_id: op.has_examples for op in vendor.operations} == {
        "getA": True,  # through the shared response
        "deleteA": False,
    }


def test_a_new_spec_gets_its_pages_without_docs_changes(tmp_path: Path) -> None:
    """A vendor the docs code has never heard of (no client, no mock, no contract target yet):
    the whole build, mkdocs --strict and Redoc included, gives it a page and a reference."""
    specs = tmp_path / "specs"
    specs.mkdir()
    shutil.copy(ROOT / "specs" / "relenta.yaml", specs / "relenta.yaml")
    acme = yaml.safe_load((ROOT / "specs" / "relenta.yaml").read_text("utf-8"))
    acme["info"]["title"] = "Acme CRM API"
    (specs / "acme-crm.yaml").write_text(yaml.safe_dump(acme, sort_keys=False))
    built = build_docs.build(
        tmp_path / "site",
        contracts="read",
        work=tmp_path / "work",
        specs=specs,
        contract_dir=tmp_path / "no-reports",
    )
    assert [v.slug for v in built.vendors] == ["acme-crm", "relenta"]
    page = (tmp_path / "site" / "vendors" / "acme-crm.html").read_text("utf-8")
    assert "Acme Crm" in page and "not generated yet" in page
    reference = (tmp_path / "site" / "reference" / "acme-crm.html").read_text("utf-8")
    assert "<title>Acme CRM API — API reference</title>" in reference
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert 'href="vendors/acme-crm.html"' in index


def test_site_keeps_the_hand_written_pages(site: Path) -> None:
    for source in sorted((ROOT / "docs").glob("*.md")):
        assert (site / f"{source.stem}.html").exists(), source.name
    for vendor in VENDORS:
        assert (site / "vendors" / f"{vendor.slug}.html").exists()
        assert (site / "reference" / f"{vendor.slug}.html").exists()


EXTERNAL = [
    re.compile(r"<script[^>]+src=[\"']?(https?:)?//", re.I),
    re.compile(r"<link[^>]+href=[\"']?(https?:)?//[^>]*>", re.I),
    re.compile(r"<img[^>]+src=[\"']?(https?:)?//", re.I),
    re.compile(r"@import\s+(url\()?[\"']?(https?:)?//", re.I),
    re.compile(r"fonts\.(googleapis|gstatic)\.com", re.I),
]


def test_site_loads_nothing_from_the_network(site: Path) -> None:
    """No page, stylesheet or script of the site pulls a resource from another host (links to
    other sites are fine; the browser test checks the running pages)."""
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in (".html", ".css") or not path.is_file():
            continue
        text = path.read_text("utf-8", errors="replace")
        if path.parent.name == "reference":  # Redoc: check the page, not its inlined bundle
            text = text.split("<script", 1)[0]
        for pattern in EXTERNAL:
            for match in pattern.finditer(text):
                if 'rel="canonical"' not in match.group(0):
                    offenders.append(f"{path.relative_to(site)}: {match.group(0)[:120]}")
    assert not offenders, offenders


@pytest.mark.parametrize("vendor", VENDORS, ids=[v.slug for v in VENDORS])
def test_every_vendor_has_its_spec_changelog_in_the_site_and_its_client_readme_links_it(
    site: Path, vendor: Vendor
) -> None:
    page = (site / "changelogs" / f"{vendor.slug}.html").read_text("utf-8")
    assert f"{vendor.spec['info']['title']}: changelog" in page
    assert f"spec/{vendor.slug}/v" in page  # names the release tags it is built from
    assert f'href="changelogs/{vendor.slug}.html"' in (site / "index.html").read_text("utf-8")
    readme = (ROOT / "generated" / f"{vendor.slug}-client" / "README.md").read_text("utf-8")
    assert f"`changelogs/{vendor.slug}.html`" in readme


def test_contract_results_are_current_by_spec_digest_not_by_file_time(tmp_path: Path) -> None:
    """`make docs` reruns a vendor's contract tests only when its spec's content changed: the
    report names the digest of the spec it tested; a checkout that only touches the file costs
    nothing, an edit makes the report stale, a report without a digest (old format) is stale."""
    import hashlib
    import os

    specs, folder = tmp_path / "specs", tmp_path / ".contract"
    specs.mkdir()
    folder.mkdir()
    shutil.copy(ROOT / "specs" / "relenta.yaml", specs / "relenta.yaml")
    (vendor,) = load_vendors(specs)
    digest = "sha256:" + hashlib.sha256(vendor.spec_path.read_bytes()).hexdigest()
    result = folder / "relenta.json"
    report = {"format": 2, "target": "mock", "cases": 3, "operations_tested": []}
    result.write_text(json.dumps({**report, "spec_digest": digest}))
    assert build_docs.contract_result_is_current(vendor, folder)
    later = result.stat().st_mtime + 100
    os.utime(vendor.spec_path, (later, later))  # newer file, same content
    assert build_docs.contract_result_is_current(vendor, folder)
    vendor.spec_path.write_text(vendor.spec_path.read_text() + "\n# edited\n")
    assert not build_docs.contract_result_is_current(vendor, folder)
    _, notes = build_docs.contract_results([vendor], "read", folder)
    assert "(stale: the spec changed after that run)" in notes["relenta"]
    # the old format has no digest: stale whatever the file times say
    result.write_text(json.dumps({"target": "mock", "cases": 4, "operations_tested": []}))
    os.utime(result, (later + 100, later + 100))
    assert not build_docs.contract_result_is_current(vendor, folder)


def test_the_lint_rule_page_comes_from_the_registry(site: Path) -> None:
    from crm_tools.lint import RULES

    page = (site / "lint-rules.html").read_text("utf-8")
    assert RULES and all(f"<code>{name}</code>" in page for name in RULES)
    assert 'href="lint-rules.html"' in (site / "writing-specs.html").read_text("utf-8")
