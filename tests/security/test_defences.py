"""A policy pull request cannot leak secrets, run code or change a policy without approval (issue 14).

Unit tests of the engine's defences, one per attack of reviews/red-team-2026-11-30.md; the
end-to-end attacks on a built company repository are in test_security_e2e.py.
"""

from __future__ import annotations

import dataclasses
import re
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


@pytest.mark.slow
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


@pytest.mark.slow
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


# ---------------------------------------------------------------- H2: only policy pages and named assets are published

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.mark.parametrize(("name", "target"), [
    ("env.txt", "/proc/self/environ"), ("git-config.txt", "../.git/config"), ("zero.md", "/dev/zero"),
    ("etc", "/etc"), ("outside.md", "/etc/hostname"),
])
def test_a_symbolic_link_under_policies_is_refused_naming_the_file(company: Path, name: str, target: str) -> None:
    from policyforge.repo import published_set

    (company / "policies" / name).symlink_to(target)
    published = published_set(company)
    (problem,) = [p for p in published.problems if p.where == f"policies/{name}"]
    assert "symbolic link" in problem.message and problem.fix
    assert name not in published.pages


@pytest.mark.parametrize(("relative", "message"), [
    ("notes.txt", "is not a page"), ("secrets.env", "is not a page"), ("sub/page.md", "is a sub-folder"),
])
def test_unknown_files_and_sub_folder_pages_are_refused_naming_the_file(
        company: Path, relative: str, message: str) -> None:
    from policyforge.repo import published_set

    path = company / "policies" / relative
    path.parent.mkdir(exist_ok=True)
    path.write_text("# page\n", encoding="utf-8")
    problems = published_set(company).problems
    assert any(message in p.message and p.where.startswith(f"policies/{relative.split('/')[0]}") and p.fix
               for p in problems), problems


def test_conflict_markers_are_refused_with_their_line(company: Path) -> None:
    from policyforge.repo import published_set

    path = append_to_policy(company, "POL-13", "\n<<<<<<< company\nours\n=======\ntheirs\n>>>>>>> library\n")
    line = path.read_text(encoding="utf-8").splitlines().index("<<<<<<< company") + 1
    (problem,) = published_set(company).problems
    assert (problem.where, problem.line) == ("policies/POL-13-access-control.md", line)


@pytest.mark.parametrize("planted", [".cache/pdf/html/0123.html", ".cache/pdf/0123.pdf", "out/pdf/ACME-POL-13.pdf",
                                     "site/index.html"])
def test_a_committed_build_cache_or_output_is_refused_so_no_build_reuses_it(company: Path, planted: str) -> None:
    """A part or HTML planted in .cache/ by ``git add -f`` would skip the sanitiser: refused by build and check."""
    import subprocess

    from policyforge.repo import published_set

    assert published_set(company).problems == []
    path = company / planted
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<script>alert(1)</script>', encoding="utf-8")
    assert published_set(company).problems == []  # ignored and untracked: a build's own cache
    subprocess.run(["git", "add", "-f", planted], cwd=company, check=True)
    (problem,) = published_set(company).problems
    top = planted.split("/")[0]
    assert problem.where == planted and f"under {top}/" in problem.message
    assert problem.fix == f"git rm -r --cached {top} (.gitignore keeps it out from then on)"
    assert any(p.where == planted for p in check_repository(company).problems)


def test_a_logo_named_in_mkdocs_yml_is_published_only_when_it_is_a_real_image_inside_policies(company: Path) -> None:
    from policyforge.repo import published_set

    (company / "mkdocs.yml").write_text("docs_dir: policies\ntheme:\n  name: material\n  logo: logo.png\n"
                                        "  favicon: icon.png\n", encoding="utf-8")
    (company / "policies" / "logo.png").write_bytes(PNG)
    (company / "policies" / "icon.png").symlink_to("/proc/self/environ")
    published = published_set(company)
    assert published.assets == ("logo.png",)
    assert [p.where for p in published.problems] == ["mkdocs.yml: theme.favicon", "policies/icon.png"]
    (company / "policies" / "icon.png").unlink()
    (company / "policies" / "icon.png").write_text("not an image", encoding="utf-8")
    assert "does not hold what its name says" in published_set(company).problems[0].message


