"""The evidence plan: every artefact the auditor will ask for, derived from the controls in force.

Auditors work from a request list ("PBC list"). Rather than a generic list, the plan holds only
the evidence items (``catalog/evidence.yaml``) that the company's in-scope controls cite, names
the person who produces each and the company's own tool it is exported from, and states how many
artefacts the observation window needs (Type II) or that they are shown as of one date (Type I).
It is published as a site page and exported as Markdown, CSV or an Excel workbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .._errors import Problem, TemplateError
from ..model._catalog import Control, EvidenceItem, id_order, line_of, read_catalog_yaml
from ..model._facts import Facts
from ..model._facts_schema import FACT_SPECS, ROLE_TITLES, ReportType
from ..model._roles import role_title
from ..program._program import CATEGORY_TITLES, Program
from ..program._proof import DESIGN_EVIDENCE, LATER_MARK, WALKTHROUGH, EvidenceMap, evidence_map
from ..render._context import add_months
from ..render._escape import markdown_text
from ..render._render import long_date
from ._evidence_text import Schedule, company_items, plain_text, schedule, schedule_text
from ._sampling import SamplingTable, load_sampling
from ._workbook import workbook_bytes

SYSTEMS_FILE = "catalog/evidence_systems.yaml"
CLOUD = "cloud"
PERIOD_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "semiannual": 6, "annual": 12}
# Schedules people keep (calendar entries), most frequent first.
SCHEDULED: tuple[str, ...] = ("weekly", "monthly", "quarterly", "semiannual", "annual")
# Schedules a control runs on, most frequent first (an item is produced at its most frequent control's).
RECURRING: tuple[str, ...] = ("daily", *SCHEDULED)
# Series whose runs fall in a month of their own inside the window (``kit._calendar.run_offset``), not all in
# its first days; the plan prints each such control's run month.
SPREAD: tuple[str, ...] = ("semiannual", "annual")
# Frequencies whose runs the sampling table counts: each control's own row, continuous settings included.
COUNTED: tuple[str, ...] = ("continuous", *RECURRING)
KIND_TITLES: dict[str, str] = {
    "population": "every occurrence in the window, exported in full so the auditor can draw the sampling table's "
                  "per-event sample",
    "periodic": "dated artefacts of each recurring control it proves, as many as the sampling table asks for that "
                "control's frequency",
    "config": "timestamped exports of a setting, as many as the sampling table asks for each control it proves",
    "document": "the current dated and approved version",
}
# The export's columns. "Needed" is always a number (sortable); "Basis" says what it counts. Status,
# Due, Assignee and Link are for the people collecting: Status starts at the first of STATUSES, Due
# is the last day of the window (the as-of date for Type I), Assignee is the owner, Link is where the
# collector records the artefact's location.
COLUMNS: tuple[str, ...] = (
    "ID", "Evidence", "Detail", "Kind", "Frequency", "Type I", "Needed", "Basis", "Status", "Due", "Assignee",
    "Link", "Owner", "Owner email", "System", "Controls", "Criteria", "Control frequencies",
)
FREQUENCY_NOTE = ("An item is produced as often as the controls it proves run: its frequency lists each control's "
                  "frequency, set by the same named commitment as the control's statement in its policy. Periodic "
                  "records and configuration exports are counted per control, each at the sampling table's size for "
                  "that control's own frequency, and the item asks for their sum (3 × ACC-03 (monthly) + 2 × ACC-05 "
                  "(quarterly) is 5): the auditor samples each control on its own, so ten weekly records do not show "
                  "two quarterly reviews. Each control's runs are counted once, in the item that records them; a "
                  "continuous setting that spans several systems is shown by the export of each, taken on the same "
                  "dates. A control merged into another is run and recorded with it, so one count "
                  "serves both. A semiannual or annual control's count names the month the control calendar runs it "
                  "in, inside the window. A population holds every occurrence of its events, and a recurring or "
                  "continuous control it also proves adds that control's count. A document counts once, as its "
                  "current approved version, so a control that must show more than one run in the window is also "
                  "proved by an item that counts its runs.")
STATUSES: tuple[str, ...] = ("Not started", "Requested", "Collected", "Accepted by auditor")
FORMATS: tuple[str, ...] = ("md", "csv", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------- window
@dataclass(frozen=True)
class AuditWindow:
    """The period the auditor tests (Type II) or the single date of a Type I report."""

    report_type: ReportType
    start: dt.date
    months: int

    @property
    def type2(self) -> bool:
        """Return whether controls are tested over a period (Type II) rather than at a date."""
        return self.report_type == ReportType.TYPE2

    @property
    def end(self) -> dt.date:
        """Return the last day of the window (the as-of date itself for Type I)."""
        return add_months(self.start, self.months) - dt.timedelta(days=1) if self.type2 else self.start

    @property
    def days(self) -> int:
        """Return the number of days in the window."""
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """Return the window in words, for page summaries."""
        if self.type2:
            return (f"Type II observation window {long_date(self.start)} to {long_date(self.end)} "
                    f"({self.months} months)")
        return f"Type I as of {long_date(self.start)}"


def audit_window(facts: Facts) -> AuditWindow:
    """Return the company's audit window from ``audit.*`` in ``company.yml``."""
    return AuditWindow(facts.audit.report_type, facts.audit.observation_start,
                       int(facts.audit.observation_months))


