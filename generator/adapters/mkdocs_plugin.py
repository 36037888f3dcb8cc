"""The MkDocs plugin: a thin adapter that lets ``mkdocs build`` show the engine's rendering.

Every word on a page comes from the engine (``Program``); this module only tells MkDocs which
pages exist, in which order, and hands it the Markdown the engine produced.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from .._errors import PolicyforgeError
from ..model._acknowledgements import RECORDS_FILE
from ..model._library import Library
from ..model._people import ROSTER_FILE
from ..program._kept import KeptInputs
from ..program._program import Program, load_program, page_keys
from ..render._markdown import MARKDOWN_EXTENSIONS
from ..render._sanitize import sanitize_html
from ..render._template_cache import theme_bytecode_cache
from ..repo._git import DRAFT
from ..repo._layout import COMPANY_FILE, PDF_DIR, READINESS_FILE
from ..repo._published import PublishedSet, published_set
from ..site._release import site_release
from ..site._sitepages import WIDE_PAGES, company_pages, generated_pages, site_nav
from ..site._theme import site_script, site_stylesheet
from ._mkdocs_reuse import PageReuse
from ._mkdocs_snapshot import Snapshot, load_record, load_snapshot, save_record, save_snapshot, snapshot_inputs

STYLESHEET = "assets/policyforge.css"
SCRIPT = "assets/policyforge.js"
ARTICLE = '<article class="md-content__inner md-typeset">'
# The page that opens every draft build: text on main is not approved until a release is tagged.
DRAFT_BANNER = ('<div class="pf-draft" role="note"><strong>Draft, not approved.</strong> '
                "The working copy on main: only a tagged release is approved text.</div>")
PAGES_RECORD, PAGES_FORMAT = "mkdocs-page-reuse", 2  # the kept conversions, layouts and search entries
LOGO = "assets/company-logo"  # + the logo's suffix: where company.yml's layout.logo is published


class PolicyforgeConfig(base.Config):
    """Options of the ``policyforge`` plugin in ``mkdocs.yml``."""

    noindex = c.Optional(c.Type(bool))


def brand_is_wanted(palette: Any) -> bool:
    """Return True when mkdocs.yml leaves the primary colour to the plugin (unset or ``custom``).

    A Material colour set by hand (``primary: indigo``), in one palette or in any palette of a
    light/dark toggle, is the company's choice and wins over ``site.brand_color``.
    """
    palettes = palette if isinstance(palette, list) else [palette]
    return all(not isinstance(p, dict) or str(p.get("primary", "custom")).lower() == "custom" for p in palettes)


def footer_text(copyright: str | None, company: str, release: str) -> str:
    """Return the footer's line: the company's own copyright (or its name) and the release shown, or "draft".

    The company's copyright from mkdocs.yml stays as written; the name and release come from data
    and are escaped, as MkDocs prints the copyright unescaped.
    """
    shown = "Draft, not approved" if release == DRAFT else f"Release {release}"
    owner = copyright.strip() if copyright and copyright.strip() else html.escape(company)
    return f"{owner} · {html.escape(shown)}"


def _escaped_nav(nav: Any) -> Any:
    """Escape navigation titles: MkDocs themes print them unescaped, and policy titles are front matter."""
    if isinstance(nav, list):
        return [_escaped_nav(item) for item in nav]
    if isinstance(nav, dict):
        return {html.escape(str(title)): _escaped_nav(target) for title, target in nav.items()}
    return nav


class _PdfCopiedLater(File):
    """A PDF the site links while ``policyforge build`` is still writing it: MkDocs copies nothing, build does."""

    def copy_file(self, dirty: bool = False) -> None:
        """Leave the copy to ``policyforge build``, which makes it once the PDF phase has written the file."""


class PolicyforgePlugin(BasePlugin[PolicyforgeConfig]):
    """Render the company's policy program into the MkDocs site."""

    def __init__(self) -> None:
        """Start with no program loaded; ``on_config`` loads it for each build."""
        self.program: Program | None = None
        self.repo = Path.cwd()
        self.published = PublishedSet()
        # Kept across the rebuilds of one `mkdocs serve` (see on_startup): the library, facts, parsed
        # policies and rendered texts while what each is made of is unchanged, and each policy page's
        # Markdown under the hash of what it is made of (with the library it was rendered from).
        self._kept = KeptInputs()
        self._pages: dict[str, tuple[str, str]] = {}
        self._pages_library: Library | None = None
        self._keys: dict[str, str] = {}  # this build's page_keys
        self.rendered: list[str] = []  # the policies rendered by the last build, for the benchmark
        self.brand = True  # whether site.brand_color colours the site (mkdocs.yml leaves primary: custom)
        self.release = DRAFT  # the release tag at HEAD, or "draft": drafts carry a banner on every page
        self.logo: str | None = None  # where the company.yml logo is published, when the plugin shows it
        # Under `mkdocs serve`: each page's conversion and layout, reused while what it is made of is unchanged.
        self.reuse: PageReuse | None = None
        self._nav: Navigation | None = None
        # Outside serve: the engine's pages of the last build with the same inputs (see _mkdocs_snapshot.py),
        # or, when there is none, this build's digest of its inputs and what it hands MkDocs, kept at the end.
        self._snapshot: Snapshot | None = None
        self._inputs: str | None = None
        self._made: Snapshot | None = None
        self._serving = False
        # Set by `policyforge build`, which has refused hooks, other plugins and custom templates: each
        # page's conversion and layout kept in the user's private cache from one build to the next.
        self.keep_pages = False
        self._pages_scope: str | None = None  # the engine and tools the kept conversions and layouts were made by
        # Set by `policyforge build` when it writes the PDFs while this site is built: the site links every
        # PDF the program names and MkDocs copies none of them; the build copies them in once both are done.
        self.link_named_pdfs = False
        self.pdfs_to_copy: list[str] = []  # the file names of out/pdf that build still has to copy into pdf/
        # Set by `policyforge build` when it loaded the program before forking this site build: the
        # same repository's program, used instead of loading it a second time.
        self.preloaded: Program | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Declare the plugin persistent: MkDocs then keeps this instance across `serve` rebuilds.

        MkDocs keeps one instance per process, so a `build` after a `serve` in the same process
        (a test run) leaves serve's pages and takes the snapshot of the last build again.
        """
        self._serving = command == "serve"
        if command != "serve":
            self.reuse = None
        elif self.reuse is None:  # serve calls this once; a test harness may call it again
            self.reuse = PageReuse()

    def _load(self) -> Program:
        """Load the program, reusing what is unchanged since the last build (the library, facts, policies, texts)."""
        program = self.preloaded if self.preloaded is not None else load_program(self.repo, kept=self._kept)
        if program.library is not self._pages_library:
            self._pages.clear()  # pages are kept only while the library they were rendered from is
            self._pages_library = program.library
        self._keys = page_keys(program)
        return program

    def _fail(self, exc: PolicyforgeError) -> PluginError:
        return PluginError("policyforge found problems:\n" + "\n".join(f"  {p}" for p in exc.problems))

    def _program(self) -> Program:
        """Return the program, loaded on first need when this build started from a snapshot."""
        if self.program is None:
            try:
                self.program = self._load()
            except PolicyforgeError as exc:
                raise self._fail(exc) from None
        return self.program

    def _start(self) -> Snapshot:
        """Take the last build's engine pages when the inputs are the same, else load the program and begin anew."""
        self.program, self._snapshot, self._made = None, None, None
        self._inputs = None if self._serving else snapshot_inputs(self.repo, named_pdfs=self.link_named_pdfs)
        if self._inputs is not None:
            self._snapshot = load_snapshot(self.repo, self._inputs)
            if self._snapshot is not None:
                return self._snapshot
        program = self._program()
        facts = program.facts
        self._made = Snapshot(
            inputs=self._inputs or "", company=facts.company.name, nav=site_nav(program, company_pages(self.repo)),
            pdfs=self._pdf_names(program), pages={}, files={}, brand_color=facts.site.brand_color,
            noindex=bool(facts.site.noindex), policy_files=sorted(d.filename for d in program.policies.values()))
        return self._made

    def _restore_pages(self) -> None:
        """Under `policyforge build`, take the pages the last build of this repository converted and laid out."""
        self._pages_scope = None
        if self._serving or not self.keep_pages:
            return
        from ..program._buildstate import engine_fingerprint

        self._pages_scope = engine_fingerprint()
        kept = load_record(self.repo, PAGES_RECORD)
        usable = kept is not None and kept.get("format") == PAGES_FORMAT and kept.get("scope") == self._pages_scope
        self.reuse = PageReuse.restore(kept) if kept is not None and usable else PageReuse()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load the program (or the last build's pages), name the site after the company and lay out the nav."""
        self.repo = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.published = published_set(self.repo)
        if self.published.problems:
            raise self._fail(PolicyforgeError(self.published.problems))
        view = self._start()
        self._restore_pages()
        # mkdocs.yml is the company's: what it sets by hand wins and the plugin fills only what is
        # unset (an empty site_name, no nav, a `custom` primary colour), as its comments say.
        # MkDocs templates print site_name unescaped; either value is data, so escape it here.
        config.site_name = html.escape(config.site_name.strip() or f"{view.company} policies")
        for name in MARKDOWN_EXTENSIONS:
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
        # A nav written by hand wins (its titles are escaped like the generated ones).
        nav = config.nav if config.nav is not None else view.nav
        config.nav = _escaped_nav(nav)
        self.brand = brand_is_wanted(config.theme.get("palette"))
        self.release = site_release(self.repo)
        config.copyright = footer_text(config.copyright, view.company, self.release)
        # The logo company.yml names shows in the header unless mkdocs.yml sets a logo by hand.
        self.logo = None
        if self.published.logo is not None and not config.theme.get("logo"):
            self.logo = LOGO + Path(self.published.logo.name).suffix.lower()
            config.theme["logo"] = self.logo
        config.extra_css.append(STYLESHEET)
        config.extra_javascript.append(SCRIPT)
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Publish only the checked pages and named assets of policies/, then the engine's own files."""
        self.rendered = []
        view = self._snapshot or self._made
        assert view is not None
        allowed = {*self.published.pages, *self.published.assets}
        docs = Path(config.docs_dir).resolve()
        strays = [f for f in files if f.generated_by is None and f.src_dir is not None
                  and Path(f.src_dir).resolve() == docs and f.src_uri not in allowed]
        for stray in strays:  # the theme's files stay: they come from the installed theme, not the repository
            files.remove(stray)  # a link, a sub-folder page, any other file: never copied to the site
        pdfs = self._pdf_files(config, view.pdfs)
        if self._made is not None:
            try:
                site = generated_pages(self._program(), self.repo, {label: f.src_uri for label, f in pdfs.items()})
            except PolicyforgeError as exc:
                raise self._fail(exc) from None
            self._made.pages, self._made.files = site.pages, site.files
        for pdf in pdfs.values():
            files.append(pdf)
        for src, content in view.files.items():
            files.append(File.generated(config, src, content=content))
        for src, content in view.pages.items():
            existing = files.get_file_from_path(src)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, src, content=content))
        brand = view.brand_color if self.brand else None
        files.append(File.generated(config, STYLESHEET, content=site_stylesheet(brand)))
        files.append(File.generated(config, SCRIPT, content=site_script()))
        if self.logo is not None and self.published.logo is not None:  # checked by published_set in on_config
            files.append(File.generated(config, self.logo, content=self.published.logo.path(self.repo).read_bytes()))
        return files

    def _pdf_names(self, program: Program) -> dict[str, str]:
        """Return the file name and home-page label of every PDF of the current release."""
        from ..exports._pdf import handbook_name, policy_pdf_name
        from ..repo._git import current_release

        wanted = {handbook_name(program, current_release(self.repo)): "Policy handbook (all policies)"}
        wanted.update({policy_pdf_name(program, d): f"{d.id} {d.title}" for d in program.ordered_policies()})
        return wanted

    def _pdf_files(self, config: MkDocsConfig, wanted: dict[str, str]) -> dict[str, File]:
        """Return the current release's PDFs already written to out/pdf, labelled for the home page.

        With ``link_named_pdfs`` every PDF the program names is linked, written or not yet, and
        left for ``policyforge build`` to copy (``pdfs_to_copy``) once its PDF phase is done.
        """
        folder = self.repo / PDF_DIR
        named = self.link_named_pdfs
        kind = _PdfCopiedLater if named else File
        files = {
            label: kind(f"pdf/{name}", src_dir=str(folder.parent), dest_dir=config.site_dir,
                        use_directory_urls=config.use_directory_urls)
            for name, label in wanted.items() if named or (folder / name).is_file()
        }
        self.pdfs_to_copy = sorted(wanted) if named else []
        return files

    @event_priority(-100)  # after every plugin's edits: the key is the Markdown MkDocs will convert
    def _on_nav_reuse(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self._nav = nav
        if self.reuse is not None:
            self.reuse.start(config, files)
        return nav

    on_nav = CombinedEvent(_on_nav_reuse)

    def _render_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Replace a policy file's source with the engine's rendering of it."""
        # Themes print a front-matter title unescaped (header, <title>); it is data from a pull request.
        if "title" in page.meta:
            page.meta["title"] = html.escape(str(page.meta["title"]))
        if page.file.src_uri in WIDE_PAGES:  # the tables get the width the table of contents took
            page.meta["hide"] = ["toc"]
        source = page.file.src_uri
        if self._snapshot is not None:
            if source not in self._snapshot.policy_files:
                return markdown
            if source in self._snapshot.policy_pages:
                return self._snapshot.policy_pages[source]
        rendered = self._policy_page(source)
        if rendered is None:
            return markdown
        if self._made is not None:
            self._made.policy_pages[source] = rendered
        return rendered

    def _policy_page(self, source: str) -> str | None:
        """Return the engine's rendering of the policy in file ``source`` (None: not a policy)."""
        program = self._program()
        doc = next((d for d in program.policies.values() if d.filename == source), None)
        if doc is None:
            return None
        key = self._keys[doc.id]
        cached = self._pages.get(doc.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            rendered = program.render_page(doc)
        except PolicyforgeError as exc:
            raise self._fail(exc) from None
        self._pages[doc.id] = (key, rendered)
        self.rendered.append(doc.id)
        return rendered

    @event_priority(-100)  # last: what MkDocs will convert, every plugin's edits made
    def _reuse_conversion(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return markdown if self.reuse is None else self.reuse.markdown(markdown, page)

    on_page_markdown = CombinedEvent(_render_markdown, _reuse_conversion)

    def _sanitize(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Sanitise every page: policies, the company's own pages and the engine's pages alike."""
        return sanitize_html(content)

    @event_priority(-100)  # last: the HTML as every plugin left it
    def _reuse_content(self, content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        return content if self.reuse is None else self.reuse.content(content, page, files)

    on_page_content = CombinedEvent(_sanitize, _reuse_content)

    def on_env(self, env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        """Keep the theme's compiled templates between builds; reusing pages, choose those laid out and indexed anew."""
        env.bytecode_cache = theme_bytecode_cache(env)
        if self.reuse is not None and self._nav is not None:
            env = self.reuse.environment(env, config, self._nav, files)
            self.reuse.search_index(config)
        return env

    @event_priority(100)  # first: the theme's output before any plugin edits it
    def _reuse_layout(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return output if self.reuse is None else self.reuse.output(output, page)

    @event_priority(-100)
    def on_pre_template(self, template: jinja2.Template, template_name: str, config: MkDocsConfig) -> jinja2.Template:
        """Under serve, hand MkDocs an empty template for a theme page (404, sitemap) whose layout is unchanged."""
        return template if self.reuse is None else self.reuse.template(template, template_name)

    @event_priority(100)
    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        """Under serve, give back a reused theme page's kept output."""
        return output_content if self.reuse is None else self.reuse.template_output(output_content, template_name)

    def _edit_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Ask search engines not to index the site when the company chose so."""
        view = self._snapshot or self._made
        assert view is not None
        noindex = self.config.noindex
        if noindex is None:
            noindex = view.noindex
        if noindex:
            output = output.replace("<head>", '<head>\n<meta name="robots" content="noindex, nofollow">', 1)
        # Material's search dialog has no accessible name; screen readers announce it as "Search".
        output = output.replace('data-md-component="search" role="dialog"',
                                'data-md-component="search" role="dialog" aria-label="Search"', 1)
        if page.file.src_uri in WIDE_PAGES:
            output = output.replace("<body ", '<body class="pf-wide" ', 1)
        if self.release == DRAFT:  # after the page is indexed: search results do not repeat the banner
            output = output.replace(ARTICLE, ARTICLE + DRAFT_BANNER, 1)
        return output

    on_post_page = CombinedEvent(_reuse_layout, _edit_page)

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Keep what this build handed MkDocs for the next build, if its inputs did not change while it ran."""
        if (self._made is not None and self._inputs is not None
                and snapshot_inputs(self.repo, named_pdfs=self.link_named_pdfs) == self._inputs):
            save_snapshot(self.repo, self._made)
        if self._pages_scope is not None and self.reuse is not None:
            save_record(self.repo, PAGES_RECORD, {"format": PAGES_FORMAT, "scope": self._pages_scope,
                                                  **self.reuse.dump()})

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """Rebuild when the company's facts change, not only the policies."""
        server.watch(str(self.repo / COMPANY_FILE))
        for name in (READINESS_FILE, ROSTER_FILE, RECORDS_FILE):
            if (self.repo / name).exists():
                server.watch(str(self.repo / name))
        return server
