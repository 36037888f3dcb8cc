"""The Markdown dialect of every page: one list of extensions for the site and the PDFs alike."""

from __future__ import annotations

from typing import Any

# The site's mkdocs.yml lists these and the plugin adds any that are missing, so a table,
# an admonition or a heading id renders the same on the site and in a PDF.
MARKDOWN_EXTENSIONS: tuple[str, ...] = ("tables", "attr_list", "md_in_html", "admonition", "def_list", "toc")


def markdown_to_html(markdown_text: str) -> str:
    """Convert engine Markdown to an HTML fragment with the site's extensions."""
    import markdown

    config: dict[str, dict[str, Any]] = {"toc": {"permalink": False}}
    return markdown.markdown(markdown_text, extensions=list(MARKDOWN_EXTENSIONS), extension_configs=config)
