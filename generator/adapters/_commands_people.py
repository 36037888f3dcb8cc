"""Commands for people and the public: the roster, policy acknowledgements and the trust site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._command import Command, ExitCode, add_repo_argument, date_option, fail, repo_path


# ---------------------------------------------------------------------------------------------- people
def _people_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", type=Path, help="the CSV export of the HR system or identity provider")
    parser.add_argument("--format", default=None,
                        help="rippling, bamboohr, gusto, deel or okta (default: people/hr-mapping.yml)")
    parser.add_argument("--mapping", type=Path, default=None, help="a YAML file naming the export's columns")
    add_repo_argument(parser)


def run_people_import(args: argparse.Namespace) -> ExitCode:
    """Merge an HR export into people/roster.csv: joiners added, leavers dated, nobody removed."""
    from ..kit._people_import import choose_format, import_people
    from ..model._library import library_root
    from ..model._people import ROSTER_FILE

    repo = repo_path(args)
    fmt = choose_format(repo, library_root(), args.format, args.mapping)
    result = import_people(repo, args.export, fmt)
    print(f"{ROSTER_FILE}: {result.summary()} (from {fmt.title})")
    return ExitCode.OK


PEOPLE = Command("people", "keep the roster of people who acknowledge the policies (people/roster.csv)",
                 subcommands=(Command("import", "merge a CSV export of the HR system into the roster",
                                      run_people_import, _people_import_arguments),))


# ---------------------------------------------------------------------------------------------- acknowledgements
def _status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", default=None, help="the day to report for, YYYY-MM-DD (default: today)")
    parser.add_argument("--within", type=int, default=None,
                        help="also list renewals due within this many days (default: the commitment "
                             "acknowledgement_renewal_notice, when the Head of People assigns them)")
    add_repo_argument(parser)


def run_status(args: argparse.Namespace) -> ExitCode:
    """Report who owes which acknowledgement; exit 1 when any is past its deadline."""
    from ..kit._acknowledgement import load_status, status_lines
    from ..program._program import load_program

    if args.within is not None and args.within < 0:
        fail("--within", f"{args.within} is negative", "give a number of days, such as 30")
    repo = repo_path(args)
    today = date_option("--as-of", args.as_of)
    program = load_program(repo, as_of=today)
    status = load_status(program, repo, today, args.within)
    for line in status_lines(status):
        print(line)
    return ExitCode.FINDINGS if status.overdue() else ExitCode.OK


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("export", type=Path, help="the CSV export of signed acknowledgements")
    parser.add_argument("--format", default=None,
                        help="policyforge (default), docusign or dropbox-sign: the export's column names")
    parser.add_argument("--mapping", type=Path, default=None, help="a YAML file naming the export's columns")
    parser.add_argument("--as-of", default=None, help="the date records may not be later than (default: today)")
    add_repo_argument(parser)


def run_import(args: argparse.Namespace) -> ExitCode:
    """Append the acknowledgements of an export to people/acknowledgements.csv after checking every row."""
    from ..kit._people_import import import_records, record_format
    from ..model._acknowledgements import RECORDS_FILE
    from ..model._library import library_root
    from ..program._program import load_program

    repo = repo_path(args)
    program = load_program(repo, as_of=date_option("--as-of", args.as_of))
    result = import_records(program, repo, args.export, record_format(library_root(), args.format, args.mapping),
                            program.as_of)
    print(f"{RECORDS_FILE}: {len(result.added)} acknowledgements added, {result.already} already recorded")
    return ExitCode.OK


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="csv (two files) or xlsx")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: out/evidence)")
    add_repo_argument(parser)


def run_export(args: argparse.Namespace) -> ExitCode:
    """Write the personnel population and acknowledgement records of the audit window for the auditor."""
    from ..kit._acknowledgement import evidence_files
    from ..program._program import load_program
    from ..repo._files import write_atomic

    repo = repo_path(args)
    program = load_program(repo)
    out = (args.out or repo / "out" / "evidence").resolve()
    for name, data in evidence_files(program, repo, args.format).items():
        write_atomic(out / name, data)
        print(f"Wrote {out / name}", file=sys.stderr)
    return ExitCode.OK


ACKNOWLEDGEMENTS = Command(
    "acknowledgements", "who owes which policy acknowledgement, imports of signed records, the auditor's population",
    subcommands=(
        Command("status", "list acknowledgements owed with their deadlines; exit 1 when any is overdue",
                run_status, _status_arguments),
        Command("import", "append acknowledgements from an e-signature or HR export, checking every row",
                run_import, _import_arguments),
        Command("export", "write the personnel population and the records for the audit window (csv, xlsx)",
                run_export, _export_arguments),
    ),
)


def _acknowledge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("policies", nargs="*", metavar="POL-NN", help="the policies accepted (default: all)")
    parser.add_argument("--email", default=None, help="who acknowledges (default: git config user.email)")
    parser.add_argument("--no-commit", action="store_true", help="record without committing (not with signed "
                        "commits required)")
    add_repo_argument(parser)


def run_acknowledge(args: argparse.Namespace) -> ExitCode:
    """Record and commit that a person accepted the current policies (signed when the company requires it)."""
    from ..lifecycle._acknowledge import acknowledge
    from ..program._program import load_program

    repo = repo_path(args)
    program = load_program(repo)
    # Today (or SOURCE_DATE_EPOCH, as every build uses): an acknowledgement cannot be back-dated.
    done = acknowledge(program, repo, args.policies, args.email, program.as_of, commit=not args.no_commit)
    for record in done.records:
        print(f"{done.email} acknowledged {record.policy} {record.version} on {record.date}")
    if done.already:
        print(f"Already recorded: {', '.join(done.already)}")
    if done.commit:
        print(f"Committed {done.commit[:10]}{' (signature verified)' if done.signed else ''}")
    return ExitCode.OK


ACKNOWLEDGE = Command("acknowledge", "record that you accept the current policies, as a (signed) git commit",
                      run_acknowledge, _acknowledge_arguments)


# ---------------------------------------------------------------------------------------------- trust
def _trust_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: out/trust)")
    parser.add_argument("--date", default=None, help="the build date, YYYY-MM-DD (default: today); security.txt "
                        "expires within a year of it")
    add_repo_argument(parser)


def run_trust(args: argparse.Namespace) -> ExitCode:
    """Build the public trust site: program overview, SOC 2 report requests, subprocessors, security.txt."""
    from ..model._sections import trust_settings
    from ..program._program import load_program
    from ..trust._site import TRUST_DIR, trust_files, write_trust_site

    repo = repo_path(args)
    program = load_program(repo, as_of=date_option("--date", args.date))
    built = program.as_of
    files = trust_files(program, trust_settings(repo, program.facts), built)
    out = (args.out or repo / TRUST_DIR).resolve()
    write_trust_site(files, out)
    print(f"Trust site: {len(files)} files in {out}")
    return ExitCode.OK


TRUST = Command("trust", "build the public trust site and /.well-known/security.txt from the facts",
                run_trust, _trust_arguments)
