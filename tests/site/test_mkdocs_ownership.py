"""mkdocs.yml belongs to the company: what it sets by hand survives a build; its own pages are published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import BIN, run

pytestmark = pytest.mark.slow
POLICYFORGE = str(BIN / "policyforge")
ONBOARDING = """# Onboarding

Every new starter reads the [Information Security Policy](POL-01-information-security.md) in week one.
"""


@pytest.fixture(scope="module")
def scaffolded(example_source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company, scaffolded but not built (the tests build what they need): this module's copy."""
    copy = tmp_path_factory.mktemp("company") / "acme-cloud"
    shutil.copytree(example_source, copy, symlinks=True)
    return copy


@pytest.fixture
def repo(scaffolded: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(scaffolded, copy, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    (copy / "policies" / "onboarding.md").write_text(ONBOARDING)
    return copy


def edit_mkdocs(repo: Path, **changes: object) -> None:
    config = yaml.safe_load((repo / "mkdocs.yml").read_text())
    config.update(changes)
    (repo / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))


def test_a_hand_set_site_name_palette_nav_and_extra_page_survive_a_build(repo: Path) -> None:
    config = yaml.safe_load((repo / "mkdocs.yml").read_text())
    theme = {**config["theme"], "palette": {"primary": "indigo"}}
    edit_mkdocs(repo, site_name="Acme Trust Portal", theme=theme,
                nav=[{"Home": "index.md"}, {"Start here": "onboarding.md"},
                     {"Security": "POL-01-information-security.md"}])

    checked = run([POLICYFORGE, "check", "--repo", str(repo)], check=False)
    assert "onboarding.md" not in checked.stdout, checked.stdout  # a page, not a policy without front matter
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])

    site = repo / "site"
    home = (site / "index.html").read_text()
    assert "<title>" in home and "Acme Trust Portal" in home and "Acme Cloud policies" not in home
    assert 'data-md-color-primary="indigo"' in home
    assert "--md-primary-fg-color" not in (site / "assets" / "policyforge.css").read_text()
    assert ">Start here<" in home.replace("\n", "").replace(" ", "") or "Start here" in home
    page = (site / "onboarding.html").read_text()
    assert "Every new starter reads" in page and 'href="POL-01-information-security.html"' in page


def test_without_a_nav_the_company_pages_follow_the_generated_ones(repo: Path) -> None:
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])
    home = (repo / "site" / "index.html").read_text()
    assert "Acme Cloud policies" in home
    assert 'href="onboarding.html"' in home
    assert "--md-primary-fg-color: #1f4e79" in (repo / "site" / "assets" / "policyforge.css").read_text()


def test_a_company_page_is_linted_lightly(repo: Path) -> None:
    (repo / "policies" / "onboarding.md").write_text("# Onboarding\n\nAsk {{ people.ceo.name }}. See [x](gone.md).\n")
    result = run([POLICYFORGE, "check", "--repo", str(repo)], check=False)
    assert "policies/onboarding.md:3: has {{ or {%" in result.stdout
    assert "policies/onboarding.md:3: link to gone.md, which is not a page of this repository" in result.stdout
    assert "has no front matter" not in result.stdout
