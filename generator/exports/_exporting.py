"""Plumbing shared by the exports: find the company repository, load it, and check where the export goes.

Each export runs as ``policyforge export <format>``; bad input is raised as ``PolicyforgeError`` so
the command line prints ``file:line: message — fix`` lines and exits 2, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..program._program import Program, load_program
from ..repo._git import current_release
from ..repo._layout import COMPANY_FILE


@dataclass(frozen=True)
class ExportTarget:
    """A loaded company repository and where its export goes."""

    repo: Path
    out: Path
    program: Program
    release: str


def load_target(repo: Path, out: Path | None, default_out: str) -> ExportTarget:
    """Load the company repository at ``repo``; raise ``PolicyforgeError`` when it is not one.

    ``out`` defaults to ``default_out`` inside the repository and must be a folder.
    """
    repo = repo.resolve()
    if not (repo / COMPANY_FILE).is_file():
        raise PolicyforgeError([Problem(str(repo), f"no {COMPANY_FILE} here",
                                        "run inside a company repository or pass --repo")])
    out = (out or repo / default_out).resolve()
    if out.exists() and not out.is_dir():
        raise PolicyforgeError([Problem(str(out), "is a file, not a folder", "choose another --out")])
    return ExportTarget(repo, out, load_program(repo), current_release(repo))
