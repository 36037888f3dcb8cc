"""Policy files: YAML front matter plus a Jinja2 Markdown body, parsed with file:line errors.

The same format serves the library's templates and the company's own copies; a company copy
adds the state of its approval (version, dates, controls carried, history).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .._errors import Problem, TemplateError
from ._facts_schema import ALL_CATEGORIES, CLASSIFICATIONS, ROLE_TITLES
from ._yaml import load_strict

AREAS: dict[str, str] = {
    "governance": "Governance and risk",
    "people": "People",
    "assets": "Assets, vendors and facilities",
    "data": "Data protection",
    "access": "Access and identity",
    "operations": "Infrastructure and operations",
    "engineering": "Engineering and change",
    "resilience": "Incident response and resilience",
}
REVIEW_CADENCES: dict[str, int] = {"annual": 12, "semiannual": 6, "quarterly": 3}
_POLICY_ID = re.compile(r"^POL-\d{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_VERSION = re.compile(r"^\d+\.\d+$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)

TEMPLATE_KEYS = ("id", "title", "slug", "area", "category", "owner", "approver", "review_cadence", "summary")
COMPANY_KEYS = ("version", "effective_date", "last_reviewed", "controls", "criteria", "history")
# Keys a policy may carry or leave out: ``classification`` (blank: company.yml's default).
OPTIONAL_KEYS = ("classification",)


@dataclass(frozen=True)
class HistoryEntry:
    """One approved version of a policy."""

    version: str
    date: dt.date
    author: str
    approver: str
    summary: str
    # Whether people must acknowledge this version again: "required", "not-required", or None to
    # follow the version number (a new major version is a material change; a minor one is not).
    acknowledge: str | None = None
    # The role that approved this version, and the digest of what readers saw when it was approved
    # (``Program.approval_digest``): ``check`` fails when either no longer matches the policy.
    approver_role: str | None = None
    digest: str | None = None


ACKNOWLEDGE_VALUES: tuple[str, ...] = ("required", "not-required")


@dataclass(frozen=True)
class PolicyDoc:
    """A parsed policy file: metadata, body and where the body starts."""

    path: str
    id: str
    title: str
    slug: str
    area: str
    category: str
    owner: str
    approver: str
    review_cadence: str
    summary: str
    body: str
    body_line: int
    version: str = ""
    effective_date: dt.date | None = None
    last_reviewed: dt.date | None = None
    controls: tuple[str, ...] = ()
    criteria: tuple[str, ...] = ()
    history: tuple[HistoryEntry, ...] = field(default=())
    classification: str = ""  # one of CLASSIFICATIONS, or "" for the company's default

    @property
    def filename(self) -> str:
        """Return the file name policies are stored under (``POL-13-access-control.md``)."""
        return f"{self.id}-{self.slug}.md"

    @property
    def number(self) -> str:
        """Return the two-digit policy number (``13``)."""
        return self.id.split("-")[1]


def document_id(prefix: str, policy_id: str) -> str:
    """Return a policy's document number as printed and filed: ``ACME-POL-13``."""
    return f"{prefix}-{policy_id}"


def document_file_name(prefix: str, doc: PolicyDoc, extension: str) -> str:
    """Return a policy's predictable file name for an export: ``ACME-POL-13-access-control-v1.2.pdf``."""
    return f"{document_id(prefix, doc.id)}-{doc.slug}-v{doc.version}.{extension}"


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 2 if match else None


def _date(value: Any, key: str, where: str, line: int | None, problems: list[Problem]) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(Problem(where, f"{key}: {value!r} is not a date", "write it as YYYY-MM-DD", line))
    return None


def _id_list(value: Any, key: str, where: str, line: int | None, problems: list[Problem]) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    problems.append(Problem(where, f"{key}: must be a list of ids", f"write {key}: [ID-01, ID-02]", line))
    return ()


