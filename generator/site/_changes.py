"""The "What changed" page: the policies changed in this release since the previous one.

Each published release carries its own page (it is built at its tag), so readers and auditors
can see, version by version, what was approved when and read the redline of the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..lifecycle._redline import PolicyChange, changes_between, redline_html
from ..program._program import Program
from ..render._escape import markdown_text
from ..repo._git import current_release, previous_release

CHANGES_PAGE = "changes.md"


@dataclass(frozen=True)
class ReleaseChanges:
    """What a release changed, with the redline document that shows it."""

    release: str
    previous: str | None
    changes: list[PolicyChange]
    redline_name: str | None
    redline: str | None


def release_changes(program: Program, repo: Path) -> ReleaseChanges:
    """Compare the working tree (the release being built) with the previous release tag."""
    release = current_release(repo)
    previous = previous_release(repo)
    if previous is None:
        return ReleaseChanges(release, None, [], None, None)
    changes = changes_between(repo, previous, None, program.library)
    name = f"changes/redline-{previous}-{release}.html"
    document = redline_html(previous, release, changes, program.facts.company.name) if changes else None
    return ReleaseChanges(release, previous, changes, name if changes else None, document)


def changes_page(program: Program, found: ReleaseChanges) -> str:
    """Return the Markdown of the "What changed" page."""
    title = f"What changed in {found.release}" if found.release != "draft" else "What changed in the draft"
    out = [f"# {markdown_text(title)}\n"]
    if found.previous is None:
        out.append(f"This is the first release of the program: all {len(program.policies)} policies were adopted "
                   "together. Later releases list here each policy changed since the release before them.\n")
        return "\n".join(out)
    if not found.changes:
        out.append(f"No policy text changed since release {markdown_text(found.previous)}.\n")
        return "\n".join(out)
    out += [
        f"{len(found.changes)} polic{'y' if len(found.changes) == 1 else 'ies'} changed since release "
        f"{markdown_text(found.previous)}. The [redline]({found.redline_name}) shows every deleted and inserted "
        "word.\n",
        "| Policy | Version | Approved | Approver | Summary |",
        "|---|---|---|---|---|",
    ]
    for change in found.changes:
        doc = change.after or change.before
        assert doc is not None
        before = change.before.version if change.before else "new"
        after = change.after.version if change.after else "retired"
        added = change.after.history[len(change.before.history):] if change.after and change.before else ()
        if change.after and not change.before:
            added = change.after.history[-1:]
        link = f"[{markdown_text(doc.title)}]({doc.filename})" if change.after else markdown_text(doc.title)
        approved = ", ".join(e.date.isoformat() for e in added) or "not yet approved"
        approvers = ", ".join(markdown_text(e.approver) for e in added) or "—"
        summary = "; ".join(markdown_text(e.summary) for e in added) or "—"
        out.append(f"| {link} | {before} → {after} | {approved} | {approvers} | {summary} |")
    return "\n".join(out) + "\n"
