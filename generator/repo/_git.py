"""Run git, and read releases and approval commits from a company repository's history.

Every git call of the engine goes through ``git`` (or ``git_bytes``), so a machine without git gets
one clear error (``GitNotFound``) wherever git is needed; callers that can do without git (a build
shows ``draft`` as its release) catch it. Tags mark approved releases (``2026.1``); the commit that
first recorded a policy version is the provable point where that approval entered the repository.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from .._errors import PolicyforgeError, Problem

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present, as model/_yaml.py

DRAFT = "draft"


class GitNotFound(PolicyforgeError):
    """git is not installed (or not on PATH) where a command needs it."""

    def __init__(self) -> None:
        """Name the one fix."""
        super().__init__([Problem("git", "is not installed or not on PATH",
                                  "install git (https://git-scm.com/downloads) and run the command again")])


def git(repo: Path | None, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``git args`` in ``repo`` and return its result as text (never raises for a failing git command)."""
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False, input=stdin)
    except FileNotFoundError:
        raise GitNotFound from None


def git_bytes(repo: Path | None, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` like ``git`` but with bytes in and out (file contents that need not be UTF-8)."""
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, check=False, input=stdin)
    except FileNotFoundError:
        raise GitNotFound from None


def _git_or_nothing(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run git where a missing git only means "no history": a failed result instead of an error."""
    try:
        return git(repo, *args)
    except GitNotFound:
        return subprocess.CompletedProcess(["git", *args], 127, "", "git not found")


@dataclass(frozen=True)
class Commit:
    """A commit as shown to readers: short id and date."""

    sha: str
    date: str

    @property
    def short(self) -> str:
        """Return the abbreviated commit id."""
        return self.sha[:10]


def current_release(repo: Path) -> str:
    """Return the tag at HEAD (an approved release such as ``2026.1``) or ``draft``."""
    return release_at(repo, "HEAD")


def release_at(repo: Path, revision: str) -> str:
    """Return the release tag at a revision, or ``draft`` when no tag names exactly that commit."""
    result = _git_or_nothing(repo, "describe", "--tags", "--exact-match", "--end-of-options", revision)
    tag = result.stdout.strip()
    return tag if result.returncode == 0 and tag else DRAFT


def previous_release(repo: Path) -> str | None:
    """Return the release tag before the current one (before HEAD's own tag, if HEAD is tagged)."""
    start = "HEAD^" if current_release(repo) != DRAFT else "HEAD"
    result = _git_or_nothing(repo, "describe", "--tags", "--abbrev=0", start)
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else None


def _front_version(text: str) -> str | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    return _version_in(text[4:end]) if end > 0 else None


@functools.lru_cache(maxsize=4096)
def _version_in(front: str) -> str | None:
    """Return the ``version`` of a revision's front matter, once per text (serve reads the history on each rebuild)."""
    try:
        meta = yaml.load(front, Loader=_SAFE_LOADER)  # noqa: S506 - SafeLoader in C
    except yaml.YAMLError:
        return None
    return str(meta.get("version")) if isinstance(meta, dict) and "version" in meta else None


def version_commits(repo: Path, folder: str = "policies") -> dict[str, dict[str, Commit]]:
    """Map each policy file name to {version: the commit that first recorded that version}."""
    log = _git_or_nothing(repo, "log", "--reverse", "--format=@%H %as", "--name-only", "--", f"{folder}/")
    if log.returncode != 0:
        return {}
    touched: list[tuple[Commit, str]] = []
    commit: Commit | None = None
    for line in log.stdout.splitlines():
        if line.startswith("@"):
            sha, date = line[1:].split(" ", 1)
            commit = Commit(sha, date)
        elif line.strip() and commit is not None:
            touched.append((commit, line.strip()))
    if not touched:
        return {}
    # One git process reads every revision of every file (cat-file --batch), not one per commit.
    request = "".join(f"{c.sha}:{path}\n" for c, path in touched)
    batch = git_bytes(repo, "cat-file", "--batch", stdin=request.encode()).stdout
    found: dict[str, dict[str, Commit]] = {}
    offset = 0
    for c, path in touched:
        header_end = batch.index(b"\n", offset)
        header = batch[offset:header_end].decode()
        offset = header_end + 1
        if header.endswith("missing"):
            continue
        size = int(header.rsplit(" ", 1)[1])
        text = batch[offset:offset + size].decode("utf-8", errors="replace")
        offset += size + 1
        version = _front_version(text)
        if version:
            found.setdefault(Path(path).name, {}).setdefault(version, c)
    return found
