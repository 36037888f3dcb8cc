"""Build the PDFs so that every page is laid out once and a rebuild costs what changed.

The policy PDF is the unit: each policy is laid out once, written as its own PDF and reused,
unchanged, as the handbook's pages. The cover, the contents and the appendices are laid out on
their own; the handbook is the join of those parts (``_handbook``). Every part is cached under
the hash of its HTML (and the stylesheet, versions and PDF/A choice), so after one policy
changes only that policy, the parts that name it and the join are redone. Parts are laid out in
worker processes, one per core, as soon as their HTML is composed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..program._program import Program
from ..repo._files import write_atomic
from ._pdf import (
    STYLESHEET,
    Part,
    PdfLook,
    _policy_files,
    _weasyprint_html,
    appendix_parts,
    contents_part,
    cover_part,
    handbook_name,
    policy_part,
    render_part,
)

JOIN_FORMAT = "1"  # bump when the join's output changes for the same parts


@dataclass
class PdfReport:
    """What a build did: each written file with whether it was laid out or joined anew (False: unchanged)."""

    files: dict[str, bool] = field(default_factory=dict)
    parts_rendered: int = 0
    parts_cached: int = 0

    @property
    def rendered(self) -> int:
        """Return how many output files were made anew."""
        return sum(self.files.values())


def _versions() -> str:
    import pikepdf
    import weasyprint

    from .. import __version__

    return f"weasyprint {weasyprint.__version__}; pikepdf {pikepdf.__version__}; policyforge {__version__}"


def part_key(document: str, pdfa: bool, stylesheet: str, versions: str) -> str:
    """Return the content address of a laid-out part: its HTML, the stylesheet, the versions and PDF/A."""
    digest = hashlib.sha256()
    for piece in (document, stylesheet, versions, str(pdfa)):
        digest.update(piece.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _render_worker(args: tuple[str, bool, tuple[Path, ...]]) -> tuple[bytes, int]:
    return render_part(*args)


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(BytesIO(data)) as pdf:
        return len(pdf.pages)


class _Renderer:
    """Lay out parts in worker processes (or here, for one), each at most once per content address."""

    def __init__(self, pdfa: bool, cache_dir: Path | None, workers: int, report: PdfReport,
                 assets: tuple[Path, ...] = ()) -> None:
        self.pdfa, self.cache_dir, self.workers, self.report, self.assets = pdfa, cache_dir, workers, report, assets
        self.pool: Executor | None = None
        self.laid_out_here = False
        self.stylesheet = STYLESHEET.read_text(encoding="utf-8")
        self.versions = _versions()
        self.results: dict[str, Future[tuple[bytes, int]] | tuple[bytes, int]] = {}
        self.keys: dict[str, str] = {}
        self.cached: set[str] = set()

    def fresh(self, part: Part) -> bool:
        """Return whether the part was laid out by this build (not taken from the cache)."""
        return part.key not in self.cached

    def submit(self, part: Part) -> None:
        """Start laying out ``part`` unless its PDF is in the cache."""
        key = part_key(part.html, self.pdfa, self.stylesheet, self.versions)
        self.keys[part.key] = key
        cached = self.cache_dir / f"{key}.pdf" if self.cache_dir else None
        if cached is not None and cached.is_file():
            data = cached.read_bytes()
            self.results[part.key] = (data, _page_count(data))
            self.cached.add(part.key)
            self.report.parts_cached += 1
        elif self.laid_out_here and self.workers > 1:
            if self.pool is None:
                self.pool = _pool(self.workers)
            self.results[part.key] = self.pool.submit(_render_worker, (part.html, self.pdfa, self.assets))
        else:
            # The first part is laid out here: it loads the fonts that forked workers then inherit,
            # and a rebuild that changes one policy needs no workers at all.
            self.laid_out_here = True
            future: Future[tuple[bytes, int]] = Future()
            future.set_result(_render_worker((part.html, self.pdfa, self.assets)))
            self.results[part.key] = future

    def result(self, part: Part) -> tuple[bytes, int]:
        """Return the part's PDF and page count, waiting for its worker and caching it."""
        outcome = self.results[part.key]
        if isinstance(outcome, Future):
            outcome = outcome.result()
            self.results[part.key] = outcome
            self.report.parts_rendered += 1
            if self.cache_dir is not None:
                write_atomic(self.cache_dir / f"{self.keys[part.key]}.pdf", outcome[0])
        return outcome


