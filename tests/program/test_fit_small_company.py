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


# ------------------------------------------------------------------------------------------ T17
def test_a_party_not_yet_engaged_operates_no_control_and_its_controls_are_deficiencies(waiting: Program,
                                                                                       nimbus: Program) -> None:
    inventory = companion(waiting, "vendor-inventory.md")
    assert ("| Approved Scanning Vendor, to be engaged | the external vulnerability scans of the cardholder data "
            "environment, with rescans until each passes; not engaged yet, so it operates no control, and "
            "[VUL-09](../POL-16-vulnerability-management.md#control-vul-09) is a deficiency under "
            "[MON-04](../POL-26-internal-control-monitoring.md#control-mon-04) until it is |") in inventory
    assert "| Penetration testing firm, to be engaged |" in inventory
    assert ("[NET-08](../POL-15-network-security.md#control-net-08) and "
            "[VUL-05](../POL-16-vulnerability-management.md#control-vul-05) are deficiencies under") in inventory
    assert ('A party shown "to be engaged" has no engagement yet and operates no control until it has one') in \
        inventory
    assert "reported to the Chief Executive Officer within 2 business days of classifying it" in inventory
    system = companion(waiting, "system-description.md")
    assert ("| Approved Scanning Vendor | to be engaged; operates no control until engaged | the external "
            "vulnerability scans") in system
    assert "until it is engaged, VUL-09 is a deficiency tracked under control MON-04 |" in system
    assert "or control that relies on an outside party the company has not yet engaged (listed by its role" in \
        clause(body(nimbus, "POL-26"), "4.5.1")
    # Every party Nimbus relies on is engaged: nothing reads "to be engaged".
    assert "to be engaged" not in companion(nimbus, "vendor-inventory.md") + companion(nimbus, "system-description.md")


# ------------------------------------------------------------------------------------------ N4
def test_the_scanning_vendor_and_the_qsa_are_named_where_the_company_names_them(library: Library,
                                                                                nimbus: Program) -> None:
    assert "Clearscan Ltd, a PCI SSC Approved Scanning Vendor, scans it from outside every 3 months" in \
        statement(nimbus, "VUL-09")
    assert "by Clearscan Ltd, a PCI SSC Approved Scanning Vendor (PCI DSS" in clause(body(nimbus, "POL-16"), "4.1.5")
    assert "| Clearscan Ltd | the external vulnerability scans" in companion(nimbus, "vendor-inventory.md")
    assert "Qualified Security Assessor" not in companion(nimbus, "vendor-inventory.md")
    qsa = variant_program("example", library, {**NIMBUS, "pci_assessor": "Ledgerguard QSA Ltd"})
    assert "a Report on Compliance by Ledgerguard QSA Ltd, a Qualified Security Assessor, or the service provider" \
        in statement(qsa, "GOV-13")
    assert "| Ledgerguard QSA Ltd | the PCI DSS assessment" in companion(qsa, "vendor-inventory.md")
    unnamed = variant_program("example", library, {**NIMBUS, "scanning_vendor": ""})
    assert "which the Security Officer engages before the first scan is due" in \
        clause(body(unnamed, "POL-16"), "4.1.5")
    # No card data, no scanning vendor or assessor.
    plain = variant_program("example", library, {**NIMBUS, "data_payment": False})
    assert "Approved Scanning Vendor" not in companion(plain, "vendor-inventory.md")


@pytest.mark.parametrize(("key", "value", "message", "fix"), [
    ("scanning_vendor", "Mei Lin", "scanning_vendor: Mei Lin is the company's Chief Technology Officer",
     "name a firm or person outside the company in scanning_vendor"),
    ("pci_assessor", "Halden Engineering Ltd", "pci_assessor: Halden Engineering Ltd is also the outside engineer",
     "name a different firm in pci_assessor"),
])
def test_a_pci_firm_that_is_not_independent_is_refused_with_the_field_and_a_fix(key: str, value: str, message: str,
                                                                                fix: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers({**NIMBUS, key: value}))
    lines = [str(p) for p in caught.value.problems]
    assert any(message in line and fix in line for line in lines), lines


