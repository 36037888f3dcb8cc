"""Optional sections of ``company.yml`` that configure tools rather than the policy text.

``layout:`` sets the PDFs' paper and the company's logo. ``acknowledgements:`` says whether
``policyforge acknowledge`` demands signed commits; ``trust:`` says where the public trust site
is published and who receives SOC 2 report requests. All are optional: a company that never
writes them gets the defaults documented here.

    acknowledgements:
      signed_commits: true              # refuse an acknowledgement whose commit is not signed
    trust:
      url: https://trust.example.com    # where the trust site is published (default trust.<email domain>)
      report_requests: sales@example.com  # who receives SOC 2 report requests (default: security contact)
      languages: [en, de]               # languages reports may be written in (security.txt)
      locations:                        # where a subprocessor processes data (default: data.residency)
        Datadog: United States and Germany
    layout:
      paper_size: Letter                # A4 or Letter (default: Letter in the US and Canada, else A4)
      logo: brand/logo.svg              # a PNG or SVG in the repository, on the PDF covers and the site header
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._errors import FactsError, Problem
from ._facts import Facts

COMPANY_FILE = "company.yml"
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/+-]*)?$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_PLAIN = re.compile(r"^[^\x00-\x1f\x7f]{1,120}$")


@dataclass(frozen=True)
class AckSettings:
    """How acknowledgements made in git are accepted."""

    signed_commits: bool = False


@dataclass(frozen=True)
class TrustSettings:
    """Where the trust site lives and whom the public writes to."""

    url: str
    report_requests: str
    languages: tuple[str, ...]
    locations: dict[str, str]


def _section(repo: Path, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    """Return one top-level section of company.yml with the line of each key in it."""
    path = repo / COMPANY_FILE
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}, {}  # load_facts has already reported an unreadable company.yml
    lines: dict[str, int] = {}
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == name:
                lines[name] = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for sub, _ in value.value:
                        lines[f"{name}.{sub.value}"] = sub.start_mark.line + 1
    section = data.get(name) if isinstance(data, dict) else None
    if section is None:
        return {}, lines
    if not isinstance(section, dict):
        raise FactsError([Problem(COMPANY_FILE, f"{name}: must be a mapping of settings",
                                  "see the README, section Usage", lines.get(name))])
    return section, lines


def _unknown(name: str, section: dict[str, Any], allowed: tuple[str, ...], lines: dict[str, int]) -> list[Problem]:
    return [Problem(COMPANY_FILE, f"{name}.{key}: unknown setting", f"use only {', '.join(allowed)}",
                    lines.get(f"{name}.{key}")) for key in section if key not in allowed]


def ack_settings(repo: Path) -> AckSettings:
    """Return the ``acknowledgements:`` settings of a company repository."""
    section, lines = _section(repo, "acknowledgements")
    problems = _unknown("acknowledgements", section, ("signed_commits",), lines)
    signed = section.get("signed_commits", False)
    if not isinstance(signed, bool):
        problems.append(Problem(COMPANY_FILE, f"acknowledgements.signed_commits: {signed!r} is not true or false",
                                "write true or false", lines.get("acknowledgements.signed_commits")))
    if problems:
        raise FactsError(problems)
    return AckSettings(signed_commits=bool(signed))


def trust_settings(repo: Path | None, facts: Facts) -> TrustSettings:
    """Return the ``trust:`` settings, with defaults taken from the company's facts."""
    section, lines = _section(repo, "trust") if repo is not None else ({}, {})
    problems = _unknown("trust", section, ("url", "report_requests", "languages", "locations"), lines)

    def bad(key: str, value: object, fix: str) -> None:
        problems.append(Problem(COMPANY_FILE, f"trust.{key}: {value!r} is not valid", fix, lines.get(f"trust.{key}")))

    url = section.get("url", f"https://trust.{facts.company.email_domain}")
    if not isinstance(url, str) or not _URL.match(url):
        bad("url", url, "write an https:// address such as https://trust.example.com")
    requests = section.get("report_requests", facts.people.security_contact)
    if not isinstance(requests, str) or not _EMAIL.match(requests):
        bad("report_requests", requests, "write an email address such as security@example.com")
    languages = section.get("languages", ["en"])
    if not isinstance(languages, list) or not languages or not all(
            isinstance(tag, str) and _LANGUAGE.match(tag) for tag in languages):
        bad("languages", languages, "write a list of language tags such as [en, de]")
    locations = section.get("locations", {})
    if not isinstance(locations, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and _PLAIN.match(k) and _PLAIN.match(v)
            for k, v in locations.items()):
        bad("locations", locations, "map each vendor name to a place, e.g. Datadog: United States")
    if problems:
        raise FactsError(problems)
    return TrustSettings(str(url).rstrip("/"), str(requests), tuple(languages), dict(locations))


PAPER_SIZES: tuple[str, ...] = ("A4", "Letter")
# Where Letter is the usual office paper; everywhere else uses A4 (ISO 216).
LETTER_COUNTRIES: frozenset[str] = frozenset({
    "united states", "united states of america", "usa", "us", "u.s.", "u.s.a.", "america", "canada", "ca",
})


@dataclass(frozen=True)
class LayoutSettings:
    """How the PDFs look: the paper they are laid out on and the company's logo (a path in the repository)."""

    paper_size: str
    logo: str | None = None


def default_paper_size(facts: Facts) -> str:
    """Return Letter for a company headquartered in the United States or Canada, else A4."""
    country = facts.company.hq_country.strip().lower()
    return "Letter" if country in LETTER_COUNTRIES else "A4"


def layout_settings(repo: Path | None, facts: Facts) -> LayoutSettings:
    """Return the ``layout:`` settings; the logo file itself is checked with the published files."""
    section, lines = _section(repo, "layout") if repo is not None else ({}, {})
    problems = _unknown("layout", section, ("paper_size", "logo"), lines)
    paper = section.get("paper_size", default_paper_size(facts))
    chosen = next((size for size in PAPER_SIZES if isinstance(paper, str) and paper.strip().lower() == size.lower()),
                  None)
    if chosen is None:
        problems.append(Problem(COMPANY_FILE, f"layout.paper_size: {paper!r} is not a paper size",
                                "write A4 or Letter", lines.get("layout.paper_size")))
    logo = section.get("logo")  # the file is checked (inside the repository, its type) by repo._published
    if problems:
        raise FactsError(problems)
    return LayoutSettings(chosen or "A4", logo.strip() if isinstance(logo, str) and logo.strip() else None)
