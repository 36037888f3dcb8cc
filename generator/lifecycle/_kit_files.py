"""The kit's own files in a company repository (CI workflows, pre-commit, hook), kept current by ``update``.

A company repository starts as a copy of the template's files: the GitHub and GitLab pipelines, the
pre-commit configuration and hook, the pull-request template, ``.gitignore``. They belong to the engine
that wrote them, so a newer engine brings newer ones; the company may have edited them too. As for the
policies, each is merged three ways: base is the copy the repository was generated from (kept in
``.policyforge/kit/``, or for a repository made before that record, the file as its first commit added
it), ours is the company's file, theirs is the running engine's. A clean merge records the new base; a
conflict leaves the standard markers and its new base waits in ``.policyforge/pending/kit/`` until the
resolution is committed and update runs again. ``README.md`` and ``mkdocs.yml`` are the company's and
never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..model._library import template_root
from ..repo._files import write_atomic
from ..repo._git import GitNotFound, git
from ..repo._layout import KIT_BASE_DIR, KIT_PENDING_DIR
from ._merge import Labels, has_conflict_markers, merge_text

PROJECT_FOLDER = "{{cookiecutter.company_slug}}"
# The template's files the company owns from the first commit on: update never rewrites them.
COMPANY_OWNED = ("README.md", "mkdocs.yml")


@dataclass
class KitUpdate:
    """What the kit-file merge did: (verb, path) actions, files left with conflicts, notes."""

    actions: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def kit_files(template: Path | None = None) -> dict[str, str]:
    """Return the running engine's kit files by repository path (POSIX), as their text."""
    project = (template or template_root()) / PROJECT_FOLDER
    found: dict[str, str] = {}
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if path.is_file() and not path.is_symlink() and relative not in COMPANY_OWNED:
            found[relative] = path.read_text(encoding="utf-8")
    return found


def record_kit_base(repo: Path, files: dict[str, str] | None = None) -> list[Path]:
    """Keep the kit files a repository was just generated with as the base of later merges.

    The generated file is recorded where there is one (plain cookiecutter may use another release's
    template than the running engine's); return what was written.
    """
    written = []
    for relative, text in (files if files is not None else kit_files()).items():
        generated = _read(repo / relative)
        target = repo / KIT_BASE_DIR / relative
        write_atomic(target, generated if generated is not None else text)
        written.append(target)
    return written


def _first_committed(repo: Path, relative: str) -> str | None:
    """Return the file as the commit that first added it holds it: the generated copy of an older repository."""
    try:
        added = git(repo, "log", "--diff-filter=A", "--reverse", "--format=%H", "--", relative)
        commit = added.stdout.split()[0] if added.returncode == 0 and added.stdout.split() else None
        shown = git(repo, "show", f"{commit}:{relative}") if commit else None
    except GitNotFound:
        return None
    return shown.stdout if shown is not None and shown.returncode == 0 else None


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None


def _promote_pending(repo: Path, result: KitUpdate) -> None:
    """Take the committed resolution of an earlier update as merged: its waiting base becomes the base."""
    pending = repo / KIT_PENDING_DIR
    if not pending.is_dir():
        return
    for path in sorted(p for p in pending.rglob("*") if p.is_file()):
        relative = path.relative_to(pending).as_posix()
        target = repo / KIT_BASE_DIR / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        path.replace(target)
        result.actions.append(("resolved", f"{relative}: your committed file is its merge with the new kit"))
    for folder in [*sorted((p for p in pending.rglob("*") if p.is_dir()), reverse=True), pending]:
        folder.rmdir()
    if not any(pending.parent.iterdir()):
        pending.parent.rmdir()


def refuse_conflict_markers(repo: Path, files: dict[str, str]) -> None:
    """Stop before anything is written while a kit file still holds the markers of an earlier update."""
    marked = [relative for relative in files
              if (text := _read(repo / relative)) is not None and has_conflict_markers(text)]
    if marked:
        raise PolicyforgeError([Problem(relative, "still has conflict markers (<<<<<<< / >>>>>>>)",
                                        "resolve them, commit, then run `policyforge update` again")
                                for relative in marked])


def update_kit_files(repo: Path, labels: Labels, files: dict[str, str] | None = None) -> KitUpdate:
    """Merge the engine's kit files into the repository's, keeping the company's edits (see the module)."""
    theirs_by_path = files if files is not None else kit_files()
    refuse_conflict_markers(repo, theirs_by_path)
    result = KitUpdate()
    _promote_pending(repo, result)
    for relative, theirs in theirs_by_path.items():
        base_path = repo / KIT_BASE_DIR / relative
        base = _read(base_path)
        if base is None:
            base = _first_committed(repo, relative)
        ours = _read(repo / relative)
        if ours is None:
            if base is None:
                write_atomic(repo / relative, theirs)
                result.actions.append(("added", relative))
            elif base != theirs:
                result.notes.append(f"{relative}: you deleted it, so the kit's new version was not added")
            if base is None or base != theirs:
                write_atomic(base_path, theirs)
            continue
        if base is None:
            result.notes.append(f"{relative}: no record of the kit's copy it came from, so every difference from "
                                "the new one is shown")
        merged, conflicts = merge_text(ours, base if base is not None else "", theirs, labels)
        if merged != ours:
            write_atomic(repo / relative, merged)
            result.actions.append(("merged" if ours != base else "updated", relative))
        if conflicts:
            result.conflicts.append(relative)
            write_atomic(repo / KIT_PENDING_DIR / relative, theirs)
        elif base != theirs or not base_path.is_file():
            write_atomic(base_path, theirs)
    return result
