"""The kit's pages as a company reads them, for the library lint's vocabulary check of each company."""

from __future__ import annotations

from pathlib import Path

from ..program._program import Program
from ._evidence import evidence_page
from ._readiness import assess, load_entries
from ._readiness_page import readiness_page_text


def kit_pages(program: Program, repo_root: Path | None = None) -> dict[str, str]:
    """Return the evidence plan and the readiness page (every item not started when no repository is given)."""
    entries = load_entries(repo_root, list(program.library.catalog.checklist)) if repo_root else None
    return {"evidence.md": evidence_page(program),
            "readiness.md": readiness_page_text(program, assess(program, entries))}
