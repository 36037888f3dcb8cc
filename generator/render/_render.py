"""Render policy Markdown with Jinja2: strict, sandboxed, and escaping every fact it prints.

Policy files are Jinja2 Markdown because the same text must follow the company's facts (its
cloud, its numbers, its scope). The environment is sandboxed because policy files are edited by
pull request; facts are passed as data and are never themselves compiled as templates.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from .._errors import BadValue, Problem, TemplateError
from ..model._commitments import number_text, unit_phrase, unit_word
from ._escape import markdown_text
from ._grammar import agree, article, closed, plural, possessive, verb_for
from ._template_cache import TemplateCache


def hours(number: float) -> str:
    """Format a number of hours for prose: ``1 hour``, ``24 hours``, ``15 minutes`` for 0.25."""
    return unit_phrase(number, "hour")


def hour_adjective(number: float) -> str:
    """Format hours as a compound adjective before a noun: ``the 8-hour recovery time objective``."""
    if 0 < number < 1:
        return f"{number_text(round(number * 60))}-{unit_word('minute')}"
    return f"{number_text(number)}-{unit_word('hour')}"


def days(number: float) -> str:
    """Format a number of days for prose: ``1 day``, ``30 days``."""
    return unit_phrase(number, "day")


def months(number: float) -> str:
    """Format a number of months for prose."""
    return unit_phrase(number, "month")


def join_and(items: Iterable[object], last: str = "and") -> str:
    """Join ``['a', 'b', 'c']`` as ``a, b and c``."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def long_date(value: dt.date) -> str:
    """Format a date unambiguously for readers in any country: ``1 December 2026``."""
    return f"{value.day} {value.strftime('%B %Y')}"


# Limits of one template render. A policy is edited by pull request and rendered in CI and in the
# publish job: it must not be able to stop the build or fill memory. The longest library policy
# renders to about 20,000 characters; ten times that is the most a page may hold.
MAX_RENDERED_CHARS = 200_000
MAX_BUILT_SIZE = 100_000  # characters or items one expression may build ("ab " * N, [0] * N)
MAX_POWER = 1_000  # largest exponent of **
MAX_FORMAT_WIDTH = 1_000  # largest width or precision in a format ('%09999d', '{:>9999}')
MAX_RENDER_SECONDS = 10
_WIDTH = re.compile(r"%[-#0 +]*(\d*)(?:\.(\d*))?|\{[^{}]*?:[^{}]*?(\d+)(?:\.(\d+))?[^{}]*\}")


class RenderLimitError(Exception):
    """A template went past one of the render limits."""


def _check_format(text: object) -> None:
    if isinstance(text, str):
        for match in _WIDTH.finditer(text):
            if any(group and len(group) < 12 and int(group) > MAX_FORMAT_WIDTH for group in match.groups()) or \
                    any(group and len(group) >= 12 for group in match.groups()):
                raise RenderLimitError(f"a format width above {MAX_FORMAT_WIDTH}")


class _BoundedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox plus limits on what one operator or format can build."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and \
                        len(seq) * max(count, 0) > MAX_BUILT_SIZE:
                    raise RenderLimitError(f"a repetition of more than {MAX_BUILT_SIZE:,} characters or items")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > MAX_POWER:
                raise RenderLimitError(f"a power above {MAX_POWER}")
        elif operator == "%":
            _check_format(left)
        return super().call_binop(context, operator, left, right)

    def wrap_str_format(self, value: Any) -> Any:
        """Check a string's format widths when its ``format``/``format_map`` is looked up."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(getattr(value, "__self__", None))
        return wrapped


def _bounded_format(value: Any, *args: Any, **kwargs: Any) -> str:
    _check_format(value)
    return str(jinja2.filters.do_format(value, *args, **kwargs))


@contextlib.contextmanager
def _time_limit(seconds: int) -> Iterator[None]:
    """Stop a render that runs too long (a loop without output), where signals can be used."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderLimitError(f"more than {seconds} seconds")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _environment() -> ImmutableSandboxedEnvironment:
    env = _BoundedEnvironment(
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
    env.filters["format"] = _bounded_format
    env.filters.update(hours=hours, hour_adjective=hour_adjective, days=days, months=months, join_and=join_and,
                       long_date=long_date,
                       article=article, agree=agree, verb_for=verb_for, plural=plural,
                       possessive=possessive, closed=closed)
    return env


_ENV = _environment()
_CACHE: TemplateCache | None = None


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
    # Compile under the file's name so traceback frames carry it and errors get a line; the
    # compiled code is kept between processes (see _template_cache).
    global _CACHE
    if _CACHE is None:
        _CACHE = TemplateCache(_ENV)
    code = _CACHE.compile(source, name)
    return _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)


def render_markdown(source: str, name: str, context: Mapping[str, Any], first_line: int = 1) -> str:
    """Render one policy body; ``first_line`` is where the body starts in its file, for error lines."""
    limit_fix = ("a policy renders to at most "
                 f"{MAX_RENDERED_CHARS:,} characters, in {MAX_RENDER_SECONDS} seconds, without repeating text "
                 f"more than {MAX_BUILT_SIZE:,} times: remove the expression")
    try:
        with _time_limit(MAX_RENDER_SECONDS):
            parts: list[str] = []
            size = 0
            for chunk in _compiled(source, name).generate(**context):
                size += len(chunk)
                if size > MAX_RENDERED_CHARS:
                    raise RenderLimitError(f"more than {MAX_RENDERED_CHARS:,} characters")
                parts.append(chunk)
            return "".join(parts)
    except RenderLimitError as exc:
        line = _template_line(exc, name)
        raise TemplateError([Problem(name, f"the template goes past a render limit: {exc}", limit_fix,
                                     line + first_line - 1 if line else None)]) from None
    except (RecursionError, MemoryError, OverflowError) as exc:
        line = _template_line(exc, name)
        raise TemplateError([Problem(name, f"the template goes past a render limit ({type(exc).__name__})",
                                     limit_fix, line + first_line - 1 if line else None)]) from None
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
    except BadValue as exc:  # a value the template asked for cannot be printed that way; the fix says how
        line = _template_line(exc, name)
        raise TemplateError([Problem(name, f"cannot render: {exc.message}", exc.fix,
                                     line + first_line - 1 if line else None)]) from None
    except Exception as exc:  # noqa: BLE001 - any failure of untrusted template code is the author's to fix
        line = _template_line(exc, name)
        raise TemplateError([
            Problem(name, f"cannot render: {type(exc).__name__}: {str(exc)[:200]}", "check the expression on that line",
                    line + first_line - 1 if line else None)
        ]) from None


def safe(markdown: str) -> Markup:
    """Mark engine-built Markdown (a link, say) so the fact escaper leaves it as it is."""
    return Markup(markdown)
