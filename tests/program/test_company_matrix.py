"""The library fits the company it describes: eight contrasting companies, each rendered and read.

Each company of ``MATRIX`` differs from the example in provider, size, work model, jurisdiction,
scope and data. It must pass the library lint, read none of the words that belong to another kind
of company and all the words its own facts call for. Contradictory facts are refused at scaffold
time with the field and the fix.
"""

from __future__ import annotations

import re

import pytest
from policyforge._errors import FactsError
from policyforge.model._answers import resolve_answers
from policyforge.model._facts import facts_from_answers
from policyforge.model._library import Library, load_library
from policyforge.program._companion import companion_pages
from policyforge.program._lint import lint_library, lint_vocabulary, variant_program
from policyforge.program._load import owner_loads, program_page
from policyforge.program._matrix import MATRIX


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_the_matrix_holds_at_least_eight_companies_that_differ_in_every_fact_the_text_branches_on() -> None:
    answers = [resolve_answers(company.answers) for company in MATRIX.values()]
    assert len(MATRIX) >= 8
    for key in ("cloud_providers", "headcount_band", "work_model", "hq_country", "data_residency"):
        assert len({a[key] for a in answers}) >= 3, key
    for key in ("has_board", "data_phi", "data_payment", "data_pii", "scope_privacy", "payment_role", "data_role"):
        assert len({str(a[key]) for a in answers}) == 2, key


@pytest.mark.slow
@pytest.mark.parametrize("name", list(MATRIX))
def test_each_matrix_company_passes_the_library_lint_with_every_criterion_covered(library: Library,
                                                                                   name: str) -> None:
    assert lint_library(library, variants=(name,)) == []


@pytest.mark.parametrize("name", list(MATRIX))
def test_each_matrix_company_reads_only_words_that_fit_it_and_every_word_its_facts_call_for(
        library: Library, name: str) -> None:
    problems = lint_vocabulary(name, library)
    assert not problems, "\n".join(str(p) for p in problems)


def test_the_vocabulary_check_catches_a_word_that_does_not_fit(library: Library) -> None:
    from policyforge.program import _matrix

    original = _matrix.MATRIX["nimbus-uk"]
    _matrix.MATRIX["nimbus-uk"] = _matrix.MatrixCompany(original.answers, absent=(r"Cloud Storage",),
                                                        present=(r"Amazon S3",))
    try:
        messages = [p.message for p in lint_vocabulary("nimbus-uk", library)]
    finally:
        _matrix.MATRIX["nimbus-uk"] = original
    assert any("reads 'Cloud Storage'" in m for m in messages)
    assert any("no page reads /Amazon S3/" in m for m in messages)


