"""What a long-lived process keeps between loads of one company's program (``mkdocs serve``).

Each result is kept under exactly what it was made from, so an edited policy, a changed
``company.yml`` or another library is read and rendered again, and nothing else is:

- the library, under ``library_stamp`` (its files' names, sizes and times);
- the facts, under the bytes of ``company.yml`` and that library (the commitments catalog);
- each policy file's parsed form, under its name and text;
- each rendered policy text (a body, a control statement), under its source, file, first line
  and policy variables, while the facts, library, policy links and unwritten ids it was rendered
  with are the program's (``RenderMemo``).

Everything lives in this process's memory: nothing is written where a pull request could reach it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import Problem
from ..model._documents import PolicyDoc, parse_or_report
from ..model._facts import Facts, load_facts, parse_facts_yaml
from ..model._library import Library, library_root, library_stamp, load_library

# Rendered texts kept at most (a library renders about 30 bodies and 200 statements): old
# versions of an edited policy are dropped first.
RENDER_LIMIT = 4096


@dataclass
class RenderMemo:
    """Rendered policy texts of one scope (facts, library, links, unwritten ids), by what else they read."""

    _scope: tuple[Facts, Library, tuple[tuple[str, tuple[str, str]], ...], frozenset[str]] | None = None
    _texts: dict[tuple[Any, ...], str] = field(default_factory=dict)

    def text(self, scope: tuple[Facts, Library, tuple[tuple[str, tuple[str, str]], ...], frozenset[str]],
             key: tuple[Any, ...], render: Callable[[], str]) -> str:
        """Return the kept rendering of ``key`` in ``scope``, or render it (a failed render is not kept)."""
        kept = self._scope
        if kept is None or kept[0] is not scope[0] or kept[1] is not scope[1] or kept[2:] != scope[2:]:
            self._scope, self._texts = scope, {}
        found = self._texts.get(key)
        if found is None:
            found = render()
            if len(self._texts) >= RENDER_LIMIT:
                del self._texts[next(iter(self._texts))]
            self._texts[key] = found
        return found


@dataclass
class KeptInputs:
    """The library, facts, parsed policies and renderings of the last load, reused while their inputs are unchanged."""

    renders: RenderMemo = field(default_factory=RenderMemo)
    _library: tuple[str, Library] | None = None
    _facts: tuple[bytes, str, Facts] | None = None  # company.yml's bytes, the library stamp, its facts
    _docs: dict[str, tuple[str, PolicyDoc]] = field(default_factory=dict)

    def library(self) -> Library:
        """Return the library, loaded again when its files changed (call it first in each load: facts follow it)."""
        root = library_root()
        stamp = library_stamp(root)
        if self._library is None or self._library[0] != stamp:
            self._library = (stamp, load_library(root))
        return self._library[1]

    def facts(self, path: Path) -> Facts:
        """Return ``company.yml``'s facts, parsed again when its bytes or the library changed.

        The facts read the library's commitments catalog, so they are kept under the stamp ``library``
        last saw; errors are reported as ``load_facts`` reports them.
        """
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return load_facts(path)  # reports the file as load_facts does
        stamp = self._library[0] if self._library is not None else ""
        if stamp and self._facts is not None and self._facts[:2] == (data, stamp):
            return self._facts[2]
        facts = parse_facts_yaml(text, where=path.name)
        self._facts = (data, stamp, facts) if stamp else None
        return facts

    def policy(self, text: str, where: str, problems: list[Problem]) -> PolicyDoc | None:
        """Return a company policy file parsed, again only when its text changed (problems as ``parse_or_report``)."""
        kept = self._docs.get(where)
        if kept is not None and kept[0] == text:
            return kept[1]
        doc = parse_or_report(text, where, True, problems)
        if doc is None:
            self._docs.pop(where, None)
        else:
            self._docs[where] = (text, doc)
        return doc
