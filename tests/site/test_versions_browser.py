"""Two approved releases published with mike, read in a real browser: versions, history, changes, a11y."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from conftest import BIN, run

pytestmark = [pytest.mark.slow, pytest.mark.browser]
POLICYFORGE = str(BIN / "policyforge")
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com"]


@pytest.fixture(scope="module")
def published(example_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Releases 2026.1 and 2026.2 (POL-13 edited and approved) and the draft, exported from gh-pages."""
    repo = tmp_path_factory.mktemp("releases") / "acme-cloud"
    shutil.copytree(example_source, repo, symlinks=True)
    run([*GIT, "tag", "2026.1"], cwd=repo)
    run([POLICYFORGE, "publish", "2026.1", "--no-pdf", "--repo", str(repo)])
    policy = repo / "policies" / "POL-13-access-control.md"
    policy.write_text(policy.read_text().replace("**4.1.1** ", "**4.1.1** Every request names an end date. ", 1))
    run([POLICYFORGE, "approve", "POL-13", "--by", "Dana Whitfield", "--summary", "Requests name an end date",
         "--date", "2027-03-01", "--repo", str(repo)])
    run([*GIT, "commit", "-qam", "POL-13: requests name an end date"], cwd=repo)
    run([*GIT, "tag", "2026.2"], cwd=repo)
    run([POLICYFORGE, "publish", "2026.2", "--no-pdf", "--repo", str(repo)])
    run([POLICYFORGE, "publish", "--draft", "--no-pdf", "--repo", str(repo)])
    pages = repo.parent / "pages"
    pages.mkdir()
    archive = subprocess.run(["git", "archive", "gh-pages"], cwd=repo, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(pages)], input=archive, check=True)
    return pages


@pytest.fixture(scope="module")
def url(published: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(published)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()



@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context()  # type: ignore[attr-defined]
    tab = context.new_page()
    tab.outside = []
    tab.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", None) and tab.outside.append(r.url))
    yield tab
    context.close()


def test_versions_json_lists_both_releases_and_the_draft(published: Path) -> None:
    versions = json.loads((published / "versions.json").read_text())
    assert [v["version"] for v in versions if v["version"] != "draft"] == ["2026.2", "2026.1"]
    assert next(v for v in versions if v["version"] == "2026.2")["aliases"] == ["latest"]
    assert any(v["version"] == "draft" for v in versions)


def test_version_selector_offers_every_release(page: object, url: str) -> None:
    page.goto(f"{url}/latest/index.html")  # type: ignore[attr-defined]
    page.wait_for_selector(".md-version__current", timeout=15000)  # type: ignore[attr-defined]
    assert page.inner_text(".md-version__current").strip() == "2026.2"  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".md-version__link", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])")
    titles = [title for title, _ in links]
    assert "2026.1" in titles and "2026.2" in titles and "draft (main)" in titles
    href = dict(links)["2026.1"]
    page.goto(urljoin(page.url, href))  # type: ignore[attr-defined]
    assert "/2026.1/" in page.url  # type: ignore[attr-defined]
    assert page.inner_text(".md-version__current").strip() == "2026.1"  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]


def test_each_release_shows_its_own_policy_version_and_history(page: object, url: str) -> None:
    page.goto(f"{url}/2026.1/POL-13-access-control.html")  # type: ignore[attr-defined]
    assert "ACME-POL-13, version 1.0" in page.inner_text(".pf-meta")  # type: ignore[attr-defined]
    page.goto(f"{url}/2026.2/POL-13-access-control.html")  # type: ignore[attr-defined]
    meta = page.inner_text(".pf-meta")  # type: ignore[attr-defined]
    assert "ACME-POL-13, version 1.1" in meta and "1 March 2027" in meta
    history = page.locator("#revision-history").locator("xpath=following-sibling::*[1]").inner_text()  # type: ignore[attr-defined]
    assert "Initial adoption of the policy" in history and "Requests name an end date" in history
    assert "not yet committed" not in history


def test_release_page_lists_what_changed_with_a_redline(page: object, url: str) -> None:
    page.goto(f"{url}/2026.2/changes.html")  # type: ignore[attr-defined]
    text = page.inner_text("article")  # type: ignore[attr-defined]
    assert "What changed in 2026.2" in text and "since release 2026.1" in text
    assert "Access Control Policy" in text and "1.0 → 1.1" in text and "Requests name an end date" in text
    assert "Information Security Policy" not in text
    page.click("text=redline")  # type: ignore[attr-defined]
    changed = page.inner_text("section.policy ins")  # type: ignore[attr-defined]
    assert "Every request names an end date." in changed
    page.goto(f"{url}/2026.1/changes.html")  # type: ignore[attr-defined]
    assert "first release" in page.inner_text("article")  # type: ignore[attr-defined]


@pytest.mark.parametrize("path", ["index.html", "POL-21-incident-response.html", "controls.html", "coverage.html",
                                  "evidence.html", "readiness.html", "changes.html", "companion/risk-register.html"])
def test_accessibility_scan_finds_no_serious_violation(page: object, url: str, path: str) -> None:
    from axe_playwright_python.sync_playwright import Axe  # axe-core, bundled in the wheel

    page.goto(f"{url}/2026.2/{path}")  # type: ignore[attr-defined]
    violations = Axe().run(page).response["violations"]
    serious = [(v["id"], v["help"], len(v["nodes"])) for v in violations if v["impact"] in ("serious", "critical")]
    assert serious == []


@pytest.mark.parametrize("path", ["index.html", "POL-13-access-control.html", "controls.html",
                                  "companion/risk-register.html"])
def test_only_the_draft_version_says_it_is_not_approved(page: object, url: str, path: str) -> None:
    page.goto(f"{url}/draft/{path}")  # type: ignore[attr-defined]
    assert "draft, not approved" in page.inner_text(".pf-draft").lower()  # type: ignore[attr-defined]
    assert "Acme Cloud · Draft, not approved" in page.inner_text(".md-copyright")  # type: ignore[attr-defined]
    for release in ("2026.1", "2026.2"):
        page.goto(f"{url}/{release}/{path}")  # type: ignore[attr-defined]
        assert page.locator(".pf-draft").count() == 0  # type: ignore[attr-defined]
        assert f"Acme Cloud · Release {release}" in page.inner_text(".md-copyright")  # type: ignore[attr-defined]
    assert page.outside == []  # type: ignore[attr-defined]
