"""Default answers from ``cookiecutter.json``, resolved the way cookiecutter resolves them.

The CLI validates a user's ``key=value`` overrides against these before running cookiecutter,
and the library lint renders every template for the example company and its variants.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment

from ._library import template_root


def raw_defaults(template: Path | None = None) -> dict[str, Any]:
    """Return ``cookiecutter.json`` as written (choices as lists, derived values as expressions)."""
    path = (template or template_root()) / "cookiecutter.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def resolve_answers(overrides: Mapping[str, Any] | None = None, template: Path | None = None) -> dict[str, Any]:
    """Return the answers cookiecutter would use with ``--no-input`` and these overrides.

    Overrides are taken as data; only the template's own defaults are rendered, in order, so a
    derived default (the slug from the name) follows an overridden name as in cookiecutter.
    """
    overrides = dict(overrides or {})
    from slugify import slugify  # cookiecutter's own dependency, for its `slugify` filter

    from ._derive import FILTERS

    env = ImmutableSandboxedEnvironment()
    env.filters["slugify"] = slugify
    env.filters.update(FILTERS)
    answers: dict[str, Any] = {}
    for key, raw in raw_defaults(template).items():
        if key.startswith("_"):
            continue
        if key in overrides:
            answers[key] = overrides[key]
        elif isinstance(raw, list):
            answers[key] = raw[0]
        elif isinstance(raw, str):
            answers[key] = env.from_string(raw).render(cookiecutter=answers)
        else:
            answers[key] = raw
    return answers
