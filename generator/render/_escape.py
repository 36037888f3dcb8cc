"""Escape company facts for the places they land.

Facts are data typed by people: a company called ``<b>Acme</b> & *Co*`` must appear exactly
like that on every page and in every PDF, never as markup. Jinja applies ``markdown_text`` to
every ``{{ ... }}`` output of a policy template, so no template author has to remember to.
"""

from __future__ import annotations

import re

from markupsafe import Markup

# Characters Python-Markdown (and the extensions we enable) give meaning to anywhere in a line.
_INLINE = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "{": "\\{",
    "}": "\\}",
    "|": "\\|",
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
}
_INLINE_RE = re.compile("|".join(re.escape(c) for c in _INLINE))
# Characters that only mean something at the start of a line (lists, headings, quotes, rules).
_LEADING_RE = re.compile(r"^(\d+)([.)])(?=\s|$)|^([-+#=:~!])")


def markdown_text(value: object) -> str:
    """Return ``value`` as Markdown source that renders to exactly its text."""
    if isinstance(value, Markup):
        return str(value)
    text = " ".join(str(value).splitlines())
    text = _INLINE_RE.sub(lambda m: _INLINE[m.group(0)], text)
    return _LEADING_RE.sub(_neutralise_leading, text)


def _neutralise_leading(match: re.Match[str]) -> str:
    # A numeric character reference is literal text to Markdown in every position, where a
    # backslash escape is only honoured before some characters ("\=" would stay visible).
    if match.group(1):
        return f"{match.group(1)}&#{ord(match.group(2))};"
    return f"&#{ord(match.group(3))};"

