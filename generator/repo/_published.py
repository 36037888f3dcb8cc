"""What a build may publish from ``policies/``: Markdown pages and the assets the company names.

MkDocs copies every file of its docs folder to the site and follows symbolic links, so a pull
request adding ``policies/env.txt -> /proc/self/environ`` would publish the build's secrets. The
publishing set is decided here, once, from the files themselves: regular Markdown files at the
top of ``policies/`` (policies and the company's own pages) and the logo or favicon named in
``mkdocs.yml``, checked to be a regular file of its type inside the folder, and the logo
``company.yml`` names (``layout.logo``, checked by ``_logo``). ``check`` and
``build`` refuse anything else with its file and the fix; the MkDocs plugin drops it from the
site, and the PDF fetcher allows exactly these assets.

Builds also reuse what they find in the repository's build folders (laid-out PDF parts and
converted HTML under ``.cache/``, the outputs under ``out/`` and ``site/``). Those are ignored by
``.gitignore``, but ``git add -f`` can still commit one, and a planted part would reach readers
without passing the sanitiser; so a build folder holding a committed file is refused too.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._errors import Problem
from ._git import _git_or_nothing
from ._layout import POLICIES_DIR, RETIRED_DIR
from ._logo import Logo, check_logo

DOCS_DIR = POLICIES_DIR
RETIRED = RETIRED_DIR.removeprefix(f"{POLICIES_DIR}/")  # retired policies stay in the repository, never on the site
# Which theme options in mkdocs.yml may name a company file, and the types such a file may have.
ASSET_OPTIONS: tuple[str, ...] = ("logo", "favicon")
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".ico": (b"\x00\x00\x01\x00",),
    ".webp": (b"RIFF",),
    ".svg": (b"<svg", b"<?xml"),
}
MAX_ASSET_BYTES = 2_000_000
# An SVG logo is shown as an image, where scripts do not run; still refuse anything active or remote.
_SVG_ACTIVE = re.compile(rb"<script|\bon[a-z]+\s*=|<foreignObject|(?:href|src)\s*=\s*[\"']?\s*[a-z][a-z0-9+.-]*:",
                         re.IGNORECASE)
# Folders a build writes and reuses (caches, outputs): never taken from a commit.
BUILD_FOLDERS: tuple[str, ...] = (".cache", "out", "site")
_CONFLICT = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


@dataclass(frozen=True)
class PublishedSet:
    """The files of ``policies/`` a build publishes, and why any other file there is refused."""

    pages: tuple[str, ...] = ()
    assets: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    logo: Logo | None = None

    def asset_paths(self, repo: Path) -> tuple[Path, ...]:
        """Return the named assets and the logo as absolute paths, for the PDF fetcher's allowlist."""
        logo = (self.logo.path(repo),) if self.logo is not None else ()
        return (*(repo / DOCS_DIR / name for name in self.assets), *logo)


class _TolerantLoader(yaml.SafeLoader):
    """Read mkdocs.yml without running it: ``!!python/name:`` and ``!ENV`` tags become plain values."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    return None


_TolerantLoader.add_multi_constructor("", _ignore_tag)


def read_mkdocs_config(repo: Path) -> dict[str, Any]:
    """Return mkdocs.yml as plain data ({} when absent or unreadable; check reports it separately)."""
    try:
        text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return _mkdocs_data(text)


def _mkdocs_data(text: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - safe subclass
    except (yaml.YAMLError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def named_assets(repo: Path) -> dict[str, str]:
    """Return {option: path under policies/} for the company files mkdocs.yml's theme names."""
    try:
        text = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    return dict(_assets_in(text))


@functools.lru_cache(maxsize=8)
def _assets_in(text: str) -> tuple[tuple[str, str], ...]:
    """Return the theme's named files in mkdocs.yml's text, once per text (each `mkdocs serve` rebuild asks)."""
    theme = _mkdocs_data(text).get("theme")
    if not isinstance(theme, dict):
        return ()
    return tuple((option, str(theme[option])) for option in ASSET_OPTIONS if isinstance(theme.get(option), str))


