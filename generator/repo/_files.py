"""Write files so that a reader never sees half of one (write beside, then rename over), and zips byte for byte."""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path


def _default_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` in one rename; an interrupted write leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; give the file the mode it had, or what the umask allows.
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else _default_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def policy_files(folder: Path) -> list[Path]:
    """Return the policy files directly in ``folder`` (every ``*.md``), sorted by name; none if it does not exist.

    The one scan of a policies folder: the library's templates, a company's ``policies/`` (where a file
    that is not a sound policy is reported, never skipped), its retired, base and pending copies.
    """
    # A link is never read (it may point at /proc/self/environ or /dev/zero); check and build report it.
    return sorted(p for p in folder.glob("*.md") if p.is_file() and not p.is_symlink())


def normalized_zip(data: bytes, day: dt.date) -> bytes:
    """Rewrite a zip (a .docx or .xlsx) with one date and fixed attributes, so identical content gives identical bytes.

    Writers stamp each entry with the current time and the platform's attributes; this gives every entry
    ``day`` (zip dates start in 1980), Unix as its system and mode 0644, deflated.
    """
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return zip_bytes(((info.filename, source.read(info.filename)) for info in source.infolist()), stamp)


def zip_bytes(entries: Iterable[tuple[str, bytes]], stamp: tuple[int, int, int, int, int, int]) -> bytes:
    """Return a zip of ``(name, data)`` entries in the order given, each dated ``stamp``, Unix, mode 0644, deflated.

    The one zip writer: the same entries always give the same bytes, on any platform.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in entries:
            fixed = zipfile.ZipInfo(name, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)
    return out.getvalue()
