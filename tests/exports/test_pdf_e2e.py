"""PDFs read back: structure, text, metadata, fonts, bookmarks and byte-identical rebuilds."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import BIN, REPO_ROOT, collapse, run
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
                 "Internal"):
        assert text in cover
    # Each policy numbers its own pages, as a controlled document does, inside the handbook too.
    first_policy = next(i for i, label in enumerate(reader.page_labels) if label == "1")
    own = len(PdfReader(pdf_dir(example_repo) / "ACME-POL-01-information-security-v1.0.pdf").pages)
    assert f"Page 1 of {own}" in reader.pages[first_policy].extract_text()
    page_text = reader.pages[first_policy].extract_text()
    # One classification: the document-control block, the cover and every footer agree.
    assert "ACME-POL-01 version 1.0 · Internal" in collapse(page_text)
    assert "Classification Internal" in collapse(page_text)
    assert not re.search(r"\bConfidential\b", page_text + cover)
    meta = reader.metadata
    assert meta.title == "Acme Cloud — Information Security Policies"
    assert meta.author == "Acme Cloud"
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


def test_table_of_contents_page_numbers_are_the_page_labels_of_the_policies(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    labels = reader.page_labels
    front = [label for label in labels if not label.isdigit()]
    assert front == ["i", "ii", "iii"][:len(front)] and len(front) >= 2  # cover and contents, in roman numerals
    assert labels[len(front):] == [str(n) for n in range(1, len(labels) - len(front) + 1)]
    contents = "".join(reader.pages[i].extract_text() for i in range(1, len(front)))
    numbers = {}
    for row in contents.splitlines():
        if row.startswith("POL-") or row.startswith("Appendix"):
            numbers[row.split(" .")[0].rstrip(". ")] = int(row.rstrip(". ").split()[-1].strip("."))
    page = labels.index(str(numbers["POL-13 Access Control Policy"]))
    assert "Access Control Policy" in reader.pages[page].extract_text()
    assert "ACME-POL-13 version 1.0" in reader.pages[page].extract_text()
    assert "Page 1 of" in reader.pages[page].extract_text()
    # The numbers come from the parts' page counts: each policy starts where the previous one ends.
    own = len(PdfReader(pdf_dir(example_repo) / "ACME-POL-01-information-security-v1.0.pdf").pages)
    assert numbers["POL-01 Information Security Policy"] == 1
    assert numbers["POL-02 Policy Management and Exceptions Policy"] == 1 + own
    assert "Appendix A. Control matrix" in numbers and "Appendix B. Criteria coverage" in numbers


def test_handbook_pages_are_the_policy_pdfs_pages_laid_out_once(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    policy = PdfReader(pdf_dir(example_repo) / "ACME-POL-13-access-control-v1.0.pdf")
    start = next(i for i, page in enumerate(reader.pages) if "ACME-POL-13 version 1.0" in page.extract_text())
    for offset, page in enumerate(policy.pages):
        assert reader.pages[start + offset].get_contents().get_data() == page.get_contents().get_data()


def test_links_between_parts_land_inside_the_handbook(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    destinations = reader.named_destinations
    external, internal = [], 0
    for page in reader.pages:
        for ref in page.get("/Annots", []) or []:
            annotation = ref.get_object()
            if "/A" in annotation and "/URI" in annotation["/A"]:
                external.append(annotation["/A"]["/URI"])
            elif "/Dest" in annotation:
                assert str(annotation["/Dest"]) in destinations, annotation["/Dest"]
                internal += 1
    assert external == []  # contents, cross-policy and appendix links all point inside the book
    assert internal > 300
    assert "pol-13" in destinations and "appendix-controls" in destinations
    assert reader.get_destination_page_number(destinations["pol-13"]) == next(
        i for i, page in enumerate(reader.pages) if "ACME-POL-13 version 1.0" in page.extract_text())


def test_a_policy_pdf_links_to_its_sibling_pdfs_by_file_name_only(example_repo: Path) -> None:
    reader = PdfReader(pdf_dir(example_repo) / "ACME-POL-13-access-control-v1.0.pdf")
    uris = [ref.get_object()["/A"]["/URI"] for page in reader.pages for ref in page.get("/Annots", []) or []
            if "/A" in ref.get_object()]
    files = [uri.partition("#")[0] for uri in uris]
    assert files and all("/" not in name and name.endswith(".pdf") for name in files)  # no machine path
    assert all((pdf_dir(example_repo) / name).is_file() for name in files)


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
    assert "(0 rendered, 30 unchanged" in result.stdout


def test_pdfa_handbook_keeps_the_covers_pdfa_catalog(example_repo: Path, tmp_path: Path) -> None:
    run([str(BIN / "policyforge"), "pdf", "--repo", str(example_repo), "--out", str(tmp_path), "--pdfa",
         "POL-13", "POL-14", "--handbook"], env=EPOCH)
    root = PdfReader(next(tmp_path.glob("*-policy-handbook-*.pdf"))).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp and b'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in root and "/PageLabels" in root and "/Outlines" in root


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


def tiny_png() -> bytes:
    """A real 2x2 PNG (WeasyPrint decodes it), written with the standard library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + b"\x1e\x4e\x79" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def drawn_images(page: object) -> int:
    """Return how many times a page paints an image (WeasyPrint shares one resource dictionary between pages)."""
    resources = page["/Resources"]  # type: ignore[index]
    names = [name for name, ref in resources.get("/XObject", {}).items() if ref.get_object()["/Subtype"] == "/Image"]
    content = page.get_contents().get_data()  # type: ignore[attr-defined]
    return sum(content.count(f"{name} Do".encode()) for name in names)