def _history(value: Any, where: str, line: int | None, problems: list[Problem]) -> tuple[HistoryEntry, ...]:
    if not isinstance(value, list) or not value:
        problems.append(Problem(where, "history: must list at least one approved version",
                                "run `policyforge approve` to record an approval", line))
        return ()
    entries: list[HistoryEntry] = []
    for number, item in enumerate(value, start=1):
        needed = ("version", "date", "author", "approver", "summary")
        if not isinstance(item, dict) or any(k not in item for k in needed):
            problems.append(Problem(where, f"history entry {number}: needs {', '.join(needed)}",
                                    "run `policyforge approve` rather than editing history by hand", line))
            continue
        when = _date(item["date"], f"history entry {number} date", where, line, problems)
        version = str(item["version"])
        acknowledge = item.get("acknowledge")
        if acknowledge is not None and acknowledge not in ACKNOWLEDGE_VALUES:
            problems.append(Problem(where, f"history entry {number}: acknowledge {acknowledge!r} is not valid",
                                    "write acknowledge: required (people accept this version again) or "
                                    "not-required", line))
            acknowledge = None
        if not _VERSION.match(version):
            problems.append(Problem(where, f"history entry {number}: version {version!r} is not MAJOR.MINOR",
                                    "write a version such as \"1.2\" in quotes", line))
        role, digest = item.get("approver_role"), item.get("digest")
        if role is not None and role not in ROLE_TITLES and role != "alternate_approver":
            problems.append(Problem(where, f"history entry {number}: approver_role {role!r} is not a role",
                                    "run `policyforge approve` rather than editing history by hand", line))
        if digest is not None and not (isinstance(digest, str) and _DIGEST.match(digest)):
            problems.append(Problem(where, f"history entry {number}: digest is not sha256:<64 hex digits>",
                                    "run `policyforge approve` rather than editing history by hand", line))
        if when:
            entries.append(HistoryEntry(version, when, str(item["author"]), str(item["approver"]),
                                        str(item["summary"]), acknowledge, role, digest))
    return tuple(entries)


