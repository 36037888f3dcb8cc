"""Rules over controls: one owner, one cadence and one record each; no near-duplicates; evidence on subject."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from itertools import combinations

from .._errors import Problem
from ..model._catalog import Control, id_order
from ..model._commitments import UNIT_HOURS, Commitment, frequency_for, period_hours, unit_phrase
from ..model._facts_schema import ROLE_TITLES
from ._base import RuleInput

# Cadence words in a statement, and the control frequency each means.
_CADENCE_WORDS: dict[str, str] = {
    "daily": "daily", "every day": "daily", "each day": "daily",
    "weekly": "weekly", "every week": "weekly", "each week": "weekly",
    "monthly": "monthly", "every month": "monthly", "each month": "monthly",
    "quarterly": "quarterly", "every quarter": "quarterly", "each quarter": "quarterly",
    "every 3 months": "quarterly",
    "twice a year": "semiannual", "semiannually": "semiannual", "every 6 months": "semiannual",
    "every six months": "semiannual",
    "annually": "annual", "yearly": "annual", "every year": "annual", "each year": "annual",
    "once a year": "annual", "every 12 months": "annual",
}
# A cadence word before a measured quantity ("monthly availability of 99.9%") names the period the
# quantity is measured over, not how often the control runs.
_CADENCE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, _CADENCE_WORDS), key=len, reverse=True)) + r")\b"
                      r"(?!\s+(?:availability|uptime|downtime|error budget)\b)", re.IGNORECASE)
# The same words for the commitment rules: a cadence typed as a word shadows a cadence commitment (COM001).
CADENCE_WORD = _CADENCE
SCHEDULED = ("daily", "weekly", "monthly", "quarterly", "semiannual", "annual")
# Words that name the record a control leaves.
_RECORD = re.compile(
    r"\b(record|records|recorded|recording|ticket|tickets|log|logs|logged|report|reports|reported|register|minutes|"
    r"evidence|export|exports|exported|signed|sign-off|acknowledg\w*|attest\w*|entry|entries|list|inventory|"
    r"screenshot|alert|alerts|pull request|merge request|issue|file|filed|form|result|results|history|"
    r"document|documented|archive|archived|approval|approved|plan|review|reviewed|retained|kept|audit trail|"
    r"page|notice|notified|notification|certificate|attestation|agreement|contract|catalog|dashboard|"
    r"commit|version|versioned|changelog|baseline|receipt|assessment|scan|test|tested|rating|request|requests|"
    r"matrix|analysis|minutes|message|email|case|ledger|calendar|diagram|map|exception)\b",
    re.IGNORECASE)
# Two statements whose content words (TF-IDF weighted, crude 5-letter stems) are this alike say the
# same thing in other words; measured on the library, restated controls score 0.45 and above.
DUPLICATE_SIMILARITY = 0.45
_STOP = frozenset(
    "a an the and or of to in on for with by is are be each every any all its it this that from as at within which "
    "who their them they than not no when has have had per only one two into our other after before least most more "
    "was were been being also under over".split())


def one_cadence_per_control(view: RuleInput) -> Iterator[Problem]:
    """A control's frequency field and the cadence its statement names are the same."""
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement is None:
            continue
        named = {_CADENCE_WORDS[m.group(1).lower()] for m in _CADENCE.finditer(statement)}
        if not named or control.frequency in named:
            continue
        if control.frequency in SCHEDULED or control.frequency == "continuous":
            where, line = view.control_location(control)
            said = ", ".join(sorted(named))
            yield Problem(where, f"control {control.id}: the statement says {said} but the frequency is "
                          f"{control.frequency}",
                          "make them one value: set frequency to what the statement says, or name a cadence "
                          "commitment (cadence: NAME) and print it in the statement", line)


def one_record_per_control(view: RuleInput) -> Iterator[Problem]:
    """A control's statement names the record it leaves, so an auditor knows what to sample."""
    for control in view.controls():
        statement = view.statements.get(control.id)
        # A continuous control is an automated setting: its record is the configuration export.
        if control.frequency == "continuous":
            continue
        if statement is not None and not _RECORD.search(statement):
            where, line = view.control_location(control)
            yield Problem(where, f"control {control.id}: the statement names no record it leaves",
                          "say what record proves it ran (ticket, log, report, signed form...)", line)


def _stems(text: str) -> Counter[str]:
    return Counter(w[:5] for w in re.findall(r"[a-z][a-z0-9]+", text.lower()) if w not in _STOP and len(w) > 2)


