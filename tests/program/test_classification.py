"""One classification per policy (front matter, else company.yml) on page, cover and footers; the time zone fact."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import replace

import pytest
from policyforge import FactsError, TemplateError, dump_facts, facts_from_answers, parse_facts_yaml
from policyforge.exports._pdf import PdfLook, appendix_parts, cover_part, policy_part
from policyforge.lifecycle._redline import PolicyChange, redline_html
from policyforge.model import parse_policy, resolve_answers, serialize_policy
from policyforge.model._facts import default_time_zone
from policyforge.model._places import place_data
from policyforge.program import Program, program_from_library
from policyforge.trust._site import trust_markdown

FRONT = """---
id: POL-13
title: Access Control Policy
slug: access-control
area: access
category: security
owner: security_officer
approver: ceo
review_cadence: annual
summary: Who gets access.
{extra}---
Body.
"""


def policy_with(extra: str) -> str:
    return FRONT.format(extra=extra)


# ---------------------------------------------------------------- company.yml
def test_the_default_classification_is_internal_and_company_yml_may_set_another() -> None:
    assert facts_from_answers(resolve_answers()).get("documents.default_classification") == "Internal"
    chosen = facts_from_answers(resolve_answers({"default_classification": "confidential"}))
    assert chosen.get("documents.default_classification") == "Confidential"
    assert 'default_classification: "Confidential"' in dump_facts(chosen)
    assert parse_facts_yaml(dump_facts(chosen)) == chosen


@pytest.mark.parametrize("written", ["Secret", "<b>Public</b>", "Top Secret", "internal-only"])
def test_an_unknown_default_classification_is_one_line_naming_field_line_and_fix(written: str) -> None:
    text = dump_facts(facts_from_answers(resolve_answers()))
    text = text.replace('default_classification: "Internal"', f'default_classification: "{written}"')
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    (problem,) = caught.value.problems
    assert problem.line == next(n for n, line in enumerate(text.splitlines(), 1) if "default_classification:" in line)
    assert str(problem).startswith("company.yml:") and "documents.default_classification:" in str(problem)
    assert problem.fix == "choose from Public, Internal, Confidential, Restricted"


def test_a_company_yml_without_the_documents_group_still_loads_with_the_defaults() -> None:
    text = dump_facts(facts_from_answers(resolve_answers()))
    text = re.sub(r"\n# How the policy documents are marked\ndocuments:\n(  .*\n)+", "\n", text)
    text = re.sub(r"  # Time zone.*\n  # .*\n  time_zone: .*\n", "", text)
    text = re.sub(r"  # An IANA name.*\n  time_zone: .*\n", "", text)
    assert "documents:" not in text and "time_zone" not in text
    facts = parse_facts_yaml(text)
    assert facts.get("documents.default_classification") == "Internal"
    assert facts.get("company.time_zone") == "America/New_York"


# ---------------------------------------------------------------- time zone
@pytest.mark.parametrize(("country", "zone"), [("United States", "America/New_York"), ("USA", "America/New_York"),
                                               ("Germany", "Europe/Berlin"), ("UK", "Europe/London"),
                                               ("India", "Asia/Kolkata"), ("Atlantis", "UTC")])
def test_the_time_zone_defaults_by_the_headquarters_country(country: str, zone: str) -> None:
    assert default_time_zone(country) == zone


def test_every_country_of_the_catalog_has_a_time_zone_the_tz_database_knows() -> None:
    for code, country in place_data().countries.items():
        assert zoneinfo.ZoneInfo(country["time_zone"]), code


@pytest.mark.parametrize("written", ["Mars/Olympus", "America/Nowhere", "../../etc/passwd", "/etc/localtime",
                                     "Europe\\Berlin"])
def test_an_unknown_time_zone_is_refused_naming_the_field_and_the_fix(written: str) -> None:
    with pytest.raises(FactsError) as caught:
        facts_from_answers(resolve_answers({"time_zone": written}))
    (problem,) = caught.value.problems
    assert "time_zone:" in str(problem) and "IANA name such as America/New_York" in problem.fix


# ---------------------------------------------------------------- front matter
@pytest.mark.parametrize(("written", "kept"), [("Public", "Public"), ("confidential", "Confidential"),
                                               ("RESTRICTED", "Restricted")])
def test_front_matter_may_set_a_policys_classification(written: str, kept: str) -> None:
    doc = parse_policy(policy_with(f"classification: {written}\n"), "policies/POL-13-access-control.md", False)
    assert doc.classification == kept
    assert parse_policy(serialize_policy(replace(doc, version="1.0")), doc.path, False).classification == kept
    assert parse_policy(policy_with(""), doc.path, False).classification == ""


@pytest.mark.parametrize("written", ["Secret", "'<script>alert(1)</script>'", "[Public]", "1", "''"])
def test_a_bad_front_matter_classification_names_file_line_and_fix(written: str) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_policy(policy_with(f"classification: {written}\n"), "policies/POL-13-access-control.md", False)
    (problem,) = caught.value.problems
    assert problem.where == "policies/POL-13-access-control.md" and problem.line == 11
    assert problem.message.startswith("classification:") and "is not valid" in problem.message
    assert problem.fix.startswith("write one of Public, Internal, Confidential, Restricted")


# ---------------------------------------------------------------- where it lands
@pytest.fixture(scope="module")
def program() -> Program:
    made = program_from_library(facts_from_answers(resolve_answers({"default_classification": "Internal"})),
                                as_of=dt.date(2026, 12, 1))
    made.policies["POL-13"] = replace(made.policies["POL-13"], classification="Confidential")
    made.policies["POL-01"] = replace(made.policies["POL-01"], classification="Public")
    return made


def block_row(markdown: str) -> str:
    (row,) = [line for line in markdown.splitlines() if line.startswith("| Classification |")]
    return row


def test_the_document_control_block_shows_the_policys_own_classification(program: Program) -> None:
    assert block_row(program.render_page(program.policies["POL-13"])) == "| Classification | Confidential |"
    assert block_row(program.render_page(program.policies["POL-01"])) == "| Classification | Public |"
    assert block_row(program.render_page(program.policies["POL-02"])) == "| Classification | Internal |"


def test_a_classification_change_needs_a_new_approval(program: Program) -> None:
    doc = program.policies["POL-02"]
    assert program.approval_digest(doc) != program.approval_digest(replace(doc, classification="Restricted"))


def test_each_policy_pdf_footer_carries_its_own_classification_and_the_cover_the_highest(program: Program) -> None:
    look = PdfLook()
    footers = {pid: re.search(r'<p class="pf-running">([^<]*)</p>', policy_part(program, program.policies[pid],
                                                                                    look=look).html)
               for pid in ("POL-01", "POL-02", "POL-13")}
    assert {pid: m.group(1) if m else None for pid, m in footers.items()} == {
        "POL-01": "ACME-POL-01 version 1.0 · Public", "POL-02": "ACME-POL-02 version 1.0 · Internal",
        "POL-13": "ACME-POL-13 version 1.0 · Confidential"}
    cover = cover_part(program, "2027.1", look).html
    assert "<tr><td>Classification</td><td>Confidential</td></tr>" in cover
    assert "each policy's own classification is in its document-control block" in cover
    assert all("Release 2027.1 · Confidential" in part.html for part in appendix_parts(program, "2027.1", look))


def test_a_handbook_of_one_classification_needs_no_note(program: Program) -> None:
    plain = Program(program.facts, program.library, {k: replace(v, classification="")
                                                      for k, v in program.policies.items()}, program.as_of)
    cover = cover_part(plain, "2027.1").html
    assert "<tr><td>Classification</td><td>Internal</td></tr>" in cover and "cover-note" not in cover


def test_the_trust_page_marks_public_policies_and_calls_nothing_internal(program: Program) -> None:
    from policyforge.model._sections import trust_settings

    index = trust_markdown(program, trust_settings(None, program.facts), dt.date(2026, 12, 1))["index"]
    assert f"{program.policies['POL-01'].title} (public)" in index
    assert f"{program.policies['POL-13'].title} (public)" not in index
    assert not re.search(r"\((internal|confidential|restricted)\)", index, re.IGNORECASE)


def test_the_redline_is_marked_with_its_most_restricted_policy_and_as_a_draft(program: Program) -> None:
    docs = [program.policies["POL-01"], program.policies["POL-13"]]
    changes = [PolicyChange(d.path, d, d, "old text", "new text", program.classification(d)) for d in docs]
    page = redline_html("2027.1", "HEAD", changes, "Acme <Cloud>", draft=True)
    assert '<p class="pf-running">Acme &lt;Cloud&gt; policy changes 2027.1 to HEAD · Confidential</p>' in page
    assert "<p>Classification: Public</p>" in page and "<p>Classification: Confidential</p>" in page
    assert 'class="pf-watermark"' in page
    assert 'class="pf-watermark"' not in redline_html("2027.1", "2027.2", changes, "Acme", draft=False)