def parse_policy(text: str, where: str, company: bool) -> PolicyDoc:
    """Parse a policy file; ``company`` also requires the approval state a company copy carries."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")  # a BOM from a Windows editor is not content
    match = _FRONT.match(text)
    if not match:
        raise TemplateError([Problem(where, "has no front matter", "start the file with a --- block of metadata", 1)])
    front_text = match.group(1)
    try:
        meta = load_strict(front_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TemplateError([
            Problem(where, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                    "check indentation and quote values containing ': '", mark.line + 2 if mark else 2)
        ]) from None
    if not isinstance(meta, dict):
        raise TemplateError([Problem(where, "front matter is not a mapping", "write key: value lines", 2)])
    problems: list[Problem] = []
    required = TEMPLATE_KEYS + (COMPANY_KEYS if company else ())
    for key in required:
        if key not in meta:
            problems.append(Problem(where, f"front matter lacks {key}", f"add a {key}: line", 2))
    allowed = set(TEMPLATE_KEYS + COMPANY_KEYS + OPTIONAL_KEYS)
    for key in meta:
        if key not in allowed:
            problems.append(Problem(where, f"unknown front matter key {key!r}",
                                    f"use only {', '.join(sorted(allowed))}", _line_of(front_text, str(key))))
    if problems:
        raise TemplateError(problems)

    def check(key: str, ok: bool, fix: str) -> None:
        if not ok:
            problems.append(Problem(where, f"{key}: {meta[key]!r} is not valid", fix, _line_of(front_text, key)))

    for key in TEMPLATE_KEYS:
        if not isinstance(meta[key], str) or not meta[key].strip():
            problems.append(Problem(where, f"{key}: must be text", "give a value", _line_of(front_text, key)))
    if problems:
        raise TemplateError(problems)
    check("id", bool(_POLICY_ID.match(meta["id"])), "write an id such as POL-13")
    check("slug", bool(_SLUG.match(meta["slug"])), "use lower-case words joined by hyphens")
    check("area", meta["area"] in AREAS, f"choose from {', '.join(AREAS)}")
    check("category", meta["category"] in ALL_CATEGORIES, f"choose from {', '.join(ALL_CATEGORIES)}")
    for role_key in ("owner", "approver"):
        check(role_key, meta[role_key] in ROLE_TITLES, f"choose a role from {', '.join(ROLE_TITLES)}")
    check("review_cadence", meta["review_cadence"] in REVIEW_CADENCES, f"choose from {', '.join(REVIEW_CADENCES)}")
    state: dict[str, Any] = {}
    if "classification" in meta:
        canonical = {name.lower(): name for name in CLASSIFICATIONS}
        given = meta["classification"]
        check("classification", isinstance(given, str) and given.strip().lower() in canonical,
              f"write one of {', '.join(CLASSIFICATIONS)}, or remove the line for company.yml's "
              "documents.default_classification")
        if isinstance(given, str) and given.strip().lower() in canonical:
            state["classification"] = canonical[given.strip().lower()]
    if company:
        version = str(meta["version"])
        check("version", bool(_VERSION.match(version)), "write MAJOR.MINOR in quotes, such as \"1.2\"")
        state["version"] = version
        for key in ("effective_date", "last_reviewed"):
            state[key] = _date(meta[key], key, where, _line_of(front_text, key), problems)
        for key in ("controls", "criteria"):
            state[key] = _id_list(meta[key], key, where, _line_of(front_text, key), problems)
        state["history"] = _history(meta["history"], where, _line_of(front_text, "history"), problems)
    if problems:
        raise TemplateError(problems)
    body_line = front_text.count("\n") + 3
    return PolicyDoc(
        path=where,
        **{key: meta[key].strip() for key in TEMPLATE_KEYS},
        body=text[match.end():],
        body_line=body_line,
        **state,
    )


def parse_or_report(text: str, where: str, company: bool, problems: list[Problem]) -> PolicyDoc | None:
    """Parse a policy file, or add its problems to ``problems`` and return None, so one bad file hides no other."""
    try:
        return parse_policy(text, where, company)
    except TemplateError as exc:
        problems.extend(exc.problems)
        return None


def _yaml_value(value: Any) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6, sort_keys=False)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def serialize_policy(doc: PolicyDoc) -> str:
    """Write a company policy file with front matter in a fixed order (stable diffs)."""
    lines = ["---"]
    for key in TEMPLATE_KEYS:
        lines.append(f"{key}: {_yaml_value(getattr(doc, key))}")
    if doc.classification:
        lines.append(f"classification: {doc.classification}")
    lines.append(f"version: {_yaml_value(doc.version)}")
    lines.append(f"effective_date: {doc.effective_date.isoformat() if doc.effective_date else ''}")
    lines.append(f"last_reviewed: {doc.last_reviewed.isoformat() if doc.last_reviewed else ''}")
    lines.append(f"controls: {_yaml_value(list(doc.controls))}")
    lines.append(f"criteria: {_yaml_value(list(doc.criteria))}")
    lines.append("history:")
    for entry in doc.history:
        lines.append(f"  - version: {_yaml_value(entry.version)}")
        lines.append(f"    date: {entry.date.isoformat()}")
        lines.append(f"    author: {_yaml_value(entry.author)}")
        lines.append(f"    approver: {_yaml_value(entry.approver)}")
        lines.append(f"    summary: {_yaml_value(entry.summary)}")
        if entry.acknowledge:
            lines.append(f"    acknowledge: {entry.acknowledge}")
        if entry.approver_role:
            lines.append(f"    approver_role: {entry.approver_role}")
        if entry.digest:
            lines.append(f"    digest: {entry.digest}")
    lines.append("---")
    return "\n".join(lines) + "\n" + doc.body


_POLICY_NAME = re.compile(r"^POL-\d")


def is_policy_source(name: str, text: str) -> bool:
    """Tell a policy file from a company page: a policy is named POL-… or has front matter with an ``id``.

    Any other Markdown under ``policies/`` (an onboarding guide, say) is the company's own page,
    published as written and only lightly checked.
    """
    if _POLICY_NAME.match(name):
        return True
    if not text.startswith("---"):
        return False
    end = text.find("\n---", 3)
    if end < 0:
        return False
    try:
        meta = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return True  # broken front matter is reported as the policy it was meant to be
    return isinstance(meta, dict) and "id" in meta

