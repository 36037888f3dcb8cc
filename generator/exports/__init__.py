"""Exports for people and tools outside the site: PDFs (WeasyPrint), OSCAL JSON and Word files."""

from ._docx import policy_docx, write_docx
from ._oscal import oscal_documents, write_oscal
from ._pdf import PdfJob, handbook_html, pdf_jobs, policy_html, render_jobs, render_pdf

__all__ = [
    "PdfJob", "handbook_html", "oscal_documents", "pdf_jobs", "policy_docx", "policy_html", "render_jobs",
    "render_pdf", "write_docx", "write_oscal",
]