def test_the_pdf_fetcher_loads_a_named_logo_and_nothing_beside_it(company: Path, canary: str) -> None:
    logo = company / "policies" / "logo.png"
    logo.write_bytes(PNG)
    document = f'<html><body><img src="file://{logo}"><img src="file://{company}/company.yml"></body></html>'
    fetched: list[str] = []
    from policyforge.exports._pdf import closed_fetcher

    fetcher = closed_fetcher([logo])
    for url in (f"file://{logo}", f"file://{company}/company.yml", "file:///proc/self/environ"):
        try:
            fetcher.fetch(url)
            fetched.append(url)
        except ValueError:
            pass
    assert fetched == [f"file://{logo}"]
    assert pdf_secrets(render_pdf(document, assets=[logo])) == []


@pytest.mark.parametrize(("addition", "finding"), [
    ("hooks:\n  - hooks.py\n", "hooks: is not allowed"),
    ("plugins:\n  - search\n  - policyforge\n  - macros\n", "plugin 'macros' is not allowed"),
    ("markdown_extensions:\n  - pymdownx.snippets\n", "Markdown extension 'pymdownx.snippets' is not allowed"),
    ("theme:\n  name: material\n  custom_dir: overrides\n", "theme.custom_dir is not allowed"),
    ("theme:\n  name: material\n  font:\n    text: Roboto\n", "theme.font loads web fonts"),
    ("extra:\n  analytics:\n    provider: google\n", "extra.analytics is not allowed"),
    ("extra_javascript:\n  - https://evil.example/x.js\n", "extra_javascript: is not allowed"),
])
def test_check_reports_mkdocs_settings_that_run_code_or_reach_outside(
        company: Path, addition: str, finding: str) -> None:
    from policyforge.lifecycle._mkdocs_config import mkdocs_config_problems

    generated = (Path(__file__).parents[2] / "{{cookiecutter.company_slug}}" / "mkdocs.yml").read_text(encoding="utf-8")
    (company / "mkdocs.yml").write_text(generated, encoding="utf-8")
    assert mkdocs_config_problems(company) == []
    lines = generated.splitlines()
    key = addition.split(":")[0]
    kept, skipping = [], False
    for line in lines:  # replace the generated block of the same key, if any, with the addition
        if line.startswith(f"{key}:"):
            skipping = True
        elif not (skipping and line.startswith((" ", "-"))):
            skipping = False
            kept.append(line)
    text = "\n".join(kept) + "\n" + addition
    (company / "mkdocs.yml").write_text(text, encoding="utf-8")
    problems = mkdocs_config_problems(company)
    match = [p for p in problems if finding in p.message]
    assert match, problems
    assert match[0].where == "mkdocs.yml" and match[0].line and match[0].fix


# ---------------------------------------------------------------- H3, M2: approval covers what the reader sees

def approval_findings(repo: Path, base: str | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in check_repository(repo, base=base).problems:
        if problem.where.startswith("policies/") and ("approv" in problem.message or "history" in problem.message):
            found.setdefault(problem.where, []).append(str(problem))
    return found


def commit_all(repo: Path, message: str) -> None:
    import subprocess

    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", message],
                   cwd=repo, check=True)


@pytest.mark.slow
def test_a_fresh_company_has_every_policy_approved_as_readers_see_it(company: Path) -> None:
    assert approval_findings(company) == {}


@pytest.mark.slow
def test_a_company_yml_change_makes_every_policy_it_alters_need_a_new_approval(company: Path) -> None:
    from policyforge.lifecycle._approve import approve
    from policyforge.program import load_program

    before = load_program(company)
    texts = {pid: before.render_body(doc) for pid, doc in before.policies.items()}
    path = company / "company.yml"
    text = path.read_text(encoding="utf-8")
    assert "breach_notification_hours: 72" in text
    path.write_text(text.replace("breach_notification_hours: 72", "breach_notification_hours: 720"), encoding="utf-8")
    after = load_program(company)
    changed = {pid for pid, doc in after.policies.items() if after.render_body(doc) != texts[pid]}
    assert changed
    found = approval_findings(company)
    assert {where.split("/")[1][:6] for where in found} == changed
    assert all("differs from what version 1.0 approved" in text for texts_ in found.values() for text in texts_)
    approver = after.facts.get("people.approver.name")
    for pid in sorted(changed):
        doc = after.policies[pid]
        approve(company, [pid], after.facts.get(f"people.{doc.approver}.name") or approver, "Breach notice",
                on=doc.history[-1].date)
    assert approval_findings(company) == {}


