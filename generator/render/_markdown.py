"""The Markdown dialect of every page: one list of extensions for the site and the PDFs alike."""

from __future__ import annotations

from typing import Any

from ._sanitize import sanitize_html

# The site's mkdocs.yml lists these and the plugin adds any that are missing, so a table,
# an admonition or a heading id renders the same on the site and in a PDF.
MARKDOWN_EXTENSIONS: tuple[str, ...] = ("tables", "attr_list", "md_in_html", "admonition", "def_list", "toc")


def markdown_to_html(markdown_text: str, sanitize: bool = True) -> str:
    """Convert engine Markdown to an HTML fragment with the site's extensions, sanitised to the allowlist.

    ``sanitize=False`` is for ``check``, which compares the raw HTML with the sanitised one to
    report what the sanitiser removes; nothing unsanitised is ever shown to a reader.
    """
    import markdown

    config: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}
    html = markdown.markdown(markdown_text, extensions=list(MARKDOWN_EXTENSIONS), extension_configs=config)
    return sanitize_html(html) if sanitize else html
