"""POL-13 4.2.3: a duty conflict is approved and reviewed by someone other than the person who holds it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import variant_program

CEO_IS_SO = {"security_officer_name": "Dana Whitfield", "security_officer_email": "dana.whitfield@acme.example"}
CTO_IS_SO = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def conflict_statement(library: Library, variant: str = "example", **answers: Any) -> str:
    program = variant_program(variant, library, answers)
    body = program.render_body(program.policies["POL-13"])
    match = re.search(r"\*\*4\.2\.3\*\*(.*)", body)
    assert match
    return " ".join(match.group(1).split())


def test_a_ceo_who_is_security_officer_has_a_conflict_reviewed_by_the_cto(library: Library) -> None:
    text = conflict_statement(library, **CEO_IS_SO)
    assert "the Security Officer reviews the activity of the person holding those duties" in text
    assert "when the Security Officer holds the conflicting duties, the CTO reviews their activity instead" in text


@pytest.mark.parametrize(("has_board", "outside"), [(False, "the outside security adviser"),
                                                    (True, "an independent member of the board")])
def test_a_ceo_who_reviews_for_a_cto_security_officer_hands_their_own_conflict_outside(
        library: Library, has_board: bool, outside: str) -> None:
    # No alternate approver: the CEO checks the CTO-Security Officer, so the CEO's own conflict goes outside.
    text = conflict_statement(library, **CTO_IS_SO, has_board=has_board)
    assert "the Chief Executive Officer approves it as an exception and reviews the activity" in text
    assert f"when the Chief Executive Officer holds the conflicting duties, {outside} approves the exception " \
           "and reviews that activity instead" in text


def test_an_alternate_approver_reviews_for_a_cto_security_officer_and_their_own_conflict_goes_outside(
        library: Library) -> None:
    text = conflict_statement(library, **CTO_IS_SO, has_board=False, alternate_approver_name="Lee Park",
                              alternate_approver_email="lee.park@advisers.example")
    assert "the alternate approver, Lee Park, approves it as an exception and reviews the activity" in text
    assert "when the alternate approver, Lee Park, holds the conflicting duties, the outside security adviser " \
           "approves the exception" in text


@pytest.mark.parametrize("variant", ["five-people", "cto-security-officer"])
def test_the_person_who_reviews_a_conflict_is_never_the_one_named_to_take_over(library: Library,
                                                                               variant: str) -> None:
    text = conflict_statement(library, variant)
    reviewer = re.search(r"unavoidable, (.*?) approves it as an exception", text)
    fallback = re.search(r"when (.*?) holds the conflicting duties, (.*?) approves the exception", text)
    assert reviewer and fallback
    assert fallback.group(1) == reviewer.group(1)
    assert fallback.group(2) != fallback.group(1)
    assert "nobody reviews their own activity." not in text
