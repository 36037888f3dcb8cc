"""Wording that reads machine-made: text joined from branches or facts without looking at the result.

Each pattern is one an auditor found in a rendered program (issue #12, auditor read A35): a sentence that
stops at ", and" because the branch that finished it printed nothing, two sentences run together where a
template block swallowed the line break ("in scope.Within"), and a name followed by itself in brackets
because the kind of an unnamed party is also its name ("the independent assessor (independent assessor)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._errors import Problem
from ._base import RuleInput

# ", and" closing a paragraph, a table cell or a sentence.
_DANGLING_AND = re.compile(r",\s+and\s*(?:\n\s*\n|\|\s*|\.(?:\s|$)|$)")
# A full stop followed directly by a capitalised word: "in scope.Within" (not "e.g.", URLs or file names).
_RUN_TOGETHER = re.compile(r"(?<![./\w-][\w-])\b[a-z]{2,}\.(?=[A-Z][a-z]{2,}\b)")
# A phrase followed by itself in brackets: "the penetration tester (penetration tester)".
_SELF_BRACKET = re.compile(r"\b(\w[\w'-]*(?: [\w'-]+){0,4}) \((\1)\)", re.IGNORECASE)
_CHECKS = (
    (_DANGLING_AND, "a sentence breaks off at ', and'", "finish the sentence in every branch, or drop the ', and' "
     "when the branch that continues it prints nothing"),
    (_RUN_TOGETHER, "two sentences run together with no space after the full stop",
     "keep a blank line or a space after the block tag that ends the first sentence (Jinja drops the line break "
     "after {% endif %})"),
    (_SELF_BRACKET, "a phrase is followed by itself in brackets",
     "print the bracketed kind only when the name does not already say it"),
)


def _without_code(text: str) -> str:
    """Blank out link targets and inline code, which hold file names and URLs, keeping offsets."""
    text = re.sub(r"\]\([^)]*\)", lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    text = re.sub(r"https?://\S+", lambda m: " " * len(m.group(0)), text)
    return re.sub(r"`[^`]*`", lambda m: " " * len(m.group(0)), text)


def wording_reads_written(view: RuleInput) -> Iterator[Problem]:
    """No rendered policy or control statement holds wording that no writer would leave."""
    for policy_id, body in view.rendered.items():
        source = view.sources.get(policy_id)
        where = source.where if source else policy_id
        text = _without_code(body)
        for pattern, what, fix in _CHECKS:
            for match in pattern.finditer(text):
                start = body.rfind("\n", 0, match.start()) + 1
                line_text = body[start:body.find("\n", match.start()) if "\n" in body[match.start():] else len(body)]
                shown = " ".join(body[max(start, match.start() - 60):match.end()].split())
                yield Problem(where, f"{policy_id}: {what}: '...{shown}'", fix,
                              source.locate(None, line_text.strip()) if source else None)
    for control in view.controls():
        statement = view.statements.get(control.id, "")
        text = _without_code(statement)
        for pattern, what, fix in _CHECKS:
            for match in pattern.finditer(text):
                where, line = view.control_location(control)
                shown = " ".join(statement[max(0, match.start() - 60):match.end()].split())
                yield Problem(where, f"control {control.id}: {what}: '...{shown}'", fix, line)
