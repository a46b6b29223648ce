"""The built site in a real browser: headless Chromium, offline.

`site/` is served on 127.0.0.1 (a free port, http.server in a thread) and opened in Chromium
driven over the DevTools protocol (tests/docs/cdp.py). Every host name but 127.0.0.1 is made
unresolvable, so a page that needs the network cannot pass by reaching it.

For each vendor's API reference (site/reference/<vendor>.html, Redoc): after Redoc's scripts ran,
every operation's `summary` from specs/<vendor>.yaml must be rendered in the DOM. Redoc renders
one tag at a time (the menu lists a tag's operations when the tag is open), so the test opens
every tag of the menu and collects the rendered text. A screenshot per page is saved to
build/docs/screenshots/<vendor>.png and its path printed.

Skipped when /usr/bin/chromium is absent (developer machines); CI installs it (.ci/run) and sets
CRM_DOCS_REQUIRE_BROWSER=1, which turns a missing Chromium into a failure instead of a skip.
The site is built once per session under a temporary folder (the `site` fixture, conftest.py).
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from cdp import Chromium, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
VENDORS = sorted(p.stem for p in (ROOT / "specs").glob("*.yaml"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("CRM_DOCS_REQUIRE_BROWSER") != "1",
        reason="headless Chromium not installed (/usr/bin/chromium; `apt-get install chromium`)",
    ),
]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site_url(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Chromium]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing (CRM_DOCS_REQUIRE_BROWSER=1)"
    with Chromium.start(str(CHROMIUM)) as chromium:
        yield chromium


@pytest.fixture
def page(browser: Chromium) -> Iterator[Page]:
    tab = browser.new_page()
    tab.call("Network.enable")
    yield tab
    tab.close()


def wait_for(page: Page, expression: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def external_requests(page: Page) -> list[str]:
    """Requests for anything but the served site (and inline data) that were not blocked by the
    page's own content security policy before leaving the browser."""
    page.drain()
    blocked = {
        e["params"]["requestId"]
        for e in page.events
        if e.get("method") == "Network.loadingFailed" and e["params"].get("blockedReason")
    }
    return [
        e["params"]["request"]["url"]
        for e in page.events
        if e.get("method") == "Network.requestWillBeSent"
        and not e["params"]["request"]["url"].startswith(
            ("http://127.0.0.1:", "data:", "blob:", "about:")
        )
        and e["params"]["requestId"] not in blocked
    ]


