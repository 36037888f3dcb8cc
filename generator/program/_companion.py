"""Companion documents auditors ask for besides the policies, generated from the facts as starting points.

A system description, risk register, inventories, business impact analysis, incident runbook,
exception register and acknowledgement form all restate facts the policies already hold: the cloud,
the tools, the people, the recovery objectives. Rendering them from the same facts and templates
keeps them in step with the policies; what only the company knows is left as empty table cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from .._errors import Problem, TemplateError
from ..model._facts_schema import OUTSIDE_PARTIES as PARTY_TITLES
from ..model._facts_schema import ROLE_TITLES
from ..model._parties import relied_on
from ..model._roles import neither_role, same_person
from ..model._yaml import load_fast
from ..render._context import build_context
from ..render._escape import markdown_text
from ..render._render import render_markdown, safe
from ._program import CATEGORY_TITLES, Program

COMPANION_DIR = "companion"
# File stem -> navigation title, in the order an auditor's request list usually runs.
COMPANION_TITLES: dict[str, str] = {
    "system-description": "System description",
    "risk-register": "Risk register",
    "asset-inventory": "Asset and system inventory",
    "vendor-inventory": "Vendor inventory",
    "business-impact-analysis": "Business impact analysis",
    "incident-response-runbook": "Incident response runbook",
    "exception-register": "Exception register",
    "policy-acknowledgement": "Policy acknowledgement form",
}
DOCUMENTS: tuple[str, ...] = tuple(COMPANION_TITLES)
VENDOR_TIERS: dict[str, str] = {"critical": "Critical", "high": "High", "low": "Low"}
# Bands of the Risk Assessment and Management Policy (POL-07, 4.3.2): lowest score of each band.
RISK_BANDS: tuple[tuple[int, str], ...] = ((20, "critical"), (10, "high"), (5, "medium"), (1, "low"))


def risk_band(score: int) -> str:
    """Return the band of a likelihood x impact score (1-25)."""
    return next(name for floor, name in RISK_BANDS if score >= floor)


def _folder(program: Program) -> Path:
    folder = program.library.root / COMPANION_DIR
    if not folder.is_dir():
        raise TemplateError([Problem(str(folder), "the companion documents are missing from the policy library",
                                     "use a library release that ships policy_templates/companion/")])
    return folder


def _data(folder: Path, name: str) -> Any:
    path = folder / name
    try:
        return load_fast(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise TemplateError([Problem(str(path), f"not valid YAML: {getattr(exc, 'problem', exc)}", "fix the syntax",
                                     mark.line + 1 if mark else None)]) from None


class _Texts:
    """Render the short Jinja texts of the companion data files with the company's facts."""

    def __init__(self, context: Mapping[str, Any], where: str) -> None:
        self.context = context
        self.where = where

    def __call__(self, source: object) -> Markup:
        text = render_markdown(str(source), self.where, self.context)
        return safe(" ".join(text.split()))


def _links(program: Program, prefix: str) -> tuple[Callable[..., Markup], Callable[..., Markup]]:
    """Return link makers for controls and policy sections, as seen from a companion page."""
    carrier = program.carriers()

    def control(cid: str) -> Markup:
        if cid not in carrier:
            raise KeyError(f"control({cid!r}): no policy in this company's scope carries it")
        return safe(f"[{cid}]({prefix}{carrier[cid].filename}#control-{cid.lower()})")

    def section(policy_id: str, anchor: str, text: str | None = None) -> Markup:
        doc = program.policies.get(policy_id)
        if doc is None:
            raise KeyError(f"section({policy_id!r}): that policy is not in this company's scope")
        # The label's number is read from the policy's heading, so a renumbered section moves every citation.
        template = program.library.templates.get(policy_id)
        heading = re.search(rf"^#+\s+(\d+(?:\.\d+)*)\.?\s.*\{{#{re.escape(anchor)}\}}", template.body,
                            re.MULTILINE) if template else None
        if template and heading is None:
            raise KeyError(f"section({policy_id!r}, {anchor!r}): {policy_id} has no heading with that anchor")
        label = text or (f"section {heading.group(1)}" if heading else f"{policy_id} §{anchor}")
        return safe(f"[{label}]({prefix}{doc.filename}#{anchor})")

    return control, section


