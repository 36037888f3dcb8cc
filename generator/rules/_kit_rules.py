"""Rules over the audit kit's pages: the control matrix, evidence plan and readiness page say one thing.

The evidence plan and the readiness page print how often each evidence item is produced and what it
holds. They are read back as printed, row by row: every cadence a row states (in its frequency cell
or in its text) must be the frequency of a control in force that the item proves, with those
controls named, and the text must hold for the company (no recovery region without one, no office
for a remote company, no board without one, no HIPAA without health data). The control matrix (site
page and PDF appendix) is read back too: each control cites exactly the items the evidence plan asks
for it, and the readiness page lists every item of the plan with the plan's schedule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .._errors import Problem
from ..kit._evidence import RECURRING, EvidenceRow, audit_window, evidence_page, evidence_plan, sample_count
from ..kit._evidence_text import EVIDENCE_FILE, parse_schedule, schedule_text, serving
from ..kit._readiness import assess
from ..kit._readiness_page import evidence_section
from ..kit._sampling import load_sampling
from ..model._catalog import Control
from ..model._commitments import frequency_for
from ..program._program import Program
from ..program._proof import LATER_MARK
from ..render._tailoring import has_regional_copy
from ..site._matrix import grouped_matrix_page
from ._base import RuleInput
from ._fit_rules import _NO_OFFICE, _NO_SECOND_REGION, OFFICE_DUTY, SECOND_REGION_DUTY

EVIDENCE_PAGE, READINESS_PAGE = "evidence.md", "readiness.md"
MATRIX_PAGE, MATRIX_APPENDIX = "controls.md", "the control matrix appendix of the PDFs"
_MATRIX_ROW = re.compile(r"^\| ([A-Z]{2,4}-\d{2}) \|")
_EVIDENCE_ID = re.compile(r"\bEV-\d+\b")
_CELL = re.compile(r"(?<!\\)\|")
_READINESS_ROW = re.compile(r'^\| <span id="ev-\d+">(EV-\d+)</span> \|')
_PLAN_ROW = re.compile(r"^\| \*\*(EV-\d+) ")
_CONTROL_ID = re.compile(r"\[([A-Z]{2,4}-\d{2})\]|\b([A-Z]{2,4}-\d{2})\b")
# Cadence words in running text, and the control frequency each states.
_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bdaily\b|\bevery day\b|\beach day\b", "daily"),
    (r"\bweekly\b|\bevery week\b|\beach week\b", "weekly"),
    (r"\bmonthly\b|\bevery month\b|\beach month\b", "monthly"),
    (r"\bquarterly\b|\bevery quarter\b|\beach quarter\b", "quarterly"),
    (r"\bsemi-?annual\b|\btwice a year\b|\bevery half[- ]year\b", "semiannual"),
    (r"\bannual\b|\byearly\b|\bevery year\b|\beach year\b|\bonce a year\b", "annual"),
)
_NUMBERED = re.compile(r"\b(?:every|within the last|in the last)\s+(\d+)\s+(day|week|month|year)s?\b", re.IGNORECASE)
# Words that belong to a board, and to health data under HIPAA.
BOARD_WORDS = re.compile(r"\b[Bb]oard\b(?! of directors has no)")
PHI_WORDS = re.compile(r"\bHIPAA\b|\bPHI\b|\bBAAs?\b|business associate", re.IGNORECASE)


@dataclass(frozen=True)
class PrintedRow:
    """One evidence row as a page prints it: the item, its text, its frequency cell and its controls."""

    page: str
    evidence: str
    text: str
    frequency: str
    controls: tuple[str, ...] | None


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in _CELL.split(line)[1:-1]]


def printed_rows(program: Program) -> list[PrintedRow]:
    """Return the evidence rows of the evidence plan and of the readiness page, read from their Markdown."""
    rows: list[PrintedRow] = []
    for line in evidence_page(program).splitlines():
        plan_match = _PLAN_ROW.match(line)
        if plan_match:
            cells = _cells(line)
            ids = tuple(a or b for a, b in _CONTROL_ID.findall(cells[5]))
            rows.append(PrintedRow(EVIDENCE_PAGE, plan_match.group(1), cells[0], cells[2], ids))
    for line in evidence_section(program, assess(program, None)):
        match = _READINESS_ROW.match(line)
        if match:
            cells = _cells(line)
            rows.append(PrintedRow(READINESS_PAGE, match.group(1), cells[1], cells[3], None))
    return rows


def text_cadences(text: str) -> set[str]:
    """Return the control frequencies a sentence states ("each weekly review" states weekly)."""
    found = {frequency for pattern, frequency in _WORDS if re.search(pattern, text, re.IGNORECASE)}
    for number, unit in _NUMBERED.findall(text):
        found.add(frequency_for(float(number), unit.lower()))
    return found


def _item_line(program: Program, evidence: str) -> tuple[str, int | None]:
    path = Path(program.library.root) / EVIDENCE_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return str(path), None
    return str(path), next((n for n, text in enumerate(lines, 1) if text.strip() == f"- id: {evidence}"), None)


def cadence_disagreements(program: Program) -> Iterator[tuple[PrintedRow, str]]:
    """Yield each printed row whose cadence is not that of the controls it serves, with what differs."""
    controls = {c.id: c for c in program.controls()}
    citing = serving(program)
    for row in printed_rows(program):
        served = [controls[cid] for cid in row.controls if cid in controls] if row.controls is not None \
            else citing.get(row.evidence, [])
        expected = {(c.frequency, c.id) for c in served}
        printed = parse_schedule(row.frequency)
        if printed != expected:
            missing = sorted(f"{f} ({cid})" for f, cid in expected - printed)
            extra = sorted(f"{f} ({cid})" if cid else f for f, cid in printed - expected)
            yield row, (f"prints {row.frequency!r} where its controls run "
                        f"{'; '.join(sorted(f'{f} ({cid})' for f, cid in expected))!r}"
                        f"{' (missing ' + ', '.join(missing) + ')' if missing else ''}"
                        f"{' (not a control frequency: ' + ', '.join(extra) + ')' if extra else ''}")
        frequencies = {c.frequency for c in served}
        stray = sorted(text_cadences(row.text) - frequencies)
        if stray:
            yield row, (f"its text states {', '.join(stray)} but its controls run "
                        f"{', '.join(sorted(frequencies)) or 'on no schedule'}: …{row.text[:100]}…")
    # The plan's sampling cadence (its CSV and workbook Frequency column) is the most frequent control's.
    plan = evidence_plan(program)
    for plan_row in plan.rows:
        ran = [controls[cid].frequency for cid in plan_row.controls if cid in controls]
        recurring = [f for f in ran if f in RECURRING]
        sampled = min(recurring, key=RECURRING.index) if recurring else "continuous" if "continuous" in ran else None
        label = plan_row.frequency.rsplit(" + ", 1)[-1]
        shown = None if label in ("per-event", "") else label
        if shown != sampled:
            yield (PrintedRow("evidence plan export", plan_row.item.id, "", plan_row.frequency, plan_row.controls),
                   f"is sampled {shown or 'per event'} where its most frequent control runs {sampled or 'per event'}")


def evidence_cadences_agree(view: RuleInput) -> Iterator[Problem]:
    """Each evidence row states its controls' frequencies, and the pages name one set of evidence per control."""
    for row, message in cadence_disagreements(view.program):
        where, line = _item_line(view.program, row.evidence)
        yield Problem(where, f"{row.evidence} on {row.page} {message}",
                      "print the cadence from the controls (kit._evidence_text.schedule) and, in the item's text, "
                      "from the named commitment ({{ commit.NAME.every }}), or drop the cadence word", line)
    yield from matrix_agrees_with_plan(view)


