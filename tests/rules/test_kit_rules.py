"""The evidence plan and readiness page state the cadences of the controls they serve, in words true for the company.

Both pages are read back as printed, row by row, for the eight contrasting companies of
``lint-library --matrix``: each evidence row's frequency must be the frequencies of the controls in
force it proves (with those controls named), its text must state no other cadence, and nothing in
it may need a second region, an office, a board or health data the company does not have.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import LIBRARY
from policyforge.kit import kit_pages
from policyforge.kit._evidence import EvidencePlan, evidence_page, evidence_plan
from policyforge.kit._evidence_text import parse_schedule, schedule, schedule_text, serving
from policyforge.model._library import Library, load_library
from policyforge.program import ControlProof, EvidenceMap, Program, evidence_map
from policyforge.program._lint import variant_program
from policyforge.program._matrix import MATRIX
from policyforge.rules import _kit_rules as kit_rules
from policyforge.rules import library_view, run_rules
from policyforge.rules._kit_rules import (
    cadence_disagreements,
    counted_on_events,
    matrix_disagreements,
    matrix_evidence,
    printed_rows,
    short_counts,
    shows,
    text_cadences,
)
from policyforge.site._matrix import grouped_matrix_page


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def library_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the library for the module's edits, so its templates keep their file names from test to test.

    A template is compiled under its file's path; a fresh copy per test had every policy compiled
    again (about 0.9 CPU s). ``edited_library`` puts the catalog back after each test.
    """
    root = tmp_path_factory.mktemp("kit-rules") / "lib"
    shutil.copytree(LIBRARY, root)
    return root


EditLibrary = Callable[[str, str, str], tuple[Library, Path]]


@pytest.fixture
def edited_library(library_copy: Path) -> Iterator[EditLibrary]:
    """Give a function returning the library copy with one evidence item's text changed, and the catalog's path."""
    catalog = library_copy / "catalog" / "evidence.yaml"
    original = catalog.read_bytes()

    def edit(evidence: str, old: str, new: str) -> tuple[Library, Path]:
        text = original.decode("utf-8")
        start = text.index(f"  - id: {evidence}\n")
        at = text.index(old, start)
        assert at < text.index("  - id: ", start + 10), f"{old!r} is not in {evidence}"
        catalog.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
        return load_library(library_copy), catalog

    yield edit
    catalog.write_bytes(original)


def catalog_line(catalog: Path, evidence: str) -> int:
    lines = catalog.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- id: {evidence}")


@pytest.mark.parametrize("name", list(MATRIX))
def test_every_evidence_row_of_each_matrix_company_states_the_frequencies_of_the_controls_it_serves(
        library: Library, name: str) -> None:
    program = variant_program(name, library)
    rows = printed_rows(program)
    pages = {row.page for row in rows}
    assert pages == {"evidence.md", "readiness.md"} and len(rows) > 80
    problems = [f"{row.page} {row.evidence}: {message}" for row, message in cadence_disagreements(program)]
    assert problems == []
    assert run_rules(library_view(program), ["KIT001", "FIT003"]) == []
    # One record per control, on its own subject (issue #12).
    assert run_rules(library_view(program), ["CTL009", "KIT005"]) == []


def test_a_printed_row_is_compared_with_each_control_frequency_the_company_runs(library: Library) -> None:
    program = variant_program("acme-us", library)
    controls = {c.id: c for c in program.controls()}
    row = next(r for r in printed_rows(program) if r.page == "readiness.md" and r.evidence == "EV-15")
    assert parse_schedule(row.frequency) == {(c.frequency, c.id) for c in serving(program)["EV-15"]}
    assert ("monthly", "MON-02") in parse_schedule(row.frequency)  # MON-02 runs monthly, so the row says so
    assert controls["MON-03"].frequency == "quarterly"
    small = variant_program("nimbus-uk", library)
    small_row = next(r for r in printed_rows(small) if r.page == "readiness.md" and r.evidence == "EV-15")
    assert ("annual", "MON-03") in parse_schedule(small_row.frequency)  # a small company tests yearly


def test_a_cadence_word_without_its_controls_is_a_disagreement_as_the_pages_printed_it_before() -> None:
    # The readiness page used to print the catalog's own wording, e.g. for EV-15.
    assert parse_schedule("annual (quarterly recommended)") == {("annual", None), ("quarterly", None),
                                                               ("recommended", None)}
    assert parse_schedule("monthly (MON-02); annual (MON-01, MON-07)") == {
        ("monthly", "MON-02"), ("annual", "MON-01"), ("annual", "MON-07")}


