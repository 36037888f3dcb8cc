"""Find and load the policy library: templates plus catalogs, checked against each other."""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .._errors import Problem, TemplateError
from ..repo._files import policy_files
from ._catalog import Catalog, load_catalog
from ._documents import PolicyDoc, parse_or_report

_ANCHOR = re.compile(r"\{\s*#([A-Za-z0-9_-]+)\s*\}")
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_COMMIT_NAME = re.compile(r"\bcommit\.([A-Za-z_][A-Za-z0-9_]*)")
LIBRARY_VERSION_FILE = "VERSION"


def library_root() -> Path:
    """Return the policy library folder: $POLICYFORGE_LIBRARY, shipped in the wheel, or beside the source."""
    override = os.environ.get("POLICYFORGE_LIBRARY")
    if override:
        return Path(override).resolve()
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_data" / "policy_templates", package.parent / "policy_templates"):
        if (candidate / "catalog").is_dir():
            return candidate
    raise TemplateError([Problem(str(package), "the policy library is missing",
                                 "reinstall policyforge (the wheel ships policy_templates/)")])


def template_root() -> Path:
    """Return the cookiecutter template folder (holding ``cookiecutter.json``)."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "_data" / "template", package.parent):
        if (candidate / "cookiecutter.json").is_file():
            return candidate
    raise TemplateError([Problem(str(package), "the cookiecutter template is missing",
                                 "reinstall policyforge (the wheel ships the template)")])


@dataclass(frozen=True)
class Library:
    """The policy templates and catalogs of one library release."""

    root: Path
    version: str
    templates: dict[str, PolicyDoc]
    catalog: Catalog

    def partial(self, name: str) -> str:
        """Return the text of a shared partial (standard sections, page layouts)."""
        return (self.root / "partials" / name).read_text(encoding="utf-8")


def anchors_in(text: str) -> set[str]:
    """Return the explicit heading ids (``{#id}``) written in a policy body."""
    return set(_ANCHOR.findall(text))


def unknown_commitments(text: str, where: str, catalog: Catalog, first_line: int = 1) -> list[Problem]:
    """Report each ``commit.NAME`` in a template's expressions that the commitment catalog lacks."""
    problems: list[Problem] = []
    for expression in _JINJA.finditer(text):
        for match in _COMMIT_NAME.finditer(expression.group(0)):
            name = match.group(1)
            if name not in catalog.commitments.entries:
                line = text.count("\n", 0, expression.start() + match.start()) + first_line
                problems.append(Problem(where, f"commit.{name} is not a named commitment",
                                        f"{catalog.commitments.suggest(name)} (or add {name} to "
                                        "catalog/commitments.yaml)", line))
    return problems


def load_library(root: Path | None = None) -> Library:
    """Load every template and catalog; fail with file and line on anything inconsistent."""
    library, problems = load_library_leniently(root)
    if problems:
        raise TemplateError(problems)
    return library


def load_library_leniently(root: Path | None = None) -> tuple[Library, list[Problem]]:
    """Load what is sound and report the rest, so one broken template does not hide the others."""
    root = root or library_root()
    catalog, problems = load_catalog(root)
    templates: dict[str, PolicyDoc] = {}
    for path in policy_files(root / "policies"):
        doc = parse_or_report(path.read_text(encoding="utf-8"), str(path), False, problems)
        if doc is None:
            continue
        if path.name != doc.filename:
            problems.append(Problem(str(path), f"file name does not match id and slug ({doc.filename})",
                                    f"rename the file to {doc.filename}"))
        if doc.id in templates:
            problems.append(Problem(str(path), f"{doc.id} is defined twice", "give each policy its own id"))
        problems += unknown_commitments(doc.body, str(path), catalog, doc.body_line)
        templates[doc.id] = doc
    for extra in sorted([*(root / "partials").glob("*.md"), *(root / "companion").glob("*.md")]):
        problems += unknown_commitments(extra.read_text(encoding="utf-8"), str(extra), catalog)
    for control in list(catalog.controls.values()):
        owner = templates.get(control.policy)
        if owner is None:
            problems.append(Problem(control.source, f"control {control.id}: policy {control.policy} has no template",
                                    "fix the policy id"))
            del catalog.controls[control.id]
        elif unknown := [p for p in control.carried_by if p not in templates]:
            problems.append(Problem(control.source, f"control {control.id}: carried_by names {', '.join(unknown)}, "
                                    "which has no template", "fix the policy id"))
            del catalog.controls[control.id]
        elif bad_names := unknown_commitments(control.statement, control.source, catalog):
            problems.extend(Problem(p.where, f"control {control.id}: {p.message}", p.fix) for p in bad_names)
            del catalog.controls[control.id]
        elif control.section not in anchors_in(owner.body):
            fix = "add {#" + control.section + "} to the heading that states it"
            problems.append(Problem(control.source, f"control {control.id}: section #{control.section} is not in "
                                    f"{owner.filename}", fix))
            del catalog.controls[control.id]
    version_file = root / LIBRARY_VERSION_FILE
    version = version_file.read_text(encoding="utf-8").strip() if version_file.exists() else "0"
    return Library(root, version, templates, catalog), problems


def library_stamp(root: Path | None = None) -> str:
    """Return a cheap fingerprint of the library's files (names, sizes, modification times).

    A long-lived process (``mkdocs serve``) keeps the loaded library while this is unchanged,
    instead of parsing every catalog and template again on each rebuild.
    """
    root = root or library_root()
    digest = hashlib.sha256(str(root).encode("utf-8"))
    for path in sorted(root.rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