def occurrences(period: str, window: AuditWindow) -> int:
    """Return how many times a control of this period runs in a Type II window.

    Periods count from the window start, so a quarterly control runs twice in six months and a
    weekly one every seven days; an annual control needs one run (within 12 months of the end).
    """
    if period == "daily":
        return window.days
    if period == "weekly":
        return math.ceil(window.days / 7)
    return math.ceil(window.months / PERIOD_MONTHS[period])


# ---------------------------------------------------------------------------------------------- systems
def _fact_paths() -> set[str]:
    return {spec.dotted for spec in FACT_SPECS if spec.kind in ("text", "url")}


def load_evidence_systems(library_root: Path, evidence_ids: set[str]) -> dict[str, tuple[str, ...]]:
    """Read ``catalog/evidence_systems.yaml``: for each evidence id, the facts naming its system."""
    path = library_root / SYSTEMS_FILE
    where = str(path)
    data, text = read_catalog_yaml(path, "add it with one `EV-NN: {system: [...]}` line per "
                                         "evidence item of catalog/evidence.yaml")
    entries = data.get("evidence") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TemplateError([Problem(where, "must hold an `evidence:` mapping", "see the comment at its top")])

    known = _fact_paths()
    problems: list[Problem] = []
    systems: dict[str, tuple[str, ...]] = {}
    for key, entry in entries.items():
        if key not in evidence_ids:
            problems.append(Problem(where, f"{key}: not an evidence id", "use an id from catalog/evidence.yaml",
                                    line_of(text, f"{key}:")))
            continue
        paths = entry.get("system") if isinstance(entry, dict) else None
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            problems.append(Problem(where, f"{key}: needs `system:` with a list", "write {system: [stack.ticketing]}",
                                    line_of(text, f"{key}:")))
            continue
        for fact in paths:
            if fact != CLOUD and fact not in known:
                problems.append(Problem(where, f"{key}: {fact!r} is not a tool fact",
                                        "use `cloud` or a fact such as stack.ticketing", line_of(text, f"{key}:")))
        systems[key] = tuple(paths)
    for missing in sorted(evidence_ids - set(entries), key=id_order):
        problems.append(Problem(where, f"{missing}: no system given", f"add `{missing}: {{system: [...]}}`"))
    if problems:
        raise TemplateError(problems)
    return systems


def system_names(paths: tuple[str, ...], program: Program) -> tuple[str, ...]:
    """Return the company's names for the systems an item comes from (blank facts are left out)."""
    names: list[str] = []
    for path in paths:
        if path == CLOUD:
            providers = program.library.catalog.providers
            names += [providers[p]["name"] for p in program.facts.stack.cloud_providers]
        else:
            value = program.facts.named_text(path)
            if value:
                names.append(value)
    return tuple(dict.fromkeys(names))


# ---------------------------------------------------------------------------------------------- cadence
@dataclass(frozen=True)
class Cadence:
    """How often an item's artefact is produced: on each event, on a period, or both."""

    events: bool
    period: str | None

    @property
    def label(self) -> str:
        """Return the frequency as shown in the plan (``per-event + annual``)."""
        return " + ".join((["per-event"] if self.events else []) + ([self.period] if self.period else []))


