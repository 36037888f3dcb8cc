"""``publish`` refuses a release that is not an approved commit of main."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from policyforge import PolicyforgeError
from policyforge.lifecycle._publish import check_release

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "policy.md").write_text("approved\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "Approved text")
    return tmp_path


def test_a_tag_on_main_is_released(repo: Path) -> None:
    git(repo, "tag", "2026.1")
    check_release(repo, "2026.1")


def test_a_tag_on_a_side_branch_is_refused_naming_the_fix(repo: Path) -> None:
    git(repo, "checkout", "-qb", "unreviewed")
    (repo / "policy.md").write_text("not approved\n")
    git(repo, "commit", "-qam", "Unreviewed text")
    git(repo, "tag", "2026.2")
    with pytest.raises(PolicyforgeError, match="2026.2: is not on main") as caught:
        check_release(repo, "2026.2")
    assert "tag a commit of main" in caught.value.problems[0].fix


def test_a_tag_that_is_not_at_head_is_refused(repo: Path) -> None:
    git(repo, "tag", "2026.1")
    (repo / "policy.md").write_text("later\n")
    git(repo, "commit", "-qam", "Later")
    with pytest.raises(PolicyforgeError, match="is not the tag of the checked-out commit"):
        check_release(repo, "2026.1")
