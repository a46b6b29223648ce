"""Build the documentation site: `make docs` -> site/ (works offline).

    python -m crm_tools.build_docs [--contracts run|read] [--site DIR]

1. Hand-written pages (docs/*.md) are copied into build/docs/src/; `<!-- vendors -->` in
   docs/index.md becomes the vendor table.
2. Per vendor, from specs/*.yaml (a new spec appears without touching this code):
   build/docs/src/vendors/<vendor>.md (base URL and auth, quickstart with the generated client,
   mock, contract tests, coverage, markers, decisions, sources),
   build/docs/src/changelogs/<vendor>.md (crm_tools.spec_diff: the classified changes between
   the spec's release tags `spec/<vendor>/v<version>`) and
   build/docs/src/reference/<vendor>.html, the whole spec rendered by Redoc with the pinned
   Redocly CLI (package.json + package-lock.json, `npm ci` when node_modules is missing or
   out of date), scripts inlined so the page needs no network.
3. "Operations exercised by the contract tests" come from the contract report
   `.contract/<vendor>.json`, written by crm_tools.contract after each run; it is current while
   its `spec_digest` is the digest of the spec file (an edit makes it stale, a checkout does
   not). With `--contracts run` (the default) a missing or stale report is produced by
   `python -m crm_tools.contract <vendor> --max-examples 5`; with `--contracts read` a missing
   one reads "not measured" and a stale one is marked stale.
4. mkdocs-material builds site/ from build/docs/mkdocs.yml (docs/mkdocs.yml plus the vendor
   navigation) with `--strict`; site/.build.json records a digest of every input. The tests
   build their own site under a temporary folder (`build(site, work=..., contract_dir=...)`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from crm_tools import node_tools, spec_diff
from crm_tools.docs_pages import lint_rules_page, vendor_page, vendor_table
from crm_tools.docs_spec import ContractResult, Vendor, load_vendors
from crm_tools.paths import ROOT

DOCS = ROOT / "docs"
WORK = ROOT / "build" / "docs"
SITE = ROOT / "site"
CONTRACT_DIR = ROOT / ".contract"
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
VENDORS_MARK = "<!-- vendors -->"
NAV_MARK = "@vendors"
MANIFEST = ".build.json"
REDOC_TEMPLATE = DOCS / "redoc-template.hbs"  # Redocly's default page plus an offline-only CSP
NOT_PAGES = ("mkdocs.yml", "*.hbs")  # files of docs/ that configure the build, not pages

ContractMode = Literal["run", "read"]


@dataclass
class Built:
    site: Path
    vendors: list[Vendor]
    contracts: dict[str, ContractResult | None]
    seconds: float


def log(message: str) -> None:
    print(f"docs: {message}", file=sys.stderr, flush=True)


# --- inputs ------------------------------------------------------------------------------------


def release_tags() -> str:
    """The spec release tags and the commits they name (the changelogs are built from them)."""
    proc = subprocess.run(
        ["git", "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags/spec/"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return proc.stdout if proc.returncode == 0 else ""


def input_digest() -> str:
    """sha256 over everything the site is built from (not the contract results)."""
    files = [
        *sorted((ROOT / "specs").glob("*.yaml")),
        *sorted(p for p in DOCS.rglob("*") if p.is_file()),
        *sorted((ROOT / "scripts").glob("*docs*.py")),
        ROOT / "scripts" / "contract.py",  # the contract section lists its targets
        ROOT / "scripts" / "spec_diff.py",  # the changelogs
        ROOT / "scripts" / "spec_diff.mjs",
        ROOT / "scripts" / "generator" / "vendors.yaml",
        ROOT / "package-lock.json",
        *sorted((ROOT / "mocks" / "crm_mocks" / "accounts").glob("*.json")),
        *sorted((ROOT / "generated").glob("*/GENERATION.json")),
    ]
    digest = hashlib.sha256(release_tags().encode())
    for path in files:
        if path.exists():
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# --- contract results --------------------------------------------------------------------------


def contract_result_is_current(vendor: Vendor, folder: Path = CONTRACT_DIR) -> bool:
    """Whether `<folder>/<vendor>.json` describes the spec as it is now: the report's
    `spec_digest` is the digest of the spec file's bytes (docs/CONTRACT-REPORT format 2). A
    checkout or `touch` changes nothing; an edit makes it stale; a report in the old format
    (no `spec_digest`) is stale."""
    result = vendor.contract_result(folder)
    return result is not None and result.spec_digest == f"sha256:{vendor.sha256}"


def contract_results(
    vendors: list[Vendor], mode: ContractMode, folder: Path = CONTRACT_DIR
) -> tuple[dict[str, ContractResult | None], dict[str, str]]:
    """The contract results for the coverage tables. With mode "run", a vendor whose result
    is missing or not current (see contract_result_is_current) is run again, two at a time;
    an unchanged spec costs nothing."""
    results: dict[str, ContractResult | None] = {}
    notes: dict[str, str] = {}

    def stale(vendor: Vendor) -> bool:
        return (folder / f"{vendor.slug}.json").exists() and not contract_result_is_current(
            vendor, folder
        )

    def run(vendor: Vendor) -> None:
        log(f"contract run for {vendor.slug} (--max-examples 5)")
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "crm_tools.contract",
                vendor.slug,
                "--max-examples",
                "5",
                "--report-dir",
                str(folder),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if not (folder / f"{vendor.slug}.json").exists():
            log(f"contract run for {vendor.slug} wrote no result: {proc.stderr[-500:]}")

    if mode == "run" and folder == CONTRACT_DIR:
        todo = [v for v in vendors if not contract_result_is_current(v, folder)]
        if len(todo) < len(vendors):
            current = sorted({v.slug for v in vendors} - {v.slug for v in todo})
            log(f"contract results current by spec digest: {', '.join(current)}")
        todo.sort(key=lambda v: -len(v.operations))  # the longest first: two at a time
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(run, todo))
    for vendor in vendors:
        result = vendor.contract_result(folder)
        results[vendor.slug] = result
        where = f"`.contract/{vendor.slug}.json`"
        if result is None:
            notes[vendor.slug] = (
                f"Contract coverage: not measured ({where} is absent: the contract runner has "
                "not written it)."
            )
        else:
            notes[vendor.slug] = (
                f"Contract coverage from {where}: a run against the {result.target}, "
                f"{result.cases} cases, {result.failures} failures"
                + (" (stale: the spec changed after that run)." if stale(vendor) else ".")
            )
    return results, notes


# --- sources -----------------------------------------------------------------------------------


def write_sources(
    dest: Path,
    vendors: list[Vendor],
    contracts: dict[str, ContractResult | None],
    notes: dict[str, str],
) -> list[Path]:
    """The Markdown sources of the site (hand-written pages + generated vendor pages) in
    `dest`; returns every Markdown file written."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(DOCS, dest, ignore=shutil.ignore_patterns(*NOT_PAGES))
    index = dest / "index.md"
    if index.exists():
        text = index.read_text("utf-8")
        if VENDORS_MARK not in text:
            raise SystemExit(f"docs: docs/index.md lost its {VENDORS_MARK} marker")
        index.write_text(text.replace(VENDORS_MARK, vendor_table(vendors, contracts)), "utf-8")
    (dest / "lint-rules.md").write_text(lint_rules_page(), "utf-8")
    (dest / "vendors").mkdir()
    for vendor in vendors:
        page = vendor_page(vendor, contracts.get(vendor.slug), notes.get(vendor.slug, ""))
        (dest / "vendors" / f"{vendor.slug}.md").write_text(page, "utf-8")
    for vendor in vendors:
        spec_diff.write_changelogs(
            dest / "changelogs", [vendor.slug], specs=vendor.spec_path.parent
        )
    return sorted(dest.rglob("*.md"))


