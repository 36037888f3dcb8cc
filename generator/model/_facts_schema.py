"""The company facts schema: every fact the library may use, with its type, prompt and help.

This table is the one place a fact is declared. ``cookiecutter.json`` carries the example
company's defaults for the same keys (a test keeps the two in step), the validator in
``_facts`` reads the kinds and limits from here, and ``company.yml`` is written in this order
with the help text as comments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Trust Services categories that a company may add to Security.
OPTIONAL_CATEGORIES: tuple[str, ...] = (
    "availability",
    "confidentiality",
    "processing_integrity",
    "privacy",
)
ALL_CATEGORIES: tuple[str, ...] = ("security", *OPTIONAL_CATEGORIES)

# People the library names; each has a name and an email fact.
ROLE_TITLES: dict[str, str] = {
    "ceo": "Chief Executive Officer",
    "cto": "Chief Technology Officer",
    "security_officer": "Security Officer",
    "privacy_officer": "Privacy Officer",
    "head_of_people": "Head of People",
    "approver": "Policy Approver",
}

CLOUD_PROVIDERS: tuple[str, ...] = ("aws", "gcp", "azure")
# Outside parties a program may rely on (``model._parties``), each as a report names it until the company names it.
OUTSIDE_PARTIES: dict[str, str] = {
    "outside_engineer": "outside engineer",
    "security_adviser": "outside security adviser",
    "independent_assessor": "independent assessor",
    "penetration_tester": "penetration tester",
    "segmentation_tester": "segmentation tester",
    "scanning_vendor": "Approved Scanning Vendor",
    "pci_assessor": "Qualified Security Assessor",
}


@dataclass(frozen=True)
class Band:
    """One headcount band: the most people it holds (None for the open top band) and its usual engineers.

    The one table of bands: the validator refuses more engineers than ``ceiling``, a ``company.yml`` written
    before ``shape.engineers`` existed gets ``engineers``, and ``cookiecutter.json`` offers the same default
    through the ``engineers_for`` filter of ``_derive``.
    """

    ceiling: int | None
    engineers: int


BANDS: dict[str, Band] = {
    "1-20": Band(20, 4), "21-50": Band(50, 10), "51-200": Band(200, 40), "201-500": Band(500, 100),
    "501-1000": Band(1000, 250), "1000+": Band(None, 500),
}
HEADCOUNT_BANDS: tuple[str, ...] = tuple(BANDS)
MFA_METHODS: tuple[str, ...] = ("webauthn", "totp", "push")
WORK_MODELS: tuple[str, ...] = ("hybrid", "remote", "office")
ACCESS_REVIEW_CADENCES: tuple[str, ...] = ("quarterly", "monthly", "semiannual")


class ReportType(StrEnum):
    """The SOC 2 report the company is audited for (``audit.report_type``)."""

    TYPE2 = "type2"
    TYPE1 = "type1"

    @property
    def label(self) -> str:
        """Return the report's name as auditors write it: "Type II" or "Type I"."""
        return "Type II" if self is ReportType.TYPE2 else "Type I"


REPORT_TYPES: tuple[str, ...] = tuple(report.value for report in ReportType)
CUSTOMER_REGIONS: tuple[str, ...] = ("us", "eu", "uk", "other")
DATA_ROLES: tuple[str, ...] = ("processor", "controller")
PAYMENT_ROLES: tuple[str, ...] = ("service_provider", "merchant")
CURRENCIES: tuple[str, ...] = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "PLN", "JPY", "INR",
                               "SGD", "NZD")
BACKUP_PROTECTIONS: tuple[str, ...] = ("immutable", "cross_region", "separate_account")
# How widely a document may be shared, least restricted first: a policy's front matter may set its
# own (``classification:``), else the company's ``documents.default_classification`` holds.
CLASSIFICATIONS: tuple[str, ...] = ("Public", "Internal", "Confidential", "Restricted")
DEFAULT_CLASSIFICATION = "Internal"  # when company.yml leaves documents.default_classification blank


def most_restricted(classifications: Iterable[str], default: str = DEFAULT_CLASSIFICATION) -> str:
    """Return the most restricted of some classifications (``default`` for none): a collection's marking."""
    return max(classifications, key=CLASSIFICATIONS.index, default=default)
# Headcount bands run as a lean program: one leadership meeting instead of a committee, yearly
# outside testing, merged controls. Larger bands keep the committee and quarterly testing.
SMALL_BANDS: tuple[str, ...] = ("1-20", "21-50")


