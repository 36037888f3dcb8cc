"""Robustness: any company fact is shown exactly or refused by name; builds are reproducible and safe to stop.

The unit properties (hypothesis, fast) feed arbitrary text, markup, Jinja syntax, YAML special values
and very long values through the engine's own entry points: cookiecutter answers
(``resolve_answers`` + ``facts_from_answers``), ``company.yml`` (``dump_facts`` / ``parse_facts_yaml``)
and rendering (``program_from_library(...).render_page`` + ``markdown_to_html``). The end-to-end
tests (slow) build the example company twice, interrupt builds, and corrupt its inputs.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import BIN, run
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from policyforge import Facts, FactsError, Library, dump_facts, facts_from_answers, load_library, parse_facts_yaml
from policyforge.model import FACT_SPECS, resolve_answers
from policyforge.program import program_from_library
from policyforge.render import markdown_to_html

EPOCH = "1796083200"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Derived defaults are pinned, so a problem is always reported against the fact under test.
PINNED = {"company_slug": "acme-cloud", "doc_prefix": "ACME", "approver_name": "Robin Ortiz",
          "approver_email": "robin@acme.example", "security_contact_email": "security@acme.example"}
TEXT_KEYS = [spec.key for spec in FACT_SPECS if spec.kind in ("text", "person")]

YAML_SPECIALS = ["no", "yes", "on", "off", "y", "n", "~", "null", "Null", "true", "False", "2024-01-01",
                 "2024-01-01 10:00:00", "12", "-3", "0x1F", "0o17", "1e3", ".inf", "-.nan", "- x", "-", ": ", "a: b",
                 "#", "# comment", "x # y", "&anchor", "*alias", "!!python/object/apply:os.system", "!tag", "|",
                 ">-", "'", '"', "%YAML 1.1", "@", "`", "{a: 1}", "[1, 2]", "? x", "---", "...", "<<", "="]
MARKUP = ["<b>Acme</b>", "<script>alert(1)</script>", "*bold*", "_it_", "__x__", "`code`", "[a](https://x.example)",
          "![i](x.png)", "<!-- c -->", "&amp;", "&#x41;", "&copy", "# h", "1. x", "2) y", "- x", "+ x", "> q",
          "| a | b |", "{: .cls }", "{ #id }", "!!! note", "```", "\\", "\\*", "**", "[^1]", "*[HTML]: x",
          '<div markdown="1">*x*</div>', "<https://x.example>", "https://x.example", "a  b", "\t", "😀", "株式会社",
          "שלום", "\u202e", "\u00a0", "Ω≈ç√"]
JINJA = ["{{ 7*7 }}", "{{7*7}}", "{% if true %}x{% endif %}", "{# c #}", "{## c ##}", "{{ cookiecutter.company_name }}",
         "{{ ''.__class__.__mro__ }}", "{% raw %}", "{% endraw %}", "{{", "}}", "{%", "%}", "{{ company.name }}",
         "{% include 'x' %}"]


fragments = st.sampled_from(YAML_SPECIALS + MARKUP + JINJA)
fact_values = st.one_of(
    fragments,
    st.text(max_size=40),
    st.lists(st.one_of(fragments, st.text(max_size=6), st.just(" ")), min_size=1, max_size=6).map("".join),
    st.text(min_size=190, max_size=260),
    st.text(alphabet="ab <*_{}|#", min_size=1000, max_size=3000),
)


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def collapse(text: str) -> str:
    """Collapse runs of HTML whitespace, as a browser shows them (NBSP and other Unicode spaces stay)."""
    return re.sub("[ \t\n\r\f]+", " ", text)


def visible_text(markdown: str) -> str:
    """Return the text a reader sees on the page the Markdown renders to."""
    parser = _TextOf()
    parser.feed(markdown_to_html(markdown))
    parser.close()
    return collapse("".join(parser.parts))


@functools.cache
def library() -> Library:
    return load_library()


@functools.cache
def default_facts() -> Facts:
    return facts_from_answers(resolve_answers(PINNED))


def _pages(facts: Facts) -> dict[str, Callable[[], str]]:
    program = program_from_library(facts, library())
    pages: dict[str, Callable[[], str]] = {"home": program.home_page}
    for doc in program.ordered_policies():
        pages[doc.id] = functools.partial(program.render_page, doc)
    return pages


def marker(key: str) -> str:
    """Return a neutral stand-in for a fact, unique to it and unlike any word of the library."""
    return f"Qzm{TEXT_KEYS.index(key):02d}k"


@functools.cache
def page_showing() -> dict[str, str]:
    """Map each text fact to the page that shows it most often (every fact gets its marker, rendered once)."""
    facts = facts_from_answers(resolve_answers({**PINNED, **{key: marker(key) for key in TEXT_KEYS}}))
    texts = {name: visible_text(render()) for name, render in _pages(facts).items()}
    found: dict[str, str] = {}
    for key in TEXT_KEYS:
        best = max(texts, key=lambda name: texts[name].count(marker(key)))
        if marker(key) in texts[best]:
            found[key] = best
    return found


def rendered_text(facts: Facts, key: str) -> str:
    """Return the visible text of the page chosen for ``key``, rendered with ``facts``."""
    return visible_text(_pages(facts)[page_showing()[key]]())


@functools.cache
def marker_text(key: str) -> str:
    """Return that page's text with only ``key`` set to its marker: the page every value must match."""
    return rendered_text(facts_from_answers(resolve_answers({**PINNED, key: marker(key)})), key)


