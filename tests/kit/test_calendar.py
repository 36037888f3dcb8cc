"""The control calendar: valid iCalendar, recurrences inside the window, stable output."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import BIN, run
from dateutil.rrule import rruleset, rrulestr
from icalendar import Calendar
from icalendar.cal import Component
from policyforge.kit._calendar import (
    ACTIVITIES,
    PRODID,
    START_TIME,
    calendar_events,
    control_calendar,
    owner_calendar_name,
    owner_calendars,
    run_dates,
)
from policyforge.kit._evidence import SCHEDULED, AuditWindow, evidence_page, evidence_plan, occurrences
from policyforge.model import Library, facts_from_answers, load_library, resolve_answers
from policyforge.program import Program, program_from_library
from policyforge.render._context import add_months

slow = pytest.mark.slow
RELEASE = dt.date(2026, 12, 1)
START, END = dt.date(2027, 1, 1), dt.date(2027, 6, 30)
SECURITY_ONLY = {"scope_availability": "no", "scope_confidentiality": "no", "scope_processing_integrity": "no",
                 "scope_privacy": "no", "data_pii": "no"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def program_for(library: Library, **answers: str) -> Program:
    return program_from_library(facts_from_answers(resolve_answers(answers)), library, as_of=START)


def parse(data: bytes) -> list[Component]:
    return list(Calendar.from_ical(data).walk("VEVENT"))


# The example company's program, calendar and events are built once for the module (about 0.4 CPU s each
# time): most tests read them; none changes them. Tests of other answers build their own.
@pytest.fixture(scope="module")
def program(library: Library) -> Program:
    return program_for(library)


@pytest.fixture(scope="module")
def calendar_bytes(program: Program) -> bytes:
    return control_calendar(program, RELEASE)


@pytest.fixture(scope="module")
def events(calendar_bytes: bytes) -> list[Component]:
    return parse(calendar_bytes)


def events_of(library: Library, **answers: str) -> list[Component]:
    return parse(control_calendar(program_for(library, **answers), RELEASE))


def day_of(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def dates(event: Component) -> list[dt.date]:
    """Expand an event's recurrence (RRULE, EXDATE, RDATE) with dateutil, independently of the code under test."""
    start = event.decoded("dtstart")
    if "RRULE" not in event:
        return [day_of(start)]
    begins = start if isinstance(start, dt.datetime) else dt.datetime.combine(start, dt.time())
    rules = rruleset()
    rules.rrule(rrulestr(event["RRULE"].to_ical().decode(), dtstart=begins))
    for name, add in (("EXDATE", rules.exdate), ("RDATE", rules.rdate)):
        values = event.get(name, [])
        for value in values if isinstance(values, list) else [values]:
            for moment in value.dts:
                add(moment.dt)
    return sorted(moment.date() for moment in rules)


def by_summary(events: list[Component]) -> dict[str, Component]:
    found = {str(e["SUMMARY"]): e for e in events}
    assert len(found) == len(events), "every event has its own title"
    return found


def test_calendar_is_rfc5545_with_required_properties(calendar_bytes: bytes) -> None:
    data = calendar_bytes
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in data.split(b"\r\n")), "long lines are folded"
    calendar = Calendar.from_ical(data)
    assert (str(calendar["PRODID"]), str(calendar["VERSION"])) == (PRODID, "2.0")
    events = parse(data)
    assert len(events) > 40
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    for event in events:
        start = event.decoded("dtstart")
        if "audit" in str(event["CATEGORIES"].to_ical()):
            assert type(start) is dt.date, "the window's first and last days are all-day markers"
            assert event.decoded("dtend") == start + dt.timedelta(days=1)
        else:
            assert type(start) is dt.datetime and str(start.tzinfo) == "America/New_York", "the company's zone"
            assert start.time() == START_TIME == dt.time(10, 0)
            assert event.decoded("dtend") == start + dt.timedelta(hours=1)
        assert event.decoded("dtstamp") == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_quarterly_access_reviews_recur_twice_in_a_six_month_window(events: list[Component]) -> None:
    review = by_summary(events)["Quarterly access review"]
    assert dates(review) == [dt.date(2027, 1, 15), dt.date(2027, 4, 15)]
    assert str(review["UID"]) == "access-review-quarterly-acc-05-20270115@acme.example"
    assert "ACC-05" in str(review["DESCRIPTION"])
    # ACC-03's segregation-of-duties review runs at its own named cadence (monthly), as POL-13 states.
    assert "ACC-03" not in str(review["DESCRIPTION"])
    assert "ACC-03" in str(by_summary(events)["Monthly access review"]["DESCRIPTION"])


