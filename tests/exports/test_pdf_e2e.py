"""PDFs read back: structure, text, metadata, fonts, bookmarks and byte-identical rebuilds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import BIN, REPO_ROOT, run
from pypdf import PdfReader

pytestmark = pytest.mark.slow
ARTIFACTS = REPO_ROOT / "test-artifacts"
EPOCH = {**os.environ, "SOURCE_DATE_EPOCH": "1796083200"}


def pdf_dir(repo: Path) -> Path:
    return repo / "out" / "pdf"


def handbook(repo: Path) -> Path:
    (path,) = pdf_dir(repo).glob("*-policy-handbook-*.pdf")
    return path


def outline_titles(reader: PdfReader) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def test_every_policy_has_its_own_predictably_named_pdf(example_repo: Path) -> None:
    names = sorted(p.name for p in pdf_dir(example_repo).glob("ACME-POL-*.pdf"))
    assert len(names) == 29
    assert "ACME-POL-13-access-control-v1.0.pdf" in names
    assert handbook(example_repo).name == "ACME-policy-handbook-draft.pdf"


def test_handbook_cover_metadata_and_page_footer(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    cover = reader.pages[0].extract_text()
    for text in ("Acme Cloud", "Information Security Policies", "draft", "1 December 2026", "Dana Whitfield",
                 "Confidential"):
        assert text in cover
    assert f"Page 3 of {len(reader.pages)}" in reader.pages[2].extract_text()
    meta = reader.metadata
    assert meta.title == "Acme Cloud — Information Security Policies"
    assert meta.author == "Acme Cloud, Inc."
    assert "SOC 2 policy handbook" in meta.subject
    assert "SOC 2" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20261201")


def test_handbook_bookmarks_lead_to_each_policy_start(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    top = [title for depth, title in outline_titles(reader) if depth == 0]
    policy_titles = [t for t in top if t.endswith(("Policy", "Plan"))]
    assert len(policy_titles) == 29
    assert "Appendix A. Control matrix" in top and "Appendix B. Criteria coverage" in top
    sections = [title for depth, title in outline_titles(reader) if depth == 1]
    assert "1. Purpose" in sections and "Revision history" in sections
    for item in reader.outline:
        if not isinstance(item, list) and item.title == "Access Control Policy":
            page = reader.pages[reader.get_destination_page_number(item)].extract_text()
            assert "Access Control Policy" in page and "Document control" in page


def test_table_of_contents_page_numbers_point_at_the_policies(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    contents = reader.pages[1].extract_text() + reader.pages[2].extract_text()
    line = next(row for row in contents.splitlines() if "POL-13 Access Control Policy" in row)
    page_number = int(line.rstrip(". ").split()[-1].strip("."))
    assert "Access Control Policy" in reader.pages[page_number - 1].extract_text()
    assert "ACME-POL-13 version 1.0" in reader.pages[page_number - 1].extract_text()


def test_fonts_are_embedded(example_repo: Path) -> None:
    reader = PdfReader(pdf_dir(example_repo) / "ACME-POL-13-access-control-v1.0.pdf")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] \
            if "/DescendantFonts" in ref.get_object() else ref.get_object()["/FontDescriptor"]
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_rebuild_is_byte_identical_and_cache_free(example_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "again"
    run([str(BIN / "policyforge"), "pdf", "--repo", str(example_repo), "--out", str(out), "--no-cache"], env=EPOCH)
    for first in pdf_dir(example_repo).glob("*.pdf"):
        assert (out / first.name).read_bytes() == first.read_bytes(), first.name


def test_unchanged_documents_are_not_rendered_again(example_repo: Path, tmp_path: Path) -> None:
    result = run([str(BIN / "policyforge"), "pdf", "--repo", str(example_repo), "--out", str(tmp_path)], env=EPOCH)
    assert "(0 rendered, 30 unchanged)" in result.stdout


def test_pdfa_variant_declares_pdfa_conformance(example_repo: Path, tmp_path: Path) -> None:
    run([str(BIN / "policyforge"), "pdf", "--repo", str(example_repo), "--out", str(tmp_path), "--pdfa",
         "--no-cache", "POL-13"], env=EPOCH)
    assert [p.name for p in tmp_path.glob("*.pdf")] == ["ACME-POL-13-access-control-v1.0.pdf"]
    root = PdfReader(tmp_path / "ACME-POL-13-access-control-v1.0.pdf").trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root


def test_hostile_company_name_renders_on_the_cover(tmp_path: Path) -> None:
    name = 'R&D <Labs> 100% "cloud_co" 株式会社 שלום'
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(tmp_path), f"company_name={name}",
         "company_slug=rd-labs", "doc_prefix=RDL"])
    repo = tmp_path / "rd-labs"
    run([str(BIN / "policyforge"), "pdf", "--repo", str(repo), "POL-01", "--handbook"], env=EPOCH)
    reader = PdfReader(handbook(repo))
    cover = "".join(reader.pages[0].extract_text().split())  # the name may wrap across lines
    for part in ("R&D", "<Labs>", "100%", '"cloud_co"', "株式会社"):
        assert part in cover, (part, cover)
    assert reader.metadata.title.startswith(name)
    ARTIFACTS.mkdir(exist_ok=True)
    if shutil.which("pdftoppm"):
        run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", str(handbook(repo)),
             str(ARTIFACTS / "hostile-handbook")])
        assert (ARTIFACTS / "hostile-handbook.png").is_file()
