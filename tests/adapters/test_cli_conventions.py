"""Conventional command-line habits: --version, -o always a folder, help that says what a command does."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import BIN, run
from policyforge import __version__
from policyforge.adapters.cli import build_parser, main

POLICYFORGE = str(BIN / "policyforge")
OUTPUT_COMMANDS = [["pdf"], ["redline", "main"], ["render-docs"], ["evidence"], ["calendar"], ["export", "oscal"],
                   ["export", "docx"], ["new"]]


@pytest.fixture(scope="module")
def scaffolded(example_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company, scaffolded but not built (the tests build what they need): this module's copy."""
    copy = tmp_path_factory.mktemp("company") / "acme-cloud"
    shutil.copytree(example_source, copy, symlinks=True)
    return copy


def test_version_names_the_engine_and_its_library(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"policyforge {__version__} (policy library ")


@pytest.mark.parametrize("command", OUTPUT_COMMANDS, ids=lambda c: " ".join(c))
def test_dash_o_and_dash_dash_out_name_the_same_output_folder(command: list[str]) -> None:
    parser = build_parser()
    short, long = parser.parse_args([*command, "-o", "here"]), parser.parse_args([*command, "--out", "here"])
    dest = "output_dir" if command == ["new"] else "out"
    assert str(getattr(short, dest)) == str(getattr(long, dest)) == "here"


def test_every_command_says_what_it_does_and_build_says_it_makes_pdfs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["build", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "PDFs" in text and "site" in text


@pytest.mark.slow
def test_pdf_progress_is_one_plain_line_per_pdf_when_not_on_a_terminal(scaffolded: Path, tmp_path: Path) -> None:
    result = run([POLICYFORGE, "pdf", "POL-01", "POL-02", "--no-cache", "-o", str(tmp_path), "--repo",
                  str(scaffolded)])
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line.split("]")[0] for line in lines] == ["[1/2", "[2/2"]
    assert all(" PDF " in line and line.endswith(".pdf") for line in lines)


@pytest.mark.slow
def test_evidence_and_calendar_write_into_the_out_folder(scaffolded: Path, tmp_path: Path) -> None:
    run([POLICYFORGE, "evidence", "--format", "csv", "-o", str(tmp_path), "--repo", str(scaffolded)])
    run([POLICYFORGE, "calendar", "-o", str(tmp_path), "--repo", str(scaffolded)])
    assert (tmp_path / "evidence-plan.csv").is_file() and (tmp_path / "control-calendar.ics").is_file()
    old = run([POLICYFORGE, "calendar", "--out", str(tmp_path / "cal.ics"), "--repo", str(scaffolded)])
    assert (tmp_path / "cal.ics").is_file() and "-o/--out names a folder" in old.stderr


@pytest.mark.slow
def test_serve_prints_its_address_and_each_rebuild(scaffolded: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(scaffolded, repo, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    server = subprocess.Popen([POLICYFORGE, "serve", "--repo", str(repo), "--dev-addr", "127.0.0.1:8765"],
                              stderr=subprocess.PIPE, text=True)
    seen: list[str] = []
    try:
        assert server.stderr is not None
        deadline = time.monotonic() + 300
        touched = False
        while time.monotonic() < deadline:
            line = server.stderr.readline()
            if not line:
                break
            seen.append(line)
            if "Serving on http://127.0.0.1:8765/" in line and not touched:
                time.sleep(1)
                company = repo / "company.yml"
                company.write_text(company.read_text().replace("Priya Natarajan", "Jordan Kim"))
                touched = True
            if touched and "Reloading browsers" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = "".join(seen)
    assert "on http://127.0.0.1:8765/" in text.splitlines()[0], text
    assert "Serving on http://127.0.0.1:8765/" in text
    assert "Detected file changes" in text and "Reloading browsers" in text, text


