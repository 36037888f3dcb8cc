"""Segregation of duties: nobody approves their own policy, grants their own access or tests their own controls."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._errors import Problem
from ..model._facts import Facts
from ..model._facts_schema import ROLE_TITLES
from ..model._roles import ALTERNATE, OFFICES, approver_for, has_alternate, independent_reviewer, same_person
from ._base import RuleInput

# Words of one person checking another's work. "audit" as the name of a thing ("files the report as
# audit evidence", "the audit log") is no check, so only the verb counts.
_CHECKS = re.compile(r"\b(approv\w*|review\w*|tests?|tested|testing|"
                     r"audit(?:s|ed|ing)?(?!\s+(?:evidence|logs?|trails?|firm|report|window|period|cycle)\b)|"
                     r"verif\w*|grants?|granted|signs? off|countersign\w*|independent\w*)\b", re.IGNORECASE)
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {"ceo": ("CEO",), "cto": ("CTO",)}


def history_has_no_self_approval(view: RuleInput) -> Iterator[Problem]:
    """No revision-history row records the same person as author and approver."""
    for doc in view.program.ordered_policies():
        source = view.sources.get(doc.id)
        for entry in doc.history:
            if entry.author.strip().lower() == entry.approver.strip().lower():
                where = source.where if source else doc.path
                line = source.key_line("history") if source and source.key_line("history") else \
                    (source.key_line("approver") if source else None)
                yield Problem(where, f"{doc.id} version {entry.version} is recorded as written and approved by "
                              f"{entry.approver}", "have someone else approve it: set people.alternate_approver "
                              "in company.yml and run `policyforge approve` with their name", line)


def approval_routing_names_alternate(view: RuleInput) -> Iterator[Problem]:
    """A policy whose owner is also its approver is routed to the alternate approver, who must exist."""
    facts = view.program.facts
    for doc in view.program.ordered_policies():
        author = facts.people.role(doc.owner).name
        if approver_for(facts, doc.approver, author) is not None:
            continue
        source = view.sources.get(doc.id)
        yield Problem(source.where if source else doc.path,
                      f"{doc.id} is owned by the {ROLE_TITLES[doc.owner]} and approved by the "
                      f"{ROLE_TITLES[doc.approver]}, both {author}, and nobody else can approve it",
                      "name an alternate approver (people.alternate_approver in company.yml) who holds neither role",
                      source.key_line("approver") if source else None)


def _mentions(sentence: str, role: str) -> list[int]:
    """Return where a sentence names a role (by title or abbreviation)."""
    return [m.start() for name in (ROLE_TITLES[role], *_ABBREVIATIONS.get(role, ()))
            for m in re.finditer(rf"\b{re.escape(name)}\b", sentence)]


def _checks_between(sentence: str, first: list[int], second: list[int]) -> bool:
    """Return whether a check verb stands between a mention of one role and a mention of the other."""
    verbs = [m.start() for m in _CHECKS.finditer(sentence)]
    return any(min(a, b) < v < max(a, b) for a in first for b in second for v in verbs)


def _names_someone_else(facts: Facts, sentence: str, holder_role: str) -> bool:
    """Return whether a sentence names a checker who is not the holder of ``holder_role``.

    The alternate approver counts only when they are not that holder: an alternate who is the
    Security Officer would otherwise be named to check the Security Officer's own work.
    """
    if has_alternate(facts) and not same_person(facts, ALTERNATE, holder_role):
        name = str(facts.people.alternate_approver.name or "")
        if "alternate" in sentence.lower() or (name and name in sentence):
            return True
    if "independent assessor" in sentence.lower():
        return True
    reviewer = independent_reviewer(facts, holder_role)
    if reviewer is None or reviewer.title == "Alternate Approver":
        return False
    roles = [role for role in OFFICES if role != holder_role and ROLE_TITLES[role] == reviewer.title]
    return bool(reviewer.name and reviewer.name in sentence) or any(_mentions(sentence, role) for role in roles)


def roles_do_not_check_themselves(view: RuleInput) -> Iterator[Problem]:
    """A sentence where one role checks another's work names someone else when one person holds both."""
    facts = view.program.facts
    pairs = [(a, b) for i, a in enumerate(OFFICES) for b in OFFICES[i + 1:] if same_person(facts, a, b)]
    if not pairs:
        return
    for source in view.sources.values():
        for number, sentence in view.sentences(source.policy_id):
            if not _CHECKS.search(sentence):
                continue
            for a, b in pairs:
                if not _checks_between(sentence, _mentions(sentence, a), _mentions(sentence, b)):
                    continue
                if _names_someone_else(facts, sentence, a):
                    continue
                person = facts.people.role(a).name
                yield Problem(source.where, f"{person} is both {ROLE_TITLES[a]} and {ROLE_TITLES[b]}, so this sentence "
                              f"has them check their own work: {sentence[:90]!r}",
                              "branch on the roles being one person and name someone else for the check "
                              "({{ people.security_officer_reviewer.phrase }}, never an alternate approver "
                              "who is that same person)",
                              source.locate(number, sentence))
