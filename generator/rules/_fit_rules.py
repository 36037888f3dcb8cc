"""Rules that hold the text to the company it describes: no duty its architecture or work model rules out.

The library branches its text on facts (one region or several, remote or office). A sentence written
outside its branch reads as a duty the company cannot perform, which an auditor tests as an
exception: a single-region company asked to check "a current copy in the second region", or a remote
company asked for "office badge list reviews".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .._errors import Problem
from ..model._catalog import id_order
from ..render._render import join_and
from ..render._tailoring import has_regional_copy, residency_words
from ._base import RuleInput

# A duty that needs a copy of the data in another region.
SECOND_REGION_DUTY = re.compile(
    r"second[- ]region|recovery region|cross-region cop|copied to (?:another|a second) region|"
    r"regional (?:RPO|recovery point)|fails? over to (?:another|the other|a second) region|"
    r"\b\d+ (?:minutes?|hours?|days?) after the loss of (?:a|the|that|its) (?:primary )?region", re.IGNORECASE)
# Sentences that say the company has no such copy are true for it, not duties.
_NO_SECOND_REGION = re.compile(
    r"\bno (?:recovery|second) region\b|\bno backup is copied\b|\bcannot copy\b|\bnot copied\b|"
    r"\bno recovery region holds\b|\bhas no second region\b", re.IGNORECASE)
# A claim that the company's region is the only one its provider has inside the residency area.
ONLY_REGION = re.compile(r"\bthe only region\b|\bhas no second region\b", re.IGNORECASE)
_NEVER = re.compile(r"(?!)")
# A duty only an office can carry.
OFFICE_DUTY = re.compile(
    r"office badge|badge list|\bbadges? (?:is|are) (?:issued|deactivated|collected)|visitor log|visitors sign in|"
    r"visitor badge|office coordinator|office walk-through|walks through each office|[Ww]hiteboard|flip chart|"
    r"shredding bin|loss of an office|reception desk", re.IGNORECASE)
# ... unless the sentence says there is no office. A sentence about what happens before an office is
# leased names the duties the new policy text will carry, not the controls of another company's policy.
_NO_OFFICE = re.compile(r"\b(?:has|is) no office\b|\bno office,", re.IGNORECASE)


def _texts(view: RuleInput) -> Iterator[tuple[str, int | None, str]]:
    """Yield (file, line, sentence) for each rendered sentence of the policies and each control statement."""
    for policy_id, source in view.sources.items():
        for number, sentence in view.sentences(policy_id):
            yield source.where, None, f"{number or ''}\x00{sentence}"
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement is not None:
            where, line = view.control_location(control)
            yield where, line, f"\x00{statement}"


def _located(view: RuleInput, where: str, line: int | None, packed: str) -> tuple[str, int | None]:
    number, sentence = packed.split("\x00", 1)
    if line is None:
        source = next((s for s in view.sources.values() if s.where == where), None)
        line = source.locate(number or None, sentence) if source else None
    return sentence, line


def _duties(view: RuleInput, duty: re.Pattern[str], exempt: re.Pattern[str],
            ) -> Iterator[tuple[str, int | None, str, str]]:
    """Yield (file, line, sentence, matched words) for each sentence that states `duty` and not `exempt`."""
    for where, line, packed in _texts(view):
        if not duty.search(packed) or exempt.search(packed):
            continue
        sentence, at = _located(view, where, line, packed)
        found = duty.search(sentence)
        assert found is not None
        yield where, at, sentence, found.group(0)


def second_region_duty_needs_a_second_region(view: RuleInput) -> Iterator[Problem]:
    """A company whose backups stay in one region is given no duty about a recovery region or its copy."""
    facts = view.program.facts
    if has_regional_copy(facts, view.program.library.catalog.places):
        return
    region = facts.stack.cloud_regions[0]
    for where, at, sentence, words in _duties(view, SECOND_REGION_DUTY, _NO_SECOND_REGION):
        yield Problem(where, f"'{words}' is a duty for a company with a copy in a second region, but this "
                      f"company's backups stay in {region}: …{sentence[:120]}…",
                      "write it under {% if residency.regional_copy %} and say what holds with one region "
                      "(the loss of the region is an accepted risk) in the {% else %}", at)


def office_duty_needs_an_office(view: RuleInput) -> Iterator[Problem]:
    """A fully remote company is given no office duty, in its policies, controls or evidence plan."""
    if view.program.facts.shape.work_model != "remote":
        return
    for where, at, sentence, words in _duties(view, OFFICE_DUTY, _NO_OFFICE):
        yield Problem(where, f"'{words}' is an office duty, but this company is fully remote: "
                      f"…{sentence[:120]}…",
                      "write it under {% if shape.work_model != \"remote\" %} and say what protects a remote "
                      "company instead (the provider's controls, home-working and device controls)", at)
    catalog = view.program.library.catalog
    path = Path(view.program.library.root) / "catalog" / "evidence.yaml"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    cited = {eid for control in view.controls() for eid in control.evidence}
    for eid in sorted(cited, key=id_order):
        item = catalog.evidence.get(eid)
        if item is None:
            continue
        detail = item.detail_for("remote")
        found = OFFICE_DUTY.search(detail)
        if found and not _NO_OFFICE.search(detail):
            at = next((n for n, text in enumerate(lines, 1) if text.strip() == f"- id: {eid}"), None)
            yield Problem(str(path), f"{eid} asks a remote company for '{found.group(0)}': "
                          f"…{detail[:120]}…",
                          f"give {eid} a detail_remote: that names the evidence a remote company has", at)


def only_region_claim_holds(view: RuleInput) -> Iterator[Problem]:
    """No sentence calls the company's region the only one inside the residency area when the catalog knows another.

    A provider often has several regions inside one country or area (AWS has ca-central-1 and ca-west-1 in
    Canada): "the only region" is then untrue, and an auditor reads the accepted risk of losing the region
    as a choice the text hides.
    """
    facts = view.program.facts
    words = residency_words(facts, view.program.library.catalog.places)
    spare = list(words["spare_regions"])
    if not spare:
        return
    for where, at, sentence, claim in _duties(view, ONLY_REGION, _NEVER):
        yield Problem(where, f"'{claim}' is untrue: the provider also has {join_and(spare)} inside the residency "
                      f"area ({words['area']}): …{sentence[:120]}…",
                      "write the claim under {% if not residency.recovery_region %} and name what holds otherwise "
                      "(residency.recovery_region, residency.regional_copy)", at)
