"""Citations of the evidence pages, found in the repository and resolved to their anchors.

    python -m crm_tools.evidence            # every citation that resolves to nothing; exit 1 if any
    python -m crm_tools.evidence --list     # every citation and the page anchor it resolves to

The specs, mocks, scripts and tests justify their choices by citing numbered facts: `§7`,
`§10.11`, `§10 #6`, `fact sheet 5.13`, `fact sheet §4`, and in the specs `x-decision` ids such as
`clevertim-11.6`. Those numbers are the sections and rows of docs/evidence/<sheet>.md, which keep
the numbering of the fact sheets the project was written from and give each numbered section and
row an explicit anchor (see docs/evidence/index.md):

    <sheet>-<n>[-<m>[-<k>]]     `§10.6`, `§10 #6` and x-decision `clevertim-10.6` -> #clevertim-10-6

Which sheet a citation means:
1. `evidence: <sheet>#<number>` names it explicitly (e.g. `evidence: zendesk-sell-v3-oauth#2.3`);
2. otherwise the file's path names the vendor: specs/<vendor>.yaml, a directory named after the
   vendor's package (mocks/crm_mocks/zendesk_sell/, tests/mocks/zendesk_sell/) or a file named
   after it (tests/mocks/test_clevertim_mock.py);
3. otherwise (shared files such as scripts/crm_tools/contract.py) the vendor named last above the
   citation in the same file (its slug, package name or display name), or, when none is named
   above it, the first one named below it;
4. otherwise the citation is unresolved.
A spec's `x-provenance` entry pointing at a fact sheet (`shared/reference/<sheet>.md`, outside the
repository) resolves to docs/evidence/<sheet>.md.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crm_tools.docs_spec import Vendor
from crm_tools.paths import ROOT

EVIDENCE = ROOT / "docs" / "evidence"

#: vendor slug -> names that identify it in a file's text (rule 3)
VENDORS: dict[str, tuple[str, ...]] = {
    "clevertim": ("clevertim", "Clevertim"),
    "zendesk-sell": ("zendesk-sell", "zendesk_sell", "Zendesk Sell", "Sell"),
    "relenta": ("relenta", "Relenta"),
    "bantam-live": ("bantam-live", "bantam_live", "Bantam Live"),
}
#: every evidence page: one per vendor, plus Sell's Search v3 / Firehose v3 / OAuth2 sheet
SHEETS = (*VENDORS, "zendesk-sell-v3-oauth")

#: where citations are looked for (relative to the repository root)
SOURCES = ("specs/*.yaml", "mocks/**/*.py", "scripts/**/*.py", "tests/**/*.py")
#: the resolver and its test, whose text shows citation forms rather than citing anything
NOT_CITING = ("scripts/crm_tools/evidence.py", "tests/docs/test_evidence.py")

_NUMBER = r"\d+(?:\.\d+)*(?:\s*#\d+)?(?![\w])"
# `§ 7`, `fact sheet 5.13`, `fact sheet §4`, `fact-sheet's section 12`, then more numbers joined
# by `,`, `-`, `/` or `and` (`§5.8-5.10`, `fact sheet 6.1, 9.3`, `§1-§4, §7`, `§5.11-12`)
CITATION = re.compile(
    rf"(?:§\s*|\bfact[ -]sheet(?:'s)?\s+(?:section\s+)?§?\s*)(?P<numbers>{_NUMBER}"
    rf"(?:\s*(?:,|-|–|/|\band\b)\s*§?\s*{_NUMBER})*)"
)
EXPLICIT = re.compile(r"\bevidence:\s*(?P<sheet>[a-z0-9-]+)#(?P<number>\d+(?:\.\d+)*)")
_ONE_NUMBER = re.compile(r"(\d+(?:\.\d+)*)(?:\s*#(\d+))?")
# anchors an evidence page defines: `{#id}` (attr_list on a heading) or `<a id="id">`
_ANCHOR = re.compile(r"\{#([A-Za-z0-9_-]+)\}|\bid=\"([A-Za-z0-9_-]+)\"")


@dataclass(frozen=True)
class Citation:
    path: str  # relative to the repository root
    line: int
    text: str  # as written
    sheet: str | None  # None: no rule names a sheet
    number: str  # "10.6"; "" for a whole page (an x-provenance entry)

    @property
    def anchor(self) -> str:
        return f"{self.sheet}-{self.number.replace('.', '-')}" if self.number else ""

    @property
    def target(self) -> str:
        page = f"docs/evidence/{self.sheet}.md"
        return f"{page}#{self.anchor}" if self.anchor else page

    def where(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


#: Sell sections numbered 100 + N are section N of the companion sheet (Search v3, Firehose v3,
#: OAuth2, Core extras): the spec's x-decision ids are `zendesk-sell-<section>`, one namespace
COMPANION = ("zendesk-sell", "zendesk-sell-v3-oauth", 100)


def cite(path: str, line: int, text: str, sheet: str | None, number: str) -> Citation:
    vendor, companion, offset = COMPANION
    head, _, tail = number.partition(".")
    if sheet == vendor and head.isdigit() and int(head) > offset:
        sheet, number = companion, str(int(head) - offset) + (f".{tail}" if tail else "")
    return Citation(path, line, text, sheet, number)


def numbers(text: str) -> list[str]:
    """The dotted numbers of one citation match: `10 #6` -> `10.6`; in a range `5.11-12` the
    second number replaces the tail of the first (`5.12`)."""
    out: list[str] = []
    for match in _ONE_NUMBER.finditer(text):
        number = match[1] + (f".{match[2]}" if match[2] else "")
        if (
            out
            and "." in out[-1]
            and "." not in number
            and text[: match.start()].rstrip()[-1:] in ("-", "–")
        ):
            number = out[-1].rsplit(".", 1)[0] + "." + number
        out.append(number)
    return out


def path_vendor(path: str) -> str | None:
    """The vendor a file's path names (rule 2), or None."""
    parts = Path(path).parts
    if parts[0] == "specs":
        slug = Path(path).stem
        return slug if slug in VENDORS else None
    for slug in VENDORS:
        package = slug.replace("-", "_")
        if package in parts[:-1] or re.search(rf"(^|_){package}(_|\.|$)", parts[-1]):
            return slug
    return None


