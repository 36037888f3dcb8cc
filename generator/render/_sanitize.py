"""Sanitise policy HTML to an allowlist: the one gate between pull-request Markdown and readers.

Policy files are edited by pull request, and Markdown passes raw HTML and ``{attr=...}`` lists
through. Every page the site, the PDFs and the redline show is cleaned here, after Markdown
conversion, by nh3 (the Python binding of the maintained Rust sanitiser ammonia): no script, no
event handler, no style sheet, no ``file:``/``javascript:`` URL and no image from another host.
``removed_by_sanitizer`` tells ``check`` what the cleaning took away, so an author learns of it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

# What Python-Markdown with MARKDOWN_EXTENSIONS, the engine's pages and the redline produce.
ALLOWED_TAGS: frozenset[str] = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del", "details", "div",
    "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul", "var",
    # the readiness chart: drawn shapes and text, no image, link or <use> that could load anything
    "svg", "g", "rect", "text", "title",
})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan", "style"},
    "th": {"align", "colspan", "rowspan", "scope", "style"},
    "ol": {"start"},
    "details": {"open"},
    "svg": {"viewBox", "viewbox", "width", "height", "role", "aria-labelledby", "font-size"},
    "rect": {"x", "y", "width", "height", "fill", "fill-opacity"},
    "text": {"x", "y", "fill", "font-weight"},
}
# Links may lead to web pages and mail; they are followed by a reader, never fetched by a build.
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
# Elements removed with their content: their text is code or styling, never prose.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset({"script", "style", "template", "noscript"})
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")
_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+)$")  # never url(...), which would fetch


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # An image is fetched by every reader's browser and by WeasyPrint: only the site's own files.
    if tag == "img" and attribute == "src" and (_SCHEME.match(value) or value.lstrip().startswith(("//", "\\"))):
        return None
    if attribute == "fill" and not _COLOUR.match(value.strip()):
        return None
    return value


def sanitize_html(fragment: str) -> str:
    """Return ``fragment`` with everything outside the allowlist removed."""
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(LINK_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )


@dataclass(frozen=True)
class Removal:
    """One element or attribute the sanitiser took out, with text to find it in the source by."""

    description: str
    needle: str


class _Inventory(HTMLParser):
    """Count start tags and attributes, the units the sanitiser keeps or drops."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.attributes: Counter[tuple[str, str, str]] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            text = (value or "").strip()
            if name == "style":  # the sanitiser rewrites the properties it keeps without spaces
                text = re.sub(r"\s+", "", text).rstrip(";")
            self.attributes[(tag, name, text)] += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def _inventory(fragment: str) -> _Inventory:
    parser = _Inventory()
    parser.feed(fragment)
    parser.close()
    return parser


def removed_by_sanitizer(fragment: str) -> list[Removal]:
    """Return what ``sanitize_html`` removes from ``fragment``: elements, then attributes."""
    before, after = _inventory(fragment), _inventory(sanitize_html(fragment))
    removals: list[Removal] = []
    for tag, count in sorted((before.tags - after.tags).items()):
        removals += [Removal(f"<{tag}> element", f"<{tag}")] * count
    for (tag, name, value), count in sorted((before.attributes - after.attributes).items()):
        if tag in DROPPED_WITH_CONTENT or (tag not in ALLOWED_TAGS):
            continue  # reported with its element
        if name in ("href", "src") and value:
            text = f'{name}="{value[:80]}" on <{tag}>'
            needle = value
        else:
            text = f"{name} attribute on <{tag}>"
            needle = name
        removals += [Removal(text, needle)] * count
    return removals
