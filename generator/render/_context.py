"""The variables a policy template sees: the company's facts plus words derived from them.

Derived words keep templates readable: a template writes ``{{ cloud.kms }}`` and gets "AWS Key
Management Service (KMS)" or "Azure Key Vault" depending on the company's cloud, instead of
carrying a branch per provider.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..model._catalog import Catalog
from ..model._commitments import UNIT_HOURS, CommitmentValue, resolve
from ..model._documents import document_id
from ..model._facts import Facts
from ..model._facts_schema import ROLE_TITLES, ReportType
from ..model._questionnaire import AUDIT_FIRM_PLACEHOLDER
from ..model._roles import (
    Person,
    adviser_phrase,
    approval_route,
    approver_for,
    deputy,
    deputy_role,
    independent_reviewer,
    neither,
    neither_role,
    office_of,
    person,
    reports_to,
    role_title,
    same_person,
    signer_title,
    technical_reviewer,
    trust_signer,
)
from ._commit import CommitContext, CommitText
from ._escape import markdown_text
from ._render import join_and, safe
from ._tailoring import (
    architecture_words,
    cloud_vocabulary,
    engineering_words,
    governance_words,
    jurisdiction_words,
    money_words,
    residency_words,
)

MFA_LABELS: dict[str, str] = {
    "webauthn": "phishing-resistant FIDO2 security keys or platform passkeys",
    "totp": "time-based one-time codes from an authenticator app",
    "push": "push approval with number matching in the identity provider's authenticator app",
}


def add_months(day: dt.date, count: int) -> dt.date:
    """Return the same day ``count`` months later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + count
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def before(day: dt.date, lead: CommitmentValue) -> dt.date:
    """Return the day a lead time before ``day``: whole months by the calendar, other units by their length."""
    if lead.unit == "month" and lead.value == int(lead.value):
        return add_months(day, -int(lead.value))
    if lead.unit == "year" and lead.value == int(lead.value):
        return add_months(day, -12 * int(lead.value))
    return day - dt.timedelta(hours=lead.value * UNIT_HOURS[lead.unit])


# Lead times POL-26 counts back from the end of the audit period (the window's end, a Type I's as-of date).
AUDIT_LEADS: tuple[str, ...] = ("assessor_test_lead", "audit_preparation_lead")
# The time a first round that cannot keep its lead leaves before the audit's end to fix what it finds.
FIRST_ROUND_ROOM = "first_round_fix_room"


def observation_end(facts: Facts) -> dt.date:
    """Return the last day of the observation window that starts on ``audit.observation_start``."""
    window = facts.audit
    return add_months(window.observation_start, window.observation_months) - dt.timedelta(days=1)


def audit_end(facts: Facts) -> dt.date:
    """Return the day the audit period ends: a Type II window's last day, or a Type I's as-of date."""
    return observation_end(facts) if facts.audit.report_type is ReportType.TYPE2 else facts.audit.observation_start


def lead_deadline(facts: Facts, lead: CommitmentValue,
                  room: CommitmentValue | None = None) -> tuple[dt.date, bool]:
    """Return the day a lead time before the audit's end, and whether that day precedes the policies.

    When the policies take effect less than the lead time before the end (a first Type I a month after
    adoption), the first round cannot keep the lead. It finishes ``room`` (``first_round_fix_room``)
    before the end instead, so a failure it finds can still be fixed and retested before the end, or
    halfway between adoption and the end when even that is too early; the policy says so (POL-26),
    so that the text and the calendar name the same, reachable day.
    """
    end = audit_end(facts)
    day = before(end, lead)
    if day < facts.audit.effective_date:
        start = facts.audit.effective_date
        first = before(end, room) if room is not None else end - dt.timedelta(days=1)
        if first < start:
            first = start + (end - start) / 2
        return min(first, end - dt.timedelta(days=1)), True
    return day, False


def cloud_words(facts: Facts, catalog: Catalog) -> dict[str, Any]:
    """Vocabulary of every cloud provider in use, with the company's chosen services."""
    providers = facts.stack.cloud_providers
    words: dict[str, Any] = cloud_vocabulary(facts, catalog.providers, architecture_words(facts, catalog.places))
    words["names"] = join_and(catalog.providers[p]["name"] for p in providers)
    words["multi"] = len(providers) > 1
    words["providers"] = list(providers)
    regions = facts.stack.cloud_regions
    words["primary_region"] = regions[0]
    words["secondary_regions"] = list(regions[1:])
    words["multi_region"] = len(regions) > 1
    # How a sentence names the region production runs in: "the primary region" only where there is another.
    words["the_region"] = "the primary region" if len(regions) > 1 else f"the region {regions[0]}"
    return words


def _phrase(who: Person | None, facts: Facts | None = None) -> str:
    """Return how a sentence names a person by role: "the Chief Executive Officer", "the alternate approver, X"."""
    if who is None:
        return f"an outside reviewer the {signer_title(facts, 'approver') if facts else 'Policy Approver'} names"
    return f"the {who.title}" if who.title != "Alternate Approver" else f"the alternate approver, {who.name}"


