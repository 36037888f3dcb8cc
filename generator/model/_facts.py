"""Validate company facts and read and write ``company.yml``.

Facts arrive two ways: as flat cookiecutter answers (strings typed at a prompt or given as
``key=value``) and as the nested ``company.yml`` of a generated repository. Both go through
the same per-kind checks so a value accepted at scaffold time is accepted at build time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._errors import BadValue, FactsError, Problem
from ._commitments import CommitmentCatalog, commitments_of, override_value, resolve, unit_phrase
from ._derive import mail_platform_for
from ._fact_views import (
    AuditFacts,
    CommitmentFacts,
    CompanyFacts,
    DataFacts,
    DocumentFacts,
    PeopleFacts,
    ShapeFacts,
    SiteFacts,
    StackFacts,
    audit_view,
    commitment_view,
    company_view,
    data_view,
    documents_view,
    people_view,
    shape_view,
    site_view,
    stack_view,
)
from ._facts_schema import (
    BANDS,
    DEFAULT_CLASSIFICATION,
    FACT_SPECS,
    GROUP_TITLES,
    OPTIONAL_CATEGORIES,
    ROLE_TITLES,
    SECTIONS_READ_ELSEWHERE,
    SMALL_BANDS,
    SPECS_BY_KEY,
    FactSpec,
)
from ._places import place_data, representative_problems, residency_problems, service_problems
from ._scope import Scope
from ._yaml import load_strict

MAX_TEXT_LENGTH = 200
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+-]*)?$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_YAML_UNSAFE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class Facts:
    """Validated company facts, nested as in ``company.yml``."""

    data: dict[str, Any]

    def get(self, dotted: str) -> Any:
        """Return the value at a dotted path such as ``people.ceo.name``.

        For code that walks the schema (``flat``, a spec's ``dotted``); code that reads a fact it
        names uses the typed views (``facts.company.name``), and a catalog-named path ``named_text``.
        """
        node: Any = self.data
        for part in dotted.split("."):
            node = node[part]
        return node

    def named_text(self, dotted: str) -> str:
        """Return the text fact a catalog names by dotted path, stripped ("" when the company left it blank).

        ``catalog/evidence_systems.yaml`` names the system each evidence item comes from as a fact path
        (``stack.ticketing``, ``company.website``), checked against the schema's text facts when the
        catalog is read. The path is data, not code, so no typed attribute can stand for it.
        """
        return str(self.get(dotted) or "").strip()

    @property
    def categories(self) -> tuple[str, ...]:
        """Return the Trust Services categories in scope, Security first."""
        chosen = self.data["audit"]["categories"]
        return ("security", *(c for c in OPTIONAL_CATEGORIES if chosen[c]))

    @property
    def policy_categories(self) -> tuple[str, ...]:
        """Return the categories whose policies are in force: those in scope, plus privacy for personal data.

        A company holding personal data needs a data-protection policy whatever its SOC 2 scope; the
        privacy criteria stay out of the report unless the Privacy category is chosen.
        """
        if self.data["data"]["pii"] and "privacy" not in self.categories:
            return (*self.categories, "privacy")
        return self.categories

    @property
    def small(self) -> bool:
        """Return whether the company runs the lean program of a small company (up to 50 people)."""
        return bool(self.data["shape"]["headcount_band"] in SMALL_BANDS)

    def overrides(self) -> dict[str, Any]:
        """Return the company's values for named commitments that no fact declares (company.yml ``commitments:``)."""
        facts = {spec.path[1] for spec in FACT_SPECS if spec.path[0] == "commitments"}
        return {k: v for k, v in self.data.get("commitments", {}).items() if k not in facts}

    @functools.cached_property
    def company(self) -> CompanyFacts:
        """Return who the company is, typed (``company.*``)."""
        return company_view(self.data)

    @functools.cached_property
    def people(self) -> PeopleFacts:
        """Return the people the library names, typed (``people.*``); ``people.role(key)`` by role key."""
        return people_view(self.data)

    @functools.cached_property
    def shape(self) -> ShapeFacts:
        """Return how the company is shaped, typed (``shape.*``)."""
        return shape_view(self.data)

    @functools.cached_property
    def stack(self) -> StackFacts:
        """Return the systems the company runs on, typed (``stack.*``)."""
        return stack_view(self.data)

    @functools.cached_property
    def held_data(self) -> DataFacts:
        """Return the data the company holds, typed (``data.*``; ``data`` is the raw nested mapping)."""
        return data_view(self.data)

    @functools.cached_property
    def audit(self) -> AuditFacts:
        """Return the audit's facts, typed (``audit.*``)."""
        return audit_view(self.data)

    @functools.cached_property
    def commitments(self) -> CommitmentFacts:
        """Return the commitment facts code prints by name, typed (``commitments.*``)."""
        return commitment_view(self.data)

    @functools.cached_property
    def documents(self) -> DocumentFacts:
        """Return how the company's documents are marked, typed (``documents.*``)."""
        return documents_view(self.data)

    @functools.cached_property
    def site(self) -> SiteFacts:
        """Return the site's facts, typed (``site.*``)."""
        return site_view(self.data)

    @property
    def scope(self) -> Scope:
        """Return the audit's scope: the categories in scope and what follows from them."""
        return Scope(self.categories)

    def flat(self) -> dict[str, Any]:
        """Return the facts as flat cookiecutter answers (the inverse of ``facts_from_answers``)."""
        answers: dict[str, Any] = {}
        for spec in FACT_SPECS:
            value = self.get(spec.dotted)
            if spec.kind in ("choice_list", "text_list"):
                value = ", ".join(value)
            elif spec.kind == "date":
                value = value.isoformat()
            answers[spec.key] = value
        return answers


def _single_line(spec: FactSpec, text: str) -> str:
    if len(text.splitlines()) > 1 or text.endswith(("\n", "\r")):
        raise BadValue("must be a single line", "remove the line breaks")
    text = text.strip()
    if not text:
        raise BadValue("is empty", "give a value")
    if any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in text):
        raise BadValue("contains control characters", "retype the value without them")
    if len(text) > MAX_TEXT_LENGTH:
        raise BadValue(f"is {len(text)} characters long", f"shorten it to at most {MAX_TEXT_LENGTH}")
    return text