def cadence(item: EvidenceItem, frequencies: list[str]) -> Cadence:
    """Return the cadence an item is sampled at, from the frequencies of the controls it proves.

    The most frequent schedule wins: when one control runs monthly and another quarterly, the auditor
    samples the months. A population is produced on each event, as is an item whose controls only
    run on events. Controls that only run continuously are automated and shown as such.
    """
    recurring = [f for f in frequencies if f in RECURRING]
    period = min(recurring, key=RECURRING.index) if recurring else \
        "continuous" if "continuous" in frequencies else None
    events = item.kind == "population" or (period is None and "per-event" in frequencies)
    return Cadence(events, period)


def sample_count(period: str, window: AuditWindow, sampling: SamplingTable) -> int | None:
    """Return how many artefacts of a control of this period the window needs, from the sampling table.

    The table's size for the frequency, never more than the occurrences the window holds; None for a
    period the table has no row for (a point-in-time setting).
    """
    size = sampling.size(period)
    if size is None:
        return None
    if period == "continuous":
        return size
    return min(size, occurrences(period, window))


@dataclass(frozen=True)
class RunCount:
    """The dated artefacts an item holds of one control's runs: the sampling table's count for its frequency.

    ``control`` is a control in force; ``duties`` are those of its duties the item proves: its own and any
    control merged into it (a small company's lean program), run and recorded with it, so one run and one
    count serve them all.
    """

    control: str
    frequency: str
    count: int
    duties: tuple[str, ...] = ()
    # The days a semiannual or annual control runs in the window, as the control calendar schedules them.
    dates: tuple[dt.date, ...] = ()

    def text(self) -> str:
        """Return the count as the pages print it: ``3 × ACC-03 (monthly)``, a merged duty with its host's run."""
        duties = self.duties or (self.control,)
        when = self.frequency + self._months()
        if duties == (self.control,):
            return f"{self.count} × {self.control} ({when})"
        if self.control in duties:
            others = ", ".join(d for d in duties if d != self.control)
            return f"{self.count} × {self.control} with {others} ({when}, one run)"
        return f"{self.count} × {', '.join(duties)} ({when}, run with {self.control})"

    def _months(self) -> str:
        """Return ``, run in April 2027`` for a control the calendar gives a month of its own, else nothing."""
        if self.frequency not in SPREAD or not self.dates:
            return ""
        return ", run in " + " and ".join(f"{day:%B %Y}" for day in self.dates)


def run_counts(item: EvidenceItem, proved: list[Control], window: AuditWindow, sampling: SamplingTable,
               duties: dict[str, tuple[str, ...]] | None = None,
               runs: dict[str, tuple[dt.date, ...]] | None = None) -> tuple[RunCount, ...]:
    """Return the dated artefacts of each control's runs an item must show in a Type II window, per control.

    The auditor selects per control: two quarterly user access reviews and three monthly segregation-of-duties
    reviews are five records, not the three of the more frequent one. Each recurring or continuous control
    counts at its own sampling-table row; a document counts once (``artefacts_needed``), and a population
    that proves no per-event control is the population of those runs, holding every one of them.
    ``duties`` names, per control, the duties the item proves (its own, those merged into it: one run, one count);
    ``runs`` the days the control calendar gives each scheduled control (``kit._calendar.run_dates``).
    """
    if not window.type2 or item.kind == "document":
        return ()
    if item.kind == "population" and all(c.frequency != "per-event" for c in proved):
        return ()
    ordered = sorted((c for c in proved if c.frequency in COUNTED),
                     key=lambda c: (COUNTED.index(c.frequency), id_order(c.id)))
    counts: list[RunCount] = []
    for control in ordered:
        count = sample_count(control.frequency, window, sampling)
        if count is not None:
            counts.append(RunCount(control.id, control.frequency, count, (duties or {}).get(control.id, ()),
                                   (runs or {}).get(control.id, ())))
    return tuple(counts)


def artefacts_needed(item: EvidenceItem, counts: tuple[RunCount, ...], window: AuditWindow) -> str | int:
    """Return what the window requires: a count, ``population``, ``population + N`` or ``as of <date>`` (Type I).

    A population of events that also proves recurring or continuous controls adds their runs' records
    (``population + N``); a periodic record or configuration export asks for the sum of its per-control
    counts (one dated artefact when it proves only per-event controls, whose events a population holds).
    """
    if not window.type2:
        return f"as of {window.start.isoformat()}"
    if item.kind == "document":
        return 1
    total = sum(count.count for count in counts)
    if item.kind == "population":
        return f"population + {total}" if total else "population"
    return total or 1


