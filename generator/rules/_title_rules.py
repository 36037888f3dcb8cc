"""Names: one title per person and one title per policy, as the program's metadata gives them.

The approver who holds an office is known everywhere by that office (the approval cells, the companion
documents, the control owners), so a roles section calling them "Policy Approver" names a second person
to a reader. A policy is cited by the title its front matter gives it; a shortened title ("Incident
Response Policy" for the "Incident Response Policy and Plan") names a document the program does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._errors import Problem
from ..model._roles import office_of, signer_title
from ._base import RuleInput

APPROVER_DUTY = "Policy Approver"
# A run of capitalised words ending in "Policy" (with "and", "of" or a hyphenated word inside), and "and Plan".
_POLICY_NAME = re.compile(r"\b((?:[A-Z][\w-]*)(?:(?:\s+(?:and|of|for))?\s+[A-Z][\w-]*)*\s+Policy(?:\s+and\s+Plan)?)\b")
_LINK_TEXT = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def approver_named_by_office(view: RuleInput) -> Iterator[Problem]:
    """An approver who holds an office is never called "Policy Approver" in a policy or a control statement."""
    facts = view.program.facts
    if office_of(facts, "approver") is None:
        return
    office = signer_title(facts, "approver")
    fix = (f"name them as everywhere else: print {{{{ people.approver.title }}}} ({office} here), or "
           "{{ approved_by(policy.owner, policy.approver) }} for who approves a policy")
    for policy_id, body in view.rendered.items():
        source = view.sources.get(policy_id)
        if APPROVER_DUTY in body:
            where = source.where if source else policy_id
            line = source.find_line(APPROVER_DUTY) if source else None
            yield Problem(where, f"{policy_id} calls the approver '{APPROVER_DUTY}', but they hold the office of "
                          f"{office}, the title the rest of the program names them by", fix, line)
    for control in view.controls():
        statement = view.statements.get(control.id, "")
        if APPROVER_DUTY in statement:
            where, line = view.control_location(control)
            yield Problem(where, f"control {control.id} calls the approver '{APPROVER_DUTY}', but they hold the "
                          f"office of {office}", fix, line)


def _words(title: str) -> list[str]:
    return title.replace(",", "").split()


def _inside(short: list[str], title: list[str]) -> bool:
    """Return whether ``short`` is ``title`` with words left out (in order), and not ``title`` itself."""
    if short == title or len(short) < 2:
        return False
    position = 0
    for word in short:
        try:
            position = title.index(word, position) + 1
        except ValueError:
            return False
    return True


def short_titles(text: str, titles: dict[str, str]) -> Iterator[tuple[re.Match[str], str, list[str]]]:
    """Yield (match, name written, policy ids it shortens) for each policy name in ``text`` that no title is.

    The longest run of capitalised words ending in "Policy" that is a title passes; otherwise its longest
    ending that leaves words out of one or more titles is a shortened title ("the Privacy Policy" for the
    "Privacy and Data Protection Policy").
    """
    exact = {tuple(_words(title)) for title in titles.values()}
    for match in _POLICY_NAME.finditer(_LINK_TEXT.sub(lambda m: " " * len(m.group(0)), text)):
        words = _words(match.group(1))
        for start in range(len(words) - 1):
            tail = words[start:]
            if tuple(tail) in exact:
                break
            shortened = [pid for pid, title in titles.items() if _inside(tail, _words(title))]
            if shortened:
                yield match, " ".join(tail), shortened
                break


def policies_named_by_their_title(view: RuleInput) -> Iterator[Problem]:
    """A policy named in a policy's text or a control statement is named by its title, as its front matter has it."""
    titles = {doc.id: doc.title for doc in view.program.ordered_policies()}

    def fix(ids: list[str]) -> str:
        return (f"print the title from the policy's metadata: {{{{ link(\"{ids[0]}\") }}}} in a policy, "
                f"{{{{ title_of(\"{ids[0]}\") }}}} in a control statement ('{titles[ids[0]]}')")

    for policy_id, body in view.rendered.items():
        source = view.sources.get(policy_id)
        for _match, written, ids in short_titles(body, titles):
            where = source.where if source else policy_id
            line = source.find_line(written) if source else None
            yield Problem(where, f"{policy_id} names '{written}', a shortened title of {', '.join(ids)}",
                          fix(ids), line)
    for control in view.controls():
        for _match, written, ids in short_titles(view.statements.get(control.id, ""), titles):
            where, line = view.control_location(control)
            yield Problem(where, f"control {control.id} names '{written}', a shortened title of {', '.join(ids)}",
                          fix(ids), line)
