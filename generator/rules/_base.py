"""What a consistency rule sees and returns: the rendered program, its sources, and problems located in them.

A rule is a small function over one company's program. The same rule runs on every variant of the
library (``lint-library``, where the sources are the templates) and on a company repository
(``check``, where the sources are the company's own policy files and ``company.yml``), so a hand
edit that makes the program contradict itself is caught in the pull request that makes it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .._errors import PolicyforgeError, Problem
from ..model._catalog import Control
from ..program._program import Program

_STATEMENT = re.compile(r"\*\*(\d+(?:\.\d+)+)\*\*")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{##.*?##\}", re.DOTALL)


@dataclass(frozen=True)
class Source:
    """A policy as written: the file to point at, its body and the line the body starts on."""

    policy_id: str
    where: str
    body: str
    body_line: int
    text: str = ""

    def key_line(self, key: str) -> int | None:
        """Return the line of a front matter key (``approver:``) in the file."""
        match = re.search(rf"^\s*-?\s*{re.escape(key)}:", self.text, re.MULTILINE)
        return self.text.count("\n", 0, match.start()) + 1 if match else None

    def line_of(self, offset: int) -> int:
        """Return the file line of a character offset in the body."""
        return self.body.count("\n", 0, offset) + self.body_line

    def statement_line(self, number: str) -> int | None:
        """Return the file line of statement ``**4.1.2**``."""
        index = self.body.find(f"**{number}**")
        return self.line_of(index) if index >= 0 else None

    def find_line(self, text: str) -> int | None:
        """Return the line of the first occurrence of ``text`` written literally in the body."""
        index = self.body.find(text)
        return self.line_of(index) if index >= 0 else None

    def locate(self, number: str | None, sentence: str) -> int | None:
        """Return the line a rendered sentence comes from: its statement number, else its longest literal start.

        Facts are substituted in the rendered text, so the search stops at the first text a fact printed.
        """
        if number and (line := self.statement_line(number)):
            return line
        words = sentence.split()
        for size in range(min(len(words), 8), 1, -1):
            line = self.find_line(" ".join(words[:size]))
            if line:
                return line
        return None


@dataclass
class RuleInput:
    """One company's program as the rules see it."""

    program: Program
    sources: dict[str, Source]
    # Where commitments are set: the company file and the line of each dotted key (check), or the catalog.
    company_file: str | None = None
    company_lines: dict[str, int] = field(default_factory=dict)

    @functools.cached_property
    def rendered(self) -> dict[str, str]:
        """Return each policy's body rendered for the company (policies that fail to render are left out)."""
        out: dict[str, str] = {}
        for doc in self.program.ordered_policies():
            try:
                out[doc.id] = self.program.render_body(doc)
            except PolicyforgeError:
                continue
        return out

    @functools.cached_property
    def statements(self) -> dict[str, str]:
        """Return each control's statement rendered for the company, in one line."""
        out: dict[str, str] = {}
        for control in self.program.controls():
            home = self.program.policies.get(control.policy)
            doc = home if home and control.id in home.controls else next(
                (d for d in self.program.ordered_policies() if control.id in d.controls), home)
            if doc is None:
                continue
            try:
                out[control.id] = " ".join(self.program.render_statement(control, doc).split())
            except PolicyforgeError:
                continue
        return out

    def controls(self) -> list[Control]:
        """Return the controls in force, with the company's frequencies."""
        return self.program.controls()

    def commitment_location(self, name: str) -> tuple[str, int | None]:
        """Return the file and line where a commitment's value is set for this company."""
        value = self.program.commitments.get(name)
        if value is not None and value.origin != "library default" and self.company_file:
            return self.company_file, self.company_lines.get(value.origin)
        catalog = self.program.library.catalog.commitments
        entry = catalog.entries.get(name)
        return catalog.path, entry.line if entry else None

    def control_location(self, control: Control) -> tuple[str, int | None]:
        """Return the controls file and line of a control."""
        try:
            with open(control.source, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            return control.source, None
        index = text.find(f"id: {control.id}")
        return control.source, text.count("\n", 0, index) + 1 if index >= 0 else None

    def sentences(self, policy_id: str) -> Iterable[tuple[str | None, str]]:
        """Yield (statement number, sentence) for each sentence of a rendered policy."""
        body = self.rendered.get(policy_id, "")
        # Paragraphs, and each item of a list or row of a table on its own.
        for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*|]|\d+\.)\s)", body):
            match = _STATEMENT.search(paragraph)
            number = match.group(1) if match else None
            text = " ".join(paragraph.split())
            for sentence in re.split(r"(?<=[.;!?])\s+(?=[A-Z*(])", text):
                yield number, sentence


def strip_jinja(text: str) -> str:
    """Return template text with every expression blanked out (same length, so offsets hold)."""
    return _JINJA.sub(lambda m: " " * len(m.group(0)), text)


RuleFunction = Callable[[RuleInput], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: a code for selecting it, a one-line summary, and the function."""

    code: str
    summary: str
    check: RuleFunction


def library_view(program: Program) -> RuleInput:
    """Return the rules' view of a variant company built from the library: sources are the templates."""
    sources: dict[str, Source] = {}
    for doc in program.ordered_policies():
        template = program.library.templates.get(doc.id)
        if template is None:
            continue
        try:
            with open(template.path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError:
            text = ""
        sources[doc.id] = Source(doc.id, template.path, template.body, template.body_line, text)
    return RuleInput(program, sources)


def company_view(program: Program, texts: dict[str, str], company_file: str,
                 company_lines: dict[str, int]) -> RuleInput:
    """Return the rules' view of a company repository: sources are its own policy files and company.yml."""
    sources = {doc.id: Source(doc.id, doc.path, doc.body, doc.body_line, texts.get(doc.id, ""))
               for doc in program.ordered_policies()}
    return RuleInput(program, sources, company_file, company_lines)