# ---------------------------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class EvidenceRow:
    """One evidence item in the company's plan."""

    item: EvidenceItem
    controls: tuple[str, ...]
    criteria: tuple[str, ...]
    frequency: str
    needed: str | int
    owner_role: str
    owner: str
    owner_email: str
    systems: tuple[str, ...]

    assignee: str = ""
    due: dt.date | None = None
    # Each frequency of the controls the item proves, with those controls (``_evidence_text.schedule``).
    schedule: Schedule = ()
    # The sampling table's per-event sample: how many occurrences the auditor draws from a population.
    per_event: int = 0
    # The dated artefacts of each control's runs (Type II), whose sum ``needed`` asks for (``run_counts``).
    counts: tuple[RunCount, ...] = ()

    @property
    def counted(self) -> int:
        """Return the dated artefacts of the controls' runs: the sum of the per-control counts."""
        return sum(count.count for count in self.counts)

    def count_for(self, control: str) -> int:
        """Return how many dated artefacts of one control's runs the item holds (0 when it counts none)."""
        return sum(count.count for count in self.counts if count.control == control)

    @property
    def needed_count(self) -> int:
        """Return how many artefacts the owner hands over: a population export counts as one."""
        if isinstance(self.needed, int):
            return self.needed
        if self.needed.startswith("population"):
            return 1 + self.counted
        return 1  # "as of <date>" (one artefact, Type I)

    @property
    def needed_text(self) -> str:
        """Return what the window asks for with its per-control counts: ``5 = 3 × ACC-03 (monthly) + 2 × ...``."""
        if not self.counts:
            return str(self.needed)
        parts = " + ".join(count.text() for count in self.counts)
        if len(self.counts) > 1:
            return f"{self.needed} = {parts}"
        return parts if isinstance(self.needed, int) else f"population + {parts}"

    @property
    def basis(self) -> str:
        """Return what ``needed_count`` counts, in words."""
        breakdown = " + ".join(count.text() for count in self.counts)
        plural = "s" if self.counted != 1 else ""
        if isinstance(self.needed, int):
            if self.item.kind == "document":
                return "the current approved version"
            if not self.counts:
                return f"1 dated artefact ({self.frequency})"
            return f"{self.needed} dated artefact{plural}, per control (sampling table): {breakdown}"
        if self.needed == "population":
            return f"1 full population export; {self._sample()}"
        if self.needed.startswith("population + "):
            return (f"1 full population export ({self._sample()}), plus {self.counted} dated artefact{plural}, "
                    f"per control (sampling table): {breakdown}")
        return f"1 artefact {self.needed}"

    def _sample(self) -> str:
        """Return what the auditor draws from the population: the sampling table's per-event row."""
        if not self.per_event:
            return "the auditor samples from it"
        return (f"the auditor draws {self.per_event} occurrences from it (sampling table, per event), or every "
                f"occurrence if there are fewer")

    def values(self) -> tuple[str | int | dt.date, ...]:
        """Return the row's cells in ``COLUMNS`` order (numbers and dates stay typed for spreadsheets)."""
        return (
            self.item.id, plain_text(self.item.item), plain_text(self.item.detail), self.item.kind, self.frequency,
            "yes" if self.item.type1 else "no", self.needed_count, self.basis, STATUSES[0],
            self.due if self.due is not None else "", self.assignee, "", self.owner, self.owner_email,
            ", ".join(self.systems) or "documents", ", ".join(self.controls), ", ".join(self.criteria),
            schedule_text(self.schedule),
        )


@dataclass(frozen=True)
class EvidencePlan:
    """The evidence items of one company, with the window they cover."""

    company: str
    window: AuditWindow
    categories: tuple[str, ...]
    rows: tuple[EvidenceRow, ...]
    controls: tuple[str, ...]
    design_only: tuple[str, ...]
    sampling_source: str = ""

    def artefact_count(self) -> int:
        """Return the number of dated artefacts the counted rows need (populations aside)."""
        return sum(row.needed if isinstance(row.needed, int) else row.counted for row in self.rows)

    def population_count(self) -> int:
        """Return the number of rows the owner exports as a full population."""
        return sum(1 for row in self.rows if str(row.needed).startswith("population"))


