"""The library lint: render every template for contrasting companies and hold it to the bar.

A policy library is only as good as its worst rendering. The lint renders each template for the
example company and for companies that differ in every fact a template branches on (cloud, work
model, devices, data types, scope, report type), then checks wording, placeholders, length,
control anchors, criteria coverage, checklist trace, tool names and shared boilerplate.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .._errors import PolicyforgeError, Problem
from ..model._answers import resolve_answers
from ..model._facts import facts_from_answers
from ..model._library import Library, anchors_in, load_library_leniently
from ..render._wording import check_wording
from ._program import Program, program_from_library

MIN_WORDS = 900
MAX_WORDS = 2600
MIN_CONTROLS = 3

# Companies the library must read well for. Tool names differ from the example's on purpose:
# a template that hard-codes "Okta" or "AWS" shows up as a foreign tool name in another variant.
VARIANTS: dict[str, dict[str, Any]] = {
    "example": {},
    "security-only": {
        "scope_availability": False, "scope_confidentiality": False,
        "scope_processing_integrity": False, "scope_privacy": False,
    },
    "gcp-remote": {
        "cloud_providers": "gcp", "cloud_regions": "europe-west1, europe-west4", "work_model": "remote",
        "byod_allowed": False, "uses_contractors": False, "mfa_method": "totp", "identity_provider": "Google Workspace",
        "source_control": "GitLab", "ci_cd": "GitLab CI", "ticketing": "Linear", "hr_system": "Personio",
        "mdm": "Jamf Pro", "endpoint_protection": "SentinelOne", "password_manager": "Bitwarden",
        "logging_siem": "Google Security Operations", "vulnerability_scanner": "Tenable Nessus",
        "backup_tool": "Backup and DR Service", "remote_access": "Cloudflare Access", "status_page": "",
        "on_call_tool": "Opsgenie", "training_provider": "Curricula", "data_residency": "European Union",
        "report_type": "type1", "hq_country": "Germany", "scope_processing_integrity": False,
    },
    "azure-office": {
        "cloud_providers": "azure, aws", "cloud_regions": "eastus2, centralus", "work_model": "office",
        "mfa_method": "push", "identity_provider": "Microsoft Entra ID", "source_control": "Azure Repos",
        "ci_cd": "Azure Pipelines", "ticketing": "ServiceNow", "hr_system": "Workday", "mdm": "Microsoft Intune",
        "endpoint_protection": "Microsoft Defender for Endpoint", "password_manager": "Keeper",
        "logging_siem": "Microsoft Sentinel", "vulnerability_scanner": "Qualys", "backup_tool": "Azure Backup",
        "remote_access": "Azure VPN Gateway", "on_call_tool": "xMatters", "training_provider": "Proofpoint",
        "data_phi": True, "data_payment": True, "scope_privacy": False, "scope_availability": False,
    },
    # One person holds two roles that check each other: the text and the approval routing must name
    # the alternate approver wherever the Security Officer's work is checked by the CTO.
    "cto-security-officer": {
        "security_officer_name": "Rahul Mehta", "security_officer_email": "rahul.mehta@acme.example",
        "alternate_approver_name": "Grace Okafor", "alternate_approver_email": "grace.okafor@acme.example",
    },
    "ceo-privacy-officer": {
        "privacy_officer_name": "Dana Whitfield", "privacy_officer_email": "dana.whitfield@acme.example",
        "alternate_approver_name": "Rahul Mehta", "alternate_approver_email": "rahul.mehta@acme.example",
    },
    # A 1-hour RPO even after the loss of a region: backups every 15 minutes, copied within 15 minutes
    # and rerun within 30, so the worst case (15 + 15 + 30 minutes) stays inside the hour.
    "rpo-1-hour": {
        "rpo_hours": "1", "backup_frequency_hours": "0.25",
        "_commitments": {"rpo_region_loss": 1, "backup_copy_lag": 0.25, "backup_rerun": 0.5},
    },
    # Five people: the CEO is also Privacy Officer and Head of People, the CTO is the Security Officer,
    # and an outside board member approves what the CEO writes.
    "five-people": {
        "headcount_band": "1-20", "work_model": "remote", "uses_contractors": False, "byod_allowed": False,
        "company_name": "Nimbus Ledger", "company_legal_name": "Nimbus Ledger Ltd", "doc_prefix": "NIMB",
        "product_name": "Nimbus Ledger", "website": "https://nimbus.example", "email_domain": "nimbus.example",
        "ceo_name": "Ana Costa", "ceo_email": "ana@nimbus.example", "cto_name": "Mei Lin",
        "cto_email": "mei@nimbus.example", "security_officer_name": "Mei Lin",
        "security_officer_email": "mei@nimbus.example", "privacy_officer_name": "Ana Costa",
        "privacy_officer_email": "ana@nimbus.example", "head_of_people_name": "Ana Costa",
        "head_of_people_email": "ana@nimbus.example", "approver_name": "Ana Costa",
        "approver_email": "ana@nimbus.example", "alternate_approver_name": "Sam Ortiz",
        "alternate_approver_email": "sam.ortiz@nimbus.example", "security_contact_email": "security@nimbus.example",
    },
}
TOOL_KEYS = (
    "identity_provider", "source_control", "ci_cd", "ticketing", "hr_system", "mdm", "endpoint_protection",
    "password_manager", "logging_siem", "vulnerability_scanner", "backup_tool", "remote_access", "on_call_tool",
    "training_provider",
)
# A numbered statement or heading must start its own block, or Markdown glues it to the last one.
_BLOCK_START = re.compile(r"^(\*\*\d+(\.\d+)*\*\*|#{1,6} )")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass(frozen=True)
class Rendered:
    """One policy rendered for one variant."""

    variant: str
    policy_id: str
    body: str
    page: str


def word_count(markdown: str) -> int:
    """Count the words of prose in Markdown (markup, ids and table rules ignored)."""
    text = re.sub(r"\{[^}]*\}", " ", markdown)
    text = re.sub(r"[#*|_`>\[\]()-]", " ", text)
    return len(_WORD.findall(text))


LIBRARY_IDS = frozenset(f"POL-{n:02d}" for n in range(1, 30))


def variant_answers(name: str) -> dict[str, Any]:
    """Return the answers of a lint variant or of a company of the matrix (``_matrix.MATRIX``)."""
    from ._matrix import MATRIX

    return dict(VARIANTS[name]) if name in VARIANTS else dict(MATRIX[name].answers)


def variant_program(name: str, library: Library, overrides: Mapping[str, Any] | None = None) -> Program:
    """Build the program a variant company (or a matrix company) would get from the library."""
    given = {**variant_answers(name), **(overrides or {})}
    commitments = given.pop("_commitments", None)
    answers = resolve_answers(given)
    program = program_from_library(facts_from_answers(answers, where=f"variant {name}", overrides=commitments),
                                   library)
    program.unwritten = LIBRARY_IDS - set(library.templates)
    return program


def _render_all(program: Program, variant: str, problems: list[Problem]) -> list[Rendered]:
    out: list[Rendered] = []
    for doc in program.ordered_policies():
        try:
            body = program.render_body(doc)
            page = program.render_page(doc)
        except PolicyforgeError as exc:
            problems.extend(Problem(p.where, f"[{variant}] {p.message}", p.fix, p.line) for p in exc.problems)
            continue
        out.append(Rendered(variant, doc.id, body, page))
    return out


def _paragraphs(body: str) -> list[str]:
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", body) if len(p.split()) >= 15]


def lint_library(library: Library | None = None, variants: tuple[str, ...] = tuple(VARIANTS),
                 rules: Iterable[str] | None = None) -> list[Problem]:
    """Return every problem the library has across the variants (empty when it meets the bar).

    ``rules`` selects consistency rules by code (default: every enforced rule, see ``rules.PENDING``).
    """
    from ..rules import library_view, run_rules

    problems: list[Problem] = []
    if library is None:
        library, problems = load_library_leniently()
    defaults = resolve_answers()
    example_tools: dict[str, str] = {key: defaults[key] for key in TOOL_KEYS}
    reported: set[tuple[str, int | None, str]] = set()
    codes = list(rules) if rules is not None else None
    for name in variants:
        try:
            program = variant_program(name, library)
        except PolicyforgeError as exc:
            problems.extend(Problem(p.where, f"[{name}] {p.message}", p.fix, p.line) for p in exc.problems)
            continue
        rendered = _render_all(program, name, problems)
        for item in rendered:
            doc = program.policies[item.policy_id]
            where = library.templates[item.policy_id].path
            for problem in check_wording(item.page, where):
                problems.append(Problem(where, f"[{name}] {problem.message} (rendered line {problem.line})",
                                        problem.fix))
            for number, (before, line) in enumerate(pairwise(item.body.splitlines()), start=2):
                if _BLOCK_START.match(line) and before.strip():
                    problems.append(Problem(where, f"[{name}] rendered line {number} runs into the line before it",
                                            "put {% if %} and {% endif %} on lines of their own"))
            present = anchors_in(item.body)
            for cid in doc.controls:
                control = library.catalog.controls[cid]
                if control.policy != doc.id:
                    # A shared control is stated in its home policy, which must be in force wherever it is carried.
                    if control.policy not in program.policies:
                        problems.append(Problem(control.source, f"[{name}] control {cid} is carried by {doc.id} but "
                                                f"its home policy {control.policy} is not in force",
                                                "state the control in the policy every carrier's company has, and "
                                                "list the others under carried_by:"))
                    continue
                section = control.section
                if section not in present:
                    problems.append(Problem(where, f"[{name}] section #{section} of control {cid} is not rendered",
                                            "keep the heading outside conditional blocks"))
            if name == "example":
                words = word_count(item.body)
                if not MIN_WORDS <= words <= MAX_WORDS:
                    problems.append(Problem(where, f"policy text has {words} words",
                                            f"write between {MIN_WORDS} and {MAX_WORDS} words"))
                if len(doc.controls) < MIN_CONTROLS:
                    problems.append(Problem(where, f"carries {len(doc.controls)} controls",
                                            f"state at least {MIN_CONTROLS} testable controls"))
            if name != "example":
                used = {program.facts.stack.tool(key) for key in TOOL_KEYS}
                for key, tool in example_tools.items():
                    if tool not in used and re.search(rf"\b{re.escape(tool)}\b", item.body):
                        problems.append(Problem(where, f"[{name}] names {tool!r}, a tool this company does not use",
                                                f"write {{{{ stack.{key} }}}} instead of the tool's name"))
        # A rule finding in the library's own files reads the same for every variant: report it once.
        for problem in run_rules(library_view(program), codes):
            finding = (problem.where, problem.line, problem.message)
            if finding not in reported:
                reported.add(finding)
                problems.append(Problem(problem.where, f"[{name}] {problem.message}", problem.fix, problem.line))
        for row in program.coverage():
            if not row.covered:
                problems.append(Problem("policy_templates/controls", f"[{name}] criterion {row.criterion.id} "
                                        "has no control in scope", "add a control that addresses it"))
        if name == "example":
            seen: dict[str, str] = {}
            for item in rendered:
                for paragraph in _paragraphs(item.body):
                    other = seen.setdefault(paragraph, item.policy_id)
                    if other != item.policy_id:
                        problems.append(Problem(library.templates[item.policy_id].path,
                                                f"paragraph also in {other}: {paragraph[:60]!r}",
                                                "write text specific to this policy"))
    core = {c.id: c for c in library.catalog.controls.values()
            if library.templates.get(c.policy) and library.templates[c.policy].category == "security"}
    answered = {item for control in core.values() for item in control.checklist}
    for key in library.catalog.checklist:
        if key not in answered:
            problems.append(Problem("policy_templates/catalog/checklist.yaml",
                                    f"checklist item {key} is answered by no core control",
                                    "list it in the checklist: field of the control that answers it"))
    return problems


def company_texts(program: Program) -> dict[str, str]:
    """Return every page a company reads: policies, companion documents, evidence plan, readiness and program page."""
    from ..kit._pages import kit_pages
    from ._companion import companion_pages
    from ._load import program_page

    texts = {doc.filename: program.render_page(doc) for doc in program.ordered_policies()}
    texts.update(companion_pages(program))
    texts.update(kit_pages(program))
    texts["program.md"] = program_page(program)
    return texts


def lint_vocabulary(name: str, library: Library | None = None) -> list[Problem]:
    """Check a matrix company's pages for the words it must not read and the words it must."""
    from ._matrix import MATRIX, UNDEFINED_TERMS

    company = MATRIX[name]
    texts = company_texts(variant_program(name, library or load_library_leniently()[0]))
    problems: list[Problem] = []
    for pattern in (*company.absent, *UNDEFINED_TERMS):
        for page, text in texts.items():
            found = re.search(pattern, text, re.IGNORECASE if company.ignore_case else 0)
            if found:
                context = " ".join(text[max(0, found.start() - 60): found.end() + 40].split())
                problems.append(Problem(page, f"[{name}] reads {found.group(0)!r}, which does not fit this company: "
                                        f"…{context}…", "branch the text on the fact that makes it untrue"))
    whole = "\n".join(texts.values())
    for pattern in company.present:
        if not re.search(pattern, whole):
            problems.append(Problem(f"matrix {name}", f"no page reads /{pattern}/",
                                    "write the text this company's facts call for"))
    return problems
