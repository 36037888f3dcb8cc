"""Named commitments: the catalog, company overrides, the ``commit`` wording and cadence controls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import LIBRARY, build_file_tree, mini_library_files
from policyforge import FactsError, Problem, TemplateError, facts_from_answers, load_library, program_from_library
from policyforge.model import dump_facts, parse_facts_yaml, resolve_answers
from policyforge.model._commitments import parse_commitments, resolve
from policyforge.render._render import render_markdown

SEED = """
commitments:
  incident_report_staff:
    title: time for staff to report a suspected incident
    kind: deadline
    value: 1
    unit: hour
    source: policyforge default
  vuln_report_ack:
    title: time to acknowledge an outside report
    kind: deadline
    value: 3
    unit: business_day
    source: policyforge default
  access_review_cadence:
    title: interval between access reviews
    kind: cadence
    value: 3
    unit: month
    fact: commitments.access_review_cadence
    source: the company's choice
  capacity_alert:
    title: CPU use that raises a capacity alert
    kind: threshold
    value: 75
    unit: percent
    source: policyforge default
  restore_test:
    title: interval between restore tests
    kind: cadence
    value: 1
    unit: year
    source: policyforge default
"""


def make_library(tmp_path: Path, commitments: str = SEED, **extra: str) -> Path:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    (root / "catalog" / "commitments.yaml").write_text(with_partial_names(commitments), encoding="utf-8")
    return build_file_tree(root, mini_library_files(extra))


def with_partial_names(commitments: str) -> str:
    """Add the library's entries the shared partials print, so a seed catalog still renders them."""
    seed = yaml.safe_load(commitments)
    real = yaml.safe_load((LIBRARY / "catalog" / "commitments.yaml").read_text(encoding="utf-8"))["commitments"]
    partials = (LIBRARY / "partials" / "standard_sections.md").read_text(encoding="utf-8")
    used = {name for name in real if f"commit.{name}" in partials}
    entries = {**{name: real[name] for name in sorted(used)}, **seed["commitments"]}
    return yaml.safe_dump({"commitments": entries}, sort_keys=False)


def example_facts(**overrides: object):  # type: ignore[no-untyped-def]
    return facts_from_answers(resolve_answers(overrides))


def render(tmp_path: Path, source: str, **answers: object) -> str:
    library = load_library(make_library(tmp_path))
    program = program_from_library(example_facts(**answers), library)
    return render_markdown(source, "t.md", program.context(program.policies["POL-02"]))


def test_commit_renders_value_with_unit_in_the_right_number(tmp_path: Path) -> None:
    source = "{{ commit.incident_report_staff }}|{{ commit.vuln_report_ack }}|{{ commit.capacity_alert }}"
    out = render(tmp_path, source)
    assert out == "1 hour|3 business days|75%"


def test_commit_gives_within_every_adverb_and_value(tmp_path: Path) -> None:
    source = ("{{ commit.incident_report_staff.within }}|{{ commit.access_review_cadence.every }}|"
              "{{ commit.restore_test.every }}|{{ commit.access_review_cadence.adverb }}|"
              "{{ commit.restore_test.adverb }}|{{ commit.vuln_report_ack.value }}")
    assert render(tmp_path, source) == "within 1 hour|every 3 months|every year|quarterly|yearly|3"


def test_commit_follows_the_company_fact_it_names(tmp_path: Path) -> None:
    out = render(tmp_path, "{{ commit.access_review_cadence.adverb }} / {{ commit.access_review_cadence.every }}",
                 access_review_cadence="semiannual")
    assert out == "twice a year / every 6 months"


def test_unknown_commit_name_fails_rendering_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        render(tmp_path, "line one\n{{ commit.incident_reprt_staff.within }}")
    assert caught.value.problems == [Problem(
        "t.md", "cannot render: commit.incident_reprt_staff is not a named commitment",
        "did you mean incident_report_staff? (policy_templates/catalog/commitments.yaml)", 2)]


@pytest.mark.parametrize(("template", "message", "fix"), [
    ("{{ commit.vuln_report_ack.adverb }}",
     "cannot render: commit.vuln_report_ack.adverb: 3 business days has no adverb",
     "write {{ commit.vuln_report_ack.every }} instead"),
    ("{{ commit.capacity_alert.every }}",
     "cannot render: commit.capacity_alert.every: percent is not a period",
     "print {{ commit.capacity_alert }} instead"),
    ("{{ commit.incident_report_staff.downtime }}",
     "cannot render: commit.incident_report_staff.downtime: 1 hour is not an availability percentage",
     "print .downtime of a percent commitment, such as {{ commit.uptime_sla.downtime }}"),
], ids=["adverb-of-a-deadline-points-at-every", "every-of-a-percentage-points-at-the-plain-value",
        "downtime-of-a-duration-points-at-the-availability-commitment"])
