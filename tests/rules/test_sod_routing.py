"""Segregation of duties where one person holds several roles (issue #12, auditor read T-2, T-3, T-4, N-5, N-6).

Each test seeds the defect the auditor found into a copy (a company, a library or a company.yml) and shows it
caught with file, line and fix, or shows the text routing the check to someone else.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY, library_copy_with
from policyforge import FactsError, PolicyforgeError, facts_from_answers
from policyforge._errors import Problem
from policyforge.adapters._command import ExitCode
from policyforge.adapters.cli import main
from policyforge.lifecycle import approve
from policyforge.model import load_library, resolve_answers
from policyforge.model._library import Library
from policyforge.model._roles import approval_route, approver_for
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.rules import library_view, run_rules
from test_rules import AFTER_ADOPTION, _company_repo, make_library

# The 51-200 company of the auditor's read: Rahul Mehta is CTO (the default), Security Officer and Privacy Officer.
CTOSO: dict[str, Any] = {
    "headcount_band": "51-200",
    "security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example",
    "privacy_officer_name": "Rahul Mehta", "privacy_officer_email": "rahul.mehta@acme.example",
}


# ------------------------------------------------------------------------------------------------ T-3
def test_the_alternate_approver_never_approves_a_policy_they_own() -> None:
    facts = facts_from_answers(resolve_answers(CTOSO))
    alternate, then = approval_route(facts, "approver")
    assert alternate is not None and alternate.name == "Rahul Mehta"  # the CTO, as before
    assert then is not None and then.name == "Grace Okafor"
    # The CEO writes a change to the Security Officer's policy: Rahul owns it, so Grace approves it.
    who = approver_for(facts, "approver", "Dana Whitfield", "security_officer")
    assert who is not None and who.name == "Grace Okafor"
    # The owner writes a change: the usual approver, the CEO.
    who = approver_for(facts, "approver", "Rahul Mehta", "security_officer")
    assert who is not None and who.name == "Dana Whitfield"


def test_approve_refuses_the_alternate_on_a_policy_they_own_and_names_who_approves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_library(tmp_path)
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    repo = _company_repo(tmp_path, root, **CTOSO)
    # POL-02 belongs to the Security Officer (Rahul); the approver (Dana) wrote this change.
    with pytest.raises(PolicyforgeError) as caught:
        approve(repo, ["POL-02"], by="Rahul Mehta", summary="Tighter wording", on=AFTER_ADOPTION,
                author="Dana Whitfield")
    problem = caught.value.problems[0]
    assert problem.where.endswith("POL-02-policy-management.md")
    assert "approved instead by Grace Okafor" in problem.message and '--by "Grace Okafor"' in problem.fix
    [doc] = approve(repo, ["POL-02"], by="Grace Okafor", summary="Tighter wording", on=AFTER_ADOPTION,
                    author="Dana Whitfield")
    entry = doc.history[-1]
    assert (entry.author, entry.approver, entry.approver_role) == ("Dana Whitfield", "Grace Okafor",
                                                                   "alternate_approver")


def test_two_people_route_the_change_to_its_owner_and_approve_refuses_with_the_fix(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_library(tmp_path)
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    two = {**CTOSO, "headcount_band": "1-20", "head_of_people_name": "Dana Whitfield",
           "head_of_people_email": "dana.whitfield@acme.example"}
    repo = _company_repo(tmp_path, root, **two)
    with pytest.raises(PolicyforgeError) as caught:
        approve(repo, ["POL-02"], by="Rahul Mehta", summary="Tighter wording", on=AFTER_ADOPTION,
                author="Dana Whitfield")
    problem = caught.value.problems[0]
    assert "names nobody else who could approve it" in problem.message
    assert "people.alternate_approver" in problem.fix and '--author "Rahul Mehta"' in problem.fix


def test_an_alternate_approver_who_is_the_approver_is_refused_with_the_field_and_the_fix() -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers({"alternate_approver_name": "Dana Whitfield",
                                            "alternate_approver_email": "dana.whitfield@acme.example"}))
    [problem] = [p for p in caught.value.problems if "alternate_approver" in p.message]
    assert problem.message.startswith("alternate_approver_email: the alternate approver, Dana Whitfield, is the "
                                      "policy approver")
    assert "name someone other than the policy approver" in problem.fix


def test_check_exits_two_on_a_company_yml_whose_alternate_is_the_approver(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_library(tmp_path)
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(root))
    repo = _company_repo(tmp_path, root, alternate_approver_name="Rahul Mehta",
                         alternate_approver_email="rahul.mehta@acme.example")
    company = repo / "company.yml"
    company.write_text(_alternate_is_approver(company.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["check", "--repo", str(repo)]) == ExitCode.BAD_INPUT
    err = capsys.readouterr().err
    # One line: where, the field, what is wrong and the fix.
    assert err.count("\n") == 1 and err.startswith("ERROR: company.yml:")
    assert "people.alternate_approver.email: the alternate approver, Rahul Mehta, is the policy approver" in err
    assert "name someone other than the policy approver" in err


def _alternate_is_approver(text: str) -> str:
    """Return company.yml with the alternate approver's email set to the approver's."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() == "alternate_approver:")
    email = next(i for i in range(at, len(lines)) if lines[i].strip().startswith("email:"))
    lines[email] = lines[email].split("email:")[0] + "email: dana.whitfield@acme.example"
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------ seeded copies
# The three companies of the auditor's read: the example, Nimbus (Mei Lin is CTO and Security Officer, the only
# engineer, Halden Engineering Ltd the contracted outside engineer; Tom Reid is CEO, Head of People and Privacy
# Officer; no board) and the 51-200 company where Rahul Mehta is CTO, Security Officer and Privacy Officer.
LAYOUTS: dict[str, dict[str, Any]] = {"example": {}, "nimbus": dict(MATRIX["nimbus-uk"].answers), "ctoso": CTOSO}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()



