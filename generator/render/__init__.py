"""Rendering: escaping facts, the sandboxed template engine, Markdown to sanitised HTML, wording checks."""

from ._context import build_context
from ._escape import markdown_text
from ._markdown import MARKDOWN_EXTENSIONS, markdown_to_html
from ._render import join_and, long_date, render_markdown
from ._sanitize import Removal, removed_by_sanitizer, sanitize_html
from ._wording import check_wording

__all__ = [
    "MARKDOWN_EXTENSIONS", "build_context", "check_wording", "join_and", "long_date", "markdown_text",
    "markdown_to_html", "Removal", "removed_by_sanitizer", "render_markdown", "sanitize_html",
]