@pytest.mark.slow
def test_changing_the_approver_role_needs_the_current_approver(company: Path) -> None:
    from policyforge import PolicyforgeError
    from policyforge.lifecycle._approve import approve
    from policyforge.program import load_program

    program = load_program(company)
    doc = program.policies["POL-13"]
    assert doc.owner != doc.approver
    path = company / doc.path
    path.write_text(path.read_text(encoding="utf-8").replace(f"approver: {doc.approver}\n",
                                                             f"approver: {doc.owner}\n", 1), encoding="utf-8")
    assert any("approver changed" in t for t in approval_findings(company)[doc.path])
    owner = program.facts.get(f"people.{doc.owner}.name")
    current = program.facts.get(f"people.{doc.approver}.name")
    # The owner is refused twice over: they wrote the change, and the role change needs the current approver.
    with pytest.raises(PolicyforgeError, match=f"cannot also approve it|the current approver, {current}"):
        approve(company, ["POL-13"], owner, "I approve my own policy")
    approve(company, ["POL-13"], current, "Approver becomes the owner", on=doc.history[-1].date)
    assert approval_findings(company) == {}


@pytest.mark.slow
def test_check_base_fails_a_role_change_approved_by_the_new_approver_through_an_edited_history(company: Path) -> None:
    from policyforge.program import load_program

    program = load_program(company)
    doc = program.policies["POL-13"]
    path = company / doc.path
    owner = program.facts.get(f"people.{doc.owner}.name")
    text = path.read_text(encoding="utf-8").replace(f"approver: {doc.approver}\n", f"approver: {doc.owner}\n", 1)
    text = text.replace("approver_role: " + doc.approver, "approver_role: " + doc.owner)
    path.write_text(text, encoding="utf-8")
    found = approval_findings(company, base="HEAD")[doc.path]
    assert any("history entries recorded at HEAD were changed" in t for t in found)
    assert any("without the current approver's approval" in t and owner not in t.split("ask ")[1] for t in found)


@pytest.mark.parametrize("date", ["2020-01-01"])
def test_approve_refuses_a_date_before_the_last_approval(company: Path, date: str) -> None:
    import datetime as dt

    from policyforge import PolicyforgeError
    from policyforge.lifecycle._approve import approve
    from policyforge.program import load_program

    program = load_program(company)
    approver = program.facts.get(f"people.{program.policies['POL-13'].approver}.name")
    with pytest.raises(PolicyforgeError, match="is before the last approval of POL-13"):
        approve(company, ["POL-13"], approver, "Backdated", on=dt.date.fromisoformat(date))


def test_codeowners_names_only_the_approver_on_each_policy_line(company: Path) -> None:
    from policyforge.program import load_program

    program = load_program(company)
    lines = program.codeowners().splitlines()
    for doc in program.ordered_policies():
        (line,) = [line for line in lines if line.startswith(f"/policies/{doc.filename} ")]
        assert line.split()[1:] == [program.facts.get(f"people.{doc.approver}.email")]
    assert any("require review from Code Owners" in line for line in lines)


# ---------------------------------------------------------------- M4, L1: bounded rendering, never a traceback

@pytest.mark.parametrize(("expression", "limit"), [
    ('{{ "ab " * 2000000 }}', "repetition"),
    ("{{ '%0999999999d'|format(1) }}", "format width"),
    ("{{ '%0999999999d' % 1 }}", "format width"),
    ("{{ '{:>999999999}'.format(1) }}", "format width"),
    ("{{ '{0:>999999999}'.format_map({}) }}", "format width"),
    ("{{ 10.0 ** 1000 }}", "OverflowError"),
    ("{{ 10 ** 100000 }}", "power"),
    ("{% for i in range(10**9) %}x{% endfor %}", "OverflowError"),
    ("{% for i in range(99999) %}{% for j in range(99999) %}{{ 'abcdefgh' }}{% endfor %}{% endfor %}", "characters"),
    ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "RecursionError"),
])
def test_a_template_past_a_render_limit_is_one_problem_with_file_and_fix(expression: str, limit: str) -> None:
    from policyforge import TemplateError
    from policyforge.render import render_markdown

    with pytest.raises(TemplateError) as caught:
        render_markdown(f"## 1. Rules\n\n{expression}\n", "policies/POL-13-access-control.md", {}, first_line=12)
    (problem,) = caught.value.problems
    assert problem.where == "policies/POL-13-access-control.md" and problem.fix
    assert limit in problem.message, problem.message


