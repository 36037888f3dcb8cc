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
from ..kit._sampling import SAMPLING_FILE, load_sampling
from ..model._catalog import Control, id_order
from ..model._commitments import frequency_for
from ..model._facts_schema import ROLE_TITLES
from ..model._roles import role_title
from ..program._program import Program
from ..program._proof import LATER_MARK, evidence_map
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


# ---------------------------------------------------------------------------------------------- signer
_SIGNED_BY = r"\b(?:signed off|countersigned|signed|owned) by the ({titles})\b"
_SIGNS = re.compile(r"\bsign(?:s|ed)?\b|\bsign-off\b", re.IGNORECASE)


def _signer_pattern(program: Program) -> re.Pattern[str]:
    titles = {role_title(program.facts, role) for role in ROLE_TITLES} | {"CEO", "CTO"}
    return re.compile(_SIGNED_BY.format(titles="|".join(sorted(map(re.escape, titles), key=len, reverse=True))))


def _signed_controls(view: RuleInput, controls: list[Control]) -> list[Control]:
    """Return the item's controls whose statements say they are signed off, else all its controls."""
    return [c for c in controls if _SIGNS.search(view.statements.get(c.id, ""))] or controls


def _titles(program: Program, controls: list[Control]) -> set[str]:
    """Return the titles of the controls' owners, with "CEO" and "CTO" for those offices."""
    titles = {role_title(program.facts, c.owner) for c in controls}
    return titles | {short for short, role in (("CEO", "ceo"), ("CTO", "cto"))
                     if role_title(program.facts, role) in titles}


def signers_own_the_controls(view: RuleInput) -> Iterator[Problem]:
    """An evidence item is signed off by the owner of a control it proves, never by a role typed into its text.

    A tester samples the item against the control as written: "signed off by the Security Officer" on the
    evidence of a control the Chief Executive Officer signs off is an exception before any sample is drawn.
    The signer the text names must own one of the item's controls whose statement says it is signed (or,
    when none says so, one of its controls).
    """
    pattern, citing = _signer_pattern(view.program), serving(view.program)
    seen: set[str] = set()
    for row in printed_rows(view.program):
        controls = citing.get(row.evidence, [])
        if row.evidence in seen or not controls:
            continue
        signed = _signed_controls(view, controls)
        allowed = _titles(view.program, signed)
        for found in pattern.finditer(row.text):
            if found.group(1) in allowed:
                continue
            seen.add(row.evidence)
            where, line = _item_line(view.program, row.evidence)
            owners = ", ".join(sorted(f"{c.id} ({role_title(view.program.facts, c.owner)})" for c in signed))
            yield Problem(where, f"{row.evidence} on {row.page} reads '{found.group(0)}', but the controls it proves "
                          f"are signed off by their owners: {owners}",
                          f"print the owner of the control it proves, {{{{ owner_of('{signed[0].id}') }}}}, in the "
                          "item's detail", line)
            break


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


def _ids(ids: set[str]) -> str:
    """Return evidence ids in number order (EV-99 before EV-100), comma-separated."""
    return ", ".join(sorted(ids, key=id_order))


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
                details.append(f"cites {_ids(requested - expected)}, which the evidence plan does not ask for it")
            if expected - requested:
                details.append(f"omits {_ids(expected - requested)}, which the evidence plan lists for it")
            if later & expected:
                details.append(f"marks {_ids(later & expected)} {LATER_MARK} though the evidence plan asks for it")
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
@dataclass(frozen=True)
class ShortCount:
    """A duty whose evidence does not show the runs or events the sampling table asks of a Type II window.

    ``duty`` is the control whose own proof falls short (a control merged into a lean host is proved on its
    own); ``needed`` is the sampling table's count for its frequency, or the per-event sample for a control
    run on each event.
    """

    duty: Control
    host: str
    needed: int
    rows: tuple[EvidenceRow, ...]


def shows(row: EvidenceRow, control: str, frequency: str, needed: int) -> bool:
    """Return whether an item's artefacts show the runs or events of one duty, on the duty's own basis.

    ``control`` is the control in force whose run the duty is (its own id, or the lean host it is merged
    into: one run and one record serve both). An item counts what its kind holds
    (``kit._evidence.KIND_TITLES``):

    - a document is one version: it is the one run of a control the window asks once of (an annual review of
      that document), and never the runs of a control that runs more often, nor the events of a per-event one;
    - a population or record holds the events it is about; a population that proves no per-event control is
      the population of its controls' runs, holding every one;
    - otherwise an item shows a recurring or continuous duty only by the count it lists for that duty's own
      control (``EvidenceRow.counts``): ten weekly records of another control never show two quarterly runs.
    """
    if row.item.kind == "document":
        return frequency != "per-event" and needed == 1
    if frequency == "per-event" or (row.item.kind == "population" and not row.counts):
        return True
    return row.count_for(control) >= needed


