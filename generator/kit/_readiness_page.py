"""How readiness is shown: the terminal report of ``policyforge readiness`` and the site's readiness page.

The page traces each checklist item to the policy sections, controls and evidence that answer it, with
an inline SVG chart of progress by area; the model, ``readiness.yml`` parsing and ``--init`` are in
``_readiness.py``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from ..model._catalog import id_order
from ..model._documents import PolicyDoc
from ..model._facts_schema import ROLE_TITLES, ReportType
from ..program._program import Program
from ..program._proof import LATER_MARK, evidence_map
from ..render._escape import markdown_text
from ..render._render import long_date
from ._evidence import EvidencePlan, evidence_plan
from ._evidence_text import checklist_note, company_items, schedule, schedule_text, serving
from ._readiness import DONE, IN_PROGRESS, NOT_APPLICABLE, NOT_STARTED, Item, Readiness, assess, carrier, load_entries

_LINKABLE = re.compile(r"^https?://[^\s()<>\[\]|\\`]+$")
_HEADING = re.compile(r"^#{2,6}\s+(.*?)\s*\{\s*#([A-Za-z0-9_-]+)\s*\}\s*$", re.MULTILINE)


# ---------------------------------------------------------------------------------------------- report
def owner_text(program: Program, owner: str) -> str:
    """Return an owner for people: 'Title (Name)' for a role key, else the name as written."""
    return program.person(owner) if owner in ROLE_TITLES else markdown_text(owner)


def _plain_owner(program: Program, owner: str) -> str:
    if owner in ROLE_TITLES:
        return f"{ROLE_TITLES[owner]} ({program.facts.people.role(owner).name})"
    return owner or "no owner"


def report_lines(program: Program, readiness: Readiness) -> list[str]:
    """Return the terminal report: progress per area and overall, then overdue items."""
    report = (ReportType.TYPE1 if readiness.type1 else ReportType.TYPE2).label
    areas = readiness.areas()
    width = max(len(progress.title) for _, progress, _ in areas)
    out = [f"Audit readiness of {program.facts.company.name} for SOC 2 {report}, as of "
           f"{readiness.as_of.isoformat()}", "",
           f"{'Area':<{width}}  {'Done':>4}  {'Applicable':>10}  {'Progress':>8}"]
    rows = [progress for _, progress, _ in areas]
    for progress in [*rows, None, readiness.overall]:
        out.append("" if progress is None else f"{progress.title:<{width}}  {progress.done:>4}  "
                   f"{progress.applicable:>10}  {progress.percent:>8}")
    counts = readiness.overall.counts
    out.append(f"\n{counts[IN_PROGRESS]} in progress, {counts[NOT_STARTED]} not started, "
               f"{counts[NOT_APPLICABLE]} not applicable.")
    no_proof = [i.checklist.key for i in readiness.items if i.entry.status == DONE and not i.entry.proof]
    if no_proof:
        out.append(f"{len(no_proof)} done item(s) have no proof recorded: {', '.join(no_proof)}.")
    if readiness.type1:
        design = sum(1 for item in readiness.items if item.design_only)
        out.append(f"Type I: {design} item(s) are answered only by operating evidence; for the as-of date the "
                   "auditor examines their design (marked 'design only' on the readiness page).")
    late = readiness.overdue()
    if late:
        out.append(f"\nOverdue (due before {readiness.as_of.isoformat()} and not done):")
        for item in late:
            due = item.entry.due.isoformat() if item.entry.due else ""
            out.append(f"  {due}  {item.checklist.key}  [{item.entry.status}]  "
                       f"{_plain_owner(program, item.entry.owner)}: {item.checklist.text}")
    else:
        out.append("\nNo item is overdue.")
    return out


# ---------------------------------------------------------------------------------------------- site page
def _headings(program: Program, doc: PolicyDoc, cache: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return a policy's rendered headings by anchor ('4.4 Access reviews'), rendered once per page."""
    if doc.id not in cache:
        body = program.render_body(doc)
        cache[doc.id] = {anchor: title for title, anchor in _HEADING.findall(body)}
    return cache[doc.id]


