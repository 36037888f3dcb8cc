"""Nobody reports to or approves for themself: SOD004 and SOD005, and the role rules the text names instead."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY, build_file_tree, mini_library_files
from policyforge import facts_from_answers, load_library, program_from_library
from policyforge.model import resolve_answers
from policyforge.model._roles import deputy, deputy_role, neither, reports_to
from policyforge.program import Program
from policyforge.program._lint import company_texts, variant_program
from policyforge.program._matrix import MATRIX, UNDEFINED_TERMS
from policyforge.rules import library_view, run_rules

POLICY = "policies/POL-02-policy-management.md"
# The example company with its Chief Executive Officer (Dana Whitfield, also the Policy Approver) as Privacy Officer,
# and its Chief Technology Officer (Rahul Mehta) as Security Officer.
CEO_PRIVACY = {"privacy_officer_name": "Dana Whitfield", "privacy_officer_email": "dana.whitfield@acme.example"}
CTO_SECURITY = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example"}


def _program(tmp_path: Path, statement: str, **answers: Any) -> Program:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    text = mini_library_files()[POLICY].rstrip("\n") + f"\n\n**2.2** {statement}\n"
    build_file_tree(root, mini_library_files({POLICY: text}))
    return program_from_library(facts_from_answers(resolve_answers(answers)), load_library(root))


def _found(prog: Program, code: str) -> list[str]:
    return [p.message for p in run_rules(library_view(prog), [code])]


@pytest.mark.parametrize("statement", [
    "Every quarter the Privacy Officer reports to the CEO on requests, recorded in a ticket.",
    "Every quarter the Privacy Officer reports the request figures to the Chief Executive Officer in a ticket.",
    "Every quarter the Privacy Officer gives the CEO a written report, filed in a ticket.",
])
def test_a_role_reporting_to_its_own_holders_other_role_is_caught(tmp_path: Path, statement: str) -> None:
    combined = _found(_program(tmp_path, statement, **CEO_PRIVACY), "SOD004")
    assert [m.split(":")[0] for m in combined] == ["SOD004 POL-02"]
    assert "the Privacy Officer reports to the Chief Executive Officer, both Dana Whitfield" in combined[0]
    assert _found(_program(tmp_path / "apart", statement), "SOD004") == []


def test_the_reporting_line_the_role_rules_name_is_never_the_author(tmp_path: Path) -> None:
    statement = 'Every quarter the Privacy Officer reports to {{ reports_to("privacy_officer") }} in a ticket.'
    combined = _program(tmp_path, statement, **CEO_PRIVACY, has_board=False)
    assert _found(combined, "SOD004") == []
    assert "the Privacy Officer reports to the outside security adviser in a ticket" in \
        combined.render_body(combined.policies["POL-02"])


def test_reports_go_up_the_line_to_someone_else() -> None:
    facts = facts_from_answers(resolve_answers({**CEO_PRIVACY, **CTO_SECURITY, "has_board": False}))
    assert reports_to(facts, "privacy_officer") == "the outside security adviser"  # the CEO also approves
    assert reports_to(facts, "security_officer", "cto") == "the Chief Executive Officer"
    assert reports_to(facts, "head_of_people") == "the Chief Executive Officer"
    board = facts_from_answers(resolve_answers({**CEO_PRIVACY, "has_board": True}))
    assert reports_to(board, "privacy_officer") == "the board"
    other_approver = facts_from_answers(resolve_answers({**CEO_PRIVACY, "has_board": False,
                                                         "approver_name": "Rahul Mehta",
                                                         "approver_email": "rahul.mehta@acme.example"}))
    assert reports_to(other_approver, "privacy_officer") == "the Chief Technology Officer"


def test_the_other_approver_is_never_the_person_asking() -> None:
    apart = facts_from_answers(resolve_answers({}))
    assert deputy(apart, "security_officer", "cto").name == "Rahul Mehta"
    nimbus = facts_from_answers(resolve_answers(MATRIX["nimbus-uk"].answers))
    # Mei Lin is CTO, Security Officer and alternate approver: the Chief Executive Officer approves for her.
    other = deputy(nimbus, "security_officer", "cto")
    assert (other.name, other.title) == ("Tom Reid", "Chief Executive Officer")
    assert deputy(nimbus, "privacy_officer", "security_officer").name == "Mei Lin"


@pytest.mark.parametrize("statement", [
    "Each extension is approved by the Security Officer (medium and low) or the CTO (critical and high) in a ticket.",
    "The CTO decides on each critical extension after the Security Officer's advice, recorded in a ticket.",
    "Each investigation is approved by the Chief Technology Officer and the Security Officer in a ticket.",
])
def test_one_person_approving_in_two_roles_is_caught(tmp_path: Path, statement: str) -> None:
    combined = _found(_program(tmp_path, statement, **CTO_SECURITY), "SOD005")
    assert len(combined) == 1 and "Rahul Mehta is both Chief Technology Officer and Security Officer" in combined[0]
    assert _found(_program(tmp_path / "apart", statement), "SOD005") == []


def test_two_approvals_that_may_be_one_persons_are_caught_for_every_company(tmp_path: Path) -> None:
    statement = ("Access is granted after the system owner, and for production also the Security Officer, "
                 "approves the request in a ticket.")
    assert len(_found(_program(tmp_path, statement), "SOD005")) == 1
    routed = statement.replace("in a ticket.", "in a ticket; the two approvals come from two different people.")
    assert _found(_program(tmp_path / "routed", routed), "SOD005") == []


def test_an_approval_routed_to_someone_else_is_not_self_approval(tmp_path: Path) -> None:
    statement = ('Each extension is approved by the Security Officer (medium and low) or '
                 '{{ other_than("security_officer", "cto") }} (critical and high) in a ticket.')
    combined = _program(tmp_path, statement, **CTO_SECURITY)
    assert _found(combined, "SOD005") == []
    assert "or the Chief Executive Officer (critical and high)" in combined.render_body(combined.policies["POL-02"])


@pytest.fixture(scope="module")
def nimbus() -> Program:
    return variant_program("nimbus-uk", load_library())


def test_nimbus_reads_true_reporting_lines_and_approvals(nimbus: Program) -> None:
    assert _found(nimbus, "SOD004") == [] and _found(nimbus, "SOD005") == [] and _found(nimbus, "SOD003") == []
    review = " ".join(nimbus.render_statement(nimbus.library.catalog.controls["CHG-10"],
                                              nimbus.policies["POL-19"]).split())
    # auditor A-E3 and N-6: Mei Lin, the only engineer, writes every emergency change and Halden Engineering Ltd
    # approves it after the fact, so Tom Reid, who did neither, reviews them all.
    assert review.startswith("Every month the Chief Executive Officer reviews the list of emergency changes of the "
                             "period, all written by the Security Officer as the only engineer, checks each has the "
                             "retrospective approval of Halden Engineering Ltd, the contracted outside engineer,")
    assert review.endswith("so nobody reviews their own change or its approval; the review checks the record (incident "
                           "reference, approval, count), as the technical judgement of each change is the approval of "
                           "control CHG-06.")
    privacy = nimbus.render_body(nimbus.policies["POL-28"])
    assert ("**4.1.1** The organisation chart shows that the Chief Executive Officer holds the role of Privacy "
            "Officer and answers for it to the outside security adviser Harriet Cole") in privacy
    assert ("**4.1.3** Every 3 months the Privacy Officer gives the outside security adviser Harriet Cole a written "
            "privacy "
            "report on requests and their timeliness, complaints, incidents involving personal data, privacy reviews "
            "and open actions, and files it with the leadership security meeting records.") in privacy
    assert "read by the Privacy Officer and the Security Officer, or through" in privacy
    vulnerabilities = nimbus.render_body(nimbus.policies["POL-16"])
    assert ("the Chief Executive Officer decides on critical and high findings after the Security Officer's advice, "
            "because the Chief Technology Officer is also the Security Officer. Nobody decides on an extension they "
            "asked for: a request the Security Officer made is decided by the Chief Executive Officer.") \
        in vulnerabilities


@pytest.mark.parametrize("typed", [
    "Each month the CTO checks that devices are recovered from leavers within 10 business days, in a ticket.",
    "A leaver's company device is locked and returned within 10 business days, recorded in the inventory.",
])
def test_a_device_return_deadline_typed_instead_of_named_is_caught(tmp_path: Path, typed: str) -> None:
    problems = _found(_program(tmp_path, typed), "COM001")
    assert len(problems) == 1 and "device_return" in problems[0] and "'10 business days'" in problems[0]
    named = typed.replace("within 10 business days", "{{ commit.device_return.within }}")
    assert _found(_program(tmp_path / "named", named), "COM001") == []


def test_no_page_names_a_governing_meeting_the_program_does_not_define() -> None:
    pattern = re.compile(UNDEFINED_TERMS[0])
    assert pattern.search("as a dedicated item of the leadership\nmeeting with its own minutes")
    assert pattern.search("Minutes of leadership meetings") and not pattern.search("the leadership security meeting")
    for name in ("example", "nimbus-uk"):
        texts = company_texts(variant_program(name, load_library()))
        assert [page for page, text in texts.items() if pattern.search(text)] == []
        assert "**Leadership security meeting minutes**: Minutes or agendas of leadership security meetings where" \
            in texts["readiness.md"]


# With one engineer (nimbus-uk) the CTO wrote every change, so the outside engineer approves it (auditor N-6).
@pytest.mark.parametrize(("name", "second"), [
    # A change the CTO wrote is judged by an engineer and approved by someone else (issue #12, CHG-06).
    ("example", "by the CTO, or, for a change the CTO wrote, by the Security Officer on the code review of an engineer "
                "other than the CTO"),
    ("nimbus-uk", "by Halden Engineering Ltd, the contracted outside engineer, as the CTO, the only engineer, "
                  "wrote every change,")])
def test_each_duty_names_one_role_and_reads_true_before_the_first_report(name: str, second: str) -> None:
    program = variant_program(name, load_library())
    statements = {c.id: " ".join(program.render_statement(c, program.policies[c.policy]).split())
                  for c in program.library.catalog.controls.values()
                  if c.id in ("CHG-06", "BAK-05", "RSK-07") and c.policy in program.policies}
    assert second in statements["CHG-06"]
    assert statements["BAK-05"].startswith("Every week the backup operator named in the roles section of this policy "
                                           "reviews the backup coverage report")
    assert statements["RSK-07"].startswith("In the annual assessment the Security Officer scores each business "
                                           "disruption scenario that section 4.8.1 of this policy lists")
    assert "CTO's" not in statements["RSK-07"] and "CEO's" not in statements["RSK-07"]
    monitoring = program.render_body(program.policies["POL-26"])
    assert "the previous report" not in monitoring
    if name == "example":  # a Type II company: the first report does not exist until the first window's is issued
        assert ("Before the company's first report is issued there is no report to send: the Security Officer "
                "answers each request with the dates of the window under way") in monitoring


@pytest.mark.parametrize(("name", "opens"), [
    ("example", "2. The approver, the one of the CTO and the Security Officer who is not using the account, opens the "
                "restricted vault in 1Password and supervises the session; the person using the account never opens "
                "the vault for their own use."),
    ("nimbus-uk", "when the Chief Technology Officer is the one using the account, the vault is opened only after the "
                  "approval of the Chief Executive Officer, who supervises the session, so nobody approves or "
                  "supervises their own use."),
])
def test_break_glass_use_is_never_approved_by_the_person_using_it(name: str, opens: str) -> None:
    program = variant_program(name, load_library())
    assert opens in program.render_body(program.policies["POL-13"])


@pytest.mark.parametrize("unnamed", ["an engineer the CTO designates", "the CTO's designated engineer",
                                     "a designated administrator"])
def test_a_control_duty_left_to_someone_no_role_names_is_caught(tmp_path: Path, unnamed: str) -> None:
    statement = f"Every quarter {unnamed} exports the branch settings and files them in a ticket."
    problems = run_rules(library_view(_program(tmp_path, statement)), ["SOD006"])
    assert len(problems) == 1 and f"POL-02 2.2: '{unnamed}" in problems[0].message
    assert problems[0].where.endswith(POLICY) and problems[0].line is not None and "other_than" in problems[0].fix
    named = statement.replace(unnamed, '{{ other_than("cto", "security_officer") }}')
    assert _found(_program(tmp_path / "named", named), "SOD006") == []


def test_a_designate_in_a_control_statement_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    controls = mini_library_files()["controls/POL-02.yaml"].replace(
        "by the Security Officer.", "by the Security Officer and an engineer the Security Officer designates.")
    build_file_tree(root, mini_library_files({"controls/POL-02.yaml": controls}))
    program = program_from_library(facts_from_answers(resolve_answers({})), load_library(root))
    assert _found(program, "SOD006") == [
        "SOD006 control PMG-01: 'an engineer the Security Officer designates' leaves a control's duty to someone no "
        "role names"]


def test_no_control_of_a_matrix_company_leaves_a_duty_to_a_designate(nimbus: Program) -> None:
    assert _found(nimbus, "SOD006") == []
    change = nimbus.render_body(nimbus.policies["POL-19"])
    assert "**4.4.3** Only the CTO and the Chief Executive Officer, who stands in for the CTO, may change" in change
    privacy = nimbus.render_body(nimbus.policies["POL-28"])
    assert "4. The CTO, or the Head of People for staff and candidates, finds" in privacy


@pytest.mark.parametrize(("typed", "name"), [
    ("A missed deadline is extended in a ticket, and an extension lasts no more than 90 days.", "vuln_extension_limit"),
    ("A privacy review is requested in a ticket and the Privacy Officer decides on each review within 10 "
     "business days.",
     "privacy_review_decision"),
    ("Files go to named recipients in an approved application, with links that expire within 30 days.",
     "share_link_expiry"),
    ("Each month the Security Officer has each unlisted application approved or removed within 5 business days.",
     "unapproved_software_decision"),
])
def test_a_number_two_sentences_rely_on_is_one_commitment(tmp_path: Path, typed: str, name: str) -> None:
    problems = _found(_program(tmp_path, typed), "COM001")
    assert len(problems) == 1 and name in problems[0]
    number = re.search(r"\d+ (?:business )?days", typed)
    assert number is not None
    named = typed.replace(f"within {number.group(0)}", f"{{{{ commit.{name}.within }}}}").replace(
        number.group(0), f"{{{{ commit.{name} }}}}")
    assert _found(_program(tmp_path / "named", named), "COM001") == []


def test_a_commitment_retyped_in_a_control_statement_is_caught(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    controls = mini_library_files()["controls/POL-02.yaml"].replace(
        "by the Security Officer.", "by the Security Officer, and an extension lasts no more than 90 days.")
    build_file_tree(root, mini_library_files({"controls/POL-02.yaml": controls}))
    problems = run_rules(library_view(program_from_library(facts_from_answers(resolve_answers({})),
                                                           load_library(root))), ["COM001"])
    assert len(problems) == 1 and "'90 days'" in problems[0].message and "vuln_extension_limit" in problems[0].message
    assert problems[0].where.endswith("controls/POL-02.yaml") and problems[0].line == 3  # the line of "id: PMG-01"


def test_the_policy_and_its_control_print_one_extension_limit() -> None:
    program = variant_program("example", load_library(), {"_commitments": {"vuln_extension_limit": 60}})
    control = program.library.catalog.controls["VUL-07"]
    assert "documented extension of no more than 60 days" in " ".join(
        program.render_statement(control, program.policies["POL-16"]).split())
    assert "An extension lasts no more than 60 days and may be renewed once." in \
        program.render_body(program.policies["POL-16"])


@pytest.mark.parametrize("statement", [
    "The CTO reviews and approves each exception the Security Officer requests, in a ticket.",
    "The CTO signs off the Security Officer's own risk acceptances in a ticket.",
    "Each risk acceptance requested by the Security Officer is signed off by the Chief Technology Officer in a ticket.",
])
def test_one_role_approving_what_the_other_asked_for_is_caught(tmp_path: Path, statement: str) -> None:
    combined = _found(_program(tmp_path, statement, **CTO_SECURITY), "SOD005")
    assert len(combined) == 1 and "Rahul Mehta is both Chief Technology Officer and Security Officer" in combined[0]
    assert _found(_program(tmp_path / "apart", statement), "SOD005") == []
    routed = ('Each exception the Security Officer requests is reviewed and approved by '
              '{{ other_than("security_officer", "cto") }}, in a ticket.')
    assert _found(_program(tmp_path / "routed", routed, **CTO_SECURITY), "SOD005") == []


@pytest.mark.parametrize("statement", [
    "The CTO signs off their own emergency changes after the fact, recorded in a ticket.",
    "Each engineer reviews and approves their own pull request when no reviewer is free, in a ticket.",
])
def test_an_approval_of_ones_own_work_is_caught_for_every_company(tmp_path: Path, statement: str) -> None:
    problems = _found(_program(tmp_path, statement), "SOD005")
    assert len(problems) == 1 and "someone approves their own work" in problems[0]
    forbidden = statement.replace("signs off their own", "never signs off their own").replace(
        "reviews and approves their own", "never reviews or approves their own")
    assert _found(_program(tmp_path / "never", forbidden), "SOD005") == []


def test_the_policy_approver_and_the_ceo_approving_one_exception_is_caught(tmp_path: Path) -> None:
    # PMG-05 before issue #12's N-E4 fix: in the example company Dana Whitfield is CEO and Policy Approver.
    statement = ("Each exception is approved by the policy approver (and the Chief Executive Officer when the risk is "
                 "high) in a ticket.")
    found = _found(_program(tmp_path, statement), "SOD005")
    assert len(found) == 1 and "Dana Whitfield is both Chief Executive Officer and Policy Approver" in found[0]
    apart = {"approver_name": "Ines Duarte", "approver_email": "ines.duarte@acme.example"}
    assert _found(_program(tmp_path / "apart", statement, **apart), "SOD005") == []


def _reviewing_program(tmp_path: Path, statement: str, reviews: str, **answers: Any) -> Program:
    """Return the mini library's program with PMG-01 reviewing the acts of ``reviews`` in ``statement``."""
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    controls = mini_library_files()["controls/POL-02.yaml"].replace(
        "statement: Access is reviewed {{ commitments.access_review_cadence }} by the Security Officer.",
        f"statement: {statement}").replace("owner: security_officer",
                                           f"owner: security_officer\n                reviews_work_of: {reviews}")
    build_file_tree(root, mini_library_files({"controls/POL-02.yaml": controls}))
    return program_from_library(facts_from_answers(resolve_answers(answers)), load_library(root))