def test_a_form_a_commitment_cannot_take_fails_rendering_with_the_form_it_can(tmp_path: Path, template: str,
                                                                              message: str, fix: str) -> None:
    with pytest.raises(TemplateError) as caught:
        render(tmp_path, template)
    assert caught.value.problems == [Problem("t.md", message, fix, 1)]


def test_commit_output_is_escaped_like_every_fact(tmp_path: Path) -> None:
    assert render(tmp_path, "{{ commit.capacity_alert.title }}") == "CPU use that raises a capacity alert"
    assert "\\*" in render_markdown("{{ x }}", "t.md", {"x": "*"})


def test_library_load_refuses_an_unknown_commit_name_in_a_policy_with_line_and_fix(tmp_path: Path) -> None:
    body = mini_library_files()["policies/POL-02-policy-management.md"].replace(
        "**2.1** Access", "**2.1** Staff report {{ commit.incident_report_stff.within }}. Access")
    root = make_library(tmp_path, **{"policies/POL-02-policy-management.md": body})
    with pytest.raises(TemplateError) as caught:
        load_library(root)
    problem = next(p for p in caught.value.problems if "incident_report_stff" in p.message)
    assert problem.where.endswith("POL-02-policy-management.md")
    assert problem.line == body.lstrip("\n").splitlines().index(
        next(line for line in body.lstrip("\n").splitlines() if "stff" in line)) + 1
    assert "did you mean incident_report_staff" in problem.fix


def test_catalog_entry_with_a_bad_unit_is_refused_with_file_line_and_fix() -> None:
    text = SEED.replace("    unit: business_day\n", "    unit: fortnight\n")
    catalog, problems = parse_commitments(text.lstrip(), "commitments.yaml")
    assert "vuln_report_ack" not in catalog.entries
    assert problems[0].line == 8 and "fortnight" in problems[0].message and "choose from" in problems[0].fix


def test_catalog_entry_naming_an_unknown_fact_is_refused() -> None:
    text = SEED.replace("fact: commitments.access_review_cadence", "fact: commitments.review_cadence")
    _, problems = parse_commitments(text.lstrip(), "commitments.yaml")
    assert any("commitments.review_cadence" in p.message and p.line == 14 for p in problems)


def test_control_with_a_cadence_takes_its_frequency_from_the_company_value(tmp_path: Path) -> None:
    controls = mini_library_files()["controls/POL-02.yaml"].replace("frequency: quarterly",
                                                                    "cadence: access_review_cadence")
    library = load_library(make_library(tmp_path, **{"controls/POL-02.yaml": controls}))
    assert library.catalog.controls["PMG-01"].frequency == "quarterly"
    monthly = program_from_library(example_facts(access_review_cadence="monthly"), library)
    assert [c.frequency for c in monthly.controls() if c.id == "PMG-01"] == ["monthly"]
    assert "| monthly |" in monthly.controls_section(monthly.policies["POL-02"])


def test_control_with_an_unknown_cadence_fails_the_load_with_a_suggestion(tmp_path: Path) -> None:
    controls = mini_library_files()["controls/POL-02.yaml"].replace("frequency: quarterly",
                                                                    "cadence: access_review_cadenc")
    with pytest.raises(TemplateError) as caught:
        load_library(make_library(tmp_path, **{"controls/POL-02.yaml": controls}))
    problem = caught.value.problems[0]
    assert "PMG-01" in problem.message and "did you mean access_review_cadence" in problem.fix
    assert problem.where.endswith("POL-02.yaml") and problem.line


def test_control_with_both_frequency_and_cadence_is_refused(tmp_path: Path) -> None:
    controls = mini_library_files()["controls/POL-02.yaml"].replace(
        "frequency: quarterly", "frequency: quarterly\n                cadence: access_review_cadence")
    with pytest.raises(TemplateError, match="either frequency: or cadence:"):
        load_library(make_library(tmp_path, **{"controls/POL-02.yaml": controls}))


def test_company_override_sets_a_commitment_and_survives_a_rewrite_of_company_yml() -> None:
    text = dump_facts(example_facts()).replace("  breach_notification_hours: 72\n",
                                               "  breach_notification_hours: 72\n  incident_report_staff: 2\n")
    facts = parse_facts_yaml(text)
    assert facts.overrides() == {"incident_report_staff": 2}
    catalog = load_library().catalog.commitments
    assert resolve(catalog, facts.data)["incident_report_staff"].value == 2
    assert parse_facts_yaml(dump_facts(facts)) == facts


def test_company_override_of_an_unknown_name_is_refused_with_line_and_did_you_mean() -> None:
    text = dump_facts(example_facts())
    lines = text.splitlines()
    at = lines.index("  breach_notification_hours: 72") + 1
    lines.insert(at, "  incident_reprot_staff: 2")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml("\n".join(lines) + "\n")
    problem = caught.value.problems[0]
    assert problem.line == at + 1
    assert "commitments.incident_reprot_staff" in problem.message
    assert "did you mean incident_report_staff" in problem.fix


