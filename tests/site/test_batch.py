"""`policyforge batch` builds many companies, a bounded number at a time, and names the one that failed."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import BIN, run

pytestmark = pytest.mark.slow


def test_a_batch_builds_every_company_reports_each_and_exits_1_naming_the_one_that_failed(tmp_path: Path) -> None:
    for name in ("North", "South"):
        run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(tmp_path), f"company_name={name} Ltd"])
    north, south = tmp_path / "north-ltd", tmp_path / "south-ltd"
    result = run([str(BIN / "policyforge"), "batch", "--no-pdf", "-j", "2", str(north), str(south)])
    assert "Batch: 2 of 2 companies built" in result.stdout and "2 at a time" in result.stdout
    assert (north / "site" / "index.html").is_file() and (south / "site" / "index.html").is_file()
    assert "North Ltd" in (north / "site" / "index.html").read_text(encoding="utf-8")

    (south / "company.yml").write_text("company: [\n", encoding="utf-8")  # a broken company among good ones
    failed = run([str(BIN / "policyforge"), "batch", "--no-pdf", "-j", "1", str(north), str(south)], check=False)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Batch: 1 of 2 companies built" in failed.stdout
    assert f"{south}: FAILED" in failed.stdout and str(south) in failed.stderr and str(north) not in failed.stderr


def test_a_batch_refuses_a_folder_that_is_not_a_company_with_exit_2(tmp_path: Path) -> None:
    result = run([str(BIN / "policyforge"), "batch", str(tmp_path)], check=False)
    assert result.returncode == 2 and "not a company repository" in result.stderr