def squashed(text: str) -> str:
    return "".join(text.split())


LETTER, A4 = (612.0, 792.0), (595.28, 841.89)


def sizes(reader: PdfReader) -> list[tuple[float, float]]:
    return [(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages]


def appendix_pages(reader: PdfReader, title: str) -> list[int]:
    """Return the handbook pages of one part, from its bookmark to the next top-level bookmark."""
    starts = sorted(reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list))
    (start,) = [reader.get_destination_page_number(item) for item in reader.outline
                if not isinstance(item, list) and item.title == title]
    return list(range(start, next((page for page in starts if page > start), len(reader.pages))))


def test_a_draft_marks_every_page_and_a_us_company_gets_letter_paper(example_repo: Path) -> None:
    reader = PdfReader(handbook(example_repo))
    assert all(squashed("DRAFT — not approved") in squashed(page.extract_text()) for page in reader.pages)
    policy = PdfReader(pdf_dir(example_repo) / "ACME-POL-13-access-control-v1.0.pdf")
    assert all(squashed("DRAFT — not approved") in squashed(page.extract_text()) for page in policy.pages)
    assert set(sizes(policy)) == {LETTER}
    matrix = appendix_pages(reader, "Appendix A. Control matrix")
    page_sizes = sizes(reader)
    assert len(matrix) >= 10 and {page_sizes[i] for i in matrix} == {(792.0, 612.0)}  # landscape Letter
    assert {size for i, size in enumerate(page_sizes) if i not in matrix} == {LETTER}