def test_frequency_cells_typed_without_their_controls_are_caught_on_both_pages(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    import policyforge.kit._evidence as evidence_module
    import policyforge.kit._readiness_page as readiness_module

    def catalog_wording(entries: object) -> str:
        return "annual (quarterly recommended)"

    monkeypatch.setattr(evidence_module, "schedule_text", catalog_wording)
    monkeypatch.setattr(readiness_module, "schedule_text", catalog_wording)
    program = variant_program("nimbus-uk", library)
    pages = {row.page for row, _ in cadence_disagreements(program)}
    assert pages == {"evidence.md", "readiness.md"}
    problems = run_rules(library_view(program), ["KIT001"])
    ev15 = next(p for p in problems if p.message.startswith("KIT001 EV-15 on readiness.md"))
    assert "monthly (MON-02)" in ev15.message and ev15.where.endswith("catalog/evidence.yaml")


def test_a_cadence_typed_into_an_evidence_detail_is_caught_at_its_catalog_line(
        edited_library: EditLibrary) -> None:
    library, catalog = edited_library("EV-65", "Each review of", "Each monthly review of")
    problems = run_rules(library_view(variant_program("acme-us", library)), ["KIT001"])
    assert {p.message.split(" on ")[0] for p in problems} == {"KIT001 EV-65"}
    assert all("states monthly but its controls run weekly" in p.message for p in problems)
    assert problems[0].line == catalog_line(catalog, "EV-65") and "commit.NAME" in problems[0].fix


def test_cadence_words_and_numbered_periods_in_text_name_control_frequencies() -> None:
    assert text_cadences("each weekly review and a yearly report") == {"weekly", "annual"}
    assert text_cadences("an independent test within the last 12 months") == {"annual"}
    assert text_cadences("every 3 months") == {"quarterly"}
    assert text_cadences("backup schedules and retention") == set()


@pytest.mark.parametrize(("evidence", "old", "new", "company", "words"), [
    ("EV-66", "{% if residency.regional_copy and arch.backup.cross_region %} and a copy in the recovery region"
              "{% endif %}", " and a second-region copy", "nimbus-uk+availability", "second-region"),
    ("EV-04", "{% if gov.board %}board meetings and {% endif %}", "board meetings and ", "nimbus-uk", "board"),
    ("EV-51", "{% if data.phi %}, and BAAs where health data (PHI) is involved{% endif %}", ", and BAAs",
     "acme-us", "BAAs"),
    ("EV-28", "detail_remote: Each confirmation", "detail_remote: The visitor log and each confirmation",
     "nimbus-uk", "visitor log"),
])
def test_evidence_text_that_does_not_hold_for_the_company_is_caught_at_its_catalog_line(
        edited_library: EditLibrary, evidence: str, old: str, new: str, company: str, words: str) -> None:
    library, catalog = edited_library(evidence, old, new)
    # "+availability": the one-region company with Availability in scope, whose plan asks for EV-66.
    name, _, scope = company.partition("+")
    program = variant_program(name, library, {f"scope_{scope}": True} if scope else None)
    problems = run_rules(library_view(program), ["FIT003"])
    assert problems, f"{evidence} reading {words!r} was not caught for {company}"
    assert {p.message.split(" on ")[0] for p in problems} == {f"FIT003 {evidence}"}
    assert words.lower() in problems[0].message.lower() and problems[0].line == catalog_line(catalog, evidence)


def test_the_uk_remote_company_reads_its_own_evidence_plan_and_readiness_page(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    pages = kit_pages(program)
    for text in pages.values():
        assert "Board / leadership" not in text and "BAA" not in text and "HIPAA" not in text
        assert "second-region" not in text and "recovery region" not in text and "multi-AZ" not in text
        assert "badge" not in text.lower() and "visitor" not in text.lower()
        assert "cloud accounts" not in text and "KMS key policies" not in text.replace("(Cloud KMS) key", "")
    readiness = pages["readiness.md"]
    assert "**Leadership security meeting minutes**: Minutes or agendas of leadership security meetings" in readiness
    assert "the cloud projects" in readiness and "copies held in a separate project" in readiness
    # The backup coverage reviews (EV-66) are the record of BAK-05 (CC7.2, CC9.1), a Security control, which cited
    # the backup configuration too until issue #12: operating evidence, so a Type I lists them, not requested.
    assert "confirming a recent backup" in readiness and "EV-66" not in pages["evidence.md"]
    assert '<span id="ev-66">EV-66</span>' in readiness
    assert "within the last 12 months" in readiness  # the penetration-test cadence the policy names
    assert "| requested |" in readiness  # Type I: items requested at the as-of date are marked
    # One region: the geographic-redundancy item is read against the accepted loss of the region.
    assert ("Nimbus Ledger keeps its backups in one region, europe-west2, across its zones: the loss of the region "
            "is an accepted risk") in readiness
    # Security only: no consent or disclosure records; the capacity review is stated in POL-18 4.8.2 (control
    # AVL-04) for every company, so its record is asked for here too (issue #13, T12).
    assert "consent capture" not in readiness
    assert "each dated capacity review" in readiness
    assert "**Privacy notice and processing record**" in readiness
    assert "\n1 item; questions and exports go to tom@nimbus.example." in pages["evidence.md"]
    assert "keeps its backups in one region" not in kit_pages(variant_program("acme-us", library))["readiness.md"]


def test_the_access_review_control_runs_at_the_more_frequent_of_its_two_named_cadences(library: Library) -> None:
    default = {c.id: c for c in variant_program("acme-us", library).controls()}
    monthly = {c.id: c for c in variant_program("acme-us", library, {"access_review_cadence": "monthly"}).controls()}
    assert default["ACC-05"].frequency == "quarterly" and monthly["ACC-05"].frequency == "monthly"
    assert schedule([monthly["ACC-05"]]) == (("monthly", ("ACC-05",)),)


# ------------------------------------------------------------------------------ one answer for every page
def test_a_type1_matrix_cites_what_the_plan_asks_for_and_marks_operating_items_type2(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    proofs = evidence_map(program)
    assert proofs.proof("INC-10").cell() == "EV-01 + walk-through; EV-73 (Type II)"
    assert proofs.proof("INC-09").cell() == "EV-01 + walk-through; EV-42 (Type II)"
    plan = evidence_plan(program)
    ev01 = next(row for row in plan.rows if row.item.id == "EV-01")
    assert "INC-10" in ev01.controls and "EV-73" not in {row.item.id for row in plan.rows}
    # One count: the plan's summary, the matrix's sentence and the EV-01 row name the same controls.
    design = proofs.design_only()
    # 37: PRV-01 (the Privacy Officer's report to the CEO) no longer cites the org chart (EV-03); its report
    # (EV-74) is operating evidence, so a Type I shows it by its design. 40: the per-event halves split out of
    # COC-02, COC-03 and PRV-12 (COC-07, COC-08, PRV-14) prove themselves by their registers, operating evidence.
    # 48: the eight per-event deadlines split out of periodic controls for CTL008 (AST-09, BCP-09, CHG-11, GOV-12,
    # MON-10, TRN-08, TRN-09, VEN-10) prove themselves by their own event populations, operating evidence.
    # 50: the retention deletion (RET-08) and newcomer training (TRN-10) split out of RET-01/CNF-07 and
    # TRN-02/TRN-04 prove themselves by their own event populations.
    # 56: six controls lost a design item about another subject or another control's runs (issue #12, CTL009 and
    # KIT005), and their own record is operating evidence: ACC-08 and AST-04 the OAuth grant reviews (EV-26, not
    # the secret inventory EV-25), AST-06 the device list reconciliations (EV-111), BAK-05 the backup coverage
    # reviews (EV-66, not the backup configuration EV-55), GOV-06 the performance reviews (EV-11, not the
    # acknowledgements EV-02) and PRV-13 the processing record reviews (EV-114, not the privacy notice EV-62).
    # 54: AUP-05's AI-tool grant review is part of the one grant review AST-04, and ACC-08 keeps only the
    # service-account inventory, its own design record EV-25 (issue #12, auditor read A14).
    assert len(design) == 54 and set(design) <= set(ev01.controls)
    assert f"{len(design)} controls whose operating evidence" in evidence_page(program, plan)
    assert f"{len(design)} controls whose own evidence is operating evidence" in grouped_matrix_page(program)
    assert matrix_evidence(grouped_matrix_page(program))["INC-10"] == ({"EV-01"}, {"EV-73"})
    assert list(matrix_disagreements(program)) == []


def test_every_item_of_the_plan_is_on_the_readiness_page_with_the_plans_schedule(library: Library) -> None:
    for name in ("acme-us", "nimbus-uk"):
        program = variant_program(name, library)
        readiness = kit_pages(program)["readiness.md"]
        plan = evidence_plan(program)
        for row in plan.rows:
            line = next(x for x in readiness.splitlines() if x.startswith(f'| <span id="{row.item.id.lower()}">'))
            assert f"| {schedule_text(row.schedule)} |" in line.replace("\\_", "_"), (name, row.item.id)
    acme = kit_pages(variant_program("acme-us", library))["readiness.md"]
    assert "| Needed in the window |" in acme and "| Type I |" not in acme  # a Type II asks for counts
    assert "| quarterly (INC-10) | `incident_response.roles` | 2 × INC-10 (quarterly) |" in acme


def _catalog_map(program: Program) -> EvidenceMap:
    """The matrix as it printed before: every item the catalog lists for a control, whatever the report."""
    return EvidenceMap(program.facts.audit.report_type,
                       {c.id: ControlProof(c.id, c.evidence, (), False) for c in program.controls()})


def test_a_matrix_that_cites_items_the_plan_lacks_is_caught_with_file_line_and_fix(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    import policyforge.site._matrix as site_matrix

    monkeypatch.setattr(site_matrix, "evidence_map", _catalog_map)
    program = variant_program("nimbus-uk", library)
    problems = run_rules(library_view(program), ["KIT001"])
    inc10 = next(p for p in problems if p.message.startswith("KIT001 INC-10 on controls.md"))
    assert "cites EV-73, which the evidence plan does not ask for it" in inc10.message
    assert "omits EV-01" in inc10.message
    assert inc10.where.endswith("controls/POL-21.yaml")
    lines = Path(inc10.where).read_text(encoding="utf-8").splitlines()
    assert lines[inc10.line - 1].strip() == "- id: INC-10" and "evidence_map" in inc10.fix
    # The PDF appendix still prints from the one map, so only the site page is reported.
    assert not any("appendix" in p.message for p in problems)


def test_a_plan_item_missing_from_the_readiness_page_is_caught_at_its_catalog_line(
        library: Library, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import dataclasses

    import policyforge.kit._readiness_page as readiness_module

    real = readiness_module.evidence_plan

    def without_ev02(program: Program) -> EvidencePlan:
        plan = real(program)
        return dataclasses.replace(plan, rows=tuple(r for r in plan.rows if r.item.id != "EV-02"))

    monkeypatch.setattr(readiness_module, "evidence_plan", without_ev02)
    problems = run_rules(library_view(variant_program("acme-us", library)), ["KIT001"])
    assert [p.message for p in problems] == ["KIT001 EV-02 on readiness.md is in the evidence plan but not on the "
                                             "readiness page"]
    assert problems[0].where.endswith("catalog/evidence.yaml")
    assert problems[0].line == catalog_line(LIBRARY / "catalog" / "evidence.yaml", "EV-02")


# ------------------------------------------------------------------------------ counts from the sampling table
def test_a_quarterly_control_has_an_item_counting_its_runs_not_only_a_document(library: Library) -> None:
    program = variant_program("acme-us", library)
    rows = {row.item.id: row for row in evidence_plan(program).rows}
    # PRV-01 reports every 3 months: two reports in the 6-month window, beside the documents it keeps current.
    assert (rows["EV-74"].item.kind, schedule_text(rows["EV-74"].schedule), rows["EV-74"].needed) == (
        "periodic", "quarterly (PRV-01)", 2)
    assert (rows["EV-03"].needed, rows["EV-62"].needed) == (1, 1)  # documents: the current approved version
    for item, control in (("EV-75", "CHG-05"), ("EV-76", "BCP-06"), ("EV-77", "CNF-01")):
        assert rows[item].item.kind == "periodic" and control in rows[item].controls
    assert list(short_counts(program)) == []
    twelve = {row.item.id: row for row in evidence_plan(
        variant_program("acme-us", library, {"observation_months": 12})).rows}
    # The table asks for 2 of a quarterly or a semiannual control in 12 months; the document stays one.
    assert (twelve["EV-74"].needed, twelve["EV-75"].needed, twelve["EV-46"].needed) == (2, 2, 1)


def test_a_recurring_control_proved_only_by_a_document_is_caught_with_file_line_and_fix(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    controls = root / "controls" / "POL-28.yaml"
    text = controls.read_text(encoding="utf-8")
    assert text.count("evidence: [EV-74]") == 1
    controls.write_text(text.replace("evidence: [EV-74]", "evidence: [EV-62]"), encoding="utf-8")
    program = variant_program("acme-us", load_library(root))
    problems = run_rules(library_view(program), ["KIT002"])
    assert [p.message for p in problems] == [
        "KIT002 control PRV-01 runs quarterly, so the sampling table asks for 2 dated artefacts of its own runs in the "
        "6-month window (catalog/sampling.yaml, sizes.quarterly), but its evidence counts fewer runs of PRV-01: EV-62 "
        "(document, 1)"]
    lines = controls.read_text(encoding="utf-8").splitlines()
    assert problems[0].where == str(controls) and lines[problems[0].line - 1].strip() == "- id: PRV-01"
    assert "periodic item" in problems[0].fix
    # A Type I report counts no runs: the same library passes for the company audited as of a date.
    assert run_rules(library_view(variant_program("nimbus-uk", load_library(root))), ["KIT002"]) == []


def _seeded(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    """Return a copy of the library with each file's one occurrence of ``old`` replaced by ``new``."""
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    for name, (old, new) in edits.items():
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return root


def control_line(path: Path, control: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.strip() == f"- id: {control}")


def test_a_continuous_control_proved_by_a_review_item_is_counted_at_its_own_row(tmp_path: Path) -> None:
    # The defect the auditor found: NET-01 (a continuous setting) proved only by the rule review item, which the
    # plan counted at NET-07's semiannual cadence (1 in 6 months). Counted per control, the item now asks for
    # NET-01's own 2 dated exports beside NET-07's one review, and the rule finds nothing short.
    section = "    section: firewall-rules\n    evidence: "
    root = _seeded(tmp_path, {"controls/POL-15.yaml": (f"{section}[EV-30]\n", f"{section}[EV-79]\n")})
    program = variant_program("acme-us", load_library(root))
    rows = {row.item.id: row for row in evidence_plan(program).rows}
    assert rows["EV-79"].needed_text == "3 = 2 × NET-01 (continuous) + 1 × NET-07 (semiannual, run in June 2027)"
    assert run_rules(library_view(program), ["KIT002"]) == []


def test_an_item_counted_at_its_most_frequent_control_is_caught_for_the_other_control_with_file_line_and_fix(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    # A-E5 seeded into a copy of the plan: EV-58 counted as it was, once at the semiannual game day's row (AVL-07),
    # so the annual DR test (BCP-07), another activity with no other item, had no record of its own.
    program = variant_program("example", library)
    plan = evidence_plan(program)
    seeded = replace(plan, rows=tuple(
        replace(row, needed=1, counts=row.counts[:1]) if row.item.id == "EV-58" else row for row in plan.rows))
    assert next(row for row in seeded.rows if row.item.id == "EV-58").needed_text == \
        "1 × AVL-07 (semiannual, run in January 2027)"
    assert run_rules(library_view(program), ["KIT002"]) == []
    monkeypatch.setattr(kit_rules, "evidence_plan", lambda _program: seeded)
    problems = run_rules(library_view(program), ["KIT002"])
    assert [p.message for p in problems] == [
        "KIT002 control BCP-07 runs annually, so the sampling table asks for 1 dated artefact of its own runs in the "
        "6-month window (catalog/sampling.yaml, sizes.annual), but its evidence counts fewer runs of BCP-07: EV-58 "
        "(periodic, 1 × AVL-07 (semiannual, run in January 2027))"]
    controls = LIBRARY / "controls" / "POL-22.yaml"
    assert (problems[0].where, problems[0].line) == (str(controls), control_line(controls, "BCP-07"))
    assert all("another control's runs, however many, are not this control's" in p.fix for p in problems)


@pytest.mark.parametrize(("policy", "control", "old", "host"), [
    ("POL-28", "PRV-05", "evidence: [EV-62, EV-80]", None),
    ("POL-28", "PRV-04", "evidence: [EV-62, EV-81]", None),
    ("POL-01", "GOV-11", "evidence: [EV-03, EV-83]", None),
    ("POL-10", "DCL-01", "evidence: [EV-59, EV-82]\n    checklist: [data_protection.classification]\n  - id: DCL-02",
     None),
    # Merged into a lean host (the 21-50 example), a duty is still proved on its own: the host's items do not
    # show its events.
    ("POL-10", "DCL-03", "evidence: [EV-59, EV-82]\n    checklist: [data_protection.classification]\n  - id: DCL-04",
     "PRV-05"),
    ("POL-02", "PMG-03", "evidence: [EV-01, EV-84]\n    checklist: [evidence_collection.policy_documentation]",
     "PMG-01"),
])
def test_a_per_event_control_proved_only_by_a_document_is_caught_with_file_line_and_fix(
        tmp_path: Path, policy: str, control: str, old: str, host: str | None) -> None:
    path = f"controls/{policy}.yaml"
    document, after = old.split("[", 1)[1].split(",", 1)[0], old.split("]", 1)[1]
    root = _seeded(tmp_path, {path: (old, f"evidence: [{document}]{after}")})
    program = variant_program("example" if host else "acme-us", load_library(root))
    problems = run_rules(library_view(program), ["KIT002"])
    merged = f" (merged into {host})" if host else ""
    assert [p.message for p in problems] == [
        f"KIT002 control {control}{merged} runs on each event, so a Type II window needs the records of its events "
        f"for the auditor to draw the sampling table's per-event sample of 25 (catalog/sampling.yaml, per_event), "
        f"but its evidence shows none: {document} (document, 1)"]
    controls = root / path
    assert (problems[0].where, problems[0].line) == (str(controls), control_line(controls, control))
    assert "population item" in problems[0].fix and "design" in problems[0].fix
    # A Type I report is about design: the document (with a walk-through) still proves it as of the date.
    assert run_rules(library_view(variant_program("nimbus-uk", load_library(root))), ["KIT002"]) == []


def test_an_item_meets_a_control_only_on_the_controls_own_basis(library: Library) -> None:
    rows = {row.item.id: row for row in evidence_plan(variant_program("acme-us", library)).rows}
    document, population = rows["EV-62"], rows["EV-80"]
    monthly, semiannual, config = rows["EV-15"], rows["EV-79"], rows["EV-30"]
    # EV-15 counted LOG-09's and MON-07's runs until issue #12: their records are the logging configuration (EV-39)
    # and the deficiency register (EV-16), so it counts 6 = 3 monthly + 2 quarterly + 1 annual, not 9.
    assert (monthly.needed, semiannual.needed, config.needed) == (6, 1, 6)
    # A document is one version: the one run of a control asked once, never more runs nor events.
    assert shows(document, "PRV-01", "annual", 1) and not shows(document, "PRV-01", "quarterly", 2)
    assert not shows(document, "PRV-05", "per-event", 25)
    # A population of the runs themselves, or of events, holds every occurrence.
    assert all(shows(population, "PRV-05", f, n) for f, n in (("quarterly", 2), ("per-event", 25)))
    # Dated artefacts show a control only by the count listed for that control: the 3 monthly reports of
    # MON-02 are not the 2 quarterly runs of MON-03, which the item counts on their own.
    assert [(c.control, c.count) for c in monthly.counts][:2] == [("MON-02", 3), ("MON-03", 2)]
    assert shows(monthly, "MON-03", "quarterly", 2) and shows(monthly, "MON-02", "monthly", 3)
    assert not shows(monthly, "MON-03", "quarterly", 3) and not shows(monthly, "NET-07", "semiannual", 1)
    assert not shows(monthly, "LOG-09", "quarterly", 2)
    assert not shows(semiannual, "NET-01", "continuous", 2)
    # A continuous setting is shown at as many points as the continuous row asks for, for each setting.
    assert shows(config, "NET-01", "continuous", 2) and shows(config, "NET-06", "continuous", 2)
    assert not shows(config, "NET-07", "semiannual", 1)


@pytest.mark.parametrize(("policy", "control", "old", "new", "host"), [
    # The break-glass log inside the privileged account inventory, counted at the quarterly review's cadence.
    ("POL-13", "ACC-07", "evidence: [EV-22, EV-85]", "evidence: [EV-22]", None),
    # The monitoring report (EV-15), counted at the monthly control's cadence, holds no deficiency of its own.
    ("POL-26", "MON-04", "evidence: [EV-16]", "evidence: [EV-15]", None),
    ("POL-19", "CHG-07", "evidence: [EV-13, EV-87]", "evidence: [EV-13]", "RSK-06"),
])
def test_a_per_event_control_proved_only_by_another_controls_runs_is_caught_with_file_line_and_fix(
        tmp_path: Path, policy: str, control: str, old: str, new: str, host: str | None) -> None:
    path = f"controls/{policy}.yaml"
    text = (LIBRARY / path).read_text(encoding="utf-8")
    start = text.index(f"  - id: {control}\n")
    end = text.find("\n  - id: ", start + 5)
    assert old in text[start:end if end >= 0 else len(text)]
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    (root / path).write_text(text[:start] + text[start:].replace(old, new, 1), encoding="utf-8")
    program = variant_program("example" if host else "acme-us", load_library(root))
    problems = run_rules(library_view(program), ["KIT003"])
    assert len(problems) == 1, [p.message for p in problems]
    merged = f" (merged into {host})" if host else ""
    assert problems[0].message.startswith(f"KIT003 control {control}{merged} runs on each event, but its evidence "
                                          f"counts other controls' runs, not its events: ")
    # The item it cites counts other controls' runs, per control, as the plan prints it.
    assert re.search(r"\(periodic, (?:\d+ = )?\d+ × [A-Z]{3}-\d{2} \((?:monthly|quarterly|continuous)\)",
                     problems[0].message)
    assert problems[0].message.endswith("the auditor draws the sampling table's per-event sample of 25 "
                                        "(catalog/sampling.yaml, per_event) from a population of them")
    controls = root / path
    assert (problems[0].where, problems[0].line) == (str(controls), control_line(controls, control))
    assert "population item" in problems[0].fix
    # A Type I report samples no events.
    assert run_rules(library_view(variant_program("nimbus-uk", load_library(root))), ["KIT003"]) == []


def test_only_a_population_or_records_counted_per_event_hold_the_events(library: Library) -> None:
    rows = {row.item.id: row for row in evidence_plan(variant_program("acme-us", library)).rows}
    assert counted_on_events(rows["EV-85"]) and counted_on_events(rows["EV-16"])
    # Quarterly exports of an inventory hold the quarterly review's runs; a document is one version.
    assert not counted_on_events(rows["EV-22"]) and not counted_on_events(rows["EV-62"])


def test_an_evidence_item_prints_the_owner_of_the_control_it_proves_as_its_signer(library: Library) -> None:
    # A-E2/N-E6: EV-06 said "signed off by the Security Officer" where GOV-09 has the CEO sign the review off.
    for name, signer in (("nimbus-uk", "Chief Executive Officer"), ("acme-us", "Security Officer")):
        program = variant_program(name, library)
        owner = next(c.owner for c in program.controls() if c.id == "GOV-09")
        assert owner == ("ceo" if name == "nimbus-uk" else "security_officer")
        row = next(r for r in printed_rows(program) if r.page == "evidence.md" and r.evidence == "EV-06")
        assert f"each review, every year, signed off by the {signer}." in row.text
        assert run_rules(library_view(program), ["KIT004"]) == []


def test_a_signer_typed_into_evidence_text_that_owns_none_of_its_controls_is_caught(
        edited_library: EditLibrary) -> None:
    library, catalog = edited_library("EV-06", "signed off by the {{ owner_of('GOV-09') }}",
                                      "signed off by the Security Officer")
    problems = run_rules(library_view(variant_program("nimbus-uk", library)), ["KIT004"])
    assert [p.message.split(" reads ")[0] for p in problems] == ["KIT004 EV-06 on evidence.md"]
    assert "'signed off by the Security Officer'" in problems[0].message and "GOV-09 (Chief Executive Officer)" \
        in problems[0].message
    assert problems[0].line == catalog_line(catalog, "EV-06") and "owner_of('GOV-09')" in (problems[0].fix or "")


# ------------------------------------------------------------------------------ one item counts a control's runs
def test_a_control_whose_runs_two_items_count_is_caught_as_gov_03_was(library: Library, tmp_path: Path) -> None:
    # GOV-03's quarterly meeting was counted as minutes (EV-04) and again as control review results (EV-15):
    # 2 + 2 artefacts for 2 runs (issue #12). The meeting's record is its minutes.
    program = variant_program("acme-us", library)
    counted = {row.item.id for row in evidence_plan(program).rows if row.count_for("GOV-03")}
    assert counted == {"EV-04"}
    assert list(kit_rules.double_counts(program)) == []
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    controls = root / "controls" / "POL-01.yaml"
    text = controls.read_text(encoding="utf-8")
    start = text.index("- id: GOV-03")
    end = text.index("evidence: [EV-04]", start) + len("evidence: [EV-04]")
    controls.write_text(text[:start] + text[start:end].replace("[EV-04]", "[EV-04, EV-15]") + text[end:],
                        encoding="utf-8")
    problems = run_rules(library_view(variant_program("acme-us", load_library(root))), ["KIT005"])
    assert len(problems) == 1 and problems[0].message.startswith(
        "KIT005 control GOV-03: its runs are counted by 2 evidence items: EV-04 (periodic, ")
    assert "EV-15 (periodic, " in problems[0].message and "the one item that records each run" in problems[0].fix
    assert "record: [EV-NN]" in problems[0].fix
    lines = controls.read_text(encoding="utf-8").splitlines()
    assert problems[0].where == str(controls) and lines[problems[0].line - 1].strip() == "- id: GOV-03"


def _edited_control(tmp_path: Path, policy: str, control: str, old: str, new: str) -> tuple[Library, Path]:
    """Return a library copy with ``old`` replaced by ``new`` inside one control's block, and its controls file."""
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    path = root / "controls" / f"{policy}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  - id: {control}\n")
    end = text.find("\n  - id: ", start + 5)
    end = len(text) if end < 0 else end
    assert text[start:end].count(old) == 1, (control, old)
    path.write_text(text[:start] + text[start:end].replace(old, new) + text[end:], encoding="utf-8")
    return load_library(root), path


def test_a_lean_hosts_duties_are_counted_apart_and_a_merged_duty_counted_twice_is_caught(
        library: Library, tmp_path: Path) -> None:
    # A small company runs the vendor checks (VEN-08) with the advisory checks (VUL-06): one run, but each duty
    # keeps its own record (EV-64, EV-68), so the host is not counted twice (issue #12, design decision (a)).
    program = variant_program("example", library)
    host = next(c for c in program.controls() if c.id == "VUL-06")
    assert host.merges == ("VEN-08",)
    rows = {row.item.id: row for row in evidence_plan(program).rows}
    assert [count.duties for count in rows["EV-64"].counts] == [("VEN-08",)]
    assert [count.duties for count in rows["EV-68"].counts] == [("VUL-06",)]
    assert list(kit_rules.double_counts(program)) == []
    # Seeded: the vendor checks also cite the advisory checks, so two items count VEN-08's runs.
    seeded, path = _edited_control(tmp_path, "POL-08", "VEN-08", "evidence: [EV-64]", "evidence: [EV-64, EV-68]")
    problems = run_rules(library_view(variant_program("example", seeded)), ["KIT005"])
    assert [p.message.split(": its runs")[0] for p in problems] == ["KIT005 control VEN-08 (merged into VUL-06)"]
    assert "counted by 2 evidence items: EV-64 (periodic, " in problems[0].message and "EV-68 (periodic, " in \
        problems[0].message
    assert (problems[0].where, problems[0].line) == (str(path), control_line(path, "VEN-08"))
    assert "drop the others (EV-64, EV-68)" in problems[0].fix


def test_a_merged_duty_is_held_to_its_own_subject_not_to_its_hosts(library: Library, tmp_path: Path) -> None:
    # Patch records (EV-37, CC7.1) share a criterion with the host VUL-06 but none with the vendor checks VEN-08
    # merged into it: read against the host's criteria they passed; read against the duty they are caught.
    seeded, path = _edited_control(tmp_path, "POL-08", "VEN-08", "evidence: [EV-64]", "evidence: [EV-64, EV-37]")
    program = variant_program("example", seeded)
    assert {"CC7.1", "CC9.2"} <= set(next(c for c in program.controls() if c.id == "VUL-06").criteria)
    problems = run_rules(library_view(program), ["CTL009"])
    assert [p.message for p in problems] == [
        "CTL009 control VEN-08 (merged into VUL-06) (CC9.2, P6.5, CC3.2) cites EV-37, whose subject is other criteria "
        "(CC7.1, CC8.1)"]
    assert (problems[0].where, problems[0].line) == (str(path), control_line(path, "VEN-08"))
    assert "tsc list in catalog/evidence.yaml" in problems[0].fix and "add one" in problems[0].fix
    assert run_rules(library_view(variant_program("example", library)), ["CTL009"]) == []


def test_a_continuous_setting_over_two_systems_is_one_snapshot_its_record_names(
        library: Library, tmp_path: Path) -> None:
    # NET-02 (production in its own network, issue #12 design decision (b)) is shown by the network rules (EV-30)
    # and the environment separation (EV-47), exported on the same two dates: one record per system.
    program = variant_program("acme-us", library)
    rows = {row.item.id: row for row in evidence_plan(program).rows}
    assert rows["EV-30"].count_for("NET-02") == rows["EV-47"].count_for("NET-02") == 2
    assert list(kit_rules.double_counts(program)) == []
    # Seeded: the same control without its record: two items count its runs, and nothing says they are one.
    seeded, path = _edited_control(tmp_path, "POL-15", "NET-02", "    record: [EV-30, EV-47]\n", "")
    problems = run_rules(library_view(variant_program("acme-us", seeded)), ["KIT005"])
    assert [p.message.split(": its runs")[0] for p in problems] == ["KIT005 control NET-02"]
    assert "EV-30 (config, " in problems[0].message and "EV-47 (config, " in problems[0].message
    assert (problems[0].where, problems[0].line) == (str(path), control_line(path, "NET-02"))
    assert "continuous control names in record: the export of each system" in problems[0].fix


def test_an_item_outside_a_controls_record_counts_none_of_its_runs(library: Library) -> None:
    # ACC-05's review is run from the user lists (EV-17) and recorded in the access reviews (EV-21): its runs are
    # counted once, in its record.
    rows = {row.item.id: row for row in evidence_plan(variant_program("acme-us", library)).rows}
    assert "ACC-05" in rows["EV-17"].controls and rows["EV-17"].count_for("ACC-05") == 0
    assert rows["EV-21"].count_for("ACC-05") == 2


def test_every_item_the_matrix_cites_is_defined_on_a_kit_page_for_a_type1_company(library: Library) -> None:
    # nimbus-uk is a Type I: its matrix marks 30 operating items (Type II) that its plan does not ask for (N8).
    program = variant_program("nimbus-uk", library)
    assert not list(kit_rules.undefined_citations(program))
    readiness = kit_pages(program)["readiness.md"]
    assert '<span id="ev-72">EV-72</span>' in readiness and "not requested (Type II)" in readiness
    assert "catalog/" not in kit_pages(variant_program("acme-us", library))["evidence.md"]


def test_an_item_the_matrix_cites_but_no_kit_page_defines_is_caught_with_file_line_and_fix(
        library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    import policyforge.kit._readiness_page as readiness_page

    # The readiness page as it was: only the plan's items and those its checklist names.
    monkeypatch.setattr(readiness_page, "evidence_map", lambda program: EvidenceMap(
        evidence_map(program).report_type, {}))
    program = variant_program("nimbus-uk", library)
    problems = [p for p in run_rules(library_view(program), ["KIT006"]) if p.message.startswith("KIT006 TRN-06 ")]
    assert len(problems) == 2  # the site page and the PDFs' appendix
    assert problems[0].message == ("KIT006 TRN-06 on controls.md cites EV-72, which neither evidence.md nor "
                                   "readiness.md defines")
    assert problems[0].where.endswith("controls/POL-06.yaml") and "readiness page's evidence table" in problems[0].fix
    lines = Path(problems[0].where).read_text(encoding="utf-8").splitlines()
    assert lines[problems[0].line - 1].strip() == "- id: TRN-06"
