"""Read the release a company repository is at from git (tags mark approved releases)."""

from __future__ import annotations

import subprocess
from pathlib import Path

DRAFT = "draft"


def current_release(repo: Path) -> str:
    """Return the tag at HEAD (an approved release such as ``2026.1``) or ``draft``."""
    try:
        result = subprocess.run(["git", "describe", "--tags", "--exact-match", "HEAD"], cwd=repo,
                                capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return DRAFT
    tag = result.stdout.strip()
    return tag if result.returncode == 0 and tag else DRAFT
