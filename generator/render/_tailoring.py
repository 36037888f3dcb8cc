"""Words that make the text fit the company: its size, its architecture, its laws and its money.

Templates branch on these instead of on raw facts, so that "who meets to govern the program",
"what the backup service can promise" and "which breach law applies" are decided once, here,
from the facts and the library's data, and read the same in every policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model._facts import Facts
from ..model._facts_schema import ROLE_TITLES
from ..model._places import REPRESENTED_REGIONS, PlaceData, representative_regions
from ..model._roles import OFFICES, Member, adviser_phrase, forum
from ._render import join_and

CURRENCY_WORDS: dict[str, tuple[str, str]] = {
    "USD": ("US dollars", "$"), "EUR": ("euros", "€"), "GBP": ("pounds sterling", "£"),
    "CAD": ("Canadian dollars", "CA$"), "AUD": ("Australian dollars", "A$"), "CHF": ("Swiss francs", "CHF "),
    "SEK": ("Swedish kronor", "SEK "), "NOK": ("Norwegian kroner", "NOK "), "DKK": ("Danish kroner", "DKK "),
    "PLN": ("Polish złoty", "PLN "), "JPY": ("yen", "¥"), "INR": ("Indian rupees", "₹"),
    "SGD": ("Singapore dollars", "S$"), "NZD": ("New Zealand dollars", "NZ$"),
}


_NUMBER_WORDS: dict[int, str] = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _people_words(count: int) -> str:
    """Return "one person", "two people"."""
    return f"{_NUMBER_WORDS.get(count, str(count))} {'person' if count == 1 else 'people'}"


def governance_words(facts: Facts) -> dict[str, Any]:
    """Return how the program is governed: the forum, its cadence, and who oversees management."""
    small = facts.small
    board = bool(facts.shape.has_board)
    body = forum(facts)
    adviser = adviser_phrase(facts)
    assessor = facts.people.independent_assessor if small else ""
    return {
        "small": small,
        "large": not small,
        "board": board,
        # The body that sets objectives, reviews risks and test results.
        "forum": "leadership security meeting" if small else "security committee",
        # One name for the body everywhere it is mentioned: its meeting, its minutes, its members.
        "forum_heading": "Leadership security meeting" if small else "Security committee",
        "meeting": "leadership security meeting" if small else "security committee meeting",
        "member": "member of the leadership security meeting" if small else "committee member",
        "forum_cadence": "quarterly",
        # A company of 1-20 people, where everyone knows everyone: a report cannot stay anonymous inside it, so
        # the speaking-up channel reaches someone outside the company and says what protects the reporter.
        "few": facts.shape.headcount_band == "1-20",
        # Who oversees management independently: the board, or an outside adviser when there is none.
        "overseer": "the board" if board else adviser,
        "chair": "the board chair" if board else adviser,
        # The overseer at the start of a sentence: only its first letter raised, never a name lowered.
        "overseer_start": "The board" if board else adviser[:1].upper() + adviser[1:],
        # The outside security adviser, named once the company has named them ("" name and email until then).
        "adviser": adviser,
        "adviser_start": adviser[:1].upper() + adviser[1:],  # at the start of a sentence or list item
        "adviser_name": "" if board else facts.people.security_adviser.name,
        "adviser_email": "" if board else facts.people.security_adviser.email,
        # Outside testers, each named once the company has named it: the independent assessor who tests a small
        # company's controls, the penetration tester, and the tester of the cardholder data segment.
        "assessor": f"the independent assessor {assessor}" if assessor else "the independent assessor",
        "assessor_name": assessor,
        "pentester": facts.people.penetration_tester,
        "segmentation_tester": facts.people.segmentation_tester or facts.people.penetration_tester,
        # With card data: the Approved Scanning Vendor and the Qualified Security Assessor, "" until named.
        "scanning_vendor": facts.people.scanning_vendor,
        "pci_assessor": facts.people.pci_assessor,
        "outside_testing": "every year" if small else "every quarter",
        # How many different people hold the roles of the leadership security meeting, and who stands in for
        # an absent one where so few hold them that one absence would leave a single person to decide.
        # The quorum is counted in different people (``forum``): who they are, and how many it needs.
        "meeting_people": len(body.members),
        "members": [{"name": m.name, "titles": list(m.titles)} for m in body.members],
        "members_text": join_and(m.text for m in body.members),
        "members_count": _people_words(len(body.members)),
        "shared": body.shared,
        "quorum": body.quorum,
        "quorum_words": _NUMBER_WORDS.get(body.quorum, str(body.quorum)),
        "short": body.short,
        "stand_in": "a director the board names" if board else adviser,
        **_holders(facts),
    }


def engineering_words(facts: Facts) -> dict[str, Any]:
    """Return who reviews changes and backs up on-call: other engineers, or outside help for a lone engineer.

    With one engineer (``shape.engineers``) there is no second reviewer and no secondary on the rota. A
    contracted engineer or security provider (``shape.outside_engineer``) then reviews each change before
    merge and takes the escalated pages; without one, the outside security adviser reviews the changes
    after deployment every month, and both gaps are accepted risks in the risk register.
    """
    shape = facts.shape
    outside = shape.outside_engineer if shape.solo_engineer else ""
    return {
        "solo": shape.solo_engineer,
        "team": not shape.solo_engineer,
        "count": shape.engineers,
        # The contracted engineer or provider, "" when there is none (or when there are other engineers).
        "outside": outside,
        "engineer": str(facts.people.cto.name),
        # Who reviews a change: another engineer, the contracted reviewer, or nobody before merge.
        "reviewer": "another engineer" if not shape.solo_engineer else outside or "",
        # Whom an unacknowledged page goes to next: the secondary on the rota, the contracted backup, or, with
        # neither, the Chief Executive Officer, who can reach the engineer by phone but cannot respond in their place.
        "backup": ("the secondary on-call engineer" if not shape.solo_engineer
                   else f"{outside}, the outside engineer contracted as on-call backup" if outside
                   else "the Chief Executive Officer, by phone"),
    }


def _holders(facts: Facts) -> dict[str, Any]:
    """Return how many people hold the program's roles, and the one who is not the Security Officer.

    With two people, a role the policies leave to "an engineer the CTO designates" or "the deputy" has
    nobody else to go to, so the text names who holds it instead of pointing at people who do not exist.
    """
    holders: dict[str, tuple[str, str]] = {}
    for role, title in ROLE_TITLES.items():
        person = facts.people.role(role)
        holders.setdefault(str(person.email).lower(), (title, str(person.name)))
    officer = str(facts.people.role("security_officer").email).lower()
    other = next(((title, name) for email, (title, name) in holders.items() if email != officer), None)
    # Each holder with every office they hold, the Security Officer first: "Mei Lin (Chief Technology Officer and
    # Security Officer)". With two holders the text names them instead of "the two people in the program", which
    # is untrue where other staff work under the policies without holding a role (issue #13, N2).
    offices: dict[str, tuple[str, list[str]]] = {}
    for role in sorted(OFFICES, key=lambda r: str(facts.people.role(r).email).lower() != officer):
        person = facts.people.role(role)
        offices.setdefault(str(person.email).lower(), (str(person.name), []))[1].append(ROLE_TITLES[role])
    members = [Member(name, tuple(titles)) for name, titles in offices.values()]
    return {"people_count": len(holders),
            "second": {"title": other[0], "name": other[1]} if other else {"title": "", "name": ""},
            "holders_text": join_and(m.text for m in members),
            "holder_names": join_and(m.name for m in members),
            "second_text": members[1].text if len(members) > 1 else "",
            "deputy": deputies(facts),
            "declarer": fallback_declarer(facts)}


def fallback_declarer(facts: Facts) -> dict[str, str]:
    """Return who may declare a disaster when neither the CEO nor the CTO answers: a third person, or blanks.

    The Security Officer, unless that is the CEO or the CTO; then the Head of People, unless that is one of them
    too. In a company of two nobody is left, and the policy must not send the page to someone who did not answer.
    """
    chiefs = {str(facts.people.role(role).email).lower() for role in ("ceo", "cto")}
    for role in ("security_officer", "head_of_people"):
        held = facts.people.role(role)
        if str(held.email).lower() not in chiefs:
            return {"role": role, "title": ROLE_TITLES[role], "name": str(held.name)}
    return {"role": "", "title": "", "name": ""}


# Who stands in for each role of the incident roster when its holder cannot be reached: the first of these
# roles that another person holds. The order follows the duty: security and technology cover each other, the
# Chief Executive Officer covers the people and privacy decisions.
DEPUTY_ORDER: dict[str, tuple[str, ...]] = {
    "security_officer": ("cto", "ceo", "privacy_officer", "head_of_people"),
    "cto": ("security_officer", "ceo", "privacy_officer", "head_of_people"),
    "ceo": ("cto", "security_officer", "privacy_officer", "head_of_people"),
    "privacy_officer": ("security_officer", "ceo", "cto", "head_of_people"),
    "head_of_people": ("ceo", "privacy_officer", "cto", "security_officer"),
}


def deputies(facts: Facts) -> dict[str, dict[str, str]]:
    """Return each roster role's deputy (title and name), derived from who holds the other roles.

    A deputy is always someone other than the holder, so a company where two people hold every role gets
    the other person, never a blank cell; where one person holds them all, the title and name are "".
    """
    def email(role: str) -> str:
        return str(facts.people.role(role).email).lower()

    out: dict[str, dict[str, str]] = {}
    for role, order in DEPUTY_ORDER.items():
        pick = next((other for other in order if email(other) != email(role)), None)
        out[role] = ({"title": ROLE_TITLES[pick], "name": str(facts.people.role(pick).name)} if pick
                     else {"title": "", "name": ""})
    return out


def architecture_words(facts: Facts, places: PlaceData) -> dict[str, Any]:
    """Return the chosen services by name and the protections the backup service can really give."""
    stack = facts.stack
    words: dict[str, Any] = {}
    for kind in ("compute", "database", "object_storage", "secrets_manager", "iac_tool"):
        record = places.service(kind, stack.tool(kind)) or {"name": stack.tool(kind)}
        words[kind] = record["name"]
        words[f"{kind}_record"] = record
    storage = places.service("object_storage", stack.tool("object_storage")) or {}
    words["storage_redundancy"] = storage.get("redundancy", "")
    iac = places.service("iac_tool", stack.tool("iac_tool")) or {}
    words["drift"] = iac.get("drift", "")
    # The one drift detector, named short: the population of drift investigations (CHG-11), which the cloud's
    # configuration rules (NET-06) do not feed (issue #12, auditor read A19).
    words["drift_job"] = iac.get("drift_job") or f"the drift check of the {words['iac_tool']} code"
    backup = places.backup_by_name(stack.tool("backup_tool")) or {}
    configured = set(stack.backup_configured)
    lock = str(backup.get("immutable") or "")
    if not lock and "immutable" in configured:
        lock = "a retention lock configured on the backup storage"
    words["backup"] = {
        "name": stack.tool("backup_tool"),
        "known": bool(backup),
        "immutable": bool(lock),
        "lock": lock,
        "cross_region": bool(backup.get("cross_region")) or "cross_region" in configured,
        "separate_account": bool(backup.get("separate_account")) or "separate_account" in configured,
    }
    words["endpoint"] = endpoint_words(stack.tool("mdm"), stack.tool("endpoint_protection"), places)
    return words


def endpoint_words(mdm: str, protection: str, places: PlaceData) -> dict[str, Any]:
    """Return the disk encryption the MDM enforces and which tool blocks removable storage, as the catalog knows them.

    An MDM the catalog does not know is credited with no operating system of its own, and a removable-storage
    block with no tool's feature: the text then states the duty and leaves the tool to the baseline record.
    """
    managed = places.tool_by_name("endpoint_management", mdm) or {}
    protecting = places.tool_by_name("endpoint_protection", protection) or {}
    control = str(protecting.get("device_control") or managed.get("device_control") or "")
    return {
        "encryption": str(managed.get("encryption") or "FileVault on a Mac, BitLocker on a Windows laptop"),
        "device_control": control or (f"the removable-storage setting of {protection} or {mdm} that the "
                                      "endpoint baseline records"),
        "device_control_known": bool(control),
    }


def residency_words(facts: Facts, places: PlaceData) -> dict[str, Any]:
    """Return the residency area and which regions of it the company uses for a second copy."""
    found = places.residency_countries(facts.held_data.residency)
    name = found[0] if found else facts.held_data.residency
    regions = facts.stack.cloud_regions
    primary = places.region_country(facts.stack.cloud_providers, regions[0])
    spare: list[str] = []
    if found and primary:
        spare = [r for r in places.regions_in(primary[0], found[1]) if r not in regions]
    # A single-region company names a recovery region only when its provider has one inside the area.
    recovery = spare[0] if spare else ""
    cross_region = bool(architecture_words(facts, places)["backup"]["cross_region"])
    return {"area": name, "second_region": len(regions) > 1, "spare_regions": spare,
            "recovery_region": recovery,
            # The one test for "a copy of the data lives in another region": every duty about a recovery
            # region, a second-region copy or a regional RPO is written under it (rule ARC001).
            "regional_copy": len(regions) > 1 or bool(recovery and cross_region)}


def has_regional_copy(facts: Facts, places: PlaceData) -> bool:
    """Return whether backups are copied to a second region the company can recover in."""
    return bool(residency_words(facts, places)["regional_copy"])


# The entry of catalog/regulations.yaml that carries each representative's legal source.
_REPRESENTATIVE_RULES: dict[str, str] = {"eu": "gdpr_representative", "uk": "uk_representative"}


def jurisdiction_words(facts: Facts, places: PlaceData, regulations: dict[str, Any]) -> dict[str, Any]:
    """Return which laws shape the privacy, breach and payment text, and the company's role under them."""
    home = places.jurisdiction(facts.company.hq_country)
    customers = set(facts.held_data.customer_regions)
    pii = bool(facts.held_data.pii)
    gdpr = pii and (home == "eu" or "eu" in customers)
    uk = pii and (home == "uk" or "uk" in customers)
    us = pii and (home == "us" or "us" in customers)
    processor = facts.held_data.role == "processor"
    laws: list[str] = []
    if gdpr:
        laws.append("the EU General Data Protection Regulation (GDPR)")
    if uk:
        laws.append("the UK GDPR and the Data Protection Act 2018")
    if us:
        laws.append("the breach-notification laws of the US states where affected people live")
        laws.append("the California Consumer Privacy Act as amended by the CPRA (CCPA)")
    if facts.held_data.phi:
        laws.append("the HIPAA Privacy, Security and Breach Notification Rules")
    service_provider = facts.held_data.payment_role == "service_provider"
    authority = join_and(a for a, on in (("the supervisory authority of each EU member state concerned", gdpr),
                                         ("the Information Commissioner's Office (ICO)", uk)) if on)
    return {
        "home": home,
        "representatives": representatives(facts, home, regulations),
        "gdpr": gdpr,
        "uk_gdpr": uk,
        "us_states": us,
        "ccpa": us,
        "hipaa": bool(facts.held_data.phi),
        "pci": bool(facts.held_data.payment),
        "pci_service_provider": bool(facts.held_data.payment) and service_provider,
        "processor": processor,
        "controller": not processor,
        "laws": join_and(laws),
        "authority": authority,
        "has_laws": bool(laws),
    }