def test_the_uk_company_keeps_its_data_in_its_only_uk_region_and_says_so(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    backup = " ".join(program.render_body(program.policies["POL-23"]).split())
    assert "europe-west1" not in backup
    assert "has no second region inside the residency area committed to customers (United Kingdom)" in backup
    continuity = " ".join(program.render_body(program.policies["POL-22"]).split())
    assert "the only region of Google Cloud inside the data residency area (United Kingdom)" in continuity


def test_a_small_company_tests_its_controls_once_a_year_and_a_larger_one_every_quarter(library: Library) -> None:
    small = {c.id: c for c in variant_program("nimbus-uk", library).controls()}
    large = {c.id: c for c in variant_program("acme-us", library).controls()}
    assert small["MON-03"].frequency == "annual" and large["MON-03"].frequency == "quarterly"


def test_the_program_page_counts_controls_and_hours_per_person_across_their_roles(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    loads = {load.name: load for load in owner_loads(program)}
    mei = loads["Mei Lin"]
    assert set(mei.roles) == {"cto", "security_officer"}
    owned = [c.id for c in program.controls() if c.owner in ("cto", "security_officer")]
    assert sorted(mei.controls) == sorted(owned)
    assert sum(len(load.controls) for load in loads.values()) == len(program.controls())
    page = program_page(program)
    assert "| Mei Lin | Chief Technology Officer, Security Officer |" in page
    assert "leadership security meeting" in page and "outside security adviser" in page


def test_the_program_page_warns_when_one_person_carries_an_implausible_load(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    mei = next(load for load in owner_loads(program) if load.name == "Mei Lin")
    assert mei.hours > 340 and mei.too_much
    assert "**Warning: one person carries more than is plausible.**" in program_page(program)
    spread = variant_program("acme-us", library)
    officer = next(load for load in owner_loads(spread) if load.roles == ("security_officer",))
    # A full-time role in a company of 51-200: her controls fit it, and since she also checks each run of the CTO's
    # reviews of the CTO's own work (effort.yaml checked_runs, issue #12) her hours are just over it.
    assert len(officer.controls) > 60 and officer.too_much == (
        "1524 hours a year is more than the 1500 one person can give in a full-time security role",)


CONTRADICTIONS = [
    ({"cloud_providers": "gcp", "cloud_regions": "us-central1", "backup_tool": "AWS Backup"},
     "backup_tool: AWS Backup backs up AWS, which is not among the cloud providers (Google Cloud)",
     "use Backup and DR Service or Cloud SQL automated backups"),
    ({"cloud_providers": "gcp", "cloud_regions": "europe-west2, europe-west1", "data_residency": "United Kingdom"},
     "cloud_regions: europe-west1 is in Belgium, outside the residency commitment (United Kingdom)",
     "Google Cloud has one region in United Kingdom: europe-west2"),
    ({"cloud_regions": "us-east-1, eu-west-1"},
     "cloud_regions: eu-west-1 is in Ireland, outside the residency commitment (United States)",
     "use regions inside United States"),
    ({"cloud_providers": "aws", "cloud_regions": "eu-west-2", "data_residency": "Switzerland"},
     "cloud_regions: eu-west-2 is in United Kingdom, outside the residency commitment (Switzerland)",
     "AWS has one region in Switzerland: eu-central-2"),
    ({"cloud_regions": "us-central1"}, "cloud_regions: 'us-central1' is not a region of AWS", "region id"),
    ({"data_residency": "Atlantis"}, "data_residency: 'Atlantis' is not a country or area", "catalog/regions.yaml"),
    ({"cloud_providers": "gcp", "cloud_regions": "us-central1", "compute": "eks"},
     "compute: Amazon EKS runs on AWS, which is not among the cloud providers (Google Cloud)", "choose from gke"),
    ({"data_phi": True, "data_pii": False, "scope_privacy": False},
     "data_pii: health data (PHI) is personal data, yet data_pii is false", "set data_pii to true"),
    ({"data_pii": False}, "scope_privacy: the Privacy category is in scope, yet data_pii says no personal data",
     "set data_pii to true, or scope_privacy to false"),
    ({"privacy_contact_email": "tomas.ferreira@acme.example"},
     "privacy_contact_email: tomas.ferreira@acme.example is a person's own address", "privacy@acme.example"),
    ({"hq_country": "United Kingdom", "data_residency": "United States", "customer_regions": "uk, eu"},
     "eu_representative: is blank, yet the company is established outside the European Union (United Kingdom) "
     "and its customers' users are there, so GDPR Article 27 requires a representative in it",
     "set eu_representative to the representative's name and postal address in the European Union, "
     "or remove eu from customer_regions"),
    ({"customer_regions": "us, uk"},
     "uk_representative: is blank, yet the company is established outside the United Kingdom (United States)",
     "set uk_representative to the representative's name and postal address in the United Kingdom"),
    # Issue #13, N-E2/N-E3: an engineering headcount the band cannot hold, and a lone engineer with nobody to
    # review changes or take escalated pages.
    ({"headcount_band": "1-20", "engineers": "25"}, "engineers: 25 engineers do not fit a headcount band of 1-20",
     "lower engineers to at most 20, or choose the headcount_band that holds them"),
    ({"headcount_band": "21-50", "has_board": True, "engineers": "1"},
     "outside_engineer: is blank, yet with one engineer and a board (no outside security adviser) nobody reviews",
     "name the contracted engineer or security provider in outside_engineer"),
    # Issue #12 N-3: the outside parties are named in full and independent of what they oversee or test.
    ({"security_adviser_name": "Harriet Cole"},
     "security_adviser_email: the outside security adviser needs both a name and an email",
     "fill in both security_adviser_name and security_adviser_email"),
    ({"security_adviser_name": "Dana Whitfield", "security_adviser_email": "dana@elsewhere.example"},
     "security_adviser_name: Dana Whitfield is the company's Chief Executive Officer, not independent",
     "name someone outside the company who holds no role in company.yml"),
    ({"security_adviser_name": "Harriet Cole", "security_adviser_email": "priya.natarajan@acme.example"},
     "security_adviser_email: priya.natarajan@acme.example is the address of the company's Security Officer",
     "give the adviser's own address"),
    ({"engineers": "1", "outside_engineer": "Halden Engineering Ltd", "penetration_tester": "halden engineering ltd"},
     "penetration_tester: halden engineering ltd is also the outside engineer, who reviews the changes it would test",
     "name a different firm in penetration_tester"),
    ({"independent_assessor": "Rahul Mehta"},
     "independent_assessor: Rahul Mehta is the company's Chief Technology Officer, who operates the controls",
     "name a firm or person outside the company in independent_assessor"),
]


def test_the_mail_platform_defaults_from_the_identity_provider_and_cloud() -> None:
    """EV-70's system of record is the company's mail platform, guessed from the facts it already gave."""
    assert resolve_answers({})["mail_platform"] == "Google Workspace"
    assert resolve_answers({"identity_provider": "Microsoft Entra ID"})["mail_platform"] == "Microsoft 365"
    assert resolve_answers({"cloud_providers": "azure"})["mail_platform"] == "Microsoft 365"
    assert resolve_answers({"mail_platform": "Fastmail"})["mail_platform"] == "Fastmail"


@pytest.mark.parametrize(("overrides", "message", "fix"), CONTRADICTIONS)
def test_contradictory_facts_are_refused_with_the_field_and_a_fix(overrides: dict[str, object], message: str,
                                                                  fix: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers(overrides))
    lines = [str(p) for p in caught.value.problems]
    assert any(message in line and fix in line for line in lines), lines


def test_a_gcp_company_gets_gcp_services_by_default_never_aws_ones() -> None:
    facts = facts_from_answers(resolve_answers({"cloud_providers": "gcp", "cloud_regions": "us-central1"}))
    assert facts.get("stack.backup_tool") == "Backup and DR Service"
    assert [facts.get(f"stack.{k}") for k in ("compute", "database", "object_storage", "secrets_manager")] == [
        "gke", "cloud-sql", "gcs", "gcp-secret-manager"]


def test_company_yml_does_not_ask_a_company_with_one_region_in_its_residency_area_for_a_second() -> None:
    # issue #13 re-read: the comment above cloud_regions said two regions were needed, which Nimbus Ledger (UK
    # residency, one Google Cloud region in the UK) cannot have; it now says what to list in either case.
    from policyforge.model._facts import dump_facts

    lines = dump_facts(facts_from_answers(resolve_answers(MATRIX["nimbus-uk"].answers))).splitlines()
    comment = lines[next(n for n, line in enumerate(lines) if line.strip().startswith("cloud_regions:")) - 1]
    assert "At least two regions" not in comment
    assert "where the provider has only one region there, list that one" in comment


def test_check_refuses_a_company_yml_whose_region_leaves_the_residency_area_naming_the_line() -> None:
    from policyforge.model._facts import dump_facts, parse_facts_yaml

    facts = facts_from_answers(resolve_answers(MATRIX["nimbus-uk"].answers))
    text = dump_facts(facts).replace('cloud_regions: ["europe-west2"]',
                                     'cloud_regions: ["europe-west2", "europe-west1"]')
    assert "europe-west1" in text
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    problem = next(p for p in caught.value.problems if "europe-west1" in p.message)
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1) if "cloud_regions:" in line)
    assert "stack.cloud_regions: europe-west1 is in Belgium" in problem.message
    assert "Google Cloud has one region in United Kingdom: europe-west2" in problem.fix


def test_a_company_without_a_board_sends_conflicts_of_its_chief_executive_to_the_outside_adviser(
        library: Library) -> None:
    small = variant_program("nimbus-uk", library)
    conduct = " ".join(small.render_body(small.policies["POL-03"]).split())
    assert "involving the Chief Executive Officer by the outside security adviser" in conduct
    assert "by the board" not in conduct
    large = variant_program("acme-us", library)
    assert "involving the Chief Executive Officer by the board." in " ".join(
        large.render_body(large.policies["POL-03"]).split())


def test_a_lean_company_names_its_leadership_security_meeting_and_never_a_committee(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    security = program.render_body(program.policies["POL-01"])
    assert "### 4.3 Leadership security meeting" in security
    assert "every leadership security meeting" in " ".join(security.split())
    assert not re.search(r"(?i)security committee|committee (meeting|minutes|member)|the committee\b", security)


def test_the_vocabulary_check_of_the_lean_company_ignores_case(library: Library) -> None:
    from policyforge.program import _matrix

    original = _matrix.MATRIX["nimbus-uk"]
    _matrix.MATRIX["nimbus-uk"] = _matrix.MatrixCompany(original.answers, absent=(r"leadership SECURITY meeting",),
                                                        ignore_case=True)
    try:
        messages = [p.message for p in lint_vocabulary("nimbus-uk", library)]
    finally:
        _matrix.MATRIX["nimbus-uk"] = original
    assert any("leadership security meeting" in m.lower() for m in messages)


def test_each_provider_names_its_own_unit_of_isolation_and_no_other_providers(library: Library) -> None:
    gcp = variant_program("nimbus-uk", library)
    development = " ".join(gcp.render_body(gcp.policies["POL-20"]).split())
    assert "run in separate projects in Google Cloud, with separate credentials" in development
    assert "accounts, projects or subscriptions" not in development
    both = variant_program("multicloud-merchant", library)
    logging = " ".join(both.render_body(both.policies["POL-18"]).split())
    assert "the accounts in AWS and projects in Google Cloud and their control plane" in logging
    assert "use of the AWS account root user or Organization Administrator role" in logging


def test_phi_found_by_staff_and_breach_notices_follow_the_incident_policys_own_deadlines(library: Library) -> None:
    program = variant_program("acme-us", library)
    classification = " ".join(program.render_body(program.policies["POL-10"]).split())
    incident = " ".join(program.render_body(program.policies["POL-21"]).split())
    staff = re.search(r"reports a suspected incident (within [^ ,.]+ [^ ,.]+)", incident)
    assert staff and f"reported to the Security Officer {staff.group(1)}" in classification
    assert "within 24 hours and removed" not in classification
    security = " ".join(program.render_body(program.policies["POL-01"]).split())
    assert "notice to affected customers without undue delay and no later than" in security


def test_a_policy_the_alternate_approved_records_the_alternate_approver_role(library: Library) -> None:
    program = variant_program("nimbus-uk", library)
    conduct = program.policies["POL-03"].history[-1]
    assert conduct.approver == "Mei Lin" and conduct.approver_role == "alternate_approver"
    security = program.policies["POL-01"].history[-1]
    assert security.approver == "Tom Reid" and security.approver_role == "approver"


@pytest.mark.parametrize(("home", "customers", "pii", "needed"), [
    ("uk", ("uk", "eu"), True, ("eu",)),        # nimbus-uk: an EU representative, none in its own country
    ("us", ("us", "eu", "uk"), True, ("eu", "uk")),
    ("eu", ("eu", "uk"), True, ("uk",)),
    ("eu", ("eu",), True, ()),                  # established where its customers' users are
    ("us", ("us", "other"), True, ()),
    ("us", ("eu", "uk"), False, ()),            # no personal data: no GDPR, no representative
])
def test_a_representative_is_needed_only_outside_the_region_its_customers_users_are_in(
        home: str, customers: tuple[str, ...], pii: bool, needed: tuple[str, ...]) -> None:
    from policyforge.model._places import representative_regions

    assert representative_regions(home, customers, pii) == needed


def test_check_refuses_a_company_yml_without_the_representative_article_27_requires_naming_the_line() -> None:
    from policyforge.model._facts import dump_facts, parse_facts_yaml

    facts = facts_from_answers(resolve_answers(MATRIX["nimbus-uk"].answers))
    named = 'eu_representative: "Ledger Rep BV, Keizersgracht 1, 1015 CN Amsterdam, Netherlands"'
    text = dump_facts(facts)
    assert named in text
    text = text.replace(named, 'eu_representative: ""')
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    problem = next(p for p in caught.value.problems if "representative" in p.message)
    assert problem.where == "company.yml"
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1) if "eu_representative:" in line)
    assert problem.message.startswith("data.eu_representative: is blank, yet the company is established outside "
                                      "the European Union (United Kingdom)")
    assert "set eu_representative to the representative's name and postal address" in problem.fix


