"""PDFs for auditors: the policy handbook and one PDF per policy, rendered by WeasyPrint.

The PDFs are made from the same Markdown as the site (``Program.render_page``) with the same
extensions, so the auditor reads exactly what employees read. Rendering is parallel across
cores and content-addressed: a document whose HTML has not changed is copied from the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import mimetypes
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc
from ..model._facts_schema import ROLE_TITLES
from ..program._program import CATEGORY_TITLES, Program, release_date
from ..render._markdown import markdown_to_html
from ..repo._files import write_atomic

STYLESHEET = Path(__file__).resolve().parents[1] / "assets" / "pdf.css"
_POLICY_LINK = re.compile(r'href="(POL-\d{2})-[a-z0-9-]+\.md(?:#([^"]*))?"')
_ID = re.compile(r'\bid="([^"]+)"')
_LOCAL_HREF = re.compile(r'href="#([^"]+)"')


@dataclass(frozen=True)
class PdfJob:
    """One PDF to produce: its file name and complete HTML."""

    filename: str
    html: str


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
    """Prefix every id and in-page link, so sections of different policies never collide."""
    fragment = _ID.sub(lambda m: f'id="{prefix}--{m.group(1)}"', fragment)
    return _LOCAL_HREF.sub(lambda m: f'href="#{prefix}--{m.group(1)}"', fragment)


def _article(program: Program, doc: PolicyDoc, link_target: dict[str, str], single: bool) -> str:
    prefix = doc.id.lower()
    body = _scope_ids(markdown_to_html(program.render_page(doc)), prefix)

    def relink(match: re.Match[str]) -> str:
        target = match.group(1)
        anchor = match.group(2)
        if single:
            return f'href="{link_target[target]}"'
        return f'href="#{target.lower()}--{anchor}"' if anchor else f'href="#{target.lower()}"'

    body = _POLICY_LINK.sub(relink, body)
    version = html.escape(f"{program.docid(doc)} version {doc.version}")
    return (f'<article class="policy" id="{prefix}">\n<p class="pf-running">{version}</p>\n{body}\n</article>\n')


def _head(program: Program, title: str, subject: str, created: dt.date) -> str:
    facts = program.facts
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
        f"<style>:root {{ --brand: {facts.site.brand_color}; }}</style>\n"
        "</head>\n<body>\n"
    )


def _cover(program: Program, release: str, created: dt.date, title: str) -> str:
    facts = program.facts
    approver = facts.people.approver.name
    rows = [
        ("Organisation", facts.company.legal_name),
        ("Release", release),
        ("Effective date", f"{created.day} {created.strftime('%B %Y')}"),
        ("Approved by", f"{approver}, {ROLE_TITLES['approver']}"),
        ("Classification", "Confidential"),
    ]
    table = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in rows)
    return (
        '<section class="cover">\n<div class="band"></div>\n'
        f'<p class="company">{html.escape(facts.company.name)}</p>\n'
        f'<p class="doc-title">{html.escape(title)}</p>\n'
        f"<table>{table}</table>\n</section>\n"
    )


def handbook_html(program: Program, release: str) -> str:
    """Return the handbook: cover, contents, every policy, then the matrix and coverage appendices."""
    created = release_date(program)
    title = "Information Security Policies"
    subject = f"SOC 2 policy handbook of {program.facts.company.legal_name}, release {release}"
    docs = program.ordered_policies()
    toc = "".join(
        f'<li><a href="#{d.id.lower()}">{html.escape(d.id)} {html.escape(d.title)}</a></li>' for d in docs
    )
    toc += '<li><a href="#appendix-controls">Appendix A. Control matrix</a></li>'
    toc += '<li><a href="#appendix-coverage">Appendix B. Criteria coverage</a></li>'
    links = {d.id: "" for d in docs}
    parts = [
        _head(program, f"{program.facts.company.name} — {title}", subject, created),
        _cover(program, release, created, title),
        f'<nav class="toc"><h1>Contents</h1><ol>{toc}</ol></nav>\n',
        *(_article(program, d, links, single=False) for d in docs),
    ]
    for key, heading, markdown in (
        ("controls", "Appendix A. Control matrix", program.matrix_page()),
        ("coverage", "Appendix B. Criteria coverage", program.coverage_page()),
    ):
        fragment = markdown_to_html(markdown.replace("# Control matrix", f"# {heading}", 1)
                                    .replace("# Criteria coverage", f"# {heading}", 1))
        fragment = _POLICY_LINK.sub(lambda m: f'href="#{m.group(1).lower()}"', fragment)
        parts.append(f'<article class="appendix" id="appendix-{key}">\n'
                     f'<p class="pf-running">Release {html.escape(release)}</p>\n{fragment}\n</article>\n')
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def policy_html(program: Program, doc: PolicyDoc) -> str:
    """Return one policy as a standalone document."""
    created = doc.effective_date or release_date(program)
    links = {d.id: policy_pdf_name(program, d) for d in program.policies.values()}
    subject = f"{doc.title}, version {doc.version}, of {program.facts.company.legal_name}"
    return (_head(program, f"{program.facts.company.name} — {doc.title}", subject, created)
            + _article(program, doc, links, single=True) + "</body>\n</html>\n")


def render_pdf(document: str, pdfa: bool = False, assets: Iterable[Path] = ()) -> bytes:
    """Render one HTML document to PDF bytes; identical input gives identical bytes.

    WeasyPrint loads only what ``closed_fetcher`` allows: the engine's assets, ``data:`` URLs and
    the company-named ``assets`` (checked files inside the repository). Nothing else is read or
    requested, whatever the document asks for.
    """
    html_class = _weasyprint_html()
    from weasyprint import CSS

    fetcher = closed_fetcher(assets)
    identifier = hashlib.sha256(document.encode("utf-8")).hexdigest()[:32].encode("ascii")
    options: dict[str, object] = {"pdf_identifier": identifier}
    if pdfa:
        options["pdf_variant"] = "pdf/a-3b"
    result: bytes = html_class(string=document, base_url=str(STYLESHEET.parent), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET), url_fetcher=fetcher)], **options)
    return result


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


def _cache_key(job: PdfJob, pdfa: bool) -> str:
    import weasyprint

    from .. import __version__

    digest = hashlib.sha256()
    for part in (job.html, STYLESHEET.read_text(encoding="utf-8"), weasyprint.__version__, __version__, str(pdfa)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _render_job(args: tuple[str, bool, tuple[Path, ...]]) -> bytes:
    return render_pdf(args[0], args[1], args[2])


def render_jobs(jobs: Iterable[PdfJob], out_dir: Path, pdfa: bool = False, workers: int | None = None,
                cache_dir: Path | None = None, assets: Iterable[Path] = ()) -> dict[str, bool]:
    """Write each job's PDF into ``out_dir``; return {file name: rendered (False when cached)}."""
    allowed = tuple(assets)
    _weasyprint_html()
    jobs = list(jobs)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".*.tmp"):  # left by a build that was killed mid-write
        stale.unlink(missing_ok=True)
    pending: list[tuple[PdfJob, str]] = []
    outcome: dict[str, bool] = {}
    for job in jobs:
        key = _cache_key(job, pdfa)
        cached = cache_dir / f"{key}.pdf" if cache_dir else None
        if cached is not None and cached.is_file():
            write_atomic(out_dir / job.filename, cached.read_bytes())
            outcome[job.filename] = False
        else:
            pending.append((job, key))
    # Largest first, so the handbook starts at once and the small policies fill the other cores.
    pending.sort(key=lambda item: len(item[0].html), reverse=True)
    count = workers or min(len(pending), os.cpu_count() or 1)
    if count > 1 and len(pending) > 1:
        with ProcessPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(_render_job, [(job.html, pdfa, allowed) for job, _ in pending]))
    else:
        results = [_render_job((job.html, pdfa, allowed)) for job, _ in pending]
    for (job, key), data in zip(pending, results, strict=True):
        write_atomic(out_dir / job.filename, data)
        if cache_dir is not None:
            write_atomic(cache_dir / f"{key}.pdf", data)
        outcome[job.filename] = True
    return outcome


def pdf_jobs(program: Program, release: str, handbook: bool = True,
             only: list[str] | None = None) -> list[PdfJob]:
    """Return the handbook and per-policy PDF jobs; ``only`` limits the policies to those ids."""
    unknown = [pid for pid in only or [] if pid.upper() not in program.policies]
    if unknown:
        raise PolicyforgeError([Problem(pid, "is not a policy of this repository", "use an id such as POL-13")
                                for pid in unknown])
    wanted = {pid.upper() for pid in only} if only else set(program.policies)
    jobs: list[PdfJob] = []
    if handbook:
        jobs.append(PdfJob(handbook_name(program, release), handbook_html(program, release)))
    jobs += [PdfJob(policy_pdf_name(program, d), policy_html(program, d))
             for d in program.ordered_policies() if d.id in wanted]
    return jobs
