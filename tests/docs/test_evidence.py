"""The evidence pages (docs/evidence/) and the citations that point at them.

Every citation of a fact in the specs, mocks, scripts and tests (`§10 #6`, `fact sheet 5.13`,
x-decision ids, x-provenance fact-sheet entries) must resolve to an existing anchor of
docs/evidence/<page>.md; every page must carry the anchors of its numbered sections and rows;
the site must publish every page. crm_tools.evidence is the resolver.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from crm_tools import evidence
from crm_tools.docs_pages import decisions_section, provenance_section
from crm_tools.docs_spec import load_vendors
from crm_tools.evidence import (
    Citation,
    anchors,
    citations_in_text,
    cite,
    find_citations,
    numbers,
    unresolved,
)

ROOT = Path(__file__).resolve().parents[2]
PAGES = {sheet: evidence.EVIDENCE / f"{sheet}.md" for sheet in evidence.SHEETS}

# Per page: its number of top-level sections, and its numbered tables/lists as
# (section, rows) — the contradiction tables that the specs' x-decisions resolve row by row
# (tests/spec/test_provenance.py) and the numbered rule lists the mocks cite.
SHAPE: dict[str, tuple[int, dict[str, int]]] = {
    "clevertim": (14, {"10": 13, "11": 17}),
    "zendesk-sell": (11, {"9": 13, "10": 5}),
    "relenta": (13, {"9": 9, "10": 13}),
    "bantam-live": (12, {"6": 11, "7": 8, "8": 7}),
    "zendesk-sell-v3-oauth": (7, {"6": 6, "7": 4}),
}
HEADING = re.compile(r"^#{2,4} (?P<number>\d+(?:\.\d+)*)\.? (?P<rest>.*)$", re.M)


# --- the citations of the current tree --------------------------------------------------------


CITATIONS = find_citations()


def test_the_tree_has_citations_of_every_kind() -> None:
    """The finder finds what the code writes: without this, an empty result would pass."""
    kinds = Counter(
        "decision" if c.text.startswith("x-decision") else "page" if not c.number else "text"
        for c in CITATIONS
    )
    print(f"{len(CITATIONS)} citations: {dict(kinds)}")
    assert kinds["text"] >= 200 and kinds["decision"] >= 80 and kinds["page"] >= 4
    assert {c.sheet for c in CITATIONS} >= set(evidence.VENDORS)


def test_every_citation_resolves_to_an_anchor() -> None:
    bad = [f"{c.where()} -> {c.target}" for c in unresolved(CITATIONS)]
    assert bad == []


# --- the pages --------------------------------------------------------------------------------


@pytest.mark.parametrize("sheet", sorted(SHAPE))
def test_page_has_its_anchors(sheet: str) -> None:
    page = PAGES[sheet]
    assert page.is_file(), f"{page} is missing"
    text = page.read_text("utf-8")
    found = anchors(page)
    assert [a for a, n in Counter(found).items() if n > 1] == [], "duplicate anchors"
    assert [a for a in found if not a.startswith(f"{sheet}-") and a != "confidence"] == []
    # every numbered heading carries exactly the anchor its number gives
    wrong = []
    for match in HEADING.finditer(text):
        want = "{#" + f"{sheet}-{match['number'].replace('.', '-')}" + "}"
        if not match["rest"].rstrip().endswith(want):
            wrong.append(match[0])
    assert wrong == []
    sections, tables = SHAPE[sheet]
    missing = [f"{sheet}-{n}" for n in range(1, sections + 1) if f"{sheet}-{n}" not in found]
    for section, rows in tables.items():
        missing += [
            f"{sheet}-{section}-{row}"
            for row in range(1, rows + 1)
            if f"{sheet}-{section}-{row}" not in found
        ]
    assert missing == []


def test_every_page_is_in_the_site_navigation() -> None:
    config = yaml.safe_load((ROOT / "docs" / "mkdocs.yml").read_text("utf-8"))
    listed = set(re.findall(r"evidence/[a-z0-9-]+\.md", yaml.safe_dump(config["nav"])))
    pages = {f"evidence/{p.name}" for p in (ROOT / "docs" / "evidence").glob("*.md")}
    assert pages == listed
    assert {f"evidence/{sheet}.md" for sheet in evidence.SHEETS} <= pages


def test_the_index_explains_every_confidence_level() -> None:
    text = (evidence.EVIDENCE / "index.md").read_text("utf-8")
    for level in ("documented", "client-only", "live-observed", "inferred"):
        assert f"*{level}*" in text


# --- the resolver itself ----------------------------------------------------------------------


def _cited(path: str, text: str) -> list[tuple[str | None, str]]:
    return [(c.sheet, c.number) for c in citations_in_text(path, text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("§7", ["7"]),
        ("§10.11", ["10.11"]),
        ("(§10 #6)", ["10.6"]),
        ("fact sheet 5.13", ["5.13"]),
        ("fact sheet §4", ["4"]),
        ("fact sheet's section 12", ["12"]),
        ("§5-§8", ["5", "8"]),
        ("(§5.9-5.10)", ["5.9", "5.10"]),
        ("(§5.11-12)", ["5.11", "5.12"]),
        ("(fact sheet 5.8-5.10, 7)", ["5.8", "5.10", "7"]),
        ("(§1-§4, §7)", ["1", "4", "7"]),
        ("(§5.20, 3P)", ["5.20"]),
        ("§6.3 / §7: values", ["6.3", "7"]),
        ("the `<fact-sheet section>.<row>` id", []),
    ],
)
def test_citation_forms(text: str, expected: list[str]) -> None:
    cited = _cited("mocks/crm_mocks/clevertim/mock.py", text)
    assert cited == [("clevertim", n) for n in expected]


def test_numbers_of_a_range() -> None:
    assert numbers("5.11-12") == ["5.11", "5.12"]
    assert numbers("10 #6") == ["10.6"]


@pytest.mark.parametrize(
    ("path", "sheet"),
    [
        ("specs/relenta.yaml", "relenta"),
        ("mocks/crm_mocks/zendesk_sell/listing.py", "zendesk-sell"),
        ("tests/mocks/zendesk_sell/test_zendesk_sell_sync.py", "zendesk-sell"),
        ("tests/mocks/test_bantam_live_mock.py", "bantam-live"),
        ("tests/clients/test_clevertim_client.py", "clevertim"),
        ("scripts/crm_tools/contract.py", None),
    ],
)
def test_the_path_names_the_vendor(path: str, sheet: str | None) -> None:
    assert evidence.path_vendor(path) == sheet


def test_shared_files_take_the_nearest_vendor_named_above_else_below() -> None:
    text = 'x = 1  # fact sheet 4\n# Zendesk Sell\ny = "§5.2"\n"relenta": T("fact sheet 6.1")\n'
    assert _cited("scripts/crm_tools/contract.py", text) == [
        ("zendesk-sell", "4"),
        ("zendesk-sell", "5.2"),
        ("relenta", "6.1"),
    ]
    assert _cited("scripts/other.py", "see §3") == [(None, "3")]


def test_explicit_form_wins_over_the_path() -> None:
    text = "# OAuth token answer (evidence: zendesk-sell-v3-oauth#4.3)"
    assert _cited("mocks/crm_mocks/zendesk_sell/oauth.py", text) == [
        ("zendesk-sell-v3-oauth", "4.3")
    ]


def test_unresolvable_citations_are_reported(tmp_path: Path) -> None:
    """A citation of a number the page lacks, of a page that does not exist, or with no
    vendor at all, is reported; an existing anchor is not."""
    (tmp_path / "clevertim.md").write_text(
        '## 7. Values {#clevertim-7}\n| <a id="clevertim-11-6"></a>6 |\n'
    )
    cited = [
        Citation("a.py", 1, "§7", "clevertim", "7"),
        Citation("a.py", 2, "§11 #6", "clevertim", "11.6"),
        Citation("a.py", 3, "§99", "clevertim", "99"),
        Citation("a.py", 4, "§7", "relenta", "7"),
        Citation("a.py", 5, "§7", None, "7"),
    ]
    assert [c.line for c in unresolved(cited, tmp_path)] == [3, 4, 5]


def test_spec_decisions_and_provenance_are_citations(tmp_path: Path) -> None:
    spec = {
        "openapi": "3.1.0",
        "info": {
            "title": "T",
            "version": "1",
            "x-provenance": [
                {"kind": "fact-sheet", "title": "t", "ref": "shared/reference/relenta.md"}
            ],
            "x-decision": {"id": "relenta-10.4", "documented": "a", "chosen": "b", "why": "c"},
        },
        "paths": {"/x": {"x-decision": [{"id": "relenta-99.1"}, {"id": "not-a-number"}]}},
    }
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "relenta.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    cited = list(evidence.spec_citations(tmp_path / "specs" / "relenta.yaml", tmp_path))
    assert sorted((c.sheet, c.number) for c in cited) == [
        ("relenta", ""),
        ("relenta", "10.4"),
        ("relenta", "99.1"),
        ("relenta", "not-a-number"),
    ]
    assert all(c.line > 0 and c.path == "specs/relenta.yaml" for c in cited)
    assert sorted(c.number for c in unresolved(cited)) == ["99.1", "not-a-number"]


# --- the site links decisions and sources to the evidence --------------------------------------


def test_vendor_pages_link_every_decision_and_fact_sheet_to_its_evidence() -> None:
    for vendor in load_vendors():
        decisions = decisions_section(vendor)
        for d in vendor.decisions:
            page, _, number = d.id.rpartition("-")
            cited = cite("", 0, d.id, page, number)  # Sell's 10N.x live on the companion page
            assert f"[evidence](../evidence/{cited.sheet}.md#{cited.anchor})" in decisions
        assert f"(../evidence/{vendor.slug}.md)" in provenance_section(vendor)


def test_sell_sections_past_100_are_the_companion_sheets() -> None:
    """`zendesk-sell-106.1` (x-decision) and `§102` (spec comment) cite the Search v3 /
    Firehose v3 / OAuth2 sheet, section 6.1 and 2."""
    assert cite("", 0, "", "zendesk-sell", "106.1").target == (
        "docs/evidence/zendesk-sell-v3-oauth.md#zendesk-sell-v3-oauth-6-1"
    )
    assert cite("", 0, "", "zendesk-sell", "102").anchor == "zendesk-sell-v3-oauth-2"
    assert cite("", 0, "", "zendesk-sell", "10.2").sheet == "zendesk-sell"
