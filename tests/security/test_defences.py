"""A policy pull request cannot leak secrets, run code or change a policy without approval (issue 14).

Unit tests of the engine's defences, one per attack of reviews/red-team-2026-11-30.md; the
end-to-end attacks on a built company repository are in test_security_e2e.py.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from attacks import CANARY, CANARY_NAME, XSS, Listener, hostile_body, listening, pdf_secrets
from policyforge import Facts, facts_from_answers, load_library
from policyforge.exports._pdf import policy_html, render_pdf
from policyforge.lifecycle._check import check_repository
from policyforge.lifecycle._scaffold import git_init_commit, scaffold_company
from policyforge.model import resolve_answers
from policyforge.program import program_from_library
from policyforge.render import markdown_to_html, removed_by_sanitizer, sanitize_html


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening() as running:
        yield running


@pytest.fixture
def canary(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(CANARY_NAME, CANARY)
    return CANARY


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_answers(resolve_answers({}))


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory, facts: Facts) -> Path:
    """The example company's files written once by the engine (no cookiecutter, no build), committed."""
    repo = tmp_path_factory.mktemp("company") / "acme"
    scaffold_company(repo, facts, load_library())
    assert git_init_commit(repo, "Adopt the policies")
    return repo


@pytest.fixture
def company(scaffolded: Path, tmp_path: Path) -> Path:
    """A private copy of the scaffolded company for one test to attack."""
    return Path(shutil.copytree(scaffolded, tmp_path / "acme", symlinks=True))


def append_to_policy(repo: Path, name: str, text: str) -> Path:
    path = next((repo / "policies").glob(f"{name}-*.md"))
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- H1, M1: a closed world for rendering

def test_the_sanitiser_removes_scripts_handlers_styles_and_file_or_javascript_urls(listener: Listener) -> None:
    html = sanitize_html(markdown_to_html(hostile_body(listener), sanitize=False))
    for forbidden in ("<script", "onerror", "javascript:", "file:", "<link", "<style", "style=", "127.0.0.1",
                      "rel="):
        assert forbidden not in html
    assert "The attachment" in html and "styled" in html


def test_the_sanitiser_keeps_what_markdown_and_the_engine_write() -> None:
    markdown = ("# Title {#top}\n\n| a | b |\n|:-:|---|\n| 1 | [x](https://example.com) |\n\n"
                "!!! note\n    kept\n\n<div class=\"pf-meta\" markdown>\n\n*em*\n\n</div>\n\n"
                "![logo](logo.png) [mail](mailto:a@example.com) [in page](#top) <del>old</del> <ins>new</ins>\n")
    raw = markdown_to_html(markdown, sanitize=False)
    assert removed_by_sanitizer(raw) == []
    assert markdown_to_html(markdown).count("<") == raw.count("<")


def test_every_library_policy_page_passes_the_sanitiser_untouched(facts: Facts) -> None:
    program = program_from_library(facts)
    for doc in program.ordered_policies():
        assert removed_by_sanitizer(markdown_to_html(program.render_page(doc), sanitize=False)) == [], doc.id


def test_the_pdf_fetcher_embeds_no_file_and_requests_no_url(listener: Listener, canary: str) -> None:
    document = (f'<html><head><link rel="attachment" href="file:///proc/self/environ">'
                f'<link rel="stylesheet" href="{listener.url("sheet.css")}">'
                f'<style>body {{ background: url({listener.url("bg")}) }} @import url("{listener.url("imp")}");'
                f'</style></head><body><p>Visible</p><a rel="attachment" href="file:///etc/passwd">x</a>'
                f'<img src="{listener.url("img")}"><img src="file:///etc/hostname"></body></html>')
    pdf = render_pdf(document)
    assert pdf_secrets(pdf) == []
    assert listener.requests == []


def test_a_hostile_policy_pdf_carries_no_secret_and_sends_no_request(
        facts: Facts, listener: Listener, canary: str) -> None:
    program = program_from_library(facts)
    doc = program.policies["POL-13"]
    program.policies["POL-13"] = dataclasses.replace(doc, body=doc.body + hostile_body(listener))
    html = policy_html(program, program.policies["POL-13"])
    assert "<script" not in html and "file:" not in html and "onerror" not in html
    assert pdf_secrets(render_pdf(html)) == []
    assert listener.requests == []


def test_a_title_with_markup_is_shown_as_text_wherever_a_policy_links_it(facts: Facts) -> None:
    program = program_from_library(facts)
    title = f'<img src=x onerror="{XSS}">'
    program.policies["POL-13"] = dataclasses.replace(program.policies["POL-13"], title=title)
    linking = [d for d in program.ordered_policies() if "link('POL-13')" in d.body or 'link("POL-13")' in d.body]
    assert linking, "some policy links the access control policy"
    for doc in linking:
        html = markdown_to_html(program.render_page(doc), sanitize=False)
        assert "<img" not in html and "&lt;img" in html


def test_check_reports_what_the_sanitiser_removes_with_file_line_and_fix(company: Path, listener: Listener) -> None:
    path = append_to_policy(company, "POL-13", hostile_body(listener))
    lines = path.read_text(encoding="utf-8").splitlines()
    problems = [p for p in check_repository(company).problems if "removed when the policy is published" in p.message]
    described = {p.message.split(" is removed")[0] for p in problems}
    assert {"<script> element", "<link> element", "<style> element", "onerror attribute on <img>",
            "style attribute on <span>", 'href="file:///etc/passwd" on <a>', 'href="javascript:document.cookie" on <a>',
            f'src="{listener.url("img")}" on <img>'} <= described
    for problem in problems:
        assert problem.where == "policies/POL-13-access-control.md" and problem.fix
        assert problem.line is not None
    script = next(p for p in problems if p.message.startswith("<script>"))
    assert "<script>" in lines[script.line - 1]


def test_every_page_the_engine_generates_passes_the_sanitiser_untouched(scaffolded: Path, facts: Facts) -> None:
    from policyforge.program import load_program
    from policyforge.site._sitepages import generated_pages

    site = generated_pages(load_program(scaffolded), scaffolded, {"Policy handbook": "pdf/handbook.pdf"})
    for name, markdown in site.pages.items():
        assert removed_by_sanitizer(markdown_to_html(markdown, sanitize=False)) == [], name