def _problems(library: Library, layout: str, code: str) -> list[Problem]:
    return run_rules(library_view(variant_program("example", library, LAYOUTS[layout])), [code])


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_no_layout_has_anyone_check_their_own_work_or_a_quorum_counted_in_roles(library: Library,
                                                                                  layout: str) -> None:
    view = library_view(variant_program("example", library, LAYOUTS[layout]))
    assert run_rules(view, ["SOD007", "SOD008"]) == []


# ------------------------------------------------------------------------------------------------ T-2
OLD_QUORUM = ("It is quorate when the chair or a named delegate, the Security Officer and the Chief Technology "
              "Officer attend.")


def test_a_quorum_counted_in_roles_is_caught_where_one_person_holds_two_of_them(tmp_path: Path) -> None:
    pol01 = "policies/POL-01-information-security.md"
    text = (LIBRARY / pol01).read_text(encoding="utf-8")
    start = text.index("{% if gov.shared %}: {{ gov.members_count }}, {{ gov.members_text }}{% endif %}. It is quorate "
                       "when at least {{ gov.quorum_words }} different people attend, among them")
    end = text.index("{% endif %}.", text.index("so all {{ gov.quorum_words }} attend", start)) + len("{% endif %}.")
    copy, path = library_copy_with(tmp_path, pol01, text[start:end], ". " + OLD_QUORUM)
    [problem] = _problems(copy, "ctoso", "SOD008")
    assert problem.where == str(path) and problem.line == _line(path, OLD_QUORUM)
    assert "Rahul Mehta holds Chief Technology Officer and Security Officer" in problem.message
    assert "different people" in problem.fix
    assert _problems(copy, "example", "SOD008") == []  # four people: the roles are people


def test_the_quorum_is_counted_in_people_and_names_them_when_roles_coincide(library: Library) -> None:
    ctoso = _section(library, "ctoso", "POL-01", "4.3.1")
    assert ("three people, Dana Whitfield (Chief Executive Officer), Rahul Mehta (Chief Technology Officer, "
            "Security Officer and Privacy Officer) and Grace Okafor (Head of People)") in ctoso
    assert "It is quorate when at least three different people attend" in ctoso
    nimbus = _section(library, "nimbus", "POL-01", "4.3.1")
    assert ("two people, Tom Reid (Chief Executive Officer and Privacy Officer) and Mei Lin (Chief Technology "
            "Officer and Security Officer). It is quorate when at least two different people attend") in nimbus
    # The committee of a 51-200 company counts its Head of People: three people, so the minutes circulate.
    assert "with two people the meeting" not in _section(library, "ctoso", "POL-01", "4.3.4")


def _section(library: Library, layout: str, policy: str, number: str) -> str:
    program = variant_program("example", library, LAYOUTS[layout])
    body = " ".join(program.render_body(program.policies[policy]).split())
    found = re.search(rf"\*\*{re.escape(number)}\*\*.*?(?=\*\*\d+\.\d+\.\d+\*\*|#|$)", body)
    assert found, number
    return found.group(0)


# ------------------------------------------------------------------------------------------------ T-4
def test_a_trust_site_review_signed_off_by_its_keeper_is_caught(tmp_path: Path) -> None:
    copy, path = library_copy_with(tmp_path, "controls/POL-01.yaml",
                                   "are reviewed by {{\n      people.trust_signer.phrase }}",
                                   "are reviewed by the {{ owner_of('GOV-09') }}")
    [problem] = [p for p in _problems(copy, "ctoso", "SOD007") if "control GOV-09:" in p.message]
    assert "GOV-09" in problem.message and "Rahul Mehta" in problem.message
    assert problem.where == str(path) and problem.line == _line(path, "id: GOV-09")