def _mentions(text: str) -> list[tuple[int, str]]:
    """(offset, vendor) of every vendor name in a text, in order."""
    found = []
    for slug, names in VENDORS.items():
        for name in names:
            found += [(m.start(), slug) for m in re.finditer(rf"\b{re.escape(name)}\b", text)]
    return sorted(found)


def citations_in_text(path: str, text: str) -> Iterator[Citation]:
    default = path_vendor(path)
    mentions = [] if default else _mentions(text)
    line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_of(offset: int) -> int:
        lo, hi = 0, len(line_starts)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if line_starts[mid] <= offset else (lo, mid)
        return lo + 1

    explicit_spans = []
    for match in EXPLICIT.finditer(text):
        explicit_spans.append(match.span())
        yield cite(path, line_of(match.start()), match[0], match["sheet"], match["number"])
    for match in CITATION.finditer(text):
        if any(a <= match.start() < b for a, b in explicit_spans):
            continue
        sheet = default
        if sheet is None:
            above = [slug for offset, slug in mentions if offset < match.start()]
            below = [slug for offset, slug in mentions if offset > match.end()]
            sheet = above[-1] if above else below[0] if below else None
        for number in numbers(match["numbers"]):
            yield cite(path, line_of(match.start()), match[0].strip(), sheet, number)


def spec_citations(spec: Path, root: Path = ROOT) -> Iterator[Citation]:
    """The `x-decision` ids and the `x-provenance` fact-sheet entries of one spec, as the docs
    read them (docs_spec.Vendor)."""
    path = spec.relative_to(root).as_posix()
    vendor = Vendor.load(spec)
    lines = spec.read_text("utf-8").splitlines()

    def line_of(needle: str) -> int:
        return next((i + 1 for i, line in enumerate(lines) if needle in line), 0)

    for entry in vendor.provenance:
        ref = entry.get("ref", "")
        match = re.match(r"^(?:shared/reference|docs/evidence)/(?P<sheet>[a-z0-9-]+)\.md$", ref)
        if match:
            yield Citation(path, line_of(ref), ref, match["sheet"], "")
    for decision in vendor.decisions:
        sheet, _, number = decision.id.rpartition("-")
        if sheet not in SHEETS or not re.fullmatch(r"\d+(?:\.\d+)*", number):
            sheet, number = vendor.slug, decision.id  # unresolvable: reported with its id
        text = f"x-decision {decision.id} ({decision.where})"
        yield cite(path, line_of(f"id: {decision.id}"), text, sheet, number)


def find_citations(root: Path = ROOT) -> list[Citation]:
    found: list[Citation] = []
    files = sorted({p for pattern in SOURCES for p in root.glob(pattern) if p.is_file()})
    for file in files:
        path = file.relative_to(root).as_posix()
        if path in NOT_CITING:
            continue
        text = file.read_text("utf-8")
        found += citations_in_text(path, text)
        if path.startswith("specs/"):
            found += spec_citations(file, root)
    return found


def anchors(page: Path) -> list[str]:
    """The anchors a page defines, in order (duplicates kept, so they can be reported)."""
    return [a or b for a, b in _ANCHOR.findall(page.read_text("utf-8"))]


def unresolved(citations: Iterable[Citation], evidence: Path = EVIDENCE) -> list[Citation]:
    """The citations whose page or anchor does not exist."""
    cache: dict[str, set[str] | None] = {}
    bad = []
    for citation in citations:
        if citation.sheet not in cache:
            page = evidence / f"{citation.sheet}.md"
            cache[str(citation.sheet)] = set(anchors(page)) if page.is_file() else None
        known = cache[str(citation.sheet)]
        if known is None or (citation.anchor and citation.anchor not in known):
            bad.append(citation)
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--list", action="store_true", help="print every citation and its target")
    args = parser.parse_args(argv)
    citations = find_citations()
    if args.list:
        for citation in citations:
            print(f"{citation.where()} -> {citation.target}")
    bad = unresolved(citations)
    for citation in bad:
        print(f"unresolved: {citation.where()} -> {citation.target}", file=sys.stderr)
    print(f"evidence: {len(citations)} citations, {len(bad)} unresolved", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
