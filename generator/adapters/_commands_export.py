"""``policyforge export``: the program as OSCAL JSON or as one Word document per policy."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from ..repo._layout import LAYOUT
from ._command import Command, ExitCode, add_out_argument, add_repo_argument, repo_path

OSCAL_OUT = f"{LAYOUT.out}/oscal"
DOCX_OUT = f"{LAYOUT.out}/docx"


def _export_arguments(default_out: str) -> Callable[[argparse.ArgumentParser], None]:
    def arguments(parser: argparse.ArgumentParser) -> None:
        add_out_argument(parser, default_out)
        add_repo_argument(parser)

    return arguments


def run_export_oscal(args: argparse.Namespace) -> ExitCode:
    """Export the repository's program as OSCAL JSON."""
    from ..exports._exporting import load_target
    from ..exports._oscal import write_oscal

    target = load_target(repo_path(args), args.out, OSCAL_OUT)
    paths = write_oscal(target.program, target.release, target.out, target.repo)
    in_scope = len(target.program.criteria_in_scope())
    print(f"OSCAL: {', '.join(p.name for p in paths)} in {target.out} ({in_scope} criteria in scope, "
          f"{len(target.program.controls())} controls)")
    return ExitCode.OK


def run_export_docx(args: argparse.Namespace) -> ExitCode:
    """Export every policy of the repository as a Word document."""
    from ..exports._docx import write_docx
    from ..exports._exporting import load_target

    target = load_target(repo_path(args), args.out, DOCX_OUT)
    paths = write_docx(target.program, target.out)
    print(f"Word: {len(paths)} policies in {target.out}")
    return ExitCode.OK


EXPORT = Command(
    "export", "export the program as OSCAL JSON or one Word document per policy",
    subcommands=(
        Command("oscal", "OSCAL JSON: catalog, profile, component definition, SSP", run_export_oscal,
                _export_arguments(OSCAL_OUT)),
        Command("docx", "one Word document per policy", run_export_docx, _export_arguments(DOCX_OUT)),
    ),
    subcommand_dest="format",
)
