"""Plumbing shared by the export commands: find the company repository, load it, report problems.

Each export runs as ``policyforge export <format>`` and as ``python -m generator._<format>``;
both paths must print ``file:line: message — fix`` lines and exit 2 on bad input, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..program._program import COMPANY_FILE, Program, load_program
from ..repo._git import current_release

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True)
class ExportTarget:
    """A loaded company repository and where its export goes."""

    repo: Path
    out: Path
    program: Program
    release: str


def add_common_arguments(parser: argparse.ArgumentParser, default_out: str) -> None:
    """Add ``--out`` and ``--repo``, the options every export takes."""
    parser.add_argument("--out", type=Path, default=None, help=f"output folder (default: {default_out})")
    parser.add_argument("--repo", default=".", help="the company repository (default: here)")


def print_problems(problems: list[Problem]) -> None:
    """Print problems the way every policyforge command does."""
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)


def load_target(args: argparse.Namespace, default_out: str) -> ExportTarget:
    """Load the repository named by ``--repo``; raise ``PolicyforgeError`` when it is not one."""
    repo = Path(args.repo).resolve()
    if not (repo / COMPANY_FILE).is_file():
        raise PolicyforgeError([Problem(str(repo), f"no {COMPANY_FILE} here",
                                        "run inside a company repository or pass --repo")])
    out = (args.out or repo / default_out).resolve()
    if out.exists() and not out.is_dir():
        raise PolicyforgeError([Problem(str(out), "is a file, not a folder", "choose another --out")])
    return ExportTarget(repo, out, load_program(repo), current_release(repo))