# ------------------------------------------------------------------------------------------ N9
def test_a_type_i_company_is_promised_no_history_of_operation(nimbus: Program, acme: Program) -> None:
    # N9: MON-03 of a Type I company promised a test "every year ... before the SOC 2 as-of date" against samples of
    # the full population, so that no control went untested for 12 months: a history of operation a company reporting
    # on its design at one date cannot have. It walks through the design as of that date; sampling starts with the
    # first Type II window.
    mon03 = statement(nimbus, "MON-03")
    assert mon03.startswith("For the SOC 2 Type I report, the Chief Executive Officer has the independent assessor "
                            "Marlow Assurance Ltd walk through every key control, finishing at least 3 months before "
                            "the SOC 2 as-of date, 1 January 2027 (by 18 December 2026, as this policy takes effect "
                            "less than that before it), to show each one designed to meet its criteria and in place on "
                            "that date")
    assert "from the first Type II examination on, the tests recur every year against samples" in mon03
    assert "Every year, finishing" not in mon03 and "test every key control against samples" not in mon03
    assert clause(body(nimbus, "POL-26"), "4.4.1").startswith(
        "**4.4.1** Finishing at least 3 months before the SOC 2 Type I as-of date, 1 January 2027, and then every year "
        "from the first Type II observation window on,")
    # A Type II company keeps its recurring, sampled test.
    assert statement(acme, "MON-03").startswith("Every 3 months a tester independent of the control operator tests "
                                                "planned key controls against samples the tester chooses from the full "
                                                "population, so that no control goes untested for more than")
    type2 = variant_program("example", nimbus.library, {**NIMBUS, "report_type": "type2"})
    assert statement(type2, "MON-03").startswith("Every year, finishing at least 3 months before the SOC 2 observation "
                                                 "window ends")


# ------------------------------------------------------------------------------------------ adviser
def test_without_a_board_an_officer_decides_and_the_adviser_advises(nimbus: Program, acme: Program) -> None:
    # The adviser approved high-risk exceptions and the CEO's MFA reset and declared a disaster when neither officer
    # answered: management decisions, which an overseer independent of management never takes.
    exceptions = clause(body(nimbus, "POL-02"), "4.6.2")
    assert "also needs the approval of a second officer of the company: the Chief Executive Officer, or the Chief " \
           "Technology Officer where the Chief Executive Officer gave the first approval" in exceptions
    assert "Nobody approves an exception they asked for" in exceptions
    assert "advises on it, but approves none" in exceptions
    assert "approval of the outside security adviser" not in exceptions
    assert "a second officer who did not ask for it" in statement(nimbus, "PMG-05")
    reset = clause(body(nimbus, "POL-14"), "4.2.4")
    # The CEO's reset: the CTO, as Security Officer, checks the identity, so the one confirmation left that nobody
    # makes twice is the adviser's; confirming an identity is a check, not a decision for management.
    assert "(the outside security adviser Harriet Cole for the Chief Executive Officer, who has no manager" in reset
    assert "the identity check and the confirmation are never made by one person" in reset
    assert "it only confirms an officer's identity for a multi-factor reset where the other officer made the " \
           "identity check" in " ".join(companion_pages(nimbus)["companion/vendor-inventory.md"].split())
    continuity = body(nimbus, "POL-22")
    assert "Harriet Cole may declare" not in continuity
    assert "which the outside security adviser Harriet Cole never takes" in continuity
    assert statement(nimbus, "BCP-04").startswith("Disasters are declared only by the Chief Executive Officer or the "
                                                  "Chief Technology Officer, both officers of the company, and each")
    runbook = companion(nimbus, "incident-response-runbook.md")
    assert "declares no disaster" in runbook and "may declare a disaster when neither" not in runbook
    # A company with a board keeps the board's approvals.
    assert "also by the board chair" in statement(acme, "PMG-05") or "the board chair" in \
        clause(body(acme, "POL-02"), "4.6.2")
