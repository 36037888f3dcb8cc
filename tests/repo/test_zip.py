"""The one zip writer: the same entries give the same bytes, whatever wrote the zip before."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from policyforge.repo._files import normalized_zip, zip_bytes

STAMP = (2026, 12, 1, 0, 0, 0)


def test_zip_bytes_keeps_the_order_and_fixes_date_system_mode_and_compression() -> None:
    data = zip_bytes([("b.txt", b"second"), ("a.txt", b"first")], STAMP)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == ["b.txt", "a.txt"]
        assert [archive.read(i) for i in infos] == [b"second", b"first"]
    assert {(i.date_time, i.create_system, i.external_attr >> 16, i.compress_type) for i in infos} == {
        (STAMP, 3, 0o644, zipfile.ZIP_DEFLATED)}


def test_zip_bytes_gives_the_same_bytes_for_the_same_entries() -> None:
    entries = [("word/document.xml", b"<w:document/>"), ("[Content_Types].xml", b"<Types/>")]
    assert zip_bytes(entries, STAMP) == zip_bytes(iter(entries), STAMP)


def test_normalized_zip_rewrites_any_zip_to_the_bytes_of_its_entries_on_one_day() -> None:
    written = io.BytesIO()
    with zipfile.ZipFile(written, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("x.xml", date_time=(2001, 2, 3, 4, 5, 6)), b"<x/>")
        archive.writestr("y.xml", b"<y/>")
    assert normalized_zip(written.getvalue(), dt.date(2026, 12, 1)) == zip_bytes(
        [("x.xml", b"<x/>"), ("y.xml", b"<y/>")], STAMP)


def test_a_zip_dated_before_1980_is_dated_1980_the_first_year_zip_can_hold() -> None:
    data = normalized_zip(zip_bytes([("x", b"x")], STAMP), dt.date(1970, 6, 15))
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].date_time == (1980, 6, 15, 0, 0, 0)
