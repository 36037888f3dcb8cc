"""Who holds which role, and who approves what: one title per person and no one approving their own work.

In a small company one person often holds two roles (the CTO is the Security Officer; the CEO
approves policies). The library's roles stay distinct, but a person is shown with one title
everywhere, and an approval that would land on the author goes to the alternate approver.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._facts import Facts
from ._facts_schema import ROLE_TITLES

# Roles that are offices people hold; ``approver`` is a duty given to one of them (or to someone else).
OFFICES: tuple[str, ...] = tuple(role for role in ROLE_TITLES if role != "approver")
ALTERNATE = "alternate_approver"


@dataclass(frozen=True)
class Person:
    """A person as the program names them."""

    name: str
    email: str
    title: str


@dataclass(frozen=True)
class Member:
    """One person of a forum, with the titles of every forum role they hold."""

    name: str
    titles: tuple[str, ...]

    @property
    def text(self) -> str:
        """Return 'Name (Title and Title)'."""
        titles = self.titles if len(self.titles) < 2 else (", ".join(self.titles[:-1]) + " and " + self.titles[-1],)
        return f"{self.name} ({titles[0]})"


@dataclass(frozen=True)
class Forum:
    """Who governs the program: its roles, the different people who hold them, and its quorum in people."""

    roles: tuple[str, ...]
    members: tuple[Member, ...]
    quorum: int

    @property
    def shared(self) -> bool:
        """Return whether one person holds two of the forum's roles, so roles and people differ in number."""
        return len(self.members) < len(self.roles)

    @property
    def short(self) -> int:
        """Return how many people the company lacks to make up the quorum (0 when enough hold its roles)."""
        return max(0, self.quorum - len(self.members))


# The forum that governs the program, and the different people it needs to decide. With fewer than 51 people the
# leadership security meeting of the Chief Executive Officer, the CTO and the Security Officer needs two; the
# security committee of a larger company, which the Head of People joins, needs three (the chair or a named
# delegate, the Security Officer and the Chief Technology Officer, as POL-01 4.3.1 states). The Privacy Officer
# joins either where the company holds personal data.
SMALL_FORUM: tuple[str, ...] = ("ceo", "cto", "security_officer")
LARGE_FORUM: tuple[str, ...] = ("ceo", "cto", "security_officer", "head_of_people")
QUORUM: dict[bool, int] = {True: 2, False: 3}


def forum(facts: Facts) -> Forum:
    """Return the program's forum for this company: its roles, the people who hold them, and its quorum.

    A quorum is counted in different people, never in roles: a committee of five roles that two people hold
    is two people, and a check that needs three is not made by them.
    """
    roles = list(SMALL_FORUM if facts.small else LARGE_FORUM)
    if facts.data["data"].get("pii") or "privacy" in facts.categories:
        roles.append("privacy_officer")
    people: dict[str, tuple[str, list[str]]] = {}
    for role in roles:
        held = facts.people.role(role)
        people.setdefault(_key(facts, role), (str(held.name), []))[1].append(ROLE_TITLES[role])
    members = tuple(Member(name, tuple(titles)) for name, titles in people.values())
    return Forum(tuple(roles), members, QUORUM[facts.small])


def _key(facts: Facts, role: str) -> str:
    person = facts.people.role(role)
    return (person.email or person.name).strip().lower()


def _person_key(who: Person) -> str:
    """Return how two people are told apart: their email, else their name (as ``_key`` does for a role)."""
    return (who.email or who.name).strip().lower()


def same_person(facts: Facts, role_a: str, role_b: str) -> bool:
    """Return whether two roles are held by the same person (compared by email)."""
    key_a, key_b = _key(facts, role_a), _key(facts, role_b)
    return bool(key_a) and key_a == key_b


def office_of(facts: Facts, role: str) -> str | None:
    """Return the first office whose holder also holds ``role``, or None: the title a reader knows them by."""
    return next((office for office in OFFICES if same_person(facts, role, office)), None)


def role_title(facts: Facts, role: str) -> str:
    """Return the title a role is shown with; an alternate approver who holds an office shows that office."""
    if role == ALTERNATE:
        office = office_of(facts, ALTERNATE)
        return ROLE_TITLES[office] if office else "Alternate Approver"
    return ROLE_TITLES[role]


def signer_title(facts: Facts, role: str) -> str:
    """Return the title a signature shows: the approver who holds an office signs with it, as everywhere else.

    The same chief executive is named "Chief Executive Officer" across the program, so the policies'
    approval cells do not call them "Policy Approver" (issue #12: one title per person everywhere).
    """
    office = office_of(facts, role) if role in ("approver", ALTERNATE) else None
    return ROLE_TITLES[office] if office else role_title(facts, role)


