"""Record approvals and list reviews due: the policy lifecycle an auditor samples.

An approval lands in the same pull request as the change it approves: the version is bumped,
the effective and review dates set, and a history entry appended with who approved it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..model._documents import HistoryEntry, PolicyDoc, parse_policy, serialize_policy
from ..model._facts import Facts, load_facts
from ..model._facts_schema import ROLE_TITLES
from ..program._program import Program
from ..repo._files import write_atomic
from ..repo._layout import COMPANY_FILE, POLICIES_DIR

DUE_SOON_DAYS = 30


def _find(repo: Path, policy: str) -> Path:
    """Find a policy file by id (``POL-13``), file name or path."""
    folder = repo / POLICIES_DIR
    candidate = Path(policy)
    if candidate.is_file():
        return candidate.resolve()
    if (folder / candidate.name).is_file():
        return folder / candidate.name
    matches = sorted(folder.glob(f"{policy.upper()}-*.md"))
    if len(matches) == 1:
        return matches[0]
    raise PolicyforgeError([Problem(policy, "is not a policy of this repository",
                                    f"use an id such as POL-13 or a file in {POLICIES_DIR}/")])


def _check_approver(doc: PolicyDoc, facts: Facts, by: str) -> None:
    person = facts.get(f"people.{doc.approver}")
    if by.strip().lower() not in (person["name"].lower(), person["email"].lower()):
        raise PolicyforgeError([Problem(
            doc.path, f"{doc.id} is approved by the {ROLE_TITLES[doc.approver]}, {person['name']}, not {by!r}",
            f"ask {person['name']} to approve it (--by \"{person['name']}\"), or change people.{doc.approver} in "
            f"{COMPANY_FILE}",
        )])


def next_version(version: str, major: bool) -> str:
    """Return the version after ``version``: 1.2 -> 1.3, or 2.0 for a major change."""
    first, second = (int(part) for part in version.split("."))
    return f"{first + 1}.0" if major else f"{first}.{second + 1}"


def approve(repo: Path, policies: list[str], by: str, summary: str, major: bool = False,
            on: dt.date | None = None, author: str | None = None, acknowledge: str | None = None) -> list[PolicyDoc]:
    """Approve policies: bump each version, date it, and append the history entry.

    ``acknowledge`` ("required" or "not-required") overrides the rule that only a major version is
    acknowledged again by everyone (see ``kit._acknowledgement.is_material``).
    """
    facts = load_facts(repo / COMPANY_FILE)
    day = on or dt.date.today()
    approved: list[tuple[Path, PolicyDoc]] = []
    for policy in policies:
        path = _find(repo, policy)
        doc = parse_policy(path.read_text(encoding="utf-8"), f"{POLICIES_DIR}/{path.name}", company=True)
        _check_approver(doc, facts, by)
        version = next_version(doc.version, major)
        entry = HistoryEntry(version, day, author or facts.people.role(doc.owner).name,
                             facts.people.role(doc.approver).name, summary, acknowledge)
        approved.append((path, replace(doc, version=version, effective_date=day, last_reviewed=day,
                                       history=(*doc.history, entry))))
    # Write only after every policy passed, so a refused approval changes nothing.
    for path, doc in approved:
        write_atomic(path, serialize_policy(doc))
    return [doc for _, doc in approved]


class ReviewState(StrEnum):
    """Where a policy's review stands on the as-of date."""

    OVERDUE = "overdue"
    DUE_SOON = "due soon"
    CURRENT = "current"


@dataclass(frozen=True)
class ReviewStatus:
    """When one policy's review is due and whether it is late."""

    doc: PolicyDoc
    due: dt.date | None
    state: ReviewState


def review_status(program: Program) -> list[ReviewStatus]:
    """Return every policy with its next review date: overdue, due soon, or current; soonest first."""
    rows: list[ReviewStatus] = []
    for doc in program.ordered_policies():
        due = program.next_review(doc)
        if due is None or due < program.as_of:
            state = ReviewState.OVERDUE
        elif (due - program.as_of).days <= DUE_SOON_DAYS:
            state = ReviewState.DUE_SOON
        else:
            state = ReviewState.CURRENT
        rows.append(ReviewStatus(doc, due, state))
    return sorted(rows, key=lambda r: (r.due or dt.date.min, r.doc.id))

