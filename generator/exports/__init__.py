"""Exports for people and tools outside the site: PDFs (WeasyPrint), OSCAL JSON and Word files."""

from ._docx import policy_docx, write_docx
from ._oscal import oscal_documents, write_oscal
from ._pdf import Part, appendix_parts, contents_part, cover_part, policy_html, policy_part, render_part, render_pdf
from ._pdfbuild import PdfReport, build_pdfs

__all__ = [
    "Part", "PdfReport", "appendix_parts", "build_pdfs", "contents_part", "cover_part", "oscal_documents",
    "policy_docx", "policy_html", "policy_part", "render_part", "render_pdf", "write_docx", "write_oscal",
]
