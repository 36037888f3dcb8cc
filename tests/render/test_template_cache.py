"""Compiled templates are kept between processes, in a private folder, per environment and text."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment
from policyforge.render._render import _ENV
from policyforge.render._template_cache import TemplateCache, environment_signature

SOURCE = "{% for x in items %}{{ x | upper }} {% endfor %}"


class Counting(ImmutableSandboxedEnvironment):
    """An environment that counts how often it compiles."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        type(self).compiled += 1
        return super().compile(*args, **kwargs)


def render(env: jinja2.Environment, code: Any) -> str:
    return env.template_class.from_code(env, code, env.make_globals(None), None).render(items=["a", "b"])


def test_a_second_process_loads_the_compiled_template_instead_of_compiling_it(tmp_path: Path) -> None:
    Counting.compiled = 0
    first = TemplateCache(Counting(), tmp_path / "cache")
    assert render(first.env, first.compile(SOURCE, "policies/POL-01.md")) == "A B "
    second = TemplateCache(Counting(), tmp_path / "cache")  # a new process: a new environment, the same folder
    code = second.compile(SOURCE, "policies/POL-01.md")
    assert Counting.compiled == 1 and render(second.env, code) == "A B "
    second.compile(SOURCE + "!", "policies/POL-01.md")  # the same file name with other text is compiled
    assert Counting.compiled == 2


def test_texts_sharing_one_file_name_each_keep_their_own_code(tmp_path: Path) -> None:
    cache = TemplateCache(Counting(), tmp_path / "cache")
    one, two = cache.compile("{{ 1 }}", "catalog/controls.yaml"), cache.compile("{{ 2 }}", "catalog/controls.yaml")
    again = TemplateCache(Counting(), tmp_path / "cache")
    assert render(again.env, again.compile("{{ 1 }}", "catalog/controls.yaml")) == render(again.env, one) == "1"
    assert render(again.env, again.compile("{{ 2 }}", "catalog/controls.yaml")) == render(again.env, two) == "2"


def test_code_compiled_by_another_environment_is_never_taken(tmp_path: Path) -> None:
    plain = jinja2.Environment()
    assert environment_signature(Counting()) != environment_signature(plain)
    TemplateCache(plain, tmp_path / "cache").compile(SOURCE, "p.md")
    Counting.compiled = 0
    cache = TemplateCache(Counting(), tmp_path / "cache")
    assert render(cache.env, cache.compile(SOURCE, "p.md")) == "A B "
    assert Counting.compiled == 1  # compiled by the sandbox itself, not taken from the plain environment


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_folder_others_may_write_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    cache = TemplateCache(Counting(), folder)
    assert cache.store is None
    cache.compile(SOURCE, "p.md")
    assert list(folder.iterdir()) == []


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYFORGE_TEMPLATE_CACHE", "0")
    assert TemplateCache(Counting(), tmp_path / "cache").store is None


def test_the_engine_environment_caches_under_the_users_cache_folder_not_the_repository(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))
    monkeypatch.delenv("POLICYFORGE_TEMPLATE_CACHE", raising=False)
    cache = TemplateCache(_ENV)
    cache.compile("Hello {{ name }}", "policies/POL-01.md")
    assert any((tmp_path / "home-cache" / "policyforge").rglob("*.cache"))
