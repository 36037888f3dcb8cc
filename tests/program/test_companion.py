"""Companion documents: rendered from the facts, specific to the company, complete and well-formed."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml
from policyforge import TemplateError
from policyforge.model import Library, load_library
from policyforge.program import Program, load_program
from policyforge.program._companion import COMPANION_DIR, DOCUMENTS, companion_pages, risk_band
from policyforge.program._lint import TOOL_KEYS, VARIANTS, variant_program
from policyforge.render import check_wording, markdown_to_html

CELL_SPLIT = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def pages(library: Library) -> dict[str, dict[str, str]]:
    return {name: companion_pages(variant_program(name, library)) for name in VARIANTS}


def visible_text(markdown: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markdown_to_html(markdown)))


def table_rows(markdown: str, heading: str) -> list[list[str]]:
    """Return the cells of the first table after a heading (header and rule excluded)."""
    lines = markdown.split(heading, 1)[1].splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith("|"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in CELL_SPLIT.split(line)[1:-1]])
    return table[2:]


# ------------------------------------------------------------------------------------------ every document
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_companion_document_renders_complete_for_each_variant(pages: dict[str, dict[str, str]],
                                                                    variant: str) -> None:
    rendered = pages[variant]
    assert list(rendered) == [f"{COMPANION_DIR}/{stem}.md" for stem in DOCUMENTS]
    for name, markdown in rendered.items():
        assert markdown.startswith("# ") and "\n" in markdown, name
        assert "{{" not in markdown and "{%" not in markdown, name
        assert check_wording(markdown, name) == [], name
        assert not re.search(r"\bTODO\b|\bTBD\b", markdown), name


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_table_row_has_as_many_cells_as_its_header(pages: dict[str, dict[str, str]], variant: str) -> None:
    for name, markdown in pages[variant].items():
        width = None
        for number, line in enumerate(markdown.splitlines(), start=1):
            if not line.startswith("|"):
                width = None
                continue
            cells = len(CELL_SPLIT.split(line))
            width = width or cells
            assert cells == width, f"{name}:{number}: {line}"


def test_companion_links_reach_rendered_policy_headings_and_controls(library: Library,
                                                                     pages: dict[str, dict[str, str]]) -> None:
    program = variant_program("example", library)
    ids = {doc.filename: set(re.findall(r'id="([^"]+)"', markdown_to_html(program.render_page(doc))))
           for doc in program.policies.values()}
    links = {link for page in pages["example"].values()
             for link in re.findall(r"\]\(\.\./(POL-\d\d-[a-z0-9-]+\.md)(?:#([a-z0-9-]+))?\)", page)}
    assert len(links) > 50
    for filename, anchor in links:
        assert filename in ids, filename
        assert not anchor or anchor in ids[filename], f"{filename}#{anchor}"


def test_companion_documents_are_the_same_for_the_same_facts(library: Library,
                                                             pages: dict[str, dict[str, str]]) -> None:
    assert companion_pages(variant_program("example", library)) == pages["example"]


def test_links_follow_the_prefix_given_for_where_the_pages_are_served(library: Library) -> None:
    flat = companion_pages(variant_program("example", library), link_prefix="")
    assert "](POL-07-risk-management.md)" in flat["companion/risk-register.md"]
    assert "](../" not in "".join(flat.values())


@pytest.mark.slow
def test_companion_documents_render_for_the_scaffolded_example_company(example_repo: Path) -> None:
    rendered = companion_pages(load_program(example_repo))
    assert len(rendered) == len(DOCUMENTS)
    assert "Priya Natarajan" in rendered["companion/incident-response-runbook.md"]
    assert all("{{" not in page for page in rendered.values())


# ------------------------------------------------------------------------------------------ system description
@pytest.mark.parametrize(("variant", "providers"), [
    ("example", ["Amazon Web Services (AWS)"]),
    ("gcp-remote", ["Google Cloud"]),
    ("azure-office", ["Microsoft Azure", "Amazon Web Services (AWS)"]),
])
def test_system_description_names_each_cloud_provider_as_a_carved_out_subservice_organisation(
        pages: dict[str, dict[str, str]], variant: str, providers: list[str]) -> None:
    page = pages[variant]["companion/system-description.md"]
    rows = table_rows(page, "## 5. Subservice organisations")
    assert [row[0] for row in rows if row[0]] == providers
    assert "carve-out method" in page
    assert all("SOC 2" in row[2] for row in rows if row[0])


def test_system_description_states_the_commitments_components_and_customer_controls(
        pages: dict[str, dict[str, str]]) -> None:
    page = pages["example"]["companion/system-description.md"]
    for needle in ("at least 99.9% each calendar month", "within 8 hours (RTO)", "at most 1 hour of data lost (RPO)",
                   "without undue delay after becoming aware, and within 72 hours", "service level agreement",
                   "### 3.7 Risk assessment", "### 3.9 Monitoring", "### 4.1 Criteria not applicable",
                   "### 3.1 Infrastructure", "### 3.2 Software", "### 3.3 People",
                   "### 3.4 Procedures", "### 3.5 Data", "## 4. System boundaries", "### 5.1 Complementary subservice",
                   "## 6. Complementary user entity controls", "Amazon RDS", "Okta", "Priya Natarajan"):
        assert needle in page, needle
    assert len(table_rows(page, "## 6. Complementary user entity controls")) >= 5


def test_security_only_system_description_names_only_security_criteria(pages: dict[str, dict[str, str]]) -> None:
    page = pages["security-only"]["companion/system-description.md"]
    assert "The Trust Services categories in scope are Security (33 criteria)." in page
    assert not re.search(r"\b(A1|C1|PI1|P\d)\.\d", page)
    assert "POL-24" not in page
    assert "POL-28" in page  # personal data is held, so the data-protection policy is in force outside the scope


# ------------------------------------------------------------------------------------------ risk register
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_risk_register_scores_at_least_fifteen_risks_with_owners_and_in_scope_controls(
        library: Library, pages: dict[str, dict[str, str]], variant: str) -> None:
    program = variant_program(variant, library)
    carried = {cid for doc in program.policies.values() for cid in doc.controls}
    rows = [row for row in table_rows(pages[variant]["companion/risk-register.md"], "## 1. Inherent") if row[0]]
    assert len(rows) >= 15
    for risk_id, _, owner, scoring, treatment, controls in rows:
        likelihood, impact, score, band = re.fullmatch(r"(\d) × (\d) = (\d+), (\w+)", scoring).groups()
        assert 1 <= int(likelihood) <= 5 and 1 <= int(impact) <= 5, risk_id
        assert int(score) == int(likelihood) * int(impact) and band == risk_band(int(score)), risk_id
        assert re.match(r"^(Chief|Security|Privacy|Head)", owner) and "(" in owner, risk_id
        assert treatment.split(":")[0] in ("Reduce", "Transfer", "Avoid", "Accept"), risk_id
        ids = re.findall(r"\[([A-Z]{3}-\d\d)\]", controls)
        assert ids and set(ids) <= carried, risk_id


def test_risk_register_leaves_out_risks_and_controls_of_categories_out_of_scope(
        pages: dict[str, dict[str, str]]) -> None:
    full = pages["example"]["companion/risk-register.md"]
    lean = pages["security-only"]["companion/risk-register.md"]
    assert "Personal data used beyond the privacy notice" in full
    assert "Personal data used beyond the privacy notice" not in lean
    assert "[AVL-05]" in full and "[AVL-05]" not in lean
    # The capacity review is a Security control stated in POL-18 4.8.2, so R-19 keeps it in every program (#13, T12).
    assert "[AVL-04]" in full and "[AVL-04]" in lean


@pytest.mark.parametrize(("score", "band"), [(1, "low"), (4, "low"), (5, "medium"), (9, "medium"), (10, "high"),
                                             (16, "high"), (20, "critical"), (25, "critical")])
def test_risk_bands_follow_the_risk_policy(score: int, band: str) -> None:
    assert risk_band(score) == band


def test_every_control_named_in_the_starter_risks_exists_in_the_catalog(library: Library) -> None:
    data = yaml.safe_load((library.root / COMPANION_DIR / "risks.yaml").read_text(encoding="utf-8"))
    named = {cid for risk in data["risks"] for cid in risk["controls"]}
    assert named <= set(library.catalog.controls)
    assert len({risk["id"] for risk in data["risks"]}) == len(data["risks"])


# ------------------------------------------------------------------------------------------ inventories
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_vendor_inventory_tiers_every_tool_of_the_company(library: Library, pages: dict[str, dict[str, str]],
                                                          variant: str) -> None:
    program = variant_program(variant, library)
    rows = [row for row in table_rows(pages[variant]["companion/vendor-inventory.md"], "## 1. Vendors") if row[0]]
    names = [row[0] for row in rows]
    for key in TOOL_KEYS:
        tool = program.facts.get(f"stack.{key}")
        assert any(name == tool or name.startswith(f"{tool} (service of ") for name in names), tool
    assert {row[3].split(":")[0] for row in rows} <= {"**Critical**", "**High**", "**Low**"}
    providers = [program.library.catalog.providers[p]["name"] for p in program.facts.get("stack.cloud_providers")]
    assert names[:len(providers)] == providers


def test_a_tool_sold_by_the_cloud_provider_is_listed_as_its_service(pages: dict[str, dict[str, str]]) -> None:
    page = pages["example"]["companion/vendor-inventory.md"]
    assert "| AWS Backup (service of Amazon Web Services (AWS)) |" in page
    tracking = table_rows(page, "## 2. Tracking")
    assert "AWS Backup" not in [row[0] for row in tracking]


def test_one_product_named_for_two_roles_is_one_vendor_with_the_stricter_tier(library: Library) -> None:
    program = variant_program("example", library, {"source_control": "GitLab", "ci_cd": "GitLab",
                                                   "training_provider": "Okta"})
    rows = table_rows(companion_pages(program)["companion/vendor-inventory.md"], "## 1. Vendors")
    named = {row[0]: row for row in rows if row[0]}
    assert [row[0] for row in rows].count("GitLab") == 1 and [row[0] for row in rows].count("Okta") == 1
    assert "code review" in named["GitLab"][1] and "deploys every change" in named["GitLab"][1]
    assert named["Okta"][3].startswith("**Critical**:") and "training" in named["Okta"][1]


def test_asset_inventory_lists_cloud_services_applications_and_data_stores_from_the_facts(
        pages: dict[str, dict[str, str]]) -> None:
    page = pages["gcp-remote"]["companion/asset-inventory.md"]
    for needle in ("Cloud SQL", "Cloud Storage", "europe-west1", "europe-west4", "Personio", "Linear",
                   "Google Security Operations", "Jamf Pro", "SentinelOne", "35 days", "455 days"):
        assert needle in page, needle
    assert "Okta" not in page and "AWS" not in page


# ------------------------------------------------------------------------------------------ BIA and runbook
def test_business_impact_analysis_carries_the_company_rto_and_rpo(library: Library) -> None:
    program = variant_program("example", library, {"rto_hours": "6", "rpo_hours": "2", "backup_frequency_hours": "2"})
    page = companion_pages(program)["companion/business-impact-analysis.md"]
    tiers = table_rows(page, "## 1. Recovery tiers")
    assert tiers[0][2:] == ["6 hours", "2 hours (24 hours after the loss of the primary region)"]
    assert tiers[1][2:] == ["24 hours", "24 hours"] and tiers[2][2:] == ["5 business days", "24 hours"]
    systems = table_rows(page, "## 2. Systems and their tiers")
    # The company's own tier 1 systems keep its RPO; a SaaS tool's recovery point is its vendor's commitment.
    tier1 = [row[2:4] for row in systems if row[1] == "1"]
    vendor = "the vendor's commitment (vendor inventory ACME-DOC-06, section 2)"
    assert ["6 hours", "2 hours"] in tier1 and ["6 hours", vendor] in tier1
    assert all(rto == "6 hours" and rpo in ("2 hours", vendor) for rto, rpo in tier1)
    # ... and the vendor inventory has that column, with the most each vendor's recovery tier allows.
    inventory = companion_pages(program)["companion/vendor-inventory.md"]
    tracking = {row[0]: row[3] for row in table_rows(inventory, "## 2. Tracking") if row[0]}
    assert tracking["Amazon Web Services (AWS)"] == (
        "2 hours for Tier 1 data (24 hours after the loss of the primary region), from the company's backups by "
        "AWS Backup")
    assert tracking["GitHub"] == "recovery tier 1: at most 2 hours; vendor's commitment: to enter"
    assert tracking["Jira"] == "recovery tier 2: at most 24 hours; vendor's commitment: to enter"
    assert "A longer commitment, or none, is an open finding: the vendor owner resolves it within 90 days" in (
        " ".join(inventory.split()))
    assert "backups every 2 hours" in page


def test_runbook_roster_names_every_role_holder_with_their_email(library: Library,
                                                                 pages: dict[str, dict[str, str]]) -> None:
    program = variant_program("example", library)
    roster = table_rows(pages["example"]["companion/incident-response-runbook.md"], "## 2. Contact roster")
    for role in ("security_officer", "cto", "ceo", "privacy_officer", "head_of_people"):
        name, email = program.facts.get(f"people.{role}.name"), program.facts.get(f"people.{role}.email")
        assert any(row[1] == name and row[2] == email and row[3] == "" and row[4] != ""
                   and not row[4].startswith(name) for row in roster), role


def test_runbook_names_a_deputy_for_every_role_who_is_never_its_holder(library: Library) -> None:
    # nimbus-uk: Mei Lin is CTO and Security Officer, Tom Reid holds the other three roles.
    page = companion_pages(variant_program("nimbus-uk", library))["companion/incident-response-runbook.md"]
    deputies = {row[0]: row[4] for row in table_rows(page, "## 2. Contact roster")}
    assert deputies == {
        "Security Officer": "Tom Reid (Chief Executive Officer)",
        "Chief Technology Officer": "Tom Reid (Chief Executive Officer)",
        "Chief Executive Officer": "Mei Lin (Chief Technology Officer)",
        "Privacy Officer": "Mei Lin (Security Officer)",
        "Head of People": "Mei Lin (Chief Technology Officer)",
        # One engineer (issue #13, N-E2): the contracted outside engineer backs up the single responder.
        # The one arrangement of POL-18 4.5.3 (issue #12, auditor read T6): every unacknowledged page and the leave.
        "On-call engineer": "Halden Engineering Ltd, the outside engineer contracted as on-call backup, which takes "
                            "every page the CTO does not acknowledge within the acknowledgement time of its "
                            "severity (15 minutes for a critical page, 30 minutes for a high one) and every page "
                            "during the CTO's "
                            "planned leave, entered on the rota at least 2 weeks ahead",
        # The adviser oversees and does not respond (T9): no deputy inside management.
        "Outside security adviser": "none: the adviser is outside management",
        "Communications lead and scribe": "the incident commander",
    }
    assert ("the deputy takes the role's duty when its holder has not acknowledged a page within the acknowledgement "
            "time of its severity (15 minutes for a critical page, 30 minutes for a high one)") in (
        " ".join(page.split()))


def test_runbook_of_a_company_where_one_person_holds_every_role_says_no_role_has_a_deputy(library: Library) -> None:
    one = {f"{role}_{field}": value for role in ("ceo", "cto", "security_officer", "privacy_officer",
                                                 "head_of_people", "approver")
           for field, value in (("name", "Ada Solo"), ("email", "ada@acme.example"))}
    one |= {"alternate_approver_name": "Sam Ortiz", "alternate_approver_email": "sam@acme.example",
            "headcount_band": "1-20", "has_board": False}
    page = companion_pages(variant_program("example", library, one))["companion/incident-response-runbook.md"]
    roster = table_rows(page, "## 2. Contact roster")
    assert [row[4] for row in roster[:5]] == ["none inside the company"] * 5
    assert "One person holds every role, so no role has a deputy inside the company" in " ".join(page.split())


def test_runbook_follows_the_status_page_fact(pages: dict[str, dict[str, str]]) -> None:
    assert "post on https://status.acme.example" in pages["example"]["companion/incident-response-runbook.md"]
    assert "then every hour by email" in pages["gcp-remote"]["companion/incident-response-runbook.md"]


def test_acknowledgement_form_lists_every_policy_in_scope_with_its_version(library: Library,
                                                                          pages: dict[str, dict[str, str]]) -> None:
    for variant in ("example", "security-only"):
        program = variant_program(variant, library)
        rows = table_rows(pages[variant]["companion/policy-acknowledgement.md"], "## 2. Policies acknowledged")
        assert len(rows) == len(program.policies)
        assert all(row[1] == "1.0" and row[3] == "" for row in rows)


def test_exception_register_offers_empty_rows_to_fill(pages: dict[str, dict[str, str]]) -> None:
    rows = table_rows(pages["example"]["companion/exception-register.md"], "## 1. Requests")
    assert len(rows) >= 3 and all(cell == "" for row in rows for cell in row[1:])


# ------------------------------------------------------------------------------------------ company values are data
HOSTILE = {
    "company_name": "<b>Acme</b> | *Co*",
    "ticketing": "Jira | {{ 7*7 }}",
    "identity_provider": "[Okta](https://evil.example)",
    "security_officer_name": "Priya_Natarajan `x`",
}


def test_hostile_company_values_land_as_text_in_every_document(library: Library) -> None:
    rendered = companion_pages(variant_program("example", library, HOSTILE))
    for name, markdown in rendered.items():
        page = markdown_to_html(markdown)
        assert "<b>Acme" not in page and 'href="https://evil.example"' not in page, name
    vendors = visible_text(rendered["companion/vendor-inventory.md"])
    assert "Jira | {{ 7*7 }}" in vendors and "[Okta](https://evil.example)" in vendors
    assert "<b>Acme</b> | *Co*" in visible_text(rendered["companion/risk-register.md"])
    assert "Priya_Natarajan `x`" in visible_text(rendered["companion/incident-response-runbook.md"])


def test_a_library_without_companion_templates_is_reported_not_crashed(library: Library, tmp_path: Path) -> None:
    program: Program = variant_program("example", library)
    program.library = Library(tmp_path, library.version, library.templates, library.catalog)
    with pytest.raises(TemplateError) as caught:
        companion_pages(program)
    assert "companion" in str(caught.value) and "policy_templates/companion/" in str(caught.value)


def test_a_section_cited_by_a_companion_document_is_numbered_from_the_policy_heading(
        pages: dict[str, dict[str, str]]) -> None:
    example = pages["example"]
    cited = {name: re.findall(r"\[(section [\d.]+)\]\((?:\.\./)?(POL-\d\d)[^)#]*#([a-z-]+)\)", text)
             for name, text in example.items()}
    found = {item for items in cited.values() for item in items}
    assert {("section 4.2", "POL-08", "risk-tiers"), ("section 4.6", "POL-02", "exception-requests"),
            ("section 4.1", "POL-22", "business-impact-analysis")} <= found


def test_a_companion_citation_of_an_anchor_the_policy_lacks_is_refused(library: Library, tmp_path: Path) -> None:
    root = tmp_path / "lib"
    shutil.copytree(library.root, root)
    path = root / "companion" / "vendor-inventory.md"
    path.write_text(path.read_text(encoding="utf-8").replace('section("POL-08", "risk-tiers")',
                                                             'section("POL-08", "risk-levels")'), encoding="utf-8")
    with pytest.raises((TemplateError, KeyError)) as caught:
        companion_pages(variant_program("example", load_library(root)))
    assert "risk-levels" in str(caught.value)


def test_the_carve_out_sentence_names_the_companys_own_service_auditor_even_before_a_firm_is_named(
        library: Library) -> None:
    from policyforge.model._questionnaire import AUDIT_FIRM_PLACEHOLDER

    program = variant_program("nimbus-uk", library, {"audit_firm": AUDIT_FIRM_PLACEHOLDER})
    unnamed = " ".join(companion_pages(program)["companion/system-description.md"].split())
    assert "not tested by an independent CPA firm" not in unnamed
    assert "excluded from this examination and not tested by Nimbus Ledger's service auditor" in unnamed
    assert "makes no commitment to customers" not in unnamed
    assert "chose not to have them examined" in unnamed


@pytest.mark.parametrize("variant", ["example", "nimbus-uk", "gcp-cloudrun-us", "uk-azure-hybrid"])
def test_the_business_impact_analysis_states_the_tier_1_recovery_point_of_the_continuity_policy(
        library: Library, variant: str) -> None:
    program = variant_program(variant, library)

    def tier_1_rpo(text: str) -> str:
        row = next(line for line in text.splitlines() if line.startswith("| 1 Customer-facing"))
        return row.rstrip(" |").rsplit("|", 1)[1].strip()

    policy = tier_1_rpo(program.render_body(program.policies["POL-22"]))
    pages = companion_pages(program)
    assert tier_1_rpo(pages["companion/business-impact-analysis.md"]) == policy
    copies = "| Backup copies |" in pages["companion/asset-inventory.md"]
    assert copies == ("accepted risk" not in policy)


# ------------------------------------------------------------------------------------- outside parties (#12 N-3)
def test_every_outside_party_a_one_engineer_company_relies_on_is_a_tiered_vendor_with_a_review(
        library: Library) -> None:
    pages = companion_pages(variant_program("nimbus-uk", library))
    inventory = pages["companion/vendor-inventory.md"]
    tiers = {row[0]: row[3] for row in table_rows(inventory, "## 1. Vendors") if row[0]}
    assert tiers["Halden Engineering Ltd"].startswith("**Critical**: its approval lets a change reach production")
    for party in ("Harriet Cole", "Marlow Assurance Ltd", "Redline Security Ltd", "Clearscan Ltd"):
        assert tiers[party].startswith("**High**"), party
    tracking = {row[0]: row for row in table_rows(inventory, "## 2. Tracking") if row[0]}
    # Halden checks the CTO's work, so the CTO does not own it (issue #12): the Chief Executive Officer does.
    assert tracking["Halden Engineering Ltd"][1:3] == ["Critical", "Chief Executive Officer (Tom Reid)"]
    assert tracking["Harriet Cole"][2] == "Chief Executive Officer (Tom Reid)"
    # Contracted personnel working in the company's own systems: vendors, never carved-out subservice organisations.
    description = pages["companion/system-description.md"]
    subservice = [row[0] for row in table_rows(description, "## 5. Subservice organisations") if row[0]]
    assert subservice == ["Google Cloud"]
    parties = {row[0]: row[1] for row in table_rows(description, "Outside parties take part in the controls")}
    assert parties == {"Outside engineer": "Halden Engineering Ltd", "Outside security adviser": "Harriet Cole",
                       "Independent assessor": "Marlow Assurance Ltd", "Penetration tester": "Redline Security Ltd",
                       "Approved Scanning Vendor": "Clearscan Ltd"}
    assert "None is a subservice organisation" in description
    software = [row[0] for row in table_rows(description, "### 3.2 Software")]
    assert "Halden Engineering Ltd" not in software
    impact = [row[0] for row in table_rows(pages["companion/business-impact-analysis.md"], "## 2. Systems")]
    assert "Harriet Cole" not in impact


def test_a_party_the_company_has_not_named_is_listed_by_its_role_and_one_it_does_not_use_is_not(
        library: Library) -> None:
    inventory = companion_pages(variant_program("example", library))["companion/vendor-inventory.md"]
    names = [row[0] for row in table_rows(inventory, "## 1. Vendors") if row[0]]
    assert "Outside security adviser, to be engaged" in names  # 1-20 people, no board
    assert "Penetration testing firm, to be engaged" in names
    assert not any("Outside engineer" in name or "Segmentation tester" in name for name in names)
    large = companion_pages(variant_program("acme-us", library))["companion/vendor-inventory.md"]
    assert "Outside security adviser" not in large and "Independent assessor" not in large


def test_a_single_responder_is_a_risk_whose_treatment_names_the_outside_engineers_on_call_backup(
        library: Library) -> None:
    register = companion_pages(variant_program("nimbus-uk", library))["companion/risk-register.md"]
    rows = {row[0]: row for row in table_rows(register, "## 1. Inherent risks")}
    assert rows["R-25"][1].startswith("**A single responder on call**")
    assert rows["R-25"][4].startswith("Reduce: Halden Engineering Ltd, the outside engineer contracted as on-call "
                                      "backup, takes every page the CTO does not acknowledge within the "
                                      "acknowledgement time of its severity (15 minutes for a critical page, 30 "
                                      "minutes for a high one)")
    assert rows["R-26"][1].startswith("**Dependence on the outside engineer**")
    assert "Halden Engineering Ltd" in rows["R-18"][4]
    without = companion_pages(variant_program("nimbus-uk", library, {"outside_engineer": ""}))
    alone = {row[0]: row for row in table_rows(without["companion/risk-register.md"], "## 1. Inherent risks")}
    assert alone["R-25"][4].startswith("Accept: By the Chief Executive Officer") and "R-26" not in alone
    example = companion_pages(variant_program("example", library))["companion/risk-register.md"]
    listed = {row[0] for row in table_rows(example, "## 1. Inherent risks")}
    assert "R-25" not in listed and "R-26" not in listed
    assert "The numbers R-25, R-26 and R-27 are not used here" in " ".join(example.split())


# ------------------------------------------------------------------------------------------ DC 200 (auditor A23, A25)
def test_system_description_commits_each_category_in_scope_and_traces_the_data(
        pages: dict[str, dict[str, str]]) -> None:
    """Privacy, confidentiality and processing-integrity commitments, and how data enters and leaves (issue #13)."""
    full = " ".join(pages["example"]["companion/system-description.md"].split())
    for needle in ("| A new subprocessor of customer personal data | customers told at least 30 days before",
                   "passed to that customer within 5 business days", "answered within 30 days of receipt",
                   "| Confidentiality of customer information |", "| Processing of customer inputs |",
                   "| Changes that break integrations | announced at least 30 days before they take effect",
                   "| Entry | customers' users and integrations reach Acme Cloud Platform over the internet through "
                   "Elastic Load Balancing, behind AWS WAF",
                   "| Copies | AWS Backup copies the data stores every hour",
                   "| Administrative access | AWS IAM Identity Center |", "| Threat detection | Amazon GuardDuty |"):
        assert needle in full, needle
    security_only = pages["security-only"]["companion/system-description.md"]
    assert "| Confidentiality of customer information |" not in security_only
    assert "| Processing of customer inputs |" not in security_only


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_mail_platform_is_a_vendor_and_a_software_component(pages: dict[str, dict[str, str]], library: Library,
                                                                 variant: str) -> None:
    mail = str(variant_program(variant, library).facts.get("stack.mail_platform"))
    vendors = [row[0] for row in table_rows(pages[variant]["companion/vendor-inventory.md"], "## 1. Vendors")]
    assert mail in vendors
    assert f"| {mail} |" in pages[variant]["companion/system-description.md"]
    assert "| Company email and chat |" not in pages[variant]["companion/business-impact-analysis.md"]
