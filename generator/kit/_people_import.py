"""Bring people and acknowledgements into the company repository from the exports of other systems.

Both imports check every row before writing anything: a bad row stops the import with file, line
and fix, and the roster or records file stays as it was. The roster is rewritten whole (people
keep their rows, new ones are added at the end); the records file is only appended to.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._errors import PolicyforgeError, Problem, yaml_problem
from ..model._acknowledgements import (
    RECORDS_FILE,
    Record,
    RecordFormat,
    appended,
    check_records,
    load_records,
    parse_record_export,
    policy_finder,
)
from ..model._people import (
    HR_EXPORTS_FILE,
    MAPPING_FILE,
    ROSTER_FILE,
    ExportFormat,
    RosterImport,
    export_formats,
    load_roster,
    mapping_file_format,
    merge_roster,
    parse_export,
    read_text,
    roster_csv,
)
from ..program._program import Program
from ..repo._files import write_atomic
from ._acknowledgement import policy_versions


def record_format(library_root: Path, name: str | None, mapping: Path | None) -> RecordFormat:
    """Return the acknowledgement export format: a mapping file, or a shipped one by name (default ours)."""
    raw: object
    if mapping is not None:
        where, key, raw = str(mapping), mapping.stem, _yaml(mapping)
    else:
        path = library_root / HR_EXPORTS_FILE
        data = _yaml(path)
        formats = data.get("acknowledgement_formats") if isinstance(data, dict) else None
        if not isinstance(formats, dict):
            raise PolicyforgeError([Problem(str(path), "lacks `acknowledgement_formats:`", "restore the library file")])
        key = name or "policyforge"
        if key not in formats:
            raise PolicyforgeError([Problem("--format", f"{key!r} is not a known acknowledgement export",
                                            f"choose one of {', '.join(formats)}, or give --mapping FILE")])
        where, raw = str(path), formats[key]
    fields = ("email", "document", "date", "version")
    columns = raw.get("columns") if isinstance(raw, dict) else None
    dates = raw.get("date_formats", []) if isinstance(raw, dict) else []
    if (not isinstance(columns, dict) or any(k not in fields for k in columns)
            or not all(isinstance(columns.get(k), str) for k in fields[:3])
            or not isinstance(columns.get("version", ""), str)
            or not isinstance(dates, list) or not all(isinstance(d, str) for d in dates)):
        raise PolicyforgeError([Problem(where, f"{key}: needs columns email, document and date (version optional) "
                                               "and a list of date_formats",
                                        "write columns: {email: Signer, document: Title, date: Signed}")])
    assert isinstance(raw, dict)
    return RecordFormat(key, str(raw.get("title") or key), columns["email"], columns["document"], columns["date"],
                        columns.get("version", ""), tuple(dates))


def _yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(read_text(path, "the column mapping"))
    except yaml.YAMLError as exc:
        raise PolicyforgeError([yaml_problem(exc, str(path))]) from None


def choose_format(repo: Path, library_root: Path, name: str | None, mapping: Path | None) -> ExportFormat:
    """Return the export format: a mapping file given, the company's own, or a shipped one by name."""
    if mapping is not None:
        return mapping_file_format(mapping)
    formats = export_formats(library_root)
    if name is None:
        own = repo / MAPPING_FILE
        if own.is_file():
            return mapping_file_format(own)
        raise PolicyforgeError([Problem("--format", "no format given",
                                        f"choose one of {', '.join(formats)}, or describe your export's columns in "
                                        f"{MAPPING_FILE}")])
    if name not in formats:
        raise PolicyforgeError([Problem("--format", f"{name!r} is not a known HR export",
                                        f"choose one of {', '.join(formats)}, or give --mapping FILE")])
    return formats[name]


def import_people(repo: Path, export: Path, fmt: ExportFormat) -> RosterImport:
    """Merge an HR export into ``people/roster.csv`` and write it; nothing is written on a bad row."""
    incoming = parse_export(read_text(export, "the HR export"), str(export), fmt)
    result = merge_roster(load_roster(repo), incoming)
    write_atomic(repo / ROSTER_FILE, roster_csv(result.people))
    return result


@dataclass(frozen=True)
class RecordImport:
    """What an import of acknowledgements added, and what it found already recorded."""

    added: tuple[Record, ...]
    already: int


def add_records(program: Program, repo: Path, new: list[Record], where: str, today: dt.date) -> RecordImport:
    """Check new records against the roster, the policies and the records kept, then append them.

    A row that repeats a record already kept is counted, not added (a re-exported report carries
    earlier signatures again); a row repeated within the same file is a bad row.
    """
    people = {p.email: p.start for p in load_roster(repo)}
    kept = load_records(repo)
    kept_keys = {r.key for r in kept}
    fresh = [r for r in new if r.key not in kept_keys]
    problems = check_records(fresh, where, people, policy_versions(program), today)
    if problems:
        raise PolicyforgeError(problems)
    if fresh:
        path = repo / RECORDS_FILE
        existing = path.read_text(encoding="utf-8") if path.is_file() else None
        text = appended(existing, fresh)
        assert existing is None or text.startswith(existing.rstrip("\n"))
        write_atomic(path, text)
    return RecordImport(tuple(fresh), len(new) - len(fresh))


def import_records(program: Program, repo: Path, export: Path, fmt: RecordFormat, today: dt.date) -> RecordImport:
    """Import signed acknowledgements from an e-signature or HR export (the file name is the source)."""
    titles = {doc.id: doc.title for doc in program.ordered_policies()}
    source = re.sub(r"[^A-Za-z0-9 ._:@/+-]", "-", export.name)[:100] or "import"
    records = parse_record_export(read_text(export, "the acknowledgement export"), str(export), fmt, source,
                                  policy_finder(titles))
    return add_records(program, repo, records, str(export), today)
