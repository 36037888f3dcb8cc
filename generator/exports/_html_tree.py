"""A small tree of the HTML a policy page renders to, for the exports that rebuild it in another format.

Python-Markdown writes well-formed fragments; ``parse_html`` keeps their elements, attributes and text
so a writer (Word today) can walk them, and ``bookmark_names`` gives each HTML id a name Word accepts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = {"br", "hr", "img", "input", "meta", "link"}


@dataclass
class Node:
    """An HTML element (``tag``) or a run of text (``tag`` empty)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node] = field(default_factory=list)
    text: str = ""


class _TreeBuilder(HTMLParser):
    """Turn the HTML fragment Python-Markdown writes into a small tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(Node("", text=data))


def parse_html(fragment: str) -> Node:
    """Return the tree of an HTML fragment."""
    builder = _TreeBuilder()
    builder.feed(fragment)
    builder.close()
    return builder.root



def text_of(node: Node) -> str:
    """Return the text inside a node."""
    return node.text if not node.tag else "".join(text_of(child) for child in node.children)



def bookmark_names(root: Node) -> dict[str, str]:
    """Give every HTML id a Word bookmark name (letters, digits and _; at most 40 characters; unique)."""
    names: dict[str, str] = {}
    used: set[str] = set()

    def visit(node: Node) -> None:
        ident = node.attrs.get("id")
        if ident and ident not in names:
            base = ("pf_" + re.sub(r"[^A-Za-z0-9_]", "_", ident))[:36]
            name, number = base, 1
            while name in used:
                number += 1
                name = f"{base}_{number}"
            names[ident] = name
            used.add(name)
        for child in node.children:
            visit(child)

    visit(root)
    return names


