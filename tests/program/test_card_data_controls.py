"""The PCI DSS duties the policies state are controls with an owner, a cadence and evidence, only with card data.

Auditor finding N-E7: the assessment, ASV scans, segmentation test, scope confirmation, vendors' attestations
and the 24-hour card-data notice were promised in the policies of a card-data company but run by no control.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from policyforge.model._library import Library, load_library
from policyforge.program._lint import variant_program
from policyforge.program._program import Program

CARD_CONTROLS = ("GOV-13", "NET-08", "NET-09", "VUL-09")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _statement(program: Program, cid: str) -> str:
    control = program.control(cid)
    assert control is not None, f"{cid} is not in force"
    return " ".join(program.render_statement(control, program.carriers()[cid]).split())


def test_a_service_provider_runs_each_card_data_duty_at_its_own_cadence_with_its_source(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    in_force = {c.id: c for c in program.controls()}
    expected = {"GOV-13": ("annual", "EV-104", "Every 12 months (the payment brands' PCI DSS compliance programmes)"),
                "NET-08": ("semiannual", "EV-105", "Every 6 months (PCI DSS v4.0, requirement 11.4.6)"),
                "NET-09": ("semiannual", "EV-106", "Every 6 months (PCI DSS v4.0, requirement 12.5.2.1)"),
                "VUL-09": ("quarterly", "EV-107", "every 3 months (PCI DSS v4.0, requirement 11.3.2)")}
    for cid, (frequency, evidence, printed) in expected.items():
        control = in_force[cid]
        assert (control.owner, control.frequency, control.evidence) == ("security_officer", frequency, (evidence,))
        assert printed in _statement(program, cid)


def test_a_merchant_tests_segmentation_and_confirms_scope_every_year(library: Library) -> None:
    program = variant_program("multicloud-merchant", library)
    assert program.control("NET-08") is not None and program.control("NET-08").frequency == "annual"
    assert program.control("NET-09") is not None and program.control("NET-09").frequency == "annual"
    assert "Every 12 months (PCI DSS v4.0, requirement 11.4.5), during the penetration test" in \
        _statement(program, "NET-08")
    assert "the acquiring bank and payment brands are notified within 24 hours" in _statement(program, "INC-06")


def test_the_frequency_follows_the_rule_the_statement_prints(library: Library) -> None:
    # Seed a different statutory cadence into a copy of the catalog: the control's frequency moves with it.
    rules = {**library.catalog.regulations,
             "pci_segmentation_service_provider": {**library.catalog.regulations["pci_segmentation_service_provider"],
                                                   "months": 3}}
    seeded = replace(library, catalog=replace(library.catalog, regulations=rules))
    program = variant_program("nimbus-uk", seeded)
    assert program.control("NET-08") is not None and program.control("NET-08").frequency == "quarterly"
    assert "Every 3 months (PCI DSS v4.0, requirement 11.4.6)" in _statement(program, "NET-08")


def test_a_company_without_card_data_carries_none_of_the_card_data_duties(library: Library) -> None:
    program = variant_program("maple-no-pii", library)
    assert not set(CARD_CONTROLS) & {cid for doc in program.policies.values() for cid in doc.controls}
    # A company whose policies still list a card-data control after it stopped holding card data runs none.
    doc = program.policies["POL-15"]
    program.policies["POL-15"] = replace(doc, controls=(*doc.controls, "NET-08"))
    assert "NET-08" not in {c.id for c in program.controls()}
    assert "cardholder data" not in _statement(program, "INC-06")
    assert "attestation of compliance" not in _statement(program, "VEN-06")


def test_the_incident_notice_and_vendor_review_carry_the_card_data_duties(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    assert program.commitments["card_data_notice"].value == 24
    assert ("each affected customer, and each merchant or other entity whose card data the company handles, is "
            "notified within 24 hours after the company becomes aware that cardholder data may be involved") in \
        _statement(program, "INC-06")
    assert "obtains the current PCI DSS attestation of compliance of each vendor" in _statement(program, "VEN-06")
