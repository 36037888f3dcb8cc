"""The people who must acknowledge the policies: a roster kept in the company repository.

Auditors sample people from the population employed during the audit window, so the roster is
a CSV file in git (``people/roster.csv``) rather than a copy held only in the HR system. It is
refreshed by importing the CSV export of the HR system or identity provider; the column names of
each export are data (``catalog/hr_exports.yaml``, or a company's own mapping file), and a
re-import updates joiners and leavers without dropping anyone already listed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .._errors import PolicyforgeError, Problem, yaml_problem

ROSTER_FILE = "people/roster.csv"
MAPPING_FILE = "people/hr-mapping.yml"
HR_EXPORTS_FILE = "catalog/hr_exports.yaml"
ROSTER_COLUMNS: tuple[str, ...] = ("email", "name", "team", "start_date", "end_date", "type")
KINDS: tuple[str, ...] = ("employee", "contractor")
# Roster fields an HR export may supply; ``name`` may be several columns joined by a space.
MAPPED_FIELDS: tuple[str, ...] = ("email", "name", "team", "start_date", "end_date", "type")
REQUIRED_FIELDS: tuple[str, ...] = ("email", "name", "start_date")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_MAX_TEXT = 200


@dataclass(frozen=True)
class Person:
    """One person on the roster: who they are, where they work and when."""

    email: str
    name: str
    team: str
    start: dt.date
    end: dt.date | None
    kind: str
    line: int | None = None

    def active_on(self, day: dt.date) -> bool:
        """Return whether the person works for the company on ``day``."""
        return self.start <= day and (self.end is None or self.end >= day)

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """Return whether the person worked for the company at any time from ``first`` to ``last``."""
        return self.start <= last and (self.end is None or self.end >= first)

    def row(self) -> tuple[str, ...]:
        """Return the person as a roster CSV row."""
        return (self.email, self.name, self.team, self.start.isoformat(), self.end.isoformat() if self.end else "",
                self.kind)


def normal_email(text: str) -> str:
    """Return an address as the roster stores it (trimmed, lower case) so lookups agree."""
    return text.strip().lower()


def valid_email(text: str) -> bool:
    """Return whether ``text`` is a plain address such as ``name@example.com``."""
    return bool(_EMAIL.match(text))


def _text(value: str, field: str, where: str, line: int, problems: list[Problem]) -> str:
    value = value.strip()
    if any(ord(ch) < 32 for ch in value) or len(value) > _MAX_TEXT:
        problems.append(Problem(where, f"{field}: {value[:40]!r} has control characters or is too long",
                                f"write at most {_MAX_TEXT} plain characters", line))
        return ""
    return value


def read_csv_rows(text: str, where: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return a CSV's header and its rows, each with the line it starts on; blank rows are skipped."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise PolicyforgeError([Problem(where, "is empty", "export the file again with its header row", 1)]) from None
    except csv.Error as exc:
        raise PolicyforgeError([Problem(where, f"is not valid CSV: {exc}", "export it again as CSV", 1)]) from None
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num + 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise PolicyforgeError([Problem(where, f"is not valid CSV: {exc}", "check the quotes on this line",
                                        line)]) from None
    return header, rows


def read_text(path: Path, what: str) -> str:
    """Read a UTF-8 text file, reporting a missing or unreadable file as bad input."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyforgeError([Problem(str(path), "not found", f"give the path of {what}")]) from None
    except UnicodeDecodeError:
        raise PolicyforgeError([Problem(str(path), "is not UTF-8 text", "export it again as UTF-8 CSV")]) from None
    except IsADirectoryError:
        raise PolicyforgeError([Problem(str(path), "is a folder", f"give the path of {what}")]) from None


@dataclass(frozen=True)
class EmailWording:
    """How a reader words a bad or repeated address, in the terms of the file the user fixes.

    ``bad`` is formatted with ``raw`` (the cell as typed) and ``email`` (normalised).
    """

    bad: str
    bad_fix: str
    twice: str
    twice_fix: str


ROSTER_EMAIL = EmailWording("email {raw!r} is not an address", "write the work email, such as name@example.com",
                            "is listed twice", "keep one row per person")
EXPORT_EMAIL = EmailWording("work email {email!r} is not an address",
                            "fill in the work email in the HR system, or remove the row",
                            "appears twice", "export one row per person")


def _row_email(raw: str, seen: dict[str, int], at: tuple[str, int], problems: list[Problem],
               wording: EmailWording) -> str | None:
    """Return a row's normalised address, or None with the problem recorded when it is bad or already seen."""
    where, line = at
    email = normal_email(raw)
    if not valid_email(email):
        problems.append(Problem(where, wording.bad.format(raw=raw, email=email), wording.bad_fix, line))
        return None
    if email in seen:
        problems.append(Problem(where, f"{email} {wording.twice} (first on line {seen[email]})", wording.twice_fix,
                                line))
        return None
    seen[email] = line
    return email