def test_each_representative_carries_the_source_the_regulations_catalog_gives_it(library: Library) -> None:
    regulations = library.catalog.regulations
    program = variant_program("gcp-cloudrun-us", library)
    privacy = " ".join(program.render_body(program.policies["POL-28"]).split())
    for key, area in (("gdpr_representative", "European Union"), ("uk_representative", "United Kingdom")):
        assert f"as its representative in the {area} ({regulations[key]['source']})" in privacy
    berlin = variant_program("berlin-aws-office", library)
    assert "representative" not in berlin.render_body(berlin.policies["POL-28"])


@pytest.mark.parametrize(("name", "reads"), [
    ("acme-us", "If neither answers within 30 minutes of being paged through PagerDuty, the Security Officer may"),
    ("cto-security-officer", "through PagerDuty, the Head of People may declare it."),
    # Two people: the Head of People is the CEO who did not answer, and the outside security adviser, who never
    # decides for management, does not declare either: the page goes on to both officers (issue #13).
    ("nimbus-uk", "Nobody else in Nimbus Ledger holds an office that could declare in their place, and a disaster is a "
                  "decision of management, which the outside security adviser Harriet Cole never takes: if neither "
                  "answers within 30 minutes of being paged through PagerDuty, the page is repeated to both until one "
                  "answers and declares"),
])
def test_a_disaster_is_declared_in_their_place_only_by_someone_who_is_neither_the_ceo_nor_the_cto(
        library: Library, name: str, reads: str) -> None:
    program = variant_program(name, library)
    continuity = " ".join(program.render_body(program.policies["POL-22"]).split())
    assert reads in continuity
    if name == "nimbus-uk":
        assert "Head of People may declare" not in continuity and "three declaring roles" not in continuity


