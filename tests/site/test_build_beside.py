"""``policyforge build`` builds the site in a second process while it writes the PDFs (adapters/_site_build.py).

What is checked is what a reader gets, not the speed (bench/run.py measures that): the site built beside
the PDFs is byte for byte the site built after them, it holds the PDFs the PDF phase wrote, and a site
that fails leaves the previous one whole while the PDFs are still written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import BIN, EPOCH_ENV

pytestmark = pytest.mark.slow


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(repo: Path, *options: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "policyforge"), "build", "--repo", str(repo), *options], capture_output=True,
                          text=True, env={**os.environ, **EPOCH_ENV, "XDG_CACHE_HOME": str(cache), **env})


def _edited_copy(example_repo: Path, target: Path) -> Path:
    repo = Path(shutil.copytree(example_repo, target, symlinks=True))
    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8").rstrip("\n")
                      + "\n\nThe Security Officer keeps a register of privileged roles.\n", encoding="utf-8")
    return repo


def test_a_site_built_beside_the_pdfs_equals_one_built_after_them(example_repo: Path, tmp_path: Path) -> None:
    beside = _edited_copy(example_repo, tmp_path / "beside")
    after = _edited_copy(example_repo, tmp_path / "after")
    built = _build(beside, cache=tmp_path / "cache-beside")
    assert built.returncode == 0, built.stderr
    assert "beside the PDFs" in built.stdout
    # --jobs 1 leaves no core for a second process: the site is built after the PDFs, from no kept pages.
    serial = _build(after, "--jobs", "1", cache=tmp_path / "cache-after", POLICYFORGE_TEMPLATE_CACHE="0")
    assert serial.returncode == 0, serial.stderr
    assert "beside the PDFs" not in serial.stdout
    site, pdfs = _tree(beside / "site"), _tree(beside / "out" / "pdf")
    assert site == _tree(after / "site") and pdfs == _tree(after / "out" / "pdf")
    assert {f"pdf/{name}" for name in pdfs} <= set(site)  # every PDF, copied in once the PDF phase wrote it
    assert all(site[f"pdf/{name}"] == data for name, data in pdfs.items())
    assert "register of privileged roles" in next(
        data for name, data in site.items() if name.startswith("POL-13-")).decode("utf-8")
    assert not [p.name for p in beside.iterdir() if ".site." in p.name]  # no staging folder left behind

    again = _build(beside, cache=tmp_path / "cache-beside")
    assert "unchanged since the last build" in again.stdout and _tree(beside / "site") == site


def test_a_site_that_fails_beside_the_pdfs_keeps_the_previous_site_and_says_so_once(
        example_repo: Path, tmp_path: Path) -> None:
    repo = _edited_copy(example_repo, tmp_path / "repo")
    site_before, pdf_before = _tree(repo / "site"), _tree(repo / "out" / "pdf")
    (repo / "policies" / "onboarding.md").write_text("# Onboarding\n\nRead [the handbook](missing-page.md).\n",
                                                     encoding="utf-8")
    failed = _build(repo, cache=tmp_path / "cache")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "beside the PDFs" not in failed.stdout
    assert failed.stderr.count("missing-page.md") == 1, failed.stderr
    assert "the previous site is kept" in failed.stderr and "Traceback" not in failed.stderr
    assert _tree(repo / "site") == site_before
    assert not [p.name for p in repo.iterdir() if ".site." in p.name]
    pdfs = _tree(repo / "out" / "pdf")  # the PDF phase finished: the edited policy's PDF is new
    assert set(pdfs) == set(pdf_before)
    assert [name for name in pdfs if pdfs[name] != pdf_before[name]] != []