@dataclass(frozen=True)
class FactSpec:
    """One company fact: where it lives in ``company.yml`` and what values it accepts."""

    key: str
    path: tuple[str, ...]
    kind: str
    prompt: str
    help: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    optional: bool = False
    # For kind "service": the section of catalog/services.yaml whose keys are the valid values.
    catalog: str = ""

    @property
    def dotted(self) -> str:
        """Return the fact's path as written in ``company.yml`` (``people.ceo.name``)."""
        return ".".join(self.path)


GROUP_TITLES: dict[str, str] = {
    "company": "Who the company is",
    "people": "People who own, approve and answer for the program",
    "shape": "How the company works",
    "stack": "Systems and tools in use (named in the policies)",
    "data": "Data the company handles",
    "commitments": "Numbers the company commits to (hours, days, percent)",
    "audit": "The SOC 2 audit",
    "site": "The policy website",
    "documents": "How the policy documents are marked",
}

# Optional sections of company.yml that are not facts of the policy text: each is read and checked,
# with its defaults, by the module named here.
SECTIONS_READ_ELSEWHERE: dict[str, str] = {
    "acknowledgements": "model._sections (policy acknowledgement settings)",
    "trust": "model._sections (the public trust site)",
    "layout": "model._sections (paper size and logo of the PDFs and the site)",
}


def _role_specs() -> list[FactSpec]:
    specs: list[FactSpec] = []
    for role, title in ROLE_TITLES.items():
        specs.append(FactSpec(f"{role}_name", ("people", role, "name"), "person", f"{title}: full name"))
        specs.append(FactSpec(f"{role}_email", ("people", role, "email"), "email", f"{title}: email"))
    return specs


