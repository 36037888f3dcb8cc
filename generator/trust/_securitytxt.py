"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability, written from the facts.

The file is plain ``Field: value`` lines. RFC 9116 requires Contact and Expires (Expires at most a
year ahead is recommended, so a stale file is noticed) and defines Policy, Preferred-Languages and
Canonical, which the trust site also fills in. ``parse_security_txt`` reads a file back the way
the RFC describes, so tests and ``policyforge trust`` check what they wrote.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WELL_KNOWN = ".well-known/security.txt"
# Days from the build to Expires: under a year, as RFC 9116 section 2.5.5 recommends.
EXPIRES_DAYS = 364


@dataclass(frozen=True)
class SecurityTxt:
    """The fields of a security.txt file."""

    contact: tuple[str, ...]
    expires: dt.datetime
    policy: str
    languages: tuple[str, ...]
    canonical: str

    def text(self) -> str:
        """Return the file's text, one field per line, in the RFC's field order."""
        lines = [f"Contact: {c}" for c in self.contact]
        lines.append(f"Expires: {self.expires.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        lines.append(f"Preferred-Languages: {', '.join(self.languages)}")
        lines.append(f"Canonical: {self.canonical}")
        lines.append(f"Policy: {self.policy}")
        return "\n".join(lines) + "\n"


def security_txt(contact_email: str, base_url: str, languages: tuple[str, ...], built: dt.date,
                 policy_path: str = "disclosure.html") -> SecurityTxt:
    """Return the security.txt of a trust site published at ``base_url`` and built on ``built``."""
    expires = dt.datetime.combine(built + dt.timedelta(days=EXPIRES_DAYS), dt.time(0, 0), tzinfo=dt.UTC)
    return SecurityTxt((f"mailto:{contact_email}",), expires, f"{base_url}/{policy_path}", languages,
                       f"{base_url}/{WELL_KNOWN}")


def parse_security_txt(text: str) -> dict[str, list[str]]:
    """Return each field of a security.txt with its values (comments and blank lines skipped).

    Field names are case-insensitive (RFC 9116 section 2.4), so they are returned in lower case.
    A line that is not ``Field: value`` raises ``ValueError`` naming the line.
    """
    fields: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or not name.replace("-", "").isalnum() or not value.startswith(" "):
            raise ValueError(f"line {number}: {line!r} is not 'Field: value'")
        fields.setdefault(name.lower(), []).append(value.strip())
    return fields
