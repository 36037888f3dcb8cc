"""Acknowledgement records: who accepted which version of which policy, and when.

The records live in the company repository (``people/acknowledgements.csv``) and are only ever
appended to: an import or ``policyforge acknowledge`` adds lines after the existing ones, so git
shows exactly what each change added and nothing recorded earlier is rewritten. Every row is
checked against the roster and the policies' approved versions, and a bad row is reported with
its file, line and the fix.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ._people import normal_email, parse_date, read_csv_rows, read_text, valid_email

RECORDS_FILE = "people/acknowledgements.csv"
RECORD_COLUMNS: tuple[str, ...] = ("email", "policy", "version", "date", "source")
_POLICY = re.compile(r"\bPOL-(\d{2})\b", re.IGNORECASE)
_VERSION = re.compile(r"^\d+\.\d+$")
_VERSION_IN = re.compile(r"\bv?(\d+\.\d+)\b")
_SOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._:@/+-]{0,119}$")


@dataclass(frozen=True)
class Record:
    """One acknowledgement: a person accepted one version of one policy on a date."""

    email: str
    policy: str
    version: str
    date: dt.date
    source: str
    line: int | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Return what makes a record unique: person, policy and version."""
        return (self.email, self.policy, self.version)

    def row(self) -> tuple[str, ...]:
        """Return the record as a CSV row of ``RECORD_COLUMNS``."""
        return (self.email, self.policy, self.version, self.date.isoformat(), self.source)


def version_key(version: str) -> tuple[int, int]:
    """Return a MAJOR.MINOR version as numbers, so 1.10 sorts after 1.9."""
    major, _, minor = version.partition(".")
    return (int(major), int(minor or 0))


def parse_records(text: str, where: str = RECORDS_FILE) -> list[Record]:
    """Parse the records file; rows that cannot be read at all are reported with line and fix."""
    header, rows = read_csv_rows(text, where)
    if tuple(header) != RECORD_COLUMNS:
        raise PolicyforgeError([Problem(where, f"header is {','.join(header)!r}",
                                        f"the first line must be {','.join(RECORD_COLUMNS)}", 1)])
    problems: list[Problem] = []
    records: list[Record] = []
    for line, row in rows:
        record = _record(row["email"], row["policy"], row["version"], row["date"], row["source"], where, line,
                         problems)
        if record:
            records.append(record)
    if problems:
        raise PolicyforgeError(problems)
    return records


def _record(email: str, policy: str, version: str, date: str, source: str, where: str, line: int,
            problems: list[Problem], formats: Iterable[str] = ()) -> Record | None:
    before = len(problems)
    email = normal_email(email)
    if not valid_email(email):
        problems.append(Problem(where, f"email {email!r} is not an address", "write the person's work email", line))
    policy = policy.strip().upper()
    if not re.fullmatch(r"POL-\d{2}", policy):
        problems.append(Problem(where, f"policy {policy!r} is not a policy id", "write an id such as POL-02", line))
    version = version.strip()
    if not _VERSION.match(version):
        problems.append(Problem(where, f"version {version!r} is not MAJOR.MINOR", "write the version, e.g. 1.2",
                                line))
    when = parse_date(date, formats)
    if when is None:
        problems.append(Problem(where, f"date {date.strip()!r} is not a date", "write it as YYYY-MM-DD", line))
    source = source.strip()
    if not _SOURCE.match(source):
        problems.append(Problem(where, f"source {source[:40]!r} is not a short label",
                                "name where the record came from, e.g. docusign-2026-q4.csv", line))
    if len(problems) > before or when is None:
        return None
    return Record(email, policy, version, when, source, line)


def load_records(repo: Path) -> list[Record]:
    """Read the company's acknowledgement records (none when the file does not exist yet)."""
    path = repo / RECORDS_FILE
    if not path.is_file():
        return []
    return parse_records(read_text(path, "the acknowledgement records"), RECORDS_FILE)


