"""A lean host's Type I proof is computed per duty: its own, and each control merged into it."""

from __future__ import annotations

import pytest
from policyforge.model._library import Library, load_library
from policyforge.program._lint import variant_program
from policyforge.program._proof import DESIGN_EVIDENCE, evidence_map

# The hosts the auditor found proved by a merged part's item of another subject.
AUDITED_HOSTS = ("HRS-06", "HRS-07", "HRS-05", "GOV-03", "ACC-02", "PRV-05", "PRV-12")
COMPANIES = {"nimbus-uk": {}, "example": {"report_type": "type1"}}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.mark.parametrize("name", COMPANIES)
def test_of_the_audited_hosts_only_prv05_still_hosts_a_merged_control(library: Library, name: str) -> None:
    program = variant_program(name, library, COMPANIES[name])
    hosts = {c.id: c.merges for c in program.controls() if c.id in AUDITED_HOSTS and c.merges}
    assert hosts == {"PRV-05": ("DCL-03",)}


@pytest.mark.parametrize("name", COMPANIES)
def test_each_duty_of_a_host_is_proved_by_its_own_items_or_by_its_design(library: Library, name: str) -> None:
    program = variant_program(name, library, COMPANIES[name])
    proofs = evidence_map(program)
    catalog = library.catalog
    for control in program.controls():
        proof = proofs.proof(control.id)
        assert [part.control for part in proof.parts] == [control.id, *control.merges]
        for part in proof.parts:
            own = catalog.controls[part.control].evidence
            if part.design_only:
                assert part.requested == (DESIGN_EVIDENCE,)
                # No design item of its own in scope (an out-of-scope one counts only when nothing is in scope).
                scoped = [eid for eid in own if program.scoped(catalog.evidence[eid].criteria)] or own
                assert not any(catalog.evidence[eid].type1 for eid in scoped)
            else:
                assert set(part.requested) <= set(own)
                assert all(catalog.evidence[eid].type1 for eid in part.requested)
            assert set(part.later) <= set(own)


def test_prv05_keeps_its_own_privacy_record_where_dcl03s_inventory_proved_it(library: Library) -> None:
    # nimbus-uk audits Security only: EV-62 (privacy records) is out of scope, and the union of the host's
    # items used to drop it for DCL-03's EV-59, leaving PRV-05's review of new processing proved by an inventory.
    proof = evidence_map(variant_program("nimbus-uk", library)).proof("PRV-05")
    # The records of each review and each classification decision (EV-80, EV-82) prove the events in a Type II
    # window; as of a date the record and the inventory show the design.
    assert proof.cell() == "EV-62, EV-59; EV-80 (Type II), EV-82 (Type II)"
    assert proof.proving("EV-62") == ("PRV-05",)
    assert proof.proving("EV-59") == ("DCL-03",)


@pytest.mark.parametrize("name", COMPANIES)
def test_a_merged_duty_without_a_design_item_is_named_beside_the_walk_through(library: Library, name: str) -> None:
    proofs = evidence_map(variant_program(name, library, COMPANIES[name]))
    cells = {cid: proofs.proof(cid).cell() for cid in ("HRS-03", "INC-03", "CHG-01", "VEN-03", "BCP-04")}
    assert cells == {
        "HRS-03": "EV-02, EV-01 + walk-through (HRS-02); EV-09 (Type II), EV-08 (Type II)",
        # INC-12: the status notices of SEV1/SEV2 incidents and disasters, once BCP-08 (issue #12, auditor read A12).
        "INC-03": "EV-40, EV-01 + walk-through (INC-04, INC-05, INC-08, INC-12); EV-41 (Type II)",
        "CHG-01": "EV-44, EV-47, EV-01 + walk-through (CHG-04); EV-43 (Type II)",
        "VEN-03": "EV-50, EV-49, EV-13, EV-01 + walk-through (VEN-04); EV-95 (Type II), EV-51 (Type II)",
        # Every duty shown by its design: the whole control is, as for any control without a design item.
        "BCP-04": "EV-01 + walk-through; EV-41 (Type II), EV-58 (Type II)",
    }
    assert proofs.proof("INC-03").design_parts() == ("INC-04", "INC-05", "INC-08", "INC-12")
    assert not proofs.proof("INC-03").design_only
    assert proofs.proof("BCP-04").design_only