def test_the_trust_site_is_signed_off_by_someone_who_writes_none_of_it(library: Library) -> None:
    signed = {layout: _section(library, layout, "POL-01", "4.10.3") for layout in LAYOUTS}
    assert "by the Chief Executive Officer, who writes none of it" in signed["ctoso"]
    assert "by the Chief Executive Officer, who writes none of it" in signed["example"]
    # Tom Reid is the Privacy Officer who keeps the subprocessor list, Mei Lin the Security Officer.
    assert "by the outside security adviser Harriet Cole, who writes none of it" in signed["nimbus"]


# ------------------------------------------------------------------------------------------------ N-5
# The clause of each control that routes the CTO's own part to someone else; removed, SOD007 catches it.
ROUTES = [
    ("controls/POL-19.yaml", "CHG-02", ", and, as the CTO administers them, the export is checked again by {{\n"
     "      people.cto_reviewer.phrase }}", ""),
    ("controls/POL-19.yaml", "CHG-09", "; the changes the CTO wrote,\n      approved or deployed{% if eng.solo %}, "
     "which with one engineer are all of them,{% endif %} are matched again by\n      "
     "{{ people.cto_reviewer.phrase }}, so nobody checks their own changes", ""),
    ("controls/POL-15.yaml", "NET-07", "are reviewed by {{ people.cto_reviewer.phrase }}, so nobody",
     "are reviewed by the CTO, so nobody"),
    ("controls/POL-12.yaml", "CRY-06", "approved and reviewed by {{ people.cto_reviewer.phrase }}",
     "approved and reviewed by the CTO"),
    ("controls/POL-12.yaml", "CRY-07", "are matched by {{ people.cto_reviewer.phrase\n      }}",
     "are matched by the Security Officer"),
    ("controls/POL-09.yaml", "AST-03", "each reconciliation is checked by {{ people.cto_reviewer.phrase }}",
     "each reconciliation is checked by the CTO"),
    # Issue #12, auditor read "all companies": the CTO checked work the CTO does (settings, inventories, keys).
    ("controls/POL-01.yaml", "GOV-07", "; as they describe systems the CTO{% if eng.solo %}, the only engineer,"
     "{% endif %} builds and runs,\n      each review is checked by {{ people.cto_reviewer.phrase }}.", "."),
    ("controls/POL-09.yaml", "AST-01", ", each review is checked by {{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-09.yaml", "AST-06", "; as the CTO keeps the device list, each\n      reconciliation is checked by "
     "{{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-09.yaml", "AST-08", ", each review is\n      checked by {{ people.cto_reviewer.phrase }}", ""),
    # "the CTO verifies": a check verb the rule did not know.
    ("controls/POL-04.yaml", "AUP-03", ", each\n      check is reviewed by {{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-17.yaml", "END-02", ", each review is checked by {{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-12.yaml", "CRY-05", ", the review is checked by {{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-19.yaml", "CHG-11", ", each record is checked by {{ people.cto_reviewer.phrase }}", ""),
    ("controls/POL-22.yaml", "BCP-05", ", each review is checked by {{ people.cto_reviewer.phrase }}", ""),
    # "the backup operator reviews": a checker no role names is the owner, the CTO.
    ("controls/POL-23.yaml", "BAK-05", ", each\n      review is checked by {{ people.cto_reviewer.phrase }}", ""),
    # "a CTO-approved ticket": the approver written as an adjective.
    ("controls/POL-10.yaml", "DCL-05", "a masked copy, approved by the CTO or, for a copy the CTO requests, by\n"
     "      {{ people.cto_reviewer.phrase }},", "a CTO-approved masked copy"),
    # nimbus T1: the Security Officer approved their own exception, share, copy and code finding.
    ("controls/POL-17.yaml", "END-06", ", or for the Security Officer's own laptop by\n"
     "      {{ people.security_officer_reviewer.phrase }},", ""),
    ("controls/POL-10.yaml", "DCL-06", "; a share the Security Officer\n      makes is approved by "
     "{{ people.security_officer_reviewer.phrase }}.", "."),
    # "the Security Officer's approval": a checker named as the approval's owner.
    ("controls/POL-10.yaml", "DCL-07", " (for a copy the Security Officer makes, the approval of "
     "{{ people.security_officer_reviewer.phrase }})", ""),
    ("controls/POL-20.yaml", "SDL-03", ", which for a pull request the Security Officer wrote is\n      approved by "
     "{% if not people.cto_reviewer.role %}{{ people.cto_reviewer.subject }}{% else %}"
     "{{ people.security_officer_reviewer.subject\n"
     "      }}{% endif %} instead", ""),
]


