"""Write an openpyxl workbook as reproducible bytes: the one xlsx writer of the kit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING

from ..repo._files import normalized_zip

if TYPE_CHECKING:
    from openpyxl import Workbook


def workbook_bytes(book: Workbook, title: str, created: dt.date, subject: str | None = None) -> bytes:
    """Return ``book`` dated ``created`` with fixed properties, so the same tables give the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    moment = dt.datetime(created.year, created.month, created.day)
    props = book.properties
    props.creator = props.lastModifiedBy = "policyforge"
    props.title = title
    if subject is not None:
        props.subject = subject
    props.created = props.modified = moment
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save: save() stamps "modified" with the current time.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    return normalized_zip(buffer.getvalue(), created)
