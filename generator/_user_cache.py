"""The user's private cache folder, where work that depends only on the library is kept between processes.

Compiled templates (``render/_template_cache.py``) and parsed catalogs (``model/_yaml.py``) are
kept here so each ``mkdocs build`` or ``policyforge`` command does not redo them. What is kept is
loaded back (compiled code, pickled values), so it lives only where nothing a pull request writes
can reach: ``$XDG_CACHE_HOME/policyforge`` (else ``~/.cache/policyforge``), in folders only this
user may write, never the company repository's ``.cache``. ``POLICYFORGE_TEMPLATE_CACHE=0`` turns
every use of it off.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

OFF_VARIABLE = "POLICYFORGE_TEMPLATE_CACHE"


def cache_root() -> Path:
    """Return this user's policyforge cache folder (it may not exist yet)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "policyforge"


def cache_wanted() -> bool:
    """Return False when the user turned the cache off."""
    return os.environ.get(OFF_VARIABLE, "1") != "0"


def private_folder(folder: Path) -> bool:
    """Create the folder for this user alone; refuse one another user owns or others may write."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.lstat()
    except OSError:
        return False
    owner_ok = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