def person(facts: Facts, role: str) -> Person:
    """Return a role's holder with the one title they are shown with."""
    data = facts.people.role(role)
    return Person(data.name, data.email, role_title(facts, role))


def has_alternate(facts: Facts) -> bool:
    """Return whether company.yml names an alternate approver."""
    return bool(_key(facts, ALTERNATE))


def alternate(facts: Facts) -> Person | None:
    """Return who approves instead of the approver, or None when nobody but the approver can.

    That is company.yml's alternate approver, else the CEO, or the CTO when the CEO is the approver.

    POL-02 states this same rule, so what the policy promises and what ``approve`` enforces agree.
    """
    if has_alternate(facts):
        return person(facts, ALTERNATE)
    fallback = "cto" if same_person(facts, "approver", "ceo") else "ceo"
    return None if same_person(facts, "approver", fallback) else person(facts, fallback)


def independent_reviewer(facts: Facts, role: str) -> Person | None:
    """Return who checks a role holder's own lines (access reviews, requests): never that person.

    The CTO, unless the CTO holds the role; then the alternate approver (``alternate``), unless that is
    the same person too; then the CEO.
    """
    holder = _key(facts, role)
    candidates = [person(facts, "cto"), alternate(facts), person(facts, "ceo")]
    return next((p for p in candidates if p is not None and _person_key(p) != holder), None)


def outside_engineer(facts: Facts) -> str:
    """Return the contracted outside engineer of a one-engineer company ("" when there is none or other engineers)."""
    shape = facts.shape
    return shape.outside_engineer.strip() if shape.solo_engineer else ""


def technical_reviewer(facts: Facts) -> tuple[str, str]:
    """Return who checks the Chief Technology Officer's own technical work: (words, role key or "" for an outsider).

    The CTO configures branch protection, firewall rules and keys, sets up data stores and backups and deploys
    changes; a check of that work by the CTO is no check (auditor read N-5). Where the CTO is the only engineer,
    the contracted outside engineer (``shape.outside_engineer``), who reviews the changes already; else the
    Security Officer, unless that is the CTO; else whoever ``neither`` names for the CTO and the Security Officer
    (the Chief Executive Officer, the alternate approver, another office, an independent director or the outside
    security adviser).
    """
    outside = outside_engineer(facts)
    if outside:
        return f"{outside}, the contracted outside engineer", ""
    if not same_person(facts, "cto", "security_officer"):
        return f"the {role_title(facts, 'security_officer')}", "security_officer"
    return neither(facts, "cto", "security_officer"), neither_role(facts, "cto", "security_officer")


# Who keeps the public trust site and writes what it attests (the security overview, the subprocessor list, the
# security contact): its review is signed off by someone who is neither (auditor read T-4).
TRUST_SITE_KEEPERS: tuple[str, ...] = ("security_officer", "privacy_officer")


def trust_signer(facts: Facts) -> str:
    """Return who signs off the review of the public trust site, in words: never one of ``TRUST_SITE_KEEPERS``."""
    return neither(facts, *TRUST_SITE_KEEPERS)


def reports_to(facts: Facts, role: str, line: str = "ceo") -> str:
    """Return whom a role reports to, in words: the ``line`` office's holder, never the role's own holder.

    When one person holds both (the CTO is the Security Officer), "reports to the CTO" would have them report to
    themself, so the report goes up: to the Chief Executive Officer; and when that is the same person too (the CEO
    is the Privacy Officer), to the board, else to the Policy Approver shown by their office when someone else
    approves, else to the outside security adviser who oversees a company without a board.
    """
    if not same_person(facts, role, line):
        return f"the {role_title(facts, line)}"
    if line != "ceo" and not same_person(facts, role, "ceo"):
        return f"the {role_title(facts, 'ceo')}"
    if facts.shape.has_board:
        return "the board"
    if not same_person(facts, role, "approver"):
        office = next((o for o in OFFICES if same_person(facts, "approver", o)), "approver")
        return f"the {ROLE_TITLES[office]}"
    return adviser_phrase(facts)


def adviser_phrase(facts: Facts) -> str:
    """Return the outside security adviser in words, with the adviser's name once the company has named one.

    The name follows without commas ("the outside security adviser Harriet Cole"), so the phrase reads the same
    at any place in a sentence, in parentheses included.
    """
    name = "" if facts.shape.has_board else facts.people.security_adviser.name.strip()
    return f"the outside security adviser {name}" if name else "the outside security adviser"