def progress_chart(readiness: Readiness, brand: str) -> str:
    """Return an inline SVG bar per area and overall: done, in progress, and the rest of what applies."""
    rows = [progress for _, progress, _ in readiness.areas()] + [readiness.overall]
    label, bar, row, top = 260, 300, 24, 26
    height = top + row * len(rows) + 8
    color = html.escape(brand, quote=True)
    out = [f'<svg class="pf-readiness-chart" viewBox="0 0 {label + bar + 70} {height}" width="100%" '
           f'role="img" aria-labelledby="pf-readiness-chart-title" font-size="12">',
           '<title id="pf-readiness-chart-title">Readiness by area: done and in progress out of the items '
           'that apply</title>']
    legend = [("done", color, "1"), ("in progress", color, "0.4"), ("not started", "#9e9e9e", "0.35")]
    for index, (name, fill, opacity) in enumerate(legend):
        x = label + index * 100
        out.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{fill}" fill-opacity="{opacity}"/>'
                   f'<text x="{x + 16}" y="14" fill="currentColor">{name}</text>')
    for index, progress in enumerate(rows):
        y = top + index * row
        applicable = progress.applicable or 1
        done = bar * progress.done / applicable
        doing = bar * progress.counts[IN_PROGRESS] / applicable
        weight = ' font-weight="bold"' if progress.title == "Overall" else ""
        out.append(
            f'<g><title>{html.escape(progress.title)}: {progress.done} of {progress.applicable} done, '
            f'{progress.counts[IN_PROGRESS]} in progress, {progress.counts[NOT_APPLICABLE]} not applicable</title>'
            f'<text x="0" y="{y + 14}" fill="currentColor"{weight}>{html.escape(progress.title)}</text>'
            f'<rect x="{label}" y="{y + 3}" width="{bar}" height="14" fill="#9e9e9e" fill-opacity="0.35"/>'
            f'<rect x="{label}" y="{y + 3}" width="{done:.1f}" height="14" fill="{color}"/>'
            f'<rect x="{label + done:.1f}" y="{y + 3}" width="{doing:.1f}" height="14" fill="{color}" '
            f'fill-opacity="0.4"/>'
            f'<text x="{label + bar + 8}" y="{y + 14}" fill="currentColor"{weight}>{progress.percent}</text></g>'
        )
    out.append("</svg>")
    return '<div class="pf-readiness">\n' + "".join(out) + "\n</div>\n"


def _proof(text: str) -> str:
    if not text:
        return ""
    if _LINKABLE.match(text):
        return f"[{markdown_text(text)}]({text})"
    return markdown_text(text)


def _status_cell(program: Program, item: Item, as_of: dt.date) -> str:
    """Return status, owner, due date and proof of an item, one per line."""
    entry = item.entry
    lines = [f"**{entry.status}**" + (" — **overdue**" if item.overdue(as_of) else "")]
    if entry.status == NOT_APPLICABLE:
        lines.append(f"Reason: {markdown_text(entry.reason)}")
    if entry.owner:
        lines.append(f"Owner: {owner_text(program, entry.owner)}")
    if entry.due:
        lines.append(f"Due: {entry.due.isoformat()}")
    if entry.proof:
        lines.append(f"Proof: {_proof(entry.proof)}")
    return "<br>".join(lines)


def _answers_cell(program: Program, item: Item, cache: dict[str, dict[str, str]]) -> str:
    links = []
    for section in item.sections:
        heading = _headings(program, section.doc, cache).get(section.anchor, section.anchor)
        links.append(f"[{section.doc.id} §{markdown_text(heading)}]({section.href})")
    carried = carrier(program)
    controls = ", ".join(f"[{c.id}]({carried[c.id].filename}#control-{c.id.lower()})" for c in item.controls)
    return "<br>".join(links) + (f"<br>Controls: {controls}" if controls else "")


def _evidence_cell(item: Item, type1: bool) -> str:
    cells = []
    for ev in item.evidence:
        link = f"[{ev}](#{ev.lower()})"
        cells.append(f"{link} (Type II)" if type1 and ev in item.operating_only else link)
    return ", ".join(cells)


def readiness_page(program: Program, repo_root: Path, plan: EvidencePlan | None = None) -> str:
    """Return the readiness page: a chart by area, overdue items, each item traced, and the evidence named.

    ``plan`` is the program's evidence plan when the caller has it already (the site's evidence page).
    """
    keys = list(program.library.catalog.checklist)
    return readiness_page_text(program, assess(program, load_entries(repo_root, keys)), plan)


