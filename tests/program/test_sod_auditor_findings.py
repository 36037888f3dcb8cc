"""Segregation of duties where one person holds two roles: the open findings of the last auditor read (issue #12).

Each finding is read in the five reference companies (the example; cto-security-officer, Rahul Mehta CTO and Security
Officer; ceo-privacy-officer; five-people; nimbus-uk, Mei Lin CTO and Security Officer and the only engineer, Tom Reid
CEO, Privacy Officer and Head of People, Halden Engineering Ltd the outside engineer), and the routing is read from
facts: each assertion names whom the facts make the other person, and fails on the templates before the fix.
"""

from __future__ import annotations

import re

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program import Program
from policyforge.program._companion import companion_pages
from policyforge.program._lint import variant_program
from policyforge.rules import library_view

NAMES = ("example", "cto-security-officer", "ceo-privacy-officer", "five-people", "nimbus-uk")


@pytest.fixture(scope="module")
def programs() -> dict[str, Program]:
    library: Library = load_library()
    return {name: variant_program(name, library) for name in NAMES}


def _statement(program: Program, policy: str, number: str) -> str:
    body = " ".join(program.render_body(program.policies[policy]).split())
    found = re.search(rf"\*\*{re.escape(number)}\*\*.*?(?=\*\*\d+\.\d+(?:\.\d+)?\*\*|\s#|$)", body)
    assert found, (policy, number)
    return found.group(0)


def _control(program: Program, control: str) -> str:
    return library_view(program).statements[control]


def _page(program: Program, name: str) -> str:
    return " ".join(next(text for key, text in companion_pages(program).items() if name in key).split())


# ------------------------------------------------------------------------------------------------ AUT-04
def test_nobody_checks_or_confirms_their_own_multi_factor_reset(programs: dict[str, Program]) -> None:
    nimbus = programs["nimbus-uk"]
    # Mei Lin's reset: Tom Reid checks her identity and is her manager, so his manager, the adviser, confirms.
    control = _control(nimbus, "AUT-04")
    assert "by the Chief Executive Officer when the Security Officer is away or is the person, and by the outside " \
        "security adviser Harriet Cole when that is the person too" in control
    assert "or by the manager's own manager where the manager made the identity check (by the outside security " \
        "adviser Harriet Cole for the Chief Executive Officer" in control
    assert "no one makes both checks" in control
    policy = _statement(nimbus, "POL-14", "4.2.4")
    assert "or by the outside security adviser Harriet Cole when the Chief Executive Officer is the person" in policy
    assert "the identity check and the confirmation are never made by one person" in policy
    five = _statement(programs["five-people"], "POL-14", "4.2.4")
    assert "or by the alternate approver, Sam Ortiz, when the Security Officer is away" in five


# ------------------------------------------------------------------------------------------------ PMG-05
@pytest.mark.parametrize("name", NAMES)
def test_the_exception_approver_is_never_the_requester(programs: dict[str, Program], name: str) -> None:
    program = programs[name]
    assert "so the approver is never the requester" in _control(program, "PMG-05")
    assert "whoever decides is never the person who requested it" in _statement(program, "POL-02", "4.6.2")
    register = _page(program, "exception-register")
    assert "the approver is never the requester" in register and "as well when" not in register
    assert "so the two approvals are two different people's" in register


# ------------------------------------------------------------------------------------------------ POL-19 4.7.4
def test_overdue_emergency_changes_are_reported_to_someone_other_than_their_reviewer(
        programs: dict[str, Program]) -> None:
    nimbus = _statement(programs["nimbus-uk"], "POL-19", "4.7.4")
    assert nimbus.startswith("**4.7.4** Every month the Chief Executive Officer reviews all emergency changes")
    assert "is reported to the outside security adviser Harriet Cole, not to the reviewer who found it" in nimbus
    ctoso = _statement(programs["cto-security-officer"], "POL-19", "4.7.4")
    assert "which the Chief Executive Officer reviews" in ctoso
    assert "is reported to the Head of People, not to the reviewer who found it" in ctoso


# ------------------------------------------------------------------------------------------------ POL-06 5.3
def test_whoever_is_warned_of_a_phishing_test_is_not_one_of_its_targets(programs: dict[str, Program]) -> None:
    nimbus = " ".join(programs["nimbus-uk"].render_body(programs["nimbus-uk"].policies["POL-06"]).split())
    assert "is told beforehand" not in nimbus
    assert "without telling the Security Officer or Tom Reid (Chief Executive Officer, Privacy Officer and Head of " \
        "People), as both are its targets" in nimbus
    example = programs["example"]
    assert "telling the CTO beforehand so the simulation is not mistaken for a real attack; the person told is " \
        "left out of that exercise's targets" in " ".join(example.render_body(example.policies["POL-06"]).split())
    assert "to all personnel except the one person told of the exercise beforehand" in \
        _statement(example, "POL-06", "4.4.1")
    assert "except the one person told of it beforehand" in _control(example, "TRN-03")