def test_a_loop_without_output_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    from policyforge import TemplateError
    from policyforge.render import _render, render_markdown

    monkeypatch.setattr(_render, "MAX_RENDER_SECONDS", 1)
    with pytest.raises(TemplateError, match="more than 1 seconds"):
        render_markdown("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
                        "policies/x.md", {})


def test_checks_link_pattern_reads_a_long_line_of_link_openers_in_linear_time() -> None:
    import time

    from policyforge.lifecycle import _check

    def cost(size: int) -> float:
        line = "](" * size
        started = time.perf_counter()
        _check._LINK.findall(line)
        _check._template_syntax_as_values("{{" * size)
        return time.perf_counter() - started

    cost(1000)
    small, large = cost(20_000), cost(80_000)  # 4x the input: linear is ~4x the time, quadratic ~16x
    assert large < small * 10 + 0.05


def test_template_syntax_becomes_values_without_moving_lines() -> None:
    from policyforge.lifecycle._check import _template_syntax_as_values

    assert _template_syntax_as_values("a {{ x }} b {% if y\n %}c\n{{ open") == "a 1 b 1\nc\n{{ open"


def test_github_annotations_escape_commas_and_colons_in_file_names() -> None:
    from policyforge import Problem
    from policyforge.lifecycle._check import github_annotation

    text = github_annotation(Problem("policies/a,line=1::error title=x.md", "bad: x", "fix it", 3))
    assert text.startswith("::error file=policies/a%2Cline=1%3A%3Aerror title=x.md,line=3::")
    assert text.count("::") == 2


# ---------------------------------------------------------------- M3: atomic site

def test_a_failed_build_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    from policyforge.site._atomic import mark_built, staged_site

    site = tmp_path / "site"
    with staged_site(site, default=True) as staging:
        (staging / "index.html").write_text("first", encoding="utf-8")
        mark_built(staging)
    with staged_site(site, default=True) as staging:
        (staging / "index.html").write_text("half", encoding="utf-8")  # the build failed: not marked
    assert (site / "index.html").read_text(encoding="utf-8") == "first"
    with pytest.raises(KeyboardInterrupt), staged_site(site, default=True) as staging:
        (staging / "index.html").write_text("killed", encoding="utf-8")
        raise KeyboardInterrupt
    assert (site / "index.html").read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_site_dir_refuses_a_folder_with_other_content_and_changes_nothing(tmp_path: Path) -> None:
    from policyforge import PolicyforgeError
    from policyforge.site._atomic import staged_site

    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(PolicyforgeError, match="is not empty and holds no policyforge site"), \
            staged_site(folder, default=False):
        pass
    assert [p.name for p in folder.iterdir()] == ["thesis.tex"]


# ---------------------------------------------------------------- M6: the generated workflows

WORKFLOWS = Path(__file__).parents[2] / "{{cookiecutter.company_slug}}" / ".github" / "workflows"