def test_every_recurrence_stays_inside_the_window_with_counts_per_cadence(events: list[Component]) -> None:
    expected = {"Weekly": 26, "Monthly": 6, "Quarterly": 2, "Six-monthly": 1, "Annual": 1}
    recurring = [e for e in events if "RRULE" in e]
    assert {str(e["SUMMARY"]).split()[0] for e in recurring} == set(expected)
    for event in recurring:
        occurrences = dates(event)
        assert all(START <= day <= END for day in occurrences), event["SUMMARY"]
        assert len(occurrences) == expected[str(event["SUMMARY"]).split()[0]], event["SUMMARY"]
    named = by_summary(events)
    for title in ("Annual risk assessment", "Annual penetration test", "Annual incident response tabletop exercise",
                  "Annual disaster recovery test and continuity plan review",
                  "Quarterly backup review and restore test", "Annual security awareness training",
                  "Annual vendor review", "Monthly vulnerability scan and patch review"):
        assert title in named


def test_calendar_holds_every_occurrence_the_evidence_plan_samples_from(program: Program,
                                                                       events: list[Component]) -> None:
    rows = {row.item.id: row for row in evidence_plan(program).rows}
    named = by_summary(events)
    # The calendar has each occurrence in the window; the plan asks for the sampling table's share of them.
    assert len(dates(named["Quarterly access review"])) == 2
    assert len(dates(named["Monthly endpoint compliance review"])) == 6
    # Each control an item counts is counted at most as often as its series holds in the window.
    held = {cid: len(event.dates) for event in calendar_events(program) if event.cadence for cid in event.controls}
    for eid in ("EV-21", "EV-35", "EV-56"):
        assert rows[eid].counts, eid
        for count in rows[eid].counts:
            if count.frequency in SCHEDULED:
                assert 1 <= count.count <= held[count.control], (eid, count)


CADENCES = {"Weekly": "weekly", "Monthly": "monthly", "Quarterly": "quarterly", "Six-monthly": "semiannual",
            "Annual": "annual"}


@pytest.mark.parametrize(("start", "months"), [("2027-01-31", 6), ("2027-02-28", 3), ("2026-11-20", 12)])
def test_recurrences_match_the_evidence_counts_for_any_window(library: Library, start: str, months: int) -> None:
    program = program_for(library, observation_start=start, observation_months=str(months))
    window = AuditWindow("type2", dt.date.fromisoformat(start), months)
    recurring = [e for e in parse(control_calendar(program, RELEASE)) if "RRULE" in e]
    assert recurring
    for event in recurring:
        occurrences_seen = dates(event)
        assert all(window.start <= day <= window.end for day in occurrences_seen), event["SUMMARY"]
        cadence = CADENCES[str(event["SUMMARY"]).split()[0]]
        assert len(occurrences_seen) == occurrences(cadence, window), event["SUMMARY"]


def test_access_reviews_follow_the_company_cadence(library: Library) -> None:
    events = by_summary(events_of(library, access_review_cadence="monthly"))
    monthly, quarterly = (str(events[f"{c} access review"]["DESCRIPTION"]) for c in ("Monthly", "Quarterly"))
    assert "- ACC-05 " in monthly and "- ACC-03 " in monthly
    assert "- ACC-05 " not in quarterly and "- ACC-03 " not in quarterly
    # Service accounts are confirmed at each access review (ACC-08); the grant review keeps its own quarterly
    # schedule (AST-04, issue #12 auditor read A14).
    assert "- ACC-08 " in monthly and "- ACC-08 " not in quarterly
    assert len(dates(events["Monthly access review"])) == 6


