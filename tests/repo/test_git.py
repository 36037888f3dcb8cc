"""One git runner: every command that needs git says so in one line when git is missing; builds do without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from policyforge.adapters._command import ExitCode
from policyforge.adapters.cli import main
from policyforge.lifecycle import git_init_commit, scaffold_company
from policyforge.model import facts_from_answers, load_library, resolve_answers
from policyforge.repo import DRAFT, GitNotFound, current_release, git, version_commits

NO_GIT = "ERROR: git: is not installed or not on PATH — install git (https://git-scm.com/downloads) and run the " \
         "command again\n"


@pytest.fixture
def without_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.fixture
def company(use_mini_library: Path, tmp_path: Path) -> Path:
    repo = tmp_path / "acme"
    scaffold_company(repo, facts_from_answers(resolve_answers({})), load_library())
    return repo


def test_running_git_without_git_raises_the_one_error(without_git: None, tmp_path: Path) -> None:
    with pytest.raises(GitNotFound) as error:
        git(tmp_path, "status")
    assert [str(p) for p in error.value.problems] == [NO_GIT.removeprefix("ERROR: ").rstrip("\n")]


def test_a_build_without_git_is_a_draft_with_no_approval_commits(without_git: None, company: Path) -> None:
    assert current_release(company) == DRAFT
    assert version_commits(company) == {}


def test_a_new_repository_without_git_is_written_but_not_committed(without_git: None, company: Path) -> None:
    assert git_init_commit(company, "Policies") is False
    assert not (company / ".git").exists()


@pytest.mark.parametrize("command", [["check", "--base", "main"], ["redline", "main", "--no-pdf"]],
                         ids=" ".join)
def test_commands_that_read_history_say_git_is_missing_without_a_traceback(
        without_git: None, company: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--repo", str(company)]) == ExitCode.BAD_INPUT
    assert capsys.readouterr().err.endswith(NO_GIT)