@pytest.mark.parametrize(("statement", "reviews", "answers"), [
    # auditor A-E4: the Security Officer may open the break-glass vault, in every layout.
    ("Each use of a break-glass account is reviewed by the Security Officer and recorded in a ticket.",
     "[cto, security_officer]", {}),
    # auditor A-E3: the Security Officer approves the CTO's emergency changes, then reviews the approvals.
    ("Every month the Security Officer reviews the emergency approvals and records any corrective action for the "
     "CTO in a ticket.", "[cto, security_officer]", {}),
    # auditor N-O1: the CEO who reviews conflicts for a CTO-Security Officer holds a conflict of their own.
    ("Every month each approved conflict has its activity reviewed by the CEO, recorded in a ticket.", "[anyone]",
     CTO_SECURITY),
])
def test_a_review_whose_only_reviewer_does_the_reviewed_work_is_caught(
        tmp_path: Path, statement: str, reviews: str, answers: dict[str, str]) -> None:
    # The mini policy's own "2.1 Access is reviewed quarterly by the Security Officer" is the policy statement of
    # PMG-01's section, which SOD007 now reads too (tests/rules/test_sod_policy_reviews.py): the control is read here.
    problems = [p for p in run_rules(library_view(_reviewing_program(tmp_path, statement, reviews, **answers)),
                                     ["SOD007"]) if p.message.startswith("SOD007 control")]
    assert [p.message.split(":")[0] for p in problems] == ["SOD007 control PMG-01"]
    lines = Path(problems[0].where).read_text("utf-8").splitlines()
    assert problems[0].where.endswith("controls/POL-02.yaml") and "id: PMG-01" in lines[(problems[0].line or 0) - 1]
    assert "no one else is named for that part" in problems[0].message and "neither(" in problems[0].fix


