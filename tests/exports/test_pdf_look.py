"""The look of the PDFs from company.yml: paper size by country or setting, the logo, the draft mark, landscape."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from policyforge.exports._pdf import WATERMARK, PdfLook, appendix_parts, cover_part, pdf_look, policy_part
from policyforge.model import facts_from_answers, layout_settings, resolve_answers
from policyforge.model._facts import Facts
from policyforge.program import program_from_library
from policyforge.repo import published_set

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def facts_in(country: str) -> Facts:
    # the data stays where the example company keeps it (its regions are in the United States)
    return facts_from_answers(resolve_answers({"hq_country": country, "data_residency": "United States"}))


def write_layout(repo: Path, layout: str) -> Path:
    (repo / "company.yml").write_text(f"company:\n  name: Acme\nlayout:\n{layout}", encoding="utf-8")
    return repo


@pytest.mark.parametrize(("country", "paper"), [
    ("United States", "Letter"), ("USA", "Letter"), ("Canada", "Letter"), ("Germany", "A4"),
    ("United Kingdom", "A4"), ("Australia", "A4"),
])
def test_paper_size_defaults_by_the_headquarters_country(tmp_path: Path, country: str, paper: str) -> None:
    (tmp_path / "company.yml").write_text("company:\n  name: Acme\n", encoding="utf-8")
    assert layout_settings(tmp_path, facts_in(country)).paper_size == paper


@pytest.mark.parametrize(("written", "paper"), [("A4", "A4"), ("letter", "Letter"), ("LETTER", "Letter")])
def test_paper_size_set_in_company_yml_wins_over_the_country(tmp_path: Path, written: str, paper: str) -> None:
    write_layout(tmp_path, f"  paper_size: {written}\n")
    assert layout_settings(tmp_path, facts_in("Germany" if paper == "Letter" else "Canada")).paper_size == paper


@pytest.mark.parametrize("written", ["A3", "legal", "12", "[A4]"])
def test_an_unknown_paper_size_is_one_problem_naming_the_field_and_the_fix(tmp_path: Path, written: str) -> None:
    from policyforge._errors import FactsError

    write_layout(tmp_path, f"  paper_size: {written}\n")
    with pytest.raises(FactsError) as caught:
        layout_settings(tmp_path, facts_in("Germany"))
    (problem,) = caught.value.problems
    assert str(problem).startswith("company.yml:4: layout.paper_size:") and problem.fix == "write A4 or Letter"


def test_an_unknown_layout_setting_is_named(tmp_path: Path) -> None:
    from policyforge._errors import FactsError

    write_layout(tmp_path, "  papersize: A4\n")
    with pytest.raises(FactsError, match="layout.papersize: unknown setting"):
        layout_settings(tmp_path, facts_in("Germany"))


@pytest.fixture(scope="module")
def program():  # type: ignore[no-untyped-def]
    return program_from_library(facts_in("Germany"))


def test_every_part_is_laid_out_on_the_paper_asked_for(program) -> None:  # type: ignore[no-untyped-def]
    look = PdfLook(paper="Letter")
    doc = program.ordered_policies()[0]
    for part in (cover_part(program, "2027.1", look), policy_part(program, doc, look=look),
                 *appendix_parts(program, "2027.1", look)):
        assert "@page { size: Letter; } @page wide { size: Letter landscape; }" in part.html


def test_the_control_matrix_appendix_is_on_landscape_pages(program) -> None:  # type: ignore[no-untyped-def]
    matrix, coverage = appendix_parts(program, "2027.1", PdfLook())
    assert '<article class="appendix wide" id="appendix-controls">' in matrix.html
    assert '<article class="appendix" id="appendix-coverage">' in coverage.html


def test_a_draft_marks_every_part_and_a_release_none(program) -> None:  # type: ignore[no-untyped-def]
    doc = program.ordered_policies()[0]
    for draft in (True, False):
        look = PdfLook(draft=draft)
        parts = [cover_part(program, "draft", look), policy_part(program, doc, look=look),
                 *appendix_parts(program, "draft", look)]
        assert all((WATERMARK in part.html) is draft for part in parts)


def test_the_logo_is_embedded_on_the_cover_from_the_checked_file(tmp_path: Path, program) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "policies").mkdir()
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(PNG)
    write_layout(tmp_path, "  logo: brand/logo.png\n")
    look = pdf_look(tmp_path, program, "draft", published_set(tmp_path))
    assert look.logo == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert look.draft and look.paper == "A4"
    cover = cover_part(program, "draft", look).html
    assert f'<img class="logo" src="{look.logo}"' in cover
    assert str(tmp_path) not in cover  # the checkout's path never enters the PDF (nor its identifier)
    assert 'class="logo"' not in cover_part(program, "draft", PdfLook()).html


@pytest.mark.slow  # end to end: lays out and writes a PDF with WeasyPrint, then reads it back with pypdf
def test_a_policy_pdf_with_a_logo_fetches_only_the_logo_as_data_and_the_engine_assets(
        tmp_path: Path, program, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import policyforge.exports._pdf as pdf
    from pypdf import PdfReader

    (tmp_path / "policies").mkdir()
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10"><rect width="40" height="10" fill="#1f4e79"/>'
        "</svg>", encoding="utf-8")
    write_layout(tmp_path, "  logo: brand/logo.svg\n")
    published = published_set(tmp_path)
    look = pdf_look(tmp_path, program, "2027.1", published)
    fetched: list[str] = []
    closed = pdf.closed_fetcher

    def recording(assets=()):  # type: ignore[no-untyped-def]
        inner = closed(assets)
        original = inner.fetch

        def fetch(url: str, headers: object = None) -> object:
            fetched.append(url.split(",", 1)[0])
            return original(url, headers)

        inner.fetch = fetch
        return inner

    monkeypatch.setattr(pdf, "closed_fetcher", recording)
    part = policy_part(program, program.ordered_policies()[0], look=look)
    assert '<img class="pf-doclogo" src="data:image/svg+xml;base64,' in part.html
    data = pdf.render_pdf(part.html, assets=published.asset_paths(tmp_path))
    assert fetched == ["data:image/svg+xml;base64"]  # the logo, as data; nothing from the repository or a host
    assert "DRAFT" not in PdfReader(io.BytesIO(data)).pages[0].extract_text()
