"""What each evidence item asks for and how often, as it holds for one company.

The catalog's item names and details are templates, like control statements: a cadence or deadline
they need is printed from its named commitment (``{{ commit.penetration_test.every }}``), and text
that holds only for some companies (a copy in a recovery region, a board, health data) sits under
the fact that makes it true. How often an item is produced is never written in the catalog: it is
the frequency of each control in force that the item proves, read from the same commitment as the
control's statement, so the evidence plan, the readiness page and the policies give one cadence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace

from markupsafe import Markup

from ..model._catalog import FREQUENCIES, Control, EvidenceItem
from ..program._program import Program
from ..program._proof import evidence_map
from ..render._markdown import markdown_to_html

EVIDENCE_FILE = "catalog/evidence.yaml"
CHECKLIST_FILE = "catalog/checklist.yaml"
# A schedule lists frequencies from the most frequent (each event) to the least (annual).
SCHEDULE_ORDER: tuple[str, ...] = ("per-event", "continuous", "daily", "weekly", "monthly", "quarterly",
                                   "semiannual", "annual")
assert set(SCHEDULE_ORDER) == set(FREQUENCIES)
_ENTRY = re.compile(r"([a-z-]+) \(([A-Z0-9, -]+)\)")

Schedule = tuple[tuple[str, tuple[str, ...]], ...]


def schedule(controls: Iterable[Control]) -> Schedule:
    """Return each frequency of the controls with the ids of the controls that run at it, most frequent first."""
    by_frequency: dict[str, list[str]] = {}
    for control in controls:
        by_frequency.setdefault(control.frequency, []).append(control.id)
    return tuple((frequency, tuple(sorted(by_frequency[frequency])))
                 for frequency in SCHEDULE_ORDER if frequency in by_frequency)


def schedule_text(entries: Schedule) -> str:
    """Return a schedule as the pages print it: ``monthly (MON-02); annual (MON-01, MON-07)``."""
    return "; ".join(f"{frequency} ({', '.join(ids)})" for frequency, ids in entries)


def parse_schedule(text: str) -> set[tuple[str, str | None]]:
    """Return the (frequency, control id) pairs a printed schedule states; a bare word has no control.

    The consistency test reads the pages through this, so a cadence typed into a cell without the
    controls it comes from is a disagreement.
    """
    pairs: set[tuple[str, str | None]] = set()
    rest = text
    for match in _ENTRY.finditer(text):
        pairs.update((match.group(1), cid.strip()) for cid in match.group(2).split(","))
        rest = rest.replace(match.group(0), " ")
    for word in re.findall(r"[a-z][a-z-]+", rest.lower()):
        pairs.add((word, None))
    return pairs


def serving(program: Program) -> dict[str, list[Control]]:
    """Map each evidence id the company's pages name to the controls in force it proves.

    That is each item the evidence plan asks for, and for a Type I each operating item a later Type II
    window asks for (marked so), as ``program._proof.evidence_map`` decides for every page.
    """
    proofs = evidence_map(program)
    controls = {c.id: c for c in program.controls()}
    out: dict[str, list[Control]] = {}
    for eid, cids in (*proofs.proving().items(), *proofs.later().items()):
        out.setdefault(eid, []).extend(controls[cid] for cid in cids)
    return out


def company_item(program: Program, item: EvidenceItem) -> EvidenceItem:
    """Return the item with its name and detail rendered for the company (work model, facts, commitments).

    Both come back as Markdown, marked safe: the catalog's text is library Markdown like a policy's, and
    the facts in it were escaped once as they were printed, so the pages print it as it is
    (``markdown_text`` passes ``Markup`` through) instead of escaping the escapes (a backslash before
    each backtick, ``&amp;amp;``).
    """
    docs = program.ordered_policies()
    if not docs:
        return item
    where = str(program.library.root / EVIDENCE_FILE)
    detail = item.detail_for(program.facts.shape.work_model)

    def text(source: str) -> str:
        return Markup(" ".join(program.render_text(source, where, docs[0]).split()))

    return replace(item, item=text(item.item), detail=text(detail))


def checklist_note(program: Program, source: str) -> str:
    """Return a checklist item's note rendered for the company ('' when it does not apply to it)."""
    docs = program.ordered_policies()
    if not source or not docs:
        return ""
    return " ".join(program.render_text(source, str(program.library.root / CHECKLIST_FILE), docs[0]).split())


def plain_text(markdown: str) -> str:
    """Return rendered Markdown as the plain text a reader sees, for a spreadsheet cell or a calendar entry."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markdown_to_html(markdown))).split())


def company_items(program: Program, ids: Iterable[str]) -> dict[str, EvidenceItem]:
    """Return the catalog items of ``ids`` rendered for the company."""
    catalog = program.library.catalog.evidence
    return {eid: company_item(program, catalog[eid]) for eid in ids}