@pytest.mark.parametrize(("relative", "control", "old", "new"), ROUTES,
                         ids=[f"{r[1]}-{n}" for n, r in enumerate(ROUTES)])
def test_a_cto_check_of_the_ctos_own_work_is_caught_once_its_routing_is_removed(
        tmp_path: Path, relative: str, control: str, old: str, new: str) -> None:
    copy, path = library_copy_with(tmp_path, relative, old, new)
    problems = [p for p in _problems(copy, "nimbus", "SOD007") if f"control {control}:" in p.message]
    assert len(problems) == 1, problems
    [problem] = problems
    assert "Mei Lin" in problem.message and problem.where == str(path)
    assert problem.line == _line(path, f"id: {control}") and "someone else" in problem.fix


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_review_that_names_no_reviewer_is_its_owners_and_is_caught(tmp_path: Path, layout: str) -> None:
    # BCP-05 before issue #12: "a recovery runbook reviewed every year" names nobody, so the CTO who owns the
    # control and keeps the runbooks reviewed them, in every layout.
    copy, path = library_copy_with(tmp_path, "controls/POL-22.yaml", "that the CTO reviews every year",
                                   "reviewed every year")
    text = path.read_text(encoding="utf-8")
    start = text.index("; as the CTO", text.index("id: BCP-05"))
    path.write_text(text[:start] + "." + text[text.index("\n    owner:", start):], encoding="utf-8")
    problems = [p for p in _problems(load_library(copy.root), layout, "SOD007") if "control BCP-05:" in p.message]
    assert len(problems) == 1, problems
    holder = {"nimbus": "Mei Lin"}.get(layout, "Rahul Mehta")
    assert f"its only reviewer is {holder}" in problems[0].message and problems[0].where == str(path)
    assert problems[0].line == _line(path, "id: BCP-05") and "someone else" in problems[0].fix


def test_the_ctos_own_technical_work_goes_to_halden_in_nimbus_and_to_someone_else_in_every_layout(
        library: Library) -> None:
    checkers = {"example": "the Security Officer", "nimbus": "Halden Engineering Ltd, the contracted outside engineer",
                "ctoso": "the Chief Executive Officer"}
    for layout, checker in checkers.items():
        view = library_view(variant_program("example", library, LAYOUTS[layout]))
        for control in ("CHG-02", "CHG-09", "NET-07", "CRY-06", "AST-03", "GOV-07", "AST-01", "AST-06", "AST-08",
                        "AUP-03", "END-02", "CRY-05", "CHG-11", "BCP-05", "BAK-05", "DCL-05", "BAK-06"):
            assert f"by {checker}" in view.statements[control], (layout, control)


def test_the_security_officers_own_requests_go_to_someone_else_in_every_layout(library: Library) -> None:
    # nimbus T1: Mei Lin, the Security Officer, asks for these herself; the Chief Executive Officer approves them,
    # and Halden Engineering Ltd an exception for a finding in her own code.
    approvers = {"example": ("the Chief Technology Officer", "the Chief Technology Officer"),
                 "nimbus": ("the Chief Executive Officer", "Halden Engineering Ltd, the contracted outside engineer,"),
                 "ctoso": ("the Chief Executive Officer", "the Chief Executive Officer")}
    for layout, (approver, code) in approvers.items():
        view = library_view(variant_program("example", library, LAYOUTS[layout]))
        assert f"own laptop by {approver}," in view.statements["END-06"], layout
        assert f"makes is approved by {approver}." in view.statements["DCL-06"], layout
        assert f"makes, the approval of {approver})" in view.statements["DCL-07"], layout
        assert f"wrote is approved by {code} instead" in view.statements["SDL-03"], layout


# ------------------------------------------------------------------------------------------------ N-6
def test_with_one_engineer_the_outside_engineer_approves_emergency_changes_after_the_fact(library: Library) -> None:
    nimbus = _section(library, "nimbus", "POL-19", "4.7.3")
    assert nimbus.startswith("**4.7.3** Within 1 business day Halden Engineering Ltd, the contracted outside "
                             "engineer, reviews and approves it after the fact, as the CTO, the only engineer, "
                             "wrote it")
    assert "the CTO reviews and approves" not in nimbus
    review = _section(library, "nimbus", "POL-19", "4.7.4")
    assert review.startswith("**4.7.4** Every month the Chief Executive Officer reviews all emergency changes")
    # With other engineers the CTO approves, and someone else approves the CTO's own change.
    # A change the CTO wrote is judged by an engineer, and approved on that review by someone else (issue #12).
    assert "the CTO reviews and approves it after the fact; a change the CTO wrote is reviewed by an engineer other " \
        "than the CTO in GitHub, who judges the code, and approved on that review by the Chief Executive Officer " \
        "instead" in _section(library, "ctoso", "POL-19", "4.7.3")
