"""Citations: a sentence that sends the reader to "section 4.5 of the X Policy" finds that section there.

A policy that cites another's section instead of restating its duty keeps one statement of the duty,
but only while the number still points at it. Numbers move when a section is added or a branch for
another company drops one, so every citation is resolved against the rendered policy it names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .._errors import Problem
from ._base import RuleInput

# "section 4.5.3", "sections 4.3 and 4.4", optionally "of the [Title](POL-02-....md)" or "of that policy".
_CITATION = re.compile(
    r"\bsections?\s+(?P<numbers>\d+(?:\.\d+)*(?:\s*(?:,|and|or|to)\s*\d+(?:\.\d+)*)*)"
    r"(?:\s+and\s+controls?\s+[A-Z]{2,4}-\d{2})?"
    r"(?P<of>\s+of\s+(?:the\s+)?(?:\[[^\]]*\]\((?P<file>[^)#\s]+)(?:#[^)]*)?\)|(?P<that>that policy)))?")
# "control HRS-05 of the [Title](POL-05-....md)": the control is one that policy carries.
_CONTROL_CITATION = re.compile(
    r"\bcontrols?\s+(?P<ids>[A-Z]{2,4}-\d{2}(?:\s*(?:,|and|or)\s*[A-Z]{2,4}-\d{2})*)"
    r"(?:\s+and\s+sections?\s+\d+(?:\.\d+)*)?\s+of\s+(?:the\s+)?\[[^\]]*\]\((?P<file>[^)#\s]+)(?:#[^)]*)?\)")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_LINK = re.compile(r"\[[^\]]*\]\((?P<file>[^)#\s]+)(?:#[^)]*)?\)")
_HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s+(.*?)\s*(?:\{#[^}]*\})?\s*$", re.MULTILINE)
_STATEMENT = re.compile(r"\*\*(\d+(?:\.\d+)+)\*\*\s*(.*)")


@dataclass(frozen=True)
class Citation:
    """One citation of a numbered section, resolved to the policy it names."""

    policy_id: str
    offset: int
    number: str
    target: str
    sentence: str
    context: str = ""


def sections_of(body: str) -> dict[str, str]:
    """Return each numbered heading and statement of a rendered policy with its first words."""
    found = {m.group(1): m.group(2) for m in _HEADING.finditer(body)}
    for line in body.splitlines():
        match = _STATEMENT.match(line.strip())
        if match:
            found.setdefault(match.group(1), match.group(2))
    return found


def citations(view: RuleInput) -> Iterator[Citation]:
    """Yield every section citation of every rendered policy, with the policy it points into."""
    by_file = {doc.filename: doc.id for doc in view.program.ordered_policies()}
    for policy_id, body in view.rendered.items():
        for match in _CITATION.finditer(body):
            if match.group("file"):
                target = by_file.get(match.group("file").rsplit("/", 1)[-1], "")
            elif match.group("that") or body[max(0, match.start() - 6):match.start()] == "whose ":
                # "that policy", "whose section": the last policy linked before it in the same paragraph.
                start = body.rfind("\n\n", 0, match.start()) + 1
                links = list(_LINK.finditer(body, start, match.start()))
                target = by_file.get(links[-1].group("file"), "") if links else ""
            else:
                target = policy_id
            start = max(body.rfind("\n", 0, match.start()), body.rfind(". ", 0, match.start())) + 1
            end = body.find("\n", match.end())
            sentence = " ".join(body[start:end if end >= 0 else len(body)].split())
            context = " ".join(body[max(start, match.start() - 120):match.end() + 40].split())
            for number in _NUMBER.findall(match.group("numbers")):
                yield Citation(policy_id, match.start(), number, target, sentence, context)


def control_citations_resolve(view: RuleInput) -> Iterator[Problem]:
    """Each control cited as another policy's ("control HRS-05 of the X Policy") is carried by that policy."""
    by_file = {doc.filename: doc for doc in view.program.ordered_policies()}
    for policy_id, body in view.rendered.items():
        for match in _CONTROL_CITATION.finditer(body):
            doc = by_file.get(match.group("file").rsplit("/", 1)[-1])
            for cid in re.findall(r"[A-Z]{2,4}-\d{2}", match.group("ids")):
                if doc is not None and cid in doc.controls:
                    continue
                source = view.sources.get(policy_id)
                start = body.rfind("\n", 0, match.start()) + 1
                sentence = " ".join(body[start:match.end()].split())
                yield Problem(source.where if source else policy_id,
                              f"{policy_id} cites control {cid} of {doc.id if doc else match.group('file')}, which "
                              f"that policy does not carry: {sentence[-90:]!r}",
                              "cite the control the linked policy carries, or link the policy that carries it",
                              source.locate(None, sentence) if source else None)


