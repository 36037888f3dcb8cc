"""SOD007 reads the policy statements too: a section whose control routes the reviewer's own part elsewhere says so.

Issue #12, auditor read: control CRY-06 had the CTO's own key-administrator membership approved by the CTO's
reviewer, while POL-12 4.4.3, the statement people follow, had the CTO approve every membership, their own included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY, library_copy_with
from policyforge._errors import Problem
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import VARIANTS, variant_program
from policyforge.program._matrix import MATRIX
from policyforge.rules import library_view, run_rules

POL12 = "policies/POL-12-encryption.md"
ROUTED = ("; the CTO's own membership is approved and reviewed by {{ people.cto_reviewer.phrase }}, so nobody "
          "approves or reviews their own access to the keys.")
OLD_POL12 = ("Membership of the key administrator role is approved by the CTO in {{ stack.ticketing }} and reviewed "
             "every quarter alongside the access reviews in the {{ link(\"POL-13\") }}.")
LAYOUTS: dict[str, dict[str, Any]] = {"example": {}, "nimbus-uk": dict(MATRIX["nimbus-uk"].answers),
                                      "cto-security-officer": dict(VARIANTS["cto-security-officer"]),
                                      # One engineer, no outside engineer: the Security Officer approves every change.
                                      "maple-no-pii": dict(MATRIX["maple-no-pii"].answers)}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()



def _problems(library: Library, layout: str | dict[str, Any]) -> list[Problem]:
    answers = LAYOUTS[layout] if isinstance(layout, str) else layout
    return run_rules(library_view(variant_program("example", library, answers)), ["SOD007"])


def _line(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_a_policy_statement_leaving_the_reviewer_their_own_approval_is_caught(tmp_path: Path, layout: str) -> None:
    # Seed the old POL-12 4.4.3: the CTO approves every key administrator, their own membership included.
    copy, path = library_copy_with(tmp_path, POL12, ROUTED, ".")
    problems = [p for p in _problems(copy, layout) if p.message.startswith("SOD007 POL-12 4.4.3")]
    assert len(problems) == 1, problems
    [problem] = problems
    holder = {"nimbus-uk": "Mei Lin"}.get(layout, "Rahul Mehta")
    assert f"its only reviewer is {holder}, who as Chief Technology Officer" in problem.message
    assert problem.where == str(path) and problem.line == _line(path, "**4.4.3**")
    assert "someone else" in problem.fix and "cto_reviewer" in problem.fix


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_policy_statements_route_the_reviewers_own_part_like_their_controls(library: Library,
                                                                                layout: str) -> None:
    assert [p for p in _problems(library, layout) if not p.message.startswith("SOD007 control")] == []


def test_the_old_pol12_text_is_what_the_seed_restores() -> None:
    assert OLD_POL12.rstrip(".") + ROUTED in (LIBRARY / POL12).read_text(encoding="utf-8")


def test_a_statement_that_says_whose_work_its_checker_approves_is_not_their_own(tmp_path: Path) -> None:
    # maple-no-pii: the CTO is the only engineer and the Security Officer approves each emergency change after the
    # fact. POL-19 4.7.3 says whose change it is ("as the CTO, the only engineer, wrote it, so nobody approves their
    # own change"), so the Security Officer, whose approvals CHG-10 reviews, is not approving their own work there.
    pol19 = "policies/POL-19-change-management.md"
    said = ", as the CTO, the only engineer, wrote it, so nobody approves their own change."
    assert [p for p in _problems(load_library(), "maple-no-pii") if "POL-19" in p.message] == []
    copy, path = library_copy_with(tmp_path, pol19, said, ".")
    [problem] = [p for p in _problems(copy, "maple-no-pii") if "POL-19 4.7.3" in p.message]
    assert "its only reviewer is Priya Natarajan, who as Security Officer" in problem.message
    assert problem.where == str(path) and problem.line == _line(path, "**4.7.3**")


def test_an_approval_of_what_a_customer_asked_for_is_nobodys_own_work(tmp_path: Path) -> None:
    # A 51-200 company whose CTO is the Security Officer: GOV-09 has the Security Officer approve deviations from the
    # security terms and reviews the trust site they keep. POL-01 4.10.2's approval of a customer-requested change is
    # no check of the Security Officer's own work; the same approval of any change would be.
    ctoso = {"headcount_band": "51-200", "security_officer_name": "Rahul Mehta",
             "security_officer_email": "rahul.mehta@acme.example"}
    assert [p for p in _problems(load_library(), ctoso) if "POL-01" in p.message] == []
    copy, path = library_copy_with(tmp_path, "policies/POL-01-information-security.md", "any customer-requested change",
                       "any change")
    [problem] = [p for p in _problems(copy, ctoso) if "POL-01 4.10.2" in p.message]
    assert problem.where == str(path) and problem.line == _line(path, "**4.10.2**")
