"""PDFs for auditors: the policy handbook and one PDF per policy, rendered by WeasyPrint.

The PDFs are made from the same Markdown as the site (``Program.render_page``) with the same
extensions, so the auditor reads exactly what employees read. Rendering is parallel across
cores and content-addressed: a document whose HTML has not changed is copied from the cache.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import mimetypes
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc
from ..model._roles import role_title
from ..model._sections import layout_settings
from ..program._program import CATEGORY_TITLES, Program, release_date
from ..render._markdown import cached_markdown_to_html
from ..repo._git import DRAFT
from ..repo._published import PublishedSet

STYLESHEET = Path(__file__).resolve().parents[1] / "assets" / "pdf.css"
_POLICY_LINK = re.compile(r'href="(POL-\d{2})-[a-z0-9-]+\.md(?:#([^"]*))?"')
_ID = re.compile(r'\bid="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


WATERMARK = "DRAFT — not approved"


@dataclass(frozen=True)
class PdfLook:
    """How every PDF of one build looks: paper, logo and whether its pages are marked as a draft.

    The logo travels as a ``data:`` URL of the checked file's bytes, so a part's HTML (its cache
    key and PDF identifier) follows the logo's content and never the checkout's path.
    """

    paper: str = "A4"
    logo: str | None = None
    draft: bool = False


def pdf_look(repo: Path, program: Program, release: str, published: PublishedSet) -> PdfLook:
    """Return the look ``company.yml`` asks for: its paper size, its checked logo, a watermark on a draft."""
    settings = layout_settings(repo, program.facts)
    logo = None
    if published.logo is not None:
        data = base64.b64encode(published.logo.path(repo).read_bytes()).decode("ascii")
        logo = f"data:{published.logo.media_type};base64,{data}"
    return PdfLook(settings.paper_size, logo, release == DRAFT)


def _weasyprint_html() -> type:
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint loads Pango through cffi and raises OSError when absent
        raise PolicyforgeError([Problem(
            "weasyprint", f"cannot load its system libraries ({exc})",
            "install Pango and a font: apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core "
            "(the README's setup command does this)",
        )]) from None
    return HTML  # type: ignore[no-any-return]


def policy_pdf_name(program: Program, doc: PolicyDoc) -> str:
    """Return the predictable file name of a policy's PDF: ``ACME-POL-13-access-control-v1.2.pdf``."""
    return program.file_name(doc, "pdf")


def handbook_name(program: Program, release: str) -> str:
    """Return the handbook's file name."""
    safe_release = re.sub(r"[^A-Za-z0-9._-]", "-", release)
    return f"{program.facts.company.doc_prefix}-policy-handbook-{safe_release}.pdf"


def _scope_ids(fragment: str, prefix: str) -> str:
    """Prefix every id and in-page link, so named destinations of different parts never collide."""
    fragment = _ID.sub(lambda m: f'id="{prefix}--{m.group(1)}"', fragment)
    return _LOCAL_HREF.sub(lambda m: f'href="#{prefix}--{m.group(1)}"', fragment)


def _policy_links(body: str, files: dict[str, str]) -> str:
    """Point links to another policy at that policy's PDF, at the section's named destination."""

    def relink(match: re.Match[str]) -> str:
        target, anchor = match.group(1), match.group(2)
        if target not in files:
            return match.group(0)
        return f'href="{files[target]}#{target.lower()}--{anchor}"' if anchor else f'href="{files[target]}"'

    return _POLICY_LINK.sub(relink, body)


def _article(program: Program, doc: PolicyDoc, files: dict[str, str], look: PdfLook | None = None,
             html_cache: Path | None = None) -> str:
    prefix = doc.id.lower()
    body = _policy_links(_scope_ids(cached_markdown_to_html(program.render_page(doc), html_cache), prefix), files)
    # The footer line: document, version and the policy's one classification, which its block shows too.
    version = html.escape(f"{program.docid(doc)} version {doc.version} · {program.classification(doc)}")
    return (f'<article class="policy" id="{prefix}">\n<p class="pf-running">{version}</p>\n{_doc_logo(program, look)}'
            f'{body}\n</article>\n')


def _doc_logo(program: Program, look: PdfLook | None) -> str:
    """Return the company's logo above a policy's title (its own PDF has no cover), or nothing."""
    if look is None or look.logo is None:
        return ""
    return (f'<img class="pf-doclogo" src="{html.escape(look.logo)}" '
            f'alt="{html.escape(program.facts.company.name)} logo">\n')


def _page_style(look: PdfLook) -> str:
    """Return the paper of every page, with wide appendices on the same paper turned to landscape."""
    return f"@page {{ size: {look.paper}; }} @page wide {{ size: {look.paper} landscape; }}"


def _watermark(look: PdfLook) -> str:
    """Return the draft mark: a fixed box, which WeasyPrint repeats on every page of the document."""
    return f'<div class="pf-watermark" aria-hidden="true">{html.escape(WATERMARK)}</div>\n' if look.draft else ""


