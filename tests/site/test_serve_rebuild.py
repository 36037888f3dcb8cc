"""`mkdocs serve` rebuilds cost what changed: the plugin instance and its rendered pages live across rebuilds.

Counted in renders, not timed (speed is measured by bench/run.py): each build records the
policies the engine rendered (``PolicyforgePlugin.rendered``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, LIBRARY, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve")
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out)])
    return out / "acme-cloud"


def serve_build(repo: Path, site: Path) -> Any:
    """Build as `mkdocs serve` does on each change: configuration reloaded, the persistent plugin kept."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return config.plugins["policyforge"]


def test_a_serve_rebuild_renders_only_the_edited_policy_and_a_facts_change_renders_them_all(
        repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = serve_build(repo, site)
    assert len(first.rendered) == 29

    assert serve_build(repo, site) is first and first.rendered == []  # nothing changed: nothing rendered

    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    again = serve_build(repo, site)
    assert again is first and again.rendered == ["POL-13"]
    assert "reviews this policy yearly" in next(site.glob("POL-13-*.html")).read_text(encoding="utf-8")

    company = repo / "company.yml"
    company.write_text(company.read_text(encoding="utf-8").replace("Acme Cloud", "Acme Clouds", 1),
                       encoding="utf-8")
    assert len(serve_build(repo, site).rendered) == 29  # every page names the company


def test_a_serve_rebuild_after_one_policy_edit_converts_and_lays_out_that_page_only_and_matches_a_full_build(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("serve-pages")
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out)])
    repo, site = out / "acme-cloud", out / "site"
    first = serve_build(repo, site)
    pages = len(first.reuse.converted)
    assert pages > 29 and len(first.reuse.laid_out) == pages + 2  # every page, the 404 page and the sitemap
    assert len(first.reuse.indexed) == pages  # the search plugin parsed every page

    assert serve_build(repo, site) is first
    assert first.reuse.converted == [] and first.reuse.laid_out == []  # nothing changed: every page reused
    assert first.reuse.indexed == []

    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    serve_build(repo, site)
    assert first.rendered == ["POL-13"]
    assert first.reuse.converted == [policy.name] and first.reuse.laid_out == [policy.name]
    assert first.reuse.indexed == [policy.name]

    fresh = out / "fresh"  # what `mkdocs build` writes from scratch: the reused pages are byte for byte the same
    run([str(BIN / "mkdocs"), "build", "-q", "-f", str(repo / "mkdocs.yml"), "-d", str(fresh)])
    built = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert built == sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert [p for p in built if (fresh / p).read_bytes() != (site / p).read_bytes()] == []

    title = policy.read_text(encoding="utf-8").replace("title: Access Control", "title: Access Control Rules", 1)
    policy.write_text(title, encoding="utf-8")  # a new title is in every page's navigation: all laid out again
    serve_build(repo, site)
    assert len(first.reuse.laid_out) == pages + 2 and policy.name in first.reuse.converted
    assert policy.name in first.reuse.indexed  # the configuration's nav changed: the pages are parsed again
    assert differing_from_a_fresh_build(repo, site, out / "fresh-title") == []


def differing_from_a_fresh_build(repo: Path, site: Path, fresh: Path) -> list[Path]:
    """Return the files where the serve site differs from what `mkdocs build` writes from scratch (or the listing)."""
    run([str(BIN / "mkdocs"), "build", "-q", "-f", str(repo / "mkdocs.yml"), "-d", str(fresh)])
    built = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    served = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    if built != served:
        return sorted(set(built) ^ set(served))
    return [p for p in built if (fresh / p).read_bytes() != (site / p).read_bytes()]


def test_a_serve_rebuild_after_a_company_yml_or_library_change_matches_a_full_build(
        tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path_factory.mktemp("serve-inputs")
    library = Path(shutil.copytree(LIBRARY, out / "library"))
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(library))  # the in-process builds and the fresh one read it
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out)])
    repo, site = out / "acme-cloud", out / "site"
    first = serve_build(repo, site)

    company = repo / "company.yml"
    company.write_text(company.read_text(encoding="utf-8").replace("Acme Cloud", "Acme Clouds", 1), encoding="utf-8")
    assert serve_build(repo, site) is first and len(first.rendered) == 29
    assert "Acme Clouds" in (site / "index.html").read_text(encoding="utf-8")
    assert differing_from_a_fresh_build(repo, site, out / "fresh-company") == []

    controls = library / "controls" / "POL-13.yaml"  # a control statement: its policy page, the matrix, the PDFs
    text = controls.read_text(encoding="utf-8")
    controls.write_text(text.replace("maintains a role matrix", "keeps a role matrix", 1), encoding="utf-8")
    serve_build(repo, site)
    assert len(first.rendered) == 29  # a new library: every page rendered again
    assert "keeps a role matrix" in next(site.glob("POL-13-*.html")).read_text(encoding="utf-8")
    assert differing_from_a_fresh_build(repo, site, out / "fresh-library") == []