# ------------------------------------------------------------------------------------------------ INC-07
@pytest.mark.parametrize(("name", "signer", "fallback"), [
    ("nimbus-uk", "the Chief Executive Officer", "the outside security adviser Harriet Cole"),
    ("cto-security-officer", "the Chief Executive Officer", "the Head of People"),
    ("five-people", "the Chief Executive Officer", "the alternate approver, Sam Ortiz,"),
])
def test_the_post_incident_review_is_signed_off_by_someone_other_than_the_commander(
        programs: dict[str, Program], name: str, signer: str, fallback: str) -> None:
    program = programs[name]
    routed = f"{signer}, or {fallback} when the commander was the Chief Executive Officer"
    assert routed in _statement(program, "POL-21", "4.6.1")
    assert routed in _control(program, "INC-07")
    runbook = _page(program, "incident-response-runbook")
    assert f"which is signed off by someone other than the commander: {routed}" in runbook
    assert "Review signed off by (never the commander)" in runbook


# ------------------------------------------------------------------------------------------------ Halden
def test_the_outside_engineer_is_owned_by_someone_whose_work_it_does_not_check(programs: dict[str, Program]) -> None:
    inventory = _page(programs["nimbus-uk"], "vendor-inventory")
    assert "| Halden Engineering Ltd | Critical | Chief Executive Officer (Tom Reid) |" in inventory


# ------------------------------------------------------------------------------------------------ POL-26
def test_the_controls_the_cto_and_security_officer_operates_are_scoped_and_tested_by_others(
        programs: dict[str, Program]) -> None:
    ctoso = programs["cto-security-officer"]
    tests = _statement(ctoso, "POL-26", "4.4.2")
    assert "the Head of People plans it for the controls the Security Officer operates as Security Officer or as " \
        "Chief Technology Officer" in tests
    assert "so nobody scopes or tests their own controls" in tests
    roles = " ".join(ctoso.render_body(ctoso.policies["POL-26"]).split())
    assert "either role tests" not in roles
    assert "they neither scope nor perform the tests of the controls they operate in either role: the Head of People " \
        "sets the scope of those tests" in roles
    # A larger company with the CTO as Security Officer: an assessor the CEO engages tests them, on the scope the
    # Security Officer's reviewer sets.
    large = variant_program("cto-security-officer", load_library(), {"headcount_band": "51-200"})
    assert "an independent assessor the Chief Executive Officer engages and names in the testing plan before the " \
        "round starts tests the controls the Security Officer operates" in _statement(large, "POL-26", "4.4.2")
    assert "scoped by the Head of People and tested by an independent assessor" in _control(large, "MON-03")


# ---------------------------------------------------------------------------------------- AUP-02, INC-11, PRV-05
@pytest.mark.parametrize(("name", "extract", "notice", "privacy"), [
    ("example", "the Chief Technology Officer", "the Chief Executive Officer", "the Security Officer"),
    ("ceo-privacy-officer", "the Chief Technology Officer", "the Chief Technology Officer", "the Security Officer"),
    ("five-people", "the alternate approver, Sam Ortiz,", "the Chief Technology Officer", "the Security Officer"),
])
def test_own_extracts_no_notice_decisions_and_privacy_proposals_go_to_someone_else(
        programs: dict[str, Program], name: str, extract: str, notice: str, privacy: str) -> None:
    program = programs[name]
    assert f"or by {extract} for an extract the Security Officer asks for" in _control(program, "AUP-02")
    assert f"a decision that no notice is owed is reviewed and countersigned in the ticket by {notice}" in \
        _control(program, "INC-11")
    assert f"(a review by {privacy} for one the Privacy Officer proposes" in _control(program, "PRV-05")
    assert f"; {privacy} decides on one the Privacy Officer proposes" in _statement(program, "POL-28", "4.4.2")


# ------------------------------------------------------------------------------------------------ CHG-06, CHG-10
def test_a_ctos_own_emergency_change_is_judged_by_an_engineer(programs: dict[str, Program]) -> None:
    ctoso = programs["cto-security-officer"]
    assert "by the Head of People on the code review of an engineer other than the CTO in GitHub" in \
        _control(ctoso, "CHG-06")
    assert "a change the CTO wrote is reviewed by an engineer other than the CTO in GitHub, who judges the code" in \
        _statement(ctoso, "POL-19", "4.7.3")
    # With one engineer the contracted outside engineer judges it, and the monthly review checks only the record.
    nimbus = programs["nimbus-uk"]
    assert "after the fact within 1 business day by Halden Engineering Ltd" in _control(nimbus, "CHG-06")
    assert "the review checks the record (incident reference, approval, count), as the technical judgement of each " \
        "change is the approval of control CHG-06" in _control(nimbus, "CHG-10")


# ------------------------------------------------------------------------------------------------ BAK-06
@pytest.mark.parametrize(("name", "signer"), [("example", "by the CTO, or by the Security Officer for a test the CTO "
                                                           "ran"),
                                              ("five-people", "by the CTO, or by the Chief Executive Officer for a "
                                                              "test the CTO ran"),
                                              ("nimbus-uk", "by Halden Engineering Ltd, the contracted outside "
                                                            "engineer, as the CTO, the only engineer, runs every "
                                                            "test")])
def test_restore_tests_are_signed_off_by_someone_who_did_not_run_them(programs: dict[str, Program], name: str,
                                                                     signer: str) -> None:
    program = programs[name]
    assert f"signed off by someone who did not run the test: {signer}" in _control(program, "BAK-06")
    assert "Whoever ran a test never signs it off." in _statement(program, "POL-23", "4.6.4")