def _approved_by(facts: Facts, owner: str, approver: str) -> str:
    """Return who approves a policy in words: its approver, or the alternate approver when the approver owns it."""
    usual = person(facts, approver)
    who = approver_for(facts, approver, facts.people.role(owner).name, owner) or usual
    if who == usual:
        return f"the {signer_title(facts, approver)}"
    return f"the alternate approver ({who.name}, {who.title})"


def build_context(facts: Facts, catalog: Catalog, policy_links: Mapping[str, tuple[str, str]],
                  policy: Mapping[str, Any] | None = None, unwritten: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Return the template variables for one policy.

    ``policy_links`` maps in-scope policy ids to (title, file name) so ``link('POL-21')``
    can point at the company's file for that policy. ``unwritten`` names ids a library in
    progress lacks; links to them render as plain ids instead of failing.
    """
    # Templates read the facts nested as in company.yml (``company.name``), so the groups are handed over
    # as they are; values computed here come from the typed views.
    data = facts.data
    people: dict[str, Any] = {
        role: {"title": role_title(facts, role), **data["people"][role]} for role in ROLE_TITLES
    }
    # The approver is shown by the office they hold (Chief Executive Officer), as in every approval cell and
    # companion document; "Policy Approver" only names an approver who holds no office (issue #12: one title per
    # person). ``office`` is that office's title, blank when they hold none.
    people["approver"]["title"] = signer_title(facts, "approver")
    people["approver"]["office"] = people["approver"]["title"] if office_of(facts, "approver") else ""
    people["security_contact"] = facts.people.security_contact
    # The effective alternate approver (company.yml's, else the CEO or CTO), as approve enforces it.
    # and who approves instead where the alternate wrote or owns the policy (blank when nobody else holds an office).
    instead, then = approval_route(facts, "approver")
    people["alternate_approver"] = ({"title": instead.title, "name": instead.name, "email": instead.email}
                                    if instead else {"title": "", "name": "", "email": ""})
    people["alternate_approver"]["then"] = ({"title": then.title, "name": then.name} if then
                                            else {"title": "", "name": ""})
    # Who checks the Security Officer's own access lines: the CTO, else the alternate approver, else the CEO.
    reviewer = independent_reviewer(facts, "security_officer")
    people["security_officer_reviewer"] = (
        {"title": reviewer.title, "name": reviewer.name, "email": reviewer.email,
         "phrase": f"the {reviewer.title}" if reviewer.title != "Alternate Approver"
         else f"the alternate approver, {reviewer.name}",
         # The phrase as a sentence subject: a name in apposition is closed by a comma.
         "subject": f"the {reviewer.title}" if reviewer.title != "Alternate Approver"
         else f"the alternate approver, {reviewer.name},"} if reviewer else
        {"title": "", "name": "", "email": "", "phrase": _phrase(None, facts), "subject": _phrase(None, facts)})
    # Who checks the CTO's own technical work (settings, rules, keys, changes, inventories): never the CTO. "role" is
    # its role key ("" for an outsider), so a template can route a later check past them too.
    technical, technical_role = technical_reviewer(facts)
    people["cto_reviewer"] = {"phrase": technical, "subject": technical + ("," if "," in technical else ""),
                              "role": technical_role}
    # Who signs off the review of the public trust site: neither the Security Officer nor the Privacy Officer.
    people["trust_signer"] = {"phrase": trust_signer(facts)}
    # Who approves and reviews a duty conflict that the Security Officer's reviewer holds (POL-13 4.2.3). That
    # reviewer is already the alternate approver when there is one, so the conflict goes outside the company.
    outside = "an independent member of the board" if facts.shape.has_board else adviser_phrase(facts)
    people["conflict_fallback"] = {"phrase": outside, "subject": outside}
    people["privacy_contact"] = facts.people.privacy_contact
    # Whom the Privacy Officer reports to (never themself: a CEO who is Privacy Officer reports to the board, the
    # Policy Approver or the outside security adviser).
    people["privacy_officer_line"] = {"phrase": reports_to(facts, "privacy_officer"),
                                      "combined": same_person(facts, "privacy_officer", "ceo")}
    audit = dict(data["audit"])
    window = facts.audit
    audit["observation_end"] = observation_end(facts)
    audit["type2"] = window.report_type is ReportType.TYPE2
    # Until the company names its firm the fact holds a description ("an independent CPA firm"), which no
    # sentence may present as the firm that does or does not test something.
    audit["firm_named"] = window.audit_firm != AUDIT_FIRM_PLACEHOLDER
    values = resolve(catalog.commitments, data)
    # For each audit lead time: the day its first round finishes instead when the policies cannot yet keep
    # it, else None.
    audit["first_round"] = {name: day if short else None for name in AUDIT_LEADS if name in values
                            for day, short in [lead_deadline(facts, values[name], values.get(FIRST_ROUND_ROOM))]}
    in_scope = {category: category in facts.categories for category in
                ("security", "availability", "confidentiality", "processing_integrity", "privacy")}

    def link(policy_id: str, text: str | None = None) -> Any:
        if policy_id in unwritten:
            return policy_id
        if policy_id not in policy_links:
            raise KeyError(f"link('{policy_id}'): that policy is not in this company's scope")
        title, filename = policy_links[policy_id]
        # The title is front matter from a pull request: it is escaped like any fact.
        label = markdown_text(text or title)
        return safe(f"[{label}]({filename})")

    library_policies = {control.policy for control in catalog.controls.values()}

    def title_of(policy_id: str) -> Any:
        # A policy's title as its front matter has it, without a link: control statements name policies this way.
        # A library policy the repository lacks (deleted while in scope, which check reports) is named by its id.
        if policy_id in unwritten or (policy_id not in policy_links and policy_id in library_policies):
            return policy_id
        if policy_id not in policy_links:
            raise KeyError(f"title_of('{policy_id}'): that policy is not in this company's scope")
        return safe(markdown_text(policy_links[policy_id][0]))

    def owner_role(control_id: str) -> str:
        # The role that owns a control in this company: a small company's lean owner where the library sets one.
        control = catalog.controls.get(control_id)
        if control is None:
            raise KeyError(f"owner_of('{control_id}'): no control has that id")
        return control.owner_small if facts.small and control.owner_small else control.owner

    return {
        "company": data["company"],
        "people": people,
        "shape": data["shape"],
        "stack": data["stack"],
        "data": data["data"],
        "commitments": data["commitments"],
        "commit": CommitContext(catalog.commitments, values),
        "audit": audit,
        "site": data["site"],
        "scope": in_scope,
        "cloud": cloud_words(facts, catalog),
        "arch": architecture_words(facts, catalog.places),
        "gov": governance_words(facts),
        "eng": _engineering(facts, values),
        "residency": residency_words(facts, catalog.places),
        "law": jurisdiction_words(facts, catalog.places, catalog.regulations),
        "rules": catalog.regulations,
        "money": money_words(facts),
        "mfa": MFA_LABELS[facts.stack.tool("mfa_method")],
        "policy": dict(policy or {}),
        "link": link,
        "title_of": title_of,
        # same_person("cto", "security_officer"): branch where one person holding both roles changes who checks.
        "same_person": lambda role_a, role_b: same_person(facts, role_a, role_b),
        # owner_of('GOV-09'): the title of whoever runs a control here, so the policy and its statement name
        # the same person when a small company routes the duty to another role (``owner_small``).
        "owner_of": lambda control_id: role_title(facts, owner_role(control_id)),
        "owner_role": owner_role,
        # other_than("security_officer", "cto"): who approves what a role holder asked for or advised, never that
        # person: the second office, unless one person holds both; then whoever ``independent_reviewer`` names.
        "other_than": lambda role, first: _phrase(deputy(facts, role, first), facts),
        # other_than_role("cto", "security_officer"): the role key of whom ``other_than`` names, to pass to ``neither``.
        "other_than_role": lambda role, first: deputy_role(facts, role, first),
        # neither("security_officer", "cto"): who reviews what one role wrote and the other approved, never either.
        "neither": lambda *roles: neither(facts, *roles),
        # neither_role("security_officer", "cto"): the role key of whom ``neither`` names ("" for an outsider), so a
        # later check (a report on that reviewer's review, a sign-off past them) is routed past them too.
        "neither_role": lambda *roles: neither_role(facts, *roles),
        # reports_to("head_of_people"): whom a role reports to, never its own holder (``reports_to``).
        "reports_to": lambda role, line="ceo": reports_to(facts, role, line),
        # approved_by(policy.owner, policy.approver): who approves a policy, the alternate when its approver owns it.
        "approved_by": lambda owner, approver: _approved_by(facts, owner, approver),
        "docid": lambda policy_id: document_id(facts.company.doc_prefix, policy_id),
    }


def _engineering(facts: Facts, values: Mapping[str, CommitmentValue]) -> dict[str, Any]:
    """Return ``engineering_words`` with the one on-call arrangement of a contracted outside engineer.

    With one engineer and an outside engineer, the backup takes every page the CTO leaves unacknowledged and every
    page of the CTO's planned leave (issue #12, auditor read T6): POL-18, POL-21, POL-06 and TRN-04, the risk
    register, the vendor inventory and the runbook print ``eng.backup_duty`` instead of each saying it their way.
    """
    eng = engineering_words(facts)
    # A page escalates when its severity's acknowledgement time passes, one clock per severity for POL-18, POL-21,
    # INC-01 and the runbook (issue #12, auditor read A17: "acknowledged within 30 minutes" beside "escalates
    # after 15 minutes" for the same high page).
    # A test's miniature catalog may lack the acknowledgement times; then no sentence prints the escalation.
    eng["escalation"] = (f"the acknowledgement time of its severity ({CommitText(values['sev1_ack'])} for a "
                         f"critical page, {CommitText(values['sev2_ack'])} for a high one)"
                         if "sev1_ack" in values and "sev2_ack" in values else "")
    eng["backup_duty"] = ""
    if eng["outside"]:
        eng["backup_duty"] = (f"takes every page the CTO does not acknowledge within {eng['escalation']} and every "
                              "page during the CTO's planned leave, entered on the rota at least 2 weeks ahead")
    return eng
