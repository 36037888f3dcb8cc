"""The shape every ``policyforge`` command shares: exit codes, the command record, problem printing.

A command is a name, a help text, a function that declares its options on an argparse parser, and a
function ``(args) -> ExitCode`` that reads the parsed options and calls engine functions with plain
typed arguments. Engine functions never see argparse; bad input reaches the user as a
``PolicyforgeError`` printed by the one handler in ``cli.main``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator, Sequence
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


def add_out_argument(parser: argparse.ArgumentParser, default: str) -> None:
    """Add ``-o/--out``: in every command, the folder outputs are written to."""
    parser.add_argument("-o", "--out", type=Path, default=None, metavar="DIR",
                        help=f"output folder (default: {default})")


@contextlib.contextmanager
def progress_reporter(what: str) -> Iterator[Callable[[int, int, str], None]]:
    """Yield ``report(done, total, name)``: a bar on a terminal, one plain line per step in CI or a log."""
    if sys.stderr.isatty() and not os.environ.get("CI"):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   TextColumn("{task.description}"))
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("", total=None)

            def update(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name)

            yield update
        return

    def line(done: int, total: int, name: str) -> None:
        print(f"[{done}/{total}] {what} {name}", file=sys.stderr, flush=True)

    yield line


def output_file(out: str | None, repo: Path, name: str) -> Path:
    """Return where a one-file output goes: ``name`` inside the ``-o`` folder (default ``out/``).

    ``-o`` once named the file itself for ``evidence`` and ``calendar``; a path ending in the
    file's own suffix is still written as given, with a note.
    """
    if not out:
        from ..repo._layout import LAYOUT

        return LAYOUT.output(repo, name)
    path = Path(out)
    if path.suffix.lower() == Path(name).suffix.lower() and not path.is_dir():
        print(f"note: -o/--out names a folder in every command; writing {path} as asked, but use "
              f"`-o {path.parent}` from now on", file=sys.stderr)
        return path
    return path / name
