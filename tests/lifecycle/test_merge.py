"""The merge functions of ``policyforge update``, one at a time: text, id lists, one policy, and its criteria."""

from __future__ import annotations

from dataclasses import replace

import pytest
from policyforge import Facts, Library, facts_from_answers, load_library
from policyforge.lifecycle._merge import Labels, has_conflict_markers, merge_ids, merge_policy, merge_text
from policyforge.model import PolicyDoc, Scope, resolve_answers
from policyforge.program import company_policy_from_template

LABELS = Labels("policies/POL-13 (yours)", "library 2026.1", "library 2026.2")
BASE = "one\ntwo\nthree\nfour\nfive\n"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def facts() -> Facts:
    return facts_from_answers(resolve_answers({}))


@pytest.fixture(scope="module")
def pristine(library: Library, facts: Facts) -> PolicyDoc:
    return company_policy_from_template(library.templates["POL-13"], library, facts)


# ------------------------------------------------------------------------------------------ merge_text
@pytest.mark.parametrize(("ours", "theirs", "merged"), [
    (BASE, BASE.replace("two", "TWO"), BASE.replace("two", "TWO")),  # only the library changed
    (BASE.replace("two", "TWO"), BASE, BASE.replace("two", "TWO")),  # only the company changed
    (BASE.replace("two", "TWO"), BASE.replace("two", "TWO"), BASE.replace("two", "TWO")),  # the same change
], ids=["theirs only", "ours only", "same edit"])
def test_merge_text_takes_the_one_changed_side_without_running_git(ours: str, theirs: str, merged: str) -> None:
    assert merge_text(ours, BASE, theirs, LABELS) == (merged, 0)


def test_merge_text_applies_edits_to_different_lines_from_both_sides() -> None:
    ours = BASE.replace("one", "ONE")
    theirs = BASE.replace("five", "FIVE")
    assert merge_text(ours, BASE, theirs, LABELS) == ("ONE\ntwo\nthree\nfour\nFIVE\n", 0)


def test_merge_text_marks_overlapping_edits_with_the_labels_and_counts_them() -> None:
    merged, conflicts = merge_text(BASE.replace("three", "ours"), BASE, BASE.replace("three", "theirs"), LABELS)
    assert conflicts == 1
    assert merged == ("one\ntwo\n<<<<<<< policies/POL-13 (yours)\nours\n=======\ntheirs\n>>>>>>> library 2026.2\n"
                      "four\nfive\n")
    assert has_conflict_markers(merged)


# ------------------------------------------------------------------------------------------ merge_ids
@pytest.mark.parametrize(("ours", "base", "theirs", "merged"), [
    (("A", "B"), ("A", "B"), ("A", "B", "C"), ("A", "B", "C")),  # the library added C
    (("A",), ("A", "B"), ("A", "B"), ("A",)),  # the company removed B
    (("A", "C", "D"), ("A", "B", "C"), ("A", "B", "C", "E"), ("A", "C", "E", "D")),  # both: B out, E and D in
    (("A", "B"), ("A", "B", "C"), ("A", "B"), ("A", "B")),  # both removed C
    (("A", "B", "X"), ("A", "B"), ("A",), ("A", "X")),  # library removed B, company added X
], ids=["library adds", "company removes", "both edit", "both remove", "remove and add"])
def test_merge_ids_applies_each_sides_additions_and_removals(
        ours: tuple[str, ...], base: tuple[str, ...], theirs: tuple[str, ...], merged: tuple[str, ...]) -> None:
    assert merge_ids(ours, base, theirs) == merged


# ------------------------------------------------------------------------------------------ derive_criteria
def test_criteria_are_derived_from_the_controls_in_catalog_order_and_scope(library: Library) -> None:
    catalog = library.catalog
    control = next(c for c in catalog.controls.values()
                   if any(catalog.criteria[k].category != "security" for k in c.criteria)
                   and any(catalog.criteria[k].category == "security" for k in c.criteria))
    everything = Scope(("security", "availability", "confidentiality", "processing_integrity", "privacy"))
    order = list(catalog.criteria)
    assert everything.derive_criteria([control.id], catalog) == tuple(sorted(control.criteria, key=order.index))
    security_only = Scope(("security",)).derive_criteria([control.id], catalog)
    assert security_only == tuple(k for k in sorted(control.criteria, key=order.index)
                                  if catalog.criteria[k].category == "security")
    assert len(security_only) < len(control.criteria)
    assert everything.derive_criteria(["NOPE-99"], catalog) == ()


# ------------------------------------------------------------------------------------------ merge_policy
def test_merge_policy_keeps_the_company_edit_and_takes_the_library_edit(
        pristine: PolicyDoc, library: Library, facts: Facts) -> None:
    paragraphs = pristine.body.split("\n\n")
    ours = replace(pristine, body="\n\n".join([paragraphs[0] + " Edited by the company.", *paragraphs[1:]]),
                   owner="cto", version="1.1")
    theirs = replace(pristine, body=pristine.body.rstrip("\n") + "\n\nAdded by the library.\n",
                     summary="A new summary from the library.")
    merged = merge_policy(ours, pristine, theirs, library, facts, LABELS)
    assert merged.conflicts == 0 and merged.changed
    assert merged.doc.body == ours.body.rstrip("\n") + "\n\nAdded by the library.\n"
    assert (merged.doc.owner, merged.doc.summary, merged.doc.version) == ("cto", theirs.summary, "1.1")
    assert merged.doc.criteria == facts.scope.derive_criteria(merged.doc.controls, library.catalog)
    assert not has_conflict_markers(merged.text)


def test_merge_policy_marks_a_key_both_sides_changed_as_a_conflict_in_the_front_matter(
        pristine: PolicyDoc, library: Library, facts: Facts) -> None:
    ours = replace(pristine, title="Our Access Policy")
    theirs = replace(pristine, title="Access Control Standard")
    merged = merge_policy(ours, pristine, theirs, library, facts, LABELS)
    assert merged.conflicts == 1
    assert ("<<<<<<< policies/POL-13 (yours)\ntitle: Our Access Policy\n=======\n"
            "title: Access Control Standard\n>>>>>>> library 2026.2") in merged.text


def test_merge_policy_drops_a_control_whose_section_the_merged_text_lacks(
        pristine: PolicyDoc, library: Library, facts: Facts) -> None:
    gone = pristine.controls[0]
    section = library.catalog.controls[gone].section
    body = "\n".join(line for line in pristine.body.splitlines() if f"#{section}" not in line) + "\n"
    ours = replace(pristine, body=body)
    merged = merge_policy(ours, pristine, pristine, library, facts, LABELS)
    assert gone not in merged.doc.controls
    assert f"did not carry control {gone}: its section #{section} is not in this policy" in merged.notes


def test_merge_policy_without_a_base_says_every_difference_is_shown(
        pristine: PolicyDoc, library: Library, facts: Facts) -> None:
    merged = merge_policy(pristine, None, pristine, library, facts, LABELS)
    assert merged.notes == ("no pristine copy in .policyforge/base, so every difference from the library is shown",)
    assert (merged.conflicts, merged.changed, merged.doc) == (0, False, pristine)