def similarities(statements: dict[str, str]) -> dict[tuple[str, str], float]:
    """Return the TF-IDF cosine similarity of every pair of statements (ids in sorted order)."""
    counts = {cid: _stems(text) for cid, text in statements.items()}
    frequency = Counter(stem for count in counts.values() for stem in count)
    total = len(counts)
    vectors = {cid: {s: (1 + math.log(n)) * math.log(total / frequency[s]) for s, n in count.items()}
               for cid, count in counts.items()}
    norms = {cid: math.sqrt(sum(x * x for x in v.values())) or 1.0 for cid, v in vectors.items()}
    out: dict[tuple[str, str], float] = {}
    for a, b in combinations(sorted(vectors), 2):
        va, vb = vectors[a], vectors[b]
        if len(va) > len(vb):
            va, vb = vb, va
        out[(a, b)] = sum(x * vb.get(s, 0.0) for s, x in va.items()) / (norms[a] * norms[b])
    return out


def near_duplicate_controls(view: RuleInput) -> Iterator[Problem]:
    """Two controls whose statements say nearly the same thing are one control referenced from both policies."""
    controls = {c.id: c for c in view.controls() if c.id in view.statements}
    scores = similarities({cid: view.statements[cid] for cid in controls})
    for (a, b), score in sorted(scores.items()):
        if score >= DUPLICATE_SIMILARITY:
            where, line = view.control_location(controls[b])
            yield Problem(where, f"control {b} restates control {a}",
                          "keep one control, carry it in both policies' controls: lists, and delete the other", line)


def evidence_on_subject(view: RuleInput) -> Iterator[Problem]:
    """An evidence item proves only controls of the policies it is about."""
    catalog = view.program.library.catalog
    for control in view.controls():
        for eid in control.evidence:
            item = catalog.evidence.get(eid)
            if item is None or set(control.carriers()) & set(item.policies) \
                    or set(control.criteria) & set(item.criteria):
                continue
            where, line = view.control_location(control)
            yield Problem(where, f"control {control.id} ({control.policy}, {', '.join(control.criteria)}) cites {eid} "
                          f"'{item.item}', which is evidence for {', '.join(item.policies)} "
                          f"({', '.join(item.criteria)})",
                          f"cite evidence about this control's subject, or add {control.policy} to {eid}'s policy "
                          "list in catalog/evidence.yaml if it truly proves it", line)


def evidence_shares_a_criterion(view: RuleInput) -> Iterator[Problem]:
    """An evidence item proves only controls on its own subject: each shares a criterion with the item.

    CTL004 reads subject as policy, so a catch-all item of a policy (EV-62, the privacy notice and records of
    POL-28) passed for every control of that policy, and the evidence plan mapped the privacy report's and the
    retention check's criteria to it. The item's criteria are what it is evidence of; a control none of whose
    criteria the item lists is proved by another item, or the item asks for another artefact.

    Each duty is held to its own items: in a small company's lean program a host carries the criteria and
    evidence of the controls merged into it (``lean_merge``), so the vendor checks of VEN-08 prove the host VUL-06
    through VEN-08's own criteria, and an item is read against the duty that cites it, never against criteria a
    merged neighbour brought.
    """
    program = view.program
    catalog = program.library.catalog
    for control in view.controls():
        duties = [program.control(cid) or control for cid in (control.id, *control.merges)]
        for duty in duties:
            for eid in duty.evidence:
                item = catalog.evidence.get(eid)
                if item is None or set(duty.criteria) & set(item.criteria):
                    continue
                where, line = view.control_location(duty)
                merged = f" (merged into {control.id})" if duty.id != control.id else ""
                yield Problem(where, f"control {duty.id}{merged} ({', '.join(duty.criteria)}) cites {eid}, "
                              f"whose subject is other criteria ({', '.join(item.criteria)})",
                              f"cite the item that records this control's own runs or events, or, if {eid} truly "
                              f"shows this control, add the criterion it evidences to {eid}'s tsc list in "
                              "catalog/evidence.yaml; where no item is about this subject, add one (its own "
                              "subject, owner and kind) at the end of the numbering", line)