def test_generated_workflows_pass_zizmor_with_no_finding_above_low(tmp_path: Path) -> None:
    import subprocess
    import sys

    target = tmp_path / ".github" / "workflows"
    shutil.copytree(WORKFLOWS, target)
    zizmor = Path(sys.executable).parent / "zizmor"
    result = subprocess.run([str(zizmor), "--offline", "--min-severity", "medium", str(target)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_release_job_keeps_no_credentials_and_no_pip_cache_and_checks_the_tag_is_on_main() -> None:
    import yaml

    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(text)["jobs"]["publish"]["steps"]
    checkout = next(step for step in steps if str(step.get("uses", "")).startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    assert "cache: pip" not in text
    assert "git merge-base --is-ancestor" in text and "policyforge check" in text


# ---------------------------------------------------------------- L1, L2: every bad input is one line with the fix

@pytest.mark.parametrize(("text", "message"), [
    ("a: 1\nextra_a: 2\n", "given twice"),
    ("d: 2026-02-30\n", "not a real date"),
    ("x: .inf\n", "not a number a policy can state"),
    ("x: .nan\n", "not a number a policy can state"),
    ("a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n", "aliases"),
    ("x: " + "[" * 3000 + "]" * 3000 + "\n", "nesting deeper"),
])
def test_company_yml_that_reads_two_ways_or_bombs_is_refused_with_its_line(
        facts: Facts, text: str, message: str) -> None:
    from policyforge import FactsError, dump_facts, parse_facts_yaml

    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(dump_facts(facts) + "extra_" + text)
    (problem,) = caught.value.problems
    assert message in problem.message and problem.line and problem.fix


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: re.sub(r"^effective_date: .*$", "effective_date: 2026-02-30", t, count=1, flags=re.M),
     "not a real date"),
    (lambda t: t.replace("\nid: ", "\nid: POL-13\nid: ", 1), "given twice"),
    (lambda t: t.replace("\nsummary: ", "\nextra: " + "[" * 2000 + "]" * 2000 + "\nsummary: ", 1), "nesting deeper"),
])
def test_front_matter_that_reads_two_ways_is_refused_with_its_line(company: Path, edit: object, message: str) -> None:
    from policyforge import TemplateError
    from policyforge.model._documents import parse_policy

    path = next((company / "policies").glob("POL-13-*.md"))
    with pytest.raises(TemplateError) as caught:
        parse_policy(edit(path.read_text(encoding="utf-8")), "policies/POL-13.md", company=True)  # type: ignore[operator]
    assert any(message in p.message and p.line for p in caught.value.problems), caught.value.problems


def test_a_policy_saved_with_a_byte_order_mark_is_read_as_written(company: Path) -> None:
    from policyforge.model._documents import parse_policy

    path = next((company / "policies").glob("POL-13-*.md"))
    assert parse_policy("\ufeff" + path.read_text(encoding="utf-8"), "p.md", company=True).id == "POL-13"


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    from policyforge.adapters.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize("argv", [
    ["approve", "POL-13", "--by", "x", "--date", "2026-13-45"],
    ["approve", "/outside/POL-13-access-control.md", "--by", "x"],
    ["approve", "POL-13", "--by", "x", "--author", "Mallory\x1b[31m\x07"],
    ["redline", "main", "--repo", "/nonexistent"],
    ["redline", "HEAD", "--no-pdf", "--out", "/proc/policyforge-out"],
    ["build", "--no-pdf", "--site-dir", "/proc/policyforge-site"],
])
def test_bad_input_on_the_command_line_is_one_line_and_exit_2(
        company: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    argv = [a.replace("/outside/", str(company.parent / "outside") + "/") for a in argv]
    if "--repo" not in argv:
        argv += ["--repo", str(company)]
    outside = company.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "POL-13-access-control.md").write_text(
        next((company / "policies").glob("POL-13-*.md")).read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copy(Path(__file__).parents[2] / "{{cookiecutter.company_slug}}" / "mkdocs.yml", company / "mkdocs.yml")
    before = (outside / "POL-13-access-control.md").read_text(encoding="utf-8")
    code, output = cli(capsys, *argv)
    lines = [line for line in output.splitlines() if line.strip()]
    assert code == 2, output
    assert len(lines) == 1 and lines[0].startswith("ERROR: ") and " — " in lines[0], output
    assert "Traceback" not in output and "\x1b" not in output
    assert (outside / "POL-13-access-control.md").read_text(encoding="utf-8") == before


def test_readiness_yml_nested_thousands_deep_is_one_problem_with_its_line() -> None:
    from policyforge import PolicyforgeError
    from policyforge.kit._readiness import parse_readiness

    with pytest.raises(PolicyforgeError) as caught:
        parse_readiness("access_control.mfa: " + "[" * 3000 + "]" * 3000 + "\n", ["access_control.mfa"])
    (problem,) = caught.value.problems
    assert problem.where == "readiness.yml" and problem.line == 1


def test_the_jinja2_floor_excludes_the_releases_with_a_sandbox_escape() -> None:
    import tomllib
    from importlib.metadata import version

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8"))
    assert "jinja2>=3.1.6" in project["project"]["dependencies"]
    assert tuple(int(part) for part in version("jinja2").split(".")[:3]) >= (3, 1, 6)
