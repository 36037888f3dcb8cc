"""The wording check: policy text must say who does what, how often, with which numbers.

Auditors test what a policy commits to. "Access is reviewed periodically" cannot be tested;
"access is reviewed quarterly by the Security Officer" can. This check fails vague phrases unless
a concrete value follows in the same sentence, and any leftover placeholder.
"""

from __future__ import annotations

import re

from .._errors import Problem

VAGUE_PHRASES: tuple[str, ...] = (
    "as appropriate", "periodically", "periodic", "proper", "properly", "industry standard",
    "industry-standard", "as needed", "reasonable", "reasonably", "regularly", "regular basis",
    "timely", "adequate", "adequately", "where possible", "best practice", "best practices",
    "from time to time", "if necessary", "as required", "sufficient",
)
# A concrete value: a number, a cadence or a deadline word.
_CONCRETE = re.compile(
    r"\d|\b(daily|weekly|monthly|quarterly|annually|annual|yearly|hourly|every|within|before)\b",
    re.IGNORECASE,
)
_VAGUE = re.compile(r"\b(" + "|".join(re.escape(p) for p in VAGUE_PHRASES) + r")\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"\b(TODO|TBD|FIXME|XXX)\b|lorem ipsum|\[insert|\{\{|\{%|<company|\bplaceholder\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?](\s|$)")


def check_wording(markdown: str, where: str) -> list[Problem]:
    """Return a problem for each vague phrase without a concrete value, and each placeholder."""
    problems: list[Problem] = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        for match in _PLACEHOLDER.finditer(line):
            problems.append(Problem(where, f"leftover placeholder {match.group(0)!r}",
                                    "replace it with the real text", number))
        for match in _VAGUE.finditer(line):
            rest = line[match.end():]
            end = _SENTENCE_END.search(rest)
            sentence_rest = rest[: end.start()] if end else rest
            if not _CONCRETE.search(sentence_rest):
                problems.append(Problem(
                    where, f"vague wording {match.group(0)!r}",
                    "say who does it, how often or by when (e.g. 'quarterly by the Security Officer')",
                    number,
                ))
    return problems