@pytest.mark.parametrize("value", ['"soon"', "-3", "true"])
def test_company_override_that_is_not_a_positive_number_is_refused(value: str) -> None:
    text = dump_facts(example_facts()).replace("  breach_notification_hours: 72\n",
                                               f"  breach_notification_hours: 72\n  incident_report_staff: {value}\n")
    with pytest.raises(FactsError, match="incident_report_staff"):
        parse_facts_yaml(text)


def test_company_override_of_a_fact_backed_commitment_points_at_the_fact() -> None:
    text = dump_facts(example_facts()).replace(
        "  breach_notification_hours: 72\n", "  breach_notification_hours: 72\n  remediation_days_critical: 5\n")
    with pytest.raises(FactsError, match=r"set by the fact commitments.remediation_days.critical"):
        parse_facts_yaml(text)


def test_every_fact_backed_commitment_defaults_to_the_example_company_value() -> None:
    library = load_library()
    facts = example_facts()
    for name, value in resolve(library.catalog.commitments, facts.data).items():
        if value.commitment.fact:
            assert value.value == value.commitment.value, name


def test_grammar_filters_choose_articles_and_agreement_from_the_library(tmp_path: Path) -> None:
    source = ('{{ "AWS WAF" | article }} rule; {{ "Acme Cloud" | article }} system; '
              '{{ "Google Cloud Armor" | article }} rule; {{ "AWS Backup" | agree("backs up") }}; '
              '{{ "Cloud SQL automated backups" | agree("backs up") }}; {{ "business day" | plural(2) }}')
    assert render_markdown(source, "t.md", {}) == (
        "an AWS WAF rule; an Acme Cloud system; a Google Cloud Armor rule; AWS Backup backs up; "
        "Cloud SQL automated backups back up; business days")


def test_possessive_of_a_name_ending_in_s_takes_the_apostrophe_alone() -> None:
    source = ('{{ "Nimbus Labs" | possessive }} work; {{ "Acme Cloud" | possessive }} work; '
              '{{ "AWS" | possessive }} report')
    assert render_markdown(source, "t.md", {}) == "Nimbus Labs' work; Acme Cloud's work; AWS's report"


SIZED = SEED.replace("""  restore_test:
    title: interval between restore tests
    kind: cadence
    value: 1
    unit: year
""", """  restore_test:
    title: interval between restore tests
    kind: cadence
    value: 1
    unit: year
    by_headcount: {"1-20": 2, "21-50": 2}
""")


def test_a_commitment_takes_the_default_for_the_companys_headcount_band_unless_the_company_sets_it() -> None:
    catalog, problems = parse_commitments(SIZED.lstrip(), "commitments.yaml")
    assert problems == []
    assert catalog.entries["restore_test"].by_headcount == (("1-20", 2.0), ("21-50", 2.0))

    def value(band: str, **section: object) -> float:
        return resolve(catalog, {"shape": {"headcount_band": band}, "commitments": section})["restore_test"].value

    assert (value("1-20"), value("21-50"), value("51-200"), value("1000+")) == (2, 2, 1, 1)
    assert value("1-20", restore_test=1) == 1
    # A size's default is still the library's, not a value the company chose.
    assert resolve(catalog, {"shape": {"headcount_band": "1-20"}})["restore_test"].origin == "library default"


@pytest.mark.parametrize(("sized", "message", "fix"), [
    ('{"1-25": 2}', "by_headcount band '1-25' is not a headcount band", "choose from 1-20, 21-50"),
    ('{"1-20": 0}', "by_headcount value 0 for 1-20 is not a valid year", "write a positive number"),
    ("[2]", "by_headcount must map headcount bands to values", "by_headcount: {"),
])
def test_a_bad_per_size_default_is_refused_with_line_and_fix(sized: str, message: str, fix: str) -> None:
    text = SIZED.replace('{"1-20": 2, "21-50": 2}', sized).lstrip()
    catalog, problems = parse_commitments(text, "commitments.yaml")
    assert "restore_test" not in catalog.entries
    assert len(problems) == 1 and message in problems[0].message and fix in problems[0].fix
    assert problems[0].line == text.splitlines().index("  restore_test:") + 1


def test_a_per_size_default_beside_a_fact_is_refused_since_the_fact_would_always_win() -> None:
    text = SEED.replace("    fact: commitments.access_review_cadence\n",
                        "    fact: commitments.access_review_cadence\n    by_headcount: {\"1-20\": 6}\n")
    _, problems = parse_commitments(text.lstrip(), "commitments.yaml")
    assert [p.message for p in problems] == ["commitment access_review_cadence: by_headcount is set beside fact"]
