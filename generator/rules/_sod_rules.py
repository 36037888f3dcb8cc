"""Segregation of duties: nobody approves their own policy, grants their own access or tests their own controls."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._errors import Problem
from ..model._catalog import Control
from ..model._facts import Facts
from ..model._facts_schema import ROLE_TITLES
from ..model._roles import (
    ALTERNATE,
    OFFICES,
    approver_for,
    has_alternate,
    independent_reviewer,
    outside_engineer,
    same_person,
)
from ._base import RuleInput, Source

# Words of one person checking another's work. "audit" as the name of a thing ("files the report as
# audit evidence", "the audit log") is no check, so only the verb counts.
_CHECKS = re.compile(r"\b(approv\w*|review\w*|tests?|tested|testing|"
                     r"audit(?:s|ed|ing)?(?!\s+(?:evidence|logs?|trails?|firm|report|window|period|cycle)\b)|"
                     r"verif\w*|grants?|granted|signs? off|countersign\w*|independent\w*)\b", re.IGNORECASE)
# "approved by the policy approver": the controls name the approver duty in lower case.
_ABBREVIATIONS: dict[str, tuple[str, ...]] = {"ceo": ("CEO",), "cto": ("CTO",), "approver": ("policy approver",)}


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
        if approver_for(facts, doc.approver, author, doc.owner) is not None:
            continue
        source = view.sources.get(doc.id)
        yield Problem(source.where if source else doc.path,
                      f"{doc.id} is owned by the {ROLE_TITLES[doc.owner]} and approved by the "
                      f"{ROLE_TITLES[doc.approver]}, both {author}, and nobody else can approve it",
                      "name an alternate approver (people.alternate_approver in company.yml) who holds neither role",
                      source.key_line("approver") if source else None)


# "concerns about the CEO or the Head of People": roles a sentence is about, not roles that act in it.
_ABOUT = re.compile(r"\babout (?:the )?(?:[A-Z][A-Za-z]*\b ?)+(?:,? (?:or|and) (?:the )?(?:[A-Z][A-Za-z]*\b ?)+)*")


def _mentions(sentence: str, role: str) -> list[int]:
    """Return where a sentence names a role (by title or abbreviation) as someone who acts or is checked."""
    acting = _ABOUT.sub(lambda m: " " * len(m.group(0)), sentence)
    return [m.start() for name in (ROLE_TITLES[role], *_ABBREVIATIONS.get(role, ()))
            for m in re.finditer(rf"\b{re.escape(name)}\b", acting)]


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
    for policy_id, number, sentence, control_id in _statement_sentences(view):
        if not _CHECKS.search(sentence):
            continue
        for a, b in pairs:
            if not _checks_between(sentence, _mentions(sentence, a), _mentions(sentence, b)):
                continue
            if _names_someone_else(facts, sentence, a):
                continue
            person = facts.people.role(a).name
            where, at = _where(view, policy_id, number, sentence, control_id)
            what = f"control {control_id}" if control_id else "this sentence"
            yield Problem(where, f"{person} is both {ROLE_TITLES[a]} and {ROLE_TITLES[b]}, so {what} "
                          f"has them check their own work: {sentence[:90]!r}",
                          "branch on the roles being one person and name someone else for the check "
                          "({{ other_than(\"security_officer\", \"cto\") }} or "
                          "{{ people.security_officer_reviewer.phrase }}, never an alternate approver "
                          "who is that same person)", at)


# "reports to the CEO", "reports the completion rate to the Chief Executive Officer", "gives the CEO a written report".
def _report_to(title: str) -> re.Pattern[str]:
    role = rf"(?:the\s+)?{re.escape(title)}\b"
    return re.compile(rf"\breport(?:s|ing|ed)?\s+(?:[\w,'-]+\s+){{0,6}}?to\s+{role}"
                      rf"|\b(?:gives?|sends?)\s+{role}\s+(?:[\w-]+\s+){{0,3}}?report")


def _statement_sentences(view: RuleInput) -> Iterator[tuple[str, str | None, str, str | None]]:
    """Yield (policy id, statement number, sentence, control id) for each policy sentence and control statement."""
    for source in view.sources.values():
        for number, sentence in view.sentences(source.policy_id):
            yield source.policy_id, number, sentence, None
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement:
            yield control.policy, None, statement, control.id


def _where(view: RuleInput, policy_id: str, number: str | None, sentence: str,
           control_id: str | None) -> tuple[str, int | None]:
    """Return the file and line of a sentence: its policy template, or its control's entry."""
    if control_id is not None:
        control = next(c for c in view.controls() if c.id == control_id)
        return view.control_location(control)
    source = view.sources[policy_id]
    return source.where, source.locate(number, sentence)


