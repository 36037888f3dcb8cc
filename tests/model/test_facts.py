"""Company facts: every kind is validated with a message naming the field and the fix."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from policyforge import FactsError, dump_facts, facts_from_answers, parse_facts_yaml
from policyforge.model import FACT_SPECS, SPECS_BY_KEY, raw_defaults, resolve_answers

REPO_ROOT = Path(__file__).resolve().parents[2]
EMAIL = "write an address such as name@example.com"


def problems_for(**overrides: object) -> list[str]:
    try:
        facts_from_answers(resolve_answers(overrides))
    except FactsError as exc:
        return [str(p) for p in exc.problems]
    return []


def test_cookiecutter_json_declares_exactly_the_schema_facts() -> None:
    public = [key for key in raw_defaults() if not key.startswith("_")]
    assert public == [spec.key for spec in FACT_SPECS]


def test_every_fact_has_a_prompt_in_plain_words() -> None:
    prompts = json.loads((REPO_ROOT / "cookiecutter.json").read_text())["__prompts__"]
    assert set(prompts) == set(SPECS_BY_KEY)


def test_example_company_defaults_are_valid_and_complete() -> None:
    facts = facts_from_answers(resolve_answers())
    assert facts.get("company.name") == "Acme Cloud"
    assert facts.get("company.slug") == "acme-cloud"
    assert facts.get("company.doc_prefix") == "ACME"
    assert facts.categories == ("security", "availability", "confidentiality", "processing_integrity", "privacy")
    assert facts.get("commitments.remediation_days.critical") == 7
    assert facts.get("audit.effective_date") == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        # A derived fact (approver_email follows ceo_email, slug and prefix follow the name) is reported too.
        ("ceo_email", "not-an-email", ["ceo_email: 'not-an-email' is not valid — write an address such as "
                                       "name@example.com",
                                       "approver_email: 'not-an-email' is not valid — write an address such as "
                                       "name@example.com"]),
        ("company_slug", "Acme Cloud", ["company_slug: 'Acme Cloud' is not valid — use lower-case letters, digits "
                                        "and single hyphens, e.g. acme-cloud"]),
        ("website", "http://acme.example", ["website: 'http://acme.example' is not valid — write an https:// "
                                            "address without spaces, quotes or brackets"]),
        ("effective_date", "01/12/2026", ["effective_date: '01/12/2026' is not a date — write it as YYYY-MM-DD"]),
        ("uptime_sla", "101", ["uptime_sla: 101 is out of range — use a value from 90 to 99.999"]),
        ("rto_hours", "four", ["rto_hours: 'four' is not a number — write a whole number"]),
        ("work_model", "nomadic", ["work_model: 'nomadic' is not one of the choices — choose from hybrid, remote, "
                                   "office"]),
        ("cloud_providers", "aws, oracle", ["cloud_providers: unknown value 'oracle' — choose from aws, gcp, azure"]),
        ("byod_allowed", "perhaps", ["byod_allowed: 'perhaps' is not yes or no — write true or false"]),
        ("company_name", "", ["company_name: is empty — give a value", "company_legal_name: is empty — give a value",
                              "company_slug: is empty — give a value", "doc_prefix: is empty — give a value"]),
        ("company_name", "Acme\nCloud", ["company_name: must be a single line — remove the line breaks",
                                         "company_legal_name: must be a single line — remove the line breaks",
                                         "product_name: must be a single line — remove the line breaks"]),
        ("company_name", "A" * 5000, ["company_name: is 5000 characters long — shorten it to at most 200",
                                      "company_legal_name: is 5000 characters long — shorten it to at most 200",
                                      "company_slug: is 5000 characters long — shorten it to at most 200",
                                      "product_name: is 5009 characters long — shorten it to at most 200"]),
        ("brand_color", "blue", ["brand_color: 'blue' is not valid — write a hex colour such as #1f4e79"]),
    ],
)
def test_bad_fact_is_reported_with_field_and_fix(key: str, value: str, expected: list[str]) -> None:
    assert problems_for(**{key: value}) == [f"answers: {line}" for line in expected]


def test_every_bad_field_is_reported_not_only_the_first() -> None:
    assert problems_for(security_officer_email="x", cto_email="y", rto_hours="0") == [
        f"answers: cto_email: 'y' is not valid — {EMAIL}",
        f"answers: security_officer_email: 'x' is not valid — {EMAIL}",
        "answers: rto_hours: 0 is out of range — use a value from 1 to 168",
    ]


def test_backups_slower_than_the_rpo_are_refused() -> None:
    assert problems_for(backup_frequency_hours="24", rpo_hours="4") == [
        "answers: backup_frequency_hours: backups every 24 hours cannot meet the RPO of 4 hours — back up at least "
        "as often as rpo_hours, or raise rpo_hours"]


def test_backups_a_fraction_of_an_hour_slower_than_a_one_hour_rpo_are_refused_in_words_that_agree() -> None:
    # 1.5 hours is not a whole number: the check once compared whole numbers only, and said "1 hours".
    assert problems_for(backup_frequency_hours="1.5", rpo_hours="1") == [
        "answers: backup_frequency_hours: backups every 1.5 hours cannot meet the RPO of 1 hour — back up at least "
        "as often as rpo_hours, or raise rpo_hours"]
    assert problems_for(backup_frequency_hours="0.25", rpo_hours="1") == []


def test_remediation_deadlines_must_tighten_with_severity() -> None:
    # Both values are in range on their own: only the cross-check can refuse them.
    assert problems_for(remediation_days_critical="25", remediation_days_high="20") == [
        "answers: remediation_days_critical: critical findings get longer (25 days) than high ones (20 days) — make "
        "remediation_days_critical at most remediation_days_high"]
    assert problems_for(remediation_days_critical="10", remediation_days_high="30") == []


def test_unknown_answer_key_is_refused() -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers({**resolve_answers(), "compnay_name": "x"})
    assert [str(p) for p in caught.value.problems] == [
        "answers: compnay_name: unknown fact — did you mean company_name?"]


HOSTILE_VALUES = [
    'Acme "Cloud" \'Ltd\'',
    "Acme: Cloud # not a comment",
    "{{ 7*7 }} {% raw %}",
    "<script>alert(1)</script> & *bold* _it_ [x](y) | pipe \\",
    "Acme 😀 Cloud",
    "שלום ענן",
    "株式会社アクメ",
    "no",
    "~",
    "2026-01-01",
    "- list item",
    "1. numbered",
]


@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_company_yml_round_trips_any_text_exactly(value: str) -> None:
    facts = facts_from_answers(resolve_answers({"company_name": value, "company_slug": "acme"}))
    text = dump_facts(facts)
    assert parse_facts_yaml(text) == facts
    assert yaml.safe_load(text)["company"]["name"] == value


def test_company_yml_keeps_non_latin_text_readable() -> None:
    facts = facts_from_answers(resolve_answers({"privacy_officer_name": "Tomás Ferreira"}))
    assert 'name: "Tomás Ferreira"' in dump_facts(facts)


def test_yaml_special_values_get_an_error_with_the_line() -> None:
    text = dump_facts(facts_from_answers(resolve_answers())).replace('\n  name: "Acme Cloud"', "\n  name: no")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    line = text.splitlines().index("  name: no") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"company.yml:{line}: company.name: False is not text — put the value in double quotes"]


def test_broken_yaml_reports_file_and_line() -> None:
    text = dump_facts(facts_from_answers(resolve_answers())).replace('  name: "Acme Cloud"', '  name: "Acme')
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    # The parser stops two lines below the open quote, where the next key cannot be read.
    line = text.splitlines().index('  name: "Acme') + 3
    assert [str(p) for p in caught.value.problems] == [
        f"company.yml:{line}: YAML syntax error: expected <block end>, but found '<scalar>' — check indentation "
        "and quote values containing ': ' or '#'"]


def test_unknown_and_missing_facts_in_company_yml_are_named() -> None:
    text = dump_facts(facts_from_answers(resolve_answers()))
    text = text.replace('  audit_firm: "Example Assurance LLP"\n', "  auditor: x\n")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    line = text.splitlines().index("  auditor: x") + 1
    assert [str(p) for p in caught.value.problems] == [
        f"company.yml:{line}: audit.auditor: unknown fact — did you mean audit.audit_firm?",
        "company.yml: audit.audit_firm is missing — add audit.audit_firm (Audit firm)",
    ]


def test_flat_answers_round_trip_through_facts() -> None:
    facts = facts_from_answers(resolve_answers())
    assert facts_from_answers(facts.flat()) == facts


def test_the_typed_views_hold_every_fact_code_reads_by_name() -> None:
    facts = facts_from_answers(resolve_answers({"data_phi": "yes", "cloud_providers": "aws, gcp",
                                                "alternate_approver_name": "Ana Lima",
                                                "alternate_approver_email": "ana@acme.example"}))
    for spec in FACT_SPECS:
        group, key = spec.path[0], spec.path[-1]
        if group == "stack" and spec.kind not in ("choice_list", "text_list"):
            assert facts.stack.tool(key) == facts.get(spec.dotted), spec.key
        elif group in ("shape", "data") or (group == "stack" and key in ("cloud_providers", "cloud_regions")):
            view = {"shape": facts.shape, "data": facts.held_data, "stack": facts.stack}[group]
            value = facts.get(spec.dotted)
            assert getattr(view, key) == (tuple(value) if isinstance(value, list) else value), spec.key
    assert facts.held_data.phi and facts.stack.cloud_providers == ("aws", "gcp")
    assert facts.people.role("alternate_approver").name == "Ana Lima"
    assert facts.company.currency == facts.get("company.currency")
    assert facts.people.privacy_contact == facts.get("people.privacy_contact")
    assert facts.commitments.log_retention_days == facts.get("commitments.log_retention_days")
    assert facts.commitments.access_review_cadence == facts.get("commitments.access_review_cadence")


def test_the_backup_protections_a_company_configures_are_a_typed_tuple() -> None:
    assert facts_from_answers(resolve_answers({"backup_configured": ""})).stack.backup_configured == ()
    chosen = facts_from_answers(resolve_answers({"backup_configured": "immutable, cross_region"}))
    assert chosen.stack.backup_configured == ("immutable", "cross_region")


def test_a_catalog_named_text_fact_is_read_stripped_and_blank_when_left_empty() -> None:
    facts = facts_from_answers(resolve_answers({"status_page": ""}))
    assert facts.named_text("stack.ticketing") == facts.stack.tool("ticketing") != ""
    assert facts.named_text("stack.status_page") == ""


def _without_line(text: str, prefix: str) -> str:
    kept = [line for line in text.splitlines(keepends=True) if not line.startswith(prefix)]
    assert len(kept) == len(text.splitlines()) - 1, prefix
    return "".join(kept)


@pytest.mark.parametrize(("band", "engineers"), [("1-20", 4), ("51-200", 40)])
def test_a_company_yml_written_before_the_engineering_and_mail_facts_still_loads(band: str, engineers: int) -> None:
    # A repository scaffolded before shape.engineers and stack.mail_platform existed must keep passing check
    # and taking updates: each missing fact gets the default the questionnaire would have offered.
    text = dump_facts(facts_from_answers(resolve_answers({"headcount_band": band})))
    text = _without_line(_without_line(text, "  engineers:"), "  mail_platform:")
    facts = parse_facts_yaml(text)
    assert facts.get("shape.engineers") == engineers
    assert facts.get("stack.mail_platform") == "Google Workspace"


def test_a_company_yml_written_before_the_outside_parties_were_facts_still_loads_and_names_the_roles() -> None:
    # Issue #12 N-3: the adviser, assessor and testers are optional; a company.yml without them reads as before.
    lines = dump_facts(facts_from_answers(resolve_answers({}))).splitlines(keepends=True)
    first = lines.index("  security_adviser:\n")
    # The last outside party is the Qualified Security Assessor (issue #13, N4): a file without it loads too.
    last = next(n for n, line in enumerate(lines) if line.startswith("  pci_assessor:"))
    text = "".join(lines[:first] + lines[last + 1:])
    assert "security_adviser" not in text and "assessor" not in text
    facts = parse_facts_yaml(text)
    assert facts.people.security_adviser.name == "" and facts.people.independent_assessor == ""
    from policyforge.render._tailoring import governance_words

    words = governance_words(facts)
    assert (words["adviser"], words["assessor"]) == ("the outside security adviser", "the independent assessor")


def test_one_band_table_gives_the_questionnaire_default_and_the_validator_ceiling() -> None:
    # Issue #13 point 6: cookiecutter.json reads the schema's band table through the engineers_for filter.
    from policyforge.model._facts_schema import BANDS

    for band, held in BANDS.items():
        assert resolve_answers({"headcount_band": band})["engineers"] == str(held.engineers)
        if held.ceiling is not None:
            with pytest.raises(FactsError, match=f"at most {held.ceiling}"):
                facts_from_answers(resolve_answers({"headcount_band": band, "engineers": str(held.ceiling + 1)}))


def test_a_blank_mail_platform_follows_a_microsoft_identity_provider() -> None:
    facts = facts_from_answers(resolve_answers({"identity_provider": "Microsoft Entra ID", "mail_platform": ""}))
    assert facts.get("stack.mail_platform") == "Microsoft 365"


def test_the_template_alone_reads_the_band_table_of_the_schema_beside_it() -> None:
    # Plain cookiecutter loads _derive.py by path (no engine package); it then loads the schema beside it by path,
    # so the engineers default still comes from the one table.
    import importlib.util
    import sys

    from policyforge.model._facts_schema import BANDS
    from policyforge.model._library import template_root

    spec = importlib.util.spec_from_file_location("template_local_extensions", template_root() / "local_extensions.py")
    assert spec is not None and spec.loader is not None
    extensions = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extensions)
    derive = extensions._derivations()
    assert not derive.__package__  # loaded by path, as cookiecutter loads it
    assert [derive.FILTERS["engineers_for"](band) for band in BANDS] == [str(b.engineers) for b in BANDS.values()]
    assert derive.FILTERS["mail_platform_for"]("Okta", "azure, aws") == "Microsoft 365"
    sys.modules.pop("policyforge_template_derive", None)
