"""The converted-HTML cache: a PDF rebuild converts only the Markdown that changed (issue #17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from policyforge.render import _markdown
from policyforge.render._markdown import cached_markdown_to_html, markdown_to_html

PAGE = "# Access control\n\n**4.1** Access is granted by ticket.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"


def test_the_cached_html_is_the_converted_html_and_is_kept_once(tmp_path: Path) -> None:
    first = cached_markdown_to_html(PAGE, tmp_path)
    assert first == markdown_to_html(PAGE)
    assert len(list(tmp_path.glob("*.html"))) == 1
    assert cached_markdown_to_html(PAGE, tmp_path) == first
    assert len(list(tmp_path.glob("*.html"))) == 1


def test_a_kept_page_is_not_converted_again_and_a_changed_one_is(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    cached_markdown_to_html(PAGE, tmp_path)
    converted: list[str] = []
    monkeypatch.setattr(_markdown, "markdown_to_html", lambda text: converted.append(text) or "<p>new</p>")
    cached_markdown_to_html(PAGE, tmp_path)
    assert converted == []
    assert cached_markdown_to_html(PAGE + "\nOne more sentence.\n", tmp_path) == "<p>new</p>"
    assert len(converted) == 1


def test_the_key_covers_the_sanitiser_so_a_changed_allowlist_converts_again(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    cached_markdown_to_html(PAGE, tmp_path)
    monkeypatch.setattr(_markdown, "_converter_signature", lambda: "another sanitiser")
    monkeypatch.setattr(_markdown, "markdown_to_html", lambda text: "<p>again</p>")
    assert cached_markdown_to_html(PAGE, tmp_path) == "<p>again</p>"
    assert len(list(tmp_path.glob("*.html"))) == 2


def test_without_a_folder_nothing_is_kept(tmp_path: Path) -> None:
    assert cached_markdown_to_html(PAGE, None) == markdown_to_html(PAGE)
    assert list(tmp_path.iterdir()) == []