def short_counts(program: Program) -> Iterator[ShortCount]:
    """Yield each duty whose own evidence shows fewer runs or events than the sampling table asks of the window.

    Only a Type II report counts runs. Each duty of a control in force is checked on its own (a lean
    host's own duty and each control merged into it, ``program._proof``), against the items its own proof
    asks for: a recurring or continuous control needs the table's count for its frequency, a per-event
    control records of its events for the auditor to draw the table's per-event sample from (``shows``).
    """
    plan = evidence_plan(program)
    if not plan.window.type2:
        return
    sampling = load_sampling(program.library.root)
    rows = {row.item.id: row for row in plan.rows}
    proofs = evidence_map(program)
    for control in program.controls():
        for part in proofs.proof(control.id).parts:
            duty = control if part.control == control.id else program.control(part.control)
            if duty is None:
                continue
            if duty.frequency == "per-event":
                needed: int | None = sampling.per_event
            else:
                needed = sample_count(duty.frequency, plan.window, sampling) \
                    if duty.frequency in (*RECURRING, "continuous") else None
            if needed is None:
                continue
            proving = tuple(rows[eid] for eid in part.requested if eid in rows)
            if not any(shows(row, control.id, duty.frequency, needed) for row in proving):
                yield ShortCount(duty, control.id, needed, proving)


def _shown(rows: tuple[EvidenceRow, ...]) -> str:
    """Return what each item counts, as the evidence plan prints it: ``EV-21 (periodic, 5 = 3 × ACC-03 ...)``."""
    return ", ".join(f"{row.item.id} ({row.item.kind}, {row.needed_text})" for row in rows) or "no item"


_ADVERBS: dict[str, str] = {"annual": "annually", "semiannual": "every six months"}


def _runs(frequency: str) -> str:
    return "is a continuous setting" if frequency == "continuous" else f"runs {_ADVERBS.get(frequency, frequency)}"


def _count_problem(short: ShortCount, months: int) -> tuple[str, str]:
    """Return the message and the fix for one short duty."""
    duty = short.duty
    shown = _shown(short.rows)
    merged = f" (merged into {short.host})" if short.host != duty.id else ""
    if duty.frequency == "per-event":
        return (f"control {duty.id}{merged} runs on each event, so a Type II window needs the records of its events "
                f"for the auditor to draw the sampling table's per-event sample of {short.needed} "
                f"({SAMPLING_FILE}, per_event), but its evidence shows none: {shown}",
                "add a population item (every event of the control in the window, exported from its system of "
                "record) to catalog/evidence.yaml at the end of the numbering and cite it in the control's "
                "evidence: list; a document shows the control's design, not its events")
    plural = "s" if short.needed != 1 else ""
    return (f"control {duty.id}{merged} {_runs(duty.frequency)}, so the sampling table asks for {short.needed} dated "
            f"artefact{plural} of its own runs in the {months}-month window ({SAMPLING_FILE}, sizes.{duty.frequency}), "
            f"but its evidence counts fewer runs of {short.host}: {shown}",
            "cite a periodic item (or, for a continuous setting, a configuration export) that counts this "
            "control's own runs at its frequency: add it to catalog/evidence.yaml at the end of the numbering and "
            "list it in the control's evidence:; a document counts once, and another control's runs, however "
            "many, are not this control's")


def counts_meet_the_sampling_table(view: RuleInput) -> Iterator[Problem]:
    """Every recurring, continuous and per-event control shows its own runs or events, as many as the table asks."""
    window = audit_window(view.program.facts)
    for short in short_counts(view.program):
        where, line = view.control_location(short.duty)
        message, fix = _count_problem(short, window.months)
        yield Problem(where, message, fix, line)


def counted_on_events(row: EvidenceRow) -> bool:
    """Return whether an item's artefacts are the events themselves: a population, or records counted per event.

    A periodic record or configuration export counted at a recurring control's cadence holds that control's
    runs (two quarterly exports), not a population of another control's events for the auditor to sample.
    """
    on_events = not row.counts and row.frequency.rsplit(" + ", 1)[-1] in ("per-event", "")
    return row.item.kind == "population" or (row.item.kind != "document" and on_events)


def unsampled_events(program: Program) -> Iterator[ShortCount]:
    """Yield each per-event duty of a Type II window with no item of its own counted on its events."""
    plan = evidence_plan(program)
    if not plan.window.type2:
        return
    per_event = load_sampling(program.library.root).per_event
    rows = {row.item.id: row for row in plan.rows}
    proofs = evidence_map(program)
    for control in program.controls():
        for part in proofs.proof(control.id).parts:
            duty = control if part.control == control.id else program.control(part.control)
            if duty is None or duty.frequency != "per-event":
                continue
            proving = tuple(rows[eid] for eid in part.requested if eid in rows)
            if not any(counted_on_events(row) for row in proving):
                yield ShortCount(duty, control.id, per_event, proving)


