"""The red team's attacks on a built company repository: nothing leaks, nothing is requested.

One hostile copy of the example company is built once (site, PDFs, redline, a local gh-pages
release) with a canary secret in the environment and a listener on 127.0.0.1 standing in for
every outside host; the tests read what came out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from attacks import CANARY, CANARY_NAME, XSS, Listener, files_containing, hostile_body, listening, pdf_secrets
from conftest import BIN, run

pytestmark = pytest.mark.slow
POL13 = "policies/POL-13-access-control.md"
POL02 = "policies/POL-02-policy-management.md"


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], cwd=repo).stdout


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


@pytest.fixture(scope="module")
def hostile_env() -> dict[str, str]:
    return {**os.environ, CANARY_NAME: CANARY, "SOURCE_DATE_EPOCH": "1796083200", "GIT_AUTHOR_NAME": "Mallory",
            "GIT_AUTHOR_EMAIL": "mallory@acme.example", "GIT_COMMITTER_NAME": "Mallory",
            "GIT_COMMITTER_EMAIL": "mallory@acme.example"}


@pytest.fixture(scope="module")
def hostile(example_repo: Path, tmp_path_factory: pytest.TempPathFactory, listener: Listener,
            hostile_env: dict[str, str]) -> Path:
    """The example company after a hostile pull request, built, redlined and published locally."""
    repo = Path(shutil.copytree(example_repo, tmp_path_factory.mktemp("hostile") / "acme", symlinks=True))
    policy = repo / POL13
    policy.write_text(policy.read_text(encoding="utf-8") + hostile_body(listener), encoding="utf-8")
    other = repo / POL02
    other.write_text(re.sub(r"^title: .*$", f'title: "Policy <img src=x onerror=\\"{XSS}\\">"',
                            other.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")
    git(repo, "add", "-A")
    run(["git", "commit", "-qm", "Hostile edit"], cwd=repo, env=hostile_env)
    pf = str(BIN / "policyforge")
    run([pf, "build", "--repo", str(repo)], env=hostile_env)
    run([pf, "redline", "HEAD~1", "HEAD", "--repo", str(repo)], env=hostile_env)
    run([pf, "publish", "--draft", "--repo", str(repo)], env=hostile_env)
    return repo


class _Active(HTMLParser):
    """Collect everything in a page that could run or load: scripts, handlers, sources."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "pf-xss" in value:
                self.found.append(f"<{tag} {name}>")
            if name in ("src", "href") and ("127.0.0.1" in value or value.startswith(("file:", "javascript:"))):
                self.found.append(f"<{tag} {name}={value}>")
            if name == "style" and "url(" in value:
                self.found.append(f"<{tag} style>")

    def handle_data(self, data: str) -> None:
        if self._in_script and "pf-xss" in data:
            self.found.append("<script> with the payload")


def test_no_output_of_the_hostile_build_contains_the_canary(hostile: Path) -> None:
    for folder in ("site", "out/pdf", "out/redline"):
        assert files_containing(hostile / folder, CANARY.encode()) == [], folder
    for pdf in [*(hostile / "out/pdf").glob("*.pdf"), *(hostile / "out/redline").glob("*.pdf")]:
        assert pdf_secrets(pdf.read_bytes()) == [], pdf.name


def test_the_locally_published_gh_pages_branch_contains_no_canary(hostile: Path) -> None:
    listing = git(hostile, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert any(name.endswith("index.html") for name in listing)
    blobs = subprocess.run(["git", "cat-file", "--batch"], cwd=hostile, check=True, capture_output=True,
                           input="".join(f"gh-pages:{name}\n" for name in listing).encode()).stdout
    assert CANARY.encode() not in blobs


def test_the_hostile_build_sent_no_request_to_any_host(hostile: Path, listener: Listener) -> None:
    assert listener.requests == []


def test_no_published_page_carries_a_script_handler_or_outside_source(hostile: Path) -> None:
    pages = list((hostile / "site").rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        parser = _Active()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], page.name
    policy = (hostile / "site" / "POL-13-access-control.html").read_text(encoding="utf-8")
    assert "The attachment" in policy and "styled" in policy


def test_the_markup_title_is_shown_as_text_in_navigation_and_links(hostile: Path) -> None:
    home = (hostile / "site" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=" in home
    assert "<img src=x" not in home and '<img src="x"' not in home


@pytest.mark.parametrize(("name", "target"), [("env.txt", "/proc/self/environ"), ("git-config.txt", "../.git/config"),
                                              ("zero.md", "/dev/zero")])
def test_build_and_check_refuse_a_symbolic_link_with_one_line_naming_it(
        example_repo: Path, tmp_path: Path, name: str, target: str, hostile_env: dict[str, str]) -> None:
    repo = Path(shutil.copytree(example_repo, tmp_path / "acme", symlinks=True,
                                ignore=shutil.ignore_patterns("site", "out", ".cache")))
    (repo / "policies" / name).symlink_to(target)
    for command in (["build", "--no-pdf"], ["check"]):
        result = run([str(BIN / "policyforge"), *command, "--repo", str(repo)], env=hostile_env, check=False)
        assert result.returncode == (2 if command[0] == "build" else 1), result.stderr
        assert "Traceback" not in result.stderr
        output = result.stderr + result.stdout
        assert f"policies/{name}: is a symbolic link" in output
        assert CANARY not in output
    assert not (repo / "site").exists()