def _titles(role: str) -> tuple[str, ...]:
    return (ROLE_TITLES[role], *_ABBREVIATIONS.get(role, ()))


def _reports_to_own_holder(facts: Facts, sentence: str) -> tuple[str, str] | None:
    """Return (subject role, line role) of the first report in a sentence that goes to its author's other role."""
    roles = tuple(ROLE_TITLES)
    for line in roles:
        for name in _titles(line):
            for match in _report_to(name).finditer(sentence):
                before = [(m.start(), role) for role in roles for title in _titles(role)
                          for m in re.finditer(rf"\b{re.escape(title)}\b", sentence[:match.start()])]
                subject = max(before)[1] if before else None
                if subject is not None and subject != line and same_person(facts, subject, line):
                    return subject, line
    return None


def no_role_reports_to_itself(view: RuleInput) -> Iterator[Problem]:
    """A role never reports to a role its own holder holds.

    "The Privacy Officer reports to the CEO" is false when the CEO is the Privacy Officer, and an auditor reads
    it as a reporting line that does not exist.
    """
    facts = view.program.facts
    for policy_id, number, sentence, control_id in _statement_sentences(view):
        found = _reports_to_own_holder(facts, sentence)
        if found is None:
            continue
        subject, line = found
        where, at = _where(view, policy_id, number, sentence, control_id)
        yield Problem(where, f"{control_id or policy_id}: the {ROLE_TITLES[subject]} reports to the "
                      f"{ROLE_TITLES[line]}, both {facts.people.role(line).name}, so the report goes to its own "
                      f"author: {sentence[:90]!r}",
                      f"name whom the holder answers to instead ({{{{ reports_to(\"{subject}\", \"{line}\") }}}})",
                      at)


# Words of approving or deciding, and of the unnamed holders ("the system owner") any office may be.
_APPROVES = re.compile(r"\b(approv\w*|decid\w*|decisions?|signs? off|signed off|countersign\w*|authori[sz]\w*)\b",
                       re.IGNORECASE)
_UNNAMED_HOLDER = re.compile(r"\b(?:system|service|asset|data) owner\b")
_TWO_PEOPLE = re.compile(r"\b(?:two different people|different (?:people|persons?)|other than|someone else|"
                         r"never by|nobody (?:approves|decides)|no one approves|in the \w+(?: \w+)?'s place)\b",
                         re.IGNORECASE)


def _role_pattern(role: str) -> str:
    return "(?:" + "|".join(re.escape(title) for title in _titles(role)) + r")\b"


def _one_person_approves_twice(sentence: str, a: str, b: str) -> bool:
    """Return whether a sentence gives one approval to two roles, as a list or as a decision on advice.

    A list: "approved by the CEO and the Head of People", "approval from the CTO or the Security Officer"; a
    decision on the other's advice or request: "the CTO decides ... after the Security Officer's advice".
    """
    for first, second in ((a, b), (b, a)):
        listed = (rf"\b(?:approv\w*|decid\w*|authori[sz]\w*)\W+(?:[\w()-]+\W+){{0,4}}?{_role_pattern(first)}"
                  rf"\W+(?:[\w()-]+\W+){{0,3}}?(?:and|or)\s+(?:the\s+)?{_role_pattern(second)}")
        advised = (rf"{_role_pattern(first)}\W+(?:[\w-]+\W+){{0,6}}?(?:decid\w*|approv\w*)\b[^;]*?"
                   rf"{_role_pattern(second)}'s (?:advice|request|recommendation|proposal)")
        if re.search(listed, sentence) or re.search(advised, sentence):
            return True
    return False


