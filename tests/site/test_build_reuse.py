"""Builds that reuse the last build's engine pages write the same bytes as a build from nothing.

Counted, not timed (speed is measured by bench/run.py): a build that took the kept snapshot loaded
no program (``PolicyforgePlugin.program`` stays None) and rendered no policy. MkDocs keeps one plugin
instance per process, so its in-memory pages may spare renders of a build that loads the program.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, EPOCH_ENV, run

pytestmark = pytest.mark.slow


def plugin_build(repo: Path, site: Path, keep_pages: bool = False) -> Any:
    """Build as `mkdocs build` does (or, with ``keep_pages``, as `policyforge build` does) and return the plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins.on_startup(command="build", dirty=False)  # as `mkdocs build` does
    config.plugins["policyforge"].keep_pages = keep_pages
    build(config)
    return config.plugins["policyforge"]


def differing(first: Path, second: Path) -> list[str]:
    """Return the files that are not byte for byte the same in both sites (or present in one only)."""
    files = {p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file()}
    others = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    if files != others:
        return sorted(files ^ others)
    return sorted(f for f in files if (first / f).read_bytes() != (second / f).read_bytes())


def cold_build(repo: Path, site: Path) -> None:
    """What a build from nothing writes: no kept pages, no compiled templates."""
    env = {**os.environ, **EPOCH_ENV, "POLICYFORGE_TEMPLATE_CACHE": "0"}
    run([str(BIN / "mkdocs"), "build", "--strict", "-q", "-f", str(repo / "mkdocs.yml"), "-d", str(site)], env=env)


@pytest.fixture
def repo(tmp_path: Path, example_source: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.delenv("POLICYFORGE_TEMPLATE_CACHE", raising=False)
    return Path(shutil.copytree(example_source, tmp_path / "acme-cloud", symlinks=True))


def test_a_build_with_unchanged_inputs_takes_the_kept_pages_and_writes_the_same_bytes(
        repo: Path, tmp_path: Path) -> None:
    first = plugin_build(repo, tmp_path / "first")
    assert first.program is not None
    again = plugin_build(repo, tmp_path / "again")
    assert again.rendered == [] and again.program is None  # nothing loaded nor rendered
    assert differing(tmp_path / "first", tmp_path / "again") == []
    assert not (repo / ".cache").exists() or not list((repo / ".cache").rglob("*.json"))


def test_an_edited_policy_or_company_yml_is_built_again_and_matches_a_build_from_nothing(
        repo: Path, tmp_path: Path) -> None:
    plugin_build(repo, tmp_path / "first")
    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    edited = plugin_build(repo, tmp_path / "edited")
    assert edited.program is not None and "POL-13" in edited.rendered
    assert "reviews this policy yearly" in next((tmp_path / "edited").glob("POL-13-*.html")).read_text("utf-8")
    cold_build(repo, tmp_path / "cold-edited")
    assert differing(tmp_path / "edited", tmp_path / "cold-edited") == []

    company = repo / "company.yml"
    company.write_text(company.read_text(encoding="utf-8").replace("Acme Cloud", "Acme Clouds", 1), encoding="utf-8")
    renamed = plugin_build(repo, tmp_path / "renamed")
    assert len(renamed.rendered) == 29 and "Acme Clouds" in (tmp_path / "renamed" / "index.html").read_text("utf-8")
    cold_build(repo, tmp_path / "cold-renamed")
    assert differing(tmp_path / "renamed", tmp_path / "cold-renamed") == []


def test_a_warm_policyforge_build_after_an_edit_equals_a_cold_build_of_the_same_inputs(
        repo: Path, tmp_path: Path) -> None:
    build = [str(BIN / "policyforge"), "build", "--no-pdf", "--repo", str(repo)]
    env = {**os.environ, **EPOCH_ENV}
    run(build, env=env)
    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    run(build, env=env)
    outputs = shutil.ignore_patterns("site", ".cache")
    cold = Path(shutil.copytree(repo, tmp_path / "cold", symlinks=True, ignore=outputs))
    run([*build[:-1], str(cold)], env={**env, "POLICYFORGE_TEMPLATE_CACHE": "0"})
    assert differing(repo / "site", cold / "site") == []


def test_kept_pages_convert_and_lay_out_only_the_edited_policy_and_match_a_build_from_nothing(
        repo: Path, tmp_path: Path) -> None:
    first = plugin_build(repo, tmp_path / "first", keep_pages=True)
    pages = len(first.reuse.converted)
    assert pages > 29 and len(first.reuse.laid_out) == pages + 2  # every page, the 404 page and the sitemap
    assert len(first.reuse.indexed) == pages
    (record,) = (tmp_path / "user-cache" / "policyforge" / "mkdocs-page-reuse").glob("*.json")

    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    edited = plugin_build(repo, tmp_path / "edited", keep_pages=True)
    assert edited.reuse.converted == [policy.name] and edited.reuse.laid_out == [policy.name]
    assert edited.reuse.indexed == [policy.name]  # the search plugin's entries for every other page were kept
    cold_build(repo, tmp_path / "cold")
    assert differing(tmp_path / "edited", tmp_path / "cold") == []

    kept = json.loads(record.read_text(encoding="utf-8"))  # made by another engine or tools: not taken
    record.write_text(json.dumps({**kept, "scope": "another engine"}), encoding="utf-8")
    company = repo / "company.yml"  # and a change every page shows: every page converted again
    company.write_text(company.read_text(encoding="utf-8").replace("Acme Cloud", "Acme Clouds", 1), encoding="utf-8")
    renamed = plugin_build(repo, tmp_path / "renamed", keep_pages=True)
    assert len(renamed.reuse.converted) == pages
    cold_build(repo, tmp_path / "cold-renamed")
    assert differing(tmp_path / "renamed", tmp_path / "cold-renamed") == []
