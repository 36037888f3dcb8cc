"""Consistency rules: each one caught on a copy of the library (or a company) seeded with its contradiction."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY, build_file_tree, mini_library_files
from policyforge import FactsError, PolicyforgeError, facts_from_answers, load_library, program_from_library
from policyforge.lifecycle import approve, check_repository
from policyforge.model import dump_facts, parse_facts_yaml, resolve_answers, serialize_policy
from policyforge.program import Program
from policyforge.rules import PENDING, RULES, library_view, run_rules

POLICY = "policies/POL-02-policy-management.md"
CONTROLS = "controls/POL-02.yaml"
CATALOG = "catalog/commitments.yaml"
AFTER_ADOPTION = dt.date(2026, 12, 2)  # approvals follow the first version (effective 2026-12-01)


def make_library(tmp_path: Path, catalog_extra: str = "", **files: str) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    if catalog_extra:
        path = root / CATALOG
        path.write_text(path.read_text(encoding="utf-8") + catalog_extra, encoding="utf-8")
    return build_file_tree(root, mini_library_files(files))


def with_statement(text: str) -> str:
    """Return the mini POL-02 with one more statement after 2.1."""
    return mini_library_files()[POLICY].rstrip("\n") + f"\n\n**2.2** {text}\n"


def with_control(statement: str, frequency: str = "quarterly", evidence: str = "EV-01",
                 criteria: str = "CC6.2, CC6.3") -> str:
    # A per-event control names what sets it off (any kind of catalog/effort.yaml serves these tests).
    trigger = "\n                trigger: incident" if frequency == "per-event" else ""
    return mini_library_files()[CONTROLS].rstrip("\n") + f"""
              - id: PMG-02
                statement: {statement}
                owner: security_officer
                frequency: {frequency}{trigger}
                criteria: [{criteria}]
                section: rules
                evidence: [{evidence}]
                checklist: []
            """


def program(root: Path, overrides: dict[str, Any] | None = None, **answers: Any) -> Program:
    facts = facts_from_answers(resolve_answers(answers), overrides=overrides)
    return program_from_library(facts, load_library(root))


def found(prog: Program, code: str) -> list[Any]:
    return run_rules(library_view(prog), [code])


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_every_rule_has_a_code_a_summary_and_pending_rules_are_known() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes)) and all(rule.summary for rule in RULES)
    assert PENDING <= set(codes)


# ------------------------------------------------------------------------------------------------ COM
def test_typed_number_that_shadows_a_commitment_is_caught_with_file_line_and_fix(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Anyone who notices a problem reports a suspected incident to the Security Officer within 24 hours.")})
    problems = found(program(root), "COM001")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.where.endswith("POL-02-policy-management.md")
    assert problem.line == line_of(root / POLICY, "**2.2**")
    assert "'24 hours'" in problem.message and "incident_report_staff" in problem.message
    assert "{{ commit.incident_report_staff.within }}" in problem.fix


@pytest.mark.parametrize(("path", "seeded", "needle", "typed", "name"), [
    # A control statement that retypes a review cadence: the control and its frequency drift from the policy.
    (CONTROLS, "control", "id: PMG-02", "6 months", "network_rule_review"),
    # A policy sentence that retypes the interval of the risk assessment its control runs by.
    (POLICY, "policy", "**2.2**", "12 months", "risk_assessment"),
])
def test_typed_cadence_that_shadows_a_review_commitment_is_caught_with_file_line_and_fix(
        tmp_path: Path, path: str, seeded: str, needle: str, typed: str, name: str) -> None:
    files = {CONTROLS: with_control("Every 6 months the CTO reviews all firewall rules and records the review.",
                                    frequency="semiannual")} if seeded == "control" else {POLICY: with_statement(
        "Every 12 months the Security Officer runs a formal risk assessment.")}
    root = make_library(tmp_path, **files)
    problems = found(program(root), "COM001")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.where.endswith(path.split("/")[-1]) and problem.line == line_of(root / path, needle)
    assert f"'{typed}'" in problem.message and f"commitment {name} ({typed})" in problem.message
    # A cadence is printed with .every, so the fix names that form first.
    assert problem.fix.startswith(f"print it with {{{{ commit.{name}.every }}}}")


# The leftovers an auditor found (issue #12): a cadence typed as a word, a deadline typed twice, a count, a time in
# shorthand and a notice written as an adjective, each beside the duty its named commitment governs.
@pytest.mark.parametrize(("seeded", "text", "typed", "name", "value"), [
    ("control", "Every quarter the Security Officer samples reconciliation tickets of the critical flows and records "
     "the sample in Jira.", "Every quarter", "integrity_sampling", "3 months"),
    ("policy", "In their first 10 business days each new person attends a security orientation.", "10 business days",
     "security_orientation", "10 business days"),
    ("policy", "The Security Officer samples 5 closed alerts to check their triage.", "5", "log_alert_sample", "5"),
    ("policy", "The logging platform raises an alert when a source sends nothing for 24 h.", "24 h",
     "log_source_silence", "24 hours"),
    ("policy", "Changes to the commitment are announced with a 30-day notice.", "30-day", "customer_change_notice",
     "30 days"),
])
def test_a_literal_that_shadows_a_commitment_in_any_form_is_caught(
        tmp_path: Path, seeded: str, text: str, typed: str, name: str, value: str) -> None:
    files = {CONTROLS: with_control(f"'{text}'")} if seeded == "control" else {POLICY: with_statement(text)}
    root = make_library(tmp_path, **files)
    problems = found(program(root), "COM001")
    assert [(p.message.split("'")[1], p.line) for p in problems] == [
        (typed, line_of(root / (CONTROLS if seeded == "control" else POLICY),
                        "id: PMG-02" if seeded == "control" else "**2.2**"))]
    assert f"retypes the commitment {name} ({value})" in problems[0].message
    assert f"commit.{name}" in problems[0].fix
    # Printed through the commitment, the same duty is no shadow.
    printed = text.replace(typed, f"{{{{ commit.{name} }}}}")
    files = {CONTROLS: with_control(f"'{printed}'")} if seeded == "control" else {POLICY: with_statement(printed)}
    assert found(program(make_library(tmp_path / "printed", **files)), "COM001") == []


def test_sentence_that_prints_the_commitment_is_not_a_shadow(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Anyone reports a suspected incident to the Security Officer {{ commit.incident_report_staff.within }}.")})
    assert found(program(root), "COM001") == []


def test_number_of_another_duty_in_a_sentence_that_names_the_duty_is_not_a_shadow(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Anyone reports a suspected incident to the Security Officer {{ commit.incident_report_staff.within }}. "
        "The Security Officer acknowledges the reporter within 5 business days. "
        "Staff who report a suspected incident stay on the call while the pager tool shows the incident history "
        "of the last 90 days.")})
    assert found(program(root), "COM001") == []


def test_only_the_number_next_to_the_duty_in_its_clause_is_its_number(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Staff report a suspected incident within 4 hours and close the follow-up ticket within 30 days.")})
    problems = found(program(root), "COM001")
    assert [p.message.split("'")[1] for p in problems] == ["4 hours"]
    assert problems[0].line == line_of(root / POLICY, "**2.2**")


def test_control_statement_timing_an_acknowledgement_by_another_event_is_caught_at_the_control(
        tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Personnel acknowledge the policy set in Rippling before their Okta account is activated, and the Head "
        "of People keeps the signed records.", frequency="annual")})
    problems = found(program(root), "COM007")
    assert len(problems) == 1
    problem = problems[0]
    assert "PMG-02" in problem.message and "before their Okta account is activated" in problem.message
    assert "acknowledgement_new_hire_days (30 days)" in problem.message
    assert problem.where.endswith("POL-02.yaml") and problem.line == line_of(root / CONTROLS, "id: PMG-02")
    assert "{{ commit.acknowledgement_new_hire_days.within }}" in problem.fix


def test_a_sentence_whose_acknowledgement_deadline_disagrees_with_the_named_one_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Each person acknowledges the policy set within 14 days of their start date.")})
    problems = found(program(root), "COM007")
    assert [p.message.split("'")[1] for p in problems] == ["14 days"]
    assert problems[0].line == line_of(root / POLICY, "**2.2**")


def test_acknowledgement_sentences_that_print_the_named_deadlines_agree(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Each person acknowledges the policy set {{ commit.acknowledgement_new_hire_days.within }} of their start "
        "date, again {{ commit.acknowledgement_renewal.within }} of their last acknowledgement, and "
        "{{ commit.acknowledgement_material_change_days.within }} of a material change.")})
    assert found(program(root), "COM007") == []
    # A company that sets its own joiner deadline reads it in the same sentence: still one value.
    assert found(program(root, overrides={"acknowledgement_new_hire_days": 14}), "COM007") == []


def test_a_reporting_duty_timed_at_once_beside_its_named_deadline_is_caught(tmp_path: Path) -> None:
    # Auditor read A20: "reports suspected incidents at once" (POL-21 roles) and "immediately" (POL-01) beside
    # the one-hour reporting deadline of INC-03.
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Everyone reports suspected incidents at once to the Security Officer, who opens a ticket.")})
    problems = found(program(root), "COM007")
    assert [p.message.split("'")[1] for p in problems] == ["at once"]
    assert problems[0].line == line_of(root / POLICY, "**2.2**")
    assert "{{ commit.incident_report_staff.within }}" in problems[0].fix
    root = make_library(tmp_path / "good", **{POLICY: with_statement(
        "Everyone reports suspected incidents {{ commit.incident_report_staff.within }} of noticing them.")})
    assert found(program(root), "COM007") == []


def test_a_deadline_with_one_start_printed_without_it_is_caught(tmp_path: Path) -> None:
    # Auditor read A20: INC-11 "for each confirmed incident ... decides within 24 hours" left the reader to
    # start the clock at confirmation, while POL-21 and POL-28 start it at awareness.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "For each confirmed incident the Privacy Officer decides {{ commit.breach_decision.within }} whether notice "
        "is owed, recorded in the incident ticket.", frequency="per-event")})
    problems = found(program(root), "COM005")
    assert len(problems) == 1 and "printed with no start" in problems[0].message
    assert problems[0].where.endswith("POL-02.yaml") and problems[0].line == line_of(root / CONTROLS, "id: PMG-02")
    assert "of the company becoming aware" in problems[0].fix
    root = make_library(tmp_path / "good", **{CONTROLS: with_control(
        "For each incident the Privacy Officer decides {{ commit.breach_decision.within }} of the company becoming "
        "aware of it whether notice is owed, recorded in the incident ticket.", frequency="per-event")})
    assert found(program(root), "COM005") == []


def test_record_class_kept_shorter_than_audit_evidence_is_caught_at_its_catalog_line(tmp_path: Path) -> None:
    extra = """  change_record_retention:
    title: how long change records are kept
    kind: retention
    value: 1
    unit: year
    source: seeded for the test
    retention_of: record