_APPROVAL_VERB = r"(?:approv\w*|decid\w*|signs? off|signed off|countersign\w*|authori[sz]\w*)"
_AUTHOR_VERB = (r"(?:requests|requested|asks for|asked for|wrote|writes|written|prepares|prepared|proposes|proposed|"
                r"raises|raised|submits|submitted|makes|made|drafts|drafted|opens|opened)")
# "signs off their own changes", "approves his or her own request": a self-approval whoever holds the role.
_OWN_APPROVAL = re.compile(rf"\b{_APPROVAL_VERB}\s+(?:on\s+)?(?:[\w-]+\s+){{0,2}}?(?:their|his|her|its) own\b",
                           re.IGNORECASE)
# "never their own", "nobody approves their own", "would approve their own work is approved by another": forbidden or
# routed, not done.
_NEGATION = re.compile(r"\b(?:never|nobody|no one|not|no|would|could)\b", re.IGNORECASE)


def _authored_by(role: str) -> str:
    """Return a pattern: what a role wrote or asked for ("the CTO's request", "the CTO requests", "made by the CTO")."""
    name = _role_pattern(role)
    return (rf"(?:{name}'s\s+(?:own\s+)?[\w-]+|(?:the\s+)?{name}\s+{_AUTHOR_VERB}\b"
            rf"|{_AUTHOR_VERB}\s+by\s+(?:the\s+)?{name})")


def _approves_the_others_work(sentence: str, a: str, b: str) -> bool:
    """Return whether one role approves, signs off or decides on what the other wrote or asked for.

    "The CTO reviews and approves each exception the Security Officer requests", "the Security Officer's
    risk acceptances are signed off by the CTO": one approval, but one person when both roles are theirs.
    """
    for approver, author in ((a, b), (b, a)):
        active = (rf"{_role_pattern(approver)}\W+(?:[\w-]+\W+){{0,4}}?{_APPROVAL_VERB}\b[^;]*?"
                  rf"{_authored_by(author)}")
        passive = rf"{_authored_by(author)}[^;]*?{_APPROVAL_VERB}\s+by\s+(?:the\s+)?{_role_pattern(approver)}"
        if re.search(active, sentence) or re.search(passive, sentence):
            return True
    return False


def _approves_own(sentence: str) -> bool:
    """Return whether a sentence has someone approve their own work, unless it forbids it ("never their own")."""
    for match in _OWN_APPROVAL.finditer(sentence):
        clause = re.split(r"[;:]|,\s", sentence[:match.start()])[-1]
        if not _NEGATION.search(clause):
            return True
    return False


def approvals_are_by_someone_else(view: RuleInput) -> Iterator[Problem]:
    """An approval or decision is never by the person it approves.

    When one person holds two roles a sentence names as approvers, or as approver and adviser, or two approvals
    may fall to one person, the text names the other approver (``{{ other_than(role, first) }}``) or says the
    approvals come from two different people. The approver duty counts as a role: the Chief Executive Officer who
    approves policies would otherwise give an exception both its approvals.
    """
    facts = view.program.facts
    roles = (*OFFICES, "approver")
    pairs = [(a, b) for i, a in enumerate(roles) for b in roles[i + 1:] if same_person(facts, a, b)]
    for policy_id, number, sentence, control_id in _statement_sentences(view):
        if not _APPROVES.search(sentence) or _TWO_PEOPLE.search(sentence):
            continue
        found: str | None = "someone approves their own work" if _approves_own(sentence) else None
        for a, b in pairs:
            if found is not None:
                break
            twice = _one_person_approves_twice(sentence, a, b) or _approves_the_others_work(sentence, a, b)
            if twice and not _names_someone_else(facts, sentence, a):
                found = (f"{facts.people.role(a).name} is both {ROLE_TITLES[a]} and {ROLE_TITLES[b]}, so the "
                         "approval this sentence gives to both roles is one person's, who may be the one asking")
                break
        holder = _UNNAMED_HOLDER.search(sentence)
        if found is None and holder and _has_second_approval(sentence):
            found = (f"two approvals, the {holder.group(0)}'s and an officer's, may be one person's "
                     "(an officer often owns the system)")
        if found is None:
            continue
        where, at = _where(view, policy_id, number, sentence, control_id)
        yield Problem(where, f"{control_id or policy_id}: {found}: {sentence[:90]!r}",
                      "name who approves instead when one person would approve their own request "
                      "({{ other_than(\"security_officer\", \"cto\") }} or "
                      "{{ people.security_officer_reviewer.phrase }}), and say the two approvals come from two "
                      "different people", at)


