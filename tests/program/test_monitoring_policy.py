"""POL-26 (internal control monitoring): one set of lead times, one duty assignment, one sampling method."""

from __future__ import annotations

import re
from typing import Any

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import variant_program

CTO_IS_SO = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example"}
LARGE = {"headcount_band": "51-200"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def pol26(library: Library, **answers: Any) -> str:
    program = variant_program("example", library, answers)
    return program.render_body(program.policies["POL-26"])


def statement(body: str, number: str) -> str:
    match = re.search(rf"\*\*{re.escape(number)}\*\*(.*?)(?=\n\s*\n)", body, re.DOTALL)
    assert match, number
    return " ".join(match.group(1).split())


@pytest.mark.parametrize("report_type", ["type1", "type2"])
def test_every_lead_time_of_the_monitoring_policy_is_read_from_its_named_commitment(library: Library,
                                                                                  report_type: str) -> None:
    overrides = {"assessor_test_lead": 5, "audit_preparation_lead": 45, "type2_window_decision": 75,
                 "failed_control_retest": 7}
    program = variant_program("example", library, {"report_type": report_type, "_commitments": overrides})
    body = program.render_body(program.policies["POL-26"])
    assert "at least 5 months before the SOC 2" in statement(body, "4.4.1")
    assert "retested within 7 months" in statement(body, "4.4.1")
    assert "45 days before" in body and "Sixty days" not in body
    if report_type == "type1":
        assert statement(body, "4.7.2").startswith("The report is a SOC 2 Type I")
        assert "Within 75 days of receiving it" in statement(body, "4.7.2")
    mon03 = next(c for c in program.controls() if c.id == "MON-03")
    assert "at least 5 months before the SOC 2" in program.render_statement(mon03, program.policies["POL-26"])


def test_no_lead_time_of_the_monitoring_policy_is_typed_as_a_number(library: Library) -> None:
    text = (library.root / "policies" / "POL-26-internal-control-monitoring.md").read_text(encoding="utf-8")
    for typed in ("3 months before", "3 months have passed", "Sixty days", "within 60 days", "retested within 3 months",
                  "within 5 business days of discovery", "every 12 months after"):
        assert typed not in text, typed


@pytest.mark.parametrize("answers", [{}, CTO_IS_SO, LARGE, {**LARGE, **CTO_IS_SO}],
                         ids=["small", "small-cto-so", "large", "large-cto-so"])
def test_the_security_officer_never_tests_a_control_they_operate(library: Library, answers: dict[str, Any]) -> None:
    body = pol26(library, **answers)
    roles = body.split("## 4.")[0]
    assert "performs internal testing" not in roles
    so_line = next(line for line in roles.splitlines() if line.startswith("- **Security Officer**"))
    two_roles = answers.get("security_officer_name") == "Rahul Mehta"
    testing = statement(body, "4.4.2")
    if answers.get("headcount_band") == "51-200":
        assert "tests only controls that other people operate" in so_line
        # The controls the Security Officer operates go to someone else, and when the CTO is the Security
        # Officer, so do the CTO's own controls.
        assert "tests the controls the Security Officer operates" in testing
        assert ("those the Chief Technology Officer operates" in testing) == two_roles
        assert ("the Chief Technology Officer or an independent assessor" in testing) == (not two_roles)
    else:
        assert "the independent assessor of section 4.4 performs every test" in so_line
        assert "the assessor tests every control" in testing
    if two_roles:
        # Issue #12: nor do they scope those tests; the Security Officer's reviewer does.
        assert "they neither scope nor perform the tests of the controls they operate in either role" in roles


@pytest.mark.parametrize("answers", [{}, LARGE], ids=["small", "large"])
def test_samples_are_chosen_by_the_tester_from_the_population_in_policy_and_procedure(
        library: Library, answers: dict[str, Any]) -> None:
    body = pol26(library, **answers)
    method = statement(body, "4.4.3")
    assert "obtains the full population of the period from its system of record and chooses the samples" in method
    procedure = body.split("### 5.1")[1].split("### 5.2")[0]
    assert "obtains each population from its system of record and chooses samples" in procedure
    # Nobody but the tester prepares or picks samples.
    assert not re.search(r"prepares the (samples|populations)", body)


def test_a_first_type1_too_soon_for_the_lead_time_says_when_its_first_round_finishes(library: Library) -> None:
    # Adopted 1 December 2026 with a Type I as of 1 January 2027: the 3-month lead cannot be kept the first
    # year, so the policy names the day the first round finishes (the calendar schedules the same day).
    body = pol26(library, report_type="type1", headcount_band="1-20")
    # It finishes first_round_fix_room (2 weeks) before the as-of date, so what it finds can be fixed and retested
    # in time, and what is not is disclosed under 5.2 step 3. A Type I tests no period: the round is a walkthrough.
    assert ("This policy takes effect on 1 December 2026, less than 3 months before the first as-of date, so the "
            "first round is a design-and-implementation walkthrough (each control, as written, would meet its "
            "criteria and is in place) that finishes by 18 December 2026, leaving 2 weeks to fix and retest what it "
            "finds before the as-of date; a failure not fixed and retested by then is disclosed to the auditor under "
            "step 3 of section 5.2.") in statement(body, "4.4.1")
    assert "5.2 Preparing for the examination" in body and body.split("### 5.2")[1].split("\n3. ")[1].startswith(
        "Open deficiencies are reviewed with their owners, and remediation is evidenced or the deficiency is "
        "disclosed to the auditor")
    assert "confirms them by 18 December 2026" in " ".join(body.split())
    # A Type I program prints only its own anchor; the Type II one is printed once the company reports Type II.
    # Issue #13 N9: the yearly round starts with the Type II examinations; before the as-of date there is one.
    assert statement(body, "4.4.1").startswith("Finishing at least 3 months before the SOC 2 Type I as-of date, "
                                               "1 January 2027, and then every year from the first Type II "
                                               "observation window on, an independent assessor")
    assert "a round before a Type I as-of date checks design and implementation" in statement(body, "4.4.3")
    # A Type II window ending 30 June 2027 leaves room for both lead times: no first-round exception.
    later = pol26(library, report_type="type2", headcount_band="1-20")
    assert "first round" not in later and "walkthrough" not in statement(later, "4.4.3")
    assert "confirms them by" not in later


def test_the_bridge_letter_has_one_trigger_read_from_its_named_commitment(library: Library) -> None:
    program = variant_program("example", library, {"report_type": "type2", "_commitments": {"bridge_letter_after": 4}})
    body = program.render_body(program.policies["POL-26"])
    assert "when more than 4 months have passed since the end of the last observation window, a bridge letter" \
        in statement(body, "4.8.1")
    # The window paragraph points at that one rule instead of stating a second trigger.
    assert "under section 4.8.1, with its bridge letter once that report's window ended more than 4 months" \
        in statement(body, "4.7.2")
    assert "customers who ask a bridge letter" not in body


@pytest.mark.parametrize("report_type", ["type1", "type2"])
def test_a_program_prints_only_the_branch_of_its_own_report_type(library: Library, report_type: str) -> None:
    # N-O3: a Type I program printed "the SOC 2 as-of date, or, for a Type II, before the end of the observation
    # window" (MON-03, POL-26 4.4.1 and 5.2) and a log retention that "covers an observation window" it has not.
    program = variant_program("example", library, {"report_type": report_type})
    pages = {pid: " ".join(program.render_body(program.policies[pid]).split()) for pid in ("POL-18", "POL-26")}
    statements = " ".join(program.render_statement(c, program.policies[c.policy]) for c in program.controls()
                          if c.id == "MON-03")
    for text in (*pages.values(), statements):
        assert "for a Type II" not in text and "or, for a Type" not in text
    retention = statement(program.render_body(program.policies["POL-18"]), "4.4.1")
    if report_type == "type1":
        assert "before the SOC 2 as-of date" in statements and "observation window" not in statements
        assert retention.startswith("Security logs are kept for 455 days, longer than an observation window of 12 "
                                    "months and the 2 months until its report, the span of each Type II examination "
                                    "that follows the Type I report, so")
    else:
        assert "before the SOC 2 observation window ends" in pages["POL-26"]
        assert retention.startswith("Security logs are kept for 455 days, longer than an observation window of 12 "
                                    "months and the 2 months until its report, so every day")