def _unfit(program: Program) -> list[tuple[re.Pattern[str], re.Pattern[str] | None, str, str]]:
    facts = program.facts
    checks: list[tuple[re.Pattern[str], re.Pattern[str] | None, str, str]] = []
    if not has_regional_copy(facts, program.library.catalog.places):
        checks.append((SECOND_REGION_DUTY, _NO_SECOND_REGION, "its backups stay in one region",
                       "{% if residency.regional_copy %}"))
    if facts.shape.work_model == "remote":
        checks.append((OFFICE_DUTY, _NO_OFFICE, "it is fully remote", "{% if shape.work_model != \"remote\" %}"))
    if not facts.shape.has_board:
        checks.append((BOARD_WORDS, None, "it has no board", "{% if gov.board %}"))
    if not facts.get("data.phi"):
        checks.append((PHI_WORDS, None, "it holds no health data (PHI)", "{% if data.phi %}"))
    return checks


def kit_text_fits_the_company(view: RuleInput) -> Iterator[Problem]:
    """The evidence plan and readiness page ask for nothing the company's facts rule out."""
    checks = _unfit(view.program)
    seen: set[tuple[str, str]] = set()
    for row in printed_rows(view.program):
        for duty, exempt, reason, branch in checks:
            found = duty.search(row.text)
            if not found or (exempt is not None and exempt.search(row.text)) or (row.evidence, reason) in seen:
                continue
            seen.add((row.evidence, reason))
            where, line = _item_line(view.program, row.evidence)
            yield Problem(where, f"{row.evidence} on {row.page} reads '{found.group(0)}', but {reason}: "
                          f"…{row.text[:120]}…", f"put the words under {branch} in the item's detail", line)