def _evidence_line(path: str, evidence_id: str) -> int | None:
    """Return the line of an evidence item's ``id:`` in the evidence catalog."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    index = text.find(f"id: {evidence_id}\n")
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def evidence_criteria_within_controls(view: RuleInput) -> Iterator[Problem]:
    """An evidence item claims only criteria that the controls it proves address.

    Criteria are met by controls; evidence only shows that a control ran. So an item's criteria must
    be a subset of the union of its controls' criteria: a criterion no control it proves addresses is a
    claim no auditor can trace to a control. The reverse (each control's criteria inside each of its
    items') would be wrong: a control often needs several items, each proving a part of it.
    """
    catalog = view.program.library.catalog
    served: dict[str, set[str]] = {}
    for control in catalog.controls.values():
        for eid in control.evidence:
            served.setdefault(eid, set()).update(control.criteria)
    where = str(view.program.library.root / "catalog" / "evidence.yaml")
    for eid, item in sorted(catalog.evidence.items(), key=lambda entry: id_order(entry[0])):
        extra = sorted(set(item.criteria) - served.get(eid, set()))
        if eid not in served or not extra:
            continue
        users = sorted(c.id for c in catalog.controls.values() if eid in c.evidence)
        yield Problem(where, f"evidence {eid} '{item.item}' maps {', '.join(extra)}, which none of the controls it "
                      f"proves ({', '.join(users)}) addresses",
                      f"add {', '.join(extra)} to the control whose duty meets it, or drop it from {eid}'s tsc list",
                      _evidence_line(where, eid))


# ------------------------------------------------------------------ one owner, one cadence
_COMMIT_REF = re.compile(r"\bcommit(?:ments)?\.(\w+)")
# A role acting as the subject of a clause: "the Security Officer reviews", "The CTO confirms". The verb is a
# present-tense verb in the third person; "is", "has" and "was" describe rather than act.
_TITLES: dict[str, str] = {title: role for role, title in ROLE_TITLES.items()}
_TITLES.update({"CEO": "ceo", "CTO": "cto"})
_ACTOR = re.compile(
    r"(?:^|(?<=[.;:,(])\s*|\b(?:and|then|while|where|when|so)\s+)[Tt]he\s+("
    + "|".join(sorted(map(re.escape, _TITLES), key=len, reverse=True))
    + r")(?:\s+\([^)]*\)|,[^,]{1,80},)?\s+(?!is\b|has\b|was\b|does\b|needs\b)([a-z]+s)\b")
# A role that approves, signs or decides what the owner prepared checks the owner's work (segregation
# of duties, rule SOD003): that is a second person in the control, not a second actor running it.
_CHECK_VERBS = frozenset("approves signs countersigns decides authorises authorizes".split())
# Likewise a role that reviews the owner's own entries ("reviews the entries of the Security Officer's own
# activity"), so that nobody reviews themselves: the owner's own lines are routed, the control is not shared.
_OWN_REACH = 80


def _cadences_in(statement: str) -> dict[str, str]:
    """Return the cadences a rendered statement names: {frequency: the words that name it}."""
    return {_CADENCE_WORDS[m.group(1).lower()]: m.group(1) for m in _CADENCE.finditer(statement)}


def _named_by(view: RuleInput, template: str, frequency: str) -> list[str]:
    """Return the cadence commitments a statement template prints that run at ``frequency`` for this company."""
    entries = view.program.library.catalog.commitments.entries
    names = []
    for name in dict.fromkeys(_COMMIT_REF.findall(template)):
        entry, value = entries.get(name), view.program.commitments.get(name)
        if entry is not None and value is not None and entry.kind == "cadence" \
                and value.unit in UNIT_HOURS and frequency_for(value.value, value.unit) == frequency:
            names.append(name)
    return names


# A deadline a statement times a duty with: "{{ commit.NAME.within }}", or "within {{ commit.NAME }}" (and the
# old "within {{ commitments.NAME | hours }}"). A deadline printed as a level ("an RTO of 8 hours") is not one.
_WITHIN_REF = re.compile(r"\bwithin\s+\{\{-?\s*commit(?:ments)?\.(\w+)\b|\{\{-?\s*commit\.(\w+)\.within\b")


def _printed_deadlines(view: RuleInput, control: Control, statement: str) -> Iterator[tuple[Commitment, str]]:
    """Yield each deadline commitment the control's rendered statement prints as "within N", with those words."""
    entries = view.program.library.catalog.commitments.entries
    seen: set[str] = set()
    for match in _WITHIN_REF.finditer(control.statement):
        name = match.group(1) or match.group(2)
        entry, value = entries.get(name), view.program.commitments.get(name)
        if entry is None or value is None or entry.kind != "deadline" or name in seen:
            continue
        words = f"within {unit_phrase(value.value, value.unit)}"
        if words in statement.lower():
            seen.add(name)
            yield entry, words


def run_and_event_deadlines(view: RuleInput) -> Iterator[Problem]:
    """A periodic control prints no per-event deadline: the auditor samples its runs, not events.

    "Findings are fixed within 30 days" inside a quarterly review is a second control: the auditor
    tests the review by sampling quarters and the deadline by sampling findings. The criterion for
    a deadline that belongs to the run: its catalog entry says ``of_run: true`` because it is counted
    from the run itself (the end of the period the run covers, or the run's meeting, test or due date)
    and closes that run's own record (its report, minutes, filed evidence or decided changes), and
    it is shorter than the control's period, so each run closes before the next begins. Every other
    deadline starts at an event of its own (a hire, a leaver, a change, a finding) and belongs to a
    per-event control; so does an ``of_run`` deadline as long as the period.
    """
    for control in view.controls():
        period = period_hours(control.frequency)
        statement = view.statements.get(control.id)
        if period is None or statement is None:
            continue
        where, line = view.control_location(control)
        for entry, words in _printed_deadlines(view, control, statement):
            value = view.program.commitments[entry.name]
            if not entry.of_run:
                yield Problem(where, f"control {control.id}: runs {control.frequency}, but its statement also "
                              f"prints '{words}' (commitment {entry.name}), a deadline counted per event",
                              "one control, one population: move the deadline into the per-event control that "
                              "already owns it and reference that control, or split it into a per-event control "
                              "of its own (the next free id of the family) with its own evidence", line)
            elif (value.hours or 0) >= period:
                yield Problem(where, f"control {control.id}: runs {control.frequency}, but its run's own deadline "
                              f"'{words}' (commitment {entry.name}) is as long as its period",
                              f"shorten {entry.name} below one {control.frequency} period, or drop of_run and "
                              "move the deadline into a per-event control", line)


def one_owner_one_cadence(view: RuleInput) -> Iterator[Problem]:
    """A control runs at one cadence, its frequency, and is done by one role, its owner.

    A statement that also names another cadence (through a named commitment such as ``{{
    commit.emergency_review.every }}``) or has another role act ("the Chief Technology Officer confirms")
    is two controls in one: the auditor cannot tell which population to sample or whom to ask.
    """
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement is None:
            continue
        where, line = view.control_location(control)
        for frequency, words in sorted(_cadences_in(statement).items()):
            if frequency == control.frequency:
                continue
            names = _named_by(view, control.statement, frequency)
            through = f" (commitment {', '.join(names)})" if names else ""
            yield Problem(where, f"control {control.id}: runs {control.frequency}, but its statement also names "
                          f"'{words}'{through}, a {frequency} duty",
                          "one control, one cadence: move that duty into the control that already owns it, or into a "
                          "new control of its own (the next free id of the family) that prints the same commitment",
                          line)
        owner = ROLE_TITLES[control.owner]
        for match in _ACTOR.finditer(statement):
            role = _TITLES[match.group(1)]
            if role == control.owner or ROLE_TITLES[role] == owner or match.group(2) in _CHECK_VERBS \
                    or "'s own" in statement[match.end():match.end() + _OWN_REACH]:
                continue
            yield Problem(where, f"control {control.id}: owned by the {owner}, but '{match.group(0).strip()}' has "
                          f"the {ROLE_TITLES[role]} run part of it",
                          f"make the {owner} the one who acts (the other role's part is an input the owner records), "
                          f"set owner: {role} if that role runs the control, or split the part into its own control",
                          line)


def lean_merges_hold(view: RuleInput) -> Iterator[Problem]:
    """A control a small company runs with another (``lean_merge``) has that control's owner and frequency.

    Merging is for the same activity at the same cadence by the same owner; a declared merge that
    the company's cadences or owners break leaves the control standing, and the author should know.
    """
    program = view.program
    if not program.facts.small:
        return
    in_force = {control.id: control for control in program.controls()}
    for control in in_force.values():
        host = in_force.get(control.merged_into or "")
        if host is None:
            continue
        where, line = view.control_location(control)
        yield Problem(where, f"control {control.id}: lean_merge {host.id} does not hold for this company "
                      f"({control.owner}, {control.frequency} against {host.owner}, {host.frequency})",
                      "merge it into a control with the same owner and frequency in a small company, or drop "
                      "lean_merge", line)
