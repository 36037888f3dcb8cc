"""The built site measured in a real browser at a laptop's and a phone's size, in the light and the dark scheme.

Debian's Chromium driven by Playwright reads the example company's draft site (built once per
session): tables fit or scroll in their own box, the matrix filter works offline, the document-
control block is short on a phone, links meet WCAG AA contrast and axe-core (bundled in the
axe-playwright-python wheel) finds no serious violation. A screenshot of each page kind at each size
(and of the trust site's pages) is kept in test-artifacts/screenshots/, which CI uploads.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from conftest import BIN, REPO_ROOT, run
from policyforge.site._theme import AA_CONTRAST, contrast

pytestmark = [pytest.mark.slow, pytest.mark.browser]
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
VIEWPORTS = {"laptop": LAPTOP, "phone": PHONE}
PAGE_KINDS = ["index.html", "POL-21-incident-response.html", "controls.html", "coverage.html", "evidence.html",
              "readiness.html", "changes.html", "program.html", "acknowledgements.html",
              "companion/risk-register.html", "companion/asset-inventory.html", "companion/vendor-inventory.html",
              "companion/system-description.html", "companion/exception-register.html",
              "companion/business-impact-analysis.html", "companion/incident-response-runbook.html",
              "companion/policy-acknowledgement.html"]
TRUST_PAGES = ["index.html", "disclosure.html"]  # the public trust site (policyforge trust), not on the policy site
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"  # kept by CI as the look of each page kind
# Every element of the article whose box sticks out of the article sideways, unless a box between them
# scrolls (a wide table in its own scroll box is fine; content cut off or pushing the page is not).
OVERFLOWING = """(root) => {
  const article = document.querySelector(root);
  // The column the article sits in: Material's table scroll boxes reach into the article's own margins.
  const edge = article.parentElement.getBoundingClientRect();
  const found = [];
  for (const e of article.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || getComputedStyle(e).visibility === 'hidden') { continue; }
    if (box.right <= edge.right + 1 && box.left >= edge.left - 1) { continue; }
    let scrolls = false;
    for (let p = e.parentElement; p && p !== article; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { scrolls = true; break; }
    }
    if (!scrolls) {
      found.push(`${e.tagName.toLowerCase()}.${e.className} ${Math.round(box.left)}..${Math.round(box.right)}`
                 + ` in ${Math.round(edge.left)}..${Math.round(edge.right)}`);
    }
  }
  return found.slice(0, 5);
}"""
WIDE = ["controls.html", "coverage.html", "evidence.html", "companion/risk-register.html",
        "companion/asset-inventory.html", "companion/vendor-inventory.html"]
# Each table: its width, the article's, and the nearest box between them that scrolls sideways.
TABLES = """() => {
  const article = document.querySelector('article');
  return Array.from(article.querySelectorAll('table')).map(table => {
    let scroller = null;
    for (let e = table.parentElement; e && e !== article; e = e.parentElement) {
      const overflow = getComputedStyle(e).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') { scroller = e; break; }
    }
    const clipped = [];
    for (let e = table; e && e !== document.body; e = e.parentElement) {
      const hides = getComputedStyle(e).overflowX === 'hidden';
      if (hides && e.scrollWidth > e.clientWidth + 1) { clipped.push(e.className); }
    }
    return {width: Math.ceil(table.getBoundingClientRect().width), article: article.clientWidth,
            scrollerWidth: scroller ? scroller.clientWidth : null,
            scrollerContent: scroller ? scroller.scrollWidth : null, clipped: clipped};
  });
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="module")
def site_url(example_repo: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(example_repo / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()



@pytest.fixture(scope="module")
def trust_url(example_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("trust") / "trust"
    run([str(BIN / "policyforge"), "trust", "--repo", str(example_repo), "--out", str(out)])
    handler = functools.partial(QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def open_tab(browser: Any, viewport: dict[str, int], scheme: str = "light") -> Any:
    """Return a new tab of the given size and colour scheme that records requests to other hosts."""
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    tab = context.new_page()
    tab.outside = []
    tab.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None) and tab.outside.append(r.url))
    return tab


def visit(tab: Any, url: str) -> None:
    tab.goto(url)
    tab.wait_for_function("typeof document$ !== 'undefined'")
    tab.wait_for_timeout(200)  # Material wraps tables in scroll boxes on its first render


@pytest.fixture(scope="module", autouse=True)
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_nothing_in_the_article_overflows_sideways_on_any_page_kind(browser: Any, site_url: str, size: str) -> None:
    tab = open_tab(browser, VIEWPORTS[size])
    problems = []
    for path in PAGE_KINDS:
        visit(tab, f"{site_url}/{path}")
        tab.screenshot(path=str(SCREENSHOTS / f"{size}-{path.replace('/', '_')}.png"), full_page=False)
        page_width = tab.evaluate("document.documentElement.scrollWidth")
        if page_width > VIEWPORTS[size]["width"]:
            problems.append(f"{path}: the page scrolls sideways ({page_width} px)")
        problems += [f"{path}: {where} sticks out of the article" for where in tab.evaluate(OVERFLOWING, "article")]
        for n, table in enumerate(tab.evaluate(TABLES)):
            if table["clipped"]:
                problems.append(f"{path} table {n}: clipped by {table['clipped']}")
            if table["width"] <= table["article"]:
                continue
            scroller = table["scrollerWidth"]
            if scroller is None or scroller > VIEWPORTS[size]["width"] or table["scrollerContent"] < table["width"]:
                problems.append(f"{path} table {n}: {table['width']} px in {table['article']} px, no scroll box")
    assert problems == []
    assert tab.outside == []
    tab.context.close()


def test_wide_pages_fit_their_tables_in_the_window_of_a_laptop(browser: Any, site_url: str) -> None:
    tab = open_tab(browser, LAPTOP)
    visit(tab, f"{site_url}/POL-21-incident-response.html")
    policy_column = tab.evaluate("document.querySelector('article').clientWidth")
    for path in WIDE:
        visit(tab, f"{site_url}/{path}")
        tables = tab.evaluate(TABLES)
        assert tables, path
        assert tables[0]["article"] > policy_column + 300, path  # no table of contents, no 61rem grid
        assert max(t["width"] for t in tables) <= tables[0]["article"], path
    tab.context.close()


def test_the_matrix_filter_hides_rows_and_policies_that_do_not_match(browser: Any, site_url: str) -> None:
    tab = open_tab(browser, LAPTOP)
    visit(tab, f"{site_url}/controls.html")
    rows = ".pf-matrix tbody tr"
    total = tab.locator(rows).count()
    groups = tab.locator(".pf-group").count()
    assert total > 100 and groups > 20
    wanted = tab.locator(f"{rows} td").first.inner_text().strip()  # the first control's id, e.g. GOV-01
    tab.fill("#pf-filter-input", wanted)
    shown = tab.locator(f"{rows}:visible")
    assert 1 <= shown.count() < total
    assert all(wanted.lower() in text.lower() for text in shown.all_inner_texts())
    assert tab.locator(".pf-group:visible").count() < groups
    assert tab.inner_text(".pf-filter output") == f"{shown.count()} of {total} controls shown"
    tab.screenshot(path=str(SCREENSHOTS / "laptop-controls-filtered.png"))
    tab.fill("#pf-filter-input", "no control says this")
    assert tab.locator(f"{rows}:visible").count() == 0 and tab.locator(".pf-group:visible").count() == 0
    tab.fill("#pf-filter-input", "")
    assert tab.locator(f"{rows}:visible").count() == total
    assert tab.outside == []
    tab.context.close()


def test_the_document_control_block_leaves_most_of_a_phone_screen_for_the_policy(browser: Any, site_url: str) -> None:
    tab = open_tab(browser, PHONE)
    visit(tab, f"{site_url}/POL-21-incident-response.html")
    height = tab.evaluate("document.querySelector('.pf-meta').getBoundingClientRect().height")
    tab.screenshot(path=str(SCREENSHOTS / "phone-policy-document-control.png"))
    assert height <= 0.4 * PHONE["height"], f"{height} px"
    text = tab.inner_text(".pf-meta")
    assert "ACME-POL-21, version 1.0" in text and "Next review due" in text and "Classification" in text
    tab.context.close()


def _rgb_hex(css: str) -> str:
    parts = css[css.index("(") + 1:css.index(")")].split(",")
    return "#" + "".join(f"{int(float(p)):02x}" for p in parts[:3])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_links_meet_aa_contrast_in_both_schemes(browser: Any, site_url: str, scheme: str) -> None:
    tab = open_tab(browser, LAPTOP, scheme)
    visit(tab, f"{site_url}/POL-21-incident-response.html")
    assert tab.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
    colours = tab.evaluate("""() => {
      const link = document.querySelector('article p a:not(.headerlink), article td a');
      let e = link, bg = 'rgba(0, 0, 0, 0)';
      while (e && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
        bg = getComputedStyle(e).backgroundColor;
        e = e.parentElement;
      }
      return [getComputedStyle(link).color, bg];
    }""")
    tab.screenshot(path=str(SCREENSHOTS / f"laptop-{scheme}-policy.png"))
    ratio = contrast(_rgb_hex(colours[0]), _rgb_hex(colours[1]))
    assert ratio >= AA_CONTRAST, f"{colours}: {ratio:.2f}"
    tab.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["POL-21-incident-response.html", "controls.html"])
def test_axe_finds_no_serious_violation_in_either_scheme(browser: Any, site_url: str, path: str, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    tab = open_tab(browser, LAPTOP, scheme)
    visit(tab, f"{site_url}/{path}")
    violations = Axe().run(tab).response["violations"]
    serious = [(v["id"], v["help"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []
    tab.context.close()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_nothing_on_the_trust_site_overflows_sideways_and_nothing_loads_from_elsewhere(browser: Any, trust_url: str,
                                                                                      size: str) -> None:
    tab = open_tab(browser, VIEWPORTS[size])
    problems = []
    for path in TRUST_PAGES:
        tab.goto(f"{trust_url}/{path}")
        tab.screenshot(path=str(SCREENSHOTS / f"{size}-trust-{path.replace('/', '_')}.png"), full_page=False)
        page_width = tab.evaluate("document.documentElement.scrollWidth")
        if page_width > VIEWPORTS[size]["width"]:
            problems.append(f"trust {path}: the page scrolls sideways ({page_width} px)")
        problems += [f"trust {path}: {where} sticks out" for where in tab.evaluate(OVERFLOWING, "main")]
    assert problems == []
    assert tab.outside == []
    tab.context.close()