def markdown_sources(dest: Path) -> list[Path]:
    """Write the Markdown sources without running anything (contract results as they are):
    what tests/docs/test_snippets.py executes."""
    vendors = load_vendors()
    contracts, notes = contract_results(vendors, "read")
    return write_sources(dest, vendors, contracts, notes)


CODE_SPAN = re.compile(r"`([^`]*)`")


def plain_server_text(node: Any) -> Any:
    """A copy of a spec whose server and server-variable descriptions carry no Markdown code
    spans: Redoc shows those descriptions as plain text, so `/v2` would keep its backticks in
    the "Servers" box. Everything else is copied as it is."""
    if isinstance(node, list):
        return [plain_server_text(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: plain_server_text(value) for key, value in node.items()}
    servers = out.get("servers")
    for server in servers if isinstance(servers, list) else []:
        if isinstance(server, dict):
            for part in [server, *(server.get("variables") or {}).values()]:
                if isinstance(part.get("description"), str):
                    part["description"] = CODE_SPAN.sub(r"\1", part["description"])
    return out


def start_references(dest: Path, vendors: list[Vendor]) -> list[tuple[Vendor, Any]]:
    """Start one Redocly CLI per vendor (they run while the rest is built), each on the spec
    as the reference shows it (plain_server_text), written next to `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    specs = dest.parent / "reference-specs"
    specs.mkdir(exist_ok=True)
    started = []
    for vendor in vendors:
        shown = specs / f"{vendor.slug}.json"
        shown.write_text(json.dumps(plain_server_text(vendor.spec), default=str), "utf-8")
        cmd = [
            str(REDOCLY),
            "build-docs",
            str(shown),
            "--output",
            str(dest / f"{vendor.slug}.html"),
            "--title",
            f"{vendor.title} — API reference",
            "--template",
            str(REDOC_TEMPLATE),
            "--inlineBundle",
        ]
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=node_tools.node_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append((vendor, proc))
    return started


def finish_references(started: list[tuple[Vendor, Any]], dest: Path) -> None:
    for vendor, proc in started:
        output, _ = proc.communicate()
        page = dest / f"{vendor.slug}.html"
        if proc.returncode != 0 or not page.exists():
            raise SystemExit(f"docs: redocly build-docs failed for {vendor.slug}:\n{output}")
        head = page.read_text("utf-8").split("<body>", 1)[0]
        if "Content-Security-Policy" not in head or re.search(r"<(script|link)[^>]+http", head):
            raise SystemExit(f"docs: {page.name} is not self-contained (see {REDOC_TEMPLATE})")


def mkdocs_config(work: Path, src: Path, site: Path, vendors: list[Vendor]) -> Path:
    config = yaml.safe_load((DOCS / "mkdocs.yml").read_text("utf-8"))
    config["docs_dir"] = str(src)
    config["site_dir"] = str(site)
    nav: list[Any] = []
    for entry in config.get("nav") or []:
        if isinstance(entry, dict) and list(entry.values()) == [NAV_MARK]:
            (title,) = entry
            nav.append(
                {
                    title: [
                        {
                            v.name: [
                                f"vendors/{v.slug}.md",  # titled by its heading
                                {"API reference": f"reference/{v.slug}.html"},
                                {"Changelog": f"changelogs/{v.slug}.md"},
                            ]
                        }
                        for v in vendors
                    ]
                }
            )
        else:
            nav.append(entry)
    config["nav"] = nav
    path = work / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    return path


# --- the build ---------------------------------------------------------------------------------


def build(
    site: Path = SITE,
    contracts: ContractMode = "run",
    work: Path = WORK,
    specs: Path = ROOT / "specs",
    contract_dir: Path = CONTRACT_DIR,
) -> Built:
    """The site from `specs` into `site` (intermediate files in `work`); contract coverage
    from the reports in `contract_dir` (only `.contract/` is ever refreshed by a run)."""
    started_at = time.monotonic()
    vendors = load_vendors(specs)
    if not vendors:
        raise SystemExit("docs: no specs/*.yaml")
    node_tools.ensure_node_modules()
    src = work / "src"
    references = start_references(work / "reference", vendors)
    try:
        results, notes = contract_results(vendors, contracts, contract_dir)
        write_sources(src, vendors, results, notes)
    finally:
        finish_references(references, work / "reference")
    shutil.copytree(work / "reference", src / "reference")
    config = mkdocs_config(work, src, site, vendors)
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise SystemExit(f"docs: mkdocs build failed:\n{proc.stdout}{proc.stderr}")
    manifest = {
        "inputs": input_digest(),
        "vendors": {v.slug: v.sha256 for v in vendors},
        "contracts": {slug: r is not None for slug, r in results.items()},
    }
    (site / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    return Built(site, vendors, results, time.monotonic() - started_at)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--contracts",
        choices=["run", "read"],
        default="run",
        help="run: produce missing .contract/<vendor>.json (default); read: only use existing",
    )
    parser.add_argument("--site", type=Path, default=SITE)
    args = parser.parse_args(argv)
    built = build(args.site.resolve(), contracts=args.contracts)
    size = sum(p.stat().st_size for p in built.site.rglob("*") if p.is_file())
    measured = [slug for slug, result in built.contracts.items() if result is not None]
    print(
        f"docs: {built.site.relative_to(ROOT) if built.site.is_relative_to(ROOT) else built.site}"
        f" built in {built.seconds:.1f} s ({size / 1e6:.1f} MB, {len(built.vendors)} vendors; "
        f"contract coverage measured for {', '.join(measured) or 'none'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
