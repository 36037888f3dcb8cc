"""The outside parties a company's program relies on: who they are for this company, and who does a control's work.

A small company cannot staff every duty itself: with one engineer an outside engineer reviews each change, without
a board an outside security adviser oversees management, with 1-50 people an independent assessor tests the
controls, and a penetration tester (and, with card data, a segmentation tester) tests the product. Each is named in
``company.yml`` once engaged (``shape.outside_engineer``, ``people.security_adviser`` and the testers), "" until then.
The vendor inventory lists each one, and a control whose work one of them does (``performed_by:``) is costed to
that party instead of to the role that stays accountable for it.
"""

from __future__ import annotations

from collections.abc import Iterable

from ._facts import Facts
from ._facts_schema import OUTSIDE_PARTIES as PARTY_TITLES


def relied_on(facts: Facts) -> dict[str, str]:
    """Return the outside parties the policies rely on for this company, each with its name ("" until named).

    The outside engineer with one engineer (only once named: without one, nobody is contracted); the outside
    security adviser without a board; the independent assessor with 1-50 people; the penetration tester always;
    a segmentation tester with card data when it is not the penetration tester; with card data, the Approved Scanning
    Vendor, and the Qualified Security Assessor once named.
    """
    people, shape = facts.people, facts.shape
    parties: dict[str, str] = {}
    if shape.solo_engineer and shape.outside_engineer:
        parties["outside_engineer"] = shape.outside_engineer
    if not shape.has_board:
        parties["security_adviser"] = people.security_adviser.name
    if facts.small:
        parties["independent_assessor"] = people.independent_assessor
    parties["penetration_tester"] = people.penetration_tester
    if (facts.held_data.payment and people.segmentation_tester
            and people.segmentation_tester.lower() != people.penetration_tester.lower()):
        parties["segmentation_tester"] = people.segmentation_tester
    # With card data an Approved Scanning Vendor scans from outside (VUL-09), whether named yet or not; a Qualified
    # Security Assessor only once named, as a service provider may assess itself where the brands allow it.
    if facts.held_data.payment:
        parties["scanning_vendor"] = people.scanning_vendor
        if people.pci_assessor:
            parties["pci_assessor"] = people.pci_assessor
    return parties


def performer(facts: Facts, parties: Iterable[str]) -> str | None:
    """Return the first of a control's ``performed_by`` parties this company relies on, or None: its own people."""
    relied = relied_on(facts)
    return next((party for party in parties if party in relied), None)


def party_name(facts: Facts, party: str) -> str:
    """Return a party as a report names it: its name once the company has named it, else its role."""
    return relied_on(facts).get(party) or f"the {PARTY_TITLES[party]}"