def readiness_page_text(program: Program, readiness: Readiness, plan: EvidencePlan | None = None) -> str:
    """Return the readiness page of an assessed checklist (``readiness_page`` reads the statuses first)."""
    overall = readiness.overall
    report = (ReportType.TYPE1 if readiness.type1 else ReportType.TYPE2).label
    company = markdown_text(program.facts.company.name)
    out = [
        "# Audit readiness\n",
        f"{company} has done **{overall.done} of {overall.applicable}** applicable items of the SOC 2 readiness "
        f"checklist ({overall.percent}) for its {report} examination by "
        f"{markdown_text(program.facts.audit.audit_firm)}, as of {long_date(readiness.as_of)}. "
        "Each item links to the policy sections and controls that answer it and to the evidence the auditor "
        "will ask for. Statuses are kept in `readiness.yml` at the root of the policy repository; "
        "`policyforge readiness` prints the same figures.\n",
    ]
    if not readiness.file_found:
        out.append("!!! note \"No readiness.yml yet\"\n    Every item counts as not started. Run "
                   "`policyforge readiness --init` to create the file, then record each item's status.\n")
    if readiness.type1:
        out.append("Items marked *design only* are answered only by operating evidence: for a Type I the "
                   "auditor examines the design stated in their policy sections at the as-of date, and asks "
                   "for the evidence marked (Type II) only in a later Type II window.\n")
    out.append(progress_chart(readiness, program.facts.site.brand_color))
    late = readiness.overdue()
    if late:
        out += ["## Overdue { #overdue }\n", "| Item | Due | Status | Owner |", "|---|---|---|---|"]
        out += [f"| {markdown_text(i.checklist.text)} | {i.entry.due.isoformat() if i.entry.due else ''} | "
                f"{i.entry.status} | {owner_text(program, i.entry.owner)} |" for i in late]
        out.append("")
    cache: dict[str, dict[str, str]] = {}
    for area, progress, items in readiness.areas():
        out += [
            f"## {progress.title} {{ #{area.replace('_', '-')} }}\n",
            f"{progress.done} of {progress.applicable} applicable items done ({progress.percent}); "
            f"{progress.counts[IN_PROGRESS]} in progress, {progress.counts[NOT_APPLICABLE]} not applicable.\n",
            "| Item | Status | Answered by | Evidence |",
            "|---|---|---|---|",
        ]
        for item in items:
            label = f"{markdown_text(item.checklist.text)}<br><small>`{item.checklist.key}`</small>"
            if item.design_only:
                label += "<br>*Type I: design only*"
            note = checklist_note(program, item.checklist.note)
            if note:
                label += f"<br>*{note}*"
            out.append(f"| {label} | {_status_cell(program, item, readiness.as_of)} | "
                       f"{_answers_cell(program, item, cache)} | {_evidence_cell(item, readiness.type1)} |")
        out.append("")
    out += evidence_section(program, readiness, plan)
    return "\n".join(out) + "\n"


def evidence_section(program: Program, readiness: Readiness, plan: EvidencePlan | None = None) -> list[str]:
    """Return the lines of the table of evidence: every item of the evidence plan, and the items the rows name.

    Each item is listed with how often it is refreshed: each frequency of the controls in force it
    proves, as the evidence plan prints it (both read ``program._proof.evidence_map``), never a cadence
    of its own. The last column says what the report asks for: the plan's count for a Type II window,
    whether a Type I requests the item at its as-of date.
    """
    plan = plan or evidence_plan(program)
    rows = {row.item.id: row for row in plan.rows}
    named = {ev for item in readiness.items for ev in item.evidence}
    # The items the control matrix marks (Type II) are defined here too, so every id it cites is (issue #12 N8).
    later = set(evidence_map(program).later()) if readiness.type1 else set()
    used = sorted(set(rows) | named | later, key=id_order)
    records = company_items(program, used)
    controls = serving(program)
    cited = {ev: [item.checklist.key for item in readiness.items if ev in item.evidence] for ev in used}
    last = "Type I" if readiness.type1 else "Needed in the window"
    out = ["## Evidence { #evidence }\n",
           "Every item of the evidence plan and every item the control matrix cites, with the checklist items above "
           "that name it. Each item is refreshed "
           "as often as the controls it proves run, at the frequency their policies state.\n",
           f"| Evidence | What the auditor asks for | Kind | Refreshed (by control) | Checklist items | {last} |",
           "|---|---|---|---|---|---|"]
    for ev in used:
        record = records[ev]
        keys = ", ".join(f"`{key}`" for key in cited[ev]) or "none"
        if readiness.type1:
            asked = "requested" if ev in rows else f"not requested {LATER_MARK}"
        else:
            asked = markdown_text(rows[ev].needed_text) if ev in rows else "not requested"
        out.append(f'| <span id="{ev.lower()}">{ev}</span> | **{markdown_text(record.item)}**: '
                   f"{markdown_text(record.detail)} | {record.kind} | "
                   f"{markdown_text(schedule_text(schedule(controls.get(ev, []))))} | {keys} | {asked} |")
    return out
