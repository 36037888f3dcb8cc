"""A fallback, decider or approver the text names is a different person from the one it stands in for (issue #12).

Nimbus (nimbus-uk) has two people: Tom Reid is CEO, Privacy Officer and Head of People; Mei Lin is CTO and Security
Officer. Acme (the example company) has a Security Officer who is not the CTO. Each sentence is pinned for both.
"""

from __future__ import annotations

from typing import Any

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.program._program import Program
from policyforge.rules import library_view

COMPANIES: dict[str, dict[str, Any]] = {"acme": {}, "nimbus": dict(MATRIX["nimbus-uk"].answers)}


@pytest.fixture(scope="module")
def programs() -> dict[str, Program]:
    library: Library = load_library()
    return {name: variant_program("example", library, answers) for name, answers in COMPANIES.items()}


def statement(program: Program, control_id: str) -> str:
    return " ".join(library_view(program).statements[control_id].split())


def body(program: Program, policy_id: str) -> str:
    return " ".join(program.render_body(program.policies[policy_id]).split())


def test_disaster_fallback_is_a_third_person_or_the_outside_adviser(programs: dict[str, Program]) -> None:
    # N-E5: the Head of People is Tom Reid, the CEO, so naming that role as the fallback added nobody.
    wait = "when neither answers within 30 minutes, "
    assert wait + "the Security Officer, and each" in statement(programs["acme"], "BCP-04")
    assert wait + "the outside security adviser, and each" in statement(programs["nimbus"], "BCP-04")
    pol22 = body(programs["nimbus"], "POL-22")
    assert "of being paged through PagerDuty, the outside security adviser may declare it." in pol22
    assert "(or the outside security adviser after 30 minutes) declares the disaster" in pol22
    assert "Head of People" not in statement(programs["nimbus"], "BCP-04")