def citations_resolve(view: RuleInput) -> Iterator[Problem]:
    """Each cited section number exists in the policy the citation names."""
    sections = {pid: sections_of(body) for pid, body in view.rendered.items()}
    for citation in citations(view):
        if citation.target and citation.number in sections.get(citation.target, {}):
            continue
        source = view.sources.get(citation.policy_id)
        where = source.where if source else citation.policy_id
        line = source.locate(None, citation.sentence) if source else None
        named = citation.target or "a policy this company does not have"
        yield Problem(where, f"{citation.policy_id} cites section {citation.number} of {named}, which has no such "
                      f"section: {citation.sentence[:90]!r}",
                      "cite the section that states the duty (numbers move when a section is added or left out)",
                      line)


# "control LOG-07", "controls ACC-03 and ACC-05"; and "the monthly availability report of control LOG-07".
_CONTROL_ID = re.compile(r"\bcontrols?\s+(?P<ids>[A-Z]{2,4}-\d{2}(?:\s*(?:,|and|or)\s*[A-Z]{2,4}-\d{2})*)")
_SUBJECT_OF = re.compile(r"\bthe\s+(?P<subject>(?:[\w-]+\s+){0,4}?[\w-]+)\s+(?:of|under|in)\s+control\s+"
                         r"(?P<id>[A-Z]{2,4}-\d{2})\b", re.IGNORECASE)
# Words that name no subject: cadences, articles, and the words any control statement may hold.
_NOT_SUBJECT = frozenset(
    "the a an this that each every its their our one same first last own other new "
    "daily weekly monthly quarterly yearly annual semiannual twice hourly "
    "review reviews record records ticket tickets duty duties run runs check checks step steps "
    "rule rules control controls part result results".split())


def _stems(text: str) -> set[str]:
    return {word[:6] for word in re.findall(r"[a-z]+", text.lower()) if len(word) > 3}


def control_citations_exist_and_fit(view: RuleInput) -> Iterator[Problem]:
    """A cited control exists for the company, and "the X of control ID" names what that control is about.

    A typed id goes stale when a control is merged, renumbered or dropped, and a wrong one sends the
    auditor to another duty: "the monthly availability report of control LOG-07" pointed at the synthetic
    checks, while LOG-10 holds the report (issue #12, auditor read A29).
    """
    statements = view.statements
    known = view.program.library.catalog.controls
    for policy_id, body in view.rendered.items():
        source = view.sources.get(policy_id)
        where = source.where if source else policy_id

        def line_of(offset: int, body: str = body, source: object = source) -> int | None:
            start = body.rfind("\n", 0, offset) + 1
            end = body.find("\n", offset)
            snippet = body[start:end if end >= 0 else len(body)]
            return source.locate(None, snippet) if source is not None else None  # type: ignore[attr-defined]

        for match in _CONTROL_ID.finditer(body):
            for cid in re.findall(r"[A-Z]{2,4}-\d{2}", match.group("ids")):
                # A small company runs a lean-merged control in its host's run: still cited by its own id.
                if cid in statements or cid in known and known[cid].merged_into in statements:
                    continue
                what = "which this company's program does not hold" if cid in known else "which no control has"
                yield Problem(where, f"{policy_id} cites control {cid}, {what}",
                              "cite the id of the control that states the duty (ids change when controls are "
                              "merged or split; grep the controls files for the duty)", line_of(match.start()))
        for match in _SUBJECT_OF.finditer(body):
            cid = match.group("id")
            statement = statements.get(cid) or (known[cid].statement if cid in known else None)
            if statement is None:
                continue
            subject = {stem for stem in _stems(match.group("subject"))
                       if not any(stem == word[:6] for word in _NOT_SUBJECT)}
            if subject and not subject & _stems(statement):
                yield Problem(where, f"{policy_id} names '{match.group(0)}', but {cid} is about something else: "
                              f"{statement[:90]!r}",
                              "cite the control whose statement holds that duty", line_of(match.start()))