def _has_second_approval(sentence: str) -> bool:
    """Return whether a sentence asks for an officer's approval beside an unnamed holder's.

    "also the Security Officer", "also need the Security Officer's approval".
    """
    return any(re.search(rf"\balso (?:need )?(?:the )?{re.escape(ROLE_TITLES[role])}", sentence)
               for role in OFFICES)


# "an engineer the CTO designates", "the CTO's designated engineer", "a designated code owner": someone no role names.
_UNNAMED_ACTOR = re.compile(
    r"\b(?:[Aa]n?|[Oo]ne|[Tt]he|[Aa]ny)\s+(?:\w+\s+)?"
    r"(?:engineer|person|administrator|member of staff|employee|staff member)s?"
    r"\s+(?:whom\s+|that\s+)?the\s+(?:[A-Z]\w*\s)+?(?:designates|nominates|appoints|chooses|picks)\b"
    r"|\b(?:the\s+)?[A-Z]\w*(?:\s[A-Z]\w*)*'s\s+(?:designate|designated|nominated|nominee)\b(?:\s+[a-z]+)?"
    r"|\b(?:a|an|the|any)\s+(?:designated|nominated)\s+\w+")


_HEADING = re.compile(r"^#+\s+(\d+(?:\.\d+)*)\.?\s.*\{#([\w-]+)\}", re.MULTILINE)
# A policy's roles section: who holds each duty its controls rely on, so it names them as a control must.
_ROLES = re.compile(r"^#+\s.*\{#roles\}[ \t]*$(.*?)(?=^#+\s|\Z)", re.MULTILINE | re.DOTALL)


def _control_statements(view: RuleInput) -> Iterator[tuple[str, str | None, str, str | None]]:
    """Yield each control statement, each numbered policy statement of a section a control cites, and each roles line.

    A control a small company merges into another still cites its own section, so the library's controls count. The
    roles section says who does the duties the controls state (auditor N-O1), so its lines count too.
    """
    cited = {(control.policy, control.section) for control in view.program.library.catalog.controls.values()}
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement:
            yield control.policy, None, statement, control.id
    for source in view.sources.values():
        rendered = view.rendered.get(source.policy_id, "")
        anchors = dict(_HEADING.findall(rendered))
        roles = _ROLES.search(rendered)
        roles_text = " ".join(roles.group(1).split()) if roles else ""
        for number, sentence in view.sentences(source.policy_id):
            section = anchors.get(number.rsplit(".", 1)[0]) if number else None
            if (source.policy_id, section) in cited or (number is None and sentence and sentence in roles_text):
                yield source.policy_id, number, sentence, None


def duties_name_their_actor(view: RuleInput) -> Iterator[Problem]:
    """A control, and each statement of the section it carries, says which role does each duty.

    "An engineer the CTO designates" is nobody the auditor can ask for: the control matrix names no one,
    and in a small company the CTO may designate themself, so a check meant for a second person falls to the first.
    """
    for policy_id, number, sentence, control_id in _control_statements(view):
        match = _UNNAMED_ACTOR.search(sentence)
        if match is None:
            continue
        where, at = _where(view, policy_id, number, sentence, control_id)
        what = f"control {control_id}" if control_id else f"{policy_id} {number}"
        yield Problem(where, f"{what}: '{match.group(0)}' leaves a control's duty to someone no role names",
                      "name the role that does it (the owner, or a role the policy's roles section defines), or "
                      "{{ other_than(\"cto\", \"security_officer\") }} when its holder may not do it", at)


# Checkers named outside the company's offices: they hold none of its roles, so they never review their own work.
_OUTSIDE_CHECKERS = ("outside security adviser", "independent member of the board", "independent assessor")
# "the CTO reviews", "the CTO exports and checks", "the CTO also matches": the verbs of a named checker.
_CHECK_VERB = (r"\s+(?:\w+s\s+and\s+)?(?:also\s+)?"
               r"(?:reviews|checks|compares|matches|reconciles|verifies|approves|signs off)\b")
