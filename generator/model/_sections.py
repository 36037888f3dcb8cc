"""Optional sections of ``company.yml`` that configure tools rather than the policy text.

``acknowledgements:`` says whether ``policyforge acknowledge`` demands signed commits; ``trust:``
says where the public trust site is published and who receives SOC 2 report requests. Both are
optional: a company that never writes them gets the defaults documented here.

    acknowledgements:
      signed_commits: true              # refuse an acknowledgement whose commit is not signed
    trust:
      url: https://trust.example.com    # where the trust site is published (default trust.<email domain>)
      report_requests: sales@example.com  # who receives SOC 2 report requests (default: security contact)
      languages: [en, de]               # languages reports may be written in (security.txt)
      locations:                        # where a subprocessor processes data (default: data.residency)
        Datadog: United States and Germany
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
