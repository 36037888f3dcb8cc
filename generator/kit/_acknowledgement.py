"""Who owes which policy acknowledgement, by when: the roster and records read against the policies.

A person owes a policy when they have not accepted its latest material version (the first version,
a new major version, or one whose history entry says ``acknowledge: required``), or when their
last acceptance is older than the yearly renewal (a rolling anniversary of that person's last
acknowledgement of the policy). The deadlines are the named commitments the policies state
(``acknowledgement_new_hire_days``, ``acknowledgement_material_change_days``, ``acknowledgement_renewal``,
``acknowledgement_renewal_notice`` and ``overdue_suspension``), so the policy text and this report cannot
disagree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..model._acknowledgements import Record, check_records, load_records, version_key
from ..model._documents import HistoryEntry, PolicyDoc
from ..model._people import Person, load_roster
from ..program._program import Program
from ..render._context import add_months
from ..render._escape import markdown_text
from ..render._render import long_date
from ._evidence import AuditWindow, audit_window, spreadsheet_safe

NEW_HIRE = "acknowledgement_new_hire_days"
MATERIAL_CHANGE = "acknowledgement_material_change_days"
RENEWAL = "acknowledgement_renewal"
RENEWAL_NOTICE = "acknowledgement_renewal_notice"
SUSPENSION = "overdue_suspension"
COMMITMENTS: tuple[str, ...] = (NEW_HIRE, MATERIAL_CHANGE, RENEWAL, RENEWAL_NOTICE, SUSPENSION)
# Which deadline an acknowledgement owed falls under, as the status names it.
REASONS: dict[str, str] = {
    "joined": "joiner deadline",
    "version": "material change deadline",
    "renewal": "yearly renewal deadline",
}


# ---------------------------------------------------------------------------------------------- deadlines
@dataclass(frozen=True)
class Period:
    """A commitment's length, as a number and a unit of the commitment catalog."""

    value: float
    unit: str

    def after(self, day: dt.date) -> dt.date:
        """Return the date this period after ``day`` (business days skip weekends)."""
        count = int(self.value)
        if self.unit in ("month", "year"):
            return add_months(day, count * (12 if self.unit == "year" else 1))
        if self.unit == "business_day":
            current = day
            while count > 0:
                current += dt.timedelta(days=1)
                count -= current.weekday() < 5
            return current
        per_unit = {"day": 1, "week": 7}.get(self.unit)
        if per_unit is None:  # hours or minutes: a deadline within the day, counted from its start
            return day + dt.timedelta(hours=self.value * (1 / 60 if self.unit == "minute" else 1))
        return day + dt.timedelta(days=count * per_unit)


@dataclass(frozen=True)
class Deadlines:
    """The acknowledgement deadlines the policies commit to, and the follow-up of a missed one."""

    new_hire: Period
    material_change: Period
    renewal: Period
    renewal_notice: Period
    suspension: Period

    def rule(self, reason: str) -> str:
        """Return the deadline a reason falls under, in the policies' words: ``within 30 days of the start date``."""
        if reason == "joined":
            return f"within {_words(self.new_hire)} of the start date"
        if reason == "version":
            return f"within {_words(self.material_change)} of the version's approval"
        return f"within {_words(self.renewal)} of the last acknowledgement"


def deadlines(program: Program) -> Deadlines:
    """Return the company's acknowledgement deadlines from the named commitments."""
    values = program.commitments
    periods = {name: Period(values[name].value, values[name].unit) for name in COMMITMENTS}
    return Deadlines(periods[NEW_HIRE], periods[MATERIAL_CHANGE], periods[RENEWAL], periods[RENEWAL_NOTICE],
                     periods[SUSPENSION])


# ---------------------------------------------------------------------------------------------- versions
def is_material(entry: HistoryEntry, previous: HistoryEntry | None) -> bool:
    """Return whether people must accept this version again (see ``HistoryEntry.acknowledge``)."""
    if entry.acknowledge is not None:
        return entry.acknowledge == "required"
    return previous is None or version_key(entry.version)[0] != version_key(previous.version)[0]


def required_version(doc: PolicyDoc, today: dt.date) -> HistoryEntry | None:
    """Return the latest material version of a policy approved by ``today``."""
    found: HistoryEntry | None = None
    previous: HistoryEntry | None = None
    for entry in sorted(doc.history, key=lambda e: version_key(e.version)):
        if entry.date <= today and is_material(entry, previous):
            found = entry
        previous = entry
    return found


