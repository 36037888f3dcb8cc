"""Record approvals and list reviews due: the policy lifecycle an auditor samples.

An approval lands in the same pull request as the change it approves: the version is bumped,
the effective and review dates set, and a history entry appended with who approved it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..model._documents import HistoryEntry, PolicyDoc, parse_policy, serialize_policy
from ..model._facts import Facts
from ..model._facts_schema import ROLE_TITLES
from ..model._roles import ALTERNATE, Person, approver_for, signing_role
from ..program._program import Program, load_program
from ..repo._files import write_atomic
from ..repo._layout import COMPANY_FILE, POLICIES_DIR

DUE_SOON_DAYS = 30
MAX_TEXT = 500  # characters of --by, --summary and --author recorded in the history


def _find(repo: Path, policy: str) -> Path:
    """Find a policy file by id (``POL-13``), file name or path; only a regular file in policies/."""
    folder = (repo / POLICIES_DIR).resolve()
    fix = f"use an id such as POL-13 or a file in {POLICIES_DIR}/"
    candidate = Path(policy)
    if len(candidate.parts) > 1 or candidate.suffix == ".md":
        tried = [candidate] if candidate.is_absolute() else [Path.cwd() / candidate, repo / candidate,
                                                              folder / candidate]
        for path in tried:
            if path.is_file() and not path.is_symlink() and path.resolve().parent == folder:
                return folder / path.name
        raise PolicyforgeError([Problem(policy, f"is not a policy file in {POLICIES_DIR}/ of this repository", fix)])
    matches = [p for p in sorted(folder.glob(f"{policy.upper()}-*.md")) if p.is_file() and not p.is_symlink()]
    if len(matches) == 1:
        return matches[0]
    raise PolicyforgeError([Problem(policy, "is not a policy of this repository", fix)])


def _check_approver(doc: PolicyDoc, facts: Facts, by: str, author: str) -> Person:
    """Return who approves a change by ``author``; refuse a self-approval and anyone else.

    A change of approver is approved by the approver before it; a change the approver wrote, or to a policy
    the approver owns, goes to the alternate approver (or, where the alternate wrote or owns it, the next person
    of ``stand_ins``), and nobody approves their own change or a policy they own.
    """
    role = doc.approver
    last = doc.history[-1] if doc.history else None
    changed = bool(last and last.approver_role and last.approver_role not in (doc.approver, ALTERNATE))
    if changed and last and last.approver_role:
        role = last.approver_role
    expected = approver_for(facts, role, author, doc.owner)
    given = by.strip().lower()
    owner = facts.people.role(doc.owner)
    nobody = (f"name someone who neither wrote the change nor owns {doc.id} as people.alternate_approver in "
              f"{COMPANY_FILE}, or have its owner, {owner.name}, write the change (--author \"{owner.name}\")")
    if given == author.strip().lower() or (expected is None and given in _names(facts, role)):
        fix = f"ask {expected.name} to approve it (--by \"{expected.name}\")" if expected else nobody
        raise PolicyforgeError([Problem(doc.path, f"{by!r} wrote this change of {doc.id} and cannot also approve it "
                                        "(nobody approves their own policy)", fix)])
    if expected is None:
        raise PolicyforgeError([Problem(
            doc.path, f"{author!r} wrote this change of {doc.id}, which {owner.name} owns, and {COMPANY_FILE} names "
            "nobody else who could approve it", nobody)])
    if given not in (expected.name.lower(), expected.email.lower()):
        usual = facts.people.role(role).name
        if expected.name != usual:
            reason = (f"{doc.id} is approved instead by {expected.name}, who neither wrote this change nor owns "
                      "the policy")
        elif changed:
            reason = (f"its approver changes from the {ROLE_TITLES[role]} to the {ROLE_TITLES[doc.approver]}, which "
                      f"the current approver, {expected.name}, approves")
        else:
            reason = f"{doc.id} is approved by the {ROLE_TITLES[role]}, {expected.name}"
        raise PolicyforgeError([Problem(
            doc.path, f"{reason}, not {by!r}",
            f"ask {expected.name} to approve it (--by \"{expected.name}\"), or change people.{role} in "
            f"{COMPANY_FILE}",
        )])
    return expected


def _names(facts: Facts, role: str) -> tuple[str, str]:
    person = facts.people.role(role)
    return person.name.lower(), person.email.lower()


def _check_text(option: str, value: str | None) -> None:
    """Refuse control characters (escape sequences, bells, direction overrides) in recorded text."""
    if value is None:
        return
    bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf") and c != "\u200d"), None)
    if bad is not None:
        raise PolicyforgeError([Problem(option, f"contains the control character U+{ord(bad):04X}",
                                        "type the text without control characters")])
    if not value.strip() or len(value) > MAX_TEXT:
        raise PolicyforgeError([Problem(option, f"must be 1 to {MAX_TEXT} characters", "shorten or fill it in")])


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
    for option, value in (("--by", by), ("--summary", summary), ("--author", author)):
        _check_text(option, value)
    program = load_program(repo)
    facts = program.facts
    day = on or dt.date.today()
    approved: list[tuple[Path, PolicyDoc]] = []
    for policy in policies:
        path = _find(repo, policy)
        doc = parse_policy(path.read_text(encoding="utf-8"), f"{POLICIES_DIR}/{path.name}", company=True)
        wrote = author or facts.people.role(doc.owner).name
        approver = _check_approver(doc, facts, by, wrote)
        if doc.history and day < doc.history[-1].date:
            raise PolicyforgeError([Problem(
                "--date", f"{day.isoformat()} is before the last approval of {doc.id} "
                f"({doc.history[-1].date.isoformat()})", f"approve on {doc.history[-1].date.isoformat()} or later")])
        version = next_version(doc.version, major)
        entry = HistoryEntry(version, day, wrote, approver.name, summary, acknowledge,
                             approver_role=signing_role(facts, doc.approver, approver.name))
        updated = replace(doc, version=version, effective_date=day, last_reviewed=day, history=(*doc.history, entry))
        program.policies[doc.id] = updated
        entry = replace(entry, digest=program.approval_digest(updated))
        updated = replace(updated, history=(*doc.history, entry))
        program.policies[doc.id] = updated
        approved.append((path, updated))
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

