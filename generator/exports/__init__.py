"""Exports for people and tools outside the site: PDFs (WeasyPrint), OSCAL JSON and Word files.

The names are loaded when first asked for (PEP 562, ``.._lazy``): the site build needs one constant
of the PDF module, not the Word and OSCAL writers or the PDF scheduler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from ._docx import policy_docx, write_docx
    from ._oscal import oscal_documents, write_oscal
    from ._pdf import Part, appendix_parts, contents_part, cover_part, policy_html, policy_part, render_part, render_pdf
    from ._pdfbuild import PdfReport, build_pdfs

_WHERE = {
    "policy_docx": "_docx", "write_docx": "_docx", "oscal_documents": "_oscal", "write_oscal": "_oscal",
    "Part": "_pdf", "appendix_parts": "_pdf", "contents_part": "_pdf", "cover_part": "_pdf", "policy_html": "_pdf",
    "policy_part": "_pdf", "render_part": "_pdf", "render_pdf": "_pdf", "PdfReport": "_pdfbuild",
    "build_pdfs": "_pdfbuild",
}

__all__ = [
    "Part", "PdfReport", "appendix_parts", "build_pdfs", "contents_part", "cover_part", "oscal_documents",
    "policy_docx", "policy_html", "policy_part", "render_part", "render_pdf", "write_docx", "write_oscal",
]

__getattr__ = lazy_names(__name__, _WHERE, globals())