def _coerce(spec: FactSpec, raw: Any, from_yaml: bool) -> Any:
    """Turn one raw value into its typed fact or raise ``BadValue``."""
    kind = spec.kind
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        if not from_yaml and isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise BadValue(f"{raw!r} is not yes or no", "write true or false")
    if kind in ("int", "percent", "hours"):
        if isinstance(raw, bool):
            raise BadValue(f"{raw!r} is not a number", "write a number")
        number: float
        if isinstance(raw, int | float):
            number = raw
        elif isinstance(raw, str) and not from_yaml:
            try:
                number = int(raw.strip()) if kind == "int" else float(raw.strip().rstrip("%"))
            except ValueError:
                raise BadValue(f"{raw!r} is not a number", "write a whole number") from None
        else:
            raise BadValue(f"{raw!r} is not a number", "write a number without quotes")
        if kind == "int" and number != int(number):
            raise BadValue(f"{raw!r} is not a whole number", "round it")
        if kind == "hours" and abs(number * 60 - round(number * 60)) > 1e-9:
            raise BadValue(f"{raw!r} is not a whole number of minutes", "write hours such as 1, 0.5 or 0.25")
        if spec.minimum is not None and number < spec.minimum or spec.maximum is not None and number > spec.maximum:
            raise BadValue(f"{number:g} is out of range", f"use a value from {spec.minimum:g} to {spec.maximum:g}")
        if kind == "hours":
            return int(number) if number == int(number) else float(number)
        return int(number) if kind == "int" else float(number)
    if kind == "date":
        if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        raise BadValue(f"{raw!r} is not a date", "write it as YYYY-MM-DD")
    if kind in ("choice_list", "text_list"):
        if isinstance(raw, list) and all(isinstance(item, str) for item in raw):
            items = [item.strip() for item in raw if item.strip()]
        elif isinstance(raw, str):
            items = [item.strip() for item in raw.split(",") if item.strip()]
        else:
            raise BadValue(f"{raw!r} is not a list", "write a list such as [a, b]")
        if not items and spec.optional:
            return []
        if not items:
            raise BadValue("is empty", "give at least one value, comma-separated")
        items = [_single_line(spec, item) for item in items]
        if kind == "choice_list":
            items = [item.lower() for item in items]
            unknown = [item for item in items if item not in spec.choices]
            if unknown:
                raise BadValue(f"unknown value {unknown[0]!r}", f"choose from {', '.join(spec.choices)}")
        if len(set(items)) != len(items):
            raise BadValue("lists a value twice", "remove the duplicate")
        return items
    if not isinstance(raw, str):
        raise BadValue(f"{raw!r} is not text", "put the value in double quotes")
    if spec.optional and not raw.strip():
        return ""
    text = _single_line(spec, raw)
    checks: dict[str, tuple[re.Pattern[str], str]] = {
        "email": (_EMAIL, "write an address such as name@example.com"),
        "domain": (_DOMAIN, "write a lower-case domain such as example.com"),
        "url": (_URL, "write an https:// address without spaces, quotes or brackets"),
        "slug": (_SLUG, "use lower-case letters, digits and single hyphens, e.g. acme-cloud"),
        "prefix": (_PREFIX, "use 2-8 capital letters or digits starting with a letter, e.g. ACME"),
        "color": (_COLOR, "write a hex colour such as #1f4e79"),
    }
    if kind in checks:
        pattern, fix = checks[kind]
        if not pattern.match(text):
            raise BadValue(f"{text!r} is not valid", f"{fix}")
    if kind == "choice":
        canonical = {choice.lower(): choice for choice in spec.choices}
        if text.lower() not in canonical:
            raise BadValue(f"{text!r} is not one of the choices", f"choose from {', '.join(spec.choices)}")
        return canonical[text.lower()]
    if kind == "place":
        if place_data().residency_countries(text) is None:
            raise BadValue(f"{text!r} is not a country or area policyforge knows",
                           f"write a country name or one of {', '.join(place_data().areas)} (see catalog/regions.yaml)")
        return text
    if kind == "timezone":
        return _time_zone(text)
    if kind == "service":
        known = place_data().services.get(spec.catalog, {})
        if text.lower() not in known:
            raise BadValue(f"{text!r} is not a known {spec.catalog.replace('_', ' ')} service",
                           f"choose from {', '.join(known)}")
        return text.lower()
    return text


