"""The kit's own files (workflows, pre-commit) follow a new engine three ways, keeping the company's edits."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from policyforge import PolicyforgeError
from policyforge.lifecycle import COMPANY_OWNED, Labels, kit_files, record_kit_base, update_kit_files

WORKFLOW = ".github/workflows/policy-checks.yml"
BASE = f".policyforge/kit/{WORKFLOW}"
PENDING = f".policyforge/pending/kit/{WORKFLOW}"
LABELS = Labels("company", "policyforge 0.1.0", "policyforge 0.2.0")
OLD = "name: Policy checks\non: pull_request\njobs:\n  check:\n    runs-on: ubuntu-22.04\n    steps:\n" \
      "      - run: pip install -r requirements.txt\n      - run: policyforge check\n"
NEW = OLD.replace("ubuntu-22.04", "ubuntu-24.04")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout


def generated(tmp_path: Path, kit: str = OLD, record: bool = True) -> Path:
    """A repository generated with ``kit`` as its workflow, committed, with or without the recorded base."""
    repo = tmp_path / "company"
    (repo / WORKFLOW).parent.mkdir(parents=True)
    (repo / WORKFLOW).write_text(kit, encoding="utf-8")
    if record:
        record_kit_base(repo, {WORKFLOW: NEW})
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Adopt")
    return repo


def read(repo: Path, relative: str) -> str:
    return (repo / relative).read_text(encoding="utf-8")


def test_the_base_is_the_file_as_generated_not_the_running_engines_copy(tmp_path: Path) -> None:
    repo = generated(tmp_path)
    assert read(repo, BASE) == OLD


def test_an_unedited_workflow_becomes_the_new_engines_and_its_base_moves_with_it(tmp_path: Path) -> None:
    repo = generated(tmp_path)
    result = update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    assert (read(repo, WORKFLOW), read(repo, BASE)) == (NEW, NEW)
    assert (result.actions, result.conflicts) == ([("updated", WORKFLOW)], [])


def test_a_company_edit_away_from_the_kits_change_survives_the_new_workflow(tmp_path: Path) -> None:
    repo = generated(tmp_path)
    (repo / WORKFLOW).write_text(OLD.replace("policyforge check", "policyforge check --strict"), encoding="utf-8")
    result = update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    assert read(repo, WORKFLOW) == NEW.replace("policyforge check", "policyforge check --strict")
    assert (result.actions, result.conflicts) == ([("merged", WORKFLOW)], [])


def test_a_company_edit_of_the_line_the_kit_changed_is_reported_as_a_conflict_with_both_texts(
        tmp_path: Path) -> None:
    repo = generated(tmp_path)
    (repo / WORKFLOW).write_text(OLD.replace("ubuntu-22.04", "self-hosted"), encoding="utf-8")
    result = update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    assert result.conflicts == [WORKFLOW]
    assert ("<<<<<<< company\n    runs-on: self-hosted\n=======\n    runs-on: ubuntu-24.04\n"
            ">>>>>>> policyforge 0.2.0\n") in read(repo, WORKFLOW)
    assert (read(repo, BASE), read(repo, PENDING)) == (OLD, NEW)


def test_a_committed_resolution_finishes_the_merge_on_the_next_update(tmp_path: Path) -> None:
    repo = generated(tmp_path)
    (repo / WORKFLOW).write_text(OLD.replace("ubuntu-22.04", "self-hosted"), encoding="utf-8")
    update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    with pytest.raises(PolicyforgeError, match="still has conflict markers"):
        update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    (repo / WORKFLOW).write_text(NEW.replace("ubuntu-24.04", "self-hosted"), encoding="utf-8")
    result = update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    assert result.actions == [("resolved", f"{WORKFLOW}: your committed file is its merge with the new kit")]
    assert read(repo, BASE) == NEW
    assert not (repo / ".policyforge" / "pending").exists()


def test_a_repository_from_before_the_record_merges_against_its_first_commit(tmp_path: Path) -> None:
    repo = generated(tmp_path, record=False)
    (repo / WORKFLOW).write_text(OLD.replace("policyforge check", "policyforge check --strict"), encoding="utf-8")
    git(repo, "commit", "-qam", "Stricter")
    result = update_kit_files(repo, LABELS, {WORKFLOW: NEW})
    assert read(repo, WORKFLOW) == NEW.replace("policyforge check", "policyforge check --strict")
    assert (result.conflicts, result.notes) == ([], [])


def test_a_new_kit_file_is_added_and_one_the_company_deleted_stays_deleted(tmp_path: Path) -> None:
    repo = generated(tmp_path)
    record_kit_base(repo, {".gitlab-ci.yml": "check:\n  script: [policyforge check]\n"})
    result = update_kit_files(repo, LABELS, {WORKFLOW: OLD, ".gitlab-ci.yml": "check:\n  script: [make]\n",
                                             ".pre-commit-config.yaml": "repos: []\n"})
    assert not (repo / ".gitlab-ci.yml").exists()
    assert read(repo, ".pre-commit-config.yaml") == "repos: []\n"
    assert result.actions == [("added", ".pre-commit-config.yaml")]
    assert result.notes == [".gitlab-ci.yml: you deleted it, so the kit's new version was not added"]


def test_the_kit_is_the_templates_workflows_and_hooks_but_not_the_companys_readme_or_mkdocs() -> None:
    files = kit_files()
    assert {WORKFLOW, ".github/workflows/publish.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml",
            ".policyforge/pre-commit-hook"} <= set(files)
    assert not set(COMPANY_OWNED) & set(files)
