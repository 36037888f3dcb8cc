"""How the site looks, decided in the engine: brand colours readable in both schemes, the grouped matrix, the footer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policyforge.adapters.mkdocs_plugin import DRAFT_BANNER, footer_text
from policyforge.lifecycle import scaffold_company
from policyforge.model import Library, facts_from_answers, load_library, resolve_answers
from policyforge.program import Program, load_program
from policyforge.site._matrix import grouped_matrix_page
from policyforge.site._theme import (
    AA_CONTRAST,
    LIGHT_BACKGROUND,
    brand_css,
    contrast,
    header_text,
    readable_on,
    site_script,
    site_stylesheet,
    slate_background,
)

BRANDS = ["#1f4e79", "#ffeb3b", "#00bcd4", "#0a0a40", "#e91e63", "#777777", "#ffffff", "#000000"]


def test_contrast_follows_the_wcag_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#1f4e79", "#1f4e79") == pytest.approx(1.0)


def test_the_dark_background_is_materials_slate() -> None:
    assert slate_background() == "#1e2129"


@pytest.mark.parametrize("brand", BRANDS)
def test_links_from_any_brand_colour_meet_aa_contrast_on_both_schemes(brand: str) -> None:
    for background in (LIGHT_BACKGROUND, slate_background()):
        assert contrast(readable_on(brand, background), background) >= AA_CONTRAST


def test_a_brand_colour_already_readable_is_kept_as_it_is() -> None:
    assert readable_on("#1f4e79", LIGHT_BACKGROUND) == "#1f4e79"
    assert readable_on("#ffeb3b", slate_background()) == "#ffeb3b"


def test_a_light_brand_is_darkened_for_light_pages_and_a_dark_brand_lightened_for_dark_pages() -> None:
    assert readable_on("#ffeb3b", LIGHT_BACKGROUND) != "#ffeb3b"
    assert readable_on("#1f4e79", slate_background()) != "#1f4e79"


@pytest.mark.parametrize("brand", BRANDS)
def test_the_header_text_reads_on_the_brand_colour(brand: str) -> None:
    assert contrast(header_text(brand), brand) >= 4.5


def test_the_stylesheet_colours_links_per_scheme_from_the_brand() -> None:
    css = brand_css("#ffeb3b")
    light = re.search(r'scheme="default"\] \{\s*--md-typeset-a-color: (#[0-9a-f]{6})', css)
    dark = re.search(r'scheme="slate"\] \{\s*--md-typeset-a-color: (#[0-9a-f]{6})', css)
    assert light and dark and light.group(1) != dark.group(1)
    assert "--md-primary-bg-color: #000000" in css  # black header text on a yellow header


def test_a_company_palette_keeps_its_own_colours() -> None:
    assert "--md-primary-fg-color" not in site_stylesheet(None)
    assert "--md-primary-fg-color: #1f4e79" in site_stylesheet("#1f4e79")


def test_the_engine_assets_name_no_outside_host() -> None:
    for text in (site_stylesheet("#1f4e79"), site_script()):
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/|@import|url\(", text)


def test_the_footer_names_the_company_and_the_release_or_the_draft() -> None:
    assert footer_text(None, "Acme Cloud", "2026.2") == "Acme Cloud · Release 2026.2"
    assert footer_text("", "Acme Cloud", "draft") == "Acme Cloud · Draft, not approved"
    assert footer_text("© 2026 Acme", "Acme Cloud", "2026.2") == "© 2026 Acme · Release 2026.2"
    assert footer_text(None, "<b>Evil</b> & Co", "draft").startswith("&lt;b&gt;Evil&lt;/b&gt; &amp; Co")


def test_the_draft_banner_says_the_text_is_not_approved() -> None:
    assert "not approved" in DRAFT_BANNER and 'role="note"' in DRAFT_BANNER


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Program:
    root = tmp_path_factory.mktemp("acme")
    scaffold_company(root, facts_from_answers(resolve_answers({})), library)
    return load_program(root, library)


def test_the_site_matrix_lists_every_control_once_under_the_policy_that_states_it(program: Program) -> None:
    page = grouped_matrix_page(program)
    rows = program.matrix_rows()
    listed = re.findall(r"^\| ([A-Z]+-\d+) \|", page, re.MULTILINE)
    assert sorted(listed) == sorted(control.id for control, _ in rows)
    assert len(listed) == len(set(listed)) and f"{len(rows)} controls are in force" in page
    groups = page.split("\n## ")[1:]
    headings = [group.split("\n", 1)[0] for group in groups]
    order = [doc.id for doc in program.ordered_policies()]
    assert [h.split(" ", 1)[0] for h in headings] == [p for p in order if any(d.id == p for _, d in rows)]
    for control, doc in rows:
        group = next(g for g in groups if g.startswith(f"{doc.id} "))
        assert f"| {control.id} |" in group and f"({doc.filename}#{control.section})" in group


def test_the_site_matrix_is_marked_for_the_filter_script(program: Program) -> None:
    page = grouped_matrix_page(program)
    assert page.count('<div class="pf-group" markdown>') == page.count("\n## ")
    assert '<div class="pf-matrix" markdown>' in page
    assert "pf-matrix" in site_script() and "pf-group" in site_script()


def test_the_pdf_matrix_stays_one_table(program: Program) -> None:
    assert program.matrix_page().count("| Control | Statement |") == 1


def test_scaffold_gives_a_light_dark_toggle_with_the_brand_colour() -> None:
    import yaml

    template = Path(__file__).resolve().parents[2] / "{{cookiecutter.company_slug}}" / "mkdocs.yml"
    palette = yaml.safe_load(template.read_text())["theme"]["palette"]
    assert [p["scheme"] for p in palette] == ["default", "slate"]
    assert all(p["primary"] == "custom" and p["toggle"]["name"] for p in palette)


def test_a_published_draft_is_a_draft_even_on_a_tagged_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyforge.site import RELEASE_ENV, site_release

    monkeypatch.setenv(RELEASE_ENV, "draft")
    assert site_release(tmp_path) == "draft"
    monkeypatch.setenv(RELEASE_ENV, "2026.2")
    assert site_release(tmp_path) == "2026.2"
    monkeypatch.setenv(RELEASE_ENV, "<script>")
    assert site_release(tmp_path) == "draft"  # not a release tag: the untagged folder's own answer
    monkeypatch.delenv(RELEASE_ENV)
    assert site_release(tmp_path) == "draft"
