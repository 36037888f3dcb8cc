"""Every page of the policy site, as Markdown the engine produces, plus the navigation.

The MkDocs plugin serves these pages; ``policyforge render-docs`` writes them to a plain folder
that any static site generator can build (Zensical, or MkDocs without our plugin). Keeping the
pages here means the auditor's material never depends on a third-party site plugin.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..kit._acknowledgement import acknowledgement_page
from ..kit._evidence import evidence_page, evidence_plan
from ..kit._readiness_page import readiness_page
from ..model._documents import AREAS, is_policy_source
from ..program._companion import COMPANION_TITLES, companion_pages
from ..program._load import program_page
from ..program._program import Program
from ..render._markdown import MARKDOWN_EXTENSIONS
from ..repo._files import policy_files, write_atomic
from ._changes import changes_page, release_changes
from ._matrix import grouped_matrix_page

PAGE_TITLES: dict[str, str] = {
    "index.md": "Home",
    "changes.md": "What changed",
    "controls.md": "Control matrix",
    "program.md": "Who carries the program",
    "coverage.md": "Criteria coverage",
    "evidence.md": "Evidence plan",
    "readiness.md": "Readiness checklist",
    "acknowledgements.md": "Policy acknowledgements",
}
# Pages of wide tables: shown without a table of contents, across the whole window.
WIDE_PAGES: frozenset[str] = frozenset({
    "controls.md", "coverage.md", "evidence.md", "acknowledgements.md",
    *(f"companion/{stem}.md" for stem in ("risk-register", "asset-inventory", "vendor-inventory",
                                           "business-impact-analysis", "exception-register")),
})


@dataclass(frozen=True)
class GeneratedSite:
    """The generated pages (Markdown) and other files (a redline's HTML) of a build."""

    pages: dict[str, str]
    files: dict[str, str]


def generated_pages(program: Program, repo: Path, pdfs: dict[str, str] | None = None) -> GeneratedSite:
    """Return every page that is not a policy: home, changes, matrix, coverage, evidence, readiness, companions.

    The acknowledgements page reads the roster and records of ``repo``; a bad row stops the build
    with its file and line, as a bad policy file does.
    """
    found = release_changes(program, repo)
    plan = evidence_plan(program)  # the evidence page and the readiness page's evidence table print the same plan
    pages = {
        "index.md": program.home_page(pdfs),
        "changes.md": changes_page(program, found),
        "controls.md": grouped_matrix_page(program),
        "program.md": program_page(program),
        "coverage.md": program.coverage_page(),
        "evidence.md": evidence_page(program, plan),
        "readiness.md": readiness_page(program, repo, plan),
        "acknowledgements.md": acknowledgement_page(program, repo),
        **companion_pages(program),
    }
    files = {found.redline_name: found.redline} if found.redline_name and found.redline else {}
    return GeneratedSite(pages, files)


COMPANY_PAGES_TITLE = "More"


def company_pages(repo: Path) -> list[str]:
    """Return the company's own Markdown pages at the top of ``policies/``: neither policies nor generated."""
    from ..program._program import POLICIES_DIR

    folder = repo / POLICIES_DIR
    generated = {"index.md", *PAGE_TITLES}
    pages: list[str] = []
    for path in policy_files(folder):
        if path.name in generated:
            continue
        if not is_policy_source(path.name, path.read_text(encoding="utf-8", errors="replace")):
            pages.append(path.name)
    return pages


def site_nav(program: Program, extra_pages: list[str] | None = None) -> list[Any]:
    """Return the navigation: home, policies grouped by area, the program pages, audit readiness."""
    nav: list[Any] = [{"Home": "index.md"}]
    for area, title in AREAS.items():
        docs = [d for d in program.ordered_policies() if d.area == area]
        if docs:
            nav.append({title: [{d.title: d.filename} for d in docs]})
    nav.append({"Program": [{PAGE_TITLES[name]: name}
                            for name in ("changes.md", "controls.md", "program.md", "coverage.md",
                                                                 "evidence.md")]})
    nav.append({"Audit readiness": [{PAGE_TITLES[name]: name} for name in ("readiness.md", "acknowledgements.md")]
                + [{title: f"companion/{stem}.md"} for stem, title in COMPANION_TITLES.items()]})
    if extra_pages:
        nav.append({COMPANY_PAGES_TITLE: list(extra_pages)})  # MkDocs titles each from its first heading
    return nav


def render_docs(program: Program, repo: Path, out: Path) -> list[Path]:
    """Write the whole site as rendered Markdown plus a plugin-free mkdocs.yml; return the files written."""
    site = generated_pages(program, repo)
    written: list[Path] = []
    pages = {doc.filename: program.render_page(doc) for doc in program.ordered_policies()}
    pages.update(site.pages)
    for relative, text in {**pages, **site.files}.items():
        target = out / "docs" / relative
        write_atomic(target, text)
        written.append(target)
    config = {
        "site_name": f"{program.facts.company.name} policies",
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": False,
        "theme": {"name": "material", "font": False, "palette": {"primary": "custom"}},
        "plugins": ["search"],
        "markdown_extensions": [*(e for e in MARKDOWN_EXTENSIONS if e != "toc"), {"toc": {"permalink": True}}],
        "nav": site_nav(program),
    }
    write_atomic(out / "mkdocs.yml", yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    written.append(out / "mkdocs.yml")
    return written
