"""Robustness end to end: builds are reproducible and safe to stop, and corrupt inputs are reported.

These tests (slow) build the example company twice, interrupt builds, and corrupt its inputs; the fast
properties of facts are in ``tests/render/test_fact_properties.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BIN, collapse, run, visible_text

EPOCH = "1796083200"


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