def policy_versions(program: Program) -> dict[str, dict[str, dt.date]]:
    """Return each policy's approved versions with their approval dates."""
    return {doc.id: {entry.version: entry.date for entry in doc.history} for doc in program.ordered_policies()}


# ---------------------------------------------------------------------------------------------- status
@dataclass(frozen=True)
class Owed:
    """One acknowledgement a person still has to make."""

    person: Person
    policy: PolicyDoc
    version: str
    reason: str
    due: dt.date

    def overdue(self, today: dt.date) -> bool:
        """Return whether the deadline has passed."""
        return self.due < today

    def suspension(self, limits: Deadlines) -> dt.date:
        """Return the day access is suspended if the acknowledgement is still not made (POL-02's one escalation)."""
        return limits.suspension.after(self.due)


@dataclass(frozen=True)
class AckStatus:
    """The state of acknowledgements on one day."""

    today: dt.date
    deadlines: Deadlines
    people: tuple[Person, ...]
    records: tuple[Record, ...]
    policies: tuple[PolicyDoc, ...]
    owed: tuple[Owed, ...]
    horizon: dt.date

    @property
    def active(self) -> tuple[Person, ...]:
        """Return the people working for the company today."""
        return tuple(p for p in self.people if p.active_on(self.today))

    def overdue(self) -> tuple[Owed, ...]:
        """Return the acknowledgements past their deadline."""
        return tuple(o for o in self.owed if o.overdue(self.today))

    def outstanding(self) -> tuple[Owed, ...]:
        """Return what is owed now, or falls due by the horizon (renewals coming up)."""
        return tuple(o for o in self.owed if o.reason != "renewal" or o.due <= self.horizon)


def _latest(records: Iterable[Record], minimum: str) -> Record | None:
    good = [r for r in records if version_key(r.version) >= version_key(minimum)]
    return max(good, key=lambda r: (r.date, version_key(r.version)), default=None)


def acknowledgement_status(program: Program, people: Iterable[Person], records: Iterable[Record],
                           today: dt.date | None = None, lookahead_days: int | None = None) -> AckStatus:
    """Return who owes which policy: joiners, people behind a material change, and yearly renewals.

    Renewals are listed from the day the Head of People assigns them (``acknowledgement_renewal_notice``
    before they fall due) unless ``lookahead_days`` says otherwise.
    """
    today = today or program.as_of
    limits = deadlines(program)
    people = tuple(people)
    records = tuple(records)
    by_pair: dict[tuple[str, str], list[Record]] = defaultdict(list)
    for record in records:
        by_pair[(record.email, record.policy)].append(record)
    owed: list[Owed] = []
    policies = tuple(program.ordered_policies())
    for person in people:
        if not person.active_on(today):
            continue
        for doc in policies:
            needed = required_version(doc, today)
            if needed is None:
                continue
            mine = by_pair.get((person.email, doc.id), [])
            latest = _latest(mine, needed.version)
            if latest is not None:
                owed.append(Owed(person, doc, doc.version, "renewal", limits.renewal.after(latest.date)))
                continue
            joined_after = person.start > needed.date
            due = max(limits.new_hire.after(person.start), limits.material_change.after(needed.date))
            owed.append(Owed(person, doc, needed.version, "joined" if joined_after and not mine else "version", due))
    horizon = (limits.renewal_notice.after(today) if lookahead_days is None
               else today + dt.timedelta(days=lookahead_days))
    kept = [o for o in owed if o.reason != "renewal" or o.due <= horizon]
    kept.sort(key=lambda o: (o.due, o.person.email, o.policy.id))
    return AckStatus(today, limits, people, records, policies, tuple(kept), horizon)


def load_status(program: Program, repo: Path, today: dt.date | None = None,
                lookahead_days: int | None = None) -> AckStatus:
    """Read the roster and the records of a company repository, check them, and return the status."""
    from ..model._acknowledgements import RECORDS_FILE

    today = today or program.as_of
    people = load_roster(repo)
    records = load_records(repo)
    problems = check_records(records, RECORDS_FILE, {p.email: p.start for p in people}, policy_versions(program),
                             today)
    if problems:
        raise PolicyforgeError(problems)
    return acknowledgement_status(program, people, records, today, lookahead_days)