def _asset_problem(folder: Path, option: str, name: str) -> Problem | None:
    where = f"mkdocs.yml: theme.{option}"
    fix = f"name a .png, .jpg, .svg, .ico or .webp file of at most {MAX_ASSET_BYTES // 1_000_000} MB in {DOCS_DIR}/"
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or name.startswith(("http:", "https:", "//")):
        return Problem(where, f"{name!r} is not a file inside {DOCS_DIR}/", fix)
    path = folder / relative
    suffix = relative.suffix.lower()
    try:
        info = path.lstat()
    except OSError:
        return Problem(where, f"{DOCS_DIR}/{name} does not exist", fix)
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        return Problem(where, f"{DOCS_DIR}/{name} is not a regular file (a link or a device)", fix)
    if any(part.is_symlink() for part in path.parents if folder in part.parents):
        return Problem(where, f"{DOCS_DIR}/{name} lies in a linked folder", fix)
    if suffix not in _MAGIC or info.st_size > MAX_ASSET_BYTES:
        return Problem(where, f"{DOCS_DIR}/{name} is not an image of an accepted type and size", fix)
    head = path.read_bytes()
    if not head.lstrip().startswith(_MAGIC[suffix]) or (suffix == ".svg" and _SVG_ACTIVE.search(head)):
        return Problem(where, f"{DOCS_DIR}/{name} does not hold what its name says (or holds a script)", fix)
    return None


def committed_build_files(repo: Path) -> list[Problem]:
    """Return one problem per build folder (``BUILD_FOLDERS``) in which git tracks a file.

    Outside a git repository, or without git, nothing is tracked and nothing is refused.
    """
    listed = _git_or_nothing(repo, "ls-files", "-z", "--", *BUILD_FOLDERS)
    if listed.returncode != 0:
        return []
    by_folder: dict[str, list[str]] = {}
    for name in filter(None, listed.stdout.split("\0")):
        by_folder.setdefault(name.split("/", 1)[0], []).append(name)
    return [Problem(names[0], f"is committed, with {len(names)} file(s) under {top}/ in all: builds reuse "
                              f"what {top}/ holds, so none of it may come from a commit",
                    f"git rm -r --cached {top} (.gitignore keeps it out from then on)")
            for top, names in sorted(by_folder.items())]


def published_set(repo: Path) -> PublishedSet:
    """Decide which files of ``policies/`` are published; every other file there is a problem."""
    folder = repo / DOCS_DIR
    assets = named_assets(repo)
    logo, logo_problem = check_logo(repo)
    problems: list[Problem] = [logo_problem] if logo_problem else []
    problems.extend(committed_build_files(repo))
    wanted_assets: list[str] = []
    for option, name in sorted(assets.items()):
        found = _asset_problem(folder, option, name)
        if found:
            problems.append(found)
        else:
            wanted_assets.append(Path(name).as_posix())
    pages: list[str] = []
    if not folder.is_dir() or folder.is_symlink():
        if folder.is_symlink():
            problems.append(Problem(DOCS_DIR, "is a symbolic link", f"make {DOCS_DIR}/ a real folder"))
        return PublishedSet((), tuple(wanted_assets), problems, logo)
    link_fix = "commit the file itself, not a link (links can point at secrets outside the repository)"
    for root, dirs, files in os.walk(folder, followlinks=False):
        base = Path(root)
        for name in sorted(dirs):
            path = base / name
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                problems.append(Problem(f"{DOCS_DIR}/{relative}", "is a symbolic link to a folder", link_fix))
            elif relative != RETIRED:
                problems.append(Problem(f"{DOCS_DIR}/{relative}", "is a sub-folder; its pages would not be checked",
                                        f"move its pages to {DOCS_DIR}/ itself, or delete the folder"))
        dirs[:] = [d for d in sorted(dirs) if not (base / d).is_symlink() and
                   (base / d).relative_to(folder).as_posix() == RETIRED]
        for name in sorted(files):
            path = base / name
            relative = path.relative_to(folder).as_posix()
            where = f"{DOCS_DIR}/{relative}"
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                problems.append(Problem(where, "is a symbolic link", link_fix))
            elif not stat.S_ISREG(info.st_mode):
                problems.append(Problem(where, "is not a regular file", "delete it"))
            elif relative in wanted_assets:
                continue
            elif not name.endswith(".md"):
                problems.append(Problem(where, "is not a page: only Markdown pages and the logo or favicon named "
                                        "in mkdocs.yml are published", "delete it, or name it as theme.logo in "
                                        "mkdocs.yml"))
            elif base == folder:
                text = path.read_bytes().decode("utf-8", errors="replace")
                marker = _CONFLICT.search(text)
                if marker:
                    problems.append(Problem(where, "has unresolved merge conflict markers",
                                            "resolve each <<<<<<< / ======= / >>>>>>> block, keeping the text you "
                                            "want", text[: marker.start()].count("\n") + 1))
                pages.append(relative)
    return PublishedSet(tuple(pages), tuple(wanted_assets), problems, logo)
