"""The size-aware effort model: events a year from each trigger's rate at the company's headcount, runs that
go through every person scaled by headcount, and the load warning that still holds where the load is real."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY
from policyforge.model._library import Library, load_library
from policyforge.model._yaml import load_fast
from policyforge.program import Program
from policyforge.program._lint import variant_program
from policyforge.program._load import (
    check_hours,
    contracted_loads,
    control_hours,
    costed_headcount,
    events_a_year,
    load_warnings,
    owner_loads,
    program_headcount,
    program_page,
    run_hours,
)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def effort() -> dict[str, Any]:
    data: dict[str, Any] = load_fast((LIBRARY / "catalog" / "effort.yaml").read_text("utf-8"))
    return data


def _loads(library: Library, name: str, **overrides: object) -> dict[str, tuple[int, int, float]]:
    program = variant_program(name, library, overrides)
    return {load.name: (len(load.controls), load.manual, load.hours) for load in owner_loads(program)}


def test_a_band_is_costed_at_its_midpoint_and_the_open_top_band_at_effort_yamls_number(
        effort: dict[str, Any]) -> None:
    assert [costed_headcount(band, effort) for band in ("1-20", "21-50", "51-200", "201-500")] == \
        [10.5, 35.5, 125.5, 350.5]
    assert costed_headcount("1000+", effort) == 1500


def test_a_triggers_events_grow_with_headcount_above_its_floor(effort: dict[str, Any]) -> None:
    # joiners: 0.35 a person (attrition replaced plus growth), at least 2 a year.
    assert events_a_year("joiner", 10.5, effort) == pytest.approx(3.675)
    assert events_a_year("joiner", 125.5, effort) == pytest.approx(43.925)
    assert events_a_year("joiner", 3, effort) == 2
    # leavers: 0.15 a person, at least 1.
    assert events_a_year("leaver", 10.5, effort) == pytest.approx(1.575)
    assert events_a_year("leaver", 125.5, effort) == pytest.approx(18.825)
    # a rare event keeps its expected value whatever the size.
    assert events_a_year("disaster", 10.5, effort) == events_a_year("disaster", 125.5, effort) == 0.1


def test_a_per_event_control_costs_its_triggers_events_times_its_triggers_hours(
        library: Library, effort: dict[str, Any]) -> None:
    hrs04 = library.catalog.controls["HRS-04"]  # accounts for a new hire: one event per joiner
    assert hrs04.trigger == "joiner"
    assert control_hours(hrs04, effort, 10.5) == pytest.approx(3.675 * 0.5)
    assert control_hours(hrs04, effort, 125.5) == pytest.approx(43.925 * 0.5)
    # One merged part adds merged_share of the host's hours.
    assert control_hours(replace(hrs04, merges=("HRS-02",)), effort, 10.5) == pytest.approx(3.675 * 0.5 * 1.5)


def test_a_review_through_every_person_takes_a_set_up_plus_minutes_per_person(
        library: Library, effort: dict[str, Any]) -> None:
    acc05 = library.catalog.controls["ACC-05"]  # the quarterly access review: 0.5 h + 3 min a person
    assert run_hours(acc05, 10.5, effort) == pytest.approx(1.025)
    assert run_hours(acc05, 125.5, effort) == pytest.approx(6.775)
    assert control_hours(acc05, effort, 10.5) == pytest.approx(4 * 1.025)
    # A scheduled control that does not go through every person keeps its frequency's hours at any size.
    inc10 = library.catalog.controls["INC-10"]
    assert inc10.frequency == "quarterly" and inc10.id not in effort["population"]
    assert control_hours(inc10, effort, 10.5) == control_hours(inc10, effort, 125.5) == 16
    # An automated, continuous control is a monthly 15-minute look.
    assert control_hours(library.catalog.controls["AUT-02"], effort, 10.5) == 3


def test_every_kind_and_population_entry_of_effort_yaml_belongs_to_a_control_of_the_library(
        library: Library, effort: dict[str, Any]) -> None:
    # The load check at library load cannot say this (a test's miniature library has few controls).
    controls = library.catalog.controls
    assert sorted(set(effort["population"]) - set(controls)) == []
    assert sorted(set(effort["triggers"]) - {c.trigger for c in controls.values()}) == []


def test_the_loads_of_the_two_reference_companies_at_each_size_band_are_pinned(library: Library) -> None:
    # (controls, controls with manual evidence, hours a year)
    assert _loads(library, "nimbus-uk") == {"Mei Lin": (137, 120, 1253.3), "Tom Reid": (39, 39, 191.3)}
    assert _loads(library, "acme-us", headcount_band="21-50") == {
        "Priya Natarajan": (88, 83, 1006.8), "Rahul Mehta": (63, 46, 615.3), "Tomás Ferreira": (13, 13, 89.1),
        "Grace Okafor": (18, 18, 103.4), "Dana Whitfield": (8, 8, 37.0)}
    assert _loads(library, "acme-us") == {
        "Priya Natarajan": (111, 104, 1524.2), "Rahul Mehta": (78, 49, 952.5), "Grace Okafor": (19, 19, 214.2),
        "Tomás Ferreira": (15, 15, 145.8), "Dana Whitfield": (5, 5, 23.1)}


def test_the_same_program_costs_more_in_a_larger_company(library: Library) -> None:
    smaller = _loads(library, "acme-us", headcount_band="51-200")["Grace Okafor"]
    larger = _loads(library, "acme-us", headcount_band="201-500")["Grace Okafor"]
    assert smaller[:2] == larger[:2] and larger[2] > smaller[2]


def test_a_heavy_owner_is_still_warned_with_the_physical_limit(library: Library) -> None:
    # Seed a heavy owner: the 51-200 company's Security Officer also made its CTO, so no longer full time.
    heavy = variant_program("acme-us", library, {"cto_name": "Priya Natarajan",
                                                 "cto_email": "priya.natarajan@acme.example"})
    priya = next(load for load in owner_loads(heavy) if load.name == "Priya Natarajan")
    assert priya.too_much == (
        "2420 hours a year is more than the 340 one person can give beside their main job",
        "153 controls with manual evidence are more than the 60 one person can keep evidence for beside their "
        "main job")
    warnings = load_warnings(heavy)
    assert warnings[0] == ("more than is plausible: Priya Natarajan (153 controls with manual evidence, "
                           "2420.2 hours a year).")
    assert warnings[1].startswith("This is a physical limit, not a matter of who holds which role: the 228 "
                                  "controls in force take 2860 hours a year of the company's own people (beyond the 6 "
                                  "contracted to the penetration tester) and 192 of them need manual evidence")
    # The Chief Executive Officer's checks of the CTO's own reviews (issue #12) add 57 hours; the contact list moving to
    # the Head of People and AUP-05 folding into AST-04 (issue #12, A11/A14) take 7 back: 340 short, one person.
    assert "give the roles of company.yml to at least 1 more person " in warnings[1]
    assert "**Warning: one person carries more than is plausible.** This is a physical limit" in \
        program_page(heavy)


def test_the_program_page_says_how_hours_are_computed_and_at_which_headcount(library: Library) -> None:
    small = program_page(variant_program("nimbus-uk", library))
    assert "Hours a year are the planning estimates of catalog/effort.yaml at a headcount of 10.5 (the midpoint " \
           "of the 1-20 band): a per-event control runs as often as its trigger" in small
    assert "| Mei Lin | Chief Technology Officer, Security Officer | 137 | 120 | 1253.3 |" in small
    top = program_page(variant_program("acme-us", library, {"headcount_band": "1000+"}))
    assert "at a headcount of 1500 (effort.yaml's number for the open 1000+ band)" in top


def test_a_larger_company_is_told_to_staff_teams_not_to_add_roles(library: Library) -> None:
    # At 201-500 the load outgrows company.yml's six roles: the advice sizes each holder's team in hours
    # beyond their own, and names the full-time security roles as such.
    warnings = load_warnings(variant_program("acme-us", library, {"headcount_band": "201-500"}))
    assert "(Priya Natarajan and Tomás Ferreira in a full-time security role, the others beside their main " \
           "jobs)" in warnings[1]
    assert warnings[1].endswith(
        "give each of them a team they stay accountable for, sized to the hours beyond what they can give "
        "themselves: about 1062 hours a year for Priya Natarajan's controls, 1359 for Rahul Mehta's and 143 for "
        "Grace Okafor's; or move controls to the spare hours of the others and contract an outside provider for "
        "about 1044 hours a year.")
    assert "roles cannot spread it" not in warnings[1]


def test_work_an_outside_party_does_under_contract_is_counted_as_contracted_hours_not_the_owners(
        library: Library) -> None:
    # Issue #13 point 4: the outside engineer's reviews, the assessor's test and the testers' tests are done by them;
    # the accountable role keeps a share for scope, results and follow-up, and the warning states the gap left.
    from policyforge.program._load import contracted_loads

    nimbus = variant_program("nimbus-uk", library)
    parties = {load.name: (load.party, load.controls, load.hours) for load in contracted_loads(nimbus)}
    # Halden also checks each run of the CTO's reviews of the CTO's own work (issue #12): 6.3 hours became 49.8.
    assert parties == {"Halden Engineering Ltd": ("outside_engineer", ("CHG-01",), 49.8),
                       "Marlow Assurance Ltd": ("independent_assessor", ("MON-03",), 6.0),
                       "Redline Security Ltd": ("penetration_tester", ("NET-08", "VUL-05"), 15.0)}
    owners = {control.id: control.owner for control in nimbus.controls()}
    assert owners["CHG-01"] == "cto" and owners["VUL-05"] == "security_officer"  # still accountable
    page = program_page(nimbus)
    assert "| Halden Engineering Ltd | outside engineer, under contract | 14 | | 49.8 | contracted |" in page
    # Without an outside engineer nobody reviews for the company under contract: the CTO's hours are whole.
    alone = variant_program("nimbus-uk", library, {"outside_engineer": ""})
    assert "outside_engineer" not in {load.party for load in contracted_loads(alone)}
    # A separate segmentation tester takes the segmentation test from the penetration tester.
    split = variant_program("nimbus-uk", library, {"segmentation_tester": "Ringfence Labs"})
    assert {load.name: load.controls for load in contracted_loads(split)}["Ringfence Labs"] == ("NET-08",)


# ------------------------------------------------------------------------------------------ checked runs (#12)
_EVERY_RUN_CHECKED = re.compile(
    r"(?:each|the) (?:review|reconciliation|record|export|check)\s+is\s+(?:checked|reviewed)(?:\s+again)?\s+by\s+"
    r"\{\{\s*people\.cto_reviewer|matched again by\s+\{\{\s*people\.cto_reviewer"
    r"|and checked by\s+\{\{\s*people\.cto_reviewer")


def test_every_control_that_has_each_run_checked_by_the_ctos_reviewer_is_costed_for_the_checker(
        library: Library, effort: dict[str, Any]) -> None:
    # A statement that routes every run's check to the CTO's reviewer is listed in effort.yaml's checked_runs, and
    # nothing else is: the hours of those checks are someone's.
    routed = {cid for cid, control in library.catalog.controls.items()
              if _EVERY_RUN_CHECKED.search(" ".join(control.statement.split()))}
    assert {"AST-01", "BAK-05", "END-02"} <= routed
    assert sorted(routed ^ set(effort["checked_runs"]["controls"])) == []


def _hours(program: Program, name: str) -> float:
    return next(load.hours for load in owner_loads(program) if load.name == name)


def test_the_checks_of_the_ctos_own_work_are_hours_of_whoever_checks_them(library: Library, tmp_path: Path,
                                                                          effort: dict[str, Any]) -> None:
    # Seed the old effort model, which counted only the owner's runs: a copy of the library without checked_runs.
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    text = (root / "catalog" / "effort.yaml").read_text("utf-8")
    start = text.index("checked_runs:")
    end = text.index("\n# ", start)
    (root / "catalog" / "effort.yaml").write_text(text[:start] + text[end + 1:], "utf-8")
    old = load_library(root)
    # cto-security-officer: Rahul Mehta is CTO and Security Officer with other engineers, so the Chief Executive
    # Officer checks each review of his own work (the weekly AST-01, the monthly END-02, the BAK-05 review...).
    new_program = variant_program("cto-security-officer", library)
    checks = sum(check_hours(c, effort, program_headcount(new_program)) for c in new_program.controls())
    assert checks > 0
    assert _hours(new_program, "Dana Whitfield") == pytest.approx(
        _hours(variant_program("cto-security-officer", old), "Dana Whitfield") + checks, abs=0.1)
    weekly = library.catalog.controls["AST-01"]
    assert check_hours(weekly, effort, 10.5) == pytest.approx(52 * 0.5 * 0.25)
    # nimbus-uk: Halden Engineering Ltd, the contracted outside engineer, checks them under contract.
    parties = {load.name: load for load in contracted_loads(variant_program("nimbus-uk", library))}
    assert {"AST-01", "BAK-05", "END-02"} <= set(parties["Halden Engineering Ltd"].checks)
    assert parties["Halden Engineering Ltd"].controls == ("CHG-01",)  # it runs CHG-01 and checks the others' runs
    old_parties = {load.name: load for load in contracted_loads(variant_program("nimbus-uk", old))}
    assert old_parties["Halden Engineering Ltd"].checks == ()
    assert parties["Halden Engineering Ltd"].hours > old_parties["Halden Engineering Ltd"].hours
    # The example: the Security Officer checks the CTO's reviews.
    example = variant_program("example", library)
    assert _hours(example, "Priya Natarajan") > _hours(variant_program("example", old), "Priya Natarajan")


def test_an_unnamed_outside_party_is_not_followed_by_its_own_kind_in_brackets(library: Library) -> None:
    # Auditor read A35: program.md said "the independent assessor (independent assessor)" and "the penetration
    # tester (penetration tester)" for the example company, which names neither.
    example = program_page(variant_program("example", library))
    assert "(independent assessor)" not in example and "(penetration tester)" not in example
    assert "the independent assessor: MON-03" in example
    nimbus = program_page(variant_program("nimbus-uk", library))
    assert "Marlow Assurance Ltd (independent assessor): MON-03" in nimbus