def _time_zone(text: str) -> str:
    """Return an IANA time zone name the tz database knows (zoneinfo), or raise ``BadValue``."""
    import zoneinfo

    try:
        if "\\" in text or text.startswith(("/", ".")) or ".." in text:
            raise ValueError(text)
        zoneinfo.ZoneInfo(text)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        raise BadValue(f"{text!r} is not a time zone", "write an IANA name such as America/New_York, "
                                                         "Europe/Berlin or UTC") from None
    return text


def default_time_zone(hq_country: str) -> str:
    """Return the usual time zone of the headquarters country (``catalog/regions.yaml``), or UTC."""
    places = place_data()
    code = places.country_code(hq_country)
    return str(places.countries[code].get("time_zone", "UTC")) if code else "UTC"


def _fill_defaults(data: dict[str, Any]) -> None:
    """Give the optional facts whose blank means a default that default, so every reader sees one value."""
    company = data.get("company", {})
    if company.get("time_zone") == "" and isinstance(company.get("hq_country"), str):
        company["time_zone"] = default_time_zone(company["hq_country"])
    documents = data.get("documents", {})
    if documents.get("default_classification") == "":
        documents["default_classification"] = DEFAULT_CLASSIFICATION
    shape = data.get("shape", {})
    if shape.get("engineers") == "" and isinstance(shape.get("headcount_band"), str):
        shape["engineers"] = BANDS[shape["headcount_band"]].engineers if shape["headcount_band"] in BANDS else ""
    stack = data.get("stack", {})
    if stack.get("mail_platform") == "":
        stack["mail_platform"] = default_mail_platform(stack)