def test_log_isolation_and_the_sev2_region_wording_use_the_company_s_provider_and_regions(library: Library) -> None:
    # N-O4: a Google Cloud company read "in an account separate from production" (LOG-02, POL-18 4.3.2), and a
    # company with one region read "a single region degraded" in its SEV2 definition.
    expected = {"nimbus-uk": ("in a Google Cloud project separate from production, under a folder of its own with its "
                              "own IAM policy", "major feature unavailable or one of the zones of its region lost |"),
                "example": ("in an AWS account separate from production, in an organizational unit of its own",
                            "major feature unavailable or a single region degraded |")}
    for name, (isolation, sev2) in expected.items():
        program = variant_program(name, library)
        logging = " ".join(program.render_body(program.policies["POL-18"]).split())
        log02 = " ".join(program.render_statement(program.library.catalog.controls["LOG-02"],
                                                  program.policies["POL-18"]).split())
        assert isolation in logging and isolation in log02 and "in an account separate" not in logging + log02
        assert sev2 in program.render_body(program.policies["POL-21"])
        # The runbook's severity table grades as the policy does (auditor read T13: it said "one region degraded").
        runbook = companion_pages(program)["companion/incident-response-runbook.md"]
        assert sev2 in runbook


def test_a_named_outside_party_keeps_its_name_as_written_at_the_start_of_a_sentence(library: Library) -> None:
    # Jinja's capitalize lowers every letter after the first: "The outside security adviser harriet cole".
    from policyforge.program._load import program_page

    program = variant_program("nimbus-uk", library)
    risk = " ".join(program.render_body(program.policies["POL-07"]).split())
    assert "The outside security adviser Harriet Cole receives the risk summary" in risk
    assert "harriet cole" not in risk + program.render_body(program.policies["POL-26"])
    assert "no board, so the outside security adviser Harriet Cole oversees management." in program_page(program)
