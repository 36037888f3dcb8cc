"""The shape every ``policyforge`` command shares: exit codes, the command record, problem printing.

A command is a name, a help text, a function that declares its options on an argparse parser, and a
function ``(args) -> ExitCode`` that reads the parsed options and calls engine functions with plain
typed arguments. Engine functions never see argparse; bad input reaches the user as a
``PolicyforgeError`` printed by the one handler in ``cli.main``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import NoReturn

from .._errors import PolicyforgeError, Problem


class ExitCode(IntEnum):
    """What a command's exit status tells a script or CI job."""

    OK = 0
    FINDINGS = 1  # the command ran and found something to fix (a failed check, conflicts, a low score)
    BAD_INPUT = 2  # the input was wrong: nothing was written
    INTERRUPTED = 130


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare nothing: the command takes no options."""


@dataclass(frozen=True)
class Command:
    """One ``policyforge`` command (or, with ``subcommands``, a group such as ``export``)."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], ExitCode] | None = None
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    subcommands: tuple[Command, ...] = ()
    subcommand_dest: str = "subcommand"


def print_problems(problems: Sequence[Problem]) -> None:
    """Print problems as every command does: ``ERROR: file:line: message — fix`` on stderr."""
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)


def fail(where: str, message: str, fix: str = "") -> NoReturn:
    """Stop the command on bad input; ``cli.main`` prints the problem and exits 2."""
    raise PolicyforgeError([Problem(where, message, fix)])


def add_repo_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--repo``, the option of every command that works on a company repository."""
    parser.add_argument("--repo", default=".", help="the company repository (default: here)")


def repo_path(args: argparse.Namespace) -> Path:
    """Return the ``--repo`` folder as an absolute path."""
    return Path(args.repo).resolve()


def date_option(flag: str, value: str | None) -> dt.date | None:
    """Return a ``YYYY-MM-DD`` option as a date (None when not given); bad input names the option."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(flag, f"{value!r} is not a date", "write it as YYYY-MM-DD")
