"""``policyforge redline``: what changed in the policies between two git revisions.

Reviewers and auditors ("what changed in the period?") read the policies as rendered for the
company, with deleted words struck through and inserted words underlined. A small change is
shown as hunks: the changed paragraphs with ``CONTEXT`` unchanged paragraphs either side and the
heading of the section they are in; the rest is folded into a line saying how much was left out.
``full=True`` shows every paragraph.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..exports._pdf import WATERMARK
from ..model._documents import PolicyDoc, is_policy_source, parse_policy
from ..model._facts import Facts, load_facts, parse_facts_yaml
from ..model._facts_schema import DEFAULT_CLASSIFICATION, most_restricted
from ..model._library import Library, load_library
from ..program._program import Program
from ..render._markdown import markdown_to_html
from ..repo._files import policy_files
from ..repo._git import git
from ..repo._layout import COMPANY_FILE, POLICIES_DIR

_TOKEN = re.compile(r"\s+|[^\s]+")
CONTEXT = 2  # unchanged paragraphs shown before and after each change


@dataclass(frozen=True)
class PolicyChange:
    """One policy as it was and as it is (either may be absent: added or removed)."""

    path: str
    before: PolicyDoc | None
    after: PolicyDoc | None
    before_text: str
    after_text: str
    classification: str = DEFAULT_CLASSIFICATION  # the policy's, as it is after the change (before, if removed)


def _git(repo: Path, *args: str) -> str:
    result = git(repo, *args)
    if result.returncode != 0:
        raise PolicyforgeError([Problem(f"git {' '.join(args)}", result.stderr.strip() or "failed",
                                        "pass revisions that exist in this repository (a branch, tag or commit)")])
    return result.stdout


def _facts_at(repo: Path, ref: str | None) -> Facts:
    if ref is None:
        return load_facts(repo / COMPANY_FILE)
    return parse_facts_yaml(_git(repo, "show", f"{ref}:{COMPANY_FILE}"), where=f"{ref}:{COMPANY_FILE}")


def _policies_at(repo: Path, ref: str | None) -> dict[str, PolicyDoc]:
    """Return the policies at a revision, or in the working tree when ``ref`` is None."""
    if ref is None:
        texts = {p.name: p.read_text(encoding="utf-8") for p in policy_files(repo / POLICIES_DIR)}
        return {f"{POLICIES_DIR}/{name}": parse_policy(text, f"{POLICIES_DIR}/{name}", company=True)
                for name, text in texts.items() if is_policy_source(name, text)}
    names = _git(repo, "ls-tree", "--name-only", f"{ref}", f"{POLICIES_DIR}/").split()
    docs: dict[str, PolicyDoc] = {}
    for name in names:
        text = _git(repo, "show", f"{ref}:{name}") if name.endswith(".md") else ""
        if text and is_policy_source(name.rsplit("/", 1)[-1], text):
            docs[name] = parse_policy(text, name, company=True)
    return docs


def _render(program: Program, doc: PolicyDoc | None) -> str:
    return program.render_body(doc) if doc else ""


def changes_between(repo: Path, base: str, head: str | None, library: Library | None = None) -> list[PolicyChange]:
    """Return the policies whose rendered text differs between two revisions (``head`` None: working tree)."""
    library = library or load_library()
    before_docs, after_docs = _policies_at(repo, base), _policies_at(repo, head)
    before = Program(_facts_at(repo, base), library, {d.id: d for d in before_docs.values()})
    after = Program(_facts_at(repo, head), library, {d.id: d for d in after_docs.values()})
    changes: list[PolicyChange] = []
    for path in sorted(set(before_docs) | set(after_docs)):
        old, new = before_docs.get(path), after_docs.get(path)
        old_text, new_text = _render(before, old), _render(after, new)
        if old_text != new_text:
            marking = after.classification(new) if new else before.classification(old) if old else ""
            changes.append(PolicyChange(path, old, new, old_text, new_text, marking or DEFAULT_CLASSIFICATION))
    return changes


def _blocks(text: str) -> list[str]:
    return [block.strip("\n") for block in re.split(r"\n\s*\n", text) if block.strip()]


def _mark_words(old: str, new: str) -> str:
    """Merge two versions of a paragraph, wrapping removed words in <del> and added ones in <ins>."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{''.join(a[i1:i2]).strip()}</del> ")
        if op in ("insert", "replace"):
            out.append(f"<ins>{''.join(b[j1:j2]).strip()}</ins> ")
    return "".join(out)


def _folded(count: int) -> str:
    return f'<p class="pf-folded">… {count} unchanged paragraph{"" if count == 1 else "s"} …</p>'


