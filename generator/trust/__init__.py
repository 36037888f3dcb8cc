"""The public trust site: program overview, SOC 2 report requests, subprocessors and security.txt."""

from ._securitytxt import WELL_KNOWN, SecurityTxt, parse_security_txt, security_txt
from ._site import TRUST_DIR, Subprocessor, subprocessors, trust_files, trust_markdown, write_trust_site

__all__ = [
    "TRUST_DIR", "WELL_KNOWN", "SecurityTxt", "Subprocessor", "parse_security_txt", "security_txt", "subprocessors",
    "trust_files", "trust_markdown", "write_trust_site",
]
