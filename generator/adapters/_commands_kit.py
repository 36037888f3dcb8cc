"""Commands of the audit-readiness kit: the evidence plan, the control calendar and the readiness checklist."""

from __future__ import annotations

import argparse
import sys
from fractions import Fraction

from ._command import Command, ExitCode, add_repo_argument, fail, output_file, repo_path

EVIDENCE_FORMATS: tuple[str, ...] = ("md", "csv", "xlsx")


def _evidence_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=EVIDENCE_FORMATS, default="md", help="md, csv or xlsx (default: md)")
    parser.add_argument("-o", "--out", default=None, metavar="DIR",
                        help="output folder for evidence-plan.<format> (default: out; '-' prints md or csv)")
    add_repo_argument(parser)


def run_evidence(args: argparse.Namespace) -> ExitCode:
    """Write the evidence plan; exit 0, or 2 with file, line and fix when the inputs are wrong.

    With a roster in the repository, the personnel population and the acknowledgement records the
    auditor samples from come too: as sheets of the workbook, or as two CSV files beside the plan.
    """
    from ..kit._acknowledgement import EVIDENCE_NAMES, evidence_tables, table_csv
    from ..kit._evidence import evidence_csv, evidence_page, evidence_plan, evidence_xlsx
    from ..model._people import ROSTER_FILE
    from ..program._program import load_program, release_date
    from ..repo._files import write_atomic

    repo = repo_path(args)
    if args.out == "-" and args.format == "xlsx":
        fail("--out -", "a workbook cannot go to the terminal", "give a file name such as plan.xlsx")
    program = load_program(repo)
    plan = evidence_plan(program)
    tables = evidence_tables(program, repo) if (repo / ROSTER_FILE).is_file() and args.format != "md" else {}
    data: str | bytes
    if args.format == "md":
        data = evidence_page(program, plan)
    elif args.format == "csv":
        data = evidence_csv(plan)
    else:
        data = evidence_xlsx(plan, release_date(program), tables)
    if args.out == "-":
        sys.stdout.write(data if isinstance(data, str) else "")
        return ExitCode.OK
    out = output_file(args.out, repo, f"evidence-plan.{args.format}")
    write_atomic(out.resolve(), data)
    if args.format == "csv":
        for name, table in tables.items():
            beside = out.resolve().with_name(f"{out.stem}-{EVIDENCE_NAMES[name]}")
            write_atomic(beside, table_csv(*table))
            print(f"{name}: {len(table[1])} rows -> {beside}", file=sys.stderr)
    print(f"Evidence plan: {len(plan.rows)} items for {len(plan.controls)} controls ({plan.window.describe()}) "
          f"-> {out}", file=sys.stderr)
    return ExitCode.OK


def _calendar_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--out", default=None, metavar="DIR",
                        help="output folder for control-calendar.ics (default: out; '-' prints)")
    parser.add_argument("--no-owners", action="store_true",
                        help="write only the full calendar, not one control-calendar-<role>.ics per owner beside it")
    add_repo_argument(parser)


def run_calendar(args: argparse.Namespace) -> ExitCode:
    """Write the control calendar and one per owner; exit 0, or 2 with file, line and fix when the inputs are wrong."""
    from ..kit._calendar import calendar_events, control_calendar, owner_calendar_name, owner_calendars
    from ..kit._evidence import audit_window
    from ..program._program import load_program, release_date
    from ..repo._files import write_atomic

    repo = repo_path(args)
    program = load_program(repo)
    data = control_calendar(program, release_date(program))
    events = calendar_events(program)
    if args.out == "-":
        sys.stdout.write(data.decode("utf-8"))
        return ExitCode.OK
    out = output_file(args.out, repo, "control-calendar.ics")
    write_atomic(out.resolve(), data)
    if not args.no_owners:
        for role, owned in owner_calendars(program, release_date(program)).items():
            beside = out.resolve().with_name(owner_calendar_name(role))
            write_atomic(beside, owned)
            print(f"{role}: {owned.count(b'BEGIN:VEVENT')} events -> {beside}", file=sys.stderr)
    recurring = sum(1 for e in events if e.cadence)
    print(f"Control calendar: {len(events)} events ({recurring} recurring) for "
          f"{audit_window(program.facts).describe()} -> {out}", file=sys.stderr)
    return ExitCode.OK


def percentage(value: str) -> Fraction:
    """Read a percentage option such as ``80`` or ``80%``; argparse reports a bad one with its fix."""
    try:
        number = Fraction(value.strip().rstrip("%"))
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number — write a percentage such as 80") from None
    if not 0 <= number <= 100:
        raise argparse.ArgumentTypeError(f"{value} is out of range — use a percentage from 0 to 100")
    return number


def _readiness_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threshold", type=percentage, default=Fraction(0), metavar="PERCENT",
                        help="exit 1 when overall readiness (done / applicable) is below this percentage")
    parser.add_argument("--init", action="store_true",
                        help="write readiness.yml with every item not started, or append the items it lacks")
    add_repo_argument(parser)


def run_readiness(args: argparse.Namespace) -> ExitCode:
    """Print readiness by area and overall; exit 1 below the threshold, 2 on a bad readiness.yml."""
    from ..kit._readiness import assess, init_readiness, load_entries
    from ..kit._readiness_page import report_lines
    from ..program._program import load_program
    from ..repo._layout import READINESS_FILE

    repo = repo_path(args)
    program = load_program(repo)
    keys = list(program.library.catalog.checklist)
    if args.init:
        added = init_readiness(repo, program)
        print(f"{READINESS_FILE}: added {added} item(s)" if added else
              f"{READINESS_FILE}: already lists every checklist item; nothing changed")
    entries = load_entries(repo, keys)
    if entries is None:
        print(f"{READINESS_FILE} not found: every item counts as not started. Create it with "
              "`policyforge readiness --init`.", file=sys.stderr)
    readiness = assess(program, entries)
    print("\n".join(report_lines(program, readiness)))
    overall = readiness.overall
    threshold: Fraction = args.threshold
    if overall.ratio * 100 < threshold:
        print(f"Readiness {overall.percent} is below the threshold of {float(threshold):g}%.", file=sys.stderr)
        return ExitCode.FINDINGS
    return ExitCode.OK


EVIDENCE = Command("evidence", "write the evidence plan (md, csv, xlsx): each artefact, owner, system, count",
                   run_evidence, _evidence_arguments)
CALENDAR = Command("calendar", "write the control calendar (.ics) for the audit window", run_calendar,
                   _calendar_arguments)
READINESS = Command("readiness", "show audit readiness by area from readiness.yml; --init creates it",
                    run_readiness, _readiness_arguments)