def _links(proofs: EvidenceMap, controls: list[Control]) -> tuple[dict[str, list[Control]], list[str]]:
    """Map each requested evidence id to the in-scope controls it proves; also return the design-only controls.

    Which items prove which control is ``program._proof.evidence_map``: the control matrix and the
    readiness page print the same answer.
    """
    by_id = {c.id: c for c in controls}
    links = {eid: [by_id[cid] for cid in cids] for eid, cids in proofs.proving().items()}
    return links, list(proofs.design_only())


def owner_role(controls: list[Control]) -> str:
    """Return the role owning most of the controls (the first such role by control id on a tie)."""
    counts = Counter(c.owner for c in controls)
    order = list(dict.fromkeys(c.owner for c in controls))
    return max(order, key=lambda role: (counts[role], -order.index(role)))


def _citing_parts(program: Program, proofs: EvidenceMap, control: Control, eid: str) -> list[Control]:
    """Return the duties of ``control`` (its own, and each control merged into it) that ``eid`` proves.

    A lean host carries the criteria of every control merged into it; an item proves only the duties
    whose proof asks for it (``program._proof``), so user access reviews do not map the joiner's
    code-of-conduct criteria because the joiner control was merged beside them.
    """
    if not control.merges:
        return [control]
    duties = (program.control(cid) for cid in proofs.proof(control.id).proving(eid))
    return [part for part in duties if part is not None] or [control]


def recorded_in(duty: Control, eid: str) -> bool:
    """Return whether an item counts a duty's runs: the duty names no record (``record:``), or names this item.

    A control whose runs two items would count names the one that records each run; a continuous control names
    the configuration export of each system its setting spans, taken on the same dates (one snapshot per date).
    The other items it cites show something else about it (its design, the lists a review is run from) and count
    none of its runs.
    """
    return not duty.record or eid in duty.record


def evidence_plan(program: Program) -> EvidencePlan:
    """Return the evidence plan of a company's program: one row per item its controls cite."""
    from ._calendar import run_dates  # the calendar builds on the plan; its run days need no plan

    catalog = program.library.catalog
    window = audit_window(program.facts)
    systems = load_evidence_systems(program.library.root, set(catalog.evidence))
    sampling = load_sampling(program.library.root)
    controls = program.controls()
    proofs = evidence_map(program)
    links, design_only = _links(proofs, controls)
    order = {cid: n for n, cid in enumerate(catalog.criteria)}
    rows: list[EvidenceRow] = []
    items = company_items(program, links)
    runs = run_dates(program) if window.type2 else {}
    for eid in sorted(links, key=id_order):
        item = items[eid]
        proved = sorted(links[eid], key=lambda c: c.id)
        duties = {control.id: _citing_parts(program, proofs, control, eid) for control in proved}
        criteria = set(program.scoped(item.criteria))
        for parts in duties.values():
            for part in parts:
                criteria.update(program.scoped(part.criteria))
        role = owner_role(proved)
        rhythm = cadence(item, [c.frequency for c in proved])
        # A duty that names its record (``record:``) has its runs counted in those items alone.
        counting = {cid: tuple(part.id for part in parts if recorded_in(part, eid)) for cid, parts in duties.items()}
        counts = run_counts(item, [c for c in proved if counting[c.id]], window, sampling, counting, runs)
        rows.append(EvidenceRow(
            item=item, controls=tuple(c.id for c in proved), criteria=tuple(sorted(criteria, key=order.__getitem__)),
            frequency=rhythm.label, needed=artefacts_needed(item, counts, window), owner_role=role,
            owner=f"{program.facts.people.role(role).name}, {role_title(program.facts, role)}",
            owner_email=program.facts.people.role(role).email, systems=system_names(systems[eid], program),
            assignee=program.facts.people.role(role).name, due=window.end, schedule=schedule(proved),
            per_event=sampling.per_event, counts=counts,
        ))
    return EvidencePlan(program.facts.company.name, window, program.facts.categories, tuple(rows),
                        tuple(c.id for c in controls), tuple(design_only), sampling.source)


