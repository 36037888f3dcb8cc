"""The questionnaire of `policyforge new`: groups, derived answers, answers files, and a real terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

import pytest
import yaml
from conftest import BIN, run
from policyforge import FactsError
from policyforge.adapters._new import gather_answers, new_arguments
from policyforge.model._answers import raw_defaults, resolve_answers
from policyforge.model._facts import check_answer, facts_from_answers
from policyforge.model._facts_schema import FACT_SPECS, HEADCOUNT_BANDS
from policyforge.model._questionnaire import (
    ESSENTIALS,
    SCOPE_KEYS,
    interactive_defaults,
    load_answers_file,
    review_groups,
)

DAY = dt.date(2027, 3, 14)
BETA = {"company_name": "Beta Labs", "website": "https://www.beta.io", "ceo_name": "Ana Lima",
        "security_officer_name": "Sam Reyes", "cto_name": "Kai Berg", "cloud_providers": "gcp"}


def test_about_a_dozen_essentials_come_first_and_every_other_fact_is_offered_for_review() -> None:
    assert 10 <= len(ESSENTIALS) <= 14
    asked = {k for k in ESSENTIALS if k != "scope"} | set(SCOPE_KEYS.values())
    reviewed = {key for group in review_groups() for key in group.keys}
    assert asked.isdisjoint(reviewed)
    assert asked | reviewed == {spec.key for spec in FACT_SPECS}


@pytest.mark.parametrize(("answers", "offered"), [
    ({"hq_country": "United Kingdom", "customer_regions": "uk, eu"}, {"eu_representative"}),
    ({"hq_country": "United States", "customer_regions": "us, eu, uk"}, {"eu_representative", "uk_representative"}),
    ({"hq_country": "Germany", "customer_regions": "eu"}, set()),
    ({"hq_country": "United States", "customer_regions": "us, eu, uk", "data_pii": False}, set()),
])
def test_a_representative_is_offered_for_review_only_to_a_company_that_needs_one(
        answers: dict[str, object], offered: set[str]) -> None:
    reviewed = {key for group in review_groups(interactive_defaults({**BETA, **answers}, DAY)) for key in group.keys}
    assert reviewed & {"eu_representative", "uk_representative"} == offered
    assert "customer_regions" in reviewed


OUTSIDE_PARTIES = {"outside_engineer", "security_adviser_name", "security_adviser_email", "independent_assessor",
                   "segmentation_tester", "scanning_vendor", "pci_assessor"}


@pytest.mark.parametrize(("answers", "offered"), [
    # The example's shape: 1-20 people, no board, four engineers, no card data.
    ({}, {"security_adviser_name", "security_adviser_email", "independent_assessor"}),
    # Issue #13 point 5: the outside engineer is asked only of a company with one engineer.
    ({"engineers": "1"}, {"outside_engineer", "security_adviser_name", "security_adviser_email",
                          "independent_assessor"}),
    # Issue #13 N4: the PCI DSS firms are asked only of a company holding card data.
    ({"headcount_band": "51-200", "data_payment": True}, {"segmentation_tester", "scanning_vendor", "pci_assessor"}),
    ({"headcount_band": "21-50", "has_board": True, "engineers": "1"}, {"outside_engineer", "independent_assessor"}),
])
def test_an_outside_party_is_offered_for_review_only_to_a_company_that_relies_on_it(
        answers: dict[str, object], offered: set[str]) -> None:
    reviewed = {key for group in review_groups(interactive_defaults({**BETA, **answers}, DAY)) for key in group.keys}
    assert reviewed & OUTSIDE_PARTIES == offered
    assert "penetration_tester" in reviewed  # every company has its product tested


def test_identity_derives_from_the_answers_never_from_the_example_company() -> None:
    answers = interactive_defaults(BETA, DAY)
    facts = facts_from_answers(answers)
    assert facts.get("company.legal_name") == "Beta Labs"
    assert facts.get("company.email_domain") == "beta.io"
    assert facts.get("people.ceo.email") == "ana.lima@beta.io"
    assert facts.get("people.privacy_officer.name") == "Sam Reyes"
    assert facts.get("people.security_contact") == "security@beta.io"
    assert facts.get("stack.status_page") == "https://status.beta.io"
    assert facts.get("stack.backup_tool") == "Backup and DR Service"
    assert "acme" not in json.dumps(answers, default=str).lower()
    assert "Example Assurance" not in json.dumps(answers, default=str)


def test_default_dates_come_from_today() -> None:
    answers = interactive_defaults(BETA, DAY)
    assert answers["effective_date"] == "2027-03-14"
    assert answers["observation_start"] == "2027-04-01"


def test_plain_cookiecutter_defaults_derive_identity_from_the_name_too() -> None:
    answers = resolve_answers({"company_name": "Beta Labs"})
    assert answers["company_legal_name"] == "Beta Labs"
    assert answers["ceo_email"].endswith("@beta.example")
    assert answers["status_page"] == "https://status.beta.example"


def test_headcount_choices_are_sorted_and_go_above_a_thousand() -> None:
    assert raw_defaults()["headcount_band"] == list(HEADCOUNT_BANDS)
    assert HEADCOUNT_BANDS[-1] == "1000+"
    assert [int(band.split("-")[0].rstrip("+")) for band in HEADCOUNT_BANDS] == sorted(
        int(band.split("-")[0].rstrip("+")) for band in HEADCOUNT_BANDS)


@pytest.mark.parametrize(("key", "value", "fix"), [
    ("website", "beta.io", "write an https:// address"),
    ("ceo_email", "nobody", "write an address such as name@example.com"),
    ("cloud_providers", "hetzner", "choose from aws, gcp, azure"),
    ("observation_start", "soon", "write it as YYYY-MM-DD"),
    ("brand_color", "blue", "write a hex colour such as #1f4e79"),
])
def test_one_answer_is_checked_on_its_own_with_the_fix(key: str, value: str, fix: str) -> None:
    with pytest.raises(FactsError) as caught:
        check_answer(key, value)
    assert fix in str(caught.value)


def test_an_optional_answer_can_be_blank() -> None:
    assert check_answer("status_page", "") == ""
    assert check_answer("status_page", "   ") == ""


def test_a_mistyped_key_gets_a_suggestion() -> None:
    with pytest.raises(FactsError) as caught:
        check_answer("compnay_name", "Beta")
    assert "did you mean company_name?" in str(caught.value)


def test_answers_files_take_flat_keys_replay_files_and_a_previous_company_yml(tmp_path: Path) -> None:
    flat = tmp_path / "answers.yml"
    flat.write_text("company_name: Beta Labs\nobservation_start: 2027-05-01\nscope_privacy: no\n")
    assert load_answers_file(flat) == {"company_name": "Beta Labs", "observation_start": "2027-05-01",
                                       "scope_privacy": False}
    replay = tmp_path / "replay.json"
    replay.write_text(json.dumps({"cookiecutter": {"company_name": "Gamma", "_template": "x"}}))
    assert load_answers_file(replay) == {"company_name": "Gamma"}
    from policyforge import dump_facts

    company = tmp_path / "company.yml"
    company.write_text(dump_facts(facts_from_answers(interactive_defaults(BETA, DAY))))
    assert load_answers_file(company)["ceo_email"] == "ana.lima@beta.io"
    typo = tmp_path / "typo.yml"
    typo.write_text("compnay_name: Beta\n")
    with pytest.raises(FactsError, match="did you mean company_name"):
        load_answers_file(typo)


@pytest.mark.slow
def test_answers_file_and_replay_make_the_same_repository_without_asking(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({**BETA, "status_page": ""}))  # an optional answer left blank
    run([str(BIN / "policyforge"), "new", "--no-input", "--answers", str(answers), "-o", str(tmp_path / "a")],
        env=env)
    run([str(BIN / "policyforge"), "new", "--replay", "-o", str(tmp_path / "b")], env=env)
    first = (tmp_path / "a" / "beta-labs" / "company.yml").read_text()
    assert first == (tmp_path / "b" / "beta-labs" / "company.yml").read_text()
    assert "ana.lima@beta.io" in first
    assert yaml.safe_load(first)["stack"]["status_page"] == ""


@pytest.mark.slow
def test_the_questionnaire_in_a_real_terminal_re_asks_wrong_answers_at_once(tmp_path: Path) -> None:
    import pexpect

    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "HOME": str(tmp_path / "home")}
    child = pexpect.spawn(str(BIN / "policyforge"), ["new", "-o", str(tmp_path)], env=env, dimensions=(40, 140),
                          encoding="utf-8", timeout=60)
    clear = "\x15"  # Ctrl-U: erase what was typed, as a person would

    def answer(prompt: str, keys: str) -> None:
        child.expect_exact(prompt)
        child.send(keys)

    answer("== Your company ==", "")
    answer("Short name used in the policies", "Beta Labs\r")
    answer("Company website", "beta.io\r")
    answer("'beta.io' is not valid — write an https:// address", clear + "https://beta.io\r")
    answer("Country of the headquarters", "\r")
    answer("1000+", "\x1b[B\r")  # the bands are listed in order; the arrow picks the second
    answer("CEO: full name", "Ana Lima\r")
    answer("Security Officer: full name", "Sam Reyes\r")
    answer("CTO: full name", "Kai Berg\r")
    answer("Cloud provider", "\r")
    answer("Identity provider", "\r")
    answer("Source control", "\r")
    answer("SOC 2 report type", "\r")
    answer("Trust Services categories", "\r")
    answer("Observation window start", clear + "soon\r")
    answer("'soon' is not a date — write it as YYYY-MM-DD", clear + "2027-03-01\r")
    answer("Create the repository, or review a group first?", "\r")
    child.expect(pexpect.EOF, timeout=600)  # scaffolding and the first commit take a while on a busy machine
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    facts = yaml.safe_load((tmp_path / "beta-labs" / "company.yml").read_text())
    assert facts["company"]["website"] == "https://beta.io"
    assert facts["company"]["legal_name"] == "Beta Labs"
    assert facts["people"]["ceo"]["email"] == "ana.lima@beta.io"
    assert facts["shape"]["headcount_band"] == "21-50"
    assert str(facts["audit"]["observation_start"]) == "2027-03-01"
    assert str(facts["audit"]["effective_date"]) == "2026-12-01"  # today, as conftest pins it


def new_args(*extra: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    new_arguments(parser)
    return parser.parse_args(list(extra))


@pytest.mark.parametrize("extra", [("--no-input",), ("--no-input", "company_name=Beta Labs")])
def test_no_input_dates_the_company_from_today_as_source_date_epoch_pins_it(
        monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1836691200")  # 2028-03-15
    answers = gather_answers(new_args(*extra), interactive=False)
    assert (answers["effective_date"], answers["observation_start"]) == ("2028-03-15", "2028-04-01")


def test_an_answers_file_date_wins_over_today(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1836691200")
    (tmp_path / "answers.yml").write_text("effective_date: 2027-05-01\n", encoding="utf-8")
    answers = gather_answers(new_args("--no-input", "--answers", str(tmp_path / "answers.yml")), interactive=False)
    assert (answers["effective_date"], answers["observation_start"]) == ("2027-05-01", "2028-04-01")


def test_plain_cookiecutter_defaults_date_the_company_from_today_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1836691200")  # 2028-03-15
    answers = resolve_answers({})
    assert (answers["effective_date"], answers["observation_start"]) == ("2028-03-15", "2028-04-01")
