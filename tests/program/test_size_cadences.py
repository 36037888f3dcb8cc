"""A company of 1-20 people reads its own cadences and a speaking-up channel that can be true for it (issue #13, 1).

Three duties read false for a company of two: a monthly bulletin from one person to the other, a report to the
outside adviser every 6 months, and an anonymous channel nobody can stay anonymous in. The first two are named
commitments whose default depends on the headcount band (``by_headcount``); the channel of a company of 1-20
reaches someone outside it and says what protects the reporter. A company of 51-200 reads as before.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import LIBRARY
from policyforge.model._library import Library, load_library
from policyforge.program import Program
from policyforge.program._lint import variant_program
from policyforge.rules import library_view, run_rules


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def nimbus(library: Library) -> Program:
    return variant_program("nimbus-uk", library)


@pytest.fixture(scope="module")
def acme(library: Library) -> Program:
    return variant_program("acme-us", library)


def _statement(program: Program, cid: str) -> str:
    control = program.control(cid)
    assert control is not None
    return " ".join(program.render_statement(control, program.carriers()[cid]).split())


def _paragraph(program: Program, policy: str, number: str) -> str:
    body = program.render_body(program.policies[policy])
    return next(line for line in body.splitlines() if line.startswith(f"**{number}**"))


def test_the_two_person_company_reports_to_its_adviser_yearly_and_sends_a_quarterly_bulletin(nimbus: Program) -> None:
    assert {cid: nimbus.control(cid).frequency for cid in ("GOV-04", "TRN-06", "COC-04")} == {  # type: ignore[union-attr]
        "GOV-04": "annual", "TRN-06": "quarterly", "COC-04": "annual"}
    assert _statement(nimbus, "GOV-04").startswith(
        "The Security Officer presents a written security report to the outside security adviser Harriet Cole "
        "engaged in place of a board at least every year, the first report after each SOC 2 report covers it")
    assert "a written security report at least every year:" in _paragraph(nimbus, "POL-01", "4.4.2")
    assert _statement(nimbus, "TRN-06").startswith("The Security Officer publishes a security bulletin at least "
                                                   "every 3 months, recalling")
    # Two role holders: the bulletin names the other one, with every role they hold, and still reaches any other
    # staff, so it is true whether or not anyone works there without a role (issue #13 re-read, N2).
    assert "posts a security bulletin in the company chat for Tom Reid (Chief Executive Officer, Privacy Officer and " \
           "Head of People), who holds the program's other roles, and for all other staff, at least every 3 months," \
           in _paragraph(nimbus, "POL-06", "4.7.1")


def test_the_example_company_of_51_to_200_keeps_its_cadences(acme: Program) -> None:
    assert {cid: acme.control(cid).frequency for cid in ("GOV-04", "TRN-06", "COC-04")} == {  # type: ignore[union-attr]
        "GOV-04": "semiannual", "TRN-06": "monthly", "COC-04": "semiannual"}
    assert "to the board of directors (with an independent member or adviser) at least every 6 months" in \
        _statement(acme, "GOV-04")
    assert "publishes a security bulletin in the company chat at least every month," in \
        _paragraph(acme, "POL-06", "4.7.1")
    assert _statement(acme, "COC-04") == (
        "An anonymous reporting channel run by an independent provider is published to all personnel in onboarding "
        "material and annual training, routes concerns about the Chief Executive Officer or the Head of People to "
        "the board, and is tested by the Head of People every 6 months.")
    assert "It lets the reporter stay anonymous while exchanging messages with the investigator." in \
        _paragraph(acme, "POL-03", "4.6.2")


def test_the_speaking_up_channel_of_a_two_person_company_reaches_the_adviser_and_says_what_protects_the_reporter(
        nimbus: Program) -> None:
    assert _statement(nimbus, "COC-04") == (
        "A speaking-up channel outside the company, the outside security adviser Harriet Cole, is published to all "
        "personnel in onboarding material and annual training with the statement that anonymity inside a company of "
        "this size is limited and of what protects the reporter, and is tested by the Head of People every year.")
    text = _paragraph(nimbus, "POL-03", "4.6.2")
    assert text.startswith("**4.6.2** With fewer than 21 people, Nimbus Ledger cannot promise that a report stays "
                           "anonymous inside the company")
    assert ("reaches someone outside the company: the outside security adviser Harriet Cole, engaged under section 4.4 "
            "of the [Information Security Policy](POL-01-information-security.md), by email at "
            "harriet@colerisk.example or phone") in text
    assert "What protects the reporter: the adviser passes a report on without the reporter's name" in text
    assert "the Head of People tests it every year by submitting a test report" in text
    assert "anonymous reporting channel" not in nimbus.render_body(nimbus.policies["POL-03"])
    assert _paragraph(nimbus, "POL-03", "4.6.3").endswith(
        "go from the channel directly to the adviser, who handles them without passing them to either.")


def test_a_small_company_with_a_board_is_given_an_outside_hotline(library: Library) -> None:
    program = variant_program("nimbus-uk", library, {"has_board": True})
    assert "A speaking-up channel outside the company, a hotline run by an independent provider that passes " \
           "reports to the board chair, is published" in _statement(program, "COC-04")


def test_every_criterion_stays_covered_for_the_two_person_company(nimbus: Program) -> None:
    assert all(row.covered for row in nimbus.coverage())


def test_a_company_override_still_wins_over_the_default_for_its_size(library: Library) -> None:
    program = variant_program("nimbus-uk", library, {"_commitments": {"board_report": 6}})
    assert program.control("GOV-04").frequency == "semiannual"  # type: ignore[union-attr]
    assert "at least every 6 months" in _statement(program, "GOV-04")


# The text before this change, seeded into a copy of the library: each is caught for the company of two.
SEEDS = [
    ("controls/POL-03.yaml", "tested by the Head of People {{ commit.speak_up_test.every }}.{% else %}",
     "tested by the Head of People every 6 months.{% else %}", "CTL001",
     "control COC-04: the statement says semiannual but the frequency is annual"),
    ("policies/POL-06-security-awareness-training.md",
     "{% endif %} at least {{ commit.security_bulletin.every }}, covering",
     "{% endif %} at least once a month, covering", "COM001", "'a month' in a sentence about the interval between "
     "security bulletins"),
    ("policies/POL-01-information-security.md", "sends the adviser a written security report at least "
     "{{ commit.board_report.every }}", "sends the adviser a written security report at least every 6 months",
     "COM001", "'6 months' in a sentence about the interval between the Security Officer's written reports"),
]


@pytest.mark.parametrize(("path", "new", "old", "rule", "message"), SEEDS, ids=[s[3] + "-" + s[0] for s in SEEDS])
def test_the_old_cadence_seeded_into_a_copy_is_caught_with_file_line_and_fix(
        tmp_path: Path, path: str, new: str, old: str, rule: str, message: str) -> None:
    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    text = (root / path).read_text(encoding="utf-8")
    assert new in text
    (root / path).write_text(text.replace(new, old, 1), encoding="utf-8")
    program = variant_program("nimbus-uk", load_library(root))
    problems = [p for p in run_rules(library_view(program), [rule]) if message in p.message]
    assert problems, run_rules(library_view(program), [rule])
    assert problems[0].where.endswith(path) and problems[0].line and problems[0].fix
