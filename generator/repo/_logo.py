"""The company's logo, named in ``company.yml`` as ``layout.logo``: the one file outside ``policies/`` published.

The logo lands on every PDF cover and in the site header, so it is untrusted data from a pull
request like any other file. It is accepted only as a regular file (no link, no linked folder)
inside the repository, of at most ``MAX_LOGO_BYTES``, whose bytes are what its name says: a PNG
by its signature, an SVG by its root element. An SVG with a DTD or an entity declaration is
refused before it is parsed (so no entity is ever expanded), and refused when anything in it
could run or reach outside the file: a script, an event handler, ``foreignObject``, or an
``href``/``src``/``url()`` that is not a fragment of the file itself. Offline builds stay
offline and the site serves no active content.
"""

from __future__ import annotations

import copy
import functools
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from .._errors import Problem
from ._layout import COMPANY_FILE

LOGO_FIELD = "layout.logo"
LOGO_TYPES: dict[str, str] = {".png": "image/png", ".svg": "image/svg+xml"}
MAX_LOGO_BYTES = 1_000_000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_ACTIVE_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
_LINK_ATTRIBUTES = frozenset({"href", "src", "xlink:href"})
_URL_FUNCTION = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_IMPORT = re.compile(r"@import", re.IGNORECASE)
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST)", re.IGNORECASE)
_FIX = (f"set {LOGO_FIELD} in {COMPANY_FILE} to a .png or an .svg (no scripts, no external links) of at most "
        f"{MAX_LOGO_BYTES // 1_000_000} MB committed inside the repository, or remove the setting")


@dataclass(frozen=True)
class Logo:
    """A checked logo: its path relative to the repository and its media type."""

    name: str
    media_type: str

    def path(self, repo: Path) -> Path:
        """Return the logo's absolute path in ``repo``."""
        return repo / self.name


def logo_setting(repo: Path) -> tuple[object, int | None]:
    """Return the raw ``layout.logo`` value of company.yml (None when unset) and its line."""
    try:
        text = (repo / COMPANY_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, None  # load_facts reports an unreadable company.yml
    value, line = _setting_in(text)
    return copy.deepcopy(value), line  # the kept value stays as read (a list or mapping is refused, not changed)


@functools.lru_cache(maxsize=8)
def _setting_in(text: str) -> tuple[object, int | None]:
    """Find ``layout.logo`` in company.yml's text: once per text (each `mkdocs serve` rebuild checks the logo)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None, None  # load_facts reports the YAML error
    if not isinstance(root, yaml.MappingNode):
        return None, None
    for key, value in root.value:
        if key.value == "layout" and isinstance(value, yaml.MappingNode):
            for sub, node in value.value:
                if sub.value == "logo":
                    return yaml.safe_load(yaml.serialize(node)), sub.start_mark.line + 1
    return None, None


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def svg_problem(data: bytes) -> str | None:
    """Return why an SVG cannot be shown as a logo, or None when it is a plain, self-contained drawing."""
    from xml.etree import ElementTree

    if _DECLARATION.search(data):
        return "is not a well-formed SVG without a DTD (it declares a DTD or entities)"
    try:  # without a DTD, expat knows only the five predefined entities: nothing expands or loads
        root = ElementTree.fromstring(data)  # noqa: S314 - declarations are refused above
    except (ElementTree.ParseError, ValueError) as exc:
        return f"is not a well-formed SVG without a DTD ({type(exc).__name__})"
    if root.tag != f"{{{_SVG_NAMESPACE}}}svg":
        return "is not an SVG: its root element is not <svg> in the SVG namespace"
    for element in root.iter():
        name = _local_name(str(element.tag))
        if name in _ACTIVE_ELEMENTS:
            return f"holds a <{name}> element"
        if name == "style" and element.text and (_URL_FUNCTION.search(element.text) or _IMPORT.search(element.text)):
            return "has a stylesheet that loads another file"
        for attribute, value in element.attrib.items():
            local = _local_name(attribute)
            if local.startswith("on"):
                return f"has an event handler ({local}=)"
            if (local in _LINK_ATTRIBUTES or attribute.endswith("}href")) and not value.strip().startswith("#"):
                return f"links outside itself ({local}={value[:60]!r})"
            if _URL_FUNCTION.search(value) or _IMPORT.search(value):
                return f"loads another file ({local}={value[:60]!r})"
    return None


def _located(repo: Path, name: str) -> tuple[Path | None, str | None]:
    """Return the logo's path when it lies inside the repository with no link on the way, else why not."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or ":" in name or name.startswith("//"):
        return None, f"{name!r} is not a path inside the repository"
    path = repo / relative
    for part in [*reversed(path.relative_to(repo).parents), Path(relative)]:
        if str(part) != "." and (repo / part).is_symlink():
            return None, f"{part.as_posix()} is a symbolic link"
    try:
        info = path.lstat()
    except OSError:
        return None, f"{name} does not exist"
    if not stat.S_ISREG(info.st_mode):
        return None, f"{name} is not a regular file"
    if not path.resolve().is_relative_to(repo.resolve()):
        return None, f"{name} lies outside the repository"
    if info.st_size > MAX_LOGO_BYTES:
        return None, f"{name} is larger than {MAX_LOGO_BYTES // 1_000_000} MB"
    return path, None


def check_logo(repo: Path) -> tuple[Logo | None, Problem | None]:
    """Return the company's checked logo (None when unset), or the one problem that refuses it."""
    value, line = logo_setting(repo)
    if value is None or value == "":
        return None, None

    def refuse(message: str) -> tuple[Logo | None, Problem | None]:
        return None, Problem(COMPANY_FILE, f"{LOGO_FIELD}: {message}", _FIX, line)

    if not isinstance(value, str):
        return refuse(f"{value!r} is not a file name")
    name = value.strip()
    suffix = Path(name).suffix.lower()
    if suffix not in LOGO_TYPES:
        return refuse(f"{name!r} is not a .png or .svg file")
    path, why = _located(repo, name)
    if path is None:
        return refuse(why or "cannot be read")
    data = path.read_bytes()
    if suffix == ".png" and not data.startswith(_PNG_SIGNATURE):
        return refuse(f"{name} is not a PNG image (its first bytes are not the PNG signature)")
    if suffix == ".svg":
        reason = svg_problem(data)
        if reason:
            return refuse(f"{name} {reason}")
    return Logo(Path(name).as_posix(), LOGO_TYPES[suffix]), None
