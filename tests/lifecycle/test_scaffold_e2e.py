"""End to end: scaffold a company through both entry points, build its site strictly, read it back."""

from __future__ import annotations

import filecmp
import html
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import BIN, REPO_ROOT, run

pytestmark = pytest.mark.slow
POLICYFORGE = str(BIN / "policyforge")
COOKIECUTTER = str(BIN / "cookiecutter")


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def site_text(page: Path, records: bool = True) -> str:
    """Return the visible text of a built page's article (without the revision history unless ``records``)."""
    content = page.read_text(encoding="utf-8")
    article = content.split('<article class="md-content__inner md-typeset">', 1)[-1].split("</article>", 1)[0]
    if not records:
        article = article.split('id="revision-history"', 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


def test_example_repository_has_every_part_and_one_commit(example_repo: Path) -> None:
    for name in ("company.yml", "mkdocs.yml", "README.md", "requirements.txt", "requirements-engine.txt", ".gitignore",
                 ".policyforge/source.yml", ".pre-commit-config.yaml"):
        assert (example_repo / name).is_file(), name
    policies = sorted(p.name for p in (example_repo / "policies").glob("POL-*.md"))
    assert len(policies) == 29
    log = run(["git", "log", "--oneline"], cwd=example_repo).stdout.strip().splitlines()
    assert len(log) == 1 and "Adopt the policy library" in log[0]
    assert run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=example_repo).stdout == ""
    # The engine is pinned to the wheel it was made with (this checkout is not a published commit).
    wheel = next((example_repo / "vendor").glob("policyforge-*.whl"))
    assert f"./vendor/{wheel.name} --hash=sha256:" in (example_repo / "requirements-engine.txt").read_text()
    assert "mkdocs==" in (example_repo / "requirements.txt").read_text()
    assert os.access(example_repo / ".policyforge" / "pre-commit-hook", os.X_OK)


def test_cookiecutter_and_policyforge_new_produce_the_same_repository(tmp_path: Path, example_repo: Path) -> None:
    run([COOKIECUTTER, "--no-input", str(REPO_ROOT), "-o", str(tmp_path)])
    fresh = tree(tmp_path / "acme-cloud")
    built = {k: v for k, v in tree(example_repo).items() if not k.startswith(("site/", "out/", ".cache/"))}
    assert fresh.keys() == built.keys()
    assert fresh == built


def test_site_builds_strictly_with_every_policy_filled(example_repo: Path, tmp_path: Path) -> None:
    repo = tmp_path / "acme-cloud"  # the shared example is read-only: build in a copy
    shutil.copytree(example_repo, repo, symlinks=True)
    run([str(BIN / "mkdocs"), "build", "--strict", "--site-dir", "strict-site"], cwd=repo)
    site = repo / "strict-site"
    pages = sorted(site.glob("POL-*.html"))
    assert len(pages) == 29
    for page in pages:
        text = site_text(page)
        assert "{{" not in text and "{%" not in text, page.name
        assert "TODO" not in text, page.name
        assert "Priya Natarajan" in text or "Rahul Mehta" in text, page.name
        assert re.search(r"Owner\s+\S", text) and re.search(r"Next review due\s+\d", text), page.name
    home = site_text(site / "index.html")
    assert "Criteria covered" in home and "61 of 61" in home
    shutil.rmtree(site)


def test_overrides_reach_every_page_and_scope_drops_optional_policies(tmp_path: Path) -> None:
    run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path), "company_name=Beta & Sons",
         "cloud_providers=gcp", "cloud_regions=europe-west1, europe-west4", "backup_tool=Backup and DR Service",
         "data_residency=European Union", "customer_regions=eu", "data_pii=no",
         "scope_availability=no", "scope_confidentiality=no", "scope_processing_integrity=no", "scope_privacy=no"])
    repo = tmp_path / "beta-sons"
    facts = yaml.safe_load((repo / "company.yml").read_text())
    assert facts["company"]["name"] == "Beta & Sons"
    assert facts["stack"]["cloud_providers"] == ["gcp"]
    assert len(list((repo / "policies").glob("POL-*.md"))) == 25
    coverage = run([POLICYFORGE, "coverage", "--repo", str(repo)])
    assert "33 of 33 criteria covered (Security)" in coverage.stdout
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])
    text = site_text(repo / "site" / "POL-12-encryption.html")
    assert "Cloud KMS" in text and "AWS" not in text


