"""Default answers from ``cookiecutter.json``, resolved the way cookiecutter resolves them.

The CLI validates a user's ``key=value`` overrides against these before running cookiecutter,
and the library lint renders every template for the example company and its variants.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Template, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ._library import template_root


def raw_defaults(template: Path | None = None) -> dict[str, Any]:
    """Return ``cookiecutter.json`` as written (choices as lists, derived values as expressions)."""
    path = (template or template_root()) / "cookiecutter.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _at_render(filter_: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``filter_`` taking the render context, which keeps Jinja from running it at compile time."""

    @pass_context
    def call(context: Context, value: Any, *args: Any, **kwargs: Any) -> Any:
        return filter_(value, *args, **kwargs)

    return call


@functools.cache
def _environment() -> ImmutableSandboxedEnvironment:
    """Return the sandbox cookiecutter's defaults render in, with its ``slugify`` filter and ours.

    A compiled default is reused for the life of the process, and
    Jinja folds a filter of constants into the compiled code: ``'today' | today`` would keep the
    day it was compiled. Each filter is therefore called at render time, as cookiecutter calls it.
    """
    from slugify import slugify  # cookiecutter's own dependency, for its `slugify` filter

    from ._derive import FILTERS

    env = ImmutableSandboxedEnvironment()
    env.filters.update({name: _at_render(f) for name, f in {"slugify": slugify, **FILTERS}.items()})
    return env


@functools.lru_cache(maxsize=1024)
def _default_template(source: str) -> Template:
    """Compile one default once per process: compiling the 60-odd defaults was most of each call's time."""
    return _environment().from_string(source)


def resolve_answers(overrides: Mapping[str, Any] | None = None, template: Path | None = None) -> dict[str, Any]:
    """Return the answers cookiecutter would use with ``--no-input`` and these overrides.

    Overrides are taken as data; only the template's own defaults are rendered, in order, so a
    derived default (the slug from the name) follows an overridden name as in cookiecutter.
    """
    overrides = dict(overrides or {})
    answers: dict[str, Any] = {}
    for key, raw in raw_defaults(template).items():
        if key.startswith("_"):
            continue
        if key in overrides:
            answers[key] = overrides[key]
        elif isinstance(raw, list):
            answers[key] = raw[0]
        elif isinstance(raw, str):
            answers[key] = _default_template(raw).render(cookiecutter=answers)
        else:
            answers[key] = raw
    return answers