@pytest.mark.parametrize(("statement", "reviews", "answers"), [
    ("Each use of a break-glass account is reviewed by the Security Officer, or by "
     "{{ people.security_officer_reviewer.subject }} when the Security Officer was the one using it.",
     "[cto, security_officer]", {}),
    ("Every month the Security Officer reviews the emergency approvals; those the Security Officer approved or wrote "
     "are reviewed by {{ neither('security_officer', 'cto') }} instead.", "[cto, security_officer]", CTO_SECURITY),
    ("Every month each approved conflict has its activity reviewed by the CEO, and a conflict the CEO holds by "
     "{{ people.conflict_fallback.phrase }}.", "[anyone]", CTO_SECURITY),
])
def test_a_review_that_routes_the_reviewers_own_part_elsewhere_passes(
        tmp_path: Path, statement: str, reviews: str, answers: dict[str, str]) -> None:
    found = _found(_reviewing_program(tmp_path, statement, reviews, **answers), "SOD007")
    assert [message for message in found if message.startswith("SOD007 control")] == []


def test_who_reviews_work_two_roles_share_is_neither_of_them() -> None:
    acme = facts_from_answers(resolve_answers({}))
    assert neither(acme, "security_officer", "cto") == "the Chief Executive Officer"
    nimbus = facts_from_answers(resolve_answers(MATRIX["nimbus-uk"].answers))
    assert neither(nimbus, "security_officer", "cto") == "the Chief Executive Officer"
    assert neither(nimbus, "cto", deputy_role(nimbus, "cto", "security_officer")) == \
        "the outside security adviser Harriet Cole"
    board = facts_from_answers(resolve_answers({**MATRIX["nimbus-uk"].answers, "has_board": True}))
    assert neither(board, "cto", "ceo") == "an independent member of the board"