def shown_exactly(facts: Facts, key: str) -> str:
    """Check the page shows the fact exactly where (and as often as) it shows the marker; return its text."""
    text = rendered_text(facts, key)
    assert text == marker_text(key).replace(marker(key), collapse(facts.flat()[key]))
    return text


def answers_outcome(key: str, value: str) -> Facts | FactsError:
    try:
        return facts_from_answers(resolve_answers({**PINNED, key: value}))
    except FactsError as exc:
        return exc


# --------------------------------------------------------------------------- unit properties


def test_most_text_facts_are_shown_on_some_page_so_the_properties_check_them() -> None:
    assert len(page_showing()) >= 15, sorted(set(TEXT_KEYS) - set(page_showing()))


@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), value=fact_values)
@example(key="company_name", value="{{ 7*7 }}")
@example(key="product_name", value="<b>Acme</b> & *Co* [x](y) | {#id} `c`")
@example(key="hq_country", value="no")
@example(key="audit_firm", value="x" * 200)
@example(key="audit_firm", value="x" * 201)
def test_a_text_fact_is_shown_exactly_as_typed_or_refused_naming_the_field(key: str, value: str) -> None:
    outcome = answers_outcome(key, value)
    if isinstance(outcome, FactsError):
        assert outcome.problems
        for problem in outcome.problems:
            assert problem.message.startswith(f"{key}: "), problem
            assert problem.fix, problem
        return
    assert outcome.flat()[key] == value.strip()
    if key in page_showing():
        shown_exactly(outcome, key)


@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), a=st.integers(1000, 9999), b=st.integers(1000, 9999),
       shape=st.sampled_from(["{{{{ {a}*{b} }}}}", "{{{{{a}*{b}}}}}", "{{% if true %}}{{{{ {a}*{b} }}}}{{% endif %}}",
                              "{{% raw %}}{{{{ {a}*{b} }}}}{{% endraw %}}", "{{{{ cookiecutter.x }}}}{{{{ {a}*{b} }}}}",
                              "{{% set x = {a}*{b} %}}{{{{ x }}}}"]))
def test_template_syntax_in_a_fact_is_shown_and_never_run(key: str, a: int, b: int, shape: str) -> None:
    value = shape.format(a=a, b=b)
    facts = answers_outcome(key, value)
    assert isinstance(facts, Facts), facts
    reread = parse_facts_yaml(dump_facts(facts))
    assert reread.flat()[key] == value
    if key in page_showing():
        assert str(a * b) not in shown_exactly(reread, key)


@PROPERTY
@given(name=st.one_of(fact_values, st.sampled_from(JINJA)))
def test_derived_defaults_follow_an_overridden_name_as_data(name: str) -> None:
    from slugify import slugify

    answers = resolve_answers({"company_name": name, "ceo_name": name})
    assert answers["company_name"] == name
    assert answers["approver_name"] == name
    assert answers["company_slug"] == slugify(name)
    try:
        facts_from_answers(answers)
    except FactsError as exc:
        fields = {problem.message.split(":", 1)[0] for problem in exc.problems}
        assert fields <= {"company_name", "company_slug", "doc_prefix", "ceo_name", "approver_name"}, exc