# "under a CTO-approved ticket", "a CTO-reviewed list": the checker written as a compound adjective.
_CHECKED_ADJECTIVE = r"-(?:approved|reviewed|checked|verified|signed)\b"
# "with the Security Officer's approval", "the approval of the Chief Executive Officer": the approval's owner checks.
_CHECK_NOUN = r"(?:approval|review|sign-off)"
# "is reviewed every year", "a runbook reviewed every year": a check that names nobody, so its owner makes it.
_UNNAMED_CHECK = re.compile(r"\b(?:reviewed|checked|verified|reconciled|approved|signed off)\b(?!\s+by\b)")


def _names_as_checker(statement: str, name: str) -> bool:
    """Return whether a statement has ``name`` (a pattern) check.

    "by the CTO", "the CTO reviews", "CTO-approved", "the CTO's approval", "the approval of the CTO".
    """
    return bool(re.search(rf"\bby\s+(?:the\s+|an\s+)?{name}|\b{name}{_CHECK_VERB}|\b{name}{_CHECKED_ADJECTIVE}"
                          rf"|\b{name}'s\s+(?:written\s+)?{_CHECK_NOUN}|\b{_CHECK_NOUN}\s+of\s+(?:the\s+)?{name}",
                          statement))


# "the backup operator reviews": a check by someone the statement names by no role.
_CHECK_VERB_ALONE = re.compile(rf"\b\w+{_CHECK_VERB}")


def _named_checkers(facts: Facts, statement: str) -> set[str]:
    """Return the holders (lower-case email or name) a statement names as checkers: "by the CTO", "the CTO reviews".

    A checker from outside the offices (the outside security adviser, an independent director or assessor, a
    one-engineer company's contracted outside engineer) counts as a holder of its own ("outside").
    """
    holders: set[str] = set()
    for role in (*ROLE_TITLES, ALTERNATE):
        # "the alternate approver, Ines Duarte, reviews": the name stands in apposition before the verb.
        name = _role_pattern(role) if role != ALTERNATE else r"alternate approver(?:, [\w .'-]+,?)?"
        if _names_as_checker(statement, name):
            held = facts.people.role(role)
            holders.add((held.email or held.name).strip().lower())
    outside = (*_OUTSIDE_CHECKERS, *([engineer] if (engineer := outside_engineer(facts)) else []))
    if any(_names_as_checker(statement, re.escape(who)) for who in outside):
        holders.add("outside")
    holders.discard("")
    return holders


def reviewers_never_review_themselves(view: RuleInput) -> Iterator[Problem]:
    """A control that reviews acts its own reviewer may do names someone else for the reviewer's part.

    "Each use of a break-glass account is reviewed by the Security Officer" leaves the Security Officer's own uses
    to the Security Officer, whoever holds the other roles; the statement routes them to another checker
    (``{{ people.security_officer_reviewer.phrase }}``, ``{{ neither("security_officer", "cto") }}``).
    The roles whose acts a control reviews are the control's ``reviews_work_of``. A check the statement leaves to
    nobody ("each runbook is reviewed every year", "the backup operator reviews") is its owner's, the role the
    control matrix names for it.
    """
    facts = view.program.facts
    yield from _policy_reviewers_never_review_themselves(view)
    for control in view.controls():
        statement = view.statements.get(control.id)
        if not control.reviews_work_of or not statement:
            continue
        checkers = _named_checkers(facts, statement)
        if not checkers and (_UNNAMED_CHECK.search(statement) or _CHECK_VERB_ALONE.search(statement)):
            checkers = {_holder(facts, control.owner)}  # the company's owner (lean owner included)
        actors: dict[str, str] = {}
        for role in control.reviews_work_of:
            actors.setdefault((facts.people.role(role).email or facts.people.role(role).name).strip().lower(), role)
        for checker in sorted(checkers & actors.keys()):
            if checkers - {checker}:
                continue
            role = actors[checker]
            where, at = view.control_location(control)
            yield Problem(where, f"control {control.id}: its only reviewer is {facts.people.role(role).name}, who as "
                          f"{ROLE_TITLES[role]} does some of the work it reviews, and no one else is named for "
                          f"that part: {statement[:90]!r}",
                          "route the reviewer's own part to someone else in the statement: \"a use by the Security "
                          "Officer by {{ people.security_officer_reviewer.phrase }}\", or {{ neither(role, other) }} "
                          "for work one role wrote and another approved", at)