def _cloud_vendors(program: Program) -> list[dict[str, Any]]:
    providers = program.library.catalog.providers
    return [
        {"key": key, "name": providers[key]["name"], "short": providers[key]["short"],
         "service": safe(f"hosting of {markdown_text(program.facts.company.product)}: compute, databases, "
                         "storage, networking and key management"),
         "data": safe("all customer data and production workloads"), "tier": "critical",
         "why": safe("it stores and processes customer data; it is a subservice organisation (carve-out)"),
         "recovery_tier": 1, "owner": "cto", "kind": "cloud", "customer_data": True, "subservice": True,
         "part_of": "", "assurance": providers[key]["soc_report"]}
        for key in program.facts.stack.cloud_providers
    ]


def vendors(program: Program, texts: _Texts, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return every vendor: each cloud provider, then each tool of ``stack.*`` (one row per vendor name).

    A tool named after a cloud provider ("AWS Backup") is that provider's service: it is listed with
    the provider and assessed through the provider's SOC 2 report rather than as a vendor of its own.
    """
    rows = _cloud_vendors(program)
    by_name: dict[str, dict[str, Any]] = {}
    for key, spec in data["tools"].items():
        name = str(program.facts.stack.tool(key))
        # A provider's own service: named after it ("AWS Backup"), or listed for it in catalog/services.yaml
        # under a name of its own ("Backup and DR Service" of Google Cloud).
        record = program.library.catalog.places.backup_by_name(name) if key == "backup_tool" else None
        provider = next((row for row in rows if name.lower().startswith(str(row["short"]).lower())
                         or (record is not None and record["provider"] == row["key"])), None)
        row = {"key": key, "name": name, "service": texts(spec["service"]), "data": texts(spec["data"]),
               "tier": spec["tier"], "why": texts(spec["why"]), "recovery_tier": int(spec["recovery_tier"]),
               "owner": spec["owner"], "kind": spec["kind"], "customer_data": bool(spec["subprocessor"]),
               "subservice": False, "part_of": provider["name"] if provider else "",
               "assurance": provider["assurance"] if provider else ""}
        same = by_name.get(name.lower())
        if same is None:
            by_name[name.lower()] = row
            continue
        # One vendor, two roles (the same product named twice): keep one row with the stricter tier.
        same["service"] = safe(f"{same['service']}; {row['service']}")
        same["data"] = safe(f"{same['data']}; {row['data']}")
        if list(VENDOR_TIERS).index(row["tier"]) < list(VENDOR_TIERS).index(same["tier"]):
            same.update(tier=row["tier"], why=row["why"])
        same["recovery_tier"] = min(same["recovery_tier"], row["recovery_tier"])
        same["customer_data"] = same["customer_data"] or row["customer_data"]
    return rows + list(by_name.values()) + outside_parties(program, texts, data)


def outside_parties(program: Program, texts: _Texts, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return a vendor row for each outside party the policies rely on (``model._parties.relied_on``).

    Each works in the company's own systems under its policies, so none is a subservice organisation, and none
    holds company data it would have to give back, so none has a recovery point to commit to. ``controls`` are the
    controls in force that rely on it (its ``performed_by:`` controls and those its entry lists): while it is not
    engaged it operates none of them, and each is a deficiency under MON-04 (issue #13, T17).
    """
    carried = {cid for doc in program.policies.values() for cid in doc.controls}
    out: list[dict[str, Any]] = []
    facts = program.facts
    for key, name in relied_on(facts).items():
        spec = data["outside_parties"].get(key)
        if spec is None:  # a library older than the party (the scanning vendor and the QSA came with issue #13)
            continue
        # A party that checks a role's work (the outside engineer reviews the CTO's changes) is never owned by that
        # role's holder: who assesses the checker and renews its contract is someone it does not check.
        checked = tuple(spec.get("checks_work_of") or ())
        owner = str(spec["owner"])
        if any(same_person(facts, owner, role) for role in checked):
            owner = neither_role(facts, *checked) or owner
        relying = [c.id for c in program.library.catalog.controls.values() if key in c.performed_by]
        controls = [cid for cid in dict.fromkeys([*relying, *spec.get("controls", [])]) if cid in carried]
        out.append({"key": key, "name": name or spec["placeholder"], "named": bool(name),
                    "title": PARTY_TITLES[key][:1].upper() + PARTY_TITLES[key][1:], "controls": controls,
                    "service": texts(spec["service"]), "data": texts(spec["data"]), "tier": spec["tier"],
                    "why": texts(spec["why"]), "recovery_tier": int(spec["recovery_tier"]), "owner": owner,
                    "kind": "party", "customer_data": bool(spec["subprocessor"]), "subservice": False,
                    "part_of": "", "assurance": texts(spec["assurance"])})
    return out


def risks(program: Program, texts: _Texts, data: Mapping[str, Any],
          control: Callable[[str], Markup]) -> list[dict[str, Any]]:
    """Return the starter risks that apply to the company, scored, with their in-scope controls linked."""
    carried = {cid for doc in program.policies.values() for cid in doc.controls}
    out: list[dict[str, Any]] = []
    for raw in data["risks"]:
        if any(category not in program.facts.categories for category in raw.get("categories", [])):
            continue
        if "when" in raw and not str(texts(f"{{% if {raw['when']} %}}yes{{% endif %}}")).strip():
            continue
        controls = [cid for cid in raw["controls"] if cid in carried]
        if not controls:
            continue
        score = int(raw["likelihood"]) * int(raw["impact"])
        out.append({
            "id": raw["id"], "title": texts(raw["title"]), "scenario": texts(raw["scenario"]),
            "category": raw["category"],
            "likelihood": int(raw["likelihood"]), "impact": int(raw["impact"]), "score": score,
            "band": risk_band(score), "owner": raw["owner"], "treatment": str(texts(raw["treatment"])).strip(),
            "plan": texts(raw["plan"]), "controls": safe(", ".join(control(cid) for cid in controls)),
        })
    return out


def companion_context(program: Program, link_prefix: str = "../") -> dict[str, Any]:
    """Return the variables of the companion templates: the policy context plus derived tables."""
    folder = _folder(program)
    links = {doc.id: (doc.title, f"{link_prefix}{doc.filename}") for doc in program.policies.values()}
    context = build_context(program.facts, program.library.catalog, links, {}, program.unwritten)
    control, section = _links(program, link_prefix)
    texts = _Texts(context, f"policy_templates/{COMPANION_DIR}")
    people = [{"role": role, "title": title, "name": program.facts.people.role(role).name,
               "email": program.facts.people.role(role).email} for role, title in ROLE_TITLES.items()]
    context.update(
        report=program.facts.audit.report_type.label,
        categories=[CATEGORY_TITLES[c] for c in program.facts.categories],
        criteria_count=len(program.criteria_in_scope()),
        out_of_scope=[CATEGORY_TITLES[c] for c in CATEGORY_TITLES if c not in program.facts.categories],
        uncovered=[row.criterion.id for row in program.coverage() if not row.covered],
        controls_count=len(program.controls()),
        providers=[{"key": key, **program.library.catalog.providers[key]}
                   for key in program.facts.stack.cloud_providers],
        policies=[{"id": doc.id, "title": doc.title, "version": doc.version, "effective": doc.effective_date,
                   "link": safe(f"[{markdown_text(doc.title)}]({link_prefix}{doc.filename})")}
                  for doc in program.ordered_policies()],
        roster=people,
        role_titles=ROLE_TITLES,
        person=lambda role: safe(program.person(role)),
        control=control,
        section=section,
        vendor_tiers=VENDOR_TIERS,
    )
    vendor_data = _data(folder, "vendors.yaml")
    context["vendors"] = vendors(program, texts, vendor_data)
    suites = {str(name).lower() for name in vendor_data.get("mail_suites", [])}
    context["mail_suite"] = next((row["name"] for row in context["vendors"] if str(row["name"]).lower() in suites), "")
    risk_data = _data(folder, "risks.yaml")
    context["risks"] = risks(program, texts, risk_data, control)
    kept = {risk["id"] for risk in context["risks"]}
    context["risks_left_out"] = [str(raw["id"]) for raw in risk_data["risks"] if raw["id"] not in kept]
    return context


def companion_pages(program: Program, link_prefix: str = "../") -> dict[str, str]:
    """Return each companion document as Markdown, keyed ``companion/<name>.md`` (first line ``# Title``).

    ``link_prefix`` leads from the companion pages to the policy pages (the site keeps them one
    folder up); links to policies, sections and controls are built with it.
    """
    folder = _folder(program)
    context = companion_context(program, link_prefix)
    pages: dict[str, str] = {}
    for stem in DOCUMENTS:
        name = f"{COMPANION_DIR}/{stem}.md"
        path = folder / f"{stem}.md"
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise TemplateError([Problem(str(path), "companion template missing",
                                         "restore it from the policy library")]) from None
        pages[name] = render_markdown(source, f"policy_templates/{name}", context).strip("\n") + "\n"
    return pages
