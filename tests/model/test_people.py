"""The roster: imported from HR exports, re-imported for joiners and leavers, bad rows named with line and fix."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from people_fixtures import bamboohr_csv, company, rippling_csv
from policyforge import PolicyforgeError
from policyforge.model._library import library_root
from policyforge.model._people import (
    ROSTER_FILE,
    export_formats,
    load_roster,
    mapping_file_format,
    merge_roster,
    parse_export,
    parse_roster,
    roster_csv,
)

FORMATS = export_formats(library_root())


def problems_of(excinfo: pytest.ExceptionInfo[PolicyforgeError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_every_shipped_export_format_maps_the_required_fields() -> None:
    assert {"rippling", "bamboohr", "gusto", "deel", "okta"} <= set(FORMATS)
    for fmt in FORMATS.values():
        assert {"email", "name", "start_date"} <= set(fmt.columns)


def test_bamboohr_export_of_sixty_people_becomes_the_roster_with_us_dates_and_contractors() -> None:
    people = company(60)
    roster = parse_export(bamboohr_csv(people), "bamboo.csv", FORMATS["bamboohr"])
    assert len(roster) == 60
    by_email = {p.email: p for p in roster}
    tenth = people[9]
    assert by_email[tenth.email].name == f"{tenth.first} {tenth.last}"  # upper-cased email found, lower-cased
    assert by_email[people[5].email].start == people[5].start
    assert {p.email for p in roster if p.kind == "contractor"} == {p.email for p in people if p.contractor}
    assert by_email[people[1].email].team == people[1].team


def test_rippling_export_gives_the_same_roster_as_the_bamboohr_export_of_the_same_people() -> None:
    people = company(55)
    a = parse_export(bamboohr_csv(people), "b.csv", FORMATS["bamboohr"])
    b = parse_export(rippling_csv(people), "r.csv", FORMATS["rippling"])
    strip = [dataclasses.replace(p, line=None) for p in a]
    assert strip == [dataclasses.replace(p, line=None) for p in b]


def test_reimport_adds_joiners_marks_leavers_and_keeps_people_missing_from_the_export() -> None:
    people = company(60)
    first = merge_roster([], parse_export(rippling_csv(people[:50]), "r1.csv", FORMATS["rippling"]))
    assert len(first.joined) == 50 and not first.left
    leavers = {people[2].email, people[17].email}
    later = [dataclasses.replace(p, end=p.start + dt.timedelta(days=400)) if p.email in leavers else p
             for p in people]
    # The second export is a filtered report: it lacks person 0 entirely, and adds 10 joiners.
    second = merge_roster(first.people, parse_export(rippling_csv(later[1:]), "r2.csv", FORMATS["rippling"]))
    assert set(second.joined) == {p.email for p in people[50:]}
    assert set(second.left) == leavers
    assert second.absent == (people[0].email,)
    assert len(second.people) == 60
    by_email = {p.email: p for p in second.people}
    assert by_email[people[0].email].start == people[0].start  # kept with its history
    assert by_email[people[2].email].end == people[2].start + dt.timedelta(days=400)
    # Existing people keep their place; joiners come after them (small diffs in git).
    assert [p.email for p in second.people[:50]] == [p.email for p in first.people]
    # An export that later omits the end date does not erase a recorded departure.
    third = merge_roster(second.people, parse_export(rippling_csv(people), "r3.csv", FORMATS["rippling"]))
    assert {p.email: p for p in third.people}[people[2].email].end == people[2].start + dt.timedelta(days=400)


def test_roster_file_reads_back_exactly_what_was_written() -> None:
    roster = parse_export(bamboohr_csv(company(50)), "b.csv", FORMATS["bamboohr"])
    text = roster_csv(roster)
    again = parse_roster(text)
    assert roster_csv(again) == text
    assert text.splitlines()[0] == "email,name,team,start_date,end_date,type"


def test_bad_export_rows_are_each_reported_with_file_line_and_fix() -> None:
    text = ("Work email,Legal first name,Legal last name,Department,Start date,End date,Employment type\n"
            "ok@acme.example,Ok,Person,Sales,2025-01-01,,Salaried\n"
            "not-an-email,Bad,Email,Sales,2025-01-01,,Salaried\n"
            "ok@acme.example,Ok,Again,Sales,2025-01-01,,Salaried\n"
            "date@acme.example,Bad,Date,Sales,someday,,Salaried\n"
            "late@acme.example,Ends,Early,Sales,2025-03-01,2025-02-01,Salaried\n")
    with pytest.raises(PolicyforgeError) as excinfo:
        parse_export(text, "export.csv", FORMATS["rippling"])
    found = problems_of(excinfo)
    assert any(p.startswith("export.csv:3: work email 'not-an-email'") for p in found)
    assert any(p.startswith("export.csv:4: ok@acme.example appears twice (first on line 2)") for p in found)
    assert any(p.startswith("export.csv:5: start date: 'someday' is not a date") for p in found)
    assert any(p.startswith("export.csv:6: late@acme.example ends (2025-02-01) before they start") for p in found)
    assert all(" — " in p for p in found)


def test_an_export_without_the_mapped_columns_names_them_and_the_mapping_file() -> None:
    with pytest.raises(PolicyforgeError) as excinfo:
        parse_export("Email,Name\na@b.example,A\n", "gusto.csv", FORMATS["gusto"])
    message = problems_of(excinfo)[0]
    assert "'Work email'" in message and "people/hr-mapping.yml" in message


def test_a_company_mapping_file_describes_its_own_report(tmp_path: Path) -> None:
    mapping = tmp_path / "hr-mapping.yml"
    mapping.write_text("title: Our HR report\ncolumns:\n  email: Mail\n  name: Full Name\n  start_date: Joined\n"
                       "  type: Kind\ncontractor: [freelance]\ndate_formats: ['%d.%m.%Y']\n", encoding="utf-8")
    fmt = mapping_file_format(mapping)
    people = parse_export("Mail,Full Name,Joined,Kind\nx@acme.example,X Y,31.01.2025,Freelance\n", "ours.csv", fmt)
    assert people[0].start == dt.date(2025, 1, 31) and people[0].kind == "contractor"


def test_bad_mapping_file_is_reported_not_raised_as_a_traceback(tmp_path: Path) -> None:
    mapping = tmp_path / "hr-mapping.yml"
    mapping.write_text("columns:\n  email: Mail\n  salary: Pay\n", encoding="utf-8")
    with pytest.raises(PolicyforgeError) as excinfo:
        mapping_file_format(mapping)
    found = problems_of(excinfo)
    assert any("'salary' is not a roster field" in p for p in found)
    assert any("no column given for name" in p for p in found)


def test_hand_edited_roster_errors_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / ROSTER_FILE).write_text(
        "email,name,team,start_date,end_date,type\n"
        "a@acme.example,A,Sales,2025-01-01,,employee\n"
        "a@acme.example,A again,Sales,2025-01-01,,employee\n"
        "b@acme.example,B,Sales,2025-01-01,,intern\n", encoding="utf-8")
    with pytest.raises(PolicyforgeError) as excinfo:
        load_roster(tmp_path)
    found = problems_of(excinfo)
    assert found[0].startswith("people/roster.csv:3: a@acme.example is listed twice")
    assert found[1].startswith("people/roster.csv:4: type 'intern' is not employee or contractor")