def default_mail_platform(stack: Mapping[str, Any]) -> str:
    """Return the mail platform a company most likely uses (``cookiecutter.json`` derives it by the same filter)."""
    return mail_platform_for(stack.get("identity_provider"), stack.get("cloud_providers") or [])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cross_checks(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Check facts that constrain each other; return (key, message, fix) triples."""
    found: list[tuple[str, str, str]] = []
    commitments = data.get("commitments", {})
    backup = commitments.get("backup_frequency_hours")
    rpo = commitments.get("rpo_hours")
    # Backup intervals may be fractions of an hour (0.25, 1.5): compare every number, not only whole ones.
    if _is_number(backup) and _is_number(rpo) and backup > rpo:
        found.append((
            "backup_frequency_hours",
            f"backups every {unit_phrase(backup, 'hour')} cannot meet the RPO of {unit_phrase(rpo, 'hour')}",
            "back up at least as often as rpo_hours, or raise rpo_hours",
        ))
    days = commitments.get("remediation_days", {})
    order = ["critical", "high", "medium", "low"]
    for tighter, looser in zip(order, order[1:], strict=False):
        a, b = days.get(tighter), days.get(looser)
        if isinstance(a, int) and isinstance(b, int) and a > b:
            found.append((
                f"remediation_days_{tighter}",
                f"{tighter} findings get longer ({a} days) than {looser} ones ({b} days)",
                f"make remediation_days_{tighter} at most remediation_days_{looser}",
            ))
    alternate = data.get("people", {}).get("alternate_approver") or {}
    name, email = str(alternate.get("name") or "").strip(), str(alternate.get("email") or "").strip()
    if bool(name) != bool(email):
        found.append((
            "alternate_approver_name" if email else "alternate_approver_email",
            "the alternate approver needs both a name and an email",
            "fill in both alternate_approver_name and alternate_approver_email, or leave both blank",
        ))
    approver = data.get("people", {}).get("approver") or {}
    if email and email.lower() == str(approver.get("email") or "").strip().lower():
        found.append((
            "alternate_approver_email",
            f"the alternate approver, {name or email}, is the policy approver, so a policy the approver wrote or "
            "owns would have nobody else to approve it",
            "name someone other than the policy approver as alternate_approver_name and alternate_approver_email, "
            "or leave both blank",
        ))
    found += _engineering_checks(data.get("shape", {}))
    found += _outside_party_checks(data)
    found += _fit_checks(data)
    return found


def _engineering_checks(shape: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Refuse an engineering headcount the company cannot have, or one engineer with nobody to review them."""
    engineers, band = shape.get("engineers"), shape.get("headcount_band")
    if not isinstance(engineers, int) or isinstance(engineers, bool):
        return []
    ceiling = BANDS[band].ceiling if band in BANDS else None
    if ceiling is not None and engineers > ceiling:
        return [("engineers", f"{engineers} engineers do not fit a headcount band of {band}",
                 f"lower engineers to at most {ceiling}, or choose the headcount_band that holds them")]
    if engineers == 1 and shape.get("has_board") is True and not str(shape.get("outside_engineer") or "").strip():
        return [("outside_engineer", "is blank, yet with one engineer and a board (no outside security adviser) "
                 "nobody reviews changes or backs up on-call",
                 "name the contracted engineer or security provider in outside_engineer")]
    return []


def _blank(value: Any) -> str:
    return str(value or "").strip()


def _outside_party_checks(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Refuse an outside party that is half-named or not independent of what it oversees or tests.

    None of them may be a person who holds a role of the program, and the assessor and the testers may not be
    the outside engineer, whose reviews and network changes they test. A party named where the company does not
    rely on it (an adviser with a board, an assessor with more than 50 people, a segmentation tester without card
    data) is kept but printed nowhere, so a company that grows keeps its file valid; the questionnaire does not
    ask for it.
    """
    people, shape = data.get("people", {}), data.get("shape", {})
    adviser = people.get("security_adviser") or {}
    name, email = _blank(adviser.get("name")), _blank(adviser.get("email"))
    found: list[tuple[str, str, str]] = []
    if bool(name) != bool(email):
        found.append(("security_adviser_email" if name else "security_adviser_name",
                      "the outside security adviser needs both a name and an email (staff are given the address)",
                      "fill in both security_adviser_name and security_adviser_email, or leave both blank"))
    insiders: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for role, title in ROLE_TITLES.items():  # a person holding several roles is named by the first
        insiders.setdefault(_blank((people.get(role) or {}).get("name")).lower(), title)
        addresses.setdefault(_blank((people.get(role) or {}).get("email")).lower(), title)
    insiders.pop("", None)
    addresses.pop("", None)
    if name and name.lower() in insiders:
        found.append(("security_adviser_name", f"{name} is the company's {insiders[name.lower()]}, not independent "
                      "of management", "name someone outside the company who holds no role in company.yml"))
    elif email and email.lower() in addresses:
        found.append(("security_adviser_email", f"{email} is the address of the company's "
                      f"{addresses[email.lower()]}", "give the adviser's own address, outside the company"))
    assessor, tester = _blank(people.get("independent_assessor")), _blank(people.get("segmentation_tester"))
    engineer = _blank(shape.get("outside_engineer")) if shape.get("engineers") == 1 else ""
    pentester = _blank(people.get("penetration_tester"))
    for key, who in (("independent_assessor", assessor), ("penetration_tester", pentester),
                     ("segmentation_tester", tester), ("scanning_vendor", _blank(people.get("scanning_vendor"))),
                     ("pci_assessor", _blank(people.get("pci_assessor")))):
        if who and who.lower() in insiders:
            found.append((key, f"{who} is the company's {insiders[who.lower()]}, who operates the controls it tests",
                          f"name a firm or person outside the company in {key}"))
        elif who and engineer and who.lower() == engineer.lower():
            found.append((key, f"{who} is also the outside engineer, who reviews the changes it would test",
                          f"name a different firm in {key}, independent of the outside engineer"))
    return found


def _fit_checks(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Refuse facts that contradict each other about places, services and data."""
    found: list[tuple[str, str, str]] = []
    stack, facts_data = data.get("stack", {}), data.get("data", {})
    providers, regions = stack.get("cloud_providers"), stack.get("cloud_regions")
    residency = facts_data.get("residency")
    places = place_data()
    if isinstance(providers, list):
        if isinstance(regions, list) and isinstance(residency, str):
            found += residency_problems(places, providers, regions, residency)
        found += service_problems(places, providers, stack)
    hq_country = data.get("company", {}).get("hq_country")
    if isinstance(hq_country, str):
        found += representative_problems(places, hq_country, facts_data)
    if facts_data.get("phi") is True and facts_data.get("pii") is False:
        found.append(("data_pii", "health data (PHI) is personal data, yet data_pii is false",
                      "set data_pii to true, or data_phi to false"))
    privacy = data.get("audit", {}).get("categories", {}).get("privacy")
    if privacy is True and facts_data.get("pii") is False:
        found.append(("scope_privacy", "the Privacy category is in scope, yet data_pii says no personal data is held",
                      "set data_pii to true, or scope_privacy to false"))
    people = data.get("people", {})
    privacy_mail = people.get("privacy_contact")
    personal = {people.get(role, {}).get("email") for role in ROLE_TITLES}
    if isinstance(privacy_mail, str) and privacy_mail in personal:
        domain = data.get("company", {}).get("email_domain", "example.com")
        found.append(("privacy_contact_email", f"{privacy_mail} is a person's own address",
                      f"use a role mailbox such as privacy@{domain}"))
    return found


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def _build(
    raw_for: Mapping[str, Any], from_yaml: bool, where: str, lines: Mapping[str, int] | None = None,
    overrides: Mapping[str, Any] | None = None, commitments: CommitmentCatalog | None = None,
) -> Facts:
    problems: list[Problem] = []
    data: dict[str, Any] = {}

    def name_of(spec: FactSpec) -> str:
        return spec.dotted if from_yaml else spec.key

    for spec in FACT_SPECS:
        line = (lines or {}).get(spec.dotted)
        if spec.key not in raw_for and spec.optional:
            _set(data, spec.path, "")
            continue
        if spec.key not in raw_for:
            problems.append(Problem(where, f"{name_of(spec)} is missing", f"add {name_of(spec)} ({spec.prompt})"))
            continue
        try:
            _set(data, spec.path, _coerce(spec, raw_for[spec.key], from_yaml))
        except BadValue as exc:
            problems.append(Problem(where, f"{name_of(spec)}: {exc.message}", exc.fix, line))
    if "commitments" in data:
        data["commitments"].update(overrides or {})
    _fill_defaults(data)
    cross = _cross_checks(data)
    for key, message, fix in cross:
        spec = SPECS_BY_KEY[key]
        line = (lines or {}).get(spec.dotted)
        problems.append(Problem(where, f"{name_of(spec)}: {message}", fix, line))
    if not problems:
        for dotted, answer_key, message, fix in _commitment_checks(data, commitments):
            line = (lines or {}).get(dotted)
            problems.append(Problem(where, f"{dotted if from_yaml else answer_key}: {message}", fix, line))
    if problems:
        raise FactsError(problems)
    return Facts(data)


def _commitment_checks(data: dict[str, Any], catalog: CommitmentCatalog | None) -> list[tuple[str, str, str, str]]:
    """Return (dotted field, answer key, message, fix) for commitments the company set that contradict others.

    A contradiction among library defaults alone is the library's to fix (``lint-library`` reports it);
    the company is told only about values it chose, naming the first such field.
    """
    from ._consistency import value_findings

    catalog = catalog if catalog is not None else _default_commitments()
    values = resolve(catalog, data)
    found: list[tuple[str, str, str, str]] = []
    # Validation reads the raw mapping: the typed views are built from it only once it has passed.
    for finding in value_findings(values, int(data["audit"]["observation_months"])):
        chosen = [values[name] for name in finding.names if values[name].origin != "library default"]
        if not chosen:
            continue
        # A value the company wrote over a library default is the likelier slip than a fact it was asked for.
        chosen.sort(key=lambda value: value.origin != f"commitments.{value.name}" or value.commitment.fact is not None)
        origin = chosen[0].origin
        spec = next((s for s in FACT_SPECS if s.dotted == origin), None)
        found.append((origin, spec.key if spec else origin, finding.message, finding.fix))
    return found


def did_you_mean(word: str, known: list[str], otherwise: str) -> str:
    """Return a fix that names the closest known spelling of ``word`` (difflib), else ``otherwise``."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.7)
    return f"did you mean {close[0]}?" if close else otherwise


def unknown_key_problem(key: str, where: str = "answers") -> Problem:
    """Return the problem for an answer key that names no fact, with the likeliest intended one."""
    return Problem(where, f"{key}: unknown fact",
                   did_you_mean(key, list(SPECS_BY_KEY), "check the spelling against cookiecutter.json"))


def check_answer(key: str, raw: Any, where: str = "answers") -> Any:
    """Validate one flat answer as typed and return its value; raise ``FactsError`` with the fix."""
    spec = SPECS_BY_KEY.get(key)
    if spec is None:
        raise FactsError([unknown_key_problem(key, where)])
    try:
        return _coerce(spec, raw, from_yaml=False)
    except BadValue as exc:
        raise FactsError([Problem(where, f"{key}: {exc.message}", exc.fix)]) from None


def cross_check_answers(answers: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Return (key, message, fix) for answers that contradict each other (backups slower than the RPO...)."""
    data: dict[str, Any] = {}
    for spec in FACT_SPECS:
        if spec.key in answers:
            try:
                _set(data, spec.path, _coerce(spec, answers[spec.key], from_yaml=False))
            except ValueError:
                continue
    return _cross_checks(data)


def facts_from_answers(answers: Mapping[str, Any], where: str = "answers",
                       overrides: Mapping[str, Any] | None = None) -> Facts:
    """Validate flat cookiecutter answers; private ``_`` keys are ignored.

    ``overrides`` sets named commitments as the ``commitments:`` section of ``company.yml`` would.
    """
    unknown = [k for k in answers if not k.startswith("_") and k not in SPECS_BY_KEY]
    if unknown:
        raise FactsError([unknown_key_problem(key, where) for key in unknown])
    checked: dict[str, Any] = {}
    if overrides:
        catalog = _default_commitments()
        problems: list[Problem] = []
        for name, raw in overrides.items():
            problem = _override_problem(catalog, name, raw, checked)
            if problem:
                problems.append(Problem(where, f"commitments.{name}: {problem[0]}", problem[1]))
        if problems:
            raise FactsError(problems)
    return _build(answers, from_yaml=False, where=where, overrides=checked)


def _key_lines(text: str) -> dict[str, int]:
    """Map each dotted key in a YAML mapping document to its 1-based line."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, prefix: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                dotted = f"{prefix}{key_node.value}"
                lines[dotted] = key_node.start_mark.line + 1
                walk(value_node, dotted + ".")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, "")
    return lines


def parse_facts_yaml(text: str, where: str = "company.yml", commitments: CommitmentCatalog | None = None) -> Facts:
    """Validate the text of a ``company.yml``; errors carry file and line."""
    try:
        loaded = load_strict(text)  # duplicate keys, aliases, deep nesting, .nan, bad dates: a line to fix
        lines = _key_lines(text)
    except yaml.reader.ReaderError as exc:
        # A character YAML refuses to read (a control character, say); point at its line.
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise FactsError([
            Problem(where, f"contains a character YAML cannot read (U+{code:04X})",
                    "delete it or retype the value", text[: exc.position].count("\n") + 1)
        ]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "is not valid YAML"
        raise FactsError([
            Problem(where, f"YAML syntax error: {problem}", "check indentation and quote values containing ': ' or '#'",
                    mark.line + 1 if mark else None)
        ]) from None
    if not isinstance(loaded, dict):
        raise FactsError([Problem(where, "is not a mapping of facts", "start from the company.yml policyforge wrote")])
    flat: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in FACT_SPECS:
        node: Any = loaded
        for part in spec.path:
            node = node.get(part, _MISSING) if isinstance(node, dict) else _MISSING
        if node is not _MISSING:
            flat[spec.key] = node
    known = {spec.dotted for spec in FACT_SPECS}
    overrides: dict[str, Any] = {}
    for dotted, line in lines.items():
        if dotted.split(".", 1)[0] in SECTIONS_READ_ELSEWHERE:
            continue
        is_leaf_or_group = dotted in known or any(k.startswith(dotted + ".") for k in known)
        if is_leaf_or_group:
            continue
        group, _, name = dotted.partition(".")
        if group == "commitments" and "." not in name:
            catalog = commitments if commitments is not None else _default_commitments()
            problem = _override_problem(catalog, name, loaded["commitments"][name], overrides)
            if problem:
                problems.append(Problem(where, f"{dotted}: {problem[0]}", problem[1], line))
            continue
        if group != "commitments" or f"commitments.{name.split('.')[0]}" in lines and any(
                k.startswith(f"commitments.{name.split('.')[0]}.") for k in known):
            fix = did_you_mean(dotted, sorted(known), "remove it or check the spelling")
            problems.append(Problem(where, f"{dotted}: unknown fact", fix, line))
    try:
        facts = _build(flat, from_yaml=True, where=where, lines=lines, overrides=overrides, commitments=commitments)
    except FactsError as exc:
        raise FactsError(problems + exc.problems) from None
    if problems:
        raise FactsError(problems)
    return facts


def _default_commitments() -> CommitmentCatalog:
    from ._library import library_root

    return commitments_of(library_root())


def _override_problem(catalog: CommitmentCatalog, name: str, raw: Any,
                      overrides: dict[str, Any]) -> tuple[str, str] | None:
    """Validate one company override of a named commitment; store it in ``overrides`` when sound."""
    entry = catalog.entries.get(name)
    if entry is None:
        return "unknown fact or commitment", f"{catalog.suggest(name)} (names are in catalog/commitments.yaml)"
    if entry.fact:
        return f"{name} is set by the fact {entry.fact}", "write the value there instead and remove this line"
    try:
        value = override_value(entry, raw)
        overrides[name] = int(value) if value == int(value) else value
    except BadValue as exc:
        return exc.message, exc.fix
    return None


_MISSING = object()


def load_facts(path: Path) -> Facts:
    """Read and validate a ``company.yml`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FactsError([Problem(str(path), "not found", "run policyforge inside the company repository")]) from None
    except UnicodeDecodeError:
        raise FactsError([Problem(str(path), "is not UTF-8 text", "save the file as UTF-8")]) from None
    return parse_facts_yaml(text, where=str(path.name))


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_scalar(v) for v in value) + "]"
    if isinstance(value, str):
        # A JSON string is a valid YAML double-quoted scalar; characters YAML refuses to read
        # raw (controls, U+2028, U+FEFF...) are written as escapes, everything else as typed.
        return _YAML_UNSAFE.sub(lambda m: f"\\U{ord(m.group(0)):08x}", json.dumps(value, ensure_ascii=False))
    return json.dumps(value)


def dump_facts(facts: Facts) -> str:
    """Write facts as a commented ``company.yml``; reading it back gives the same facts."""
    out = [
        "# Company facts: the single source of truth for every policy, page and PDF.",
        "# Change a value, run `policyforge build`, and everything that uses it follows.",
        "# Text values are data: they are never run as templates and are escaped where they land.",
    ]
    written: set[tuple[str, ...]] = set()
    for spec in FACT_SPECS:
        for depth in range(1, len(spec.path)):
            prefix = spec.path[:depth]
            if prefix not in written:
                written.add(prefix)
                indent = "  " * (depth - 1)
                if depth == 1:
                    out.append("")
                    out.append(f"# {GROUP_TITLES[prefix[0]]}")
                elif prefix[0] == "people" and depth == 2 and prefix[1] in ROLE_TITLES:
                    out.append(f"{indent}# {ROLE_TITLES[prefix[1]]}")
                out.append(f"{indent}{prefix[-1]}:")
        indent = "  " * (len(spec.path) - 1)
        comment = spec.help or ("" if spec.path[0] == "people" else spec.prompt)
        if comment:
            out.append(f"{indent}# {comment}")
        out.append(f"{indent}{spec.path[-1]}: {_yaml_scalar(facts.get(spec.dotted))}")
        if spec is _LAST_COMMITMENT_FACT:
            for name, value in sorted(facts.overrides().items()):
                out.append(f"  {name}: {_yaml_scalar(value)}")
    return "\n".join(out) + "\n"


_LAST_COMMITMENT_FACT = [spec for spec in FACT_SPECS if spec.path[0] == "commitments"][-1]