def _reviewed_sections(view: RuleInput) -> dict[tuple[str, str], list[Control]]:
    """Return, for each policy section a control reviewing someone's work cites, those controls."""
    sections: dict[tuple[str, str], list[Control]] = {}
    for control in view.controls():
        if control.reviews_work_of and view.statements.get(control.id):
            sections.setdefault((control.policy, control.section), []).append(control)
    return sections


# "approved by the CTO", "is reviewed every year by the CTO": a check done by someone, not "tracked by" or "sent by".
# "approved by the CTO instead, or by the Security Officer when": a second checker of the same check.
_CHECKED_BY = (r"(?:\b(?:approv\w*|review\w*|check\w*|signs? off|signed off|verif\w*|countersign\w*|match\w*|"
               r"reconcil\w*|confirm\w*|grant\w*)\s+(?:[\w-]+\s+){0,4}?|,\s+(?:or|and)\s+)by\s+(?:the\s+|an\s+)?")


# "approves any customer-requested change to those terms": a check of what someone outside asked for is nobody's work.
_OUTSIDE_REQUEST = re.compile(r"\bcustomer-requested\b|\brequested by (?:a|the) customer\b")


# "reviews and approves it after the fact, as the CTO, the only engineer, wrote it, so nobody approves their own
# change": a statement that says whose work it checks and that its checker is not that person routes it itself.
_SAYS_WHOSE = re.compile(r"\bas (?:the|a|an) [\w ,-]+? (?:wrote|writes|made|makes|ran|runs|requested|asked for) "
                         r"(?:it|them)\b[^.;]*\bso (?:that )?(?:nobody|no one) \w+[^.;]*\btheir own\b")


def _policy_checkers(facts: Facts, statement: str) -> dict[str, str]:
    """Return the roles a policy statement names as checkers, each with its holder ("outside" for an outsider).

    As ``_named_checkers`` reads a control, but a policy's prose says "by the Security Officer" of much that is no
    check ("tracked by", "raised by"), so a checker after "by" counts only after a verb of checking; and "that of the
    CTO" after an approval names the CTO's.
    """
    loose = re.sub(r"\bby\s+(?:the\s+|an\s+)?", "from ", statement)
    roles: dict[str, str] = {}
    for role in (*ROLE_TITLES, ALTERNATE):
        name = _role_pattern(role) if role != ALTERNATE else r"alternate approver(?:, [\w .'-]+,?)?"
        if (_names_as_checker(loose, name) or re.search(_CHECKED_BY + name, statement)
                or re.search(rf"\bthat of (?:the\s+)?{name}", statement)):
            roles[role] = _holder(facts, role)
    outside = (*_OUTSIDE_CHECKERS, *([engineer] if (engineer := outside_engineer(facts)) else []))
    if any(_names_as_checker(loose, re.escape(who)) or re.search(_CHECKED_BY + re.escape(who), statement)
           for who in outside):
        roles["outside"] = "outside"
    return {role: holder for role, holder in roles.items() if holder}


