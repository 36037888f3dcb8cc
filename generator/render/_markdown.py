"""The Markdown dialect of every page: one list of extensions for the site and the PDFs alike."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

from ..repo._files import write_atomic
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


@functools.cache
def _converter_signature() -> str:
    """Return what the HTML of a Markdown text depends on besides the text: tool versions and our own code.

    The source of this module and of the sanitiser is hashed in, so a changed allowlist or extension
    list never takes HTML converted under the old one.
    """
    from importlib.metadata import version

    digest = hashlib.sha256(f"markdown {version('markdown')}\0nh3 {version('nh3')}\0".encode())
    for module in (Path(__file__), Path(__file__).with_name("_sanitize.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def cached_markdown_to_html(markdown_text: str, cache_dir: Path | None) -> str:
    """Return ``markdown_to_html(markdown_text)``, kept in ``cache_dir`` under the hash of the text.

    Why: a PDF rebuild after one policy edit converts every policy only to find each unchanged
    one's laid-out part in the cache by the hash of its HTML; on the example company that
    conversion was 0.8 s of a 3 s rebuild. ``cache_dir`` is None: convert, keep nothing.
    """
    if cache_dir is None:
        return markdown_to_html(markdown_text)
    key = hashlib.sha256(f"{_converter_signature()}\0{markdown_text}".encode()).hexdigest()
    kept = cache_dir / f"{key}.html"
    try:
        return kept.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    html = markdown_to_html(markdown_text)
    cache_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(kept, html)
    return html
