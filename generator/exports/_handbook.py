"""Join separately laid-out parts into the handbook without laying out a page again.

Each part (cover, contents, every policy, the appendices) is a finished PDF. The join copies
their pages after the cover, whose catalog (document information, XMP metadata and, for
PDF/A-3b, the output intent) becomes the handbook's, and rebuilds what spans parts: one outline,
one table of named destinations, links from part to part, and page labels (front matter in
lower-case roman numerals, the body from 1). pikepdf (qpdf) does the copying: measured against
pypdf and WeasyPrint's own document copying in ``bench/README.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pikepdf

from ._pdf import Part


@dataclass(frozen=True)
class _Mark:
    """A place on a page of the joined document: page index and position (PDF points)."""

    page: int
    left: float
    top: float


def _walk_outline(first: Any) -> Iterator[Any]:
    item = first
    while item is not None:
        yield item
        item = item.get("/Next")


def _mark(dest: Any, page_index: dict[tuple[int, int], int], offset: int) -> _Mark | None:
    if not isinstance(dest, pikepdf.Array) or len(dest) < 1:
        return None
    index = page_index.get(dest[0].objgen)
    if index is None:
        return None
    left = float(dest[2]) if len(dest) > 2 and isinstance(dest[2], (int, float, pikepdf.Object)) else 0.0
    top = float(dest[3]) if len(dest) > 3 and isinstance(dest[3], (int, float, pikepdf.Object)) else 0.0
    return _Mark(offset + index, left, top)


def _outline(first: Any, page_index: dict[tuple[int, int], int], offset: int) -> list[pikepdf.OutlineItem]:
    """Copy a part's bookmarks, pointing at its pages' places in the joined document."""
    items = []
    for node in _walk_outline(first):
        mark = _mark(node.get("/Dest"), page_index, offset)
        title = str(node.get("/Title", ""))
        item = (pikepdf.OutlineItem(title, mark.page, "XYZ", left=mark.left, top=mark.top) if mark
                else pikepdf.OutlineItem(title))
        if "/First" in node:
            item.children.extend(_outline(node.First, page_index, offset))
        items.append(item)
    return items


def _names(pdf: pikepdf.Pdf) -> Iterator[tuple[str, Any]]:
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    yield from ((str(key), value) for key, value in pikepdf.NameTree(names.Dests).items())


def _link_target(uri: str, links: dict[str, str], names: dict[str, _Mark]) -> str | None:
    """Return the named destination a link to another part lands on, or None for a link out of the handbook."""
    file_name, _, fragment = uri.partition("#")
    if file_name not in links:
        return None
    return fragment if fragment in names else links[file_name]


def join_handbook(parts: Sequence[tuple[Part, bytes]], front_parts: int) -> bytes:
    """Return the handbook: ``parts`` in order, the first being the cover; ``front_parts`` are front matter."""
    cover_part, cover_data = parts[0]
    book = pikepdf.open(BytesIO(cover_data))
    marks: dict[str, _Mark] = {}
    outline: list[pikepdf.OutlineItem] = []
    front_pages = 0
    for number, (part, data) in enumerate(parts):
        source = book if number == 0 else pikepdf.open(BytesIO(data))
        offset = 0 if number == 0 else len(book.pages)
        page_index = {page.obj.objgen: i for i, page in enumerate(source.pages)}
        for name, dest in _names(source):
            mark = _mark(dest, page_index, offset)
            if mark is not None:
                marks[name] = mark
        marks[part.anchor] = _Mark(offset, 0.0, float(source.pages[0].mediabox[3]))
        if "/Outlines" in source.Root and "/First" in source.Root.Outlines:
            outline.extend(_outline(source.Root.Outlines.First, page_index, offset))
        if number:
            with warnings.catch_warnings():  # named destinations are rebuilt below, for all parts at once
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                book.pages.extend(source.pages)
        if number < front_parts:
            front_pages = len(book.pages)
    links = {part.link: part.anchor for part, _ in parts}
    for page in book.pages:
        for annotation in page.get("/Annots", []):
            action = annotation.get("/A")
            if action is None or action.get("/S") != pikepdf.Name.URI:
                continue
            target = _link_target(str(action.URI), links, marks)
            if target is not None:
                del annotation["/A"]
                annotation.Dest = pikepdf.String(target)
    pages = book.pages
    dests = pikepdf.Array()
    for name in sorted(marks, key=lambda n: n.encode("utf-8")):
        mark = marks[name]
        dests.append(pikepdf.String(name))
        dests.append(pikepdf.Array([pages[mark.page].obj, pikepdf.Name.XYZ, mark.left, mark.top, 0]))
    book.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=dests))
    if "/Outlines" in book.Root:
        del book.Root["/Outlines"]
    with book.open_outline() as tree:
        tree.root.extend(outline)
    numbering: list[object] = [0, pikepdf.Dictionary(S=pikepdf.Name.r)]
    if front_pages < len(pages):
        numbering += [front_pages, pikepdf.Dictionary(S=pikepdf.Name.D)]
    labels = pikepdf.Array(numbering)
    book.Root.PageLabels = pikepdf.Dictionary(Nums=labels)
    out = BytesIO()
    book.save(out, deterministic_id=True)
    return out.getvalue()