# ---------------------------------------------------------------------------------------------- roster
def parse_roster(text: str, where: str = ROSTER_FILE) -> list[Person]:
    """Parse ``people/roster.csv``; every bad row is reported with its line and the fix."""
    header, rows = read_csv_rows(text, where)
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if missing:
        raise PolicyforgeError([Problem(where, f"lacks the column(s) {', '.join(missing)}",
                                        f"start the file with the header {','.join(ROSTER_COLUMNS)}", 1)])
    problems: list[Problem] = []
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        email = _row_email(row["email"], seen, (where, line), problems, ROSTER_EMAIL)
        if email is None:
            continue
        start = _date(row["start_date"], "start_date", where, line, problems)
        end = _date(row["end_date"], "end_date", where, line, problems) if row["end_date"].strip() else None
        kind = row["type"].strip().lower()
        if kind not in KINDS:
            problems.append(Problem(where, f"type {row['type']!r} is not employee or contractor",
                                    "write employee or contractor", line))
        name = _text(row["name"], "name", where, line, problems)
        if not name:
            problems.append(Problem(where, f"{email} has no name", "write the person's full name", line))
        if start and end and end < start:
            problems.append(Problem(where, f"{email} ends ({end}) before they start ({start})",
                                    "correct start_date or end_date", line))
        if start is None or kind not in KINDS or not name:
            continue
        people.append(Person(email, name, _text(row["team"], "team", where, line, problems), start, end, kind, line))
    if problems:
        raise PolicyforgeError(problems)
    return people


def parse_date(text: str, formats: Iterable[str] = ()) -> dt.date | None:
    """Return a date written as YYYY-MM-DD (a timestamp's date part) or in one of ``formats``."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(raw: str, field: str, where: str, line: int, problems: list[Problem],
          formats: Iterable[str] = ()) -> dt.date | None:
    if not raw.strip():
        return None
    found = parse_date(raw, formats)
    if found is not None:
        return found
    problems.append(Problem(where, f"{field}: {raw!r} is not a date",
                            "write it as YYYY-MM-DD" + (" or as the export writes it" if formats else ""), line))
    return None


def load_roster(repo: Path) -> list[Person]:
    """Read the company's roster; a repository without one has nobody on it yet."""
    path = repo / ROSTER_FILE
    if not path.is_file():
        return []
    return parse_roster(read_text(path, "the roster"), ROSTER_FILE)


