"""Swap a freshly built site into place whole: a failed or killed build leaves the previous site.

MkDocs empties its site folder before it writes, so a build that fails ``--strict`` or is stopped
would leave readers (and the publish job) a broken site. The site is built into a sibling
temporary folder and renamed into place only when the build succeeded; ``--site-dir`` never
empties a folder that holds anything but an earlier site.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .._errors import PolicyforgeError, Problem

SITE_MARKER = ".policyforge-site"  # written into every site this engine builds


def _check_target(site: Path, default: bool) -> None:
    if site.is_symlink() or (site.exists() and not site.is_dir()):
        raise PolicyforgeError([Problem(str(site), "is not a folder", "give --site-dir a folder (new or a site)")])
    if site.is_dir() and not default and any(site.iterdir()) and not (site / SITE_MARKER).is_file():
        raise PolicyforgeError([Problem(str(site), "is not empty and holds no policyforge site",
                                        "give --site-dir an empty or new folder; nothing in it was changed")])


def mark_built(staging: Path) -> None:
    """Record that the build into ``staging`` succeeded, so ``staged_site`` swaps it in."""
    (staging / SITE_MARKER).write_text("built by policyforge; --site-dir may replace this folder\n", encoding="utf-8")


@contextlib.contextmanager
def staged_site(site: Path, default: bool = False) -> Iterator[Path]:
    """Yield a temporary folder to build into; on success it replaces ``site``, else it is removed."""
    _check_target(site, default)
    parent = site.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in parent.glob(f".{site.name}.building-*"):  # left by a build that was killed
            shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{site.name}.building-", dir=parent))
    except OSError as exc:
        raise PolicyforgeError([Problem(str(site), f"cannot be written ({exc.strerror})",
                                        "choose a folder you can write to")]) from None
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not (staging / SITE_MARKER).is_file():
        shutil.rmtree(staging, ignore_errors=True)
        return  # the build failed (and said so); the previous site stays
    old = parent / f".{site.name}.old-{os.getpid()}"
    if site.exists():
        os.replace(site, old)
    os.replace(staging, site)
    shutil.rmtree(old, ignore_errors=True)
