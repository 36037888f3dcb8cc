"""Who owes which policy: new joiners, material changes and yearly renewals, with deadlines from commitments."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from people_fixtures import Hire, company, rippling_csv
from policyforge import PolicyforgeError
from policyforge.kit._acknowledgement import (
    acknowledgement_page,
    deadlines,
    evidence_files,
    is_material,
    load_status,
    required_version,
    status_lines,
)
from policyforge.kit._people_import import import_people, import_records, record_format
from policyforge.model import HistoryEntry, Library, facts_from_answers, load_library, resolve_answers
from policyforge.model._acknowledgements import RECORDS_FILE, Record, records_text
from policyforge.model._library import library_root
from policyforge.model._people import export_formats
from policyforge.program import Program, program_from_library

EFFECTIVE = dt.date(2026, 12, 1)  # the example company's policy effective date
TODAY = dt.date(2027, 3, 1)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def program_for(library: Library, as_of: dt.date = TODAY) -> Program:
    return program_from_library(facts_from_answers(resolve_answers({})), library, as_of=as_of)


def with_version(program: Program, policy: str, version: str, on: dt.date, acknowledge: str | None = None) -> None:
    doc = program.policies[policy]
    entry = HistoryEntry(version, on, "Priya Natarajan", "Dana Whitfield", "A change", acknowledge)
    program.policies[policy] = dataclasses.replace(doc, version=version, history=(*doc.history, entry))


def people_repo(tmp_path: Path, people: list[Hire]) -> Path:
    export = tmp_path / "rippling.csv"
    export.write_text(rippling_csv(people), encoding="utf-8")
    import_people(tmp_path, export, export_formats(library_root())["rippling"])
    return tmp_path


def write_records(repo: Path, records: list[Record]) -> None:
    (repo / RECORDS_FILE).write_text(records_text(records, header=True), encoding="utf-8")


def everyone_acknowledged(program: Program, people: list[Hire], on: dt.date) -> list[Record]:
    return [Record(p.email, doc.id, doc.history[0].version, max(on, p.start), "rippling")
            for p in people for doc in program.ordered_policies() if p.start <= TODAY]


# ------------------------------------------------------------------------------------------- versions
def test_a_new_major_version_is_material_and_a_minor_one_is_not_unless_flagged() -> None:
    one = HistoryEntry("1.0", EFFECTIVE, "a", "b", "first")
    assert is_material(one, None)
    assert not is_material(HistoryEntry("1.1", EFFECTIVE, "a", "b", "typo"), one)
    assert is_material(HistoryEntry("2.0", EFFECTIVE, "a", "b", "new rule"), one)
    assert is_material(HistoryEntry("1.1", EFFECTIVE, "a", "b", "new rule", "required"), one)
    assert not is_material(HistoryEntry("2.0", EFFECTIVE, "a", "b", "renumbered", "not-required"), one)


def test_deadlines_come_from_the_named_commitments(library: Library) -> None:
    program = program_for(library)
    limits = deadlines(program)
    values = program.commitments
    assert (limits.new_hire.value, limits.new_hire.unit) == (values["acknowledgement_new_hire_days"].value,
                                                             values["acknowledgement_new_hire_days"].unit)
    assert limits.renewal.after(dt.date(2026, 12, 10)) == dt.date(2027, 12, 10)


# ------------------------------------------------------------------------------------------- status
def test_status_of_sixty_people_after_a_material_change_joins_and_leavers(library: Library, tmp_path: Path) -> None:
    program = program_for(library)
    people = company(60, first_start=dt.date(2024, 6, 3))  # starts every 11 days, the last in 2026-03
    joiners = [dataclasses.replace(p, start=dt.date(2027, 1, 4) + dt.timedelta(days=20 * n),
                                   email=f"joiner{n}@acme.example") for n, p in enumerate(people[:4])]
    leaver = dataclasses.replace(people[5], end=dt.date(2026, 11, 30))
    roster = [leaver if p.email == leaver.email else p for p in people] + joiners
    repo = people_repo(tmp_path, roster)
    limits = deadlines(program)
    # Everybody employed at the rollout accepted every policy on time; the leaver never did.
    records = [r for r in everyone_acknowledged(program, people, dt.date(2026, 12, 10)) if r.email != leaver.email]
    # The first joiner accepted everything on their first day; the others nothing yet.
    records += [Record(joiners[0].email, doc.id, "1.0", joiners[0].start, "rippling")
                for doc in program.ordered_policies()]
    # A material change: POL-13 2.0; a typo fix: POL-04 1.1; a minor change flagged for acknowledgement.
    with_version(program, "POL-13", "2.0", dt.date(2027, 1, 15))
    with_version(program, "POL-04", "1.1", dt.date(2027, 1, 20))
    with_version(program, "POL-06", "1.1", dt.date(2027, 2, 20), acknowledge="required")
    early = [p for p in people if p.email != leaver.email][:10]
    records += [Record(p.email, "POL-13", "2.0", dt.date(2027, 1, 20), "git") for p in early]
    write_records(repo, records)

    status = load_status(program, repo, TODAY)
    owed = {(o.person.email, o.policy.id): o for o in status.owed}
    active = {p.email for p in status.active}
    assert leaver.email not in active and not any(email == leaver.email for email, _ in owed)
    assert len(active) == 59 + 3  # joiners 0-2 have started by 1 March; joiner 3 starts on 2027-03-25
    # The material change: everyone who has not accepted POL-13 2.0 owes it, overdue after the grace period.
    pol13 = {email for email, pid in owed if pid == "POL-13"}
    assert pol13 == active - {p.email for p in early}
    due13 = limits.material_change.after(dt.date(2027, 1, 15))
    veteran = people[20].email
    assert owed[(veteran, "POL-13")].reason == "version" and owed[(veteran, "POL-13")].due == due13
    assert owed[(veteran, "POL-13")].version == "2.0"
    # A typo fix owes nothing (only the joiners who have accepted nothing yet owe POL-04); a flagged minor does.
    assert {email for email, pid in owed if pid == "POL-04"} == {joiners[1].email, joiners[2].email}
    assert owed[(veteran, "POL-06")].due == limits.material_change.after(dt.date(2027, 2, 20))
    # Joiners owe everything from their start date; the one who signed on day one owes only the new versions.
    second = joiners[1]
    assert owed[(second.email, "POL-01")].reason == "joined"
    assert owed[(second.email, "POL-01")].due == limits.new_hire.after(second.start)
    assert {pid for email, pid in owed if email == joiners[0].email} == {"POL-13", "POL-06"}
    assert status.overdue(), "someone is past a deadline on 1 March"
    lines = status_lines(status)
    assert lines[0].startswith("OVERDUE since")
    assert lines[-1].startswith(f"{len(active)} people x {len(program.policies)} policies")


def test_yearly_renewal_falls_due_a_renewal_period_after_the_last_acknowledgement(library: Library,
                                                                                  tmp_path: Path) -> None:
    program = program_for(library, as_of=dt.date(2027, 12, 20))
    people = company(50, first_start=dt.date(2023, 1, 2))
    repo = people_repo(tmp_path, people)
    write_records(repo, everyone_acknowledged(program, people, dt.date(2026, 12, 10)))
    status = load_status(program, repo, dt.date(2027, 12, 20))
    renewal = deadlines(program).renewal.after(dt.date(2026, 12, 10))
    assert {o.reason for o in status.owed} == {"renewal"}
    assert {o.due for o in status.owed} == {renewal}
    assert len(status.owed) == 50 * len(program.policies)
    before = load_status(program, repo, renewal - dt.timedelta(days=40))
    assert not before.owed and not before.overdue()
    soon = load_status(program, repo, renewal - dt.timedelta(days=10))
    assert soon.owed and not soon.overdue()


def test_required_version_ignores_a_version_approved_after_the_day(library: Library) -> None:
    program = program_for(library)
    with_version(program, "POL-13", "2.0", dt.date(2027, 6, 1))
    needed = required_version(program.policies["POL-13"], TODAY)
    assert needed is not None and needed.version == "1.0"


# ------------------------------------------------------------------------------------------- bad rows
def test_bad_acknowledgement_rows_are_named_and_nothing_recorded_changes(library: Library, tmp_path: Path) -> None:
    program = program_for(library)
    people = company(50, first_start=dt.date(2024, 1, 8))
    repo = people_repo(tmp_path, people)
    write_records(repo, [Record(people[0].email, "POL-01", "1.0", dt.date(2026, 12, 5), "rippling")])
    before = (repo / RECORDS_FILE).read_bytes()
    export = tmp_path / "signatures.csv"
    export.write_text(
        "email,policy,version,date\n"
        f"{people[1].email},POL-01,1.0,2026-12-05\n"
        "stranger@acme.example,POL-01,1.0,2026-12-05\n"
        f"{people[2].email},POL-01,1.0,2027-06-01\n"
        f"{people[3].email},POL-01,3.0,2026-12-05\n"
        f"{people[4].email},POL-01,1.0,2026-12-06\n"
        f"{people[4].email},POL-01,1.0,2026-12-07\n"
        f"{people[5].email},POL-01,1.0,2026-11-01\n", encoding="utf-8")
    fmt = record_format(library_root(), None, None)
    with pytest.raises(PolicyforgeError) as excinfo:
        import_records(program, repo, export, fmt, TODAY)
    found = [str(p) for p in excinfo.value.problems]
    where = str(export)
    assert any(p.startswith(f"{where}:3: stranger@acme.example is not on the roster — ") for p in found)
    assert any(p.startswith(f"{where}:4: date 2027-06-01 is in the future — ") for p in found)
    assert any(p.startswith(f"{where}:5: POL-01 has no version 3.0 — use an approved version: 1.0") for p in found)
    assert any(p.startswith(f"{where}:7: {people[4].email} acknowledged POL-01 1.0 already (line 6)")
               for p in found)
    assert any(p.startswith(f"{where}:8: POL-01 1.0 was approved on 2026-12-01, after this date") for p in found)
    assert len(found) == 5
    assert (repo / RECORDS_FILE).read_bytes() == before


def test_an_import_appends_and_a_reimport_of_the_same_export_adds_nothing(library: Library, tmp_path: Path) -> None:
    program = program_for(library)
    people = company(50, first_start=dt.date(2024, 1, 8))
    repo = people_repo(tmp_path, people)
    write_records(repo, [Record(people[0].email, "POL-01", "1.0", dt.date(2026, 12, 5), "rippling")])
    before = (repo / RECORDS_FILE).read_text(encoding="utf-8")
    export = tmp_path / "DocuSign envelopes (Q4).csv"
    rows = "".join(f'"{p.email}","ACME-POL-03 Code of Conduct v1.0","12/{10 + n % 9:02d}/2026 09:15:00 AM"\n'
                   for n, p in enumerate(people))
    export.write_text("Recipient Email,Subject,Completed\n" + rows, encoding="utf-8")
    fmt = record_format(library_root(), "docusign", None)
    first = import_records(program, repo, export, fmt, TODAY)
    assert len(first.added) == 50 and first.already == 0
    after = (repo / RECORDS_FILE).read_text(encoding="utf-8")
    assert after.startswith(before)
    added = list(csv.reader(io.StringIO(after[len(before):])))
    assert added[0] == [people[0].email, "POL-03", "1.0", "2026-12-10", "DocuSign envelopes -Q4-.csv"]
    again = import_records(program, repo, export, fmt, TODAY)
    assert not again.added and again.already == 50
    assert (repo / RECORDS_FILE).read_text(encoding="utf-8") == after


# ------------------------------------------------------------------------------------------- page and evidence
def test_completion_page_shows_each_policy_and_team(library: Library, tmp_path: Path) -> None:
    program = program_for(library)
    people = company(50, first_start=dt.date(2024, 1, 8))
    repo = people_repo(tmp_path, people)
    records = everyone_acknowledged(program, people, dt.date(2026, 12, 10))
    write_records(repo, [r for r in records if not (r.email == people[0].email and r.policy == "POL-01")])
    page = acknowledgement_page(program, repo)
    assert "| [Information Security Policy](POL-01-information-security.md) | 1.0 | 50 | 49 | 1 | 98% |" in page
    assert "| Engineering | 10 | 9 | 1 | 90% |" in page
    assert f"| {people[0].first} {people[0].last} | Engineering | POL-01 | 1.0 | material change deadline |" in page


def test_completion_page_without_a_roster_says_how_to_start(library: Library, tmp_path: Path) -> None:
    assert "policyforge people import" in acknowledgement_page(program_for(library), tmp_path)


def test_auditor_population_covers_the_window_with_joiners_and_leavers(library: Library, tmp_path: Path) -> None:
    program = program_for(library)  # Type II window 2027-01-01 to 2027-06-30
    people = company(52, first_start=dt.date(2024, 1, 8))
    gone = dataclasses.replace(people[0], end=dt.date(2026, 6, 30))  # left before the window
    during = dataclasses.replace(people[1], end=dt.date(2027, 2, 15))  # left during the window
    joiner = dataclasses.replace(people[2], email="new@acme.example", start=dt.date(2027, 2, 1))
    repo = people_repo(tmp_path, [gone, during, *people[2:], joiner])
    write_records(repo, everyone_acknowledged(program, [during, *people[2:]], dt.date(2026, 12, 10)))
    files = evidence_files(program, repo, "csv")
    population = list(csv.DictReader(io.StringIO(str(files["personnel-population.csv"]))))
    emails = {row["Email"] for row in population}
    assert gone.email not in emails and {during.email, joiner.email} <= emails
    assert len(population) == 52
    assert next(r for r in population if r["Email"] == joiner.email)["Joined in window"] == "yes"
    assert next(r for r in population if r["Email"] == during.email)["Left in window"] == "yes"
    records = list(csv.DictReader(io.StringIO(str(files["acknowledgement-records.csv"]))))
    assert len(records) == 51 * len(program.policies)
    book = evidence_files(program, repo, "xlsx")["acknowledgements.xlsx"]
    assert isinstance(book, bytes) and book == evidence_files(program, repo, "xlsx")["acknowledgements.xlsx"]
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    assert "Personnel population" in workbook and "Acknowledgements" in workbook