# ---------------------------------------------------------------------------------------------- text
def status_lines(status: AckStatus) -> list[str]:
    """Return the terminal report: one line per acknowledgement owed, overdue first, then a summary."""
    lines: list[str] = []
    limits = status.deadlines
    for item in sorted(status.owed, key=lambda o: (not o.overdue(status.today), o.due, o.person.email)):
        late = item.overdue(status.today)
        state = f"OVERDUE since {item.due}" if late else f"due {item.due}"
        follow_up = f"; access suspended from {item.suspension(limits)} until it is made" if late else ""
        lines.append(f"{state}: {item.person.name} <{item.person.email}> ({item.person.team or 'no team'}) "
                     f"{item.policy.id} {item.version} — {REASONS[item.reason]}, {limits.rule(item.reason)}"
                     f"{follow_up}")
    late_by = {reason: sum(1 for o in status.overdue() if o.reason == reason) for reason in REASONS}
    if any(late_by.values()):
        lines.append("past deadline: " + ", ".join(f"{count} {REASONS[reason]}" for reason, count in late_by.items()))
    pairs = len(status.active) * len(status.policies)
    done = pairs - sum(1 for o in status.owed if o.reason != "renewal" or o.overdue(status.today))
    lines.append(f"{len(status.active)} people x {len(status.policies)} policies: {done} of {pairs} acknowledged "
                 f"and current; {len(status.overdue())} overdue, {len(status.owed)} owed or due by "
                 f"{status.horizon} (as of {status.today})")
    return lines


# ---------------------------------------------------------------------------------------------- page
def _pct(done: int, total: int) -> str:
    return f"{100 * done / total:.0f}%" if total else "—"


def acknowledgement_page(program: Program, repo: Path) -> str:
    """Return the site page "Policy acknowledgements": completion by policy and by team, and who is late."""
    out = ["# Policy acknowledgements\n"]
    people = load_roster(repo)
    if not people:
        out.append("No roster yet. Import the people export of the HR system with `policyforge people import "
                   "EXPORT.csv --format NAME`; this page then shows who has acknowledged each policy.\n")
        return "\n".join(out)
    status = load_status(program, repo)
    limits = status.deadlines
    out.append(markdown_text(
        f"As of {long_date(status.today)}: {len(status.active)} people, {len(status.policies)} policies. "
        f"Joiners acknowledge each policy within {_words(limits.new_hire)} of their start date, everyone "
        f"accepts a material change within {_words(limits.material_change)} of its approval, and renews each policy "
        f"within {_words(limits.renewal)} of their last acknowledgement of it. Access is suspended "
        f"{_words(limits.suspension)} after a missed deadline until the acknowledgement is made.") + "\n")
    late = {(o.person.email, o.policy.id) for o in status.owed if o.reason != "renewal" or o.overdue(status.today)}
    overdue = {(o.person.email, o.policy.id) for o in status.overdue()}
    out += ["## By policy {#by-policy}\n", "| Policy | Version to acknowledge | People | Acknowledged | Overdue | "
            "Complete |", "|---|---|---:|---:|---:|---:|"]
    for doc in status.policies:
        needed = required_version(doc, status.today)
        total = len(status.active)
        owing = sum(1 for p in status.active if (p.email, doc.id) in late)
        late_count = sum(1 for p in status.active if (p.email, doc.id) in overdue)
        out.append(f"| [{markdown_text(doc.title)}]({doc.filename}) | {needed.version if needed else '—'} | "
                   f"{total} | {total - owing} | {late_count} | {_pct(total - owing, total)} |")
    out += ["", "## By team {#by-team}\n", "| Team | People | Fully acknowledged | With overdue items | Complete |",
            "|---|---:|---:|---:|---:|"]
    teams: dict[str, list[Person]] = defaultdict(list)
    for person in status.active:
        teams[person.team or "(no team)"].append(person)
    for team in sorted(teams):
        members = teams[team]
        full = sum(1 for p in members if not any((p.email, d.id) in late for d in status.policies))
        behind = sum(1 for p in members if any((p.email, d.id) in overdue for d in status.policies))
        out.append(f"| {markdown_text(team)} | {len(members)} | {full} | {behind} | {_pct(full, len(members))} |")
    out += ["", "## Overdue {#overdue}\n"]
    rows = status.overdue()
    if not rows:
        out.append("Nobody is past a deadline.")
    else:
        out += ["| Person | Team | Policy | Version | Reason | Due |", "|---|---|---|---|---|---|"]
        for item in rows:
            out.append(f"| {markdown_text(item.person.name)} | {markdown_text(item.person.team)} | {item.policy.id} | "
                       f"{item.version} | {REASONS[item.reason]} | {item.due.isoformat()} |")
    return "\n".join(out) + "\n"


def _words(period: Period) -> str:
    from ..render._commit import unit_phrase

    return unit_phrase(period.value, period.unit)


# ---------------------------------------------------------------------------------------------- evidence
POPULATION_COLUMNS: tuple[str, ...] = ("Email", "Name", "Team", "Type", "Start date", "End date", "Joined in window",
                                       "Left in window")
