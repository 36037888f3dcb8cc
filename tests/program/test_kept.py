"""A long-lived process (`mkdocs serve`) reuses what is unchanged between loads, and nothing else.

Each load through ``KeptInputs`` must give exactly what a fresh ``load_program`` gives: an edited
policy, a changed company.yml or a changed library is read and rendered again. Counted in renders
(``render_markdown`` calls), not timed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import LIBRARY
from policyforge._errors import TemplateError
from policyforge.program import _program
from policyforge.program._kept import KeptInputs
from policyforge.program._program import Program, load_program


@pytest.fixture
def repo(example_source: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(example_source, tmp_path / "acme-cloud", symlinks=True))


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The file name of each template the program renders from here on."""
    names: list[str] = []
    real = _program.render_markdown

    def counting(source: str, name: str, context: Any, first_line: int = 1) -> str:
        names.append(name)
        return real(source, name, context, first_line)

    monkeypatch.setattr(_program, "render_markdown", counting)
    return names


def texts(program: Program) -> dict[str, str]:
    """Every body and control statement of the program, rendered."""
    out = {doc.id: program.render_body(doc) for doc in program.ordered_policies()}
    for doc in program.ordered_policies():
        for cid in doc.controls:
            control = program.control(cid)
            if control is not None:
                out[f"{doc.id}/{cid}"] = program.render_statement(control, doc)
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unchanged_repository_is_neither_parsed_nor_rendered_again(repo: Path, renders: list[str]) -> None:
    kept = KeptInputs()
    first = load_program(repo, kept=kept)
    rendered = texts(first)
    count = len(renders)
    again = load_program(repo, kept=kept)
    assert again.facts is first.facts and again.library is first.library
    assert all(again.policies[pid] is doc for pid, doc in first.policies.items())
    assert texts(again) == rendered and len(renders) == count


def test_an_edited_policy_is_parsed_and_rendered_again_and_nothing_else(repo: Path, renders: list[str]) -> None:
    kept = KeptInputs()
    first = load_program(repo, kept=kept)
    texts(first)
    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe CTO keeps {{ company.name }}'s role matrix.\n",
                      encoding="utf-8")
    renders.clear()
    again = load_program(repo, kept=kept)
    assert [pid for pid, doc in again.policies.items() if doc is not first.policies[pid]] == ["POL-13"]
    kept_texts = texts(again)
    assert renders == [f"policies/{policy.name}"]  # its body; its control statements read none of the body
    assert kept_texts == texts(load_program(repo))  # what a fresh load renders
    assert kept_texts["POL-13"].endswith("The CTO keeps Acme Cloud's role matrix.\n")


def test_a_company_yml_change_reads_the_facts_again_and_renders_every_text_again(
        repo: Path, renders: list[str]) -> None:
    kept = KeptInputs()
    first = load_program(repo, kept=kept)
    before = texts(first)
    edit(repo / "company.yml", "Acme Cloud", "Acme Clouds")
    renders.clear()
    again = load_program(repo, kept=kept)
    assert again.facts is not first.facts and again.facts.company.name == "Acme Clouds"
    after = texts(again)
    assert len(renders) == len(after)  # each body and statement rendered once, none taken from before
    assert after == texts(load_program(repo)) and after != before


def test_a_library_change_loads_it_again_and_renders_with_it(
        repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    library = Path(shutil.copytree(LIBRARY, tmp_path / "library"))
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(library))
    kept = KeptInputs()
    first = load_program(repo, kept=kept)
    texts(first)
    edit(library / "controls" / "POL-13.yaml", "maintains a role matrix", "keeps a role matrix")
    again = load_program(repo, kept=kept)
    assert again.library is not first.library
    statement = again.render_statement(again.library.catalog.controls["ACC-01"], again.policies["POL-13"])
    assert statement.startswith("The Security Officer keeps a role matrix")
    assert texts(again) == texts(load_program(repo))


def test_a_bad_policy_is_reported_on_every_load_and_its_last_good_text_is_not_used(repo: Path) -> None:
    kept = KeptInputs()
    load_program(repo, kept=kept)
    policy = next((repo / "policies").glob("POL-13-*.md"))
    good = policy.read_text(encoding="utf-8")
    policy.write_text(good.replace("review_cadence: annual", "review_cadence: someday", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(TemplateError) as caught:
            load_program(repo, kept=kept)
        assert [p.where for p in caught.value.problems] == [f"policies/{policy.name}"]
    policy.write_text(good, encoding="utf-8")
    assert load_program(repo, kept=kept).policies["POL-13"] == load_program(repo).policies["POL-13"]


def test_programs_sharing_a_memo_with_different_facts_render_their_own_facts(repo: Path) -> None:
    kept = KeptInputs()
    first = load_program(repo, kept=kept)
    first_texts = texts(first)
    edit(repo / "company.yml", "Acme Cloud", "Acme Clouds")
    other = load_program(repo, kept=kept)
    assert other.renders is first.renders
    other_texts = texts(other)
    assert texts(first) == first_texts and texts(other) == other_texts  # back and forth: each its own facts
    assert other_texts != first_texts