@pytest.mark.parametrize("entry", ["policyforge", "cookiecutter"])
def test_bad_answer_is_named_with_its_fix_and_nothing_is_written(tmp_path: Path, entry: str) -> None:
    if entry == "policyforge":
        result = run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path), "ceo_email=nobody"], check=False)
        assert "Traceback" not in result.stderr
    else:
        result = run([COOKIECUTTER, "--no-input", str(REPO_ROOT), "-o", str(tmp_path), "ceo_email=nobody"],
                     check=False)
    assert result.returncode != 0
    assert "ceo_email: 'nobody' is not valid — write an address such as name@example.com" in result.stderr
    assert list(tmp_path.iterdir()) == []


HOSTILE_NAMES = [
    'Acme "Quoted" \'Cloud\'',
    "Acme: Cloud, Inc.",
    "{{ cookiecutter.ceo_name }} {% if 1 %}x{% endif %}",
    "<script>alert('x')</script> & <b>Co</b>",
    "Acme 🚀 Cloud",
    "אקמה ענן",
    "Acme *Cloud* _Ltd_ [link](https://example.com) | pipe",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_company_name_appears_exactly_as_typed(tmp_path: Path, name: str) -> None:
    run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path), f"company_name={name}", "company_slug=hostile",
         "doc_prefix=HOST"])
    repo = tmp_path / "hostile"
    assert yaml.safe_load((repo / "company.yml").read_text())["company"]["name"] == name
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])
    page = (repo / "site" / "POL-01-information-security.html").read_text(encoding="utf-8")
    assert name in site_text(repo / "site" / "POL-01-information-security.html")
    assert "<script>alert" not in page and "<b>Co</b>" not in page
    assert "Dana Whitfield x" not in page  # the template syntax was not evaluated


@pytest.mark.parametrize("value", ["A" * 5000, "two\nlines"])
def test_unacceptable_name_fails_cleanly_with_nothing_written(tmp_path: Path, value: str) -> None:
    result = run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path), f"company_name={value}"], check=False)
    assert result.returncode == 2
    assert "company_name:" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_changing_the_security_officer_changes_every_page_naming_the_role(tmp_path: Path,
                                                                           example_repo: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(example_repo, repo, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])
    # The revision history is a record of who wrote and approved each version; it keeps past names.
    before = {p.name: site_text(p, records=False) for p in (repo / "site").glob("*.html")}
    naming = {name for name, text in before.items() if "Priya Natarajan" in text}
    assert len(naming) >= 25
    company = repo / "company.yml"
    company.write_text(company.read_text().replace("Priya Natarajan", "Jordan Kim"))
    run([POLICYFORGE, "build", "--no-pdf", "--repo", str(repo)])
    after = {p.name: site_text(p, records=False) for p in (repo / "site").glob("*.html")}
    assert not [name for name, text in after.items() if "Priya Natarajan" in text]
    assert all("Jordan Kim" in after[name] for name in naming)
    changed_files = run(["git", "status", "--porcelain"], cwd=repo).stdout.split()
    assert "company.yml" in changed_files and not any(f.startswith("policies/") for f in changed_files)


def test_generated_repository_matches_itself_when_scaffolded_twice(tmp_path: Path) -> None:
    run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path / "a")])
    run([POLICYFORGE, "new", "--no-input", "-o", str(tmp_path / "b")])
    cmp = filecmp.dircmp(tmp_path / "a" / "acme-cloud", tmp_path / "b" / "acme-cloud", ignore=[".git"])
    assert not cmp.diff_files and not cmp.left_only and not cmp.right_only
