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
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import yaml

from .._errors import PolicyforgeError, Problem, did_you_mean
from ..model._catalog import Catalog, ChecklistItem, Control, id_order
from ..model._documents import PolicyDoc
from ..model._facts_schema import ROLE_TITLES, ReportType
from ..model._yaml import StrictLoader
from ..program._program import Program
from ..program._proof import ControlProof, PartProof, evidence_map
from ..repo._files import write_atomic
from ..repo._layout import READINESS_FILE as READINESS_FILE

NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE = "not started", "in progress", "done", "not applicable"
STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE, NOT_APPLICABLE)
FIELDS: tuple[str, ...] = ("status", "owner", "due", "proof", "reason")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ROLE_LIKE = re.compile(r"^[a-z]+(_[a-z]+)+$")
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
            hint = did_you_mean(name, FIELDS)
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
        root = yaml.compose(text, Loader=StrictLoader)  # no alias bombs, no nesting a RecursionError deep
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
            hint = did_you_mean(key, keys)
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
def carrier(program: Program) -> dict[str, PolicyDoc]:
    """Map each in-scope control id to the company policy that carries it."""
    return program.carriers()


def _answering(catalog: Catalog, proof: ControlProof, key: str) -> tuple[PartProof, ...]:
    """Return the duties of a control in force that carry a checklist item (all of them when none names it)."""
    return tuple(part for part in proof.parts if key in catalog.controls[part.control].checklist) or proof.parts


def assess(program: Program, entries: dict[str, Entry] | None) -> Readiness:
    """Trace every checklist item to the company's controls, sections and evidence, with its status."""
    catalog = program.library.catalog
    carried = carrier(program)
    proofs = evidence_map(program)
    type1 = program.facts.audit.report_type == ReportType.TYPE1
    items: list[Item] = []
    for key, checklist in catalog.checklist.items():
        controls = tuple(c for c in program.controls() if key in c.checklist and c.id in carried)
        found = dict.fromkeys(Section(carried[c.id], c.section) for c in controls)
        sections = tuple(sorted(found, key=lambda s: s.doc.id))
        # The items the evidence plan asks for the duties that answer the item (a lean host's merged part
        # answers its own items), then (Type I) those a Type II window adds.
        duties = [part for c in controls for part in _answering(catalog, proofs.proof(c.id), key)]
        requested = {ev for part in duties for ev in part.requested}
        later = {ev for part in duties for ev in part.later} - requested
        operating = tuple(sorted(later, key=id_order))
        items.append(Item(checklist, controls, sections, tuple(sorted(requested | later, key=id_order)), operating,
                          design_only=type1 and bool(duties) and all(part.design_only for part in duties),
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