def _head(program: Program, title: str, subject: str, created: dt.date, kind: str,
          look: PdfLook | None = None) -> str:
    facts = program.facts
    look = look or PdfLook()
    stamp = f"{created.isoformat()}T00:00:00Z"
    keywords = ", ".join(["SOC 2", "information security", "policies", facts.company.name,
                          *(CATEGORY_TITLES[c] for c in facts.categories)])
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        f'<meta name="author" content="{html.escape(facts.company.legal_name)}">\n'
        f'<meta name="description" content="{html.escape(subject)}">\n'
        f'<meta name="keywords" content="{html.escape(keywords)}">\n'
        '<meta name="generator" content="policyforge">\n'
        f'<meta name="dcterms.created" content="{stamp}">\n'
        f'<meta name="dcterms.modified" content="{stamp}">\n'
        f"<style>:root {{ --brand: {facts.site.brand_color}; }} {_page_style(look)}</style>\n"
        f'</head>\n<body class="part-{kind}">\n{_watermark(look)}'
    )


_TAIL = "</body>\n</html>\n"


def _cover(program: Program, release: str, created: dt.date, title: str, look: PdfLook) -> str:
    facts = program.facts
    approver = facts.people.approver.name
    rows = [
        ("Organisation", facts.company.legal_name),
        ("Release", release),
        ("Effective date", f"{created.day} {created.strftime('%B %Y')}"),
        ("Approved by", f"{approver}, {role_title(facts, 'approver')}"),
        ("Classification", program.highest_classification()),
    ]
    table = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    marks = {program.classification(doc) for doc in program.policies.values()}
    note = ('<p class="cover-note">Classified as its most restricted policy; each policy\'s own classification '
            "is in its document-control block and on the foot of its pages.</p>\n" if len(marks) > 1 else "")
    return (
        '<section class="cover">\n<div class="band"></div>\n'
        + (f'<img class="logo" src="{html.escape(look.logo)}" alt="{html.escape(facts.company.name)} logo">\n'
           if look.logo else "") +
        f'<p class="company">{html.escape(facts.company.name)}</p>\n'
        f'<p class="doc-title">{html.escape(title)}</p>\n'
        f"<table>{table}</table>\n{note}</section>\n"
    )


@dataclass(frozen=True)
class Part:
    """One separately laid-out piece of the handbook: the cover, the contents, a policy or an appendix.

    ``link`` is the name other parts link to (a policy's own PDF file name; a handbook-only name
    for the others); ``anchor`` is the named destination of its first page once joined.
    """

    key: str
    title: str
    html: str
    link: str
    anchor: str


HANDBOOK_TITLE = "Information Security Policies"
APPENDICES = (("controls", "Appendix A. Control matrix", "# Control matrix"),
              ("coverage", "Appendix B. Criteria coverage", "# Criteria coverage"))
WIDE_APPENDICES = frozenset({"controls"})  # seven columns: landscape pages


def _policy_files(program: Program) -> dict[str, str]:
    return {d.id: policy_pdf_name(program, d) for d in program.policies.values()}


def policy_part(program: Program, doc: PolicyDoc, files: dict[str, str] | None = None,
                look: PdfLook | None = None, html_cache: Path | None = None) -> Part:
    """Return one policy as a standalone document: its own PDF, and its pages in the handbook.

    ``html_cache`` is a folder keeping each policy's converted HTML (``cached_markdown_to_html``).
    """
    files = files if files is not None else _policy_files(program)
    created = doc.effective_date or release_date(program)
    subject = f"{doc.title}, version {doc.version}, of {program.facts.company.legal_name}"
    document = (_head(program, f"{program.facts.company.name} — {doc.title}", subject, created, "policy",
                      look) + _article(program, doc, files, look, html_cache) + _TAIL)
    return Part(doc.id, doc.title, document, files[doc.id], doc.id.lower())


def policy_html(program: Program, doc: PolicyDoc) -> str:
    """Return one policy as a standalone HTML document."""
    return policy_part(program, doc).html


def _handbook_subject(program: Program, release: str) -> str:
    return f"SOC 2 policy handbook of {program.facts.company.legal_name}, release {release}"


def cover_part(program: Program, release: str, look: PdfLook | None = None) -> Part:
    """Return the cover; its document information becomes the handbook's (title, author, dates)."""
    created = release_date(program)
    head = _head(program, f"{program.facts.company.name} — {HANDBOOK_TITLE}",
                 _handbook_subject(program, release), created, "cover", look)
    cover = _cover(program, release, created, HANDBOOK_TITLE, look or PdfLook())
    return Part("cover", "Cover", head + cover + _TAIL,
                "handbook-cover", "cover")


