"""Executable docs: every ```python block of the site's pages and of README.md runs against the
vendor's mock.

The pages are the ones `make docs` builds: the hand-written docs/*.md and the vendor pages
generated from specs/*.yaml, written afresh (crm_tools.build_docs `markdown_sources`) when this
module is collected, so a snippet is tested exactly as the site shows it.

For each block:
- its vendor is the one whose generated client it imports (`from clevertim_client ...`), or the
  vendor of the page it is on (vendors/<vendor>.md);
- that vendor's mock fixture (`clevertim_mock`, ...) is started and reset, and
  `http://127.0.0.1:8080` in the block (the address the docs use, as README's quickstart) is
  replaced by the mock's root URL;
- the block runs with `exec`; any `test_*` function it defines is then called with the pytest
  fixtures its parameters name (`def test_x(clevertim_mock)`), as pytest would.

Blocks must be self-contained. A block that raises (an import that moved, an operation that
changed, an `assert` in the block) fails its test. No block is exempt.
"""

from __future__ import annotations

import atexit
import inspect
import re
import shutil
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from crm_tools import build_docs
from crm_tools.docs_spec import client_packages

ROOT = Path(__file__).resolve().parents[2]
DOCS_ADDRESS = "http://127.0.0.1:8080"
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)
IMPORT = re.compile(r"^\s*(?:from|import)\s+(\w+)", re.M)

#: (file, text the block contains) -> why it is not executed


@dataclass(frozen=True)
class Snippet:
    page: str  # path shown in test ids: README.md, vendors/clevertim.md, ...
    line: int
    code: str

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def extract(text: str, page: str) -> list[Snippet]:
    """The ```python blocks of a Markdown text (indented ones too), dedented."""
    return [
        Snippet(page, text.count("\n", 0, m.start()) + 1, textwrap.dedent(m.group("code")))
        for m in FENCE.finditer(text)
    ]


def collect() -> list[Snippet]:
    pages = Path(tempfile.mkdtemp(prefix="crm-docs-snippets-"))
    atexit.register(shutil.rmtree, pages, True)
    snippets = extract((ROOT / "README.md").read_text("utf-8"), "README.md")
    for path in build_docs.markdown_sources(pages / "src"):
        page = path.relative_to(pages / "src").as_posix()
        snippets += extract(path.read_text("utf-8"), page)
    return snippets


SNIPPETS = collect()
PACKAGES = client_packages()


def vendors_of(snippet: Snippet) -> list[str]:
    found = [PACKAGES[name] for name in IMPORT.findall(snippet.code) if name in PACKAGES]
    page = re.fullmatch(r"vendors/(.+)\.md", snippet.page)
    if not found and page:
        found = [page.group(1)]
    return sorted(set(found))


def run_snippet(snippet: Snippet, request: pytest.FixtureRequest) -> dict[str, Any]:
    """Execute a block as the docs show it, against the right mock; returns its namespace."""
    code = snippet.code
    vendors = vendors_of(snippet)
    if DOCS_ADDRESS in code:
        assert len(vendors) == 1, (
            f"{snippet.id}: uses {DOCS_ADDRESS} but which mock it needs is unclear: {vendors}"
        )
        mock = request.getfixturevalue(vendors[0].replace("-", "_") + "_mock")
        code = code.replace(DOCS_ADDRESS, mock.url)
    namespace: dict[str, Any] = {"__name__": "docs_snippet"}
    exec(compile(code, snippet.id, "exec"), namespace)
    for name, function in list(namespace.items()):
        if name.startswith("test_") and inspect.isfunction(function):
            arguments = {
                param: request.getfixturevalue(param)
                for param in inspect.signature(function).parameters
            }
            function(**arguments)
    return namespace


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[s.id for s in SNIPPETS])
def test_snippet_runs(snippet: Snippet, request: pytest.FixtureRequest) -> None:
    run_snippet(snippet, request)


def test_every_vendor_page_and_readme_have_snippets() -> None:
    """Guards the extraction: no snippets found must not pass as "every snippet works"."""
    pages = {s.page for s in SNIPPETS}
    assert "README.md" in pages
    for spec in sorted((ROOT / "specs").glob("*.yaml")):
        assert f"vendors/{spec.stem}.md" in pages, f"no runnable example for {spec.stem}"


def test_a_snippet_that_no_longer_works_fails(request: pytest.FixtureRequest) -> None:
    """The quickstart blocks check what they show: a wrong credential makes one raise."""
    quickstart = next(s for s in SNIPPETS if s.page == "vendors/clevertim.md")
    broken = Snippet(quickstart.page, quickstart.line, quickstart.code.replace("demo-token", "x"))
    assert broken.code != quickstart.code
    with pytest.raises(AssertionError):
        run_snippet(broken, request)
    moved = Snippet(quickstart.page, quickstart.line, quickstart.code.replace(".api.", ".apis."))
    with pytest.raises(ModuleNotFoundError):
        run_snippet(moved, request)


def test_extract_finds_indented_blocks_and_ignores_other_languages() -> None:
    text = (
        "a\n```python\nx = 1\n```\n```sh\nls\n```\n??? note\n\n    ```python\n    y = 2\n    ```\n"
    )
    assert [(s.line, s.code) for s in extract(text, "p.md")] == [(2, "x = 1\n"), (10, "y = 2\n")]