def _write(out_dir: Path, name: str, data: bytes, fresh: bool, report: PdfReport) -> None:
    """Write one output file unless it already holds exactly these bytes; ``fresh``: made anew, not cached."""
    target = out_dir / name
    if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
        write_atomic(target, data)
    report.files[name] = fresh


def _select(program: Program, only: list[str] | None) -> set[str]:
    unknown = [pid for pid in only or [] if pid.upper() not in program.policies]
    if unknown:
        raise PolicyforgeError([Problem(pid, "is not a policy of this repository", "use an id such as POL-13")
                                for pid in unknown])
    return {pid.upper() for pid in only} if only else set(program.policies)


def _pool(count: int) -> Executor:
    """Start the workers by forking this process, which has loaded WeasyPrint and its fonts already.

    Fontconfig and Pango take about a second to load in each new process; a forked worker
    inherits them, so the cores start laying out pages at once.
    """
    import multiprocessing

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context(method))


def build_pdfs(program: Program, release: str, out_dir: Path, *, pdfa: bool = False, cache_dir: Path | None = None,
               only: list[str] | None = None, handbook: bool = True, workers: int | None = None,
               assets: Iterable[Path] = (), progress: Callable[[int, int, str], None] | None = None,
               look: PdfLook | None = None) -> PdfReport:
    """Write the chosen policies' PDFs and (``handbook``) the handbook into ``out_dir``.

    ``progress(done, total, file name)`` is called as each PDF is written, so a long build can
    show how far it is.

    ``workers`` processes lay out the parts (default: one per core); ``assets`` are the files
    inside the repository the documents may load (see ``closed_fetcher``); ``look`` is the paper,
    logo and draft mark of every part (``pdf_look``).
    """
    _weasyprint_html()
    wanted = _select(program, only)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob(".*.tmp"):  # left by a build that was killed mid-write
        stale.unlink(missing_ok=True)
    report = PdfReport()
    docs = [d for d in program.ordered_policies() if handbook or d.id in wanted]
    renderer = _Renderer(pdfa, cache_dir, min(workers or os.cpu_count() or 1, len(docs) + 2), report, tuple(assets))
    cover = cover_part(program, release, look) if handbook else None
    try:
        if cover is not None:
            renderer.submit(cover)  # short, and laid out first: the workers inherit the fonts it loads
        html_cache = cache_dir / "html" if cache_dir is not None else None
        appendices = appendix_parts(program, release, look, html_cache) if handbook else []
        for part in appendices:  # the control matrix is the longest part: start it first
            renderer.submit(part)
        files = _policy_files(program)
        policies = [policy_part(program, doc, files, look, html_cache) for doc in docs]
        for part in policies:
            renderer.submit(part)
        total = sum(1 for part in policies if part.key in wanted) + (cover is not None)
        for part in policies:
            if part.key in wanted:
                _write(out_dir, part.link, renderer.result(part)[0], renderer.fresh(part), report)
                if progress is not None:
                    progress(len(report.files), total, part.link)
        if cover is not None:
            book, fresh = _handbook(program, release, renderer, cover, policies, appendices, look)
            _write(out_dir, handbook_name(program, release), book, fresh, report)
            if progress is not None:
                progress(len(report.files), total, handbook_name(program, release))
    finally:
        if renderer.pool is not None:
            renderer.pool.shutdown(wait=True, cancel_futures=True)
    return report


def _handbook(program: Program, release: str, renderer: _Renderer, cover: Part, policies: list[Part],
              appendices: list[Part], look: PdfLook | None) -> tuple[bytes, bool]:
    """Lay out the contents from the parts' page counts, then join (or take the join from the cache)."""
    from ._handbook import join_handbook

    body = [*policies, *appendices]
    entries, page = [], 1
    for part in body:
        entries.append((part, page))
        page += renderer.result(part)[1]
    contents = contents_part(program, release, entries, look)
    renderer.submit(contents)
    ordered = [cover, contents, *body]
    digest = hashlib.sha256(f"join {JOIN_FORMAT}\0{renderer.versions}\0".encode())
    for part in ordered:
        digest.update(renderer.keys[part.key].encode("ascii"))
    cached = renderer.cache_dir / f"{digest.hexdigest()}.pdf" if renderer.cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_bytes(), False
    data = join_handbook([(part, renderer.result(part)[0]) for part in ordered], front_parts=2)
    if cached is not None:
        write_atomic(cached, data)
    return data, True