@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), value=fact_values)
def test_company_yml_written_by_dump_facts_reads_back_to_the_same_facts(key: str, value: str) -> None:
    facts = answers_outcome(key, value)
    assume(isinstance(facts, Facts))
    assert isinstance(facts, Facts)
    assert parse_facts_yaml(dump_facts(facts)) == facts


@PROPERTY
@given(token=st.one_of(st.sampled_from(YAML_SPECIALS + MARKUP + JINJA), st.text(max_size=30))
       .filter(lambda t: not re.search(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", t)))
def test_a_hand_written_unquoted_value_in_company_yml_is_read_as_text_or_refused_with_line_and_fix(token: str) -> None:
    text = company_yml_with_name(token)
    index = text.splitlines().index(f"  name: {token}")
    try:
        facts = parse_facts_yaml(text)
    except FactsError as exc:
        for problem in exc.problems:
            assert problem.where == "company.yml" and problem.fix and problem.line is not None, problem
            if problem.message.startswith("company.name"):
                assert problem.line == index + 1, problem
            else:  # a YAML error: PyYAML may notice an unclosed quote some lines later, never earlier
                assert problem.line >= index + 1, problem
        return
    loaded = yaml.safe_load(text)["company"]["name"]
    assert isinstance(loaded, str)
    assert facts.get("company.name") == loaded.strip()


def company_yml_with_name(raw: str) -> str:
    """Return the example's company.yml with company.name written by hand, unquoted, as ``raw``."""
    lines = dump_facts(default_facts()).splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  name: "))
    lines[index] = f"  name: {raw}"
    return "\n".join(lines) + "\n"


def test_a_control_character_in_company_yml_is_reported_with_its_line() -> None:
    text = company_yml_with_name("Acme\x1bCloud")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    assert caught.value.problems[0].line == text.splitlines().index("  name: Acme\x1bCloud") + 1


def test_a_value_of_more_than_200_characters_is_refused_with_its_length() -> None:
    refused = answers_outcome("company_legal_name", "L" * 5000)
    assert isinstance(refused, FactsError)
    assert [str(p) for p in refused.problems] == [
        "answers: company_legal_name: is 5000 characters long — shorten it to at most 200"]
    assert isinstance(answers_outcome("company_legal_name", "L" * 200), Facts)


@pytest.mark.parametrize("value", ["=Acme", ":Acme", "~Acme", "!Acme", "+Acme", "-Acme", "#Acme", "1. Acme", "2) Acme"])
def test_a_fact_starting_with_a_character_markdown_cannot_escape_is_shown_exactly(value: str) -> None:
    facts = answers_outcome("product_name", value)
    assert isinstance(facts, Facts)
    shown_exactly(facts, "product_name")


@pytest.mark.parametrize("value", ["Acme\x02Cloud", "Acme\x00Cloud", "Acme\x1bCloud", "Acme\x7fCloud", "Acme\x9bCloud"])
def test_a_fact_with_a_control_character_is_refused_naming_the_field(value: str) -> None:
    refused = answers_outcome("company_name", value)
    assert isinstance(refused, FactsError)
    assert refused.problems[0].message.startswith("company_name: ")


# --------------------------------------------------------------------------- end to end


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", **extra}


def _copy_repo(source: Path, target: Path, outputs: bool) -> Path:
    ignore = None if outputs else shutil.ignore_patterns("site", "out", ".cache")
    shutil.copytree(source, target, ignore=ignore)
    return target


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _complete_pdf(data: bytes) -> bool:
    from io import BytesIO

    from pypdf import PdfReader

    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return False
    return len(PdfReader(BytesIO(data)).pages) > 0


@pytest.mark.slow
def test_a_new_company_scaffolds_to_byte_identical_markdown(example_repo: Path, tmp_path: Path) -> None:
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(tmp_path)], env=_env())
    again = tmp_path / "acme-cloud"
    for relative in ["company.yml", "policies", ".policyforge", ".github/CODEOWNERS", "requirements.txt", "mkdocs.yml"]:
        first, second = example_repo / relative, again / relative
        if first.is_dir():
            assert _tree(first) == _tree(second), relative
        else:
            assert first.read_bytes() == second.read_bytes(), relative


@pytest.mark.slow
def test_two_clean_builds_give_byte_identical_site_and_pdfs(example_repo: Path, tmp_path: Path) -> None:
    # The example was built once with SOURCE_DATE_EPOCH; build a clean copy (same git history,
    # another folder) with the same epoch. sitemap.xml.gz is compared too: MkDocs takes both its
    # <lastmod> dates and the gzip header's mtime from SOURCE_DATE_EPOCH, so it need not be excluded.
    repo = _copy_repo(example_repo, tmp_path / "again", outputs=False)
    run([str(BIN / "policyforge"), "build", "--repo", str(repo)], env=_env())
    first_site, second_site = _tree(example_repo / "site"), _tree(repo / "site")
    assert "sitemap.xml.gz" in second_site
    assert sorted(first_site) == sorted(second_site)
    assert [name for name in first_site if first_site[name] != second_site[name]] == []
    first_pdfs, second_pdfs = _tree(example_repo / "out" / "pdf"), _tree(repo / "out" / "pdf")
    assert len(second_pdfs) >= 30
    assert sorted(first_pdfs) == sorted(second_pdfs)
    assert [name for name in first_pdfs if first_pdfs[name] != second_pdfs[name]] == []


def _interrupt_when_writing(command: list[str], watched: Path, before: dict[str, bytes], cap: float) -> bool:
    """Start ``command`` in its own process group and kill the group the moment output changes (or at ``cap``).

    Return whether it was killed (rather than finishing first).
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
                               start_new_session=True)
    started = time.monotonic()
    try:
        while time.monotonic() - started < cap and process.poll() is None:
            names = {p.name for p in watched.iterdir()}
            if names != set(before) or any((watched / n).stat().st_size != len(before[n]) for n in before
                                           if (watched / n).exists()):
                break
            time.sleep(0.005)
    finally:
        killed = process.poll() is None
        if killed:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return killed


@pytest.mark.slow
def test_an_interrupted_build_leaves_every_previous_pdf_whole_and_the_next_build_correct(
        example_repo: Path, tmp_path: Path) -> None:
    repo = _copy_repo(example_repo, tmp_path / "repo", outputs=True)
    pdf_dir = repo / "out" / "pdf"
    before = {p.name: p.read_bytes() for p in pdf_dir.glob("*.pdf")}
    assert len(before) >= 30
    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8").rstrip("\n")
                      + "\n\nThe Security Officer keeps a register of privileged roles.\n", encoding="utf-8")
    build = [str(BIN / "policyforge"), "build", "--repo", str(repo)]
    # Killed the moment the first new PDF is being written: the renders are done, the writes part-way.
    assert _interrupt_when_writing(build, pdf_dir, before, cap=300), "the build finished before it could be stopped"
    for name in before:
        data = (pdf_dir / name).read_bytes()
        assert data == before[name] or _complete_pdf(data), f"{name} was left incomplete"
    run(build, env=_env())
    from pypdf import PdfReader

    after = {p.name: p.read_bytes() for p in pdf_dir.glob("*.pdf")}
    assert set(after) == set(before)
    assert all(_complete_pdf(data) for data in after.values())
    changed = next(name for name in after if "POL-13" in name)
    text = "".join(page.extract_text() for page in PdfReader(pdf_dir / changed).pages)
    assert "register of privileged roles" in collapse(text)
    assert (repo / "site" / policy.name.replace(".md", ".html")).read_text(encoding="utf-8").count(
        "register of privileged roles") == 1


@pytest.mark.slow
def test_a_build_stopped_while_copying_cached_pdfs_leaves_the_previous_pdfs_whole(
        example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyforge.exports import build_pdfs
    from policyforge.program import load_program
    from policyforge.repo import current_release

    repo = _copy_repo(example_repo, tmp_path / "repo", outputs=True)
    pdf_dir = repo / "out" / "pdf"
    # Outputs that differ from the cache (here: each holds another policy's PDF) are copied over again;
    # unchanged outputs are left alone, so swap some for whole PDFs of other documents first.
    names = sorted(p.name for p in pdf_dir.glob("ACME-POL-*.pdf"))
    for name, other in zip(names[:6], names[6:12], strict=True):
        (pdf_dir / name).write_bytes((pdf_dir / other).read_bytes())
    before = {p.name: p.read_bytes() for p in pdf_dir.glob("*.pdf")}
    copies: list[int] = []
    real_fsync = os.fsync

    def fsync_then_stop(fd: int) -> None:
        """Let two cached copies land, then stop the third one mid-write, as a kill would."""
        copies.append(fd)
        if len(copies) == 3:
            raise KeyboardInterrupt
        real_fsync(fd)

    monkeypatch.setattr("policyforge.repo._files.os.fsync", fsync_then_stop)
    program = load_program(repo)
    with pytest.raises(KeyboardInterrupt):
        build_pdfs(program, current_release(repo), pdf_dir, cache_dir=repo / ".cache" / "pdf")
    assert len(copies) == 3
    assert not list(pdf_dir.glob(".*.tmp"))
    assert [name for name in before if not _complete_pdf((pdf_dir / name).read_bytes())] == []


def _edit(path: Path, edit: Callable[[str], str]) -> int:
    """Apply ``edit`` to a file and return the first line it changed (1-based)."""
    before = path.read_text(encoding="utf-8")
    after = edit(before)
    assert after != before
    path.write_text(after, encoding="utf-8")
    pairs = zip(before.splitlines(), after.splitlines(), strict=False)
    return next((number for number, (a, b) in enumerate(pairs, start=1) if a != b), 1)


def _no_traceback(result: subprocess.CompletedProcess[str]) -> str:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    return output


COMMANDS = [["build"], ["check"], ["build", "--no-pdf"]]


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "expected"), [
    (lambda text: text.replace('  name: "Acme Cloud"', '  name: "Acme Cloud', 1),
     r"company\.yml:\d+: YAML syntax error: .* — check indentation"),
    (lambda text: re.sub(r"(?m)^  rto_hours: .*$", '  rto_hours: "four"', text, count=1),
     r"company\.yml:{line}: commitments\.rto_hours: 'four' is not a number — write a number without quotes"),
    (lambda text: re.sub(r"(?m)^  report_type: .*$", "  report_type: [type2]", text, count=1),
     r"company\.yml:{line}: audit\.report_type: \['type2'\] is not text — put the value in double quotes"),
], ids=["unclosed quote", "text for a number", "list for text"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_corrupt_company_yml_is_reported_with_file_line_and_fix(
        example_repo: Path, tmp_path: Path, command: list[str], edit: Callable[[str], str], expected: str) -> None:
    repo = _copy_repo(example_repo, tmp_path / "repo", outputs=False)
    company = repo / "company.yml"
    line = _edit(company, edit)
    result = run([str(BIN / "policyforge"), *command, "--repo", str(repo)], env=_env(), check=False)
    assert result.returncode in (1, 2)
    assert re.search(expected.replace("{line}", str(line)), _no_traceback(result)), result.stderr


@pytest.mark.slow
@pytest.mark.parametrize(("edit", "expected"), [
    (lambda text: text.replace("review_cadence: annual", "review_cadence: [annual", 1),
     r"policies/POL-13-access-control\.md:\d+: front matter is not valid YAML: .* — check indentation"),
    (lambda text: text.replace("---\n", "", 1),
     r"policies/POL-13-access-control\.md:1: has no front matter — start the file with a --- block"),
    (lambda text: re.sub(r"(?m)^version: .*$", "version: draft", text, count=1),
     r"policies/POL-13-access-control\.md:{line}: version: 'draft' is not valid — write MAJOR\.MINOR"),
], ids=["unclosed list", "no front matter", "bad version"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_corrupt_front_matter_is_reported_with_file_line_and_fix(
        example_repo: Path, tmp_path: Path, command: list[str], edit: Callable[[str], str], expected: str) -> None:
    repo = _copy_repo(example_repo, tmp_path / "repo", outputs=False)
    line = _edit(next((repo / "policies").glob("POL-13-*.md")), edit)
    result = run([str(BIN / "policyforge"), *command, "--repo", str(repo)], env=_env(), check=False)
    assert result.returncode in (1, 2)
    assert re.search(expected.replace("{line}", str(line)), _no_traceback(result)), result.stdout + result.stderr


@pytest.mark.slow
def test_cookiecutter_scaffolding_keeps_template_syntax_in_a_fact_as_data(tmp_path: Path) -> None:
    name = "{{ 1234*5678 }} {% if true %}x{% endif %}"
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(tmp_path), f"company_name={name}",
         "company_slug=templated", "doc_prefix=TPL"], env=_env())
    from policyforge import load_program

    program = load_program(tmp_path / "templated")
    assert program.facts.get("company.name") == name
    text = visible_text(program.render_page(program.policies["POL-01"]))
    assert name in text and str(1234 * 5678) not in text