# ---------------------------------------------------------------------------------------------- matrix
def matrix_evidence(page: str) -> dict[str, tuple[set[str], set[str]]]:
    """Return each control row of a printed control matrix with the items it cites: (requested, Type II later)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for line in page.splitlines():
        match = _MATRIX_ROW.match(line)
        if not match:
            continue
        requested: set[str] = set()
        later: set[str] = set()
        for part in re.split(r"[;,]", _cells(line)[-1]):
            ids = _EVIDENCE_ID.findall(part)
            (later if LATER_MARK in part else requested).update(ids)
        found[match.group(1)] = (requested, later)
    return found


def matrix_disagreements(program: Program) -> Iterator[tuple[str, str, str]]:
    """Yield (page, control or item id, what differs) where the matrix or readiness page leaves the evidence plan.

    The control matrix must cite, for each control, the items the evidence plan lists it under (items a
    later Type II window asks for only marked so); the readiness page must list every item of the plan
    with the plan's schedule.
    """
    plan = evidence_plan(program)
    planned: dict[str, set[str]] = {}
    for row in plan.rows:
        for cid in row.controls:
            planned.setdefault(cid, set()).add(row.item.id)
    for page, text in ((MATRIX_PAGE, grouped_matrix_page(program)), (MATRIX_APPENDIX, program.matrix_page())):
        printed = matrix_evidence(text)
        for control in program.controls():
            if control.id not in printed:
                continue
            requested, later = printed[control.id]
            expected = planned.get(control.id, set())
            if requested == expected and not later & expected:
                continue
            details = []
            if requested - expected:
                details.append(f"cites {', '.join(sorted(requested - expected))}, which the evidence plan does not "
                               f"ask for it")
            if expected - requested:
                details.append(f"omits {', '.join(sorted(expected - requested))}, which the evidence plan lists "
                               f"for it")
            if later & expected:
                details.append(f"marks {', '.join(sorted(later & expected))} {LATER_MARK} though the evidence plan "
                               f"asks for it")
            yield page, control.id, "; ".join(details)
    shown = {row.evidence: row for row in printed_rows(program) if row.page == READINESS_PAGE}
    for plan_row in plan.rows:
        readiness_row = shown.get(plan_row.item.id)
        if readiness_row is None:
            yield READINESS_PAGE, plan_row.item.id, "is in the evidence plan but not on the readiness page"
        elif parse_schedule(readiness_row.frequency) != parse_schedule(schedule_text(plan_row.schedule)):
            yield (READINESS_PAGE, plan_row.item.id, f"is refreshed {readiness_row.frequency!r} where the evidence "
                   f"plan has it {schedule_text(plan_row.schedule)!r}")


def matrix_agrees_with_plan(view: RuleInput) -> Iterator[Problem]:
    """The control matrix and the readiness page name, for each control, the evidence the evidence plan asks for."""
    controls = {c.id: c for c in view.controls()}
    for page, key, message in matrix_disagreements(view.program):
        if key in controls:
            where, line = view.control_location(controls[key])
            fix = ("print the matrix's evidence cell from program._proof.evidence_map (ControlProof.cell), the "
                   "answer the evidence plan is built from")
        else:
            where, line = _item_line(view.program, key)
            fix = ("list every item of the evidence plan on the readiness page, with the schedule of "
                   "program._proof.evidence_map")
        yield Problem(where, f"{key} on {page} {message}", fix, line)


# ---------------------------------------------------------------------------------------------- counts
def _artefacts(row: EvidenceRow) -> int | None:
    """Return how many runs of a control an item's artefacts show; None for a population (every run)."""
    if isinstance(row.needed, int):
        return row.needed
    if row.needed.startswith("population"):
        return None
    return 1


def short_counts(program: Program) -> Iterator[tuple[Control, int, list[EvidenceRow]]]:
    """Yield each recurring control whose evidence shows fewer runs than the sampling table asks of the window.

    Only a Type II report counts runs. A population holds every occurrence; a periodic item or a
    configuration export shows as many as the plan asks for; a document shows one (its current version).
    """
    plan = evidence_plan(program)
    if not plan.window.type2:
        return
    sampling = load_sampling(program.library.root)
    rows: dict[str, list[EvidenceRow]] = {}
    for row in plan.rows:
        for cid in row.controls:
            rows.setdefault(cid, []).append(row)
    for control in program.controls():
        if control.frequency not in RECURRING:
            continue
        needed = sample_count(control.frequency, plan.window, sampling)
        proving = rows.get(control.id, [])
        counts = [_artefacts(row) for row in proving]
        if needed is not None and not any(count is None or count >= needed for count in counts):
            yield control, needed, proving


def counts_meet_the_sampling_table(view: RuleInput) -> Iterator[Problem]:
    """Every recurring control has an evidence item whose artefact count meets its sampling-table row."""
    window = audit_window(view.program.facts)
    for control, needed, rows in short_counts(view.program):
        where, line = view.control_location(control)
        shown = ", ".join(f"{row.item.id} ({row.item.kind}, {row.needed})" for row in rows) or "no item"
        yield Problem(where, f"control {control.id} runs {control.frequency}, so the sampling table asks for "
                      f"{needed} dated artefacts in the {window.months}-month window, but its evidence shows fewer "
                      f"runs: {shown}",
                      "add a periodic item for the control's runs to catalog/evidence.yaml (at the end of the "
                      "numbering) and cite it in the control's evidence: list", line)