def test_a_twelve_month_window_holds_four_quarterly_reviews(library: Library) -> None:
    events = by_summary(events_of(library, observation_months="12"))
    occurrences = dates(events["Quarterly access review"])
    assert occurrences == [dt.date(2027, 1, 15), dt.date(2027, 4, 15), dt.date(2027, 7, 15), dt.date(2027, 10, 15)]
    assert str(events["SOC 2 Type II observation window ends"].decoded("dtstart")) == "2027-12-31"


def test_type1_has_single_events_in_the_month_before_the_as_of_date(library: Library) -> None:
    events = events_of(library, report_type="type1")
    assert not any("RRULE" in e for e in events)
    activities = [e for e in events if str(e["SUMMARY"]).split()[0] in
                  ("Weekly", "Monthly", "Quarterly", "Six-monthly", "Annual")]
    assert len(activities) > 30
    for event in activities:
        # Nothing falls before the policies take effect (1 December 2026), not even the yearly independent
        # test, whose 3-month lead before the as-of date cannot be kept in the first year.
        assert RELEASE <= day_of(event.decoded("dtstart")) < START, event["SUMMARY"]
    assert by_summary(events)["SOC 2 Type I as-of date"].decoded("dtstart") == START


@pytest.mark.parametrize("report_type", ["type1", "type2"])
def test_audit_milestones_fall_their_named_lead_time_before_the_window_ends(library: Library,
                                                                           report_type: str) -> None:
    end = START if report_type == "type1" else END

    def due(nominal: dt.date) -> list[dt.date]:
        """The nominal day or the working day before it; a day before the policies take effect (the first
        Type I, a month after adoption) becomes first_round_fix_room (2 weeks) before the as-of date, as POL-26
        then says, so a failure the first round finds can be fixed and retested in time."""
        day = nominal if nominal >= RELEASE else end - dt.timedelta(weeks=2)
        return [day - dt.timedelta(days=n) for n in range(4)]

    default = by_summary(events_of(library, report_type=report_type))
    # 60 days and 3 months before the end, moved to the working day before when they fall on a day off.
    assert day_of(default["SOC 2 audit preparation: confirm scope with the audit firm"].decoded("dtstart")) \
        in due(end - dt.timedelta(days=60))
    # The small company's yearly independent test is finished 3 months before the end.
    test = default["Annual independent test of key controls"]
    assert "- MON-03 " in str(test["DESCRIPTION"])
    assert max(dates(test)) <= max(due(add_months(end, -3)))
    assert min(dates(test)) >= RELEASE
    if report_type == "type1":
        # first_round_fix_room (2 weeks) before the as-of date: the day POL-26 4.4.1 names.
        assert max(dates(test)) == dt.date(2026, 12, 18)
        assert "The first round is finished by 18 December 2026" in " ".join(str(test["DESCRIPTION"]).split())
    # A company that chooses other lead times gets other dates: the calendar reads the commitments.
    facts = facts_from_answers(resolve_answers({"report_type": report_type}),
                               overrides={"audit_preparation_lead": 30, "assessor_test_lead": 4})
    chosen = by_summary(parse(control_calendar(program_from_library(facts, library, as_of=START), RELEASE)))
    assert day_of(chosen["SOC 2 audit preparation: confirm scope with the audit firm"].decoded("dtstart")) \
        in due(end - dt.timedelta(days=30))
    assert max(dates(chosen["Annual independent test of key controls"])) <= max(due(add_months(end, -4)))


def test_a_large_company_has_no_small_company_test_deadline(library: Library) -> None:
    events = by_summary(events_of(library, headcount_band="51-200"))
    assert not [title for title in events if "independent test" in title]
    assert "SOC 2 audit preparation: confirm scope with the audit firm" in events


def test_every_scheduled_control_in_scope_is_on_the_calendar_once(program: Program, events: list[Component]) -> None:
    on_calendar = Counter(cid for e in events if "RRULE" in e
                          for cid in re.findall(r"^- ([A-Z]{2,4}-\d{2}) ", str(e["DESCRIPTION"]), re.MULTILINE))
    scheduled = {c.id for c in program.controls() if c.frequency in SCHEDULED}
    assert set(on_calendar) == scheduled
    assert set(on_calendar.values()) == {1}