def events_are_sampled(view: RuleInput) -> Iterator[Problem]:
    """Every per-event control of a Type II window has a population of its own events to sample from."""
    for short in unsampled_events(view.program):
        where, line = view.control_location(short.duty)
        merged = f" (merged into {short.host})" if short.host != short.duty.id else ""
        shown = _shown(short.rows)
        yield Problem(where, f"control {short.duty.id}{merged} runs on each event, but its evidence counts other "
                      f"controls' runs, not its events: {shown}; the auditor draws the sampling table's per-event "
                      f"sample of {short.needed} ({SAMPLING_FILE}, per_event) from a population of them",
                      "add a population item (every event of the control in the window, exported from its system of "
                      "record) to catalog/evidence.yaml at the end of the numbering and cite it in the control's "
                      "evidence: list", line)


def double_counts(program: Program) -> Iterator[tuple[Control, tuple[EvidenceRow, ...]]]:
    """Yield each duty whose runs two or more evidence items of the plan count, with those items.

    The auditor samples a control's runs once: two items each asking for the same runs (the committee's
    quarterly meeting as minutes and again as "internal control review results") double the artefacts the
    plan asks for and leave the owner unsure which one is the record. Counted per duty, as the plan counts
    (``RunCount.duties``): in a small company's lean program a host and the controls merged into it are one
    run, and each duty's own item (the advisory checks of VUL-06, the vendor checks of VEN-08 merged into it)
    counts that duty, so two items of two merged duties are not two counts of one. A continuous control whose
    setting spans several systems names the export of each in ``record:``: taken on the same dates they are one
    snapshot per date, one record per system, and count once.
    """
    plan = evidence_plan(program)
    counting: dict[str, list[EvidenceRow]] = {}
    for row in plan.rows:
        for count in row.counts:
            for duty_id in count.duties or (count.control,):
                counting.setdefault(duty_id, []).append(row)
    for duty_id, rows in sorted(counting.items(), key=lambda entry: id_order(entry[0])):
        duty = program.control(duty_id)
        if len(rows) < 2 or duty is None:
            continue
        snapshot = duty.frequency == "continuous" and {row.item.id for row in rows} <= set(duty.record)
        if not snapshot:
            yield duty, tuple(rows)


def runs_counted_once(view: RuleInput) -> Iterator[Problem]:
    """Each control's runs are counted by one evidence item of the plan: its record."""
    for duty, rows in double_counts(view.program):
        where, line = view.control_location(duty)
        host = view.program.merged_host(duty.id)
        merged = f" (merged into {host})" if host else ""
        ids = ", ".join(row.item.id for row in rows)
        yield Problem(where, f"control {duty.id}{merged}: its runs are counted by {len(rows)} evidence items: "
                      f"{_shown(rows)}",
                      f"keep in its evidence: list the one item that records each run (its minutes, report or "
                      f"export) and drop the others ({ids}), or name it with record: [EV-NN] if the others show "
                      "something else about the control (its design, the lists a review is run from); a continuous "
                      "control names in record: the export of each system its setting spans, taken on the same "
                      "dates", line)


# ---------------------------------------------------------------------------------------------- citations
def undefined_citations(program: Program) -> Iterator[tuple[str, str, tuple[str, ...]]]:
    """Yield (page, control id, item ids) for each matrix row citing items neither kit page defines.

    An auditor reads the control matrix beside the evidence plan and the readiness page: every item a
    control cites, those marked (Type II) among them, must be found in one of them with what it is.
    """
    defined = {row.evidence for row in printed_rows(program)}
    for page, text in ((MATRIX_PAGE, grouped_matrix_page(program)), (MATRIX_APPENDIX, program.matrix_page())):
        for control, (requested, later) in matrix_evidence(text).items():
            missing = (requested | later) - defined
            if missing:
                yield page, control, tuple(sorted(missing, key=id_order))


def cited_evidence_is_defined(view: RuleInput) -> Iterator[Problem]:
    """Every evidence item the control matrix cites is defined on the evidence plan or the readiness page."""
    controls = {c.id: c for c in view.controls()}
    for page, control, missing in undefined_citations(view.program):
        if control not in controls:
            continue
        where, line = view.control_location(controls[control])
        yield Problem(where, f"{control} on {page} cites {', '.join(missing)}, which neither {EVIDENCE_PAGE} nor "
                      f"{READINESS_PAGE} defines",
                      "list every item the matrix cites on the readiness page's evidence table "
                      "(kit/_readiness_page.py, evidence_section: the plan's items and the matrix's (Type II) ones, "
                      "from program._proof.evidence_map), or cite only items the company's plan asks for", line)
