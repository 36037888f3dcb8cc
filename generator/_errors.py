"""Errors the engine reports to people: each names where the problem is and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the engine can."""

    where: str
    message: str
    fix: str = ""
    line: int | None = None

    def __str__(self) -> str:
        """Render as ``where[:line]: message — fix`` (only ``message — fix`` when nothing locates it)."""
        location = f"{self.where}:{self.line}" if self.line else self.where
        text = f"{location}: {self.message}" if location else self.message
        return f"{text} — {self.fix}" if self.fix else text


class BadValue(ValueError):
    """One value that cannot be used: what is wrong with it and the fix; the caller adds where it is."""

    def __init__(self, message: str, fix: str) -> None:
        """Keep the message and the fix apart, so the caller can place them in a ``Problem``."""
        super().__init__(f"{message} — {fix}")
        self.message = message
        self.fix = fix


def yaml_problem(exc: Exception, where: str) -> Problem:
    """Return a YAML syntax error as ``where:line: not valid YAML: what — fix the syntax``."""
    mark = getattr(exc, "problem_mark", None)
    return Problem(where, f"not valid YAML: {getattr(exc, 'problem', exc)}", "fix the syntax",
                   mark.line + 1 if mark else None)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return "did you mean X? " for a misspelt word close to one of ``choices``, else ""."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean {close[0]}? " if close else ""


class PolicyforgeError(Exception):
    """An input problem the user can fix; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]) -> None:
        """Keep the problems and build a readable message from them."""
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FactsError(PolicyforgeError):
    """Company facts that fail validation."""


class TemplateError(PolicyforgeError):
    """A policy template or policy file that cannot be loaded or rendered."""
