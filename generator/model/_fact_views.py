"""Typed views of the company facts: ``facts.company.doc_prefix`` rather than a dotted-string lookup.

Each group of ``company.yml`` that code reads by name has a frozen dataclass here, built once from the
validated facts (``Facts.company``, ``.people``, ``.shape``, ``.stack``, ``.held_data``, ``.audit``,
``.site``, ``.commitments``, ``.documents``). Templates keep reading the nested ``facts.data``; a fact
added to the schema is added here when code reads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ._facts_schema import DEFAULT_CLASSIFICATION, ReportType


@dataclass(frozen=True)
class CompanyFacts:
    """Who the company is (``company.*``)."""

    legal_name: str
    name: str
    slug: str
    doc_prefix: str
    product: str
    website: str
    email_domain: str
    hq_country: str
    currency: str
    time_zone: str = "UTC"  # an IANA name; blank in company.yml means the usual zone of hq_country


@dataclass(frozen=True)
class Person:
    """Someone the library names by role: a name and an email address."""

    name: str
    email: str


@dataclass(frozen=True)
class PeopleFacts:
    """The people who own, approve and answer for the program (``people.*``)."""

    ceo: Person
    cto: Person
    security_officer: Person
    privacy_officer: Person
    head_of_people: Person
    approver: Person
    security_contact: str
    alternate_approver: Person  # name and email are "" when the company names none
    privacy_contact: str  # the role mailbox for privacy requests
    # Outside parties, "" where the company has not named them (or they do not apply): the text then names the role.
    security_adviser: Person = Person("", "")  # oversees management where there is no board
    independent_assessor: str = ""  # tests the controls of a company of up to 50 people
    penetration_tester: str = ""
    segmentation_tester: str = ""  # tests the cardholder data environment's segmentation
    scanning_vendor: str = ""  # the PCI SSC Approved Scanning Vendor of a company holding card data
    pci_assessor: str = ""  # the Qualified Security Assessor firm of a company holding card data

    def role(self, key: str) -> Person:
        """Return the person holding a role named by its key (``security_officer``), as front matter names it."""
        person = getattr(self, key, None)
        if not isinstance(person, Person):
            raise KeyError(key)
        return person


@dataclass(frozen=True)
class ShapeFacts:
    """How the company is shaped (``shape.*``)."""

    headcount_band: str
    work_model: str
    contractors: bool
    byod_allowed: bool
    has_board: bool
    engineers: int = 2  # engineers who write and deploy production code, the CTO included
    outside_engineer: str = ""  # a one-engineer company's contracted reviewer and on-call backup ("" for none)

    @property
    def solo_engineer(self) -> bool:
        """Return whether one engineer writes and deploys all code: nobody inside reviews it or shares on-call."""
        return self.engineers == 1


@dataclass(frozen=True)
class StackFacts:
    """The systems the company runs on (``stack.*``); ``tool(key)`` reads a tool named by its key."""

    cloud_providers: tuple[str, ...]
    cloud_regions: tuple[str, ...]
    logging_siem: str
    status_page: str
    tools: dict[str, str]  # every single-valued stack fact (ticketing, hr_system, ...) by key
    backup_configured: tuple[str, ...]  # protections configured beyond the backup tool's own (may be empty)

    def tool(self, key: str) -> str:
        """Return the system a stack fact names (``ticketing`` -> "Linear"); KeyError for no such fact."""
        return self.tools[key]


@dataclass(frozen=True)
class DataFacts:
    """The data the company holds and its role for it (``data.*``)."""

    pii: bool
    phi: bool
    payment: bool
    customer_confidential: bool
    residency: str
    customer_regions: tuple[str, ...]
    role: str
    payment_role: str
    # Representatives named under GDPR and UK GDPR Article 27; blank where none is named.
    eu_representative: str = ""
    uk_representative: str = ""


@dataclass(frozen=True)
class AuditFacts:
    """The SOC 2 audit (``audit.*``); the categories in scope are ``Facts.scope``."""

    report_type: ReportType
    observation_start: dt.date
    observation_months: int
    audit_firm: str
    effective_date: dt.date


@dataclass(frozen=True)
class CommitmentFacts:
    """The numbers the company states as facts (``commitments.*``) that code reads by name.

    Every commitment, fact-backed or not, is resolved through ``catalog/commitments.yaml``
    (``Program.commitments``); these are the raw facts for the few places that print the fact itself.
    """

    log_retention_days: int
    access_review_cadence: str


@dataclass(frozen=True)
class DocumentFacts:
    """How the company's documents are marked (``documents.*``)."""

    default_classification: str