def test_events_name_their_owners_as_attendees_and_in_the_description(events: list[Component]) -> None:
    restore = by_summary(events)["Quarterly backup review and restore test"]
    attendees = restore["ATTENDEE"] if isinstance(restore["ATTENDEE"], list) else [restore["ATTENDEE"]]
    assert str(attendees[0]) == "mailto:rahul.mehta@acme.example"
    assert attendees[0].params["CN"] == "Rahul Mehta"
    assert "Owner: Rahul Mehta, Chief Technology Officer <rahul.mehta@acme.example>" in str(restore["DESCRIPTION"])
    assert "BAK-06" in str(restore["DESCRIPTION"])


def test_policy_reviews_fall_on_each_policys_next_review_date(program: Program, events: list[Component]) -> None:
    reviews = [e for e in events if str(e["SUMMARY"]).startswith("Policy review")]
    assert len(reviews) == len(program.policies) == 29
    expected = {f"Policy review due: {doc.title}": program.next_review(doc) for doc in program.policies.values()}
    assert {str(e["SUMMARY"]): day_of(e.decoded("dtstart")) for e in reviews} == expected  # 1 Dec 2027: a Wednesday
    assert set(expected.values()) == {dt.date(2027, 12, 1)}


def test_out_of_scope_categories_add_no_events(library: Library, events: list[Component]) -> None:
    everything = events
    security = events_of(library, **SECURITY_ONLY)
    text = "\n".join(str(e["DESCRIPTION"]) for e in security)
    # AVL-04, the capacity review, is stated in POL-18 4.8.2 for every company (issue #13, T12).
    assert "- AVL-04" in text
    text = text.replace("- AVL-04", "")
    for prefix in ("PRV-", "PIN-", "AVL-", "CNF-"):
        assert f"- {prefix}" not in text
        assert f"- {prefix}" in "\n".join(str(e["DESCRIPTION"]) for e in everything)
    summaries = {str(e["SUMMARY"]) for e in security}
    assert "Monthly processing integrity review" not in summaries
    assert "Policy review due: Privacy and Data Protection Policy" not in summaries
    assert len(security) < len(everything)


def test_every_catalog_evidence_item_belongs_to_exactly_one_activity(library: Library) -> None:
    owners = Counter(e for activity in ACTIVITIES for e in activity.evidence)
    assert set(owners) == set(library.catalog.evidence)
    assert set(owners.values()) == {1}
    assert all(1 <= activity.day <= 28 for activity in ACTIVITIES)


def test_hostile_names_survive_as_data(library: Library) -> None:
    name = 'Rahul "R;M" Mehta, Jr.'
    company = "Acme; Cloud, Inc\\"
    data = control_calendar(program_for(library, cto_name=name, company_name=company,
                                        company_slug="acme", doc_prefix="ACME"), RELEASE)
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == f"{company} SOC 2 control calendar"
    restore = by_summary(list(calendar.walk("VEVENT")))["Quarterly backup review and restore test"]
    attendees = restore["ATTENDEE"] if isinstance(restore["ATTENDEE"], list) else [restore["ATTENDEE"]]
    assert attendees[0].params["CN"] == name
    assert f"Owner: {name}, Chief Technology Officer" in str(restore["DESCRIPTION"])


def test_same_program_gives_identical_bytes(library: Library, calendar_bytes: bytes) -> None:
    # A program built afresh from the same answers gives the bytes the module's program gave.
    assert control_calendar(program_for(library), RELEASE) == calendar_bytes


