"""The built site in a real browser (Debian's Chromium driven by Playwright), served from localhost."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="module")
def site_url(example_repo: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(example_repo / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()



@pytest.fixture
def page(browser: object, site_url: str) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.outside_requests = []

    def record(request: object) -> None:
        host = urlparse(request.url).hostname  # type: ignore[attr-defined]
        if host not in ("127.0.0.1", "localhost", None):
            tab.outside_requests.append(request.url)  # type: ignore[attr-defined]

    tab.on("request", record)
    yield tab
    context.close()


def test_home_page_shows_the_program_at_a_glance(page: object, site_url: str) -> None:
    page.goto(f"{site_url}/index.html")  # type: ignore[attr-defined]
    body = page.inner_text("article")  # type: ignore[attr-defined]
    assert "Acme Cloud information security policies" in body
    assert "Security, Availability, Confidentiality, Processing Integrity, Privacy" in body
    assert "61 of 61" in body
    assert "Policy handbook" in body
    assert page.title().startswith("Acme Cloud policies")  # type: ignore[attr-defined]
    assert page.outside_requests == []  # type: ignore[attr-defined]


def test_policy_page_shows_its_metadata_and_history(page: object, site_url: str) -> None:
    page.goto(f"{site_url}/POL-21-incident-response.html")  # type: ignore[attr-defined]
    meta = page.inner_text(".pf-meta")  # type: ignore[attr-defined]
    for text in ("ACME-POL-21, version 1.0", "Security Officer (Priya Natarajan)", "Next review due"):
        assert text in meta
    history = page.locator("#revision-history").locator("xpath=following-sibling::*[1]").inner_text()  # type: ignore[attr-defined]
    assert "Initial adoption of the policy" in history
    nav = page.inner_text("nav.md-nav--primary")  # type: ignore[attr-defined]
    assert "Incident response and resilience" in nav
    assert page.outside_requests == []  # type: ignore[attr-defined]


def test_search_finds_a_policy(page: object, site_url: str) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{site_url}/index.html")  # type: ignore[attr-defined]
    page.click("label.md-search__icon, .md-search__input", timeout=10000)  # type: ignore[attr-defined]
    # The search worker indexes the whole site first, and on a busy two-core machine a query typed before the
    # index is ready can be dropped; the query is typed again until results show, up to a minute in all.
    found = False
    for _attempt in range(12):
        page.fill(".md-search__input", "")  # type: ignore[attr-defined]
        page.type(".md-search__input", "tabletop")  # type: ignore[attr-defined]
        try:
            page.wait_for_selector(".md-search-result__item", timeout=5000)  # type: ignore[attr-defined]
        except PlaywrightTimeout:
            continue
        found = True
        break
    assert found, "the search showed no result for 'tabletop' within a minute"
    results = page.inner_text(".md-search-result")  # type: ignore[attr-defined]
    assert "Incident Response" in results
    assert page.outside_requests == []  # type: ignore[attr-defined]


def test_no_page_loads_anything_from_outside_hosts(page: object, site_url: str, example_repo: Path) -> None:
    for html in sorted((example_repo / "site").glob("*.html")):
        page.goto(f"{site_url}/{html.name}", wait_until="networkidle")  # type: ignore[attr-defined]
    assert page.outside_requests == []  # type: ignore[attr-defined]
