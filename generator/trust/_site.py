"""The public trust site: what customers may know about the program, made from the same facts.

Customers ask every SOC 2 company for a security overview, the list of subprocessors, the SOC 2
report and a contact for vulnerability reports. This module writes those as a small static site
(plain HTML and one stylesheet, no script, nothing loaded from elsewhere) plus
``/.well-known/security.txt``. It is built from an allowlist of public facts: categories, report
type, policy titles, vendors that process customer data, and the company's role addresses. It
never reads a policy's text, a person's name or a personal address, so none can leak.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..kit._evidence import audit_window
from ..model._documents import AREAS
from ..model._sections import TrustSettings
from ..program._companion import companion_context
from ..program._program import CATEGORY_TITLES, Program
from ..render._escape import markdown_text
from ..render._markdown import markdown_to_html
from ..render._render import join_and, long_date
from ._securitytxt import WELL_KNOWN, SecurityTxt, security_txt

TRUST_DIR = "out/trust"
STYLE = """\
:root { --brand: %(brand)s; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2530; }
header { background: var(--brand); color: #fff; padding: 2rem 1rem; }
header h1 { margin: 0 auto; max-width: 52rem; font-size: 1.8rem; }
header p { margin: .5rem auto 0; max-width: 52rem; }
nav { background: #f3f5f8; border-bottom: 1px solid #d8dde5; }
nav ul { display: flex; flex-wrap: wrap; gap: 1.25rem; list-style: none; margin: 0 auto; max-width: 52rem;
         padding: .75rem 1rem; }
nav a, main a { color: #17416b; text-decoration: underline; }
header a { color: #fff; }
main { margin: 0 auto; max-width: 52rem; padding: 1rem 1rem 3rem; }
h2 { margin-top: 2.25rem; border-bottom: 2px solid var(--brand); padding-bottom: .25rem; }
table { border-collapse: collapse; width: 100%%; margin: 1rem 0; }
th, td { border: 1px solid #d8dde5; padding: .45rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f5f8; }
footer { border-top: 1px solid #d8dde5; color: #4a5562; font-size: .9rem; padding: 1rem; text-align: center; }
:focus-visible { outline: 3px solid #f0b323; outline-offset: 2px; }
"""
PAGE = """\
<!doctype html>
<html lang="%(lang)s">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%(title)s</title>
<link rel="stylesheet" href="%(root)sstyle.css">
</head>
<body>
<header><h1>%(heading)s</h1><p>%(tagline)s</p></header>
<nav aria-label="Trust site"><ul>
<li><a href="%(root)sindex.html#program">Program</a></li>
<li><a href="%(root)sindex.html#soc2">SOC 2 report</a></li>
<li><a href="%(root)sindex.html#subprocessors">Subprocessors</a></li>
<li><a href="%(root)sdisclosure.html">Report a vulnerability</a></li>
</ul></nav>
<main>
%(body)s
</main>
<footer>%(footer)s</footer>
</body>
</html>
"""


@dataclass(frozen=True)
class Subprocessor:
    """A vendor that processes customer data for the company, as the public sees it."""

    name: str
    purpose: str
    location: str


def subprocessors(program: Program, settings: TrustSettings) -> list[Subprocessor]:
    """Return the vendors of the vendor inventory that touch customer data, with purpose and location.

    A tool sold by a cloud provider in use is part of that provider's entry, as in the inventory.
    """
    context = companion_context(program)
    residency = str(program.facts.held_data.residency)
    regions = program.facts.stack.cloud_regions
    found: list[Subprocessor] = []
    for vendor in context["vendors"]:
        if not vendor["customer_data"] or vendor["part_of"]:
            continue
        name = str(vendor["name"])
        default = f"{residency} ({', '.join(regions)})" if vendor["kind"] == "cloud" else residency
        found.append(Subprocessor(name, str(vendor["service"]), settings.locations.get(name, default)))
    return found


def _report_paragraph(program: Program, settings: TrustSettings, today: dt.date) -> str:
    facts = program.facts
    window = audit_window(facts)
    firm = markdown_text(facts.audit.audit_firm)
    mail = markdown_text(settings.report_requests)
    request = (f"The report is confidential to {markdown_text(facts.company.name)}, its customers and "
               f"prospects: it is shared under a non-disclosure agreement. Request it by writing to "
               f"[{mail}](mailto:{mail}) with your company name and the reason for the request.")
    if window.type2:
        period = f"{long_date(window.start)} to {long_date(window.end)}"
        if window.end < today:
            state = (f"Our SOC 2 Type II report, issued by {firm}, covers the operation of our controls from "
                     f"{period}.")
        else:
            state = (f"Our SOC 2 Type II audit by {firm} is in progress: it tests the operation of our controls "
                     f"from {period}, and the report follows the end of that period.")
    elif window.start < today:
        state = f"Our SOC 2 Type I report, issued by {firm}, describes the design of our controls as of " \
                f"{long_date(window.start)}."
    else:
        state = f"Our SOC 2 Type I audit by {firm} examines the design of our controls as of " \
                f"{long_date(window.start)}; the report follows that date."
    return f"{state} {request}"


def trust_markdown(program: Program, settings: TrustSettings, today: dt.date) -> dict[str, str]:
    """Return the trust site's pages as Markdown (``index`` and ``disclosure``), built from public facts only."""
    facts = program.facts
    company = markdown_text(facts.company.name)
    product = markdown_text(facts.company.product)
    categories = [CATEGORY_TITLES[c] for c in facts.categories]
    contact = markdown_text(facts.people.security_contact)
    index = [
        f"{markdown_text(facts.company.legal_name)} protects the data its customers entrust to {product} "
        f"with a security program audited against the AICPA Trust Services Criteria (SOC 2). This page says what "
        f"the program covers, how to obtain the SOC 2 report, which subprocessors handle customer data, and how to "
        f"reach our security team.\n",
        "## What the program covers {#program}\n",
        f"- **Trust Services categories in scope:** {join_and(categories)}",
        f"- **Report type:** SOC 2 {'Type II' if audit_window(facts).type2 else 'Type I'}",
        f"- **Policies in force:** {len(program.policies)}, each approved, versioned and reviewed at least "
        f"{_period(program, 'policy_review', 'every year', every=True)}; everyone who works for {company} "
        f"acknowledges them {_acknowledgement_deadlines(program)}.\n",
        "| Area | Policies |", "|---|---|",
    ]
    for area, title in AREAS.items():
        docs = [d for d in program.ordered_policies() if d.area == area]
        if docs:
            # Titles only; a policy the company classifies Public says so (no other marking is public).
            names = [markdown_text(d.title) + (" (public)" if program.classification(d) == "Public" else "")
                     for d in docs]
            index.append(f"| {markdown_text(title)} | {'<br>'.join(names)} |")
    index += ["", "## SOC 2 report {#soc2}\n", _report_paragraph(program, settings, today) + "\n",
              "## Subprocessors {#subprocessors}\n",
              f"These vendors process customer data on behalf of {company}. Each is assessed before use and "
              f"reassessed {_period(program, 'vendor_reassessment_critical', 'every year', every=True)} under our "
              "vendor management program.\n",
              "| Subprocessor | Purpose | Location |", "|---|---|---|"]
    for sub in subprocessors(program, settings):
        index.append(f"| {markdown_text(sub.name)} | {sub.purpose} | {markdown_text(sub.location)} |")
    index += ["", "## Security contact {#contact}\n",
              f"Report a security concern or a vulnerability to [{contact}](mailto:{contact}). How we handle "
              f"reports is described on the [vulnerability disclosure page](disclosure.html); the machine-readable "
              f"contact is [security.txt]({WELL_KNOWN})."]
    status = str(facts.stack.status_page or "")
    if status:
        index.append(f"\nService status and incidents are published at [{markdown_text(status)}]"
                     f"({markdown_text(status)}).")
    ack = _vuln_ack(program)
    disclosure = [
        f"We welcome reports of vulnerabilities in {product} and in the websites of {company}.\n",
        "## How to report {#report}\n",
        f"Write to [{contact}](mailto:{contact}) with a description of the issue, the steps to reproduce it and "
        "the impact you expect. Please do not include customer data you may have obtained.\n",
        "## What we do {#response}\n",
        (f"- We acknowledge your report {ack} and tell you whether we could reproduce it." if ack else
         "- We acknowledge your report and tell you whether we could reproduce it."),
        "- We keep you informed while we fix the issue, and tell you when it is fixed.",
        "- We credit you, if you wish, once the fix is released.\n",
        "## Testing in good faith {#good-faith}\n",
        "Test only against accounts you own or are permitted to use, do not degrade the service for others, do "
        "not access, change or keep other people's data, and give us reasonable time to fix an issue before you "
        "disclose it. We will not pursue legal action against research done this way.",
    ]
    return {"index": "\n".join(index) + "\n", "disclosure": "\n".join(disclosure) + "\n"}


def _acknowledgement_deadlines(program: Program) -> str:
    """Return when people acknowledge the policies, from the commitments the policies and the status read."""
    values = program.commitments
    if "acknowledgement_new_hire_days" not in values or "acknowledgement_renewal" not in values:
        return "at hire and every year"
    return (f"{_period(program, 'acknowledgement_new_hire_days', '')} of joining and again "
            f"{_period(program, 'acknowledgement_renewal', '')} of their last acknowledgement")


def _period(program: Program, name: str, fallback: str, every: bool = False) -> str:
    """Return "within 30 days" (or "every 12 months") from a named commitment, else ``fallback``.

    The public page and the policies then state one value.
    """
    found = program.commitments.get(name)
    if found is None:
        return fallback
    from ..render._commit import CommitText

    text = CommitText(found)
    return text.every if every else text.within


def _vuln_ack(program: Program) -> str:
    """Return "within 2 business days" from the named commitment, or '' when the library has none."""
    values = program.commitments
    found = values.get("vuln_report_ack")
    if found is None:
        return ""
    from ..render._commit import unit_phrase

    return f"within {unit_phrase(found.value, found.unit)}"


def _page(title: str, heading: str, tagline: str, body_markdown: str, lang: str, footer: str) -> str:
    values: dict[str, Any] = {
        "lang": html.escape(lang), "title": html.escape(title), "heading": html.escape(heading),
        "tagline": tagline, "root": "", "body": markdown_to_html(body_markdown), "footer": footer,
    }
    return PAGE % values


def trust_files(program: Program, settings: TrustSettings, today: dt.date) -> dict[str, str]:
    """Return every file of the trust site by relative path: two pages, the stylesheet, security.txt."""
    facts = program.facts
    pages = trust_markdown(program, settings, today)
    name = str(facts.company.name)
    lang = settings.languages[0]
    footer = (f"{html.escape(str(facts.company.legal_name))} · updated {html.escape(today.isoformat())} · "
              f"<a href=\"{WELL_KNOWN}\">security.txt</a>")
    tagline = html.escape(f"Security, compliance and subprocessors of {facts.company.product}")
    txt: SecurityTxt = security_txt(str(facts.people.security_contact), settings.url, settings.languages,
                                    today)
    return {
        "index.html": _page(f"{name} Trust Center", f"{name} Trust Center", tagline, pages["index"], lang, footer),
        "disclosure.html": _page(f"Vulnerability disclosure — {name}", f"{name} vulnerability disclosure", tagline,
                                 pages["disclosure"], lang, footer),
        "style.css": STYLE % {"brand": facts.site.brand_color},
        WELL_KNOWN: txt.text(),
    }


def write_trust_site(files: dict[str, str], out: Path) -> None:
    """Write the site into a sibling temporary folder, then swap it into place in one rename."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for relative, text in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
            os.chmod(target, 0o644)
        os.chmod(staging, 0o755)
        old = out.with_name(f".{out.name}.old")
        if old.exists():
            shutil.rmtree(old)
        if out.exists():
            os.replace(out, old)
        os.replace(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
