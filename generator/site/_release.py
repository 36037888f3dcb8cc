"""Which release a site build shows: the draft gets a "not approved" banner and footer, a release does not.

``policyforge publish`` names the version it deploys in ``POLICYFORGE_RELEASE`` (``draft`` for
main, even when main's HEAD carries a release tag); any other build shows the tag at HEAD, or the
draft when HEAD is untagged, as the PDFs do.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..repo._git import DRAFT, current_release

RELEASE_ENV = "POLICYFORGE_RELEASE"
_RELEASE = re.compile(r"^\d{4}\.\d+$")


def site_release(repo: Path) -> str:
    """Return the release a build of ``repo`` shows (``2026.2``) or ``draft``."""
    named = os.environ.get(RELEASE_ENV, "").strip()
    if named == DRAFT or _RELEASE.match(named):
        return named
    return current_release(repo)
