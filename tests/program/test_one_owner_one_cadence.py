"""Each control has one owner who acts, one cadence and one record (auditor O-2).

The controls the auditor read with two cadences or an owner who is not the actor are split: the
per-event or other-cadence duty is its own control (the next free id of its family) or moved into the
control that already owns it, and each half prints the same named commitment as its policy sentence.
"""

from __future__ import annotations

import re

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program import Program
from policyforge.program._lint import variant_program
from policyforge.rules import library_view, run_rules

# control: (owner, frequency) in the example company (51-200 people); the new halves follow their parents.
EXPECTED = {
    "GOV-02": ("security_officer", "annual"), "GOV-11": ("head_of_people", "per-event"),
    "GOV-04": ("security_officer", "semiannual"),
    "CRY-08": ("security_officer", "quarterly"), "CRY-09": ("security_officer", "per-event"),
    "CHG-06": ("cto", "per-event"), "CHG-10": ("security_officer", "monthly"),
    "PRV-01": ("privacy_officer", "quarterly"), "PRV-13": ("privacy_officer", "semiannual"),
    "TRN-05": ("security_officer", "quarterly"), "PMG-07": ("security_officer", "per-event"),
    # BCP-06: the Head of People keeps and exports the contact list; the status notices of a disaster are INC-12's
    # (issue #12, auditor read A11, A12).
    "BCP-06": ("head_of_people", "quarterly"), "INC-12": ("security_officer", "per-event"),
    "BAK-05": ("cto", "weekly"), "BAK-07": ("cto", "per-event"),
    "RSK-07": ("security_officer", "annual"),
    "MON-03": ("security_officer", "quarterly"),
}
# The commitment each split-off duty prints, which its policy sentence prints too.
SPLIT = {"GOV-11": "org_chart_update", "CRY-09": "secret_rotation_exposed", "CHG-10": "emergency_review",
         "PRV-13": "processing_record_review", "PMG-07": "overdue_suspension", "INC-12": "status_first_notice",
         "BAK-07": "backup_rerun"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def example(library: Library) -> Program:
    return variant_program("acme-us", library)


def test_the_controls_the_auditor_named_have_one_owner_and_one_frequency(example: Program) -> None:
    got = {cid: (c.owner, c.frequency) for cid in EXPECTED if (c := example.control(cid)) is not None}
    assert got == EXPECTED


def test_each_split_duty_prints_the_same_named_commitment_as_its_policy_sentence(example: Program) -> None:
    for cid, name in SPLIT.items():
        control = example.library.catalog.controls[cid]
        assert f"commit.{name}" in control.statement, cid
        home = example.library.templates[control.policy].body
        assert f"commit.{name}" in home, (cid, control.policy)
        # ... and the control it came out of no longer states it.
        others = [c.id for c in example.library.catalog.controls.values()
                  if c.id != cid and f"commit.{name}" in c.statement and c.id in EXPECTED]
        assert others == [], (cid, others)


def test_the_suspension_path_is_one_control_carried_by_the_training_policy(example: Program) -> None:
    suspension = example.library.catalog.controls["PMG-07"]
    assert suspension.carried_by == ("POL-06",)
    assert "PMG-07" in example.policies["POL-06"].controls
    statements = library_view(example).statements
    assert "suspend" not in statements["TRN-05"].replace("suspensions follow control PMG-07", "")
    assert "suspended" not in statements["PMG-04"]


def test_a_small_company_has_the_ceo_own_the_independent_test_it_engages(library: Library) -> None:
    nimbus = variant_program("nimbus-uk", library)
    test = nimbus.control("MON-03")
    assert test is not None and (test.owner, test.frequency) == ("ceo", "annual")
    # A Type I company: the assessor walks through every control's design first (issue #13, N9).
    assert re.search(r"the Chief Executive Officer has the independent assessor Marlow Assurance Ltd walk through "
                     r"every key control",
                     library_view(nimbus).statements["MON-03"])


@pytest.mark.parametrize("name", ["acme-us", "nimbus-uk"])
def test_no_control_of_the_reference_companies_has_a_second_actor_or_cadence(library: Library, name: str) -> None:
    program = variant_program(name, library)
    assert run_rules(library_view(program), ["CTL007"]) == []


# Periodic controls whose per-event deadline moved to the per-event control that times its population
# (rule CTL008), and the control that now prints it.
MOVED = {"AST-06": "END-08", "PHY-02": "HRS-06", "PHY-04": "HRS-03", "PMG-04": "PMG-08", "PMG-06": "MON-04",
         "MON-03": "MON-04", "MON-05": "MON-04", "RET-07": "RET-04", "TRN-06": "GOV-08", "PRV-12": "PRV-14",
         "COC-02": "COC-07", "COC-03": "COC-08", "AST-01": "AST-09", "BCP-05": "BCP-09", "CHG-09": "CHG-11",
         "GOV-07": "GOV-12", "MON-01": "MON-10", "VEN-07": "VEN-10", "TRN-03": "TRN-08", "TRN-07": "TRN-09",
         "RET-01": "RET-08", "CNF-07": "RET-08", "TRN-02": "TRN-10", "TRN-04": "TRN-10", "INC-02": "INC-03",
         "PIN-05": "PIN-10"}


@pytest.mark.parametrize("name", ["acme-us", "nimbus-uk"])
def test_the_periodic_controls_fixed_for_ctl008_print_no_per_event_deadline(library: Library, name: str) -> None:
    program = variant_program(name, library)
    flagged = {p.message.split()[2].rstrip(":") for p in run_rules(library_view(program), ["CTL008"])}
    assert flagged.isdisjoint(MOVED)
    in_force = {c.id: c for c in program.controls()}
    for periodic, event in MOVED.items():
        if periodic in in_force and event in in_force:
            assert in_force[event].frequency == "per-event", (periodic, event)
