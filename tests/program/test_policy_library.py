"""The real policy library: it meets the bar for every kind of company it will be rendered for."""

from __future__ import annotations

import re

import pytest
from policyforge import facts_from_answers, load_library, program_from_library
from policyforge.model import resolve_answers
from policyforge.program._lint import MAX_WORDS, MIN_WORDS, lint_library, word_count

OPTIONAL = ("availability", "confidentiality", "processing_integrity", "privacy")
SECURITY_ONLY = {**{f"scope_{c}": False for c in OPTIONAL}, "data_pii": False}


@pytest.fixture(scope="module")
def library():  # type: ignore[no-untyped-def]
    return load_library()


@pytest.mark.slow
def test_library_passes_its_own_lint_for_every_variant_company(library) -> None:  # type: ignore[no-untyped-def]
    problems = lint_library(library)
    assert not problems, "\n".join(str(p) for p in problems[:40])


def test_criteria_catalog_has_the_61_criteria_and_no_invented_ones(library) -> None:  # type: ignore[no-untyped-def]
    criteria = library.catalog.criteria
    assert len(criteria) == 61
    assert "CC9.9" not in criteria and "C1.2" in criteria
    counts = {c: sum(1 for x in criteria.values() if x.category == c) for c in ("security", *OPTIONAL)}
    assert counts == {"security": 33, "availability": 3, "confidentiality": 2, "processing_integrity": 5,
                      "privacy": 18}


def test_all_five_categories_give_29_policies_covering_61_criteria(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers()), library)
    assert len(program.policies) == 29
    assert all(row.covered for row in program.coverage())
    assert len(program.coverage()) == 61


def test_security_only_gives_25_policies_covering_33_criteria(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers(SECURITY_ONLY)), library)
    assert len(program.policies) == 25
    assert {d.category for d in program.policies.values()} == {"security"}
    rows = program.coverage()
    assert len(rows) == 33 and all(row.covered for row in rows)
    assert not [c for c in program.controls() if c.policy in ("POL-24", "POL-27", "POL-28", "POL-29")]


def test_security_only_company_holding_personal_data_still_gets_the_data_protection_policy(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers({**SECURITY_ONLY, "data_pii": True})), library)
    assert "POL-28" in program.policies and len(program.policies) == 26
    assert program.facts.categories == ("security",)
    rows = program.coverage()
    assert len(rows) == 33 and all(row.covered for row in rows)
    shown = {crit for c in program.controls() if c.policy == "POL-28" for crit in program.scoped(c.criteria)}
    assert shown and all(library.catalog.criteria[crit].category == "security" for crit in shown)


def test_every_checklist_bullet_traces_to_a_statement_and_control_with_security_alone(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers(SECURITY_ONLY)), library)
    controls = program.controls()
    assert len(library.catalog.checklist) == 60
    for key in library.catalog.checklist:
        answering = [c for c in controls if key in c.checklist]
        assert answering, key
        for control in answering:
            body = program.render_body(program.policies[control.policy])
            assert "{#" + control.section + "}" in body, (key, control.id)


def test_every_control_in_scope_has_evidence_and_an_owner(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers()), library)
    for control in program.controls():
        assert control.evidence, control.id
        assert control.statement, control.id


def test_policies_are_substantive(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers()), library)
    for doc in program.ordered_policies():
        words = word_count(program.render_body(doc))
        assert MIN_WORDS <= words <= MAX_WORDS, (doc.id, words)


def test_coverage_page_names_each_policy_once_with_its_sections(library) -> None:  # type: ignore[no-untyped-def]
    program = program_from_library(facts_from_answers(resolve_answers()), library)
    rows = [line for line in program.coverage_page().splitlines() if re.match(r"\| [A-Z]+\d", line)]
    assert len(rows) == 61
    for line in rows:
        sections = line.split(" | ")[-1]
        policies = re.findall(r"(?:^|; )(POL-\d\d) \[", sections)
        assert policies and len(policies) == len(set(policies)) == len(re.findall(r"POL-\d\d ", sections)), line
        assert policies == sorted(policies), line
