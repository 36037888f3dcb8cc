"""What MkDocs made of each page, kept across the rebuilds of one ``mkdocs serve`` so an edit costs that page.

MkDocs 1.6 converts every page's Markdown and lays every page out through the theme on each
rebuild (``--dirty`` skips pages by file time, which misses a change of the company's facts or
of a page's neighbours). The plugin instance lives across serve's rebuilds, so it keeps two
results per page, each under a digest of everything it is made of:

- the conversion (HTML, table of contents, title, anchors and links) under the page's final
  Markdown, the Markdown settings and the site's file list;
- the page laid out through the theme under its converted HTML, table of contents, meta data and
  title, the whole navigation, the configuration, the plugins' options and the build date.

A page whose key is unchanged is handed to MkDocs already converted (an empty source, then its
kept HTML restored) and laid out by an empty template, then given its kept HTML; every other
plugin's events still run for it. The theme pages (404, the sitemap) are reused the same way.
The search plugin's entries for a page (Material parses each page's HTML into sections, about a
fifth of a build) are kept too, under the page's HTML, table of contents, address, title and the
meta data the search plugin reads, with the configuration: a page whose key is unchanged gets its
kept entries, so the index stays whole. The layout is not reused when ``theme.custom_dir`` brings
the company's own templates, which may print the build time or anything else outside the key.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import jinja2
from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.theme import Theme

# The template a reused page is laid out with: it renders nothing, and the kept HTML takes its place.
REUSED_TEMPLATE = "policyforge-reused-page.html"
# What Material's search plugin reads of a page's meta data for its entries (add_entry_from_context).
SEARCH_META = ("title", "tags", "search")


def _digest(*parts: object) -> str:
    text = json.dumps(parts, default=repr, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


def _stable(value: Any) -> Any:
    """Return ``value`` spelled the same in every process: sets sorted, the theme by its fields, not its repr.

    Anything else that prints an address keeps it, so the digest differs and nothing is reused.
    """
    if isinstance(value, Theme):
        return ["theme", value.name, value.dirs, value.custom_dir, _stable(value.static_templates),
                _stable(dict(value.items()))]
    if isinstance(value, dict):
        return [[repr(key), _stable(item)] for key, item in sorted(value.items(), key=lambda pair: repr(pair[0]))]
    if isinstance(value, (set, frozenset)):
        return sorted((_stable(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_stable(item) for item in value]
    return value


def config_signature(config: MkDocsConfig) -> str:
    """Return a digest of the configuration and the plugins' options (their objects print an address).

    The site folder is left out: it is where pages are written, not what they say, and
    ``policyforge build`` writes each build to a new staging folder.
    """
    settings = {key: _stable(value) for key, value in config.items() if key not in ("plugins", "site_dir")}
    plugins = [(name, _stable(dict(plugin.config))) for name, plugin in config.plugins.items()]
    return _digest(settings, plugins, _version("mkdocs"), _version("mkdocs-material"))


def _nav_signature(items: list[Any]) -> list[Any]:
    """Return each navigation item's kind, title, address and children: what every page's sidebar prints."""
    return [(type(item).__name__, item.title, getattr(item, "url", None), _nav_signature(item.children or []))
            for item in items]


@dataclass
class _Converted:
    """What ``Page.render`` and the content events left on a page."""

    markdown: str
    content: str
    toc: TableOfContents
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None  # the linked page's src_uri -> {anchor: original link}


def _toc_data(items: Any) -> list[Any]:
    """Return a table of contents as JSON data (title, id, level, whether it is marked active, children)."""
    return [[a.title, a.id, a.level, bool(getattr(a, "active", False)), _toc_data(a.children)] for a in items]


def _anchors(data: list[Any]) -> list[AnchorLink]:
    links = []
    for title, anchor, level, active, children in data:
        link = AnchorLink(str(title), str(anchor), int(level))
        link.children = _anchors(children)
        if active:
            link.active = True  # type: ignore[attr-defined]  # what get_toc marks on the first item
        links.append(link)
    return links


def _converted_data(kept: _Converted) -> dict[str, Any]:
    return {"markdown": kept.markdown, "content": kept.content, "toc": _toc_data(kept.toc), "title": kept.title,
            "anchors": None if kept.anchors is None else sorted(kept.anchors), "links": kept.links}


def _converted(data: dict[str, Any]) -> _Converted:
    anchors = data["anchors"]
    return _Converted(str(data["markdown"]), str(data["content"]), TableOfContents(_anchors(data["toc"])),
                      data["title"], None if anchors is None else set(anchors), data["links"])


@dataclass
class PageReuse:
    """The pages of the last serve build, and which pages this build converted and laid out again."""

    converted: list[str] = field(default_factory=list)  # src_uri of the pages converted from Markdown by this build
    laid_out: list[str] = field(default_factory=list)  # src_uri of the pages laid out through the theme by this build
    indexed: list[str] = field(default_factory=list)  # src_uri of the pages the search plugin parsed by this build
    _conversions: dict[str, tuple[str, _Converted]] = field(default_factory=dict)
    _layouts: dict[str, tuple[str, str]] = field(default_factory=dict)
    _markdown_site: str = ""
    _layout_site: str = ""
    _keys: dict[str, str] = field(default_factory=dict)  # this build's conversion keys of the pages converted again
    _reused: dict[str, _Converted] = field(default_factory=dict)
    _layout_keys: dict[str, str] = field(default_factory=dict)
    _replay: dict[str, str] = field(default_factory=dict)
    _present: set[str] = field(default_factory=set)  # the files of this build: what dump keeps
    _search: dict[str, tuple[str, list[Any]]] = field(default_factory=dict)  # src_uri -> (key, search entries)

    def dump(self) -> dict[str, Any]:
        """Return the pages of the last build as JSON data (each under its key), for ``restore`` in a later process."""
        return {"conversions": {uri: [key, _converted_data(kept)] for uri, (key, kept) in self._conversions.items()
                                if uri in self._present},
                "layouts": {uri: [key, output] for uri, (key, output) in self._layouts.items()
                            if uri in self._present or uri.startswith("\0")},
                "search": {uri: [key, entries] for uri, (key, entries) in self._search.items() if uri in self._present}}

    @classmethod
    def restore(cls, data: dict[str, Any]) -> PageReuse:
        """Return a reuse holding the pages ``dump`` gave (nothing, when the data is not what it wrote)."""
        reuse = cls()
        try:
            reuse._conversions = {str(uri): (str(key), _converted(kept))
                                  for uri, (key, kept) in data["conversions"].items()}
            reuse._layouts = {str(uri): (str(key), str(output)) for uri, (key, output) in data["layouts"].items()}
            reuse._search = {str(uri): (str(key), list(entries)) for uri, (key, entries) in data["search"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls()
        return reuse

    def start(self, config: MkDocsConfig, files: Files) -> None:
        """Begin a build: what every page's conversion depends on besides its own Markdown."""
        self.converted, self.laid_out, self.indexed = [], [], []
        self._present = {f.src_uri for f in files}
        self._keys, self._reused, self._layout_keys, self._replay = {}, {}, {}, {}
        listing = sorted((f.src_uri, f.dest_uri, f.url, str(f.inclusion)) for f in files)
        self._markdown_site = _digest(config_signature(config), listing)

    def markdown(self, markdown: str, page: Page) -> str:
        """Return an empty source for a page converted before from the same Markdown (its HTML comes back later)."""
        key = _digest(self._markdown_site, page.file.src_uri, markdown)
        kept = self._conversions.get(page.file.src_uri)
        if kept is not None and kept[0] == key:
            self._reused[page.file.src_uri] = kept[1]
            return ""
        self._keys[page.file.src_uri] = key
        return markdown

    def content(self, content: str, page: Page, files: Files) -> str:
        """Restore a reused page's conversion, or keep this page's for the next build."""
        source = page.file.src_uri
        reused = self._reused.get(source)
        if reused is None:
            assert page.markdown is not None
            links = {f.src_uri: dict(a) for f, a in (page.links_to_anchors or {}).items()}
            kept = _Converted(page.markdown, content, page.toc, getattr(page, "_title_from_render", None),
                              page.present_anchor_ids, links if page.links_to_anchors is not None else None)
            self._conversions[source] = (self._keys[source], kept)
            self.converted.append(source)
            return content
        page.markdown, page.toc, page.present_anchor_ids = reused.markdown, reused.toc, reused.anchors
        page._title_from_render = reused.title  # what Page.render sets
        if reused.links is not None:
            page.links_to_anchors = {linked: dict(anchors) for uri, anchors in reused.links.items()
                                     if (linked := files.get_file_from_path(uri)) is not None}
        return reused.content

    def environment(self, env: jinja2.Environment, config: MkDocsConfig, nav: Navigation,
                    files: Files) -> jinja2.Environment:
        """Choose the pages whose layout is unchanged (they get the empty template) once every page is converted."""
        if config.theme.custom_dir:
            self._layout_site = ""
            return env
        self._layout_site = _digest(self._markdown_site, _nav_signature(nav.items), utils.get_build_date())
        for file in files.documentation_pages():
            page = file.page
            if page is None or page.content is None:
                continue
            key = _digest(self._layout_site, file.src_uri, page.content, str(page.toc), page.meta, page.title)
            kept = self._layouts.get(file.src_uri)
            if kept is not None and kept[0] == key and "template" not in page.meta:
                page.meta["template"] = REUSED_TEMPLATE
                self._replay[file.src_uri] = kept[1]
            else:
                self._layout_keys[file.src_uri] = key
        loaders: list[jinja2.BaseLoader] = [jinja2.DictLoader({REUSED_TEMPLATE: ""})]
        env.loader = jinja2.ChoiceLoader(loaders + ([env.loader] if env.loader else []))
        return env

    def search_index(self, config: MkDocsConfig) -> None:
        """Give the search plugin's index each page's kept entries when the page is as it was indexed.

        Material's search plugin (``material/plugins/search``) parses each page's HTML in
        ``add_entry_from_context``, appending to ``entries``; both are wrapped here only when they
        are as Material 9 defines them, else the index is built as MkDocs builds it.
        """
        plugin = next((p for name, p in config.plugins.items() if name in ("search", "material/search")), None)
        index = getattr(plugin, "search_index", None)
        add = getattr(index, "add_entry_from_context", None)
        if index is None or not callable(add) or not isinstance(getattr(index, "entries", None), list):
            return
        options = _digest(self._markdown_site, getattr(index, "config", None), _version("jieba"))

        def add_entry(page: Page) -> None:
            source = page.file.src_uri
            meta = {name: page.meta.get(name) for name in SEARCH_META}  # not "template", which reuse sets
            key = _digest(options, source, page.url, page.content, _toc_data(page.toc), meta, page.title)
            kept = self._search.get(source)
            if kept is not None and kept[0] == key:
                index.entries.extend(copy.deepcopy(kept[1]))
                return
            before = len(index.entries)
            add(page)
            self._search[source] = (key, copy.deepcopy(index.entries[before:]))
            self.indexed.append(source)

        index.add_entry_from_context = add_entry

    def output(self, output: str, page: Page) -> str:
        """Return a reused page's kept layout, or keep this page's (before any plugin edits it)."""
        source = page.file.src_uri
        if source in self._replay:
            return self._replay[source]
        if source in self._layout_keys:
            self._layouts[source] = (self._layout_keys[source], output)
        self.laid_out.append(source)
        return output

    def template(self, template: jinja2.Template, name: str) -> jinja2.Template:
        """Hand MkDocs an empty template for a theme page (404, sitemap) whose layout is unchanged."""
        kept = self._layouts.get(f"\0{name}")
        if self._layout_site and kept is not None and kept[0] == self._layout_site:
            self._replay[f"\0{name}"] = kept[1]
            empty: jinja2.Template = jinja2.Template("")
            return empty
        return template

    def template_output(self, output: str, name: str) -> str:
        """Return a reused theme page, or keep this one's."""
        if f"\0{name}" in self._replay:
            return self._replay[f"\0{name}"]
        if self._layout_site:
            self._layouts[f"\0{name}"] = (self._layout_site, output)
        self.laid_out.append(name)
        return output