@pytest.mark.parametrize("unnamed", ["directly or through an engineer the CTO designates",
                                     "with a person the Security Officer designates for each office",
                                     "an engineer the CTO designates may run it day to day"])
def test_a_roles_section_leaving_a_duty_to_someone_no_role_names_is_caught(tmp_path: Path, unnamed: str) -> None:
    # auditor N-O1: the roles section says who does what the controls state, so a designate there is nobody too.
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    unnamed = unnamed[0].upper() + unnamed[1:]  # a sentence of its own: "An engineer the CTO designates ..."
    roles = ("## 3. Roles and responsibilities {#roles}\n\n- **Chief Technology Officer** configures device "
             f"profiles. {unnamed}.\n")
    text = mini_library_files()[POLICY].rstrip("\n") + "\n\n" + roles
    build_file_tree(root, mini_library_files({POLICY: text}))
    program = program_from_library(facts_from_answers(resolve_answers({})), load_library(root))
    problems = run_rules(library_view(program), ["SOD006"])
    assert len(problems) == 1 and "leaves a control's duty to someone no role names" in problems[0].message
    lines = Path(problems[0].where).read_text("utf-8").splitlines()
    assert problems[0].where.endswith(POLICY) and unnamed in lines[(problems[0].line or 0) - 1]
    assert "name the role that does it" in problems[0].fix
    named = text.replace(unnamed, "and stays accountable for any of that work an engineer does")
    build_file_tree(tmp_path / "named", mini_library_files({POLICY: named}))
    shutil.copytree(LIBRARY / "catalog", tmp_path / "named" / "catalog")
    shutil.copytree(LIBRARY / "partials", tmp_path / "named" / "partials")
    fixed = program_from_library(facts_from_answers(resolve_answers({})), load_library(tmp_path / "named"))
    assert _found(fixed, "SOD006") == []


@pytest.mark.parametrize("name", ["example", "nimbus-uk"])
def test_every_duty_the_auditor_found_without_an_actor_names_one(name: str) -> None:
    # auditor N-O1: the CEO has no manager, and the Security Officer never suspends their own access.
    program = variant_program(name, load_library())
    view = library_view(program)
    adviser = "the outside security adviser" + (" Harriet Cole" if name == "nimbus-uk" else "")
    assert f"(by {adviser} for the Chief Executive Officer, who has no manager" in view.statements["AUT-04"]
    assert f"(the Chief Executive Officer, who has none, from {adviser})" in view.statements["HRS-07"]
    assert "approved by the hiring manager (the manager of the new role in the organisation chart)" in \
        view.statements["HRS-04"]
    reviewer = "Chief Technology Officer" if name == "example" else "Chief Executive Officer"
    assert view.statements["PMG-07"].endswith(f"the Security Officer's own access is suspended and restored by the "
                                              f"{reviewer}.")
    assert f"one the Security Officer asked for is approved by the {reviewer}" in view.statements["VUL-07"]
