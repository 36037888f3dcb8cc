"""Any company fact is shown exactly or refused by name (hypothesis properties, fast).

The properties feed arbitrary text, markup, Jinja syntax, YAML special values and very long values
through the engine's own entry points: cookiecutter answers (``resolve_answers`` +
``facts_from_answers``), ``company.yml`` (``dump_facts`` / ``parse_facts_yaml``) and rendering
(``program_from_library(...).render_page`` + ``markdown_to_html``). The end-to-end robustness tests
are in ``tests/e2e/test_robustness.py``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import pytest
import yaml
from conftest import collapse, visible_text
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from policyforge import Facts, FactsError, Library, dump_facts, facts_from_answers, load_library, parse_facts_yaml
from policyforge.model import FACT_SPECS, resolve_answers
from policyforge.model._answers import raw_defaults
from policyforge.program import program_from_library
from policyforge.render._grammar import article, possessive

EPOCH = "1796083200"
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Derived defaults are pinned, so a problem is always reported against the fact under test.
# Every default derived from another answer is pinned, so a property changes one fact at a time.
PINNED = {**{key: value for key, value in resolve_answers().items() if "{{" in str(raw_defaults()[key])},
          "approver_name": "Robin Ortiz", "approver_email": "robin@acme.example",
          "alternate_approver_name": "Alex Kim", "alternate_approver_email": "alex@acme.example",
          # Users in the EU and the UK make the US company name both Article 27 representatives, so those
          # text facts are shown (in the privacy policy) and checked like every other.
          "customer_regions": "us, eu, uk", "eu_representative": "Acme EU Rep BV, Amsterdam",
          "uk_representative": "Acme UK Rep Ltd, London",
          # One engineer makes the contracted outside engineer the reviewer and on-call backup, so that text fact is
          # shown (in the change management policy) and checked like every other. Without a board and with card
          # data the outside parties are shown too: the adviser (a blank name is refused beside the pinned email),
          # the independent assessor of a company of 1-20 people, the penetration and segmentation testers.
          "engineers": "1", "has_board": False, "outside_engineer": "Halden Engineering Ltd",
          "security_adviser_name": "Harriet Cole", "security_adviser_email": "harriet@advisers.example",
          "independent_assessor": "Marlow Assurance Ltd", "penetration_tester": "Redline Security Ltd",
          "data_payment": True, "segmentation_tester": "Ringfence Labs"}
# Outside parties whose blank means "not named yet": the text then names the party by its role (or, for the outside
# engineer, has the adviser review after deployment), so a blank is accepted and not shown as typed.
BLANK_NAMES_THE_ROLE = {"outside_engineer", "independent_assessor", "penetration_tester", "segmentation_tester",
                        "scanning_vendor", "pci_assessor"}
TEXT_KEYS = [spec.key for spec in FACT_SPECS if spec.kind in ("text", "person")]

YAML_SPECIALS = ["no", "yes", "on", "off", "y", "n", "~", "null", "Null", "true", "False", "2024-01-01",
                 "2024-01-01 10:00:00", "12", "-3", "0x1F", "0o17", "1e3", ".inf", "-.nan", "- x", "-", ": ", "a: b",
                 "#", "# comment", "x # y", "&anchor", "*alias", "!!python/object/apply:os.system", "!tag", "|",
                 ">-", "'", '"', "%YAML 1.1", "@", "`", "{a: 1}", "[1, 2]", "? x", "---", "...", "<<", "="]
MARKUP = ["<b>Acme</b>", "<script>alert(1)</script>", "*bold*", "_it_", "__x__", "`code`", "[a](https://x.example)",
          "![i](x.png)", "<!-- c -->", "&amp;", "&#x41;", "&copy", "# h", "1. x", "2) y", "- x", "+ x", "> q",
          "| a | b |", "{: .cls }", "{ #id }", "!!! note", "```", "\\", "\\*", "**", "[^1]", "*[HTML]: x",
          '<div markdown="1">*x*</div>', "<https://x.example>", "https://x.example", "a  b", "\t", "😀", "株式会社",
          "שלום", "\u202e", "\u00a0", "Ω≈ç√"]
JINJA = ["{{ 7*7 }}", "{{7*7}}", "{% if true %}x{% endif %}", "{# c #}", "{## c ##}", "{{ cookiecutter.company_name }}",
         "{{ ''.__class__.__mro__ }}", "{% raw %}", "{% endraw %}", "{{", "}}", "{%", "%}", "{{ company.name }}",
         "{% include 'x' %}"]


fragments = st.sampled_from(YAML_SPECIALS + MARKUP + JINJA)
fact_values = st.one_of(
    fragments,
    st.text(max_size=40),
    st.lists(st.one_of(fragments, st.text(max_size=6), st.just(" ")), min_size=1, max_size=6).map("".join),
    st.text(min_size=190, max_size=260),
    st.text(alphabet="ab <*_{}|#", min_size=1000, max_size=3000),
)


@functools.cache
def library() -> Library:
    return load_library()


@functools.cache
def default_facts() -> Facts:
    return facts_from_answers(resolve_answers(PINNED))


def _pages(facts: Facts) -> dict[str, Callable[[], str]]:
    program = program_from_library(facts, library())
    pages: dict[str, Callable[[], str]] = {"home": program.home_page}
    for doc in program.ordered_policies():
        pages[doc.id] = functools.partial(program.render_page, doc)
    return pages


def marker(key: str) -> str:
    """Return a neutral stand-in for a fact, unique to it and unlike any word of the library."""
    return f"Qzm{TEXT_KEYS.index(key):02d}k"


@functools.cache
def page_showing() -> dict[str, str]:
    """Map each text fact to the page that shows it most often (every fact gets its marker, rendered once)."""
    facts = facts_from_answers(resolve_answers({**PINNED, **{key: marker(key) for key in TEXT_KEYS}}))
    texts = {name: visible_text(render()) for name, render in _pages(facts).items()}
    found: dict[str, str] = {}
    for key in TEXT_KEYS:
        best = max(texts, key=lambda name: texts[name].count(marker(key)))
        if marker(key) in texts[best]:
            found[key] = best
    return found


def rendered_text(facts: Facts, key: str) -> str:
    """Return the visible text of the page chosen for ``key``, rendered with ``facts``."""
    return visible_text(_pages(facts)[page_showing()[key]]())


@functools.cache
def marker_text(key: str) -> str:
    """Return that page's text with only ``key`` set to its marker: the page every value must match."""
    return rendered_text(facts_from_answers(resolve_answers({**PINNED, key: marker(key)})), key)