def _policy_reviewers_never_review_themselves(view: RuleInput) -> Iterator[Problem]:
    """A policy statement that has a control's reviewer check that work names who checks the reviewer's own part.

    The control may route it (CRY-06: "the CTO's own membership is approved and reviewed by the Security Officer")
    while the statement of the policy section it cites still gives every check to the reviewer (POL-12 4.4.3:
    "membership of the key administrator role is approved by the CTO"), and the policy is what people follow. A
    statement counts when its only checker is a checker its section's control names, whose holder does some of the
    work the control reviews; a checker the statement names in any of its sentences is someone else for that part.
    """
    facts = view.program.facts
    sections = _reviewed_sections(view)
    for source in view.sources.values():
        anchors = dict(_HEADING.findall(view.rendered.get(source.policy_id, "")))
        statements: dict[str, list[str]] = {}
        for number, sentence in view.sentences(source.policy_id):
            if number:
                statements.setdefault(number, []).append(sentence)
        for number, sentences in statements.items():
            controls = sections.get((source.policy_id, anchors.get(number.rsplit(".", 1)[0], "")))
            text = " ".join(sentences)
            if not controls or not _CHECKS.search(text) or _OUTSIDE_REQUEST.search(text) or _SAYS_WHOSE.search(text):
                continue
            named = _policy_checkers(facts, text)
            if len(set(named.values())) != 1:
                continue
            for control in controls:
                statement = view.statements[control.id]
                roles = [role for role in named if role in control.reviews_work_of
                         and _names_as_checker(statement, _role_pattern(role))]
                if not roles:
                    continue
                role = roles[0]
                first = next(s for s in sentences if _CHECKS.search(s))
                yield Problem(source.where, f"{source.policy_id} {number}: its only reviewer is "
                              f"{facts.people.role(role).name}, who as {ROLE_TITLES[role]} does some of the work "
                              f"control {control.id} reviews, and no one else is named for that part as the control "
                              f"names: {first[:90]!r}",
                              "route the reviewer's own part to someone else in the statement, as the control does "
                              "(\"the CTO's own ... by {{ people.cto_reviewer.phrase }}\", "
                              "{{ people.security_officer_reviewer.phrase }} or {{ neither(role, other) }})",
                              _sentence_line(source, number, first))
                break


# "It is quorate when the chair, the Security Officer and the Chief Technology Officer attend": a quorum in roles.
_QUORUM = re.compile(r"\b(?:quorate|quorum)\b", re.IGNORECASE)
_PEOPLE_COUNT = re.compile(r"\b(two|three|four|five|six|\d+) different (?:people|persons)\b", re.IGNORECASE)
_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def quorum_counts_people(view: RuleInput) -> Iterator[Problem]:
    """A forum's quorum is counted in different people, and names them, when one person holds two of its roles.

    "Quorate when the chair, the Security Officer and the Chief Technology Officer attend" is two people when the
    CTO is the Security Officer, and the meeting that POL-01 4.3.4 and GOV-03 rely on as a check is then one
    person short of what it promises.
    """
    facts = view.program.facts
    for source in view.sources.values():
        statements: dict[str | None, list[str]] = {}
        for number, sentence in view.sentences(source.policy_id):
            statements.setdefault(number, []).append(sentence)
        for number, sentence in view.sentences(source.policy_id):
            if not _QUORUM.search(sentence) or number is None:
                continue
            roles = [role for role in OFFICES if _mentions(sentence, role)]
            holders: dict[str, list[str]] = {}
            for role in roles:
                holders.setdefault(_holder(facts, role), []).append(role)
            shared = [held for held in holders.values() if len(held) > 1]
            if not shared:
                continue
            counted = _PEOPLE_COUNT.search(sentence)
            wanted = (_COUNT_WORDS.get(counted.group(1).lower()) or int(counted.group(1))) if counted else 0
            statement = " ".join(statements.get(number, []))
            unnamed = [facts.people.role(held[0]).name for held in shared
                       if str(facts.people.role(held[0]).name) not in statement]
            if wanted >= len(roles) and not unnamed:
                continue
            one = shared[0]
            yield Problem(source.where, f"{source.policy_id} {number}: the quorum names {len(roles)} roles, but "
                          f"{facts.people.role(one[0]).name} holds {' and '.join(ROLE_TITLES[r] for r in one)}, so "
                          f"it can be met by {len(holders)} people: {sentence[:90]!r}",
                          "count the quorum in different people (\"at least {{ gov.quorum_words }} different "
                          "people\") and name who makes up the number ({{ gov.members_text }})",
                          _sentence_line(source, number, sentence))


def _sentence_line(source: Source, number: str, sentence: str) -> int | None:
    """Return the line a sentence is written on: its longest literal start, else its statement's line.

    A statement a template writes once per branch (a small and a large company) has its number on two lines.
    """
    words = sentence.split()
    for size in range(min(len(words), 10), 3, -1):
        line = source.find_line(" ".join(words[:size]))
        if line:
            return line
    return source.locate(number, sentence)


def _holder(facts: Facts, role: str) -> str:
    held = facts.people.role(role)
    return str(held.email or held.name).strip().lower()