def test_a_release_on_a4_with_a_logo_has_it_on_the_cover_and_no_draft_mark(example_repo: Path,
                                                                          tmp_path: Path) -> None:
    repo = tmp_path / "acme-cloud"
    shutil.copytree(example_repo, repo, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    (repo / "brand").mkdir()
    (repo / "brand" / "logo.png").write_bytes(tiny_png())
    with (repo / "company.yml").open("a", encoding="utf-8") as handle:
        handle.write("layout:\n  paper_size: A4\n  logo: brand/logo.png\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    run([*git, "add", "-A"], cwd=repo)
    run([*git, "commit", "-qm", "Logo and A4"], cwd=repo)
    run([*git, "tag", "2027.1"], cwd=repo)
    run([str(BIN / "policyforge"), "pdf", "--repo", str(repo), "POL-13", "--handbook"], env=EPOCH)
    reader = PdfReader(pdf_dir(repo) / "ACME-policy-handbook-2027.1.pdf")
    assert not any("DRAFT" in (page.extract_text() or "") for page in reader.pages)
    cover_images = reader.pages[0].images
    assert len(cover_images) == 1 and cover_images[0].image.size == (2, 2)
    policy_start = reader.page_labels.index("1")
    assert all(not page.images for page in reader.pages[1:policy_start])  # the contents
    # A policy's own PDF has no cover: the logo heads its first page, and only that page.
    policy = PdfReader(pdf_dir(repo) / "ACME-POL-13-access-control-v1.0.pdf")
    assert policy.pages[0].images[0].image.size == (2, 2)
    assert [drawn_images(page) for page in policy.pages] == [1] + [0] * (len(policy.pages) - 1)
    matrix = appendix_pages(reader, "Appendix A. Control matrix")
    page_sizes = sizes(reader)
    assert {page_sizes[i] for i in matrix} == {(841.89, 595.28)}  # landscape A4
    assert {size for i, size in enumerate(page_sizes) if i not in matrix} == {A4}
    assert set(sizes(PdfReader(pdf_dir(repo) / "ACME-POL-13-access-control-v1.0.pdf"))) == {A4}


def copy_repo(example_repo: Path, tmp_path: Path) -> Path:
    repo = tmp_path / "acme-cloud"
    shutil.copytree(example_repo, repo, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    return repo


GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]


def keep_first_page(pdf: Path, name: str) -> None:
    """Leave the first page as an image in test-artifacts/ (CI keeps it), when poppler is installed."""
    ARTIFACTS.mkdir(exist_ok=True)
    if shutil.which("pdftoppm"):
        run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", "1", str(pdf), str(ARTIFACTS / name)])
        assert (ARTIFACTS / f"{name}.png").is_file()


def test_a_policy_classified_in_its_front_matter_reads_the_same_on_block_cover_and_every_footer(
        example_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(example_repo, tmp_path)
    policy_file = repo / "policies" / "POL-13-access-control.md"
    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(text.replace("\nsummary:", "\nclassification: Confidential\nsummary:", 1), encoding="utf-8")
    run([str(BIN / "policyforge"), "pdf", "--repo", str(repo), "POL-13", "POL-14", "--handbook"], env=EPOCH)
    own = PdfReader(pdf_dir(repo) / "ACME-POL-13-access-control-v1.0.pdf")
    assert "Classification Confidential" in collapse(own.pages[0].extract_text())  # the document-control block
    assert all("ACME-POL-13 version 1.0 · Confidential" in collapse(page.extract_text()) for page in own.pages)
    other = PdfReader(next(pdf_dir(repo).glob("ACME-POL-14-*.pdf")))
    assert "Classification Internal" in collapse(other.pages[0].extract_text())
    assert all(re.search(r"ACME-POL-14 version [0-9.]+ · Internal", collapse(page.extract_text()))
               for page in other.pages)
    book = PdfReader(handbook(repo))
    cover = collapse(book.pages[0].extract_text())
    assert "Classification Confidential" in cover and "each policy's own classification" in cover
    labels = book.page_labels
    for number, page in enumerate(book.pages):  # every footer of the book: the part's own marking
        footer = collapse(page.extract_text())
        if "ACME-POL-13 version" in footer:
            assert "ACME-POL-13 version 1.0 · Confidential" in footer, labels[number]
        elif "ACME-POL-14 version" in footer:
            own = footer.split("ACME-POL-14 version")[1]
            assert "· Internal" in own and "Confidential" not in own, labels[number]
        elif "Release draft ·" in footer:
            assert "Release draft · Confidential" in footer, labels[number]  # the appendices: the book's marking
    keep_first_page(pdf_dir(repo) / "ACME-POL-13-access-control-v1.0.pdf", "pdf-policy-confidential")


def test_the_redline_pdf_of_a_draft_is_marked_on_every_page_and_of_a_release_nowhere(
        example_repo: Path, tmp_path: Path) -> None:
    repo = copy_repo(example_repo, tmp_path)
    run([*GIT, "tag", "2027.1"], cwd=repo)
    policy_file = repo / "policies" / "POL-13-access-control.md"
    text = policy_file.read_text(encoding="utf-8")
    policy_file.write_text(text.replace("\n## 2", "\nAccess is reviewed by its owner.\n\n## 2", 1), encoding="utf-8")
    run([*GIT, "commit", "-qam", "A sentence"], cwd=repo)
    draft_out, release_out = tmp_path / "draft", tmp_path / "release"
    run([str(BIN / "policyforge"), "redline", "2027.1", "HEAD", "--full", "--out", str(draft_out),
         "--repo", str(repo)], env=EPOCH)
    (draft,) = draft_out.glob("*.pdf")
    pages = PdfReader(draft).pages
    assert len(pages) >= 2
    assert all(squashed("DRAFT — not approved") in squashed(page.extract_text()) for page in pages)
    assert all("policy changes 2027.1 to HEAD · Internal" in collapse(page.extract_text()) for page in pages)
    assert "DRAFT — not approved" in next(draft_out.glob("*.html")).read_text(encoding="utf-8")
    keep_first_page(draft, "pdf-redline-draft")
    run([*GIT, "tag", "2027.2"], cwd=repo)
    run([str(BIN / "policyforge"), "redline", "2027.1", "2027.2", "--full", "--out", str(release_out),
         "--repo", str(repo)], env=EPOCH)
    (released,) = release_out.glob("*.pdf")
    assert not any("DRAFT" in page.extract_text() for page in PdfReader(released).pages)
