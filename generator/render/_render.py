"""Render policy Markdown with Jinja2: strict, sandboxed, and escaping every fact it prints.

Policy files are Jinja2 Markdown because the same text must follow the company's facts (its
cloud, its numbers, its scope). The environment is sandboxed because policy files are edited by
pull request; facts are passed as data and are never themselves compiled as templates.
"""

from __future__ import annotations

import datetime as dt
import functools
import traceback
from collections.abc import Iterable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .._errors import Problem, TemplateError
from ._escape import markdown_text
from ._grammar import agree, article, plural, verb_for


def _plural(number: int | float, unit: str) -> str:
    return f"{number:g} {plural(unit, number)}"


def hours(number: int) -> str:
    """Format a number of hours for prose: ``1 hour``, ``24 hours``."""
    return _plural(number, "hour")


def days(number: int) -> str:
    """Format a number of days for prose: ``1 day``, ``30 days``."""
    return _plural(number, "day")


def months(number: int) -> str:
    """Format a number of months for prose."""
    return _plural(number, "month")


def join_and(items: Iterable[object], last: str = "and") -> str:
    """Join ``['a', 'b', 'c']`` as ``a, b and c``."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def long_date(value: dt.date) -> str:
    """Format a date unambiguously for readers in any country: ``1 December 2026``."""
    return f"{value.day} {value.strftime('%B %Y')}"


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined,
        finalize=markdown_text,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown heading ids are written {#anchor}; move Jinja comments out of their way.
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(hours=hours, days=days, months=months, join_and=join_and, long_date=long_date,
                       article=article, agree=agree, verb_for=verb_for, plural=plural)
    return env


_ENV = _environment()


def _template_line(exc: BaseException, name: str) -> int | None:
    """Find the template line an error was raised from (Jinja rewrites tracebacks to template lines)."""
    line = getattr(exc, "lineno", None)
    if line:
        return int(line)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == name:
            return frame.lineno
    return None


@functools.lru_cache(maxsize=4096)
def _compiled(source: str, name: str) -> jinja2.Template:
    """Compile a template once per (text, file): a page, the matrix and PDFs render the same statements."""
    # Compile under the file's name so traceback frames carry it and errors get a line.
    code = _ENV.compile(source, name=name, filename=name)
    return _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)


def render_markdown(source: str, name: str, context: Mapping[str, Any], first_line: int = 1) -> str:
    """Render one policy body; ``first_line`` is where the body starts in its file, for error lines."""
    try:
        return _compiled(source, name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([
            Problem(name, f"template syntax error: {exc.message}",
                    "fix the {{ }} or {% %} expression on that line", (exc.lineno or 0) + first_line - 1)
        ]) from None
    except jinja2.UndefinedError as exc:
        line = _template_line(exc, name)
        raise TemplateError([
            Problem(name, f"unknown value: {exc.message}",
                    "use a fact defined in company.yml (see the authoring guide for names)",
                    line + first_line - 1 if line else None)
        ]) from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError([Problem(name, f"not allowed in a policy: {exc}", "remove the expression")]) from None
    except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as exc:
        line = _template_line(exc, name)
        raise TemplateError([
            Problem(name, f"cannot render: {exc}", "check the expression on that line",
                    line + first_line - 1 if line else None)
        ]) from None


def safe(markdown: str) -> Markup:
    """Mark engine-built Markdown (a link, say) so the fact escaper leaves it as it is."""
    return Markup(markdown)