def _unchanged(blocks: list[str], first: bool, last: bool, context: int | None) -> list[str]:
    """Return a run of unchanged paragraphs: all of it, or ``context`` either side of the changes around it.

    A heading in the folded part that names the section of the next change is kept above it.
    """
    if context is None:
        return blocks
    head = [] if first else blocks[:context]
    rest = blocks[len(head):]
    tail = [] if last else rest[max(0, len(rest) - context):]
    hidden = rest[:len(rest) - len(tail)]
    if not hidden:
        return blocks
    heading = None
    if not last and not any(block.startswith("#") for block in tail):
        heading = next((block for block in reversed(hidden) if block.startswith("#")), None)
    folded = len(hidden) - (heading is not None)
    return [*head, *([_folded(folded)] if folded else []), *([heading] if heading else []), *tail]


def redline_markdown(old: str, new: str, context: int | None = CONTEXT) -> str:
    """Return Markdown of the new text with changes marked, paragraph by paragraph.

    ``context`` unchanged paragraphs are kept either side of each change (None: the whole text).
    """
    a, b = _blocks(old), _blocks(new)
    out: list[str] = []
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    for number, (op, i1, i2, j1, j2) in enumerate(opcodes):
        if op == "equal":
            out += _unchanged(b[j1:j2], number == 0, number == len(opcodes) - 1, context)
        elif op == "replace" and i2 - i1 == j2 - j1:
            out += [_mark_words(x, y) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)]
        else:
            out += [f"<del>{block}</del>" for block in a[i1:i2]]
            out += [f"<ins>{block}</ins>" for block in b[j1:j2]]
    return "\n\n".join(out) + "\n"


REDLINE_CSS = """
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; max-width: 52rem; margin: 2rem auto; }
ins { background: #e3f6e3; color: #0b5d0b; text-decoration: underline; }
del { background: #fbe4e4; color: #8a1111; text-decoration: line-through; }
.pf-folded { color: #666; font-style: italic; text-align: center; }
section.policy { border-top: 2px solid #444; margin-top: 2rem; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 2px 6px; }
@page { size: %(paper)s; margin: 18mm; @bottom-right { content: "Page " counter(page) " of " counter(pages); } }
@media screen { .pf-watermark { position: static; transform: none; background: #fbe4e4; color: #8a1111;
  font-weight: bold; text-align: center; padding: 0.4rem; } }
"""


def redline_classification(changes: list[PolicyChange]) -> str:
    """Return the redline's marking: the most restricted classification of the policies it shows."""
    return most_restricted(change.classification for change in changes)


def redline_html(base: str, head: str, changes: list[PolicyChange], company: str, *, paper: str = "A4",
                 context: int | None = CONTEXT, draft: bool = False) -> str:
    """Return the redline document for a list of changes on ``paper``, in hunks (``context`` None: whole texts).

    ``draft`` (``head`` is no release) marks every printed page, as a draft policy PDF is marked.
    """
    marking = html.escape(redline_classification(changes))
    parts = [
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
        f"<title>{html.escape(company)} — policy changes {html.escape(base)} to {html.escape(head)}</title>\n",
        f"<style>{REDLINE_CSS % {'paper': paper}}</style>\n</head>\n<body>\n",
        f'<div class="pf-watermark" aria-hidden="true">{html.escape(WATERMARK)}</div>\n' if draft else "",
        f'<p class="pf-running">{html.escape(company)} policy changes {html.escape(base)} to {html.escape(head)}'
        f" · {marking}</p>\n",
        f"<h1>Policy changes from {html.escape(base)} to {html.escape(head)}</h1>\n",
        f"<p>{len(changes)} polic{'y' if len(changes) == 1 else 'ies'} changed. Deleted text is "
        "<del>struck through</del>; inserted text is <ins>underlined</ins>.</p>\n",
    ]
    for change in changes:
        doc = change.after or change.before
        assert doc is not None
        old_version = change.before.version if change.before else "new"
        new_version = change.after.version if change.after else "removed"
        parts.append(f'<section class="policy">\n<h2>{html.escape(doc.id)} {html.escape(doc.title)}: '
                     f"version {html.escape(old_version)} → {html.escape(new_version)}</h2>\n"
                     f"<p>Classification: {html.escape(change.classification)}</p>\n")
        if change.after and change.before:
            added = change.after.history[len(change.before.history):]
            for entry in added:
                parts.append(f"<p>Approved {entry.date.isoformat()} by {html.escape(entry.approver)}: "
                             f"{html.escape(entry.summary)}</p>\n")
        parts.append(markdown_to_html(redline_markdown(change.before_text, change.after_text, context)))
        parts.append("\n</section>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)
