"""Write a policy page's HTML tree into a python-docx document: paragraphs, lists, tables, links, bookmarks.

Links to other policies point at their sibling .docx files, links inside the page at Word bookmarks,
outside links stay links; text XML cannot hold becomes U+FFFD so a stray control character in a fact
never stops the export.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._html_tree import Node, text_of

_POLICY_HREF = re.compile(r"^(POL-\d{2})-[a-z0-9-]+\.md(?:#.*)?$")
_EXTERNAL_HREF = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td",
           "div", "dl", "dt", "dd", "blockquote", "pre", "hr"}
_HEADING_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3", "h5": "Heading 4",
                   "h6": "Heading 5"}
_LINK_COLOUR = "0563C1"
# Characters XML 1.0 cannot hold; a fact typed with one must not make the export fail.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def qn_run() -> str:
    """Return the qualified name of a Word run element."""
    from docx.oxml.ns import qn

    return qn("w:r")


def xml_safe(text: str) -> str:
    """Replace characters XML cannot hold with U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


@dataclass
class _Style:
    bold: bool = False
    italic: bool = False
    code: bool = False


class DocxWriter:
    """Write a policy's HTML tree into a python-docx document."""

    def __init__(self, document: Any, links: dict[str, str], bookmarks: dict[str, str]) -> None:
        self.document = document
        self.links = links
        self.bookmarks = bookmarks
        self.bookmark_id = 0
        self.style_ids: dict[str, str] = {}

    def style_id(self, name: str) -> str:
        """Return a style's id, looked up once (python-docx looks styles up slowly by name)."""
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    # ------------------------------------------------------------------ blocks
    def blocks(self, node: Node, container: Any) -> None:
        """Write the block children of ``node`` into ``container`` (the body or a table cell)."""
        pending: list[Node] = []
        for child in node.children:
            if child.tag and child.tag in _BLOCKS:
                self._flush_inline(pending, container)
                self.block(child, container)
            else:
                pending.append(child)
        self._flush_inline(pending, container)

    def _flush_inline(self, pending: list[Node], container: Any) -> None:
        if any(n.tag or n.text.strip() for n in pending):
            self.paragraph(container, pending)
        pending.clear()

    def block(self, node: Node, container: Any) -> None:
        tag = node.tag
        if tag in _HEADING_STYLES:
            self.paragraph(container, node.children, style=_HEADING_STYLES[tag], anchor=node.attrs.get("id"))
        elif tag == "p":
            self.paragraph(container, node.children, anchor=node.attrs.get("id"))
        elif tag in ("ul", "ol"):
            self.write_list(node, container, level=1)
        elif tag == "table":
            self.table(node, container)
        elif tag == "dt":
            self.paragraph(container, node.children, base=_Style(bold=True))
        elif tag == "dd":
            paragraph = self.paragraph(container, node.children)
            paragraph.paragraph_format.left_indent = self._inches(0.4)
        elif tag == "blockquote":
            for child in node.children:
                if child.tag == "p":
                    self.paragraph(container, child.children, style="Quote")
        elif tag == "pre":
            self.paragraph(container, node.children, base=_Style(code=True), keep_space=True)
        elif tag == "hr":
            return
        else:  # div, dl, li outside a list...: their children carry the content
            self.blocks(node, container)

    def write_list(self, node: Node, container: Any, level: int) -> None:
        kind = "List Number" if node.tag == "ol" else "List Bullet"
        style = kind if level == 1 else f"{kind} {min(level, 3)}"
        num_id = self._restart_numbering(style) if node.tag == "ol" else None
        for item in (child for child in node.children if child.tag == "li"):
            inline: list[Node] = []
            first = True
            for child in item.children:
                if child.tag in ("ul", "ol"):
                    if inline or first:
                        self._list_paragraph(container, inline, style, num_id)
                        inline, first = [], False
                    self.write_list(child, container, level + 1)
                elif child.tag == "p":
                    if first:
                        self._list_paragraph(container, inline + child.children, style, num_id)
                        first = False
                    else:
                        continuation = self.paragraph(container, child.children, style="List Continue")
                        continuation.paragraph_format.left_indent = self._inches(0.25 * level + 0.25)
                    inline = []
                else:
                    inline.append(child)
            if inline and any(n.tag or n.text.strip() for n in inline) or first:
                self._list_paragraph(container, inline, style, num_id)

    def _list_paragraph(self, container: Any, inline: list[Node], style: str, num_id: int | None) -> None:
        paragraph = self.paragraph(container, inline, style=style)
        if num_id is not None:
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id

    def _restart_numbering(self, style: str) -> int:
        """Start a fresh 1, 2, 3 for one ordered list (Word otherwise continues from the previous list)."""
        style_element = self.document.styles[style].element
        num_id = int(style_element.pPr.numPr.numId.val)
        numbering = self.document.part.numbering_part.element
        abstract = numbering.xpath(f"./w:num[@w:numId='{num_id}']/w:abstractNumId")[0].val
        num = numbering.add_num(abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return int(num.numId)

    def table(self, node: Node, container: Any) -> None:
        rows = [row for section in node.children if section.tag in ("thead", "tbody") for row in section.children
                if row.tag == "tr"] + [row for row in node.children if row.tag == "tr"]
        cells = [[cell for cell in row.children if cell.tag in ("th", "td")] for row in rows]
        width = max((len(r) for r in cells), default=0)
        if not width:
            return
        table = container.add_table(rows=len(cells), cols=width)
        table._tbl.tblPr.style = self.style_id("Table Grid")
        widths = self._column_widths(cells, width)
        for grid_column, column_width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            grid_column.w = column_width  # LibreOffice sizes columns from the grid, Word from the cells
        from docx.table import _Cell

        for r, (row, tr) in enumerate(zip(cells, table._tbl.tr_lst, strict=True)):
            for c, (cell, tc) in enumerate(zip(row, tr.tc_lst, strict=False)):
                target = _Cell(tc, table)  # table.cell(r, c) walks the whole table each time
                target.width = widths[c]
                holder = _CellContainer(target)
                if any(child.tag in _BLOCKS for child in cell.children):
                    self.blocks(cell, holder)
                else:
                    self.paragraph(holder, cell.children, base=_Style(bold=cell.tag == "th"))
            if row and all(cell.tag == "th" for cell in row):
                self._repeat_header(table.rows[r])
        from docx.shared import Pt

        for run_element in table._tbl.iter(qn_run()):
            run_element.get_or_add_rPr().sz_val = Pt(9)

    def _column_widths(self, cells: list[list[Node]], width: int) -> list[Any]:
        """Give each column room for its longest word, then share the rest by how much text it holds."""
        from docx.shared import Emu

        section = self.document.sections[0]
        total = section.page_width - section.left_margin - section.right_margin
        capacity = 90.0  # characters of 9-point table text across the page, roughly
        minimums, wants = [], []
        for column in range(width):
            texts = [text_of(row[column]) for row in cells if column < len(row)]
            longest = max((len(word) for text in texts for word in text.split()), default=1)
            minimum = min(longest, 20) + 3.5  # the word plus the cell padding
            average = sum(len(text) for text in texts) / max(len(texts), 1)
            minimums.append(minimum)
            wants.append(max(min(average, 80.0) - minimum, 0.0))
        spare = max(capacity - sum(minimums), 0.0)
        shares = [m + (spare * w / sum(wants) if sum(wants) else spare / width) for m, w in zip(minimums, wants,
                                                                                                strict=True)]
        return [Emu(int(total * share / sum(shares))) for share in shares]

    @staticmethod
    def _repeat_header(row: Any) -> None:
        from docx.oxml import OxmlElement

        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        tr_pr.append(header)

    @staticmethod
    def _inches(value: float) -> Any:
        from docx.shared import Inches

        return Inches(value)

    # ------------------------------------------------------------------ inline
    def paragraph(self, container: Any, nodes: list[Node], style: str | None = None, anchor: str | None = None,
                  base: _Style | None = None, keep_space: bool = False) -> Any:
        paragraph = container.add_paragraph()
        if style:
            paragraph._p.style = self.style_id(style)
        if anchor and anchor in self.bookmarks:
            self._bookmark(paragraph, self.bookmarks[anchor])
        state = {"start": True}
        for node in nodes:
            self.inline(paragraph, node, base or _Style(), state, keep_space)
        return paragraph

    def inline(self, paragraph: Any, node: Node, style: _Style, state: dict[str, bool], keep_space: bool,
               link: Any = None) -> None:
        if not node.tag:
            text = node.text if keep_space else re.sub(r"\s+", " ", node.text)
            if state["start"] and not keep_space:
                text = text.lstrip()
            if text:
                self._run(paragraph, text, style, link)
                state["start"] = False
            return
        tag = node.tag
        if tag == "br":
            self._run(paragraph, "", style, link).add_break()
            state["start"] = True
            return
        if node.attrs.get("id") in self.bookmarks:
            self._bookmark(paragraph, self.bookmarks[node.attrs["id"]])
        inner = _Style(style.bold or tag in ("strong", "b", "th"), style.italic or tag in ("em", "i"),
                       style.code or tag == "code")
        if tag == "a" and link is None:
            link = self._hyperlink(paragraph, node.attrs.get("href", ""))
        for child in node.children:
            self.inline(paragraph, child, inner, state, keep_space, link)

    def _run(self, paragraph: Any, text: str, style: _Style, link: Any) -> Any:
        run = paragraph.add_run(xml_safe(text))
        if style.bold:
            run.bold = True
        if style.italic:
            run.italic = True
        if style.code:
            run.font.name = "Courier New"
        if link is not None:
            from docx.enum.text import WD_UNDERLINE
            from docx.shared import RGBColor

            link.append(run._r)
            run.font.underline = WD_UNDERLINE.SINGLE
            run.font.color.rgb = RGBColor.from_string(_LINK_COLOUR)
        return run

    def _hyperlink(self, paragraph: Any, href: str) -> Any:
        """Return a ``w:hyperlink`` for ``href`` appended to the paragraph, or None to write plain text."""
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = OxmlElement("w:hyperlink")
        policy = _POLICY_HREF.match(href)
        if href.startswith("#") and href[1:] in self.bookmarks:
            element.set(qn("w:anchor"), self.bookmarks[href[1:]])
        elif policy and policy.group(1) in self.links:
            target = self.links[policy.group(1)]
            element.set(qn("r:id"), paragraph.part.relate_to(target, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        elif _EXTERNAL_HREF.match(href):
            element.set(qn("r:id"), paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
        else:
            return None
        paragraph._p.append(element)
        return element

    def _bookmark(self, paragraph: Any, name: str) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmark_id))
        paragraph._p.append(start)
        paragraph._p.append(end)


class _CellContainer:
    """Let a table cell take paragraphs like the body, reusing the empty paragraph a new cell starts with."""

    def __init__(self, cell: Any) -> None:
        self.cell = cell
        self.fresh = True

    def add_paragraph(self) -> Any:
        if self.fresh:
            self.fresh = False
            return self.cell.paragraphs[0]
        return self.cell.add_paragraph()

    def add_table(self, rows: int, cols: int) -> Any:
        return self.cell.add_table(rows=rows, cols=cols)

