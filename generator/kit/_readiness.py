"""The audit-readiness checklist, traced to policies and evidence, with the company's status beside it.

The checklist (``catalog/checklist.yaml``) says what an auditor will look for; the controls say which
policy sections and evidence answer each item. What the library cannot know is how far the company
has got, so that lives in ``readiness.yml`` beside ``company.yml``: per item a status, an owner, a
due date, a proof and, when the item does not apply, the reason. Progress is done / applicable,
where applicable excludes items marked not applicable.

Type I: an item answered only by operating evidence (evidence a Type I does not request, such as
restore-test records) is marked "design only". It still counts: at the as-of date the auditor
examines whether its control is designed and in place, and reads the policy section for that; the
operating records are first requested for a Type II window.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import yaml

from .._errors import PolicyforgeError, Problem
from ..model._catalog import ChecklistItem, Control
from ..model._documents import PolicyDoc
from ..model._facts_schema import ROLE_TITLES, ReportType
from ..program._program import Program
from ..render._escape import markdown_text
from ..render._render import long_date
from ..repo._files import write_atomic
from ..repo._layout import READINESS_FILE as READINESS_FILE

NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE = "not started", "in progress", "done", "not applicable"
STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE)
FIELDS: tuple[str, ...] = ("status", "owner", "due", "proof", "reason")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ROLE_LIKE = re.compile(r"^[a-z]+(_[a-z]+)+$")
_LINKABLE = re.compile(r"^https?://[^\s()<>\[\]|\\`]+$")
_HEADING = re.compile(r"^#{2,6}\s+(.*?)\s*\{\s*#([A-Za-z0-9_-]+)\s*\}\s*$", re.MULTILINE)
_NULL_TAG = "tag:yaml.org,2002:null"

FILE_HEADER = """\
# Audit readiness: one entry per item of the SOC 2 readiness checklist, kept by the company.
# status: not started | in progress | done | not applicable
# owner:  a role (ceo, cto, security_officer, privacy_officer, head_of_people, approver) or a person's name
# due:    YYYY-MM-DD; an item not done by then is listed as overdue
# proof:  a link or a repository path showing the item is done
# reason: why the item does not apply (required with status: not applicable)
# `policyforge readiness` prints progress; `policyforge readiness --init` adds items the checklist gains.
"""
APPENDED_NOTE = "# Added by `policyforge readiness --init`: checklist items this file did not list yet."


# ---------------------------------------------------------------------------------------------- model
@dataclass(frozen=True)
class Entry:
    """What the company recorded for one checklist item (defaults: not started, nothing else)."""

    key: str
    status: str = NOT_STARTED
    owner: str = ""
    due: dt.date | None = None
    proof: str = ""
    reason: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Section:
    """A policy section that states a control answering an item."""

    doc: PolicyDoc
    anchor: str

    @property
    def href(self) -> str:
        """Return the link to the section from a page beside the policies."""
        return f"{self.doc.filename}#{self.anchor}"


@dataclass(frozen=True)
class Item:
    """One checklist item with what answers it and where the company stands."""

    checklist: ChecklistItem
    controls: tuple[Control, ...]
    sections: tuple[Section, ...]
    evidence: tuple[str, ...]
    operating_only: tuple[str, ...]
    design_only: bool
    entry: Entry

    def overdue(self, as_of: dt.date) -> bool:
        """Return whether the item was due before ``as_of`` and is neither done nor not applicable."""
        due = self.entry.due
        return due is not None and due < as_of and self.entry.status in (NOT_STARTED, IN_PROGRESS)


@dataclass(frozen=True)
class Progress:
    """Counts of one area (or of the whole checklist) by status."""

    title: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def done(self) -> int:
        """Return the number of items done."""
        return self.counts[DONE]

    @property
    def applicable(self) -> int:
        """Return the number of items that apply (all but those marked not applicable)."""
        return sum(self.counts.values()) - self.counts[NOT_APPLICABLE]

    @property
    def ratio(self) -> Fraction:
        """Return done / applicable as an exact fraction; 1 when nothing applies (nothing left to do)."""
        return Fraction(self.done, self.applicable) if self.applicable else Fraction(1)

    @property
    def percent(self) -> str:
        """Return the progress as a percentage with one decimal, for people."""
        return f"{float(self.ratio * 100):.1f}%"


@dataclass(frozen=True)
class Readiness:
    """The checklist of one company, traced and with its status."""

    items: tuple[Item, ...]
    as_of: dt.date
    type1: bool
    file_found: bool

    def areas(self) -> list[tuple[str, Progress, list[Item]]]:
        """Return each area key with its progress and items, in checklist order."""
        grouped: dict[str, list[Item]] = {}
        for item in self.items:
            grouped.setdefault(item.checklist.area, []).append(item)
        return [(area, _progress(items[0].checklist.area_title, items), items) for area, items in grouped.items()]

    @property
    def overall(self) -> Progress:
        """Return the progress over every item."""
        return _progress("Overall", self.items)

    def overdue(self) -> list[Item]:
        """Return the items past their due date and not done, earliest first."""
        late = [item for item in self.items if item.overdue(self.as_of)]
        return sorted(late, key=lambda item: (item.entry.due or self.as_of, item.checklist.key))


def _progress(title: str, items: Iterable[Item]) -> Progress:
    return Progress(title, Counter(item.entry.status for item in items))


# ---------------------------------------------------------------------------------------------- parsing
def _syntax_problem(exc: yaml.YAMLError, where: str) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "is not valid YAML"
    return Problem(where, f"YAML syntax error: {problem}",
                   "check the indentation (two spaces under each item) and quote values containing ': ' or ' #'",
                   mark.line + 1 if mark else None)


def _scalar(node: yaml.Node) -> str | None:
    """Return a scalar's text ('' for an empty value), or None when the node is not a scalar."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    return "" if node.tag == _NULL_TAG else str(node.value).strip()


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _status(text: str) -> str | None:
    normal = " ".join(text.lower().replace("_", " ").replace("-", " ").split())
    return normal if normal in STATUSES else None