def expected_text(key: str, value: str) -> str:
    """Return the marker's page with ``value`` in the marker's place, and the grammar around it made for ``value``.

    The words a fact governs follow the fact, not the marker: "Nimbus Labs' report" where the marker reads
    "Qzm00k's report", "an Acme system" where it reads "a Qzm00k system".
    """
    shown, stand_in = collapse(value), marker(key)

    def with_article(found: re.Match[str]) -> str:
        phrase = article(shown)
        return phrase[:1].upper() + phrase[1:] if found.group(1) == "A" else phrase

    text = marker_text(key).replace(f"{stand_in}'s", possessive(shown))
    text = re.sub(rf"\b([Aa]) {stand_in}", with_article, text)
    return text.replace(stand_in, shown)


def shown_exactly(facts: Facts, key: str) -> str:
    """Check the page shows the fact exactly where (and as often as) it shows the marker; return its text."""
    text = rendered_text(facts, key)
    assert text == expected_text(key, facts.flat()[key])
    return text


def answers_outcome(key: str, value: str) -> Facts | FactsError:
    try:
        return facts_from_answers(resolve_answers({**PINNED, key: value}))
    except FactsError as exc:
        return exc


# --------------------------------------------------------------------------- unit properties


def test_every_text_fact_is_shown_on_some_page_so_the_properties_check_it() -> None:
    # A text fact no page shows would pass every property below without being checked.
    assert sorted(set(TEXT_KEYS) - set(page_showing())) == []
    assert page_showing()["company_legal_name"] == "home"


@pytest.mark.slow
@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), value=fact_values)
@example(key="company_name", value="{{ 7*7 }}")
@example(key="company_name", value="s")
@example(key="company_name", value="Ionic Labs")
@example(key="product_name", value="<b>Acme</b> & *Co* [x](y) | {#id} `c`")
@example(key="hq_country", value="no")
@example(key="audit_firm", value="x" * 200)
@example(key="audit_firm", value="x" * 201)
@example(key="mail_platform", value="\xa0")
def test_a_text_fact_is_shown_exactly_as_typed_or_refused_naming_the_field(key: str, value: str) -> None:
    outcome = answers_outcome(key, value)
    if isinstance(outcome, FactsError):
        assert outcome.problems
        for problem in outcome.problems:
            assert problem.message.startswith(f"{key}: "), problem
            assert problem.fix, problem
        return
    if key == "mail_platform" and not value.strip():
        # A blank mail platform means the one the identity provider and cloud imply (model._facts._fill_defaults).
        assert outcome.flat()[key] == "Google Workspace"
        return
    if key in BLANK_NAMES_THE_ROLE and not value.strip():
        assert outcome.flat()[key] == ""
        return
    assert outcome.flat()[key] == value.strip()
    if key in page_showing():
        shown_exactly(outcome, key)


@pytest.mark.slow
@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), a=st.integers(1000, 9999), b=st.integers(1000, 9999),
       shape=st.sampled_from(["{{{{ {a}*{b} }}}}", "{{{{{a}*{b}}}}}", "{{% if true %}}{{{{ {a}*{b} }}}}{{% endif %}}",
                              "{{% raw %}}{{{{ {a}*{b} }}}}{{% endraw %}}", "{{{{ cookiecutter.x }}}}{{{{ {a}*{b} }}}}",
                              "{{% set x = {a}*{b} %}}{{{{ x }}}}"]))
