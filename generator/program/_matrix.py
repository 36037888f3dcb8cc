"""Contrasting companies the library must fit, with the words each must and must not read.

Each company differs from the example in provider, size, work model, jurisdiction, scope and data
types. ``lint-library --matrix`` renders the whole library for each and holds it to the lint; the
vocabulary rules catch text that belongs to another kind of company (AWS services for a
Google Cloud company, an office for a remote one, HIPAA without health data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

_AWS = r"\bAWS\b|\bAmazon\b"
_GCP = r"Google Cloud|Cloud SQL|\bGKE\b|Security Command Center"
_AZURE = r"\bAzure\b|Microsoft Entra|Defender for Cloud"
_OFFICE = (r"[Ww]hiteboard|flip chart|[Oo]ffice badge list|[Vv]isitors sign in|[Ll]oss of an office|office coordinator"
           r"|shredding bin")
_PCI = r"PCI DSS (v4|requirement)|cardholder data sit"
# The card-data duties (PCI DSS assessment, ASV scans, segmentation test, scope confirmation, vendors' AOCs, the
# card-data notice) and their controls and evidence: none of it for a company that holds no card data.
_PCI_DUTIES = (r"(?i:approved scanning vendor|attestation of compliance|cardholder-data scope|segmentation test"
               r"|cardholder data may be involved)|GOV-13|NET-08|NET-09|VUL-09|EV-104|EV-105|EV-106|EV-107")
_BOARD = r"[Tt]he board of directors (oversees|reviews)|board minutes|board chair"
_US_LAW = r"\bCCPA\b|US state|US residents"
# A lean company governs in a leadership meeting: no text may send anyone to a committee's meetings or minutes.
_COMMITTEE = r"security committee|committee (meeting|minutes|member)|the committee\b"
# The governing body has one defined name (``gov.forum``: the leadership security meeting or the security
# committee); no page of any company may send anyone to an undefined "leadership meeting".
UNDEFINED_TERMS: tuple[str, ...] = (r"\b[Ll]eadership\s+meetings?\b",)
# Evidence-plan and readiness wording that needs a board, a copy in a second region, or health data.
_BOARD_EVIDENCE = r"Board and (security|leadership)|board meetings and"
_SECOND_REGION_EVIDENCE = r"second-region copy|cross-region/account|multi-AZ/region|copies to the recovery region"
_PHI_EVIDENCE = r"DPAs/BAAs|\bBAAs where"
# A fully remote company has no premises: no office storage, office section or link, or office-away wording.
_PREMISES = (r"outside company premises|on company premises|locked storage|#offices\b|§offices|Company offices"
             r"|away from the office|Office, home and public")
# GDPR / UK GDPR Article 27: only a company established outside the EU or the UK with customers' users there
# names a representative; the EU and the UK one each say where they act and carry the law's source.
_REPRESENTATIVE = r"Article 27|[Rr]epresentatives? in the (European Union|United Kingdom)"
_EU_REPRESENTATIVE = (r"as its representative in the European Union \(Regulation \(EU\) 2016/679 \(GDPR\), "
                      r"Articles 3\(2\) and 27\)")
_UK_REPRESENTATIVE = r"as its representative in the United Kingdom \(UK GDPR, Articles 3\(2\) and 27\)"
_NO_UK_REPRESENTATIVE = r"[Rr]epresentatives? in the United Kingdom|UK GDPR, Articles 3\(2\) and 27"
# Text that needs a second engineer: a secondary on the rota, a peer reviewer, a designated security reviewer
# (issue #13, N-E2 and N-E3). A company with one engineer reads its outside reviewer and backup instead.
_TEAM_ENGINEERING = (r"primary and a secondary engineer|secondary on-call|the secondary on the rota|secondary paged"
                     r"|before their first shift|reviewer other than its author|code-owner list the CTO keeps"
                     r"|[Rr]equest review from another engineer|approved by a security reviewer"
                     r"|second engineer's review|[Aa] second engineer reviews|reviewed by a second engineer"
                     r"|[Ee]ngineers the CTO designates|an engineer the CTO designates on the rota"
                     r"|primary or secondary engineer"
                     r"|pages the Security Officer \(security events\) or the CTO")
# Text that hands a duty to engineers a company with one engineer does not have: a designated or lead engineer,
# engineers the CTO names or supplies, an engineering team, recovery leads to assign (issue #13 re-read). A company
# with one engineer names the CTO, or routes the check to its outside engineer or adviser.
_DESIGNATED_ENGINEER = (r"designated engineer|engineers? the (CTO|Chief Technology Officer) (designates|names)"
                        r"|CTO's designate|the lead engineer|supplies engineers|names an engineer|assigns an engineer"
                        r"|the CTO's team|assigns recovery leads|on-call engineers|teams that run each system"
                        r"|tools engineers use|until the CTO names engineers|designate an engineer"
                        r"|a second engineer named there|engineers listed by name")
# POL-16 and POL-18 of a company with one engineer: no service owners, engineers or team beside the CTO (issue #13,
# N1). It reads what the CTO does, and who checks it.
_ONE_ENGINEER_OPERATIONS = (r"\*\*Service owners\*\*|\*\*Engineers\*\* keep|a team that cannot keep up"
                            r"|Engineers search the inventory|Engineers check this in code review"
                            r"|the engineer accountable for each production system|the CTO, with the system owners"
                            r"|engineering capacity is set aside|informs the on-call engineer")
# Runbook roster: a deputy cell left blank after the role holder's name and email.
_BLANK_DEPUTY = r"\| [^|\n]+@[^|\n]+ \| \| \| "
# Phrases a machine writes: a service name carrying its own parentheses, a doubled verb, a bare plural.
_MACHINE_GRAMMAR = r"Kubernetes Engine \(regional|enforces the enforced|hours recovery time and"
# Each provider has its own unit of isolation: an AWS account, a Google Cloud project, an Azure subscription.
_NOT_GCP_UNITS = (r"accounts, projects|account, project|projects or subscriptions|\bsubscriptions?\b"
                  r"|Google Cloud accounts?|production account\b|cloud account owner|every account and\b"
                  r"|cloud accounts|production accounts|all accounts and")
_NOT_AZURE_UNITS = (r"accounts, projects|account, project|projects or subscriptions|Azure accounts?\b|Azure projects?\b"
                    r"|production (account|project)\b|cloud account owner|every (account|project) and\b|cloud accounts")


@dataclass(frozen=True)
class MatrixCompany:
    """A contrasting company: its answers and the patterns its pages must and must not contain."""

    answers: dict[str, Any]
    absent: tuple[str, ...] = ()
    present: tuple[str, ...] = ()
    notes: str = ""
    # Absent patterns also match at the start of a sentence or in a heading ("Security committee").
    ignore_case: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


MATRIX: dict[str, MatrixCompany] = {
    "nimbus-uk": MatrixCompany(
        {"company_name": "Nimbus Ledger", "company_legal_name": "Nimbus Ledger Ltd", "email_domain": "nimbus.example",
         "product_name": "Nimbus Ledger", "status_page": "",
         "website": "https://nimbus.example", "ceo_name": "Tom Reid", "ceo_email": "tom@nimbus.example",
         "cto_name": "Mei Lin", "cto_email": "mei@nimbus.example", "security_officer_name": "Mei Lin",
         "security_officer_email": "mei@nimbus.example", "privacy_officer_name": "Tom Reid",
         "privacy_officer_email": "tom@nimbus.example", "head_of_people_name": "Tom Reid",
         "head_of_people_email": "tom@nimbus.example", "alternate_approver_name": "Mei Lin",
         "alternate_approver_email": "mei@nimbus.example", "cloud_providers": "gcp", "cloud_regions": "europe-west2",
         "work_model": "remote", "headcount_band": "1-20", "has_board": False, "uses_contractors": False,
         "byod_allowed": False, "hq_country": "United Kingdom", "data_residency": "United Kingdom",
         "customer_regions": "uk, eu", "data_payment": True, "payment_role": "service_provider",
         "eu_representative": "Ledger Rep BV, Keizersgracht 1, 1015 CN Amsterdam, Netherlands",
         "scope_availability": False, "scope_confidentiality": False, "scope_processing_integrity": False,
         "scope_privacy": False, "report_type": "type1", "identity_provider": "Google Workspace",
         "logging_siem": "Google Security Operations", "vulnerability_scanner": "Tenable Nessus", "mdm": "Jamf Pro",
         "engineers": "1", "outside_engineer": "Halden Engineering Ltd", "security_adviser_name": "Harriet Cole",
         "security_adviser_email": "harriet@colerisk.example", "independent_assessor": "Marlow Assurance Ltd",
         "penetration_tester": "Redline Security Ltd", "scanning_vendor": "Clearscan Ltd"},
        absent=(_AWS, _AZURE, _OFFICE, r"HIPAA|business associate", r"zone-redundant",
                r"every account and every region", r"US dollars", _COMMITTEE, _BOARD,
                r"europe-west1", r"every 12 months during the penetration test", _BOARD_EVIDENCE,
                _SECOND_REGION_EVIDENCE, _PHI_EVIDENCE, r"by the board\b", _NOT_GCP_UNITS,
                r"acquiring bank|authorisation or refund needs it", _MACHINE_GRAMMAR, r"primary region",
                r"Company offices|own sites", r"other than the data's own", r"Company email and chat \|", _PREMISES,
                _BLANK_DEPUTY, r"commitment \(vendor inventory\)", _NO_UK_REPRESENTATIVE, r"all projects, all regions",
                r"Head of People may declare", r"three declaring roles", r"competent EU supervisory authority",
                r"at least two\s+engineers are trained", r"Chief Executive Officer and the Head of People",
                r"every backup and every copy", r"anonymous reporting channel",
                r"security bulletin[^.|]*(?:every month|once a month)", r"written security report[^.|]*every 6 months",
                # A Type I program prints only its own branch (auditor N-O3).
                r"for a Type II, before the end", r"which covers an observation window",
                # Google Cloud isolates in a project under a folder, and one region has no "region degraded" (N-O4).
                r"in an account separate from production", r"a single region degraded", r"one region degraded",
                # The CTO who is also the Security Officer advises on, never decides, a critical finding's acceptance.
                r"decides on risk acceptance for critical and high findings", r"patching an engineer coordinates",
                # One engineer: review and on-call backup go to the contracted outside engineer (N-E2, N-E3).
                _TEAM_ENGINEERING, r"raises it with their manager", r"The commander does not do hands-on",
                r"a second person's approval", r"The Security Officer runs a simulated phishing",
                # One engineer names who does each task, and her own work goes to someone else (issue #13 re-read):
                # the unexplained alert, the threat model, a data extract, the restore test and the new data store.
                _DESIGNATED_ENGINEER, r"cannot explain [^.]* is escalated to the Security Officer",
                r"The Security Officer reviews and signs off the threat model",
                r"threat model signed off by the Security\s+Officer",
                r"the Security Officer approves it before the extract",
                r"approved by the Security Officer in Jira before it is made",
                r"The CTO reviews the ticket and signs off", r"backup operator confirms the first successful",
                # One region and no copy; a locked backup cannot be deleted at all, so no approval can allow it.
                r"backup and copy", r"may delete a backup\s+before its expiry without",
                # Two people: no team, and the manager of the one is the Head of People who decides with them.
                r"decides, with the person's manager", r"agrees the handling with the person's manager",
                r"by team\b", r"team's outstanding list", r"processes of every team",
                r"or team\.", r"Managers (named|and all)", r"summary, without names", r"meets with their manager",
                r"contacts security@nimbus\.example and their manager", r"reports to their manager",
                r"keep their team's questions",
                # One engineer in POL-16 and POL-18 (issue #13, N1): no engineers, team or system owners to hand work.
                _ONE_ENGINEER_OPERATIONS,
                # Two role holders, named (N2); the outside parties all engaged, the ASV by name (N4, T17).
                r"(?:people|person) in the program", r"to be engaged", r"to be contracted",
                # The adviser oversees and advises; an officer decides (issue #13, adviser board-style decisions).
                r"Harriet Cole may declare", r"may declare a disaster when neither",
                r"approval of the outside security",
                r"by the outside security adviser Harriet Cole\)", r"confirming the request \(the outside security",
                # POL-21 scope: one name is not listed twice, and no comma is left before "and".
                r"or customer data or of Nimbus Ledger", r"employees,\s+and vendors"),
        present=(r"Information Commissioner's Office", r"UK GDPR", r"pounds sterling", r"without undue delay after",
                 # N-E7: each PCI DSS duty the policies state is a control with an owner, at the service
                 # provider's cadence with its source, and with evidence of its own.
                 r"\{ #control-gov-13 \} \| Every 12 months \(the payment brands' PCI DSS compliance programmes\)",
                 r"\{ #control-net-08 \} \| Every 6 months \(PCI DSS v4\.0, requirement 11\.4\.6\) and after any",
                 r"\{ #control-net-09 \} \| Every 6 months \(PCI DSS v4\.0, requirement 12\.5\.2\.1\) and after a "
                 r"significant",
                 r"\{ #control-vul-09 \} \| For the cardholder data environment, [^|]*Clearscan Ltd, a PCI SSC "
                 r"Approved Scanning Vendor, scans it from outside every 3 months \(PCI DSS v4\.0, requirement "
                 r"11\.3\.2\)",
                 r"\{ #control-inc-06 \} \| [^|]*each affected customer, and each merchant or other entity whose "
                 r"card data the company handles, is notified within 24 hours after the company becomes aware",
                 r"obtains the current PCI DSS attestation of compliance of each vendor",
                 r"PCI DSS scope confirmations",
                 r"leadership security meeting", r"outside security adviser", r"every 6 months and after any change",
                 r"the only region of Google Cloud inside", r"privacy@", r"Privacy and Data Protection Policy",
                 r"a meeting one of them cannot attend moves to the first date both can, within the same quarter; "
                 r"the outside security adviser Harriet Cole oversees the meeting through its record",
                 r"at the home of the Chief Technology Officer", r"\]\(#premises\)",
                 r"\| Mei Lin \| mei@nimbus\.example \| \| Tom Reid \(Chief Executive Officer\) \|",
                 r"\| GitHub \| Critical \| [^|]+ \| recovery tier 1: at most 1 hour; vendor's commitment: to enter \|",
                 r"vendor inventory NIMB-DOC-06, section 2", _EU_REPRESENTATIVE,
                 r"who represents it in the European Union \(Ledger Rep BV, Keizersgracht 1",
                 r"\| Representative in the European Union \(GDPR Article 27\) \| Ledger Rep BV",
                 # Outside parties named (#12 N-3): the adviser with the address staff are given, the testers.
                 r"by email at harriet@colerisk\.example or phone",
                 r"the independent assessor Marlow Assurance Ltd, engaged by the Chief Executive Officer, tests every "
                 r"key control", r"has segmentation tested by Redline Security Ltd every 6 months",
                 r"Supervisory authority of each EU member state where affected",
                 r"interviews Tom Reid \(Chief Executive Officer, Privacy Officer and Head of People\), who holds the "
                 r"program's other roles",
                 r"prepared with the Chief Executive Officer, who is also the Head of People, that scores",
                 r"\| Owner \| Chief Technology Officer \(Mei Lin\), who is also the Security Officer \|",
                 r"Admin Activity logs Google Cloud keeps on in every project",
                 r"Tom Reid\s+\(Chief Executive Officer\) is trained, with the CTO, to execute every Tier 1 runbook",
                 r"cannot promise that a report stays anonymous inside the company", r"What protects the reporter",
                 r"in a Google Cloud project separate from production, under a folder of its own with its own IAM "
                 r"policy", r"or one of the zones of its region lost",
                 r"written security report at least every year", r"who holds the program's other roles, and for all "
                 r"other staff, at least every 3 months, covering recent threats",
                 r"has one responder inside the company, the CTO \(Mei Lin\), on call at any hour on every day of "
                 r"the year, and Halden Engineering Ltd, the outside engineer contracted as on-call backup, which "
                 r"takes every page the CTO does not acknowledge within the acknowledgement time of its severity "
                 r"\(15 minutes for a critical page, 30 minutes for a high one\) and every page during the CTO's "
                 r"planned leave",
                 r"recorded in the risk register under the \[Risk [^]]*\]\([^)]*\) as accepted by the Chief Executive "
                 r"Officer",
                 r"escalates to Halden Engineering Ltd, the outside engineer contracted as on-call backup",
                 r"approval in GitHub from Halden Engineering Ltd, the outside engineer the company contracts",
                 r"Request review from Halden Engineering Ltd in GitHub",
                 r"\| Mei Lin, the one responder inside the company on the rota in PagerDuty \|",
                 # Two people (N-O2): each duty says how it runs with two, or who outside does it.
                 r"the outside security adviser Harriet Cole chooses the timing and the messages, and the Security "
                 r"Officer sees",
                 r"the other of Mei Lin and Tom Reid is both communications lead and scribe",
                 r"the minutes, agreed by both, go to the outside security adviser Harriet Cole",
                 r"with the approval of the Chief Executive Officer, who is paged through PagerDuty at\s+any hour",
                 r"raises it with Tom Reid \(Chief Executive Officer\) or Mei Lin \(Security Officer\), whichever",
                 r"Email security settings and checks\*\*[^\n]*\| Google Workspace, Jira \|",
                 # One engineer (issue #13 re-read): who does each task, and who checks the CTO's own work.
                 r"the CTO sends a remote lock and wipe", r"the CTO exports each system of record",
                 r"is escalated to Halden Engineering Ltd, the outside engineer contracted as on-call backup, who "
                 r"examines it apart from the CTO",
                 r"Halden Engineering Ltd, the outside engineer the company contracts to review changes, reviews and "
                 r"signs off the threat model", r"threat model signed off by Halden Engineering Ltd",
                 r"the Chief Executive Officer approves it before the extract is made",
                 r"approved by the Chief Executive Officer \(not the Security Officer, who is the CTO asking for it\)",
                 r"Halden Engineering Ltd, since the CTO ran the test, reviews the ticket and signs off",
                 r"Halden Engineering Ltd approves the change before it is merged",
                 r"Backup and DR Service \| Chief Technology Officer \(Mei Lin\) \|",
                 r"\| PagerDuty \| the Chief Technology Officer, the one on-call responder inside the company, and "
                 r"Halden Engineering",
                 r"\| One engineer: Mei Lin, the Chief Technology Officer, is the only person inside the company "
                 r"who can recover a tier 1 system",
                 r"The lock of 4\.3\.2 lets nobody delete a backup before its expiry",
                 r"investigates and\s+recovers as Nimbus Ledger's only engineer",
                 r"is decided by the Chief Executive Officer, and for a conflict involving",
                 r"posts a security bulletin in the company chat for Tom Reid"),
        notes="GCP, remote, 1-20, no board, Security only, Type I, card and personal data, UK HQ and residency",
        ignore_case=True),
    "acme-us": MatrixCompany(
        {"headcount_band": "51-200"},
        absent=(_GCP, r"HIPAA", _PCI, _PCI_DUTIES, r"zone-redundant storage \(ZRS\)", r"Information Commissioner",
                _MACHINE_GRAMMAR,
                _REPRESENTATIVE, r"cannot promise that a report stays anonymous",
                r"may delete a backup\s+before its expiry without"),
        present=(r"Amazon EKS", r"Amazon RDS", r"AWS Backup Vault Lock", r"security committee", r"board of directors",
                 _US_LAW, r"US dollars", _BOARD_EVIDENCE, r"a copy in the recovery region of every inventoried",
                 r"anonymous reporting channel run by an independent provider", r"written security report to the "
                 r"board at least every 6 months", r"primary and a secondary engineer",
                 r"Request review from another engineer", r"reviewer other than its author",
                 # A company with engineers keeps handing tasks to them (issue #13 re-read kept the team text).
                 r"the lead engineer writes a short threat model", r"supplies engineers to\s+investigate",
                 r"the CTO's designated engineer exports", r"The Security Officer reviews and signs off the threat",
                 r"The lock of 4\.3\.2 lets nobody delete a backup before its expiry"),
        notes="the example: AWS, hybrid, 51-200, all categories, US"),
    "berlin-aws-office": MatrixCompany(
        {"company_name": "Kobalt Daten", "cloud_providers": "aws", "cloud_regions": "eu-central-1, eu-west-1",
         "work_model": "office", "headcount_band": "201-500", "hq_country": "Germany",
         "data_residency": "European Union", "customer_regions": "eu", "data_role": "controller",
         "compute": "ecs", "database": "aurora", "iac_tool": "opentofu", "status_page": ""},
        absent=(_GCP, _AZURE, _US_LAW, r"US dollars", r"HIPAA", r"Information Commissioner",
                r"leadership security meeting", r"at the home of the engineer", _BLANK_DEPUTY, _REPRESENTATIVE),
        present=(r"euros", r"General Data Protection Regulation", r"supervisory authority",
                 r"Amazon ECS on AWS Fargate", r"Amazon Aurora", r"OpenTofu plan job", r"[Vv]isitor",
                 r"4\.2 Company offices \{#premises\}", r"in locked storage in an office",
                 r"locked cabinet or room of an office", r"working away from the office",
                 r"\| Recovery point \(RPO\) \|",
                 r"24 hours after the loss of the primary region\), from the company's",
                 r"The competent EU supervisory authority is notified"),
        notes="AWS in the EU, office, 201-500, controller, Germany"),
    "health-azure": MatrixCompany(
        {"company_name": "Carewell", "cloud_providers": "azure", "cloud_regions": "eastus2, centralus",
         "headcount_band": "21-50", "data_phi": True, "scope_confidentiality": False,
         "scope_processing_integrity": False, "scope_privacy": False, "iac_tool": "bicep",
         "identity_provider": "Microsoft Entra ID", "source_control": "Azure Repos", "ci_cd": "Azure Pipelines"},
        absent=(_AWS, _GCP, _PCI, _PCI_DUTIES, r"General Data Protection Regulation", r"security committee",
                _NOT_AZURE_UNITS,
                _REPRESENTATIVE),
        present=(r"HIPAA", r"45 CFR 164\.410", r"business associate", r"BAAs where health data \(PHI\)",
                 r"Azure Kubernetes Service", r"zone-redundant storage \(ZRS\)", r"leadership security meeting",
                 r"what-if deployment", r"Azure Activity Log, which Azure keeps for every subscription"),
        notes="Azure, hybrid, 21-50 with a board, PHI, Security and Availability, US"),
    "multicloud-merchant": MatrixCompany(
        {"company_name": "Orbit Retail", "cloud_providers": "aws, gcp", "cloud_regions": "us-east-1, us-central1",
         "work_model": "remote", "headcount_band": "501-1000", "data_payment": True, "payment_role": "merchant",
         "uses_contractors": False},
        absent=(_OFFICE, r"HIPAA", r"every 6 months and after any change", _PREMISES, _REPRESENTATIVE),
        present=(r"Amazon GuardDuty is enabled in every account", r"Security Command Center Premium",
                 r"AWS CloudTrail and Cloud Audit Logs", r"every 12 months during the penetration test",
                 r"security committee", _PCI, r"notifies the acquiring bank", r"authorisation or refund needs it",
                 r"\{ #control-net-08 \} \| Every 12 months \(PCI DSS v4\.0, requirement 11\.4\.5\), during the "
                 r"penetration test",
                 r"\{ #control-net-09 \} \| Every 12 months \(PCI DSS v4\.0, requirement 12\.5\.2\) and after",
                 r"acquiring bank and payment brands are notified within 24 hours"),
        notes="AWS and GCP, remote, 501-1000, card data as a merchant, US"),
    "maple-no-pii": MatrixCompany(
        {"company_name": "Maple Ops", "cloud_providers": "aws", "cloud_regions": "ca-central-1",
         "work_model": "office", "headcount_band": "1-20", "has_board": False, "hq_country": "Canada",
         "data_residency": "Canada", "data_pii": False, "scope_privacy": False, "scope_availability": False,
         "scope_processing_integrity": False, "customer_regions": "other", "engineers": "1"},
        absent=(_GCP, _AZURE, r"HIPAA", _PCI, _PCI_DUTIES, r"GDPR", _US_LAW, r"US dollars",
                r"Privacy and Data Protection Policy\]", _BOARD, _BOARD_EVIDENCE, _PHI_EVIDENCE, r"the only region",
                r"at the home of the engineer", _REPRESENTATIVE, _TEAM_ENGINEERING, _DESIGNATED_ENGINEER, r"Halden",
                r"requires an\s+independent approval"),
        present=(r"Canadian dollars", r"ca-west-1", r"outside security adviser", r"leadership security meeting",
                 r"every month the outside security adviser reviews every change deployed since the last review",
                 r"merges each change to production\s+without a second reviewer",
                 r"escalates to\s+the Chief Executive Officer, by phone, when a page is not acknowledged\s+within the "
                 r"acknowledgement time of its severity",
                 r"reachable by phone for critical pages during planned leave",
                 r"goes through GitHub and GitHub Actions\. When a required check cannot pass in time",
                 r"copied automatically within 4 hours of completion to ca-west-1, the recovery region",
                 # One engineer and no outside engineer: the adviser checks the CTO's restore tests.
                 r"The outside security adviser, since the CTO ran the test, reviews the ticket",
                 r"Priya Natarajan\s+\(Security Officer\) is trained, with the CTO, to execute every Tier 1 runbook",
                 r"the Security Officer \(Priya Natarajan\) as the deputy"),
        notes="AWS in Canada, office, 1-20, no board, no personal data, Security and Confidentiality"),
    "uk-azure-hybrid": MatrixCompany(
        {"company_name": "Thames Analytics", "cloud_providers": "azure", "cloud_regions": "uksouth, ukwest",
         "headcount_band": "51-200", "hq_country": "United Kingdom", "data_residency": "United Kingdom",
         "customer_regions": "uk, eu", "identity_provider": "Microsoft Entra ID",
         "eu_representative": "Thames Rep GmbH, Friedrichstrasse 10, 10117 Berlin, Germany"},
        absent=(_AWS, _GCP, _US_LAW, r"US dollars", r"HIPAA", _NOT_AZURE_UNITS, _NO_UK_REPRESENTATIVE),
        present=(r"UK GDPR", r"Information Commissioner's Office", r"General Data Protection Regulation",
                 r"pounds sterling", r"ukwest", r"Azure Backup", r"[Vv]isitor", _EU_REPRESENTATIVE),
        notes="Azure in the UK with two UK regions, hybrid, 51-200, processor with EU and UK customers"),
    "gcp-cloudrun-us": MatrixCompany(
        {"company_name": "Lumen Forms", "cloud_providers": "gcp", "cloud_regions": "us-central1, us-east1",
         "work_model": "remote", "compute": "cloud-run", "backup_tool": "Cloud SQL automated backups",
         "scope_confidentiality": False, "scope_privacy": False, "identity_provider": "Google Workspace",
         "customer_regions": "us, eu, uk", "eu_representative": "Lumen Rep Ltd, 2 Merrion Square, Dublin 2, Ireland",
         "uk_representative": "Lumen UK Rep Ltd, 1 Long Acre, London WC2E 9LH"},
        absent=(_AWS, _AZURE, _OFFICE, r"Each backup is locked with|Vault Lock",
                r"separate project from\s+the production",
                r"every account and every region", r"zone-redundant",
                r"copies to the recovery region|a copy in the recovery region of every", _PREMISES),
        present=(r"Cloud Run", r"cannot copy backups to another region", r"offers no immutability lock",
                 r"Cloud SQL automated backups", r"activated at the organization level", _EU_REPRESENTATIVE,
                 _UK_REPRESENTATIVE,
                 r"outside the European Union and the United Kingdom \(headquarters: United States\)",
                 r"UK GDPR", r"General Data Protection Regulation", r"CCPA"),
        notes="GCP with Cloud Run and Cloud SQL automated backups (no lock, no cross-region copy), remote, US, with "
              "users in the US, the EU and the UK (representatives in both)"),
}