@dataclass(frozen=True)
class SiteFacts:
    """The policy website (``site.*``)."""

    brand_color: str
    noindex: bool


def company_view(data: dict[str, Any]) -> CompanyFacts:
    """Return the ``company`` group of validated facts as a typed view."""
    group = data["company"]
    return CompanyFacts(group["legal_name"], group["name"], group["slug"], group["doc_prefix"], group["product"],
                        group["website"], group["email_domain"], group["hq_country"], group["currency"],
                        str(group.get("time_zone") or "UTC"))


def people_view(data: dict[str, Any]) -> PeopleFacts:
    """Return the ``people`` group of validated facts as a typed view."""
    group = data["people"]

    def person(role: str) -> Person:
        held = group.get(role) or {}
        return Person(str(held.get("name") or ""), str(held.get("email") or ""))

    return PeopleFacts(person("ceo"), person("cto"), person("security_officer"), person("privacy_officer"),
                       person("head_of_people"), person("approver"), group["security_contact"],
                       person("alternate_approver"), group["privacy_contact"], person("security_adviser"),
                       *(str(group.get(key) or "").strip()
                         for key in ("independent_assessor", "penetration_tester", "segmentation_tester",
                                     "scanning_vendor", "pci_assessor")))


def shape_view(data: dict[str, Any]) -> ShapeFacts:
    """Return the ``shape`` group of validated facts as a typed view."""
    group = data["shape"]
    return ShapeFacts(group["headcount_band"], group["work_model"], bool(group["contractors"]),
                      bool(group["byod_allowed"]), bool(group["has_board"]), int(group["engineers"]),
                      str(group.get("outside_engineer") or "").strip())


def stack_view(data: dict[str, Any]) -> StackFacts:
    """Return the ``stack`` group of validated facts as a typed view."""
    group = data["stack"]
    tools = {key: value for key, value in group.items() if isinstance(value, str)}
    return StackFacts(tuple(group["cloud_providers"]), tuple(group["cloud_regions"]), group["logging_siem"],
                      str(group.get("status_page") or ""), tools, tuple(group.get("backup_configured") or ()))


def data_view(data: dict[str, Any]) -> DataFacts:
    """Return the ``data`` group of validated facts as a typed view."""
    group = data["data"]
    return DataFacts(bool(group["pii"]), bool(group["phi"]), bool(group["payment"]),
                     bool(group["customer_confidential"]), group["residency"], tuple(group["customer_regions"]),
                     group["role"], group["payment_role"], str(group.get("eu_representative") or ""),
                     str(group.get("uk_representative") or ""))


def audit_view(data: dict[str, Any]) -> AuditFacts:
    """Return the ``audit`` group of validated facts as a typed view."""
    group = data["audit"]
    return AuditFacts(ReportType(group["report_type"]), group["observation_start"], group["observation_months"],
                      group["audit_firm"], group["effective_date"])


def commitment_view(data: dict[str, Any]) -> CommitmentFacts:
    """Return the ``commitments`` group of validated facts as a typed view."""
    group = data["commitments"]
    return CommitmentFacts(group["log_retention_days"], group["access_review_cadence"])


def documents_view(data: dict[str, Any]) -> DocumentFacts:
    """Return the ``documents`` group as a typed view (a company.yml older than the group has the default)."""
    return DocumentFacts(str(data.get("documents", {}).get("default_classification") or DEFAULT_CLASSIFICATION))


def site_view(data: dict[str, Any]) -> SiteFacts:
    """Return the ``site`` group of validated facts as a typed view."""
    return SiteFacts(data["site"]["brand_color"], data["site"]["noindex"])