def test_template_syntax_in_a_fact_is_shown_and_never_run(key: str, a: int, b: int, shape: str) -> None:
    value = shape.format(a=a, b=b)
    facts = answers_outcome(key, value)
    assert isinstance(facts, Facts), facts
    reread = parse_facts_yaml(dump_facts(facts))
    assert reread.flat()[key] == value
    if key in page_showing():
        assert str(a * b) not in shown_exactly(reread, key)


@pytest.mark.slow
@PROPERTY
@given(name=st.one_of(fact_values, st.sampled_from(JINJA)))
def test_derived_defaults_follow_an_overridden_name_as_data(name: str) -> None:
    from slugify import slugify

    answers = resolve_answers({"company_name": name, "ceo_name": name})
    assert answers["company_name"] == name
    assert answers["approver_name"] == name
    assert answers["company_slug"] == slugify(name)
    try:
        facts_from_answers(answers)
    except FactsError as exc:
        fields = {problem.message.split(":", 1)[0] for problem in exc.problems}
        # The legal and product names derive from the company name, the addresses from the names.
        assert fields <= {"company_name", "company_legal_name", "product_name", "company_slug", "doc_prefix",
                          "ceo_name", "approver_name", "head_of_people_name"}, exc


@pytest.mark.slow
@PROPERTY
@given(key=st.sampled_from(TEXT_KEYS), value=fact_values)
def test_company_yml_written_by_dump_facts_reads_back_to_the_same_facts(key: str, value: str) -> None:
    facts = answers_outcome(key, value)
    assume(isinstance(facts, Facts))
    assert isinstance(facts, Facts)
    assert parse_facts_yaml(dump_facts(facts)) == facts


@pytest.mark.slow
@PROPERTY
@given(token=st.one_of(st.sampled_from(YAML_SPECIALS + MARKUP + JINJA), st.text(max_size=30))
       .filter(lambda t: not re.search(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", t)))
def test_a_hand_written_unquoted_value_in_company_yml_is_read_as_text_or_refused_with_line_and_fix(token: str) -> None:
    text = company_yml_with_name(token)
    index = text.splitlines().index(f"  name: {token}")
    try:
        facts = parse_facts_yaml(text)
    except FactsError as exc:
        for problem in exc.problems:
            assert problem.where == "company.yml" and problem.fix and problem.line is not None, problem
            if problem.message.startswith("company.name"):
                assert problem.line == index + 1, problem
            else:  # a YAML error: PyYAML may notice an unclosed quote some lines later, never earlier
                assert problem.line >= index + 1, problem
        return
    loaded = yaml.safe_load(text)["company"]["name"]
    assert isinstance(loaded, str)
    assert facts.get("company.name") == loaded.strip()


def company_yml_with_name(raw: str) -> str:
    """Return the example's company.yml with company.name written by hand, unquoted, as ``raw``."""
    lines = dump_facts(default_facts()).splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  name: "))
    lines[index] = f"  name: {raw}"
    return "\n".join(lines) + "\n"


def test_a_control_character_in_company_yml_is_reported_with_its_line() -> None:
    text = company_yml_with_name("Acme\x1bCloud")
    with pytest.raises(FactsError) as caught:
        parse_facts_yaml(text)
    assert caught.value.problems[0].line == text.splitlines().index("  name: Acme\x1bCloud") + 1


def test_a_value_of_more_than_200_characters_is_refused_with_its_length() -> None:
    refused = answers_outcome("company_legal_name", "L" * 5000)
    assert isinstance(refused, FactsError)
    assert [str(p) for p in refused.problems] == [
        "answers: company_legal_name: is 5000 characters long — shorten it to at most 200"]
    assert isinstance(answers_outcome("company_legal_name", "L" * 200), Facts)


@pytest.mark.parametrize("value", ["=Acme", ":Acme", "~Acme", "!Acme", "+Acme", "-Acme", "#Acme", "1. Acme", "2) Acme"])
def test_a_fact_starting_with_a_character_markdown_cannot_escape_is_shown_exactly(value: str) -> None:
    facts = answers_outcome("product_name", value)
    assert isinstance(facts, Facts)
    shown_exactly(facts, "product_name")


@pytest.mark.parametrize("value", ["Acme\x02Cloud", "Acme\x00Cloud", "Acme\x1bCloud", "Acme\x7fCloud", "Acme\x9bCloud"])
def test_a_fact_with_a_control_character_is_refused_naming_the_field(value: str) -> None:
    refused = answers_outcome("company_name", value)
    assert isinstance(refused, FactsError)
    assert refused.problems[0].message.startswith("company_name: ")