def appendix_parts(program: Program, release: str, look: PdfLook | None = None,
                   html_cache: Path | None = None) -> list[Part]:
    """Return the control matrix and criteria coverage appendices, each laid out on its own.

    A wide appendix (``WIDE_APPENDICES``) is laid out on landscape pages, so its columns fit;
    ``html_cache`` as for ``policy_part``.
    """
    files = _policy_files(program)
    created = release_date(program)
    parts = []
    for (key, heading, original), markdown in zip(APPENDICES, (program.matrix_page(), program.coverage_page()),
                                                  strict=True):
        anchor = f"appendix-{key}"
        fragment = _scope_ids(cached_markdown_to_html(markdown.replace(original, f"# {heading}", 1), html_cache),
                              anchor)
        fragment = _POLICY_LINK.sub(lambda m: f'href="{files[m.group(1)]}"' if m.group(1) in files else m.group(0),
                                    fragment)
        document = (_head(program, f"{program.facts.company.name} — {heading}",
                          _handbook_subject(program, release), created, "appendix", look)
                    + f'<article class="appendix{" wide" if key in WIDE_APPENDICES else ""}" id="{anchor}">\n'
                      f'<p class="pf-running">Release {html.escape(release)} · '
                      f'{html.escape(program.highest_classification())}</p>\n{fragment}\n'
                      '</article>\n' + _TAIL)
        parts.append(Part(anchor, heading, document, f"handbook-{anchor}", anchor))
    return parts


def contents_part(program: Program, release: str, entries: list[tuple[Part, int]],
                  look: PdfLook | None = None) -> Part:
    """Return the contents: each part with the handbook page it starts on (counted from the parts' lengths)."""
    rows = "".join(
        f'<li><a href="{html.escape(part.link)}">'
        f'{html.escape(part.key + " " if part.key.startswith("POL-") else "")}{html.escape(part.title)}'
        f'<span class="pn">{page}</span></a></li>'
        for part, page in entries
    )
    head = _head(program, f"{program.facts.company.name} — Contents", _handbook_subject(program, release),
                 release_date(program), "contents", look)
    nav = f'<nav class="toc" id="contents"><h1>Contents</h1><ol>{rows}</ol></nav>\n'
    return Part("contents", "Contents", head + nav + _TAIL, "handbook-contents", "contents")


@functools.cache
def _stylesheet() -> object:
    """Parse the print stylesheet once per process: every part of a build shares it (it loads nothing)."""
    from weasyprint import CSS

    return CSS(filename=str(STYLESHEET), url_fetcher=closed_fetcher())


def _relative_target(target: str) -> str:
    """Turn WeasyPrint's absolute ``file:`` link (resolved against the assets folder) into a sibling file name.

    A link to another PDF must not carry the machine's path: it names the file beside this one,
    and the handbook join recognises it as a link to one of its parts.
    """
    if not target.startswith("file:"):
        return target
    parts = urlsplit(target)
    name = unquote(parts.path.rsplit("/", 1)[-1])
    return f"{name}#{parts.fragment}" if parts.fragment else name


def render_part(document: str, pdfa: bool = False, assets: Iterable[Path] = ()) -> tuple[bytes, int]:
    """Lay out one HTML document once and return its PDF bytes and page count (identical input, identical bytes).

    WeasyPrint loads only what ``closed_fetcher`` allows: the engine's assets, ``data:`` URLs and
    the company-named ``assets`` (checked files inside the repository). Nothing else is read or
    requested, whatever the document asks for.
    """
    html_class = _weasyprint_html()
    fetcher = closed_fetcher(assets)
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode("ascii")
    options: dict[str, object] = {"pdf_identifier": identifier}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
    laid_out = html_class(string=document, base_url=str(STYLESHEET.parent), url_fetcher=fetcher).render(
        stylesheets=[_stylesheet()])
    for page in laid_out.pages:
        page.links = [(kind, _relative_target(target) if kind == "external" else target, rect, box)
                      for kind, target, rect, box in page.links]
    data: bytes = laid_out.write_pdf(**options)
    return data, len(laid_out.pages)


def render_pdf(document: str, pdfa: bool = False, assets: Iterable[Path] = ()) -> bytes:
    """Render one HTML document to PDF bytes; identical input gives identical bytes."""
    return render_part(document, pdfa, assets)[0]


def _asset_files() -> frozenset[Path]:
    """Return the engine's own asset files (regular files, no links), the fetcher's base allowlist."""
    folder = STYLESHEET.parent
    return frozenset(p for p in folder.iterdir() if p.is_file() and not p.is_symlink())


def closed_fetcher(assets: Iterable[Path] = ()) -> Any:
    """Return a WeasyPrint URL fetcher for a closed world: engine assets, ``data:`` and named assets only.

    ``file:`` URLs elsewhere (``/proc/self/environ``, ``.git/config``), ``http(s):`` and every other
    scheme are refused, so a policy can neither embed a secret nor make the build send a request.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = {p.resolve() for p in (*_asset_files(), *assets)}

    class ClosedFetcher(URLFetcher):  # type: ignore[misc]
        """Answer only URLs of the allowed files and data: URLs."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path))
                if not path.is_symlink() and path.resolve() in allowed and path.is_file():
                    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime})
            raise ValueError(f"policyforge renders offline and loads only its own assets; refused {url[:120]}")

    return ClosedFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)