def _entry(key: str, key_node: yaml.Node, body: yaml.Node, where: str, problems: list[Problem]) -> Entry:
    """Read one item's mapping, adding a located problem for each bad field."""
    line = _line(key_node)
    if _scalar(body) == "":
        return Entry(key, line=line)
    if not isinstance(body, yaml.MappingNode):
        problems.append(Problem(where, f"{key}: must hold status, owner, due, proof and reason",
                                "write `status: done` (and the other fields) on the lines below, indented by two "
                                "spaces", line))
        return Entry(key, line=line)
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    for field_node, value_node in body.value:
        name = _scalar(field_node) or ""
        at = _line(field_node)
        if name not in FIELDS:
            close = difflib.get_close_matches(name, FIELDS, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(Problem(where, f"{key}: unknown field {name!r}",
                                    f"{hint}use only {', '.join(FIELDS)}", at))
            continue
        if name in values:
            problems.append(Problem(where, f"{key}: {name} is given twice (first on line {lines[name]})",
                                    "keep one of them", at))
            continue
        text = _scalar(value_node)
        if text is None:
            problems.append(Problem(where, f"{key}: {name} must be a single value, not a list or mapping",
                                    f"write {name}: followed by one value on the same line", at))
            continue
        values[name] = text
        lines[name] = _line(value_node) if text else at
    status = NOT_STARTED
    if values.get("status"):
        found = _status(values["status"])
        if found is None:
            problems.append(Problem(where, f"{key}: status {values['status']!r} is not a status",
                                    f"write one of: {', '.join(STATUSES)}", lines["status"]))
        else:
            status = found
    due: dt.date | None = None
    if values.get("due"):
        try:
            if not _DATE.match(values["due"]):
                raise ValueError
            due = dt.date.fromisoformat(values["due"])
        except ValueError:
            problems.append(Problem(where, f"{key}: due {values['due']!r} is not a date",
                                    "write it as YYYY-MM-DD, for example 2027-03-31", lines["due"]))
    owner = values.get("owner", "")
    if _ROLE_LIKE.match(owner) and owner not in ROLE_TITLES:
        problems.append(Problem(where, f"{key}: owner {owner!r} looks like a role but is not one",
                                f"use one of {', '.join(ROLE_TITLES)}, or write the person's name", lines["owner"]))
    if status == NOT_APPLICABLE and not values.get("reason"):
        problems.append(Problem(where, f"{key}: marked not applicable without a reason",
                                "add `reason:` saying why the item does not apply to the company",
                                lines.get("status", line)))
    return Entry(key, status, owner, due, values.get("proof", ""), values.get("reason", ""), line)


def parse_readiness(text: str, keys: Sequence[str], where: str = READINESS_FILE) -> dict[str, Entry]:
    """Validate the text of a ``readiness.yml``; every problem names the file, the line and the fix."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise PolicyforgeError([_syntax_problem(exc, where)]) from None
    if root is None or _scalar(root) == "":
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise PolicyforgeError([Problem(where, "must map checklist item keys to their status",
                                        "start from the file `policyforge readiness --init` writes", _line(root))])
    entries: dict[str, Entry] = {}
    problems: list[Problem] = []
    for key_node, body in root.value:
        key = _scalar(key_node)
        line = _line(key_node)
        if not key:
            problems.append(Problem(where, "an item key must be plain text", "write the key as area.item", line))
            continue
        if key not in keys:
            close = difflib.get_close_matches(key, keys, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(Problem(where, f"{key}: not an item of the readiness checklist",
                                    f"{hint}use the keys `policyforge readiness --init` writes, or remove it", line))
            continue
        if key in entries:
            problems.append(Problem(where, f"{key}: listed twice (first on line {entries[key].line})",
                                    "keep one entry per item", line))
            continue
        entries[key] = _entry(key, key_node, body, where, problems)
    if problems:
        raise PolicyforgeError(problems)
    return entries


def _read(path: Path) -> str | None:
    """Return the file's text with its line endings as they are (so appending can keep them)."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise PolicyforgeError([Problem(path.name, "is not UTF-8 text", "save the file as UTF-8")]) from None


def load_entries(repo: Path, keys: Sequence[str]) -> dict[str, Entry] | None:
    """Return the company's entries from ``readiness.yml``, or None when the file does not exist."""
    text = _read(repo / READINESS_FILE)
    return None if text is None else parse_readiness(text, keys)


# ---------------------------------------------------------------------------------------------- tracing
def _carrier(program: Program) -> dict[str, PolicyDoc]:
    """Map each in-scope control id to the company policy that carries it."""
    return {cid: doc for doc in program.ordered_policies() for cid in doc.controls}


def assess(program: Program, entries: dict[str, Entry] | None) -> Readiness:
    """Trace every checklist item to the company's controls, sections and evidence, with its status."""
    catalog = program.library.catalog
    carried = _carrier(program)
    type1 = program.facts.audit.report_type == ReportType.TYPE1
    items: list[Item] = []
    for key, checklist in catalog.checklist.items():
        controls = tuple(c for c in program.controls() if key in c.checklist and c.id in carried)
        found = dict.fromkeys(Section(carried[c.id], c.section) for c in controls)
        sections = tuple(sorted(found, key=lambda s: s.doc.id))
        evidence = tuple(sorted({ev for c in controls for ev in c.evidence}))
        operating = tuple(ev for ev in evidence if not catalog.evidence[ev].type1)
        items.append(Item(checklist, controls, sections, evidence, operating,
                          design_only=type1 and bool(evidence) and operating == evidence,
                          entry=(entries or {}).get(key, Entry(key))))
    return Readiness(tuple(items), program.as_of, type1, entries is not None)


def suggested_owner(item: Item) -> str:
    """Return the role that owns most of the item's controls (the first one on a tie)."""
    roles = Counter(control.owner for control in item.controls)
    return roles.most_common(1)[0][0] if roles else "security_officer"


# ---------------------------------------------------------------------------------------------- --init
def _entry_lines(item: Item) -> list[str]:
    lines = [f"{item.checklist.key}:  # {item.checklist.text}"]
    if item.design_only:
        lines.append("  # Type I: only operating evidence answers this item; the auditor examines its design.")
    lines += ["  status: not started", f"  owner: {suggested_owner(item)}", "  due:", "  proof:"]
    return lines


def entries_text(items: Iterable[Item]) -> list[str]:
    """Return the YAML lines of fresh entries, grouped under a comment per area."""
    lines: list[str] = []
    area = ""
    for item in items:
        if item.checklist.area != area:
            area = item.checklist.area
            lines += ["", f"# {item.checklist.area_title}"]
        lines += _entry_lines(item)
    return lines


def init_readiness(repo: Path, program: Program) -> int:
    """Create ``readiness.yml``, or append the items it lacks; return how many items were written.

    An existing file is never re-dumped: the company's entries, comments and layout stay byte for
    byte, and the missing items are appended after them.
    """
    path = repo / READINESS_FILE
    keys = list(program.library.catalog.checklist)
    existing = _read(path)
    present = parse_readiness(existing, keys) if existing is not None else {}
    missing = [item for item in assess(program, present).items if item.checklist.key not in present]
    if not missing:
        return 0
    text = existing or ""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = entries_text(missing)
    if text.strip():
        lines = ["", APPENDED_NOTE, *lines[1:]]
        head = text if text.endswith(("\n", "\r")) else text + newline
    else:
        head = text + FILE_HEADER.replace("\n", newline)
    updated = head + newline.join(lines) + newline
    # Appending is only safe after a plain block mapping; check the result before writing anything.
    try:
        complete = set(parse_readiness(updated, keys)) == set(keys)
    except PolicyforgeError:
        complete = False
    if not complete:
        raise PolicyforgeError([Problem(
            READINESS_FILE, "the missing items cannot be appended: the file does not end in a plain mapping of items",
            f"add the missing items by hand ({', '.join(item.checklist.key for item in missing)})")])
    write_atomic(path, updated.encode("utf-8"))
    return len(missing)


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
    carried = _carrier(program)
    controls = ", ".join(f"[{c.id}]({carried[c.id].filename}#control-{c.id.lower()})" for c in item.controls)
    return "<br>".join(links) + (f"<br>Controls: {controls}" if controls else "")


def _evidence_cell(item: Item, type1: bool) -> str:
    cells = []
    for ev in item.evidence:
        link = f"[{ev}](#{ev.lower()})"
        cells.append(f"{link} (Type II)" if type1 and ev in item.operating_only else link)
    return ", ".join(cells)


def readiness_page(program: Program, repo_root: Path) -> str:
    """Return the readiness page: a chart by area, overdue items, each item traced, and the evidence named."""
    keys = list(program.library.catalog.checklist)
    readiness = assess(program, load_entries(repo_root, keys))
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
            out.append(f"| {label} | {_status_cell(program, item, readiness.as_of)} | "
                       f"{_answers_cell(program, item, cache)} | {_evidence_cell(item, readiness.type1)} |")
        out.append("")
    evidence = program.library.catalog.evidence
    used = sorted({ev for item in readiness.items for ev in item.evidence})
    out += ["## Evidence named above { #evidence }\n",
            "| Evidence | What the auditor asks for | Kind | Refreshed | Type I |", "|---|---|---|---|---|"]
    for ev in used:
        record = evidence[ev]
        out.append(f'| <span id="{ev.lower()}">{ev}</span> | **{markdown_text(record.item)}**: '
                   f"{markdown_text(record.detail)} | {record.kind} | {markdown_text(record.frequency)} | "
                   f"{'requested' if record.type1 else 'not requested'} |")
    return "\n".join(out) + "\n"