FACT_SPECS: tuple[FactSpec, ...] = (
    # --- identity
    FactSpec("company_name", ("company", "name"), "text", "Short name used in the policies"),
    FactSpec("company_legal_name", ("company", "legal_name"), "text", "Legal name of the company",
             "As written in contracts, e.g. 'Acme Cloud, Inc.'."),
    FactSpec("company_slug", ("company", "slug"), "slug", "Slug for the repository folder",
             "Lower-case letters, digits and single hyphens."),
    FactSpec("doc_prefix", ("company", "doc_prefix"), "prefix", "Prefix for document numbers",
             "2-8 capital letters or digits, used as ACME-POL-13."),
    FactSpec("product_name", ("company", "product"), "text", "Name of the product or service in scope"),
    FactSpec("website", ("company", "website"), "url", "Company website (https://...)"),
    FactSpec("email_domain", ("company", "email_domain"), "domain", "Email domain (example.com)"),
    FactSpec("hq_country", ("company", "hq_country"), "text", "Country of the headquarters"),
    FactSpec("time_zone", ("company", "time_zone"), "timezone",
             "Time zone of the headquarters (blank: the usual one of hq_country)",
             "An IANA name such as America/New_York or Europe/Berlin: the control calendar's activities are "
             "at 10:00 in this zone. Blank: the zone catalog/regions.yaml gives hq_country, else UTC.",
             optional=True),
    FactSpec("currency", ("company", "currency"), "choice", "Currency for money thresholds in the policies",
             choices=CURRENCIES),
    # --- roles
    *_role_specs(),
    FactSpec("security_contact_email", ("people", "security_contact"), "email",
             "Address where anyone reports a security issue"),
    FactSpec("privacy_contact_email", ("people", "privacy_contact"), "email",
             "Role mailbox for privacy requests (not a person's own address)",
             "Read by the Privacy Officer and a deputy, so requests never wait on one person's inbox."),
    FactSpec("alternate_approver_name", ("people", "alternate_approver", "name"), "person",
             "Alternate approver: full name (approves a policy its usual approver wrote; blank if none)",
             "Someone other than the approver: when one person writes and would approve a policy, or holds two "
             "roles that check each other, this person approves instead.", optional=True),
    FactSpec("alternate_approver_email", ("people", "alternate_approver", "email"), "email",
             "Alternate approver: email", optional=True),
    # --- outside parties the program relies on (each asked only where it applies; blank: the text names the role)
    FactSpec("security_adviser_name", ("people", "security_adviser", "name"), "person",
             "Without a board: the outside security adviser who oversees management (blank until engaged)",
             "A person independent of management, engaged in writing: receives the security reports, checks what "
             "management cannot check itself, never owns a control or attends in place of a member, and is the "
             "speaking-up channel of a company of 1-20 people. Read only when has_board is false.", optional=True),
    FactSpec("security_adviser_email", ("people", "security_adviser", "email"), "email",
             "Outside security adviser: email (the address staff are given for speaking up)", optional=True),
    FactSpec("independent_assessor", ("people", "independent_assessor"), "text",
             "With 1-50 people: the independent assessor who tests the controls every year (blank until engaged)",
             "A firm or person outside the company, e.g. 'Marlow Assurance Ltd'; never the outside_engineer, whose "
             "reviews it tests. Read only for headcount bands 1-20 and 21-50.", optional=True),
    FactSpec("penetration_tester", ("people", "penetration_tester"), "text",
             "The independent firm that runs the penetration test (blank until engaged)",
             "Never the outside_engineer, who reviews the code the test attacks.", optional=True),
    FactSpec("segmentation_tester", ("people", "segmentation_tester"), "text",
             "With card data: who tests the segmentation of the cardholder data environment (blank: the "
             "penetration tester)",
             "A qualified tester independent of the network's design and changes (PCI DSS 11.4.6 for a service "
             "provider); never the outside_engineer. Read only when data_payment is true.", optional=True),
    FactSpec("scanning_vendor", ("people", "scanning_vendor"), "text",
             "With card data: the PCI SSC Approved Scanning Vendor that scans the cardholder data environment from "
             "outside (blank until engaged)",
             "A firm on the PCI SSC list of Approved Scanning Vendors, e.g. 'Clearscan Ltd'; never the "
             "outside_engineer. Read only when data_payment is true.", optional=True),
    FactSpec("pci_assessor", ("people", "pci_assessor"), "text",
             "With card data: the Qualified Security Assessor firm that assesses PCI DSS compliance (blank if none)",
             "A QSA company on the PCI SSC list, e.g. 'Ledgerguard QSA Ltd', named once engaged for a Report on "
             "Compliance; never the outside_engineer. Read only when data_payment is true.", optional=True),
    # --- shape
    FactSpec("headcount_band", ("shape", "headcount_band"), "choice", "Headcount", choices=HEADCOUNT_BANDS),
    FactSpec("work_model", ("shape", "work_model"), "choice", "Work model", choices=WORK_MODELS),
    FactSpec("uses_contractors", ("shape", "contractors"), "bool", "Do contractors work on company systems?"),
    FactSpec("byod_allowed", ("shape", "byod_allowed"), "bool",
             "May staff use personal phones for company email and chat?"),
    FactSpec("has_board", ("shape", "has_board"), "bool", "Does the company have a board of directors?",
             "Without a board, oversight duties go to the Chief Executive Officer and an outside adviser."),
    FactSpec("engineers", ("shape", "engineers"), "int",
             "How many engineers write and deploy production code (the CTO included)?",
             "With one engineer nobody inside the company can review a change or share on-call: the policies send "
             "review and on-call backup to outside_engineer, or, when it is blank, to a monthly review after "
             "deployment by the outside security adviser, with the risk accepted in the risk register. "
             "A company.yml written before this fact existed gets the usual count of its headcount band.",
             minimum=1, maximum=100000, optional=True),
    FactSpec("outside_engineer", ("shape", "outside_engineer"), "text",
             "Only with one engineer: the contracted engineer or security provider who reviews changes and backs "
             "up on-call (blank otherwise)",
             "A person or firm under a written contract, e.g. 'Halden Engineering Ltd'; read only when engineers "
             "is 1.", optional=True),
    # --- stack
    FactSpec("cloud_providers", ("stack", "cloud_providers"), "choice_list",
             "Cloud provider(s), comma-separated: aws, gcp, azure", choices=CLOUD_PROVIDERS),
    FactSpec("cloud_regions", ("stack", "cloud_regions"), "text_list",
             "Production regions, comma-separated (primary first)",
             "A second region inside the data residency area gives the geographic redundancy the DR policy "
             "relies on; where the provider has only one region there, list that one, and the policies record the "
             "loss of the region as an accepted risk."),
    FactSpec("compute", ("stack", "compute"), "service", "Where production workloads run",
             "A key from catalog/services.yaml (compute), e.g. eks, ecs, gke, cloud-run, aks.", catalog="compute"),
    FactSpec("database", ("stack", "database"), "service", "Primary production database",
             "A key from catalog/services.yaml (database), e.g. rds, aurora, cloud-sql, azure-sql.",
             catalog="database"),
    FactSpec("object_storage", ("stack", "object_storage"), "service", "Object storage",
             "A key from catalog/services.yaml (object_storage): s3, gcs or blob.", catalog="object_storage"),
    FactSpec("secrets_manager", ("stack", "secrets_manager"), "service", "Secrets manager",
             "A key from catalog/services.yaml (secrets_manager).", catalog="secrets_manager"),
    FactSpec("iac_tool", ("stack", "iac_tool"), "service", "Infrastructure-as-code tool",
             "A key from catalog/services.yaml (iac_tool), e.g. terraform, opentofu, pulumi.", catalog="iac_tool"),
    FactSpec("identity_provider", ("stack", "identity_provider"), "text", "Identity provider (SSO)"),
    FactSpec("mail_platform", ("stack", "mail_platform"), "text",
             "Email platform (Google Workspace, Microsoft 365 or another)",
             "The system of record for mail filtering, external forwarding and the SPF, DKIM and DMARC settings. "
             "Blank or absent: Microsoft 365 with Entra ID or Azure, otherwise Google Workspace.", optional=True),
    FactSpec("mfa_method", ("stack", "mfa_method"), "choice", "Required MFA method", choices=MFA_METHODS),
    FactSpec("source_control", ("stack", "source_control"), "text", "Source control platform"),
    FactSpec("ci_cd", ("stack", "ci_cd"), "text", "CI/CD system"),
    FactSpec("ticketing", ("stack", "ticketing"), "text", "Ticketing system"),
    FactSpec("hr_system", ("stack", "hr_system"), "text", "HR information system"),
    FactSpec("mdm", ("stack", "mdm"), "text", "Mobile device management (MDM)"),
    FactSpec("endpoint_protection", ("stack", "endpoint_protection"), "text", "Endpoint protection (EDR)"),
    FactSpec("password_manager", ("stack", "password_manager"), "text", "Password manager"),
    FactSpec("logging_siem", ("stack", "logging_siem"), "text", "Central logging / SIEM"),
    FactSpec("vulnerability_scanner", ("stack", "vulnerability_scanner"), "text", "Vulnerability scanner"),
    FactSpec("backup_tool", ("stack", "backup_tool"), "text", "Backup tooling"),
    FactSpec("backup_configured", ("stack", "backup_configured"), "choice_list",
             "Backup protections you configure beyond the backup tool's own (blank if none)",
             "Any of immutable, cross_region, separate_account. The policies claim a protection only when "
             "the backup tool offers it or it is listed here.", choices=BACKUP_PROTECTIONS, optional=True),
    FactSpec("remote_access", ("stack", "remote_access"), "text",
             "Remote administrative access path (VPN or zero-trust access)"),
    FactSpec("status_page", ("stack", "status_page"), "url", "Public status page URL (blank if none)",
             optional=True),
    FactSpec("on_call_tool", ("stack", "on_call_tool"), "text", "On-call and paging tool"),
    FactSpec("training_provider", ("stack", "training_provider"), "text", "Security awareness training provider"),
    # --- data
    FactSpec("data_pii", ("data", "pii"), "bool", "Do you handle personal data (PII)?"),
    FactSpec("data_phi", ("data", "phi"), "bool", "Do you handle health data (PHI)?"),
    FactSpec("data_payment", ("data", "payment"), "bool", "Do you handle payment card data?"),
    FactSpec("data_customer_confidential", ("data", "customer_confidential"), "bool",
             "Do you hold customers' confidential business data?"),
    FactSpec("data_residency", ("data", "residency"), "place", "Where customer data must reside",
             "A country or area from catalog/regions.yaml (United States, European Union, United Kingdom...); "
             "every production region must lie inside it."),
    FactSpec("customer_regions", ("data", "customer_regions"), "choice_list",
             "Where your customers' users are, comma-separated: us, eu, uk, other", choices=CUSTOMER_REGIONS),
    FactSpec("eu_representative", ("data", "eu_representative"), "text",
             "Your representative in the EU under GDPR Article 27: name and postal address "
             "(only when established outside the EU with users in it)",
             "Needed when the company holds personal data, is established outside the EU and its customers' users "
             "are in the EU (customer_regions lists eu); printed in the privacy policy, notice and DPA.",
             optional=True),
    FactSpec("uk_representative", ("data", "uk_representative"), "text",
             "Your representative in the UK under UK GDPR Article 27: name and postal address "
             "(only when established outside the UK with users in it)",
             "Needed when the company holds personal data, is established outside the UK and its customers' users "
             "are in the UK (customer_regions lists uk); printed in the privacy policy, notice and DPA.",
             optional=True),
    FactSpec("data_role", ("data", "role"), "choice", "For customer data, are you the processor or the controller?",
             "A SaaS provider processing data on its customers' behalf is their processor.", choices=DATA_ROLES),
    FactSpec("payment_role", ("data", "payment_role"), "choice",
             "For card data, are you a PCI DSS service provider or a merchant?",
             "Storing, processing or transmitting cards for customers makes you a service provider.",
             choices=PAYMENT_ROLES),
    # --- commitments
    FactSpec("uptime_sla", ("commitments", "uptime_sla"), "percent", "Uptime SLA (percent per month)",
             minimum=90, maximum=99.999),
    FactSpec("rto_hours", ("commitments", "rto_hours"), "int", "Recovery time objective (hours)",
             minimum=1, maximum=168),
    FactSpec("rpo_hours", ("commitments", "rpo_hours"), "int", "Recovery point objective (hours)",
             minimum=1, maximum=168),
    FactSpec("backup_frequency_hours", ("commitments", "backup_frequency_hours"), "hours",
             "Hours between backups", "0.25 is every 15 minutes (continuous backups or log shipping).",
             minimum=0.25, maximum=168),
    FactSpec("backup_retention_days", ("commitments", "backup_retention_days"), "int",
             "Backup retention (days)", minimum=7, maximum=3650),
    FactSpec("log_retention_days", ("commitments", "log_retention_days"), "int",
             "Security log retention (days)",
             "Long enough for a 12-month observation window plus the months until the report (455 is about 15).",
             minimum=90, maximum=3650),
    FactSpec("access_review_cadence", ("commitments", "access_review_cadence"), "choice",
             "How often access is reviewed", choices=ACCESS_REVIEW_CADENCES),
    FactSpec("offboarding_hours", ("commitments", "offboarding_hours"), "int",
             "Hours to remove a leaver's access", minimum=1, maximum=72),
    FactSpec("remediation_days_critical", ("commitments", "remediation_days", "critical"), "int",
             "Days to fix a critical vulnerability", minimum=1, maximum=30),
    FactSpec("remediation_days_high", ("commitments", "remediation_days", "high"), "int",
             "Days to fix a high vulnerability", minimum=1, maximum=90),
    FactSpec("remediation_days_medium", ("commitments", "remediation_days", "medium"), "int",
             "Days to fix a medium vulnerability", minimum=1, maximum=180),
    FactSpec("remediation_days_low", ("commitments", "remediation_days", "low"), "int",
             "Days to fix a low vulnerability", minimum=1, maximum=365),
    FactSpec("deletion_days", ("commitments", "deletion_days"), "int",
             "Days to delete a customer's data after their contract ends", minimum=1, maximum=365),
    FactSpec("breach_notification_hours", ("commitments", "breach_notification_hours"), "int",
             "Hours to notify affected customers of a breach", minimum=1, maximum=720),
    # --- audit
    FactSpec("scope_availability", ("audit", "categories", "availability"), "bool", "Availability in scope?"),
    FactSpec("scope_confidentiality", ("audit", "categories", "confidentiality"), "bool",
             "Confidentiality in scope?"),
    FactSpec("scope_processing_integrity", ("audit", "categories", "processing_integrity"), "bool",
             "Processing Integrity in scope?"),
    FactSpec("scope_privacy", ("audit", "categories", "privacy"), "bool", "Privacy in scope?"),
    FactSpec("report_type", ("audit", "report_type"), "choice", "Report type", choices=REPORT_TYPES),
    FactSpec("observation_start", ("audit", "observation_start"), "date",
             "Observation window start, or Type I as-of date (YYYY-MM-DD)"),
    FactSpec("observation_months", ("audit", "observation_months"), "int",
             "Observation window length in months (Type II)", minimum=3, maximum=12),
    FactSpec("audit_firm", ("audit", "audit_firm"), "text", "Audit firm"),
    FactSpec("effective_date", ("audit", "effective_date"), "date", "Policy effective date (YYYY-MM-DD)"),
    # --- site
    FactSpec("brand_color", ("site", "brand_color"), "color", "Brand colour for the site and PDFs (#RRGGBB)"),
    FactSpec("site_noindex", ("site", "noindex"), "bool", "Ask search engines not to index the site?"),
    # --- documents
    FactSpec("default_classification", ("documents", "default_classification"), "choice",
             "Classification of a policy whose front matter sets none (blank: Internal)",
             "Public, Internal, Confidential or Restricted: shown in each policy's document-control block, on "
             "the PDF cover and in every footer. A policy's front matter may set its own (classification: Public).",
             choices=CLASSIFICATIONS, optional=True),
)

SPECS_BY_KEY: dict[str, FactSpec] = {spec.key: spec for spec in FACT_SPECS}
