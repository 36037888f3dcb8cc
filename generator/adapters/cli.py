"""The ``policyforge`` command: the one layer that parses arguments and turns them into engine calls.

Each command is a ``Command`` (``_command.py``) defined beside its layer's siblings in
``_commands_*.py``: it declares its options and runs as ``(args) -> ExitCode``, calling engine
functions with plain typed arguments. ``main`` is the one error handler: a ``PolicyforgeError``
is printed as ``ERROR: file:line: message — fix`` lines and exits 2 (bad input); a command
returns 1 when it finds something to fix and 0 on success; none prints a traceback for a
user's mistake.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._errors import PolicyforgeError, Problem
from ._command import Command, ExitCode, print_problems
from ._commands_batch import BATCH
from ._commands_export import EXPORT
from ._commands_kit import CALENDAR, EVIDENCE, READINESS
from ._commands_lifecycle import APPROVE, CHECK, CODEOWNERS, PUBLISH, REDLINE, REVIEW, UPDATE
from ._commands_people import ACKNOWLEDGE, ACKNOWLEDGEMENTS, PEOPLE, TRUST
from ._commands_program import BUILD, COVERAGE, LINT_LIBRARY, NEW, PDF, RENDER_DOCS, SERVE

# The commands in the order ``policyforge --help`` lists them. A new command: write its Command in the
# _commands_*.py module of its layer and add it here.
COMMANDS: tuple[Command, ...] = (
    NEW, BUILD, BATCH, PDF, SERVE, COVERAGE, CHECK, APPROVE, REVIEW, REDLINE, CODEOWNERS, PUBLISH, RENDER_DOCS,
    LINT_LIBRARY, EVIDENCE, CALENDAR, READINESS, UPDATE, EXPORT, PEOPLE, ACKNOWLEDGEMENTS, ACKNOWLEDGE, TRUST,
)
DESCRIPTION = ("Generate and run a SOC 2 policy program: company facts in, policies, control matrix, "
               "evidence plan, versioned site and auditor PDFs out.")


def _add_commands(parent: argparse.ArgumentParser, commands: Sequence[Command], dest: str) -> None:
    sub = parent.add_subparsers(dest=dest, required=True, metavar="COMMAND")
    for command in commands:
        parser = sub.add_parser(command.name, help=command.help, description=command.help)
        command.arguments(parser)
        if command.subcommands:
            _add_commands(parser, command.subcommands, command.subcommand_dest)
        else:
            parser.set_defaults(handler=command.run)


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    from .. import __version__
    from ..model._library import library_root

    parser = argparse.ArgumentParser(prog="policyforge", description=DESCRIPTION)
    try:
        library = (library_root() / "VERSION").read_text(encoding="utf-8").strip()
    except OSError:
        library = "unknown"
    parser.add_argument("--version", action="version", version=f"policyforge {__version__} (policy library {library})")
    _add_commands(parser, COMMANDS, "command")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except PolicyforgeError as exc:
        print_problems(exc.problems)
        return ExitCode.BAD_INPUT
    except KeyboardInterrupt:
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        # The reader (`policyforge check | head`) went away: stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.FINDINGS
    except OSError as exc:  # a folder that does not exist or cannot be written (--repo, --out, --site-dir)
        where = exc.filename or "a file"
        print_problems([Problem(str(where), exc.strerror or str(exc),
                                "check the path exists and that you may write there")])
        return ExitCode.BAD_INPUT
    except (RecursionError, MemoryError) as exc:
        print_problems([Problem("input", f"too deeply nested or too large ({type(exc).__name__})",
                                "simplify the file the command reads")])
        return ExitCode.BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
