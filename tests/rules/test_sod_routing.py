"""Segregation of duties where one person holds several roles (issue #12, auditor read T-2, T-3, T-4, N-5, N-6).

Each test seeds the defect the auditor found into a copy (a company, a library or a company.yml) and shows it
caught with file, line and fix, or shows the text routing the check to someone else.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from policyforge import FactsError, PolicyforgeError, facts_from_answers
from policyforge.adapters._command import ExitCode
from policyforge.adapters.cli import main
from policyforge.lifecycle import approve
from policyforge.model import resolve_answers
from policyforge.model._roles import approval_route, approver_for
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