"""
    root = make_library(tmp_path, extra)
    problems = found(program(root), "COM002")
    assert len(problems) == 1
    assert problems[0].where.endswith("commitments.yaml")
    assert problems[0].line == line_of(root / CATALOG, "change_record_retention:")
    assert "shorter than audit evidence" in problems[0].message
    assert "keep change_record_retention at least 3 years" in problems[0].fix


def test_tier_needed_by_tier_1_that_recovers_later_is_caught(tmp_path: Path) -> None:
    extra = """  rto_tier2:
    title: recovery time of the systems needed to run and recover Tier 1
    kind: tier
    value: 24
    unit: hour
    source: seeded for the test
    needed_by: [rto_hours]
"""
    root = make_library(tmp_path, extra)
    problems = found(program(root), "COM002")
    assert len(problems) == 1 and problems[0].line == line_of(root / CATALOG, "rto_tier2:")
    assert "recovers later" in problems[0].message and "at most 8 hours" in problems[0].fix


def test_rto_longer_than_the_downtime_allowance_needs_the_gap_stated(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    problems = found(program(root), "COM003")
    assert len(problems) == 1 and problems[0].line == line_of(root / CATALOG, "rto_hours:")
    assert "{{ commit.uptime_sla.downtime }}" in problems[0].fix
    stated = make_library(tmp_path / "b", **{POLICY: with_statement(
        "A disaster may break the availability commitment: it allows {{ commit.uptime_sla.downtime }} of "
        "downtime a month against an RTO of {{ commit.rto_hours }}.")})
    assert found(program(stated), "COM003") == []


def test_claiming_no_gap_between_windows_with_a_6_month_window_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Each window starts the day after the previous one ends, so that coverage has no gap.")})
    problems = found(program(root), "COM004")
    claim = next(p for p in problems if "no gap" in p.message)
    assert claim.line == line_of(root / POLICY, "**2.2**") and "bridge letter" in claim.fix
    assert any(p.where.endswith("commitments.yaml") for p in problems)  # and nothing says how it is bridged
    assert found(program(root, observation_months="12"), "COM004") == []


# ------------------------------------------------------------------------------------------------ SOD
def test_without_an_alternate_the_cto_approves_what_the_ceo_approver_owns(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    prog = program(root, security_officer_name="Dana Whitfield", security_officer_email="dana.whitfield@acme.example",
                   alternate_approver_name="", alternate_approver_email="")
    assert found(prog, "SOD001") == [] and found(prog, "SOD002") == []
    assert prog.policies["POL-02"].history[0].approver == "Rahul Mehta"


def test_owner_who_is_also_the_approver_without_an_alternate_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    # Every office is Dana's, so no one of them can stand in for her (``stand_ins``).
    prog = program(root, security_officer_name="Dana Whitfield", security_officer_email="dana.whitfield@acme.example",
                   cto_name="Dana Whitfield", cto_email="dana.whitfield@acme.example",
                   privacy_officer_name="Dana Whitfield", privacy_officer_email="dana.whitfield@acme.example",
                   head_of_people_name="Dana Whitfield", head_of_people_email="dana.whitfield@acme.example",
                   alternate_approver_name="", alternate_approver_email="")
    routing = found(prog, "SOD002")
    assert routing and routing[0].where.endswith("POL-02-policy-management.md")
    assert routing[0].line == line_of(root / POLICY, "approver:") and "alternate_approver" in routing[0].fix
    history = found(prog, "SOD001")
    assert history and "written and approved by Dana Whitfield" in history[0].message


def test_alternate_approver_takes_the_approval_a_self_owner_cannot_give(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    prog = program(root, security_officer_name="Dana Whitfield", security_officer_email="dana.whitfield@acme.example",
                   alternate_approver_name="Rahul Mehta", alternate_approver_email="rahul.mehta@acme.example")
    assert found(prog, "SOD001") == [] and found(prog, "SOD002") == []
    assert prog.policies["POL-02"].history[0].approver == "Rahul Mehta"


def test_sentence_where_one_person_checks_their_own_work_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The CTO tests the controls that the Security Officer operates and records each result in a ticket.")})
    same = program(root, security_officer_name="Rahul Mehta", security_officer_email="rahul.mehta@acme.example")
    problems = found(same, "SOD003")
    assert len(problems) == 1 and problems[0].line == line_of(root / POLICY, "**2.2**")
    assert "alternate" in problems[0].fix
    assert found(program(root), "SOD003") == []  # different people: nothing to report


def test_alternate_approver_who_is_the_security_officer_never_checks_their_own_work(tmp_path: Path) -> None:
    same_person = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example",
                   "alternate_approver_name": "Rahul Mehta", "alternate_approver_email": "rahul.mehta@acme.example"}
    own = make_library(tmp_path / "own", **{POLICY: with_statement(
        "The Security Officer's controls are tested by the alternate approver, Rahul Mehta, for the CTO.")})
    assert len(found(program(own, **same_person), "SOD003")) == 1
    ceo = make_library(tmp_path / "ceo", **{POLICY: with_statement(
        "The Security Officer's controls are tested by the Chief Executive Officer for the CTO.")})
    assert found(program(ceo, **same_person), "SOD003") == []


def test_a_control_whose_owner_reviews_their_own_approvals_is_caught(tmp_path: Path) -> None:
    review = ("Every month the Security Officer reviews the emergency changes of the period and their retrospective "
              "approvals, with any corrective action for the CTO, in a ticket")
    root = make_library(tmp_path, **{CONTROLS: with_control(review + ".", frequency="monthly")})
    same = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example"}
    problems = found(program(root, **same), "SOD003")
    assert len(problems) == 1 and "control PMG-02 has them check their own work" in problems[0].message
    assert problems[0].where.endswith(CONTROLS) and problems[0].line == line_of(root / CONTROLS, "id: PMG-02")
    assert "other_than" in problems[0].fix
    assert found(program(root), "SOD003") == []  # different people: nothing to report
    routed = make_library(tmp_path / "routed", **{CONTROLS: with_control(
        review + '{% if same_person("cto", "security_officer") %}; the changes the Security Officer approved as CTO '
        'are reviewed by {{ other_than("security_officer", "cto") }} instead{% endif %}.', frequency="monthly")})
    assert found(program(routed, **same), "SOD003") == []


def test_a_role_a_sentence_is_about_does_not_act_in_it(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "A channel routes concerns about the Chief Executive Officer or the Head of People to the board, and is "
        "tested by the Head of People every 6 months.")})
    assert found(program(root, head_of_people_name="Dana Whitfield",
                         head_of_people_email="dana.whitfield@acme.example"), "SOD003") == []


def test_audit_evidence_is_not_one_role_checking_the_other(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The Security Officer files the scan report as audit evidence and opens a ticket the CTO's team fixes.")})
    same = program(root, security_officer_name="Rahul Mehta", security_officer_email="rahul.mehta@acme.example")
    assert found(same, "SOD003") == []
    audited = make_library(tmp_path / "b", **{POLICY: with_statement(
        "The CTO audits the scan reports the Security Officer files each quarter.")})
    assert len(found(program(audited, security_officer_name="Rahul Mehta",
                             security_officer_email="rahul.mehta@acme.example"), "SOD003")) == 1


def _company_repo(tmp_path: Path, root: Path, **answers: Any) -> Path:
    repo = tmp_path / "company"
    (repo / "policies").mkdir(parents=True)
    prog = program(root, **answers)
    (repo / "company.yml").write_text(dump_facts(prog.facts), encoding="utf-8")
    for doc in prog.ordered_policies():
        (repo / "policies" / doc.filename).write_text(serialize_policy(doc), encoding="utf-8")
    (repo / ".github").mkdir()
    (repo / ".github" / "CODEOWNERS").write_text(prog.codeowners(), encoding="utf-8")
    return repo


def test_approve_refuses_a_self_approval_and_routes_to_the_alternate(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_library(tmp_path)
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    repo = _company_repo(tmp_path, root, ceo_name="Priya Natarajan", ceo_email="priya.natarajan@acme.example",
                         alternate_approver_name="Rahul Mehta", alternate_approver_email="rahul.mehta@acme.example")
    # POL-02 is owned by the Security Officer (Priya) and approved by the CEO, now also Priya.
    with pytest.raises(PolicyforgeError, match="cannot also approve it"):
        approve(repo, ["POL-02"], by="Priya Natarajan", summary="Tighter wording", on=AFTER_ADOPTION)
    with pytest.raises(PolicyforgeError, match="approved instead by Rahul Mehta, who neither wrote"):
        approve(repo, ["POL-02"], by="Somebody Else", summary="Tighter wording", on=AFTER_ADOPTION)
    [doc] = approve(repo, ["POL-02"], by="Rahul Mehta", summary="Tighter wording", on=AFTER_ADOPTION)
    assert (doc.history[-1].author, doc.history[-1].approver) == ("Priya Natarajan", "Rahul Mehta")


def test_check_catches_a_hand_edited_history_row_with_author_as_approver(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_library(tmp_path)
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    repo = _company_repo(tmp_path, root)
    path = repo / POLICY
    text = path.read_text(encoding="utf-8")
    assert "    approver: Dana Whitfield\n" in text
    path.write_text(text.replace("    approver: Dana Whitfield\n", "    approver: Priya Natarajan\n"), encoding="utf-8")
    problems = [p for p in check_repository(repo).problems if p.message.startswith("SOD001")]
    assert len(problems) == 1
    assert problems[0].where == POLICY and problems[0].line == line_of(path, "history:")


# ------------------------------------------------------------------------------------------------ CTL
def test_control_whose_statement_names_another_cadence_than_its_frequency_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The Security Officer reviews the conflict report monthly and records the result in Jira.")})
    problems = found(program(root), "CTL001")
    assert len(problems) == 1 and "PMG-02" in problems[0].message and "monthly" in problems[0].message
    assert problems[0].where.endswith("POL-02.yaml") and problems[0].line == line_of(root / CONTROLS, "id: PMG-02")


def test_per_event_control_that_also_runs_a_named_cadence_is_caught_with_the_commitment_and_the_fix(
        tmp_path: Path) -> None:
    # CHG-06 as the auditor read it (O-2): per-event after-the-fact approval plus a monthly review.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Emergency changes are approved after the fact {{ commit.emergency_approval.within }} and recorded in Jira; "
        "the Security Officer reviews the list {{ commit.emergency_review.every }}.", frequency="per-event")})
    problems = found(program(root), "CTL007")
    assert len(problems) == 1
    problem = problems[0]
    assert problem.where.endswith("POL-02.yaml") and problem.line == line_of(root / CONTROLS, "id: PMG-02")
    assert problem.message == ("CTL007 control PMG-02: runs per-event, but its statement also names 'every month' "
                               "(commitment emergency_review), a monthly duty")
    assert "new control of its own (the next free id of the family) that prints the same commitment" in problem.fix


def test_a_periodic_control_with_a_second_less_frequent_cadence_is_caught(tmp_path: Path) -> None:
    # CTL001 passes it (its frequency is among the cadences named); one cadence per control does not.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The Security Officer checks the secret inventory {{ commit.secrets_inventory_check.every }} and rotation "
        "at least {{ commit.secret_rotation.every }}, recording each check in Jira.")})
    assert found(program(root), "CTL001") == []
    assert ["'every year' (commitment secret_rotation), a annual duty" in p.message
            for p in found(program(root), "CTL007")] == [True]


def test_a_periodic_control_printing_a_per_event_deadline_is_caught_with_the_commitment_and_the_fix(
        tmp_path: Path) -> None:
    # A quarterly review whose findings are fixed "within 30 days": the auditor samples quarters for the
    # review and findings for the deadline, two populations in one control.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Every quarter the Security Officer reviews the exception register and each expired exception is raised "
        "as a deficiency {{ commit.deficiency_logging.within }}, recorded in Jira.")})
    problems = found(program(root), "CTL008")
    assert [(p.where.endswith("POL-02.yaml"), p.line) for p in problems] == [
        (True, line_of(root / CONTROLS, "id: PMG-02"))]
    assert problems[0].message == ("CTL008 control PMG-02: runs quarterly, but its statement also prints 'within 5 "
                                   "business days' (commitment deficiency_logging), a deadline counted per event")
    assert "move the deadline into the per-event control that already owns it" in problems[0].fix
    # Enforced: the default rules of lint-library and check report it, not only --all-rules.
    assert "CTL008" not in PENDING
    assert [p.message for p in run_rules(library_view(program(root)))].count(problems[0].message) == 1
    # The same deadline in a per-event control is that control's own.
    root = make_library(tmp_path / "event", **{CONTROLS: with_control(
        "Each expired exception is raised as a deficiency {{ commit.deficiency_logging.within }} by the Security "
        "Officer and recorded in Jira.", frequency="per-event")})
    assert found(program(root), "CTL008") == []


def test_a_daily_reconciliation_that_also_times_each_difference_is_caught_as_pin_05_was(tmp_path: Path) -> None:
    # PIN-05 ran daily and also investigated each difference within a business day: two populations (issue #12).
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "'{{ commit.processing_reconciliation.every | capitalize }} an automated reconciliation compares counts, "
        "and each difference is investigated {{ commit.reconciliation_investigation.within }} and recorded in Jira.'",
        frequency="daily")})
    problems = found(program(root), "CTL008")
    assert [(p.message, p.line) for p in problems] == [(
        "CTL008 control PMG-02: runs daily, but its statement also prints 'within 1 business day' (commitment "
        "reconciliation_investigation), a deadline counted per event", line_of(root / CONTROLS, "id: PMG-02"))]
    # The library's PIN-05 runs the reconciliation; PIN-10 holds each difference to both deadlines.
    controls = load_library(LIBRARY).catalog.controls
    assert controls["PIN-05"].frequency == "daily" and "PIN-10" in controls["PIN-05"].statement
    assert controls["PIN-10"].frequency == "per-event" and controls["PIN-10"].evidence == ("EV-109",)
    assert all(f"commit.{name}.within" in controls["PIN-10"].statement
               for name in ("reconciliation_investigation", "reconciliation_resolution"))


def test_a_periodic_runs_own_deadline_passes_only_when_shorter_than_its_period(tmp_path: Path) -> None:
    # committee_minutes is of_run: counted from the meeting, it closes the meeting's own record.
    statement = ("Every quarter the Security Officer chairs the committee and the minutes are circulated "
                 "{{ commit.committee_minutes.within }}, recorded in Jira.")
    root = make_library(tmp_path, **{CONTROLS: with_control(statement)})
    assert found(program(root), "CTL008") == []
    problems = found(program(root, overrides={"committee_minutes": 70}), "CTL008")
    assert [p.message.split(": ", 1)[1] for p in problems] == [
        "runs quarterly, but its run's own deadline 'within 70 business days' (commitment committee_minutes) is "
        "as long as its period"]
    # A recovery objective printed as a level the control states is not a deadline the control sets.
    root = make_library(tmp_path / "level", **{CONTROLS: with_control(
        "Every year the CTO approves recovery tiers, Tier 1 with an RTO of {{ commit.rto_hours }}, recorded in Jira.",
        frequency="annual", criteria="A1.2")})
    assert found(program(root), "CTL008") == []


def test_of_run_is_refused_on_a_commitment_that_is_not_a_deadline(tmp_path: Path) -> None:
    root = make_library(tmp_path, catalog_extra="  weekly_thing:\n    title: a check\n    kind: cadence\n"
                        "    value: 1\n    unit: week\n    source: policyforge default\n    of_run: true\n")
    with pytest.raises(PolicyforgeError, match="of_run is only for a deadline"):
        load_library(root)


def test_a_role_other_than_the_owner_acting_in_the_control_is_caught(tmp_path: Path) -> None:
    # RSK-07 as the auditor read it: owned by the Security Officer, run in part by the CTO and the CEO.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The yearly assessment scores disruption scenarios, the Chief Technology Officer confirms the recovery "
        "plans, and the Chief Executive Officer records the insurance decision in Jira.", frequency="annual")})
    problems = found(program(root), "CTL007")
    assert [p.message.split("but ")[1] for p in problems] == [
        "'the Chief Technology Officer confirms' has the Chief Technology Officer run part of it",
        "'and the Chief Executive Officer records' has the Chief Executive Officer run part of it"]
    assert all(p.line == line_of(root / CONTROLS, "id: PMG-02") for p in problems)
    assert "set owner: cto if that role runs the control" in problems[0].fix


def test_another_role_approving_or_reviewing_the_owners_own_entries_is_not_a_second_actor(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Every quarter the Security Officer reviews privileged activity and records the review in Jira; the Chief "
        "Executive Officer approves any exception, and the Chief Executive Officer reviews the entries of the "
        "Security Officer's own activity in the same ticket.")})
    assert found(program(root), "CTL007") == []


def test_control_statement_without_a_record_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control("The Security Officer thinks hard quarterly.")})
    problems = found(program(root), "CTL002")
    assert [p.line for p in problems] == [line_of(root / CONTROLS, "id: PMG-02")]


def test_near_duplicate_control_statements_are_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Access is reviewed quarterly by the Security Officer, who records it.")})
    problems = found(program(root), "CTL003")
    assert len(problems) == 1 and "PMG-02 restates control PMG-01" in problems[0].message
    assert problems[0].line == line_of(root / CONTROLS, "id: PMG-02")


def test_evidence_item_about_another_subject_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Autoscaling keeps spare capacity and alerts are recorded in Jira.", frequency="continuous",
        evidence="EV-28", criteria="A1.1")})
    problems = [p for p in found(program(root), "CTL004") if "PMG-02" in p.message]
    assert len(problems) == 1 and "EV-28" in problems[0].message and "Physical access" in problems[0].message


def test_a_cadence_word_before_availability_names_the_measuring_period_not_the_controls_cadence(
        tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Monthly availability of at least 99.9% is defined in the customer agreement, and the CTO reviews the "
        "agreement every year, recording the review in Jira.", frequency="annual", criteria="A1.1")})
    assert found(program(root), "CTL001") == []
    root = make_library(tmp_path / "monthly", **{CONTROLS: with_control(
        "The CTO reviews availability monthly and records the review in Jira.", frequency="annual")})
    assert [p.line for p in found(program(root), "CTL001")] == [line_of(root / CONTROLS, "id: PMG-02")]


def test_a_statement_recording_its_result_names_a_record(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The Security Officer checks the settings quarterly, recording the check in Jira.")})
    assert found(program(root), "CTL002") == []


def test_a_control_carried_by_another_policy_is_in_both_and_may_cite_the_carriers_evidence(tmp_path: Path) -> None:
    # A quarterly review needs an item counting its runs (KIT002) beside the privacy notice document.
    carried = with_control("The Privacy Officer confirms the privacy notice terms quarterly in a signed review.",
                           evidence="EV-62, EV-74", criteria="P1.1").replace(
        "section: rules\n", "section: rules\n                carried_by: [POL-28]\n")
    root = make_library(tmp_path, **{CONTROLS: carried})
    prog = program(root)
    assert "PMG-02" in prog.policies["POL-28"].controls and "PMG-02" in prog.policies["POL-02"].controls
    assert [p for p in found(prog, "CTL004") if "PMG-02" in p.message] == []
    # The carrier's table links to the section of the home policy that states the control.
    table = prog.controls_section(prog.policies["POL-28"])
    assert "[PMG-02](POL-02-policy-management.md#rules)" in table


def test_check_accepts_a_carried_control_stated_in_its_home_policy_and_names_a_missing_home(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The owner (the Security Officer, as with_control writes it) is who acts, or CTL007 reports a second actor;
    # a quarterly review needs an item counting its runs (KIT002) beside the privacy notice document.
    # P8.1 too: each review's record (EV-74) is about that criterion, not the notice's (CTL009).
    carried = with_control("The Security Officer confirms the privacy notice terms quarterly in a signed review.",
                           evidence="EV-62, EV-74", criteria="P1.1, P8.1").replace(
        "section: rules\n", "section: rules\n                carried_by: [POL-28]\n")
    root = make_library(tmp_path, **{CONTROLS: carried})
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    repo = _company_repo(tmp_path, root)
    # CTL005 speaks of the miniature library's evidence items, which its two controls cannot fill.
    assert [p for p in check_repository(repo).problems if "PMG-02" in p.message
            and not p.message.startswith("CTL005")] == []
    (repo / POLICY).unlink()
    problems = [p for p in check_repository(repo).problems if "PMG-02" in p.message
                and not p.message.startswith("CTL005")]
    assert [p.message for p in problems] == ["control PMG-02 is stated in POL-02, which this repository does not have"]
    assert problems[0].where.endswith("POL-28-privacy.md")


def test_a_control_carried_by_an_unknown_policy_is_refused_with_its_file(tmp_path: Path) -> None:
    carried = with_control("The Security Officer reviews the rules quarterly and records it.").replace(
        "section: rules\n", "section: rules\n                carried_by: [POL-99]\n")
    root = make_library(tmp_path, **{CONTROLS: carried})
    with pytest.raises(PolicyforgeError) as caught:
        load_library(root)
    assert any("PMG-02" in p.message and "POL-99" in p.message for p in caught.value.problems)


# ------------------------------------------------------------------------------------------------ facts
def test_company_backups_plus_copy_and_rerun_longer_than_the_regional_rpo_are_refused_at_scaffold() -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers({"backup_frequency_hours": "1"}), overrides={"rpo_region_loss": 6})
    problem = caught.value.problems[0]
    assert problem.message.startswith("commitments.rpo_region_loss: the regional RPO of 6 hours cannot hold")
    assert "raise rpo_region_loss to at least 9 hours" in problem.fix


def test_company_override_that_breaks_the_rpo_is_refused_in_company_yml_with_its_line() -> None:
    text = dump_facts(facts_from_answers(resolve_answers()))
    lines = text.splitlines()
    at = lines.index("  breach_notification_hours: 72") + 1
    lines.insert(at, "  backup_rerun: 30")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml("\n".join(lines) + "\n")
    problem = caught.value.problems[0]
    assert problem.line == at + 1 and "commitments.backup_rerun" in problem.message


def test_company_override_of_evidence_retention_shorter_than_the_window_is_refused() -> None:
    with pytest.raises(FactsError, match="commitments.evidence_retention: audit evidence is kept 0.5 years"):
        facts_from_answers(resolve_answers(), overrides={"evidence_retention": 0.5})


def test_log_retention_of_a_year_is_refused_because_a_later_12_month_window_and_its_report_outlast_it() -> None:
    # The first window is 6 months, but every later one runs audit_cycle (12 months) and the report
    # follows 2 months later: a year of logs loses the window's first weeks before the auditor samples them.
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers({"log_retention_days": "365"}))
    problem = caught.value.problems[0]
    assert problem.message.startswith("log_retention_days: ")
    assert "shorter than an observation window of 12 months plus the reporting lag of 2 months" in problem.message
    assert problem.fix == "keep log_retention_days at least 427 days"


def test_default_log_retention_covers_the_longest_window_plus_the_reporting_lag() -> None:
    from policyforge.model._consistency import retention

    facts = facts_from_answers(resolve_answers({"log_retention_days": "427"}))
    prog = program_from_library(facts, load_library(LIBRARY))
    assert retention(prog.commitments, 6) == []
    default = program_from_library(facts_from_answers(resolve_answers()), load_library(LIBRARY))
    assert default.commitments["log_retention_days"].value == 455


def test_one_hour_regional_rpo_holds_with_quarter_hour_backups_and_fast_copy_and_rerun() -> None:
    facts = facts_from_answers(resolve_answers({"rpo_hours": "1", "backup_frequency_hours": "0.25"}),
                               overrides={"rpo_region_loss": 1, "backup_copy_lag": 0.25, "backup_rerun": 0.5})
    assert facts.get("commitments.backup_frequency_hours") == 0.25


def test_commitment_written_twice_in_the_catalog_is_refused_with_both_lines() -> None:
    from policyforge.model._commitments import parse_commitments

    entry = "  x_time:\n    title: t\n    kind: deadline\n    value: 1\n    unit: hour\n    source: s\n"
    _, problems = parse_commitments("commitments:\n" + entry + entry, "commitments.yaml")
    assert [(p.line, p.message) for p in problems] == [(8, "commitment x_time is written twice (first on line 2)")]


# ------------------------------------------------------------------------------------------ one clock
def test_breach_notice_clock_started_at_confirming_is_caught_with_file_line_and_fix(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Affected customers are notified within {{ commitments.breach_notification_hours | hours }} of confirming "
        "a breach of their data.")})
    problems = found(program(root), "COM005")
    assert len(problems) == 1
    assert problems[0].where.endswith("POL-02-policy-management.md")
    assert problems[0].line == line_of(root / POLICY, "**2.2**")
    assert "'confirming a breach of'" in problems[0].message and "breach_notification_hours" in problems[0].message
    assert "becomes aware" in problems[0].fix


def test_breach_notice_clock_from_awareness_and_a_deadline_named_without_a_clock_pass(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "Affected customers are notified within {{ commitments.breach_notification_hours | hours }} after the "
        "company becomes aware of a breach. No exception is granted to the "
        "{{ commitments.breach_notification_hours | hours }} breach notice.")})
    assert found(program(root), "COM005") == []


def test_a_control_statement_that_starts_the_breach_clock_at_detection_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "Customers are notified {{ commit.breach_notification_hours.within }} of detecting a breach, recorded in "
        "the incident ticket.", frequency="per-event")})
    problems = found(program(root), "COM005")
    assert [p.where.endswith("POL-02.yaml") for p in problems] == [True]


def test_certificate_expiry_alert_retyped_in_a_second_policy_is_caught() -> None:
    text = "Certificates renew automatically, with an alert 21 days before any certificate expires."
    from policyforge.rules._commitment_rules import DURATION, governed_numbers

    entry = load_library(LIBRARY).catalog.commitments.entries["certificate_expiry_alert"]
    assert [m.group(0) for m in governed_numbers(text, entry.governs, DURATION)] == ["21 days"]


# ------------------------------------------------------------------------------------------ deletion deadline
def test_the_deletion_days_fact_sets_the_one_customer_data_deletion_commitment() -> None:
    facts = facts_from_answers(resolve_answers({"deletion_days": "45"}))
    prog = program_from_library(facts, load_library(LIBRARY))
    assert prog.commitments["customer_data_deletion"].value == 45
    assert "deletion_days" not in prog.library.catalog.commitments.entries


def test_writing_customer_data_deletion_in_company_yml_is_refused_with_the_fact_to_use() -> None:
    text = dump_facts(facts_from_answers(resolve_answers()))
    lines = text.splitlines()
    at = lines.index("  breach_notification_hours: 72") + 1
    lines.insert(at, "  customer_data_deletion: 45")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml("\n".join(lines) + "\n")
    problem = caught.value.problems[0]
    assert problem.line == at + 1
    assert "set by the fact commitments.deletion_days" in problem.message


# ------------------------------------------------------------------------------------------ fit to the company
SECOND_REGION_DUTY = "At least one restore test a year uses the second-region copy, recorded in the test ticket."
OFFICE_DUTY = "The office coordinator keeps the visitor log and records it in the ticket."


def test_second_region_duty_in_a_single_region_company_is_caught_with_file_and_line(tmp_path: Path) -> None:
    from policyforge.program._lint import variant_answers

    root = make_library(tmp_path, **{POLICY: with_statement(SECOND_REGION_DUTY)})
    problems = found(program(root, **variant_answers("nimbus-uk")), "FIT001")
    assert len(problems) == 1
    assert problems[0].where.endswith("POL-02-policy-management.md")
    assert problems[0].line == line_of(root / POLICY, "**2.2**")
    assert "europe-west2" in problems[0].message and "residency.regional_copy" in problems[0].fix
    assert found(program(root), "FIT001") == []  # the example company copies backups to a second region


def test_a_single_region_company_may_be_told_it_has_no_second_region(tmp_path: Path) -> None:
    from policyforge.program._lint import variant_answers

    root = make_library(tmp_path, **{POLICY: with_statement(
        "No backup is copied outside the region, so no recovery region holds a second-region copy.")})
    assert found(program(root, **variant_answers("nimbus-uk")), "FIT001") == []


ONLY_REGION_CLAIM = "Backups stay in ca-central-1, the only region inside the residency area, recorded in the ticket."


def test_calling_a_region_the_only_one_in_the_residency_area_is_caught_when_the_catalog_has_another(
        tmp_path: Path) -> None:
    from policyforge.program._lint import variant_answers

    root = make_library(tmp_path, **{POLICY: with_statement(ONLY_REGION_CLAIM)})
    problems = found(program(root, **variant_answers("maple-no-pii")), "FIT004")
    assert [(p.where.rsplit("/", 1)[-1], p.line) for p in problems] == [
        ("POL-02-policy-management.md", line_of(root / POLICY, "**2.2**"))]
    assert "'the only region' is untrue: the provider also has ca-west-1 inside the residency area (Canada)" in (
        problems[0].message)
    # Google Cloud has one region in the United Kingdom: there the claim is true.
    assert found(program(root, **variant_answers("nimbus-uk")), "FIT004") == []


def test_bak04_names_where_backups_are_kept_as_the_region_catalog_has_it() -> None:
    from policyforge.program._lint import variant_program

    library = load_library(LIBRARY)
    control = library.catalog.controls["BAK-04"]

    def statement(name: str, answers: dict[str, Any] | None = None) -> str:
        prog = variant_program(name, library, answers)
        return " ".join(prog.render_statement(control, prog.policies["POL-23"]).split())

    assert statement("maple-no-pii") == (
        "Each Tier 1 backup is copied automatically within 4 hours of completion to ca-west-1, the recovery region "
        "inside the residency area (Canada), in a different account from the primary backups.")
    assert statement("nimbus-uk") == (
        "Tier 1 backups are stored across zones of europe-west2, the only region of Google Cloud inside the "
        "residency area (United Kingdom), and the loss of the region is an accepted risk recorded in the risk "
        "register.")
    assert statement("example", {"cloud_providers": "gcp", "cloud_regions": "us-central1", "compute": "cloud-run",
                                 "backup_tool": "Cloud SQL automated backups"}) == (
        "Tier 1 backups are stored across zones of us-central1, where Cloud SQL automated backups keep them, so no "
        "other region of Google Cloud inside the residency area (United States) holds a copy, and the loss of the "
        "region is an accepted risk recorded in the risk register.")


def test_office_duty_in_a_remote_company_is_caught_in_policy_and_control(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(OFFICE_DUTY),
                                     CONTROLS: with_control(OFFICE_DUTY, evidence="EV-01")})
    problems = found(program(root, work_model="remote"), "FIT002")
    assert sorted(p.where.rsplit("/", 1)[-1] for p in problems) == ["POL-02-policy-management.md", "POL-02.yaml"]
    assert found(program(root, work_model="office"), "FIT002") == []


def test_evidence_item_asking_a_remote_company_for_office_records_is_caught_at_its_catalog_line(
        tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control("The Security Officer reviews premises, recorded in "
                                                            "the ticket.", evidence="EV-28")})
    catalog = root / "catalog" / "evidence.yaml"
    text = catalog.read_text(encoding="utf-8")
    start = text.index("  - id: EV-28")
    remote = text.index("    detail_remote:", start)
    catalog.write_text(text[:remote] + text[text.index("\n", remote) + 1:], encoding="utf-8")
    problems = found(program(root, work_model="remote"), "FIT002")
    assert len(problems) == 1 and "EV-28" in problems[0].message and "badge" in problems[0].message.lower()
    assert problems[0].line == line_of(catalog, "- id: EV-28")


def test_ico_notice_printed_without_the_risk_exemption_of_article_33_is_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The Information Commissioner's Office is notified {{ rules.uk_controller_notice.deadline }} "
        "({{ rules.uk_controller_notice.source }}).")})
    problems = found(program(root), "COM006")
    assert len(problems) == 1 and problems[0].line == line_of(root / POLICY, "**2.2**")
    assert "uk_controller_notice" in problems[0].message and "unlikely to result in a risk" in problems[0].message
    root = make_library(tmp_path / "kept", **{POLICY: with_statement(
        "The Information Commissioner's Office is notified {{ rules.uk_controller_notice.deadline }}, "
        "{{ rules.uk_controller_notice.condition }} ({{ rules.uk_controller_notice.source }}).")})
    assert found(program(root), "COM006") == []


# ------------------------------------------------------------------------------------------ who checks whom
def test_security_officer_own_access_lines_go_to_the_alternate_approver_when_the_cto_is_the_security_officer(
) -> None:
    from policyforge.program._lint import variant_program

    library = load_library(LIBRARY)
    answers = {"cto_name": "Mei Lin", "cto_email": "mei@acme.example", "security_officer_name": "Mei Lin",
               "security_officer_email": "mei@acme.example", "alternate_approver_name": "Ana Ruiz",
               "alternate_approver_email": "ana@acme.example"}
    prog = variant_program("example", library, answers)
    statement = library_view(prog).statements["ACC-03"]
    assert "the Security Officer's own lines go to the alternate approver, Ana Ruiz;" in statement
    # The variant names its alternate approver, who holds an office: that office checks them.
    from policyforge.model._roles import alternate

    other = variant_program("cto-security-officer", library)
    instead = alternate(other.facts)
    assert instead is not None and instead.title != "Security Officer"
    assert f"own lines go to the {instead.title};" in library_view(other).statements["ACC-03"]


def test_a_company_on_two_clouds_reads_each_clouds_network_terms_for_that_cloud() -> None:
    from policyforge.program._lint import variant_program

    library = load_library(LIBRARY)
    prog = variant_program("multicloud-merchant", library)
    body = prog.render_body(prog.policies["POL-15"])
    assert "(security groups and network ACLs in AWS, and VPC firewall rules and hierarchical firewall policies in " \
           "Google Cloud)" in body
    assert "security groups and network ACLs and VPC firewall rules" not in body
    statement = library_view(prog).statements["NET-02"]
    assert "its own account in AWS, and project in Google Cloud" in statement


def test_an_evidence_item_mapping_a_criterion_none_of_its_controls_address_is_caught_at_its_line(
        tmp_path: Path) -> None:
    # The threat advisory check once mapped CC3.2 while its evidence EV-68 mapped CC3.2 and CC7.1.
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The Security Officer checks new advisories weekly and records each check in Jira.", frequency="weekly",
        evidence="EV-68", criteria="CC3.2")})
    problems = [p for p in found(program(root), "CTL005") if "EV-68" in p.message]
    assert len(problems) == 1
    assert "maps CC7.1, which none of the controls it proves (PMG-02) addresses" in problems[0].message
    assert problems[0].where.endswith("catalog/evidence.yaml")
    assert problems[0].line == line_of(root / "catalog/evidence.yaml", "id: EV-68")
    assert "CC7.1" in problems[0].fix


def test_an_evidence_item_may_prove_a_criterion_through_any_one_of_its_controls(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{CONTROLS: with_control(
        "The Security Officer checks new advisories weekly and records each check in Jira.", frequency="weekly",
        evidence="EV-68", criteria="CC3.2, CC7.1")})
    assert [p for p in found(program(root), "CTL005") if "EV-68" in p.message] == []


def test_the_librarys_evidence_items_map_only_criteria_their_controls_address() -> None:
    library = load_library()
    served: dict[str, set[str]] = {}
    for control in library.catalog.controls.values():
        for eid in control.evidence:
            served.setdefault(eid, set()).update(control.criteria)
    extra = {eid: set(item.criteria) - served[eid] for eid, item in library.catalog.evidence.items()
             if eid in served and set(item.criteria) - served[eid]}
    assert extra == {}
    assert {"CC3.2", "CC7.1"} <= set(library.catalog.controls["VUL-06"].criteria)


def test_a_citation_of_a_section_the_policy_lacks_is_caught_at_its_line(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The rules of section 2.1 apply, and section 3.4 sets the deadline.")})
    problems = found(program(root), "XRF001")
    assert [p.message.split(":")[0] for p in problems] == [
        "XRF001 POL-02 cites section 3.4 of POL-02, which has no such section"]
    assert problems[0].line == line_of(root / POLICY, "**2.2**")


def test_a_citation_into_another_policy_is_resolved_there_and_whose_names_that_policy(tmp_path: Path) -> None:
    good = 'as section 2.1 of the {{ link("POL-28") }} sets, whose section 1.1 names the officer.'
    root = make_library(tmp_path, **{POLICY: with_statement(f"Reviews follow the rules, {good}")})
    assert found(program(root), "XRF001") == []
    root = make_library(tmp_path / "bad", **{POLICY: with_statement(
        'Reviews follow the rules, as section 2.5 of the {{ link("POL-28") }} sets.')})
    assert [p.message.split(":")[0] for p in found(program(root), "XRF001")] == [
        "XRF001 POL-02 cites section 2.5 of POL-28, which has no such section"]


def test_a_control_cited_as_another_policys_must_be_carried_by_it(tmp_path: Path) -> None:
    root = make_library(tmp_path, **{POLICY: with_statement(
        'The notice is reviewed under control PRV-01 of the {{ link("POL-28") }}.')})
    assert found(program(root), "XRF002") == []
    root = make_library(tmp_path / "bad", **{POLICY: with_statement(
        'The notice is reviewed under control PMG-01 of the {{ link("POL-28") }}.')})
    problems = found(program(root), "XRF002")
    assert len(problems) == 1 and "cites control PMG-01 of POL-28, which that policy does not carry" in \
        problems[0].message
    assert problems[0].line == line_of(root / POLICY, "**2.2**")


def test_a_control_cited_by_an_id_no_control_has_or_for_another_subject_is_caught(tmp_path: Path) -> None:
    # Auditor read A29: "The monthly availability report of control LOG-07" where LOG-10 holds the report.
    root = make_library(tmp_path, **{POLICY: with_statement(
        'The privacy notice review of control PRV-01 and the access review of control PMG-01 are filed.')})
    assert found(program(root), "XRF004") == []
    root = make_library(tmp_path / "bad", **{POLICY: with_statement(
        'The monthly availability report of control PMG-01 is filed, and control PMG-07 keeps the minutes.')})
    problems = found(program(root), "XRF004")
    messages = sorted(p.message for p in problems)
    assert len(problems) == 2, messages
    assert "cites control PMG-07, which no control has" in messages[0]
    assert "'The monthly availability report of control PMG-01', but PMG-01 is about something else" in messages[1]
    assert {p.line for p in problems} == {line_of(root / POLICY, "**2.2**")}


def test_wording_no_writer_would_leave_is_caught_at_its_line(tmp_path: Path) -> None:
    # Auditor read A35: POL-18 4.6.3 broke off at ", and", the system description ran "in scope.Within"
    # together, and program.md read "the penetration tester (penetration tester)".
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The Security Officer reviews the list, and\n\n**2.3** Every category is in scope.Within the categories "
        "in scope, the penetration tester (penetration tester) tests the network.")})
    problems = found(program(root), "WRD001")
    assert sorted(p.message.split(": ")[1] for p in problems) == [
        "a phrase is followed by itself in brackets", "a sentence breaks off at ', and'",
        "two sentences run together with no space after the full stop"]
    assert {p.line for p in problems} == {line_of(root / POLICY, "**2.2**"), line_of(root / POLICY, "**2.3**")}
    root = make_library(tmp_path / "good", **{POLICY: with_statement(
        "The Security Officer reviews the list, and the CTO signs it. Every category is in scope. Within the "
        "categories in scope, the penetration tester (Marlow Security) tests the network, e.g. the VPN.")})
    assert found(program(root), "WRD001") == []


def test_internal_incident_updates_slower_than_customer_status_updates_are_caught(tmp_path: Path) -> None:
    root = make_library(tmp_path)
    catalog = root / CATALOG
    text = catalog.read_text(encoding="utf-8")
    block = text.index("  sev2_update:")
    catalog.write_text(text[:block] + text[block:].replace("value: 1\n", "value: 2\n", 1), encoding="utf-8")
    problems = found(program(root), "COM002")
    assert len(problems) == 1 and problems[0].line == line_of(catalog, "sev2_update:")
    assert "is longer than the interval between customer status updates" in problems[0].message
    assert "make sev2_update at most 1 hour" in problems[0].fix


# ------------------------------------------------------------------------------------------ names and subjects
def test_an_evidence_item_proving_a_control_off_its_subject_is_caught_as_ev_62_was(tmp_path: Path) -> None:
    # EV-62 (privacy notice and records) passed CTL004 for every POL-28 control, the privacy report PRV-01 too,
    # because CTL004 reads subject as policy; CTL009 reads it as criteria (issue #12).
    library = load_library(LIBRARY)
    assert "EV-62" not in library.catalog.controls["PRV-01"].evidence
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    controls = root / "controls" / "POL-28.yaml"
    text = controls.read_text(encoding="utf-8")
    assert text.count("evidence: [EV-74]") == 1
    controls.write_text(text.replace("evidence: [EV-74]", "evidence: [EV-62, EV-74]"), encoding="utf-8")
    prog = program(root)
    assert found(prog, "CTL004") == []
    problems = [p for p in found(prog, "CTL009") if "PRV-01" in p.message]
    assert [p.message for p in problems] == [
        "CTL009 control PRV-01 (CC1.3, P8.1) cites EV-62, whose subject is other criteria (P1.1, P2.1, P3.1, P3.2, "
        "P4.1, P6.1, P6.2, P7.1)"]
    lines = controls.read_text(encoding="utf-8").splitlines()
    assert all(lines[p.line - 1].strip() == "- id: PRV-01" for p in problems)


def test_evidence_subject_and_one_record_rules_are_enforced_by_default() -> None:
    # CTL009 and KIT005 ran only with --all-rules while the library had findings; it has none now (issue #12).
    assert not {"CTL009", "KIT005"} & PENDING


@pytest.mark.parametrize(("old", "new", "says"), [
    # A record the control does not cite: the plan would count the runs in an item it never asks for.
    ("    record: [EV-30, EV-47]\n", "    record: [EV-30, EV-48]\n", "record ['EV-30', 'EV-48']"),
    # Two records of a recurring control: each run is recorded once.
    ("    record: [EV-21]\n", "    record: [EV-21, EV-17]\n", "record ['EV-21', 'EV-17']"),
])
def test_a_record_that_is_not_one_cited_item_is_refused_with_file_line_and_fix(
        tmp_path: Path, old: str, new: str, says: str) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    name = "POL-15.yaml" if "EV-30" in old else "POL-13.yaml"
    path = root / "controls" / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(PolicyforgeError) as caught:
        load_library(root)
    problems = [p for p in caught.value.problems if "record" in p.message]
    assert len(problems) == 1 and says in problems[0].message and "record: [EV-NN]" in problems[0].fix
    control = "NET-02" if "EV-30" in old else "ACC-05"
    assert problems[0].where == str(path) and problems[0].line == line_of(path, f"id: {control}")


def test_an_approver_holding_an_office_called_policy_approver_is_caught(tmp_path: Path) -> None:
    # The same chief executive was "Chief Executive Officer" in the approval cells and "Policy Approver" in
    # the roles sections (issue #12: one title per person).
    root = make_library(tmp_path, **{POLICY: with_statement(
        "The Policy Approver approves this policy and its changes.")})
    prog = program(root)
    problems = found(prog, "TTL001")
    assert [(p.where.endswith("POL-02-policy-management.md"), p.line) for p in problems] == [
        (True, line_of(root / POLICY, "**2.2**"))]
    assert "they hold the office of Chief Executive Officer" in problems[0].message
    assert "{{ people.approver.title }}" in problems[0].fix
    root = make_library(tmp_path / "office", **{POLICY: with_statement(
        "The {{ people.approver.title }} approves this policy and its changes.")})
    assert found(program(root), "TTL001") == []
    rendered = library_view(program(root)).rendered["POL-02"]
    assert "The Chief Executive Officer approves this policy" in rendered


def test_a_shortened_policy_title_is_caught_in_a_control_and_the_title_comes_from_the_metadata(
        tmp_path: Path) -> None:
    # INC-06 said "as the Incident Response Policy defines aware" of the "Incident Response Policy and Plan".
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    controls = root / "controls" / "POL-21.yaml"
    text = controls.read_text(encoding="utf-8")
    printed = '{{\n      title_of("POL-21") }}'
    assert text.count(printed) == 1
    controls.write_text(text.replace(printed, "Incident Response Policy"), encoding="utf-8")
    prog = program(root)
    problems = found(prog, "XRF003")
    assert [p.message for p in problems] == [
        "XRF003 control INC-06 names 'Incident Response Policy', a shortened title of POL-21"]
    lines = controls.read_text(encoding="utf-8").splitlines()
    assert lines[problems[0].line - 1].strip() == "- id: INC-06"
    assert '{{ title_of("POL-21") }}' in problems[0].fix
    view = library_view(program(LIBRARY))
    assert "as the Incident Response Policy and Plan defines aware" in view.statements["INC-06"]
    assert run_rules(view, ["XRF003", "TTL001"]) == []
