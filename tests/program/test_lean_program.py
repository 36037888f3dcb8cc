"""The lean program of a small company: merged controls, routed owners and an honest load warning."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from policyforge.model._library import Library, load_library
from policyforge.program._lint import company_texts, variant_program
from policyforge.program._load import load_warnings, owner_loads, program_page
from policyforge.program._program import fold_lean_merges
from policyforge.rules import library_view, run_rules


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _loads(library: Library, name: str, **overrides: object) -> dict[str, tuple[int, float]]:
    program = variant_program(name, library, overrides)
    return {load.name: (len(load.controls), load.hours) for load in owner_loads(program)}


def test_the_one_to_twenty_company_runs_176_controls_where_the_library_has_214_and_covers_every_criterion(
        library: Library) -> None:
    small = variant_program("nimbus-uk", library)
    same_company_larger = variant_program("nimbus-uk", library, {"headcount_band": "51-200"})
    # 4 of them are the card-data duties of a PCI DSS service provider (GOV-13, NET-08, NET-09, VUL-09).
    # The quarterly capacity review (AVL-04) is stated in POL-18 4.8.2 for every company (issue #13, T12).
    assert len(same_company_larger.controls()) == 214  # AUP-05 is part of AST-04 (issue #12, A14)
    assert len(small.controls()) == 176
    assert all(row.covered for row in small.coverage())
    # Nothing a merged control addresses is lost: its host addresses it too.
    hosts = {c.id: c for c in small.controls()}
    for host in hosts.values():
        for part in host.merges:
            assert set(library.catalog.controls[part].criteria) <= set(host.criteria)
            assert set(library.catalog.controls[part].evidence) <= set(host.evidence)


def test_merging_and_routing_lower_each_persons_load_in_both_reference_companies(library: Library) -> None:
    # Costed by the size-aware model of catalog/effort.yaml (tests/program/test_effort_model.py).
    assert _loads(library, "nimbus-uk") == {"Mei Lin": (137, 1253.3), "Tom Reid": (39, 191.3)}
    assert _loads(library, "acme-us", headcount_band="21-50") == {
        "Priya Natarajan": (88, 1006.8), "Rahul Mehta": (63, 615.3), "Tomás Ferreira": (13, 89.1),
        "Grace Okafor": (18, 103.4), "Dana Whitfield": (8, 37.0)}
    # A company of more than 50 keeps every control on its own.
    assert _loads(library, "acme-us")["Priya Natarajan"] == (111, 1524.2)


def test_a_merge_folds_only_controls_with_the_same_owner_and_frequency(library: Library) -> None:
    catalog = library.catalog.controls
    host, part = catalog["ACC-05"], replace(catalog["AUP-01"], frequency="quarterly")
    assert part.merged_into == "ACC-05"
    folded = fold_lean_merges([replace(host, frequency="quarterly"), part])
    assert [c.id for c in folded] == ["ACC-05"] and folded[0].merges == ("AUP-01",)
    other_owner = fold_lean_merges([replace(host, frequency="quarterly"), replace(part, owner="cto")])
    assert [c.id for c in other_owner] == ["ACC-05", "AUP-01"]
    other_cadence = fold_lean_merges([replace(host, frequency="monthly"), part])
    assert [c.id for c in other_cadence] == ["ACC-05", "AUP-01"]


def test_every_declared_merge_holds_for_the_small_companies_of_the_matrix(library: Library) -> None:
    for name, overrides in (("nimbus-uk", {}), ("acme-us", {"headcount_band": "1-20"})):
        program = variant_program(name, library, overrides)
        assert run_rules(library_view(program), ["CTL006"]) == []
        declared = {c.id for c in library.catalog.controls.values() if c.merged_into}
        carried = {cid for doc in program.policies.values() for cid in doc.controls}
        assert {p for c in program.controls() for p in c.merges} == declared & carried


def test_the_matrix_lists_a_merged_control_under_its_host_and_its_policy_points_there(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    matrix = program.matrix_page()
    acc05 = next(line for line in matrix.splitlines() if line.startswith("| ACC-05 |"))
    assert "<br>**With AUP-01** ([POL-04 §general-use](POL-04-acceptable-use.md#general-use))" \
           ", in the same quarterly run, with one record: Every 3 months the Security Officer reconciles" in acc05
    assert not any(line.startswith("| AUP-01 |") for line in matrix.splitlines())
    pol04 = program.controls_section(program.policies["POL-04"])
    assert "*(Performed and evidenced together with ACC-05: one run and one record serve both.)*" in pol04


def test_a_routed_duty_names_its_small_company_owner_in_the_policy_and_the_matrix(library: Library) -> None:
    small = variant_program("nimbus-uk", library)
    large = variant_program("nimbus-uk", library, {"headcount_band": "51-200"})
    assert {c.id: c.owner for c in small.controls()}["GOV-09"] == "ceo"
    assert {c.id: c.owner for c in large.controls()}["GOV-09"] == "security_officer"
    body = small.render_body(small.policies["POL-01"])
    assert "The Chief Executive Officer approves any customer-requested change to those terms" in body
    assert "The Security Officer approves any customer-requested change to those terms" in \
        large.render_body(large.policies["POL-01"])


def test_the_load_warning_says_when_no_assignment_of_roles_can_fit_the_program(library: Library) -> None:
    two_people = variant_program("nimbus-uk", library)
    warnings = load_warnings(two_people)
    assert warnings[0] == "more than is plausible: Mei Lin (120 controls with manual evidence, 1253.3 hours a year)."
    assert warnings[1].startswith("This is a physical limit, not a matter of who holds which role: the 176 controls "
                                  "in force take 1445 hours a year of the company's own people (beyond the 71 "
                                  "contracted to Halden Engineering Ltd, Marlow Assurance Ltd and Redline Security "
                                  "Ltd) and 159 of them need manual evidence, and the 2 people named in company.yml "
                                  "can give 680 hours")
    assert warnings[1].endswith("or contract an outside provider for about 765 hours a year.")
    assert "**Warning: one person carries more than is plausible.** This is a physical limit" in \
        program_page(two_people)
    # Five people whose Security Officer is full time: the CTO's load can move, so no physical limit is claimed.
    spread = load_warnings(variant_program("acme-us", library))
    assert spread[0].startswith("more than is plausible: Priya Natarajan (104 controls with manual evidence, 1524.2 "
                                "hours a year); Rahul Mehta (49 controls with manual evidence")
    assert spread[1].startswith("The people named in company.yml can carry it together")


def test_a_control_without_a_criterion_in_scope_says_it_is_outside_the_examination(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    rows = {line.split(" | ")[0][2:]: line for line in program.matrix_page().splitlines() if line.startswith("| ")}
    assert "outside the examination (no criterion of the categories in scope)" in rows["PRV-04"]
    assert all(row.split(" | ")[4] for row in rows.values())


def test_backup_protection_and_failed_backup_paging_address_security_criteria_without_availability(
        library: Library) -> None:
    program = variant_program("nimbus-uk", library, {"headcount_band": "51-200"})
    controls = {c.id: c for c in program.controls()}
    assert program.scoped(controls["BAK-03"].criteria) == ["CC6.1", "CC9.1"]
    assert program.scoped(controls["BAK-05"].criteria) == ["CC7.2", "CC9.1"]
    outside = sorted(c.id for c in program.controls() if not program.scoped(c.criteria))
    # RET-01 left the list with issue #12: its record is the approved retention schedule (EV-117), a policy kept
    # with the policy set, so it maps CC5.3 (policies that establish what is expected) as the policy set does.
    assert outside == ["PRV-04", "PRV-05", "PRV-06", "PRV-07", "PRV-08", "PRV-11", "PRV-12", "PRV-14", "RET-04",
                       "RET-05", "RET-07", "RET-08"]
    assert all(program.criteria_cell(controls[cid]).startswith("outside the examination") for cid in outside)


def test_a_one_region_company_names_its_region_and_a_google_cloud_company_its_projects(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    body = program.render_body(program.policies["POL-01"])
    assert "losing no more than 1 hour of data while the region europe-west2 stands" in body
    statements = {c.id: program.render_statement(c, program.policies[c.policy]) for c in program.controls()
                  if c.id in ("LOG-01", "LOG-09")}
    assert "Cloud Audit Logs for all projects and regions" in " ".join(statements["LOG-01"].split())
    two_regions = variant_program("acme-us", library)
    assert "while the primary region stands" in two_regions.render_body(two_regions.policies["POL-01"])


def _bia_systems(library: Library, name: str) -> list[str]:
    program = variant_program(name, library)
    text = next(page for key, page in company_texts(program).items() if "business-impact" in key)
    section = text[text.index("## 2."):text.index("## 3.")]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| System")]


def test_the_business_impact_analysis_lists_each_system_once_and_leaves_a_saas_rpo_to_its_vendor(
        library: Library) -> None:
    rows = _bia_systems(library, "nimbus-uk")
    assert [row for row in rows if "Google Workspace" in row] == [
        "| Google Workspace (company email and chat) | 1 | 8 hours | the vendor's commitment (vendor inventory "
        "NIMB-DOC-06, section 2) "
        "| the vendor's hosted service | Chief Technology Officer (Mei Lin) |"]
    assert not any("Company email and chat" in row for row in rows)
    # The backup service is Google Cloud's own, configured by the company: its RPO is the company's. The CTO,
    # the only engineer, leads every recovery, so no recovery lead cell is left blank (issue #13 re-read).
    assert "| Backup and DR Service | 1 | 8 hours | 1 hour | Google Cloud | Chief Technology Officer (Mei Lin) |" \
        in rows
    okta_company = _bia_systems(library, "acme-us")
    # The mail platform is a vendor of its own (auditor read A23), so its row names it; engineers: the company
    # names each recovery lead.
    assert "| Google Workspace (company email and chat) | 3 | 5 business days | the vendor's commitment (vendor " \
           "inventory ACME-DOC-06, section 2) | the vendor's hosted service | |" in okta_company
    assert not any("Company email and chat" in row for row in okta_company)


def test_a_two_person_company_names_who_holds_the_backup_key_and_incident_roles(library: Library) -> None:
    two = variant_program("nimbus-uk", library)
    pages = company_texts(two)
    backup = pages["POL-23-backup-recovery.md"]
    # One engineer: nobody to designate, so the CTO is named as the backup operator and key administrator.
    assert "- **Backup operator**: the Chief Technology Officer (Mei Lin), Nimbus Ledger's only engineer, with the " \
           "Chief Executive Officer (Tom Reid) as the deputy" in " ".join(backup.split())
    assert "named deputy" not in backup
    encryption = pages["POL-12-encryption.md"]
    assert "Key administrators** are the Chief Technology Officer (Mei Lin) alone, Nimbus Ledger's only engineer, " \
           "who manages key policies" in encryption
    assert "| Communications lead and scribe | whichever of Mei Lin and Tom Reid is not the incident commander |" in \
        pages["companion/incident-response-runbook.md"]
    five = company_texts(variant_program("acme-us", library))
    assert "- **Backup operator**: the engineer named as backup operator in the backup inventory the CTO approves, " \
           "with a second engineer named there as deputy" in " ".join(five["POL-23-backup-recovery.md"].split())


def test_policyforge_new_prints_the_load_warning_of_the_company_it_made(
        library: Library, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import policyforge.program._program as program_module
    from policyforge.adapters._new import _warn_load

    monkeypatch.setattr(program_module, "load_program", lambda repo: variant_program("nimbus-uk", library))
    _warn_load(Path("nimbus-ledger"))
    err = capsys.readouterr().err
    assert err.startswith("warning: more than is plausible: Mei Lin (120 controls with manual evidence, 1253.3 hours "
                          "a year).\n"
                          "  This is a physical limit")


@pytest.mark.parametrize(("part", "host"), [
    ("RET-01", "PMG-02"), ("MON-01", "PMG-02"), ("TRN-07", "PMG-02"), ("MON-05", "GOV-03"), ("GOV-06", "HRS-07"),
    ("GOV-08", "PMG-01"), ("HRS-08", "ACC-03"), ("PRV-03", "PRV-12"), ("COC-03", "COC-02"), ("PMG-07", "HRS-06"),
    ("AUT-06", "HRS-03")])
def test_a_duty_with_its_own_trigger_cadence_or_person_is_never_folded_into_another(
        library: Library, part: str, host: str) -> None:
    # The auditor's exceptions 2-4: these pairs share a subject but not one run by one person.
    program = variant_program("nimbus-uk", library)
    assert program.merged_host(part) is None
    assert part not in {p for c in program.controls() for p in c.merges}
    assert library.catalog.controls[part].merged_into is None


def _criteria_cells(table: str) -> dict[str, str]:
    """Return control id -> criteria cell of a Markdown controls table (policy or matrix)."""
    cells: dict[str, str] = {}
    for line in table.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 6 or not parts[1] or parts[1].startswith(("Control", "---")):
            continue
        cid = parts[1].split("]")[0].lstrip("[")
        cells[cid] = parts[5]
    return cells


@pytest.mark.parametrize("name", ["nimbus-uk", "acme-us"])
def test_a_policys_controls_table_and_the_matrix_print_one_criteria_cell_per_control(
        library: Library, name: str) -> None:
    program = variant_program(name, library)
    matrix = _criteria_cells(program.matrix_page())
    differing = [(doc.id, cid, cell, matrix[cid]) for doc in program.ordered_policies()
                 for cid, cell in _criteria_cells(program.controls_section(doc)).items()
                 if cid in matrix and cell != matrix[cid]]
    assert differing == []
    if name == "nimbus-uk":
        # ACC-05 runs AUP-01 in its quarterly run, so POL-13's table carries AUP-01's criteria as the matrix does,
        # and a control of a category outside the scope says so in its policy as in the matrix.
        pol13 = _criteria_cells(program.controls_section(program.policies["POL-13"]))
        assert pol13["ACC-05"] == "CC6.1, CC6.2, CC6.3, CC1.1, CC2.2"
        pol28 = _criteria_cells(program.controls_section(program.policies["POL-28"]))
        assert pol28["PRV-04"] == "outside the examination (no criterion of the categories in scope)"
