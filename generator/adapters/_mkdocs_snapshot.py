"""The engine's share of a ``mkdocs build``, kept between processes while everything it reads is unchanged.

Each ``mkdocs build`` with the plugin loads the program, renders every policy page and generates
the program's own pages (matrix, evidence plan, readiness, companions): about a quarter of the
build, the same every time the company's files are the same. The plugin keeps what it handed
MkDocs (the company's name, the navigation, the generated pages and files, each policy page's
Markdown, the look options) under the build's input fingerprint (``program/_buildstate.py``:
every file of the repository that is not output, git's refs, the engine, the library, the tools'
versions, the build date) plus the release named in the environment and the PDFs present, and
takes it back when the fingerprint is the same: the same inputs render the same pages.

What is kept is put into the site, so it lives only where a pull request cannot write: this
user's private cache folder (``_user_cache.py``), never the repository's ``.cache``, one file per
repository path (a new build replaces it; the 16 last built are kept), read back as JSON data,
never as code or pickles, and never through a symbolic link. ``POLICYFORGE_TEMPLATE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .._user_cache import cache_root, cache_wanted, private_folder
from ..repo._files import write_atomic
from ..repo._layout import PDF_DIR
from ..site._release import RELEASE_ENV

FORMAT = 1  # bumped when the snapshot's fields change
KEPT = 16  # repositories whose snapshot is kept (the least recently built are dropped): about 1 MB each


@dataclass
class Snapshot:
    """What the plugin handed MkDocs for one set of inputs."""

    inputs: str
    company: str
    nav: list[Any]
    pdfs: dict[str, str]  # PDF file name -> its label on the home page, for every PDF the program names
    pages: dict[str, str]  # generated page -> Markdown
    files: dict[str, str]  # generated file (a redline) -> its text
    brand_color: str | None
    noindex: bool
    policy_files: list[str]  # every policy's file name: its page is the engine's rendering, not the source
    policy_pages: dict[str, str] = field(default_factory=dict)  # policy file name -> rendered Markdown


def snapshot_inputs(repo: Path, named_pdfs: bool = False) -> str:
    """Return the digest of everything the kept pages were made from (and the PDFs the home page links).

    The home page links the PDFs present in out/pdf, or (``named_pdfs``, while ``policyforge build``
    writes them) every PDF the program names, which the inputs already determine.
    """
    from ..program._buildstate import input_fingerprint

    folder = repo / PDF_DIR
    if named_pdfs:
        linked = "every PDF the program names"
    else:
        linked = json.dumps(sorted(p.name for p in folder.glob("*.pdf") if p.is_file()) if folder.is_dir() else [])
    return input_fingerprint(repo, "mkdocs-plugin", f"format={FORMAT}",
                             f"release={os.environ.get(RELEASE_ENV, '').strip()}", linked)


def _record(repo: Path, kind: str = "mkdocs-pages") -> Path | None:
    """Return where ``repo``'s record of ``kind`` is kept, or None when the private cache is off or unsafe."""
    folder = cache_root() / kind
    if not cache_wanted() or not private_folder(folder):
        return None
    name = hashlib.sha256(str(repo.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return folder / f"{name}.json"


def load_record(repo: Path, kind: str) -> dict[str, Any] | None:
    """Return the JSON record of ``kind`` kept for ``repo`` (None: none, unreadable, or behind a link)."""
    record = _record(repo, kind)
    if record is None or record.is_symlink():
        return None
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save_record(repo: Path, kind: str, data: dict[str, Any]) -> None:
    """Keep a JSON record of ``kind`` for ``repo`` (a cache that cannot be written is only slower)."""
    record = _record(repo, kind)
    if record is None:
        return
    with contextlib.suppress(OSError):
        write_atomic(record, json.dumps(data, ensure_ascii=False))
        _prune(record.parent)


def load_snapshot(repo: Path, inputs: str) -> Snapshot | None:
    """Return the snapshot kept for ``repo`` when it was made from ``inputs``, else None."""
    data = load_record(repo, "mkdocs-pages")
    try:
        snapshot = Snapshot(**data["snapshot"]) if data is not None and data.get("format") == FORMAT else None
    except (TypeError, KeyError):
        return None
    return snapshot if snapshot is not None and snapshot.inputs == inputs else None


def save_snapshot(repo: Path, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` for the next build of ``repo`` (a cache that cannot be written is only slower)."""
    save_record(repo, "mkdocs-pages", {"format": FORMAT, "snapshot": asdict(snapshot)})


def _prune(folder: Path) -> None:
    """Drop all but the ``KEPT`` most recently written snapshots (test runs and batches build many repositories)."""
    records = sorted(folder.glob("*.json"), key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
    for stale in records[KEPT:]:
        stale.unlink(missing_ok=True)


def forget_snapshot(repo: Path) -> None:
    """Drop ``repo``'s snapshot (a build that fails must not leave one behind)."""
    record = _record(repo)
    if record is not None:
        with contextlib.suppress(OSError):
            record.unlink(missing_ok=True)