def roster_csv(people: Iterable[Person]) -> str:
    """Return the roster as CSV in the order given (existing people first keeps diffs small)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for person in people:
        writer.writerow(person.row())
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- mappings
@dataclass(frozen=True)
class ExportFormat:
    """How one HR system's CSV export names the roster's fields."""

    name: str
    title: str
    columns: Mapping[str, tuple[str, ...]]
    contractor: tuple[str, ...]
    date_formats: tuple[str, ...]


def _format_from(name: str, raw: Any, where: str) -> ExportFormat:
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise PolicyforgeError([Problem(where, f"{name}: is not a mapping", "give title, columns, contractor, "
                                                                             "date_formats")])
    columns_raw = raw.get("columns")
    columns: dict[str, tuple[str, ...]] = {}
    if not isinstance(columns_raw, dict):
        problems.append(Problem(where, f"{name}: needs `columns:`", "map email, name and start_date to the "
                                                                    "export's column names"))
        columns_raw = {}
    for field, value in columns_raw.items():
        if field not in MAPPED_FIELDS:
            problems.append(Problem(where, f"{name}: {field!r} is not a roster field",
                                    f"map only {', '.join(MAPPED_FIELDS)}"))
            continue
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            problems.append(Problem(where, f"{name}: {field} must name a column or a list of columns",
                                    f"write {field}: Work Email"))
            continue
        columns[field] = tuple(n.strip() for n in names)
    for field in REQUIRED_FIELDS:
        if field not in columns and isinstance(raw.get("columns"), dict):
            problems.append(Problem(where, f"{name}: no column given for {field}", f"add {field}: <column name>"))
    contractor = raw.get("contractor", [])
    formats = raw.get("date_formats", [])
    for key, value in (("contractor", contractor), ("date_formats", formats)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(Problem(where, f"{name}: {key} must be a list of text", f"write {key}: [..]"))
    if problems:
        raise PolicyforgeError(problems)
    return ExportFormat(name, str(raw.get("title") or name), columns,
                        tuple(v.strip().lower() for v in contractor), tuple(formats))


def _yaml_file(path: Path, what: str) -> Any:
    text = read_text(path, what)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyforgeError([yaml_problem(exc, str(path))]) from None


def export_formats(library_root: Path) -> dict[str, ExportFormat]:
    """Return the HR export formats the library ships (``catalog/hr_exports.yaml``)."""
    path = library_root / HR_EXPORTS_FILE
    data = _yaml_file(path, "the HR export catalog")
    entries = data.get("formats") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise PolicyforgeError([Problem(str(path), "must hold a `formats:` mapping", "see the comment at its top")])
    return {str(name): _format_from(str(name), raw, str(path)) for name, raw in entries.items()}


def mapping_file_format(path: Path) -> ExportFormat:
    """Return the format a company describes in its own mapping file (same keys as one catalog entry)."""
    return _format_from(path.stem, _yaml_file(path, "the column mapping"), str(path))


# ---------------------------------------------------------------------------------------------- import
@dataclass(frozen=True)
class RosterImport:
    """The roster after an import, and what changed: who joined, who left, who else changed."""

    people: tuple[Person, ...]
    joined: tuple[str, ...]
    left: tuple[str, ...]
    changed: tuple[str, ...]
    absent: tuple[str, ...]

    def summary(self) -> str:
        """Return one line saying what the import did."""
        text = (f"{len(self.people)} people on the roster: {len(self.joined)} joined, {len(self.left)} left, "
                f"{len(self.changed)} changed")
        if self.absent:
            text += f"; {len(self.absent)} not in this export kept as they were"
        return text


def _cell(row: Mapping[str, str], columns: tuple[str, ...]) -> str:
    return " ".join(row.get(c, "").strip() for c in columns if row.get(c, "").strip())


def parse_export(text: str, where: str, fmt: ExportFormat) -> list[Person]:
    """Read an HR system's CSV export into people, reporting every bad row with its line and the fix."""
    header, rows = read_csv_rows(text, where)
    missing = sorted({c for field, cols in fmt.columns.items() for c in cols if c not in header})
    if missing:
        raise PolicyforgeError([Problem(where, f"has no column {', '.join(repr(c) for c in missing)} "
                                               f"expected by the {fmt.title} format",
                                        f"export those columns, or describe the file's columns in {MAPPING_FILE}",
                                        1)])
    problems: list[Problem] = []
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        email = _row_email(_cell(row, fmt.columns["email"]), seen, (where, line), problems, EXPORT_EMAIL)
        if email is None:
            continue
        start = _date(_cell(row, fmt.columns["start_date"]), "start date", where, line, problems, fmt.date_formats)
        end_text = _cell(row, fmt.columns.get("end_date", ()))
        end = _date(end_text, "end date", where, line, problems, fmt.date_formats) if end_text else None
        name = _text(_cell(row, fmt.columns["name"]), "name", where, line, problems)
        if not name:
            problems.append(Problem(where, f"{email} has no name", "fill in the name in the HR system", line))
        kind_text = _cell(row, fmt.columns.get("type", ())).lower()
        kind = "contractor" if kind_text and any(word in kind_text for word in fmt.contractor) else "employee"
        if start and end and end < start:
            problems.append(Problem(where, f"{email} ends ({end}) before they start ({start})",
                                    "correct the dates in the HR system", line))
        if start is None or not name:
            continue
        team = _text(_cell(row, fmt.columns.get("team", ())), "team", where, line, problems)
        people.append(Person(email, name, team, start, end, kind, line))
    if problems:
        raise PolicyforgeError(problems)
    return people


def merge_roster(current: Iterable[Person], incoming: Iterable[Person]) -> RosterImport:
    """Merge an export into the roster: update who is in it, add joiners, keep everyone else.

    Nobody is removed: a person missing from the export (a filtered report, or someone the HR
    system purged) keeps their row, dates and acknowledgement history. An end date given by the
    export marks a leaver; the end date already recorded is kept when the export has none for a
    person who has not been rehired (a later start date is a rehire).
    """
    people = {p.email: replace(p, line=None) for p in current}
    order = list(people)
    joined: list[str] = []
    left: list[str] = []
    changed: list[str] = []
    seen: set[str] = set()
    for new in incoming:
        seen.add(new.email)
        new = replace(new, line=None)
        old = people.get(new.email)
        if old is None:
            people[new.email] = new
            order.append(new.email)
            joined.append(new.email)
            continue
        if new.end is None and old.end is not None and new.start <= old.end:
            new = replace(new, end=old.end)
        if new == old:
            continue
        if new.end is not None and old.end != new.end:
            left.append(new.email)
        else:
            changed.append(new.email)
        people[new.email] = new
    absent = tuple(email for email in order if email not in seen)
    return RosterImport(tuple(people[e] for e in order), tuple(joined), tuple(left), tuple(changed), absent)
