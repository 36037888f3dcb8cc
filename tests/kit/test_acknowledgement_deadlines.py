"""Each acknowledgement deadline of POL-02 section 4.5 is one named value: the status and the text read it.

The company here sets every acknowledgement commitment to an unusual number (17, 23 days...), so a
number retyped in the status code or in a policy or control sentence shows up as a failure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from people_fixtures import company
from policyforge import facts_from_answers, load_library, program_from_library
from policyforge.kit._acknowledgement import acknowledgement_status, deadlines, status_lines
from policyforge.model import HistoryEntry, Library, dump_facts, parse_facts_yaml, resolve_answers
from policyforge.model._acknowledgements import Record
from policyforge.model._people import Person
from policyforge.program import Program

OVERRIDES = {
    "acknowledgement_new_hire_days": 17,
    "acknowledgement_material_change_days": 23,
    "acknowledgement_renewal": 9,
    "acknowledgement_renewal_notice": 6,
    "overdue_suspension": 11,
}
ROLLOUT = dt.date(2026, 12, 10)  # everyone employed then acknowledged every policy that day


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def program_with_overrides(library: Library, as_of: dt.date) -> Program:
    anchor = "  breach_notification_hours: 72\n"
    text = dump_facts(facts_from_answers(resolve_answers({})))
    assert anchor in text
    lines = "".join(f"  {name}: {value}\n" for name, value in OVERRIDES.items())
    facts = parse_facts_yaml(text.replace(anchor, anchor + lines))
    return program_from_library(facts, library, as_of=as_of)


def roster(count: int = 5) -> list[Person]:
    return [Person(p.email, f"{p.first} {p.last}", p.team, p.start, p.end, "employee")
            for p in company(count, first_start=dt.date(2025, 1, 6))]


def rollout_records(program: Program, people: list[Person]) -> list[Record]:
    return [Record(p.email, doc.id, doc.history[0].version, ROLLOUT, "rippling")
            for p in people for doc in program.ordered_policies()]


def test_the_company_overrides_reach_the_deadlines(library: Library) -> None:
    limits = deadlines(program_with_overrides(library, ROLLOUT))
    assert limits.new_hire.after(ROLLOUT) == ROLLOUT + dt.timedelta(days=17)
    assert limits.material_change.after(ROLLOUT) == ROLLOUT + dt.timedelta(days=23)
    assert limits.renewal.after(ROLLOUT) == dt.date(2027, 9, 10)
    assert limits.suspension.after(ROLLOUT) == ROLLOUT + dt.timedelta(days=11)


def test_a_joiner_is_on_time_until_the_joiner_deadline_and_overdue_the_day_after(library: Library) -> None:
    program = program_with_overrides(library, ROLLOUT)
    people = roster()
    joiner = Person("new.joiner@acme.example", "New Joiner", "Support", dt.date(2027, 2, 1), None, "employee")
    records = rollout_records(program, people)
    due = dt.date(2027, 2, 18)  # 17 days after the start date
    on_time = acknowledgement_status(program, [*people, joiner], records, due)
    assert not on_time.overdue()
    assert {o.reason for o in on_time.owed} == {"joined"} and {o.due for o in on_time.owed} == {due}
    late = acknowledgement_status(program, [*people, joiner], records, due + dt.timedelta(days=1))
    assert {(o.person.email, o.reason) for o in late.overdue()} == {(joiner.email, "joined")}
    lines = status_lines(late)
    assert lines[0].startswith(f"OVERDUE since {due}: New Joiner")
    assert "joiner deadline, within 17 days of the start date" in lines[0]
    assert f"access suspended from {due + dt.timedelta(days=11)}" in lines[0]
    assert f"past deadline: {len(program.policies)} joiner deadline, 0 material change deadline, " \
           "0 yearly renewal deadline" in lines


def test_a_yearly_renewal_is_overdue_the_day_after_the_anniversary_of_the_last_acknowledgement(
        library: Library) -> None:
    program = program_with_overrides(library, ROLLOUT)
    people = roster()
    records = rollout_records(program, people)
    anniversary = dt.date(2027, 9, 10)  # 9 months after the rollout
    # Listed from the day the Head of People assigns it (6 days ahead), not before.
    assert not acknowledgement_status(program, people, records, anniversary - dt.timedelta(days=7)).owed
    notice = acknowledgement_status(program, people, records, anniversary - dt.timedelta(days=6))
    assert notice.owed and not notice.overdue()
    assert acknowledgement_status(program, people, records, anniversary).overdue() == ()
    late = acknowledgement_status(program, people, records, anniversary + dt.timedelta(days=1))
    assert len(late.overdue()) == len(people) * len(program.policies)
    assert {o.reason for o in late.overdue()} == {"renewal"}
    assert "yearly renewal deadline, within 9 months of the last acknowledgement" in status_lines(late)[0]


def test_a_material_change_is_overdue_the_day_after_its_deadline_and_a_later_record_renews(
        library: Library) -> None:
    program = program_with_overrides(library, ROLLOUT)
    doc = program.policies["POL-13"]
    approved = dt.date(2027, 1, 15)
    entry = HistoryEntry("2.0", approved, "Priya Natarajan", "Dana Whitfield", "Stricter reviews")
    program.policies["POL-13"] = dataclasses.replace(doc, version="2.0", history=(*doc.history, entry))
    people = roster()
    records = rollout_records(program, people)
    due = approved + dt.timedelta(days=23)
    assert not acknowledgement_status(program, people, records, due).overdue()
    late = acknowledgement_status(program, people, records, due + dt.timedelta(days=1))
    assert {(o.policy.id, o.reason, o.version) for o in late.overdue()} == {("POL-13", "version", "2.0")}
    assert "material change deadline, within 23 days of the version's approval" in status_lines(late)[0]
    # Accepting the new version clears it, and starts that person's renewal of POL-13 again.
    signed = [*records, *(Record(p.email, "POL-13", "2.0", due, "git") for p in people)]
    after = acknowledgement_status(program, people, signed, due + dt.timedelta(days=1))
    assert not after.overdue()
    assert due == dt.date(2027, 2, 7)
    renewals = acknowledgement_status(program, people, signed, dt.date(2027, 11, 2))
    assert {o.due for o in renewals.owed if o.policy.id == "POL-13"} == {dt.date(2027, 11, 7)}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_policies_and_controls_state_the_deadlines_the_status_reads(library: Library) -> None:
    program = program_with_overrides(library, ROLLOUT)
    pol02 = _one_line(program.render_body(program.policies["POL-02"]))
    assert "within 17 days of their start date" in pol02
    assert "within 9 months of their last acknowledgement" in pol02
    assert "within 23 days of its approval" in pol02
    assert "6 days before it falls due" in pol02 and "11 days after the deadline" in pol02
    statements = {}
    for control in program.controls():
        home = next(d for d in program.ordered_policies() if control.id in d.controls or d.id == control.policy)
        statements[control.id] = _one_line(program.render_statement(control, home))
    # Each deadline is printed by the one control whose population it times (rule CTL008): renewals by the
    # yearly controls, the joiner's deadline by the per-hire control, a new version's by the per-version one.
    for control_id in ("PMG-04", "PHY-04"):
        if control_id in statements:
            assert "within 9 months of their last acknowledgement" in statements[control_id], control_id
            assert "17 days" not in statements[control_id], control_id
    assert "within 17 days of the start date" in statements["HRS-03"]
    assert "within 23 days of its approval" in statements["PMG-08"]
    # No acknowledgement sentence anywhere keeps the library default of 30 days or a yearly wording.
    for doc in program.ordered_policies():
        body = _one_line(program.render_body(doc))
        for sentence in re.split(r"(?<=[.;])\s", body):
            if re.search(r"\backnowledges? (?:the policy set|this code|this policy|these safeguards)", sentence):
                assert "30 days" not in sentence and "every year" not in sentence, (doc.id, sentence)