# ---------------------------------------------------------------------------------------------- checks
def check_records(records: Iterable[Record], where: str, people: Mapping[str, dt.date],
                  versions: Mapping[str, Mapping[str, dt.date]], today: dt.date,
                  recorded: Iterable[Record] = ()) -> list[Problem]:
    """Return a problem for every record that cannot be true.

    ``people`` maps each roster email to the person's start date, ``versions`` each policy to its
    approved versions and their dates, ``recorded`` the records already kept (a row repeating one
    of them in the same file is a duplicate).
    """
    problems: list[Problem] = []
    seen: dict[tuple[str, str, str], int | None] = {r.key: r.line for r in recorded}
    for record in records:
        line = record.line
        if record.email not in people:
            problems.append(Problem(where, f"{record.email} is not on the roster",
                                    "import the HR export first (policyforge people import), or correct the email",
                                    line))
        if record.date > today:
            problems.append(Problem(where, f"date {record.date} is in the future",
                                    f"write the date the person acknowledged, on or before {today}", line))
        known = versions.get(record.policy)
        if known is None:
            problems.append(Problem(where, f"{record.policy} is not a policy of this company",
                                    f"use one of {', '.join(sorted(versions))}", line))
        elif record.version not in known:
            problems.append(Problem(where, f"{record.policy} has no version {record.version}",
                                    f"use an approved version: {', '.join(sorted(known, key=version_key))}", line))
        elif record.date < known[record.version]:
            problems.append(Problem(where, f"{record.policy} {record.version} was approved on "
                                           f"{known[record.version]}, after this date ({record.date})",
                                    "check the date or the version", line))
        if record.key in seen:
            first = seen[record.key]
            problems.append(Problem(where, f"{record.email} acknowledged {record.policy} {record.version} already"
                                           + (f" (line {first})" if first else ""),
                                    "remove the duplicate row", line))
        else:
            seen[record.key] = line
    return problems


# ---------------------------------------------------------------------------------------------- imports
@dataclass(frozen=True)
class RecordFormat:
    """How an e-signature or HR export names the columns of an acknowledgement."""

    name: str
    title: str
    email: str
    document: str
    date: str
    version: str = ""
    date_formats: tuple[str, ...] = ()


def parse_record_export(text: str, where: str, fmt: RecordFormat, source: str,
                        policy_of: Callable[[str], str | None]) -> list[Record]:
    """Read an export of signed acknowledgements; ``policy_of`` finds a policy id in a document name.

    The document cell names the policy (its id such as POL-02 or ACME-POL-02, or its title); the
    version comes from its own column or from the document name ("... v1.2").
    """
    header, rows = read_csv_rows(text, where)
    wanted = [c for c in (fmt.email, fmt.document, fmt.date, fmt.version) if c]
    missing = [c for c in wanted if c not in header]
    if missing:
        raise PolicyforgeError([Problem(where, f"has no column {', '.join(repr(c) for c in missing)} expected by "
                                               f"the {fmt.title} format",
                                        "export those columns, or give --columns with the file's names", 1)])
    problems: list[Problem] = []
    records: list[Record] = []
    for line, row in rows:
        document = row[fmt.document].strip()
        policy = policy_of(document)
        if policy is None:
            problems.append(Problem(where, f"document {document[:60]!r} names no policy of this company",
                                    "name the policy by its id (POL-02) or its title in the document", line))
            continue
        version = row[fmt.version].strip() if fmt.version else ""
        if not version:
            found = _VERSION_IN.search(document.replace(policy, ""))
            version = found.group(1) if found else ""
        record = _record(row[fmt.email], policy, version, row[fmt.date], source, where, line, problems,
                         fmt.date_formats)
        if record:
            records.append(record)
    if problems:
        raise PolicyforgeError(problems)
    return records


def policy_finder(titles: Mapping[str, str]) -> Callable[[str], str | None]:
    """Return a function finding the policy a document name refers to, by id or by title."""
    by_title = {title.strip().lower(): pid for pid, title in titles.items()}

    def find(document: str) -> str | None:
        match = _POLICY.search(document)
        if match:
            pid = f"POL-{match.group(1)}"
            return pid if pid in titles else None
        lowered = document.lower()
        hits = [pid for title, pid in by_title.items() if title in lowered]
        return hits[0] if len(hits) == 1 else None

    return find


# ---------------------------------------------------------------------------------------------- writing
def records_text(records: Iterable[Record], header: bool) -> str:
    """Return records as CSV lines (with the header line when starting a file)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if header:
        writer.writerow(RECORD_COLUMNS)
    for record in records:
        writer.writerow(record.row())
    return buffer.getvalue()


def appended(existing: str | None, records: Iterable[Record]) -> str:
    """Return the records file with ``records`` added after every existing byte, which stays as it was."""
    if existing is None:
        return records_text(records, header=True)
    prefix = existing if not existing or existing.endswith("\n") else existing + "\n"
    return prefix + records_text(records, header=False)


def rewritten_line(before: str, after: str) -> int | None:
    """Return the first line of ``before`` that ``after`` changed or dropped (None when only appended to)."""
    old, new = before.splitlines(), after.splitlines()
    for number, line in enumerate(old, start=1):
        if number > len(new) or new[number - 1] != line:
            return number
    return None
