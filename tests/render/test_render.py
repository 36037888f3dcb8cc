"""Rendering: facts are escaped data, templates are strict and sandboxed, errors carry lines."""

from __future__ import annotations

import pytest
from policyforge import Problem, TemplateError
from policyforge.render import check_wording, join_and, markdown_text, markdown_to_html, render_markdown

TRICKY = [
    "<b>Acme</b> & Co",
    "*not bold* _not italic_ `not code`",
    "[not a link](https://evil.example) ![img](x)",
    "a | b | c",
    "{{ 7*7 }} {% if true %}x{% endif %}",
    "# not a heading",
    "1. not a list",
    "- not a bullet",
    "> not a quote",
    "back\\slash\\",
    "&copy; &amp;",
    "=HYPERLINK(x)",
    ": not a definition",
    "~~not struck~~",
    "+ not a bullet",
    "!not an image",
    "99.9",
    "שלום 😀 株式会社",
]


@pytest.mark.parametrize("value", TRICKY)
def test_escaped_fact_renders_to_exactly_its_text(value: str) -> None:
    html = markdown_to_html(markdown_text(value))
    import html as html_lib
    import re

    text = html_lib.unescape(re.sub(r"<[^>]+>", "", html)).strip()
    assert text == value
    assert "<b>" not in html and "<a " not in html and "<img" not in html


@pytest.mark.parametrize("value", TRICKY)
def test_escaped_fact_stays_inside_its_table_cell(value: str) -> None:
    html = markdown_to_html(f"| a | b |\n|---|---|\n| {markdown_text(value)} | end |\n")
    assert html.count("<td>") == 2


def test_fact_values_are_never_evaluated_as_templates() -> None:
    out = render_markdown("Name: {{ name }}", "t.md", {"name": "{{ 7*7 }}"})
    assert "49" not in out
    assert out == "Name: \\{\\{ 7\\*7 \\}\\}"


def test_unknown_variable_fails_with_file_and_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_markdown("line one\n\nline {{ nope.value }}\n", "policies/POL-13.md", {}, first_line=14)
    assert caught.value.problems == [Problem(
        "policies/POL-13.md", "unknown value: 'nope' is undefined",
        "use a fact defined in company.yml (see the authoring guide for names)", 16)]


def test_syntax_error_fails_with_file_and_line() -> None:
    with pytest.raises(TemplateError) as caught:
        render_markdown("ok\n{% if %}\n", "p.md", {}, first_line=10)
    assert caught.value.problems == [Problem(
        "p.md", "template syntax error: Expected an expression, got 'end of statement block'",
        "fix the {{ }} or {% %} expression on that line", 11)]


def test_sandbox_refuses_reaching_into_python_internals() -> None:
    with pytest.raises(TemplateError) as caught:
        render_markdown("{{ ''.__class__.__mro__ }}", "p.md", {})
    assert caught.value.problems == [Problem(
        "p.md", "not allowed in a policy: access to attribute '__class__' of 'str' object is unsafe.",
        "remove the expression")]


def test_heading_ids_are_not_taken_for_jinja_comments() -> None:
    assert render_markdown("## 1. Purpose {#purpose}\n", "p.md", {}) == "## 1. Purpose {#purpose}\n"


def test_join_and_reads_as_english() -> None:
    assert join_and(["a"]) == "a"
    assert join_and(["a", "b", "c"]) == "a, b and c"


@pytest.mark.parametrize(
    ("sentence", "phrase"),
    [("Access is reviewed periodically.", "periodically"), ("Logs are kept as appropriate.", "as appropriate"),
     ("We follow industry standard practice.", "industry standard")],
)
def test_wording_check_fails_vague_phrases(sentence: str, phrase: str) -> None:
    assert check_wording(f"fine\n{sentence}", "p.md") == [Problem(
        "p.md", f"vague wording {phrase!r}",
        "say who does it, how often or by when (e.g. 'quarterly by the Security Officer')", 2)]


@pytest.mark.parametrize(
    "sentence",
    ["Access is reviewed periodically (every 90 days).", "Keys are rotated regularly, at least annually."],
)
def test_wording_check_accepts_vague_word_followed_by_a_value(sentence: str) -> None:
    assert not check_wording(sentence, "p.md")


def test_wording_check_finds_leftover_placeholders_with_line() -> None:
    assert check_wording("fine\nTODO: write this\n", "p.md") == [
        Problem("p.md", "leftover placeholder 'TODO'", "replace it with the real text", 2)]
