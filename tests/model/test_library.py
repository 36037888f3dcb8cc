"""Library loading and the program derived from it, on a miniature library built inline."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import LIBRARY, build_file_tree, mini_library_files
from policyforge import Problem, TemplateError, facts_from_answers, load_library, program_from_library
from policyforge.model import parse_policy, resolve_answers, serialize_policy
from policyforge.program import company_policy_from_template


def make_library(tmp_path: Path, **extra: str) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    return build_file_tree(root, mini_library_files(extra))


def test_mini_library_loads_with_its_controls(mini_library: Path) -> None:
    library = load_library(mini_library)
    assert set(library.templates) == {"POL-02", "POL-28"}
    assert [c.id for c in library.catalog.controls_for("POL-02")] == ["PMG-01"]
    assert library.version == "9.9"


def test_front_matter_error_names_file_line_and_fix(tmp_path: Path) -> None:
    bad = mini_library_files()["policies/POL-02-policy-management.md"].replace("owner: security_officer",
                                                                              "owner: janitor")
    root = make_library(tmp_path, **{"policies/POL-02-policy-management.md": bad})
    with pytest.raises(TemplateError) as caught:
        load_library(root)
    problem = caught.value.problems[0]
    assert problem.where.endswith("POL-02-policy-management.md")
    assert problem.line == 7
    assert "owner: 'janitor' is not valid" in problem.message
    assert "choose a role from" in problem.fix


def test_control_with_unknown_criterion_is_refused_with_its_file(tmp_path: Path) -> None:
    controls = mini_library_files()["controls/POL-02.yaml"].replace("[CC6.2, CC6.3]", "[CC9.9]")
    root = make_library(tmp_path, **{"controls/POL-02.yaml": controls})
    with pytest.raises(TemplateError, match=r"control PMG-01: criterion 'CC9.9' does not exist"):
        load_library(root)


def _the_one_problem_of_a_control_with(tmp_path: Path, line: str) -> Problem:
    """Load a mini library whose PMG-01 has ``line`` in place of its frequency, and return the one problem."""
    controls = mini_library_files()["controls/POL-02.yaml"].replace("frequency: quarterly", line)
    root = make_library(tmp_path, **{"controls/POL-02.yaml": controls})
    with pytest.raises(TemplateError) as caught:
        load_library(root)
    [problem] = caught.value.problems
    return problem


@pytest.mark.parametrize(("frequency", "trigger", "message", "fix"), [
    ("per-event", None, "control PMG-01: is per-event but names no trigger", "add trigger: KIND"),
    ("per-event", "comet_strike", "control PMG-01: trigger 'comet_strike' is not a trigger kind of catalog/effort.yaml",
     "choose from access_request, backup_failure"),
    ("quarterly", "joiner", "control PMG-01: trigger 'joiner' is set on a quarterly control", "remove trigger:"),
])
def test_a_per_event_control_names_a_trigger_effort_yaml_knows_and_only_it_does(
        tmp_path: Path, frequency: str, trigger: str | None, message: str, fix: str) -> None:
    # How often a per-event control runs comes from its trigger, so a missing or unknown one cannot be costed.
    line = f"frequency: {frequency}" + (f"\n                trigger: {trigger}" if trigger else "")
    problem = _the_one_problem_of_a_control_with(tmp_path, line)
    assert problem.where.endswith("controls/POL-02.yaml") and problem.line == 3  # the control's id line
    assert problem.message == message
    assert problem.fix.startswith(fix)


@pytest.mark.parametrize(("line", "message", "fix"), [
    ("frequency: quarterly\n                when: pets", "control PMG-01: when 'pets' is not a condition",
     "choose from card_data (the company stores, processes or transmits payment card data)"),
    ("rule_cadence: pci_nothing", "control PMG-01: rule_cadence any: 'pci_nothing' is not a role's rule with months "
     "in catalog/regulations.yaml", "write rule_cadence: NAME or {service_provider: NAME, merchant: NAME}"),
    ("rule_cadence: {retailer: pci_scope_merchant}", "control PMG-01: rule_cadence retailer: 'pci_scope_merchant' is "
     "not a role's rule with months in catalog/regulations.yaml", "write rule_cadence: NAME or"),
    ("rule_cadence: gdpr_processor_notice", "control PMG-01: rule_cadence any: 'gdpr_processor_notice' is not a "
     "role's rule with months in catalog/regulations.yaml", "write rule_cadence: NAME or"),
    ("frequency: quarterly\n                rule_cadence: pci_asv_scan",
     "control PMG-01: rule_cadence: is set with frequency: or cadence:", "keep one of them"),
])
def test_a_card_data_condition_or_statutory_cadence_that_cannot_hold_is_refused_with_its_line(
        tmp_path: Path, line: str, message: str, fix: str) -> None:
    # A control's frequency from a rule of regulations.yaml (a deadline has no months) and its condition are
    # read from the library alone: a wrong one would put a duty in the wrong companies' programs silently.
    problem = _the_one_problem_of_a_control_with(tmp_path, line)
    assert problem.where.endswith("controls/POL-02.yaml") and problem.line == 3  # the control's id line
    assert problem.message == message
    assert problem.fix.startswith(fix)


@pytest.mark.parametrize(("old", "new", "message", "fix"), [
    ("joiner: {per_person: 0.35, floor: 2, hours: 0.5}", "joiner: {per_person: 0.35, floor: 2}",
     "trigger joiner: needs per_person, floor and hours as numbers of 0 or more", "write joiner: {per_person:"),
    ("leaver: {per_person: 0.15, floor: 1, hours: 1}", "leaver: {per_person: many, floor: 1, hours: 1}",
     "trigger leaver: needs per_person, floor and hours as numbers of 0 or more", "write leaver: {per_person:"),
    ("PMG-04: {setup: 1, minutes_per_person: 2}", "PMG-01: {setup: 1, minutes_per_person: 2}",
     "population PMG-01 is not a scheduled control of the library", "name a control that runs at a frequency"),
    ("ACC-05: {setup: 0.5, minutes_per_person: 3}", "PMG-01: {setup: 0.5}",
     "population PMG-01: needs setup and minutes_per_person as numbers of 0 or more", "write PMG-01: {setup:"),
])
def test_an_effort_rate_that_cannot_cost_a_control_is_refused_with_its_line(
        tmp_path: Path, old: str, new: str, message: str, fix: str) -> None:
    # The mini library's PMG-01 is made per-event for the population case that needs a scheduled control.
    controls = mini_library_files()["controls/POL-02.yaml"].replace(
        "frequency: quarterly", "frequency: per-event\n                trigger: policy_change")
    root = make_library(tmp_path, **{"controls/POL-02.yaml": controls})
    if "not a scheduled" not in message:
        root = make_library(tmp_path / "plain")
    effort = root / "catalog" / "effort.yaml"
    text = effort.read_text(encoding="utf-8")
    assert old in text
    effort.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_library(root)
    [problem] = caught.value.problems
    assert problem.where.endswith("catalog/effort.yaml")
    assert problem.line == 1 + text[:text.index(old)].count("\n")
    assert problem.message == message and problem.fix.startswith(fix)


def test_every_per_event_control_of_the_library_names_its_trigger() -> None:
    controls = load_library().catalog.controls.values()
    assert all(c.trigger for c in controls if c.frequency == "per-event")
    assert {c.id: c.trigger for c in controls if c.id in ("HRS-04", "HRS-06", "CHG-01", "INC-03", "VEN-03")} == {
        "HRS-04": "joiner", "HRS-06": "leaver", "CHG-01": "production_change", "INC-03": "incident",
        "VEN-03": "critical_vendor"}


def test_control_pointing_at_a_missing_section_is_refused(tmp_path: Path) -> None:
    controls = mini_library_files()["controls/POL-02.yaml"].replace("section: rules", "section: nowhere")
    root = make_library(tmp_path, **{"controls/POL-02.yaml": controls})
    with pytest.raises(TemplateError, match="section #nowhere is not in POL-02-policy-management.md"):
        load_library(root)


def test_optional_category_policy_appears_only_in_scope(mini_library: Path) -> None:
    library = load_library(mini_library)
    everything = program_from_library(facts_from_answers(resolve_answers()), library)
    security = program_from_library(facts_from_answers(resolve_answers({"scope_privacy": False, "data_pii": False})),
                                    library)
    personal = program_from_library(facts_from_answers(resolve_answers({"scope_privacy": False})), library)
    assert set(everything.policies) == {"POL-02", "POL-28"}
    assert set(security.policies) == {"POL-02"}
    assert set(personal.policies) == {"POL-02", "POL-28"}  # personal data needs its policy whatever the scope


def test_company_copy_round_trips_through_its_file(mini_library: Path) -> None:
    library = load_library(mini_library)
    facts = facts_from_answers(resolve_answers())
    doc = company_policy_from_template(library.templates["POL-02"], library, facts)
    again = parse_policy(serialize_policy(doc), doc.path, company=True)
    assert replace(again, body_line=doc.body_line) == doc
    assert again.body_line == 23
    assert doc.version == "1.0" and doc.controls == ("PMG-01",) and doc.criteria == ("CC6.2", "CC6.3")
    assert doc.history[0].approver == "Dana Whitfield"


def test_policy_page_carries_metadata_controls_and_history(mini_library: Path) -> None:
    library = load_library(mini_library)
    program = program_from_library(facts_from_answers(resolve_answers()), library)
    page = program.render_page(program.policies["POL-02"])
    assert page.startswith("# Policy Management Policy\n")
    for expected in ("| Owner | Security Officer (Priya Natarajan) |", "| Next review due | 1 December 2027",
                     "| Criteria | CC6.2, CC6.3 |", "## 3. Exceptions {#exceptions}", "## Revision history",
                     "| 1.0 | 2026-12-01 | Priya Natarajan | Dana Whitfield | Initial adoption of the policy |",
                     "AWS Key Management Service (KMS)"):
        assert expected in page


def test_review_past_due_is_flagged_overdue(mini_library: Path) -> None:
    import datetime as dt

    library = load_library(mini_library)
    program = program_from_library(facts_from_answers(resolve_answers()), library, as_of=dt.date(2028, 1, 1))
    assert "1 December 2027 — **overdue**" in program.render_page(program.policies["POL-02"])


def test_coverage_counts_only_criteria_in_scope(mini_library: Path) -> None:
    library = load_library(mini_library)
    security_only = {f"scope_{c}": False for c in ("availability", "confidentiality", "processing_integrity",
                                                    "privacy")}
    program = program_from_library(facts_from_answers(resolve_answers(security_only)), library)
    rows = program.coverage()
    assert len(rows) == 33
    assert {r.criterion.id for r in rows if r.covered} == {"CC6.2", "CC6.3"}