def representatives(facts: Facts, home: str, regulations: dict[str, Any]) -> list[dict[str, str]]:
    """Return the Article 27 representatives the company must name, each with where it acts and the law's source.

    Empty for a company established where its customers' users are, or holding no personal data, so such a
    company reads nothing of representatives.
    """
    held = facts.held_data
    found: list[dict[str, str]] = []
    for region in representative_regions(home, held.customer_regions, held.pii):
        fact, area, article = REPRESENTED_REGIONS[region]
        found.append({"region": region, "name": str(getattr(held, fact)), "area": area, "article": article,
                      "source": str(regulations[_REPRESENTATIVE_RULES[region]]["source"])})
    return found


def money_words(facts: Facts) -> dict[str, str]:
    """Return the company's currency in words and as a symbol."""
    code = facts.company.currency
    name, symbol = CURRENCY_WORDS[code]
    return {"code": code, "name": name, "symbol": symbol}


def cloud_vocabulary(facts: Facts, providers_catalog: dict[str, dict[str, str]],
                     architecture: dict[str, Any]) -> dict[str, Any]:
    """Return each vocabulary field joined over every provider the company lists, plus its chosen services."""
    providers = facts.stack.cloud_providers
    words: dict[str, Any] = {}
    fields = {field for key in providers for field in providers_catalog[key]}
    for field in sorted(fields):
        values = list(dict.fromkeys(providers_catalog[key][field] for key in providers
                                    if field in providers_catalog[key]))
        words[field] = join_and(values)
    words["compute"] = architecture["compute"]
    words["database"] = architecture["database"]
    words["object_storage"] = architecture["object_storage"]
    words["secrets"] = architecture["secrets_manager"]
    words["each"] = [dict(providers_catalog[key], key=key) for key in providers]
    # One provider's term per provider ("security groups and network ACLs in AWS, and VPC firewall rules
    # and hierarchical firewall policies in Google Cloud"), so a company on two clouds never reads one
    # list that mixes them; with one provider it is that provider's word.
    words["per"] = {field: per_provider(providers_catalog, providers, field) for field in sorted(fields)}
    # The provider's own unit of isolation (AWS account, Google Cloud project, Azure subscription), said for
    # each provider in use, so no company reads another provider's word for it.
    words["units_in"] = join_and(f"{providers_catalog[key]['accounts']} in {providers_catalog[key]['short']}"
                                 for key in providers)
    words["top_admin"] = join_and((providers_catalog[key]["top_admin"] for key in providers), last="or")
    words["unit_in"] = join_and(f"{providers_catalog[key]['account']} in {providers_catalog[key]['short']}"
                                for key in providers)
    return words


def per_provider(providers_catalog: dict[str, dict[str, str]], providers: Sequence[str], field: str) -> str:
    """Return a vocabulary field with each provider's word said for that provider."""
    parts = [(providers_catalog[key][field], providers_catalog[key].get("short", key)) for key in providers
             if field in providers_catalog[key]]
    if len(parts) == 1:
        return parts[0][0]
    said = [f"{word} in {short}" for word, short in parts]
    return ", ".join(said[:-1]) + ", and " + said[-1] if len(said) > 1 else ""
