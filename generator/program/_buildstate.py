"""Know, without composing anything, that a build's inputs and outputs are what the last build left.

A no-op ``policyforge build`` should cost a look at the files, not a render. The fingerprint of
a build covers everything its output depends on: the repository's own files (company.yml,
mkdocs.yml, policies/ and the rest that is not output), git's refs (release tags, the history
shown on pages), the engine's code and assets, the policy library, the versions of the tools
that render, the build date and the options. The record also lists the output files with size
and modification time, so an output edited or deleted since is noticed and built again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ..model._library import library_root
from ..repo._files import write_atomic
from ..repo._git import GitNotFound, git_bytes

STATE_DIR = Path(".cache") / "build-state"
# Folders of a company repository that hold outputs or caches, never inputs.
OUTPUT_DIRS = frozenset({".git", ".cache", "out", "site", ".venv", "node_modules", "__pycache__"})
TOOLS = ("weasyprint", "pikepdf", "pydyf", "mkdocs", "mkdocs-material", "markdown", "jinja2", "pygments",
         "pymdown-extensions")
ENGINE = Path(__file__).resolve().parents[1]


# The folders a site build is staged in and the previous site is moved to for the swap, beside the site
# (site/_atomic.py: ".site.building-k2j4x9qa", ".site.old-4242"): outputs being written, never inputs.
STAGING = re.compile(r"\.[^/]+\.(?:building-[a-z0-9_]+|old-[0-9]+)")


def _files(root: Path, skip: frozenset[str] = frozenset(), staging: bool = False) -> Iterable[Path]:
    """Yield the files under ``root`` in a fixed order, without the folders ``skip`` names.

    With ``staging``, the site's staging and swap folders at the top (``STAGING``) are left out too.
    """
    for folder, dirs, names in os.walk(root):
        top = folder == str(root)
        dirs[:] = sorted(d for d in dirs if d not in skip and d != "__pycache__"
                         and not (staging and top and STAGING.fullmatch(d)))
        for name in sorted(names):
            yield Path(folder) / name


def _hash_tree(digest: hashlib._Hash, root: Path, skip: frozenset[str] = frozenset(), staging: bool = False) -> None:
    for path in _files(root, skip, staging):
        try:
            data = path.read_bytes()
        except OSError:  # a dangling link or a file that went away: its absence is the state
            data = b"\0missing"
        digest.update(path.relative_to(root).as_posix().encode("utf-8", "surrogateescape") + b"\0")
        digest.update(hashlib.sha256(data).digest())


def _git_refs(repo: Path) -> bytes:
    try:
        return git_bytes(repo, "show-ref", "--head").stdout
    except (GitNotFound, OSError):
        return b""


def _tool_versions() -> str:
    versions = []
    for name in TOOLS:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} absent")
    return "; ".join(versions)


def engine_fingerprint() -> str:
    """Return the hash of the engine's code and assets and the versions of the tools that render."""
    import sys

    digest = hashlib.sha256(f"{sys.version}\0{_tool_versions()}\0".encode())
    _hash_tree(digest, ENGINE)
    return digest.hexdigest()


def input_fingerprint(repo: Path, *options: str) -> str:
    """Return the hash of everything a build of ``repo`` reads, with the build's ``options``."""
    digest = hashlib.sha256()
    for part in ("repo", _git_refs(repo), "engine"):
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        digest.update(b"\0")
    _hash_tree(digest, repo, OUTPUT_DIRS, staging=True)
    _hash_tree(digest, ENGINE)
    library = library_root()
    if not library.is_relative_to(ENGINE):
        _hash_tree(digest, library)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    from ._program import build_date

    for part in (_tool_versions(), epoch, build_date().isoformat(), *options):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def output_listing(folder: Path) -> str:
    """Return the names, sizes and modification times of a folder's files, as one string."""
    return json.dumps(_outputs(folder))


def _outputs(folder: Path) -> list[list[object]]:
    if not folder.is_dir():
        return []
    return [[path.relative_to(folder).as_posix(), stat.st_size, stat.st_mtime_ns]
            for path in _files(folder) if not path.name.startswith(".")
            for stat in (path.stat(),)]


class BuildState:
    """What the last build of one output folder was made from, kept under ``.cache/build-state/``."""

    def __init__(self, repo: Path, output: Path, kind: str) -> None:
        """Track ``output`` (a folder) of the ``kind`` of build ("pdf", "site") in ``repo``."""
        self.output = output
        name = hashlib.sha256(f"{kind}\0{output.resolve()}".encode()).hexdigest()[:20]
        self.record = repo / STATE_DIR / f"{kind}-{name}.json"

    def is_current(self, fingerprint: str) -> bool:
        """Return whether the last build had these inputs and its output folder is as it left it."""
        try:
            saved = json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(saved.get("inputs") == fingerprint and saved.get("outputs") == _outputs(self.output)
                    and saved.get("outputs"))

    def save(self, fingerprint: str) -> None:
        """Record that the output folder now holds the build of these inputs."""
        with contextlib.suppress(OSError):  # a read-only checkout still builds; it only cannot skip next time
            write_atomic(self.record, json.dumps({"inputs": fingerprint, "outputs": _outputs(self.output)}))

    def forget(self) -> None:
        """Drop the record (before a build starts, so a build killed half-way is never taken as current)."""
        self.record.unlink(missing_ok=True)