RECORD_EXPORT_COLUMNS: tuple[str, ...] = ("Email", "Name", "Team", "Policy", "Title", "Version", "Acknowledged on",
                                          "Source")


def population(status: AckStatus, window: AuditWindow) -> list[tuple[str, ...]]:
    """Return everyone who worked for the company during the audit window: the auditor samples from it."""
    rows: list[tuple[str, ...]] = []
    for person in sorted(status.people, key=lambda p: (p.start, p.email)):
        if person.overlaps(window.start, window.end):
            rows.append((person.email, person.name, person.team, person.kind, person.start.isoformat(),
                         person.end.isoformat() if person.end else "",
                         "yes" if window.start <= person.start <= window.end else "no",
                         "yes" if person.end and window.start <= person.end <= window.end else "no"))
    return rows


def record_rows(status: AckStatus, window: AuditWindow) -> list[tuple[str, ...]]:
    """Return the acknowledgement records of the population, oldest first, for the auditor's samples."""
    people = {p.email: p for p in status.people if p.overlaps(window.start, window.end)}
    titles = {doc.id: doc.title for doc in status.policies}
    rows: list[tuple[str, ...]] = []
    for record in sorted(status.records, key=lambda r: (r.date, r.email, r.policy, version_key(r.version))):
        person = people.get(record.email)
        if person is None or record.date > window.end:
            continue
        rows.append((record.email, person.name, person.team, record.policy, titles.get(record.policy, ""),
                     record.version, record.date.isoformat(), record.source))
    return rows


def table_csv(columns: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """Return a table as CSV with formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return buffer.getvalue()


def evidence_tables(program: Program, repo: Path) -> dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]]:
    """Return the personnel population and the acknowledgement records for the audit window, by sheet name."""
    status = load_status(program, repo)
    window = audit_window(program.facts)
    return {
        "Personnel population": (POPULATION_COLUMNS, population(status, window)),
        "Acknowledgements": (RECORD_EXPORT_COLUMNS, record_rows(status, window)),
    }


def add_sheets(book: object, tables: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]]) -> None:
    """Add one sheet per table to an openpyxl workbook: bold frozen header, filter, text cells kept text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    assert isinstance(book, Workbook)
    for title, (columns, rows) in tables.items():
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=number, column=column, value=value)
                cell.data_type = "s"
                cell.quotePrefix = str(value).startswith(("=", "+", "-", "@", "\t", "\r"))
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        sheet.freeze_panes = "A2"
        for column, name in enumerate(columns, start=1):
            width = max([len(name), *(len(str(r[column - 1])) for r in rows)]) + 2
            sheet.column_dimensions[get_column_letter(column)].width = min(width, 48)


def tables_xlsx(tables: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]], title: str,
                created: dt.date) -> bytes:
    """Return the tables as a workbook dated ``created`` (same tables, same bytes)."""
    from openpyxl import Workbook

    from ._workbook import workbook_bytes

    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    add_sheets(book, tables)
    return workbook_bytes(book, title, created)


EVIDENCE_NAMES: dict[str, str] = {"Personnel population": "personnel-population.csv",
                                  "Acknowledgements": "acknowledgement-records.csv"}


def evidence_files(program: Program, repo: Path, fmt: str) -> dict[str, str | bytes]:
    """Return the population and records files for the auditor: two CSVs, or one workbook."""
    tables = evidence_tables(program, repo)
    if fmt == "csv":
        return {EVIDENCE_NAMES[name]: table_csv(*table) for name, table in tables.items()}
    title = f"{program.facts.company.name} personnel and acknowledgements"
    return {"acknowledgements.xlsx": tables_xlsx(tables, title, program.as_of)}


def people_problems(program: Program, repo: Path, base_records: str | None = None) -> list[Problem]:
    """Return what is wrong with the roster and the records, for ``policyforge check``.

    ``base_records`` is the records file at the pull request's base: a change may only append to it.
    """
    from ..model._acknowledgements import RECORDS_FILE, rewritten_line

    try:
        load_status(program, repo)
    except PolicyforgeError as exc:
        return list(exc.problems)
    path = repo / RECORDS_FILE
    if base_records is not None:
        now = path.read_text(encoding="utf-8") if path.is_file() else ""
        line = rewritten_line(base_records, now)
        if line is not None:
            return [Problem(RECORDS_FILE, f"line {line} recorded before this change was changed or removed",
                            "restore it: acknowledgement records are only ever appended to", line)]
    return []
