"""The plugin's engine pages are taken back only for the same inputs, and only from this user's private cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from policyforge.adapters._mkdocs_snapshot import (
    KEPT,
    Snapshot,
    forget_snapshot,
    load_snapshot,
    save_snapshot,
    snapshot_inputs,
)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("POLICYFORGE_TEMPLATE_CACHE", raising=False)
    return tmp_path / "user-cache" / "policyforge" / "mkdocs-pages"


def make_repo(root: Path) -> Path:
    (root / "policies").mkdir(parents=True)
    (root / "company.yml").write_text("company:\n  name: Acme\n", encoding="utf-8")
    (root / "policies" / "POL-01-security.md").write_text("# Security\n", encoding="utf-8")
    return root


def snapshot(inputs: str, page: str = "# Home\n") -> Snapshot:
    return Snapshot(inputs=inputs, company="Acme", nav=[{"Home": "index.md"}], pdfs={}, pages={"index.md": page},
                    files={}, brand_color=None, noindex=False, policy_files=["POL-01-security.md"],
                    policy_pages={"POL-01-security.md": "# Security\n"})


def test_a_snapshot_is_taken_back_for_the_same_inputs_and_not_after_any_input_changes(
        tmp_path: Path, cache: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    inputs = snapshot_inputs(repo)
    save_snapshot(repo, snapshot(inputs))
    assert load_snapshot(repo, snapshot_inputs(repo)) == snapshot(inputs)
    assert not (repo / ".cache").exists()  # kept in the user's cache, where a pull request cannot write

    policy = repo / "policies" / "POL-01-security.md"
    policy.write_text("# Security\n\nOne more sentence.\n", encoding="utf-8")
    edited = snapshot_inputs(repo)
    assert edited != inputs and load_snapshot(repo, edited) is None

    policy.write_text("# Security\n", encoding="utf-8")
    assert snapshot_inputs(repo) == inputs
    (repo / "out" / "pdf").mkdir(parents=True)  # a PDF the home page now links
    (repo / "out" / "pdf" / "handbook.pdf").write_bytes(b"%PDF")
    assert snapshot_inputs(repo) != inputs


def test_the_release_named_in_the_environment_is_an_input(tmp_path: Path, cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    draft = snapshot_inputs(repo)
    monkeypatch.setenv("POLICYFORGE_RELEASE", "2026.1")
    assert snapshot_inputs(repo) != draft


def test_a_snapshot_of_another_repository_path_is_not_taken(tmp_path: Path, cache: Path) -> None:
    first, second = make_repo(tmp_path / "first"), make_repo(tmp_path / "second")
    save_snapshot(first, snapshot(snapshot_inputs(first)))
    assert snapshot_inputs(first) == snapshot_inputs(second)  # same files...
    assert load_snapshot(second, snapshot_inputs(second)) is None  # ...but each path keeps its own


def test_no_snapshot_through_a_symbolic_link_from_a_folder_others_may_write_or_with_the_cache_off(
        tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo")
    inputs = snapshot_inputs(repo)
    save_snapshot(repo, snapshot(inputs))
    (record,) = cache.glob("*.json")

    planted = tmp_path / "planted.json"
    planted.write_bytes(record.read_bytes())
    record.unlink()
    record.symlink_to(planted)
    assert load_snapshot(repo, inputs) is None

    record.unlink()
    save_snapshot(repo, snapshot(inputs))
    os.chmod(cache, 0o777)  # a folder others may write: its files could be anyone's
    assert load_snapshot(repo, inputs) is None
    os.chmod(cache, 0o700)
    assert load_snapshot(repo, inputs) is not None

    monkeypatch.setenv("POLICYFORGE_TEMPLATE_CACHE", "0")
    assert load_snapshot(repo, inputs) is None
    monkeypatch.delenv("POLICYFORGE_TEMPLATE_CACHE")
    forget_snapshot(repo)
    assert load_snapshot(repo, inputs) is None


def test_a_damaged_or_older_record_is_not_taken(tmp_path: Path, cache: Path) -> None:
    repo = make_repo(tmp_path / "repo")
    inputs = snapshot_inputs(repo)
    save_snapshot(repo, snapshot(inputs))
    (record,) = cache.glob("*.json")
    record.write_text('{"format": 1, "snapshot": {"inputs": "', encoding="utf-8")
    assert load_snapshot(repo, inputs) is None
    record.write_text('{"format": 0, "snapshot": {}}', encoding="utf-8")
    assert load_snapshot(repo, inputs) is None


def test_only_the_last_built_repositories_are_kept(tmp_path: Path, cache: Path) -> None:
    repos = [make_repo(tmp_path / f"repo-{i}") for i in range(KEPT + 3)]
    for repo in repos:
        save_snapshot(repo, snapshot(snapshot_inputs(repo)))
    assert len(list(cache.glob("*.json"))) == KEPT
    assert load_snapshot(repos[-1], snapshot_inputs(repos[-1])) is not None
