"""The lean company reads true for itself: its capacity review, its one engineer, its two role holders, the outside
parties it has not yet engaged, its PCI DSS firms, its Type I and its adviser who never decides (issue #13).

Each test names the auditor's finding it pins (T12, N1, N2, T17, N4, N9 and the adviser's board-style decisions) and
fails on the templates before the change.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from policyforge._errors import FactsError
from policyforge.model import load_library
from policyforge.model._answers import resolve_answers
from policyforge.model._facts import facts_from_answers
from policyforge.model._library import Library
from policyforge.program._companion import companion_pages
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.program._program import Program
from policyforge.rules import library_view

NIMBUS: dict[str, Any] = dict(MATRIX["nimbus-uk"].answers)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def nimbus(library: Library) -> Program:
    return variant_program("example", library, NIMBUS)


@pytest.fixture(scope="module")
def acme(library: Library) -> Program:
    return variant_program("example", library, {"headcount_band": "51-200"})


@pytest.fixture(scope="module")
def waiting(library: Library) -> Program:
    """Nimbus before it has engaged its Approved Scanning Vendor and its penetration tester."""
    return variant_program("example", library, {**NIMBUS, "scanning_vendor": "", "penetration_tester": ""})


def flat(text: str) -> str:
    return " ".join(text.split())


def body(program: Program, policy_id: str) -> str:
    return flat(program.render_body(program.policies[policy_id]))


def statement(program: Program, control_id: str) -> str:
    return flat(library_view(program).statements[control_id])


def clause(text: str, number: str) -> str:
    start = text.index(f"**{number}**")
    ends = [end for end in (text.find("**", start + len(number) + 4), text.find("### ", start)) if end != -1]
    return text[start:min(ends) if ends else len(text)]


def companion(program: Program, name: str) -> str:
    return flat(next(text for path, text in companion_pages(program).items() if path.endswith(name)))


# ------------------------------------------------------------------------------------------ T12
def test_the_capacity_review_is_a_control_of_every_company_stated_in_pol18(nimbus: Program, acme: Program) -> None:
    # T12: a Security-only company read a quarterly capacity review in POL-18 4.8.2 that no control carried, and
    # its risk R-19 (capacity) named only the utilisation alerts.
    for program in (nimbus, acme):
        assert "AVL-04" in program.policies["POL-18"].controls
        assert program.carriers()["AVL-04"].id == "POL-18"
        review = clause(body(program, "POL-18"), "4.8.2")
        assert "Every 3 months the CTO" in review and "forecasts demand for the next 12 months" in review
        register = companion(program, "risk-register.md")
        row = next(line for line in register.split("| R-") if line.startswith("19 |"))
        assert "[AVL-04](../POL-18-logging-monitoring.md#control-avl-04)" in row
    assert "the CTO, with the system owners" not in clause(body(nimbus, "POL-18"), "4.8.2")
    # The availability policy relies on the same review instead of stating it a second time.
    assert "AVL-04" in acme.policies["POL-24"].controls
    assert "Capacity is reviewed under section 4.8.2 of the [Logging and Monitoring Policy]" in body(acme, "POL-24")


# ------------------------------------------------------------------------------------------ N1
ONE_ENGINEER_WRONG = ("**Service owners**", "**Engineers** keep", "a team that cannot keep up",
                      "Engineers search the inventory", "Engineers check this in code review",
                      "the engineer accountable for each production system", "engineering capacity is set aside",
                      "informs the on-call engineer", "another engineer")


def test_vulnerability_and_monitoring_policies_of_one_engineer_name_what_the_cto_does_and_who_checks(
        nimbus: Program, acme: Program) -> None:
    pol16, pol18 = body(nimbus, "POL-16"), body(nimbus, "POL-18")
    for wrong in ONE_ENGINEER_WRONG:
        assert wrong not in pol16 + pol18, wrong
    assert "**Service owner**: the CTO, for every service and infrastructure component, fixes each finding" in pol16
    assert ("Each fix is a change that Halden Engineering Ltd, the outside engineer the company contracts to review "
            "changes, approves before it is merged") in pol16
    assert ("since the CTO who fixed the finding is also the Security Officer, Halden Engineering Ltd, the contracted "
            "outside engineer, checks the rescan result") in pol16
    assert "The CTO searches the inventory" in pol16
    assert "tells Halden Engineering Ltd, the on-call backup, of the window" in pol16
    assert "**System owner**: the CTO, for every production system" in pol18
    assert "Halden Engineering Ltd checks this in its review of each change the CTO writes" in pol18
    assert "escalate to Halden Engineering Ltd as section 4.6.2 sets" in pol18
    # A company with engineers keeps its team text.
    team16, team18 = body(acme, "POL-16"), body(acme, "POL-18")
    assert "**Engineers** keep dependencies current" in team16 and "a team that cannot keep up" in team16
    assert "Engineers check this in code review" in team18


# ------------------------------------------------------------------------------------------ N2
def test_the_two_role_holders_are_named_never_called_the_two_people_in_the_program(nimbus: Program) -> None:
    pages = [flat(nimbus.render_page(doc)) for doc in nimbus.policies.values()]
    assert not any(re.search(r"(?:people|person) in the program", page) for page in pages)
    holders = ("Mei Lin (Chief Technology Officer and Security Officer) and Tom Reid (Chief Executive Officer, "
               "Privacy Officer and Head of People)")
    assert f"With every role of the program held by {holders}, the Security Officer is among the targets" in \
        body(nimbus, "POL-06")
    assert ("for Tom Reid (Chief Executive Officer, Privacy Officer and Head of People), who holds the program's "
            "other roles, and for all other staff,") in body(nimbus, "POL-06")
    assert f"With every role of the program held by {holders}, the commander also investigates" in \
        body(nimbus, "POL-21")
    assert "tells Mei Lin or Tom Reid, whichever of the two can still work," in body(nimbus, "POL-22")