# ------------------------------------------------------------------------------------------- the command
@pytest.fixture
def repo(example_source: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme-cloud"
    shutil.copytree(example_source, copy, symlinks=True)
    return copy


def calendar(repo: Path, *args: str, check: bool = True) -> tuple[int, str]:
    result = run([str(BIN / "policyforge"), "calendar", "--repo", str(repo), *args], check=check)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


@slow
def test_calendar_command_writes_the_same_file_twice(repo: Path, tmp_path: Path) -> None:
    _, stderr = calendar(repo, "--out", str(tmp_path / "first.ics"))
    assert "Control calendar: " in stderr and "Type II observation window" in stderr
    calendar(repo)
    written = repo / "out" / "control-calendar.ics"
    assert written.read_bytes() == (tmp_path / "first.ics").read_bytes()
    events = parse(written.read_bytes())
    assert {e.decoded("dtstamp") for e in events} == {dt.datetime(2026, 12, 1, tzinfo=dt.UTC)}


@slow
def test_calendar_command_refuses_a_folder_without_company_yml(tmp_path: Path) -> None:
    code, stderr = calendar(tmp_path, check=False)
    assert code == 2
    assert "company.yml: not found — run policyforge inside the company repository" in stderr


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and (day.month, day.day) != (1, 1)


@pytest.mark.parametrize(("start", "months"), [("2027-01-01", 6), ("2028-01-01", 12), ("2027-02-28", 3),
                                               ("2026-11-20", 12)])
def test_every_activity_falls_on_a_working_day_never_on_1_january(library: Library, start: str,
                                                                  months: int) -> None:
    program = program_for(library, observation_start=start, observation_months=str(months))
    events = [e for e in parse(control_calendar(program, RELEASE)) if "audit" not in str(e["CATEGORIES"].to_ical())]
    seen = [(str(e["SUMMARY"]), day) for e in events for day in dates(e)]
    assert len(seen) > 100
    assert [item for item in seen if not is_working_day(item[1])] == []
    window = AuditWindow("type2", dt.date.fromisoformat(start), months)
    weekly = [e for e in events if str(e["SUMMARY"]).startswith("Weekly")]
    assert weekly and all(len(dates(e)) == occurrences("weekly", window) for e in weekly)


def test_a_policy_review_due_on_new_years_day_moves_to_the_working_day_before(library: Library) -> None:
    program = program_for(library, effective_date="2027-01-01")
    assert {program.next_review(doc) for doc in program.policies.values()} == {dt.date(2028, 1, 1)}  # a Saturday
    reviews = [e for e in parse(control_calendar(program, RELEASE)) if str(e["SUMMARY"]).startswith("Policy review")]
    assert len(reviews) == 29
    assert {day_of(e.decoded("dtstart")) for e in reviews} == {dt.date(2027, 12, 31)}  # the Friday before


def test_every_timed_event_has_a_reminder_the_day_before(events: list[Component]) -> None:
    for event in events:
        alarms = [c for c in event.subcomponents if c.name == "VALARM"]
        if "audit" in str(event["CATEGORIES"].to_ical()):
            assert alarms == []
            continue
        (alarm,) = alarms
        assert str(alarm["ACTION"]) == "DISPLAY" and alarm.decoded("trigger") == -dt.timedelta(days=1)
        assert str(event["SUMMARY"]) in str(alarm["DESCRIPTION"])


def test_each_owner_has_a_calendar_of_the_events_they_own(program: Program, events: list[Component]) -> None:
    full = events
    owned = owner_calendars(program, RELEASE)
    assert "security_officer" in owned and len(owned) >= 4
    assert owner_calendar_name("security_officer") == "control-calendar-security-officer.ics"
    uids: list[str] = []
    for role, data in owned.items():
        person = program.facts.people.role(role)
        calendar = Calendar.from_ical(data)
        assert role.replace("_", " ") in str(calendar["X-WR-CALNAME"]).lower() or str(calendar["X-WR-CALNAME"])
        for event in calendar.walk("VEVENT"):
            first = event["ATTENDEE"][0] if isinstance(event["ATTENDEE"], list) else event["ATTENDEE"]
            assert str(first) == f"mailto:{person.email}"
            uids.append(str(event["UID"]))
    assert sorted(uids) == sorted(str(e["UID"]) for e in full)  # each event in exactly one owner's calendar


@pytest.mark.parametrize(("answers", "zone"), [
    ({}, "America/New_York"),  # the example company is headquartered in the United States
    ({"hq_country": "Germany", "data_residency": "United States"}, "Europe/Berlin"),
    ({"hq_country": "United Kingdom", "data_residency": "United States"}, "Europe/London"),
    ({"time_zone": "America/Los_Angeles"}, "America/Los_Angeles"),  # the fact wins over the country
])
def test_activities_are_at_ten_in_the_company_time_zone_with_its_vtimezone(library: Library, answers: dict[str, str],
                                                                          zone: str) -> None:
    data = control_calendar(program_for(library, **answers), RELEASE)
    calendar = Calendar.from_ical(data)
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == zone
    timed = [e for e in calendar.walk("VEVENT") if "audit" not in str(e["CATEGORIES"].to_ical())]
    assert timed and all(e["DTSTART"].params["TZID"] == zone for e in timed)
    assert all(e.decoded("dtstart").utcoffset() == e.decoded("dtstart").astimezone(ZoneInfo(zone)).utcoffset()
               for e in timed)
    for event in timed:  # every occurrence, however the rule expands, is at 10:00 local time in that zone
        start = event.decoded("dtstart")
        if "RRULE" in event:
            assert event["RRULE"]["UNTIL"][0].utcoffset() == dt.timedelta(0), "RFC 5545: UNTIL in UTC"
            assert event["RRULE"].to_ical().decode().split("UNTIL=")[1][15] == "Z"
            rules = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            assert all(moment.astimezone(ZoneInfo(zone)).time() == START_TIME for moment in rules)
        for name in ("EXDATE", "RDATE"):
            values = event.get(name, [])
            for value in values if isinstance(values, list) else [values]:
                assert all(str(moment.dt.tzinfo) == zone and moment.dt.time() == START_TIME for moment in value.dts)


def test_an_activity_across_a_daylight_saving_change_stays_at_ten_local_time(library: Library) -> None:
    program = program_for(library, observation_start="2027-01-01", observation_months="12")
    monthly = [e for e in parse(control_calendar(program, RELEASE)) if str(e["SUMMARY"]).startswith("Monthly")]
    assert monthly
    utc_hours = {moment.astimezone(dt.UTC).hour for e in monthly
                 for moment in rrulestr(e["RRULE"].to_ical().decode(), dtstart=e.decoded("dtstart"))}
    assert utc_hours == {14, 15}  # 10:00 in New York is 15:00 UTC in winter and 14:00 in summer


@pytest.mark.parametrize(("start", "months"), [("2027-01-01", 6), ("2027-01-31", 6), ("2026-11-20", 12),
                                               ("2027-02-28", 3)])
def test_each_annual_and_semiannual_control_runs_in_a_month_of_its_own_inside_the_window(
        library: Library, start: str, months: int) -> None:
    # A-O5: the pen test, tabletop, DR test, risk assessment and yearly training showed "1" but the calendar
    # put every yearly run in the window's first days. Each activity now has its month, the same on every build.
    program = program_for(library, observation_start=start, observation_months=str(months))
    window = AuditWindow("type2", dt.date.fromisoformat(start), months)
    runs = run_dates(program)
    assert runs == run_dates(program_for(library, observation_start=start, observation_months=str(months)))
    yearly = ("VUL-05", "INC-09", "BCP-07", "RSK-01", "TRN-02")
    for cid in yearly:
        assert runs[cid] and all(window.start <= day <= window.end for day in runs[cid]), (cid, runs[cid])
    if months >= 6:
        assert len({runs[cid][0].month for cid in yearly}) >= 3, runs
    # The evidence plan prints the month the calendar gives each of them.
    counts = {count.control: count for row in evidence_plan(program).rows for count in row.counts}
    for cid in ("VUL-05", "BCP-07"):
        assert counts[cid].dates == runs[cid]
        assert f"run in {runs[cid][0]:%B %Y}" in counts[cid].text()


def test_the_evidence_page_prints_the_pen_test_month_inside_a_six_month_window(program: Program) -> None:
    row = next(line for line in evidence_page(program).splitlines() if "**EV-14 " in line)
    assert "| 1 × VUL-05 (annual, run in April 2027) |" in row
    assert [str(day) for day in run_dates(program)["VUL-05"]] == ["2027-04-22"]
