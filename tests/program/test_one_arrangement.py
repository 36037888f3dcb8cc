"""Every commitment is stated once and reads the same wherever the program relies on it (issues #12 and #13).

An auditor's read at stop 27 found the same duty described two ways: the board chair or adviser told of a
significant deficiency within 5 business days in POL-01 and within up to 15 in MON-04 (T10); an outside engineer
whose on-call role, production access and place in the runbook differed from page to page in Nimbus (T6, T7). Each
test pins one arrangement in every place that states it, for the companies where it applies.
"""

from __future__ import annotations

from typing import Any

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._companion import companion_pages
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.program._program import Program
from policyforge.rules import library_view

COMPANIES: dict[str, dict[str, Any]] = {
    "acme": {},
    "nimbus": dict(MATRIX["nimbus-uk"].answers),
    "ctoso": {"headcount_band": "51-200", "security_officer_name": "Rahul Mehta",
              "security_officer_email": "rahul.mehta@acme.example"},
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def programs(library: Library) -> dict[str, Program]:
    return {name: variant_program("example", library, answers) for name, answers in COMPANIES.items()}


@pytest.fixture(scope="module")
def companions(programs: dict[str, Program]) -> dict[str, dict[str, str]]:
    return {name: {path.split("/")[-1]: " ".join(text.split()) for path, text in companion_pages(program).items()}
            for name, program in programs.items()}


def statement(program: Program, control_id: str) -> str:
    return " ".join(library_view(program).statements[control_id].split())


def body(program: Program, policy_id: str) -> str:
    return " ".join(program.render_body(program.policies[policy_id]).split())


def row(program: Program, policy_id: str, control_id: str) -> str:
    """Return a control's row in its policy's table, as printed (a merged control keeps its own row)."""
    page = program.render_page(program.policies[policy_id])
    return next(line for line in page.splitlines() if line.startswith(f"| [{control_id}]"))


def clause(text: str, number: str) -> str:
    """Return one numbered clause of a policy body ("4.4.3"), up to the next one."""
    start = text.index(f"**{number}**")
    following = text.find("**4.", start + len(number) + 4)
    section = text.find("### ", start)
    ends = [end for end in (following, section) if end != -1]
    return text[start:min(ends) if ends else len(text)]


# ------------------------------------------------------------------------------------------ T10
@pytest.mark.parametrize("company", list(COMPANIES))
def test_the_overseer_is_told_of_a_significant_deficiency_on_one_clock(programs: dict[str, Program],
                                                                        company: str) -> None:
    # T10: POL-01 4.4.3 said 5 business days of the deficiency; MON-04 let the Security Officer take 5 and the CEO a
    # further 5 after classification, itself up to 5 after discovery. One commitment, from one event, in all three.
    program = programs[company]
    notice = "within 5 business days of"
    pol01 = clause(body(program, "POL-01"), "4.4.3")
    assert f"{notice} classifying a deficiency as significant or an incident as notifiable to customers" in pol01
    pol26 = clause(body(program, "POL-26"), "4.6.2")
    assert "to the Chief Executive Officer within 2 business days of classifying it" in pol26
    assert f"{notice} that same classification" in pol26
    mon04 = statement(program, "MON-04")
    assert "within a further" not in mon04 + pol26
    assert f"{notice} that same classification" in mon04
    assert "logged and classified in" in mon04


# ------------------------------------------------------------------------------------------ T6
BACKUP = ("Halden Engineering Ltd, the outside engineer contracted as on-call backup, which takes every page the CTO "
          "does not acknowledge within the acknowledgement time of its severity (15 minutes for a critical page, "
          "30 minutes for a high one) and every page during the CTO's planned leave")


def test_the_outside_engineer_backs_up_on_call_one_way_everywhere(programs: dict[str, Program],
                                                                  companions: dict[str, dict[str, str]]) -> None:
    # T6: POL-18 4.5.3 had Halden cover planned leave only, with no secondary and the risk accepted, while INC-01, the
    # runbook and R-25 paged it after 15 minutes, and TRN-04 trained only the CTO as "the single on-call responder".
    nimbus = programs["nimbus"]
    pol18 = clause(body(nimbus, "POL-18"), "4.5.3")
    assert BACKUP in pol18
    assert "takes the pages during the CTO's planned leave" not in pol18
    assert "there is no secondary" not in pol18
    duty = BACKUP.split("which ", 1)[1]
    register = companions["nimbus"]["risk-register.md"]
    assert f"Halden Engineering Ltd, the outside engineer contracted as on-call backup, {duty}" in register
    assert "pages go unanswered during the CTO's leave" not in register
    assert f"on-call backup that {duty}" in companions["nimbus"]["vendor-inventory.md"]
    assert "escalates to Halden Engineering Ltd" in statement(nimbus, "INC-01")
    trn04 = statement(nimbus, "TRN-04")
    assert "the CTO and each responder Halden Engineering Ltd names for on-call backup complete incident response " \
        "training before first taking a page" in trn04
    assert "single on-call responder" not in trn04
    assert "each completes incident response training before first taking a page" in \
        clause(body(nimbus, "POL-06"), "4.5.2")


# ------------------------------------------------------------------------------------------ T7, N6
def test_the_outside_engineer_reaches_production_by_one_route(programs: dict[str, Program],
                                                              companions: dict[str, dict[str, str]]) -> None:
    # T7: the vendor inventory gave Halden access to production that ACC-06, POL-15 4.3.4 and NET-03 never granted,
    # reviewed or logged; N6: POL-13 let an elevation last 4 hours and POL-15 let a vendor's access last 24.
    nimbus = programs["nimbus"]
    route = "only while taking a page as on-call backup, a responder Halden Engineering Ltd names in its contract"
    assert route in statement(nimbus, "ACC-06")
    assert "expire within 4 hours of approval" in statement(nimbus, "ACC-06")
    assert "the responders of Halden Engineering Ltd included" in row(nimbus, "POL-15", "NET-03")
    pol13 = clause(body(nimbus, "POL-13"), "4.5.2")
    assert "A responder Halden Engineering Ltd names in its contract elevates the same way" in pol13
    assert "is reviewed at each access review like every other account and is removed when the contract ends" in pol13
    pol15 = clause(body(nimbus, "POL-15"), "4.3.4")
    assert "a responder of Halden Engineering Ltd" in pol15
    assert "which ends within 4 hours of its approval" in pol15
    assert "24 hours" not in pol15
    assert "elevate to production administrator rights just in time" in companions["nimbus"]["vendor-inventory.md"]
    for company in ("acme", "ctoso"):
        text = clause(body(programs[company], "POL-15"), "4.3.4")
        assert "just-in-time elevation as the company's own engineers" in text and "24 hours" not in text
        assert "Halden" not in text


# ------------------------------------------------------------------------------------------ T8
def test_card_data_is_in_the_risk_register_and_flagged_in_the_asset_inventory(
        companions: dict[str, dict[str, str]]) -> None:
    # T8: Nimbus takes card data, yet neither its risk register nor its asset inventory said so.
    nimbus, acme = companions["nimbus"], companions["acme"]
    assert "| R-27 | **Cardholder data exposed** (confidentiality)" in nimbus["risk-register.md"]
    assert "Cardholder data exposed" not in acme["risk-register.md"]
    inventory = nimbus["asset-inventory.md"]
    assert "| Retention | PCI DSS scope | Identifier |" in inventory
    assert "| Production database | Cloud SQL | europe-west2 | Restricted (holds cardholder data) |" in inventory
    assert "| contract term, deleted within 60 days of its end | CDE | |" in inventory
    assert "customer data and cardholder data (in the CDE, section 4)" in inventory
    assert "PCI DSS scope" not in acme["asset-inventory.md"] and "CDE" not in acme["asset-inventory.md"]


# ------------------------------------------------------------------------------------------ T9, T18
def test_the_adviser_oversees_and_never_sits_in_for_management(programs: dict[str, Program],
                                                              companions: dict[str, dict[str, str]]) -> None:
    # T9: the adviser attended the two-person meeting in place of an absent member while being described as
    # independent oversight, had no row in the risk register and none in the incident runbook. T18: the example's
    # vendor inventory had the adviser stand in at a meeting whose POL-01 4.3.1 quorum needs no stand-in.
    pol01 = clause(body(programs["nimbus"], "POL-01"), "4.3.1")
    assert "in place of either one who is absent" not in pol01
    assert "moves to the first date both can, within the same quarter" in pol01
    assert "never attends in place of a member" in pol01
    for company in ("acme", "nimbus"):
        pages = companions[company]
        assert "in place of an absent member" not in pages["vendor-inventory.md"] + pages["system-description.md"]
        assert "never owns a control and never decides for management" in pages["vendor-inventory.md"]
        assert "**Dependence on the outside security adviser** (governance)" in pages["risk-register.md"]
        assert "| Outside security adviser |" in pages["incident-response-runbook.md"]
    assert "| Outside security adviser | Harriet Cole | harriet@colerisk.example |" in \
        companions["nimbus"]["incident-response-runbook.md"]


# ------------------------------------------------------------------------------------------ N10
def test_the_one_engineer_is_a_single_point_of_failure_in_the_impact_analysis(
        companions: dict[str, dict[str, str]]) -> None:
    bia = companions["nimbus"]["business-impact-analysis.md"]
    assert ("| One engineer: Mei Lin, the Chief Technology Officer, is the only person inside the company who can "
            "recover a tier 1 system; Halden Engineering Ltd is the contracted backup | all tier 1 systems | R-18, "
            "R-25 |") in bia
    assert "One engineer:" not in companions["acme"]["business-impact-analysis.md"]
