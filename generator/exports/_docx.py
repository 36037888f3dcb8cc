"""Word exports: one .docx per policy, for reviewers and legal teams who redline in Word.

Each document is the policy page everyone else reads (``Program.render_page``: title,
document control, text, shared sections, controls and revision history) converted from the
site's HTML, so Word, the site and the PDFs never disagree. Links to other policies point at
their sibling .docx files. The package is rewritten with fixed zip dates and the core
properties come from the policy's own dates, so an unchanged policy gives a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc
from ..program._program import Program
from ..render._markdown import markdown_to_html
from ..repo._files import normalized_zip, write_atomic
from ._docx_writer import DocxWriter, xml_safe
from ._html_tree import bookmark_names, parse_html


def policy_docx_name(program: Program, doc: PolicyDoc) -> str:
    """Return the predictable file name of a policy's Word file: ``ACME-POL-13-access-control-v1.2.docx``."""
    return program.file_name(doc, "docx")



def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _set_properties(document: Any, program: Program, doc: PolicyDoc) -> dt.date:
    """Fill the core properties from the policy; return the date the document was last changed."""
    dates = [entry.date for entry in doc.history] + [d for d in (doc.effective_date, doc.last_reviewed) if d]
    modified = max(dates, default=program.facts.audit.effective_date)
    created = doc.effective_date or min(dates, default=modified)
    owner = program.facts.people.role(doc.owner).name
    props = document.core_properties
    props.title = xml_safe(doc.title)
    props.subject = xml_safe(f"{program.facts.company.legal_name} policy")
    props.author = xml_safe(owner)
    props.last_modified_by = xml_safe(owner)
    props.created = _midnight(created)
    props.modified = _midnight(modified)
    props.last_printed = _midnight(created)
    props.revision = max(len(doc.history), 1)
    props.version = doc.version
    props.identifier = program.docid(doc)
    props.category = "Policy"
    props.keywords = ", ".join(doc.criteria)
    props.comments = xml_safe(doc.summary)
    props.content_status = "Approved" if doc.effective_date else "Draft"
    props.language = "en"
    return modified


def _drop_thumbnail(document: Any) -> None:
    """Remove python-docx's template thumbnail, which would show a blank page as the preview."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    rels = document.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL]:
        del rels[key]


def policy_docx(program: Program, doc: PolicyDoc) -> bytes:
    """Return one policy as a Word document."""
    try:
        import docx
    except ImportError:
        raise PolicyforgeError([Problem("python-docx", "is not installed",
                                        "install it: .venv/bin/pip install python-docx")]) from None

    document = docx.Document()
    _drop_thumbnail(document)
    tree = parse_html(markdown_to_html(program.render_page(doc)))
    links = {other.id: policy_docx_name(program, other) for other in program.policies.values()}
    DocxWriter(document, links, bookmark_names(tree)).blocks(tree, document)
    docid = program.docid(doc)
    header = document.sections[0].header.paragraphs[0]
    header.text = xml_safe(f"{docid} {doc.title}, version {doc.version}")
    modified = _set_properties(document, program, doc)
    raw = io.BytesIO()
    document.save(raw)
    return normalized_zip(raw.getvalue(), modified)


def write_docx(program: Program, out: Path) -> list[Path]:
    """Write every policy's .docx into ``out``; return the paths."""
    paths = []
    for doc in program.ordered_policies():
        path = out / policy_docx_name(program, doc)
        write_atomic(path, policy_docx(program, doc))
        paths.append(path)
    return paths