def deputy(facts: Facts, role: str, first: str = "security_officer") -> Person | None:
    """Return who stands in for a role holder (reads their inbox, covers an absence): never that same person.

    The ``first`` office, unless its holder holds the role too; then whoever ``independent_reviewer`` names.
    """
    if not same_person(facts, role, first):
        return person(facts, first)
    return independent_reviewer(facts, role)


def neither_role(facts: Facts, *roles: str) -> str:
    """Return the role key of whom ``neither`` names, or "" for someone outside the company's offices."""
    taken = {_key(facts, role) for role in roles if role}
    candidates = ["ceo", *([ALTERNATE] if has_alternate(facts) else []), *OFFICES]
    return next((c for c in candidates if _key(facts, c) and _key(facts, c) not in taken), "")


def neither(facts: Facts, *roles: str) -> str:
    """Return who checks work two role holders share (one wrote, one approved), in words: never either of them.

    The Chief Executive Officer, else the alternate approver, else another office whose holder holds none of
    ``roles`` (an empty role, an outsider's, is skipped); when one or two people hold every office, an
    independent member of the board, else the outside security adviser who oversees a company without one. A
    retrospective review of an approval is no check when the approver or the author runs it.
    """
    candidate = neither_role(facts, *roles)
    if candidate:
        who = person(facts, candidate)
        return f"the {who.title}" if who.title != "Alternate Approver" else f"the alternate approver, {who.name}"
    return "an independent member of the board" if facts.shape.has_board else adviser_phrase(facts)


def deputy_role(facts: Facts, role: str, first: str = "security_officer") -> str:
    """Return the role key of whoever ``deputy`` names, so a template can route a check past them too."""
    who = deputy(facts, role, first)
    key = _person_key(who) if who else ""
    return next((office for office in (*OFFICES, ALTERNATE) if key and _key(facts, office) == key), role)


def stand_ins(facts: Facts, approver_role: str) -> list[Person]:
    """Return who approves a policy instead of its approver, in order, each a different person and never the approver.

    The alternate approver (``alternate``) first, then the holders of the other offices (Chief Executive Officer,
    Chief Technology Officer, Security Officer, Privacy Officer, Head of People). ``approver_for`` takes the first
    who neither wrote the change nor owns the policy, so the alternate never approves a policy they own.
    """
    usual = _key(facts, approver_role)
    seen = {usual}
    found: list[Person] = []
    first = alternate(facts)
    for who in (first, *(person(facts, office) for office in OFFICES)):
        if who is not None and _person_key(who) and _person_key(who) not in seen:
            seen.add(_person_key(who))
            found.append(who)
    return found


def signing_role(facts: Facts, approver_role: str, approver_name: str) -> str:
    """Return the capacity in which ``approver_name`` approved: the policy's approver role, or the alternate's.

    Anyone who stands in for the approver (``stand_ins``) signs as alternate approver, so the next approval does
    not read their office as a change of the policy's approver.
    """
    given = approver_name.strip().lower()
    if given == person(facts, approver_role).name.strip().lower():
        return approver_role
    instead = {who.name.strip().lower() for who in stand_ins(facts, approver_role)}
    return ALTERNATE if given in instead else approver_role


def approver_for(facts: Facts, approver_role: str, author: str, owner: str | None = None) -> Person | None:
    """Return who approves a change written by ``author`` (a name or email) to a policy ``owner`` holds, or None.

    The policy's approver, unless they wrote the change or own the policy; then the first of ``stand_ins`` who did
    neither (POL-02 4.2.2: nobody approves their own pull request or a policy they own). None when nobody is left.
    """
    excluded = {author.strip().lower()}
    if owner is not None:
        held = facts.people.role(owner)
        excluded |= {held.name.strip().lower(), held.email.strip().lower()}
    excluded.discard("")
    for who in (person(facts, approver_role), *stand_ins(facts, approver_role)):
        if who.name.strip().lower() not in excluded and who.email.strip().lower() not in excluded:
            return who
    return None


def approval_route(facts: Facts, approver_role: str) -> tuple[Person | None, Person | None]:
    """Return (the alternate approver, who approves instead where the alternate owns the policy) for POL-02 4.2.2.

    The second is None when nobody else holds an office: then a change the approver would write to a policy the
    alternate owns is written by its owner instead, as nobody else could approve it.
    """
    order = stand_ins(facts, approver_role)
    return (order[0] if order else None, order[1] if len(order) > 1 else None)
