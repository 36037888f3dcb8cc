"""The library fits the company it describes: eight contrasting companies, each rendered and read.

Each company of ``MATRIX`` differs from the example in provider, size, work model, jurisdiction,
scope and data. It must pass the library lint, read none of the words that belong to another kind
of company and all the words its own facts call for. Contradictory facts are refused at scaffold
time with the field and the fix.
"""

from __future__ import annotations

import pytest
from policyforge._errors import FactsError
from policyforge.model._answers import resolve_answers
from policyforge.model._facts import facts_from_answers
from policyforge.model._library import Library, load_library
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
    assert len(officer.controls) > 60 and not officer.too_much  # a full-time role in a company of 51-200


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
]


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