# ---------------------------------------------------------------------------------------------- page
def _summary(plan: EvidencePlan) -> str:
    scope = ", ".join(CATEGORY_TITLES[c] for c in plan.categories)
    text = (f"{len(plan.rows)} evidence items prove the {len(plan.controls)} controls in force ({scope}); "
            f"{plan.window.describe()}")
    if plan.window.type2:
        text += (f": {plan.population_count()} populations to export in full and "
                 f"{plan.artefact_count()} dated artefacts, counted per control at its own frequency through the "
                 f"sampling table ({plan.sampling_source}).")
    else:
        text += (f": each item is shown as it stands on that date. {len(plan.design_only)} controls whose "
                 f"operating evidence only a Type II report asks for are shown by their approved policy "
                 f"({DESIGN_EVIDENCE}) and a {WALKTHROUGH}; the operating items the control matrix marks {LATER_MARK}, "
                 f"which a later Type II window asks for, are listed, not requested, on the readiness page.")
    return text


def evidence_page(program: Program, plan: EvidencePlan | None = None) -> str:
    """Return the site page "Evidence plan": the items grouped by the person who produces them."""
    plan = plan or evidence_plan(program)
    carriers = program.carriers()
    out = ["# Evidence plan\n", markdown_text(_summary(plan)) + "\n", markdown_text(FREQUENCY_NOTE) + "\n",
           "| Kind | What the auditor receives |",
           "|---|---|"]
    out += [f"| {kind} | {words} |" for kind, words in KIND_TITLES.items()]
    out.append("")
    needed_title = "Needed in the window" if plan.window.type2 else "Shown"
    for role in ROLE_TITLES:
        rows = [row for row in plan.rows if row.owner_role == role]
        if not rows:
            continue
        out += [f"## {markdown_text(rows[0].owner)}\n",
                f"{len(rows)} item{'s' if len(rows) != 1 else ''}; questions and exports go to "
                f"{markdown_text(rows[0].owner_email)}.\n",
                f"| Evidence | Kind | Frequency (of each control) | {needed_title} | System | Controls | Criteria |",
                "|---|---|---|---|---|---|---|"]
        for row in rows:
            controls = ", ".join(
                f"[{cid}]({carriers[cid].filename}#control-{cid.lower()})" if cid in carriers else cid
                for cid in row.controls)
            out.append(
                f"| **{row.item.id} {markdown_text(row.item.item)}**<br>{markdown_text(row.item.detail)} | "
                f"{row.item.kind} | {markdown_text(schedule_text(row.schedule))} | {markdown_text(row.needed_text)} | "
                f"{markdown_text(', '.join(row.systems) or 'documents')} | {controls} | {', '.join(row.criteria)} |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------- exports
def spreadsheet_safe(value: str | int | dt.date) -> str:
    """Return a cell a spreadsheet will not run as a formula (``=HYPERLINK(...)`` -> ``'=HYPERLINK(...)``)."""
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def evidence_csv(plan: EvidencePlan) -> str:
    """Return the plan as CSV, one row per item, with formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in plan.rows:
        writer.writerow([spreadsheet_safe(v) for v in row.values()])
    return buffer.getvalue()


_WIDTHS: dict[str, int] = {
    "ID": 8, "Evidence": 36, "Detail": 70, "Kind": 11, "Frequency": 20, "Type I": 8, "Needed": 9, "Basis": 40,
    "Status": 18, "Due": 12, "Assignee": 22, "Link": 40, "Owner": 32, "Owner email": 32, "System": 30,
    "Controls": 30, "Criteria": 26, "Control frequencies": 40,
}


def evidence_xlsx(plan: EvidencePlan, created: dt.date,
                  populations: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] | None = None) -> bytes:
    """Return the plan as an Excel workbook: frozen header, filter, set widths, dated ``created``.

    ``populations`` adds a sheet per table the auditor samples from (the personnel population and
    the acknowledgement records, ``kit._acknowledgement.evidence_tables``).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Evidence plan"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    for number, row in enumerate(plan.rows, start=2):
        for column, value in enumerate(row.values(), start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                # Text stays text: a value starting with "=" must never become a formula.
                cell.data_type = "s"
                cell.quotePrefix = value.startswith(_FORMULA_START)
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = Alignment(vertical="top", wrap_text=COLUMNS[column - 1] in ("Detail", "Controls"))
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(plan.rows) + 1}"
    status = get_column_letter(COLUMNS.index("Status") + 1)
    choices = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
    choices.add(f"{status}2:{status}{len(plan.rows) + 1}")
    sheet.add_data_validation(choices)
    sheet.freeze_panes = "A2"
    for column, name in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = _WIDTHS[name]
    if populations:
        from ._acknowledgement import add_sheets

        add_sheets(book, populations)
    return workbook_bytes(book, f"{plan.company} evidence plan", created, plan.window.describe())