def summaries_by_tag(vendor: str) -> dict[str, list[str]]:
    spec = yaml.safe_load((ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8"))
    tags: dict[str, list[str]] = {}
    for item in spec["paths"].values():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                tags.setdefault((op.get("tags") or [""])[0], []).append(op["summary"])
    return tags


MENU_GROUPS = """Object.fromEntries(Array.from(
    document.querySelectorAll('.menu-content .menu-item-type-group > a'),
    a => [a.innerText.trim(), a.getAttribute('href')]))"""
RENDERED = """(document.querySelector('.menu-content')?.innerText ?? '') + '\\n' +
    (document.querySelector('#api-content')?.innerText ?? '')"""


@pytest.mark.parametrize("vendor", VENDORS)
def test_reference_renders_every_operation(
    vendor: str, site: Path, site_url: str, page: Page
) -> None:
    tags = summaries_by_tag(vendor)
    page.navigate(f"{site_url}/reference/{vendor}.html")
    # hydrated: the server-rendered search box says "Loading..." until Redoc's scripts run
    assert wait_for(
        page, "document.querySelector('[data-testid=search-trigger]')?.innerText.includes('Search')"
    ), f"{vendor}: Redoc's scripts did not run"
    groups = wait_for(page, MENU_GROUPS) or {}
    rendered = ""
    for n, (tag, summaries) in enumerate(tags.items()):
        href = groups.get(tag)
        assert href, f"{vendor}: tag {tag!r} missing from the menu {sorted(groups)}"
        page.evaluate(f"location.hash = {('#' + href)!r}")
        check = " && ".join(f"text.includes({s!r})" for s in summaries)
        wait_for(page, f"(() => {{ const text = {RENDERED}; return {check}; }})()", timeout=10)
        rendered += page.evaluate(RENDERED) + "\n"
        if n == 0:
            shot = page.screenshot(site.parent / "screenshots" / f"{vendor}.png")
            print(f"screenshot: {shot}")
    expected = [s for summaries in tags.values() for s in summaries]
    missing = [s for s in expected if s not in rendered]
    assert not missing, f"{vendor}: {len(missing)} of {len(expected)} summaries not rendered"
    assert not page.console_errors(), page.console_errors()
    assert not external_requests(page), external_requests(page)


@pytest.mark.parametrize("path", ["index.html", *(f"vendors/{v}.html" for v in VENDORS)])
def test_site_page_loads_offline(path: str, site_url: str, page: Page) -> None:
    page.navigate(f"{site_url}/{path}")
    assert wait_for(page, "document.querySelector('article h1')?.innerText")
    links = page.evaluate(
        "Array.from(document.querySelectorAll('a[href$=\".html\"]'), a => a.href)"
        ".filter(h => h.includes('/reference/'))"
    )
    for link in set(links):  # the nav and the page link to the Redoc references
        status = page.evaluate(f"fetch({link!r}, {{method: 'HEAD'}}).then(r => r.status)")
        assert status == 200, link
    assert not page.console_errors(), page.console_errors()
    assert not external_requests(page), external_requests(page)


WIDTH = 1400  # a laptop screen: the layout the site must fit without sideways scrolling
LAYOUT = """(() => {
  const root = document.documentElement;
  const lines = e => {  // rendered lines of an element's text: content height / line height
    const s = getComputedStyle(e), px = v => parseFloat(v) || 0;
    const height = e.getBoundingClientRect().height - px(s.paddingTop) - px(s.paddingBottom)
      - px(s.borderTopWidth) - px(s.borderBottomWidth);
    return Math.round(height / (px(s.lineHeight) || px(s.fontSize) * 1.2));
  };
  const heads = 'article th, article h1, article h2, .md-header__title';
  const name = e => e.tagName.toLowerCase() + ': ' + e.innerText.trim().slice(0, 40);
  return {
    page: root.scrollWidth > root.clientWidth ? [root.scrollWidth, root.clientWidth] : null,
    scrolling: Array.from(document.querySelectorAll('article *'))
      .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
      .map(e => name(e) + ' (' + e.scrollWidth + ' > ' + e.clientWidth + ' px)'),
    wrapped: Array.from(document.querySelectorAll(heads))
      .filter(e => lines(e) > (e.tagName === 'TH' ? 1 : 2))
      .map(e => name(e) + ' (' + lines(e) + ' lines)'),
  };
})()"""


def layout_at(page: Page, url: str, width: int = WIDTH) -> dict[str, Any]:
    page.call(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=900,
        deviceScaleFactor=1,
        mobile=False,
    )
    page.navigate(url)
    assert wait_for(page, "document.querySelector('article h1')?.innerText")
    found: dict[str, Any] = page.evaluate(LAYOUT)
    return found


@pytest.mark.parametrize("path", ["index.html", "releasing.html", "changelogs/relenta.html"])
def test_page_fits_1400px_without_sideways_scrolling(
    path: str, site: Path, site_url: str, page: Page
) -> None:
    """No horizontal scrollbar on the page, no table or diagram that scrolls sideways inside
    it, no table header stacked word by word."""
    found = layout_at(page, f"{site_url}/{path}")
    if path == "index.html":
        shot = page.screenshot(site.parent / "screenshots" / "index-1400.png", full_page=True)
        print(f"screenshot: {shot}")
    assert found == {"page": None, "scrolling": [], "wrapped": []}, found


def test_the_layout_check_catches_sideways_scrolling(site_url: str, page: Page) -> None:
    """The same check at a width where the vendors table cannot fit: it must report it."""
    found = layout_at(page, f"{site_url}/index.html", width=700)
    assert found["scrolling"] or found["page"], found


@pytest.mark.parametrize("vendor", VENDORS)
def test_reference_servers_box_shows_no_markdown(vendor: str, site_url: str, page: Page) -> None:
    """Redoc prints a server's description as plain text: no raw backticks there."""
    page.navigate(f"{site_url}/reference/{vendor}.html")
    texts = wait_for(
        page,
        "Array.from(document.querySelectorAll('[data-testid=server-panel-item-name]'),"
        " e => e.textContent)",
    )
    spec = yaml.safe_load((ROOT / "specs" / f"{vendor}.yaml").read_text("utf-8"))
    assert texts, f"{vendor}: no Servers box rendered"
    assert not [t for t in texts if "`" in t], texts
    first = spec["servers"][0].get("description", "").replace("`", "")
    assert any(first[:40] in t for t in texts), (first, texts)
