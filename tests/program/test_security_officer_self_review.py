"""The Security Officer never reviews their own privileged activity or break-glass use (auditor O-1).

In a small company the Security Officer is also the CTO and main administrator, so the weekly log
review (LOG-06) and the break-glass sign-off (ACC-07) would have them review themselves. Their own
entries go to the reviewer POL-13 4.2.1 names for the Security Officer's own access lines.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.rules import library_view

CTO_IS_SO = {"security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example"}
OUTSIDE_ALTERNATE = {**CTO_IS_SO, "alternate_approver_name": "Ines Duarte",
                     "alternate_approver_email": "ines.duarte@acme.example"}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def texts(library: Library, answers: dict[str, Any]) -> dict[str, str]:
    program = variant_program("example", library, answers)
    view = library_view(program)
    pol18 = " ".join(program.render_body(program.policies["POL-18"]).split())
    pol13 = " ".join(program.render_body(program.policies["POL-13"]).split())
    log_review = re.search(r"\*\*4\.6\.3\*\*.*?(?=\*\*4\.6\.4\*\*)", pol18)
    sign_off = re.search(r"4\. [^.]*signs off the use[^.]*\.", pol13)
    assert log_review and sign_off
    return {"LOG-06": view.statements["LOG-06"], "ACC-07": view.statements["ACC-07"],
            "POL-18 4.6.3": log_review.group(0), "POL-13 5.3": sign_off.group(0)}


def test_a_security_officer_who_is_also_cto_has_their_own_entries_reviewed_by_the_ceo(library: Library) -> None:
    # nimbus-uk: Mei Lin is CTO, Security Officer and the alternate approver, so POL-13 4.2.1's reviewer is the CEO.
    got = texts(library, dict(MATRIX["nimbus-uk"].answers))
    assert got["LOG-06"].endswith("; the Chief Executive Officer reviews the entries of the Security Officer's own "
                                  "activity and records that review in the same ticket.")
    assert "or by the Chief Executive Officer when the Security Officer was the one using it" in got["ACC-07"]
    assert "the entries of the Security Officer's own activity are reviewed by the Chief Executive Officer, as " \
        "section 4.2.1 of the [Access Control Policy]" in got["POL-18 4.6.3"]
    assert "is compared and signed off by the Chief Executive Officer instead" in got["POL-13 5.3"]


def test_the_reviewer_is_the_alternate_approver_when_the_company_names_one_who_is_someone_else(
        library: Library) -> None:
    got = texts(library, OUTSIDE_ALTERNATE)
    assert "the alternate approver, Ines Duarte, reviews the entries of the Security Officer's own activity" \
        in got["LOG-06"]
    assert "or by the alternate approver, Ines Duarte, when the Security Officer" in got["ACC-07"]


def test_a_dedicated_security_officers_own_entries_go_to_the_cto(library: Library) -> None:
    # auditor A-E4: a Security Officer who holds no other office can still open the break-glass vault (POL-13 5.3)
    # and hold an approved conflict, so their own uses, activity and conflicts go to the CTO in every layout.
    got = texts(library, {})
    assert "or by the Chief Technology Officer when the Security Officer was the one using it" in got["ACC-07"]
    assert "; the Chief Technology Officer reviews the entries of the Security Officer's own activity" in got["LOG-06"]
    assert "a use by the Security Officer is compared and signed off by the Chief Technology Officer instead" \
        in got["POL-13 5.3"]
    assert all("holds another role" not in text for text in got.values())
