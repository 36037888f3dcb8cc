"""OSCAL exports: the criteria catalog, the company's baseline, its component definition and an SSP skeleton.

GRC platforms and assessors read OSCAL JSON rather than PDFs. The four documents are written
from the same program as the site: the catalog holds the 61 criteria in our wording, the profile
selects the criteria of the categories in scope, the component definition says which controls
of the company's system meet each criterion, and the system security plan fills what the facts
know. UUIDs are derived from stable names and ``last-modified`` from the release date, so an
unchanged repository exports byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..model._catalog import Control
from ..model._documents import PolicyDoc
from ..model._facts_schema import ROLE_TITLES
from ..model._roles import role_title
from ..program._program import CATEGORY_TITLES, Program, release_date
from ..render._escape import markdown_text
from ..render._render import join_and
from ..repo._files import write_atomic
from ..repo._layout import POLICIES_DIR

OSCAL_VERSION = "1.2.1"
# Properties of our own (not defined by OSCAL) live in this namespace, as OSCAL requires.
NS = "urn:policyforge:oscal"
CATALOG_FILE = "catalog.json"
PROFILE_FILE = "profile.json"
COMPONENT_FILE = "component-definition.json"
SSP_FILE = "system-security-plan.json"
_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, NS)
_NUMBERED_HEADING = re.compile(r"^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s.*\{\s*#([A-Za-z0-9_-]+)\s*\}\s*$", re.MULTILINE)

JsonObject = dict[str, Any]


def stable_uuid(*names: str) -> str:
    """Return the UUID of a named thing; the same names always give the same UUID."""
    return str(uuid.uuid5(_ROOT, "/".join(names)))


def _md(value: object) -> str:
    """Escape a company value for an OSCAL markup field (OSCAL markup is Markdown)."""
    return markdown_text(value)


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _role_id(role: str) -> str:
    return role.replace("_", "-")


def _prop(name: str, value: str, ours: bool = True) -> JsonObject:
    return {"name": name, "ns": NS, "value": value} if ours else {"name": name, "value": value}


def section_numbers(doc: PolicyDoc) -> dict[str, str]:
    """Return the number of each numbered section of a policy by its anchor (``least-privilege`` -> ``4.1``)."""
    return {anchor: number for number, anchor in _NUMBERED_HEADING.findall(doc.body)}


def _control_id(criterion_id: str) -> str:
    """Return the OSCAL id of a criterion: lower case, as OSCAL catalogs write them (``cc6.1``)."""
    return criterion_id.lower()


class _Exporter:
    """Builds the four documents of one program; holds what they share (dates, parties, names)."""

    def __init__(self, program: Program, release: str, policies_href: str | None) -> None:
        self.program = program
        self.release = release
        self.policies_href = policies_href
        self.facts = program.facts
        self.slug: str = self.facts.company.slug
        self.modified = _timestamp(release_date(program))
        self.carriers = program.carriers()
        self.sections = {doc.id: section_numbers(doc) for doc in program.ordered_policies()}
        self.system_uuid = stable_uuid(self.slug, "system", self.facts.company.product)

    # ------------------------------------------------------------------ shared pieces
    def metadata(self, title: str, version: str, *, parties: bool = True, providers: bool = False) -> JsonObject:
        meta: JsonObject = {"title": title, "last-modified": self.modified, "version": version,
                            "oscal-version": OSCAL_VERSION}
        if parties:
            meta["roles"] = [{"id": _role_id(role), "title": title} for role, title in ROLE_TITLES.items()]
            meta["parties"] = self.parties(providers)
        return meta

    def organisation_uuid(self) -> str:
        return stable_uuid(self.slug, "organization")

    def person_uuid(self, role: str) -> str:
        email: str = self.facts.people.role(role).email
        return stable_uuid(self.slug, "person", email.lower())

    def provider_uuid(self, provider: str) -> str:
        return stable_uuid("provider", provider)

    def parties(self, providers: bool) -> list[JsonObject]:
        facts = self.facts
        org = self.organisation_uuid()
        parties: list[JsonObject] = [{
            "uuid": org, "type": "organization", "name": facts.company.legal_name,
            "short-name": facts.company.name,
            "links": [{"href": facts.company.website, "rel": "homepage"}],
            "email-addresses": [facts.people.security_contact],
        }]
        seen: set[str] = set()
        for role in ROLE_TITLES:
            party = self.person_uuid(role)
            if party in seen:
                continue
            seen.add(party)
            parties.append({"uuid": party, "type": "person", "name": facts.people.role(role).name,
                            "email-addresses": [facts.people.role(role).email], "member-of-organizations": [org]})
        if providers:
            for key in facts.stack.cloud_providers:
                words = self.program.library.catalog.providers[key]
                parties.append({"uuid": self.provider_uuid(key), "type": "organization", "name": words["name"],
                                "short-name": words["short"]})
        return parties

    def responsible_roles(self, roles: Iterable[str]) -> list[JsonObject]:
        return [{"role-id": _role_id(role), "party-uuids": [self.person_uuid(role)]} for role in dict.fromkeys(roles)]

    def policy_resources(self) -> list[JsonObject]:
        """Return one back-matter resource per policy, so requirements can link to the policy stating them."""
        resources: list[JsonObject] = []
        for doc in self.program.ordered_policies():
            resource: JsonObject = {
                "uuid": self.policy_uuid(doc), "title": f"{doc.id} {_md(doc.title)}",
                "description": _md(doc.summary),
                "props": [_prop("version", doc.version), _prop("policy-id", doc.id)],
                "document-ids": [{"identifier": self.program.docid(doc)}],
            }
            if self.policies_href is not None:
                resource["rlinks"] = [{"href": f"{self.policies_href}/{doc.filename}", "media-type": "text/markdown"}]
            resources.append(resource)
        return resources

    def policy_uuid(self, doc: PolicyDoc) -> str:
        return stable_uuid(self.slug, "policy", doc.id)

    def addressing(self) -> list[tuple[str, list[Control]]]:
        """Return each criterion in scope with the company's controls addressing it."""
        return [(row.criterion.id, list(row.controls)) for row in self.program.coverage()]

    def implementation_text(self, criterion: str, controls: list[Control]) -> str:
        """Describe in Markdown how the controls meet a criterion: one bullet per control."""
        if not controls:
            return f"No control of {_md(self.facts.company.name)} addresses {criterion} yet."
        lines = [f"{criterion} is met by {len(controls)} control{'s' if len(controls) > 1 else ''}:", ""]
        for control in controls:
            doc = self.carriers[control.id]
            statement = " ".join(self.program.render_statement(control, doc).split())
            section = self.sections[doc.id].get(control.section, control.section)
            lines.append(f"- **{control.id}** ({role_title(self.program.facts, control.owner)}, {control.frequency}; "
                         f"{doc.id} {_md(doc.title)} §{section}): {statement}")
        return "\n".join(lines)

    def requirement_links(self, controls: list[Control]) -> list[JsonObject]:
        docs = dict.fromkeys(self.carriers[c.id] for c in controls)
        return [{"href": f"#{self.policy_uuid(doc)}", "rel": "reference", "text": f"{doc.id} {_md(doc.title)}"}
                for doc in docs]

    def control_props(self, controls: list[Control]) -> list[JsonObject]:
        return [_prop("control-id", control.id) for control in controls]

    # ------------------------------------------------------------------ documents
    def catalog(self) -> JsonObject:
        library = self.program.library
        source = yaml.safe_load((library.root / "catalog" / "criteria.yaml").read_text(encoding="utf-8"))
        meta = source["meta"]
        raw = {item["id"]: item for item in source["criteria"]}
        groups: list[JsonObject] = []
        for category in meta["categories"]:
            series_groups: list[JsonObject] = []
            for series, series_title in meta["series"].items():
                members = [c for c in library.catalog.criteria.values()
                           if c.category == category and c.series == series]
                if not members:
                    continue
                controls = []
                for criterion in members:
                    cid = _control_id(criterion.id)
                    props = [{"name": "label", "value": criterion.id}]
                    if "coso_principle" in raw[criterion.id]:
                        props.append(_prop("coso-principle", str(raw[criterion.id]["coso_principle"])))
                    parts: list[JsonObject] = [{"id": f"{cid}_smt", "name": "statement", "prose": criterion.summary}]
                    focus = raw[criterion.id].get("pof_2022") or []
                    if focus:
                        prose = "Points of focus the 2022 revision added or sharpened (paraphrased):\n\n"
                        parts.append({"id": f"{cid}_gdn", "name": "guidance",
                                      "prose": prose + "\n".join(f"- {item}" for item in focus)})
                    controls.append({"id": cid, "class": "criterion", "title": criterion.title,
                                     "props": props, "parts": parts})
                series_groups.append({"id": series.lower(), "class": "series", "title": f"{series} {series_title}",
                                      "controls": controls})
            groups.append({"id": category.replace("_", "-"), "class": "category",
                           "title": CATEGORY_TITLES[category], "groups": series_groups})
        metadata = self.metadata(f"{meta['framework']} {meta['edition']}, policyforge wording", library.version,
                                 parties=False)
        metadata["remarks"] = ("Criterion ids are those of the AICPA 2017 Trust Services Criteria. Titles, "
                               "statements and guidance are policyforge's own words, not AICPA text.")
        return {"catalog": {"uuid": stable_uuid("catalog", "tsc-2017"), "metadata": metadata, "groups": groups}}

    def profile(self) -> JsonObject:
        categories = self.facts.scope.describe()
        ids = [_control_id(c.id) for c in self.program.criteria_in_scope()]
        metadata = self.metadata(f"{_md(self.facts.company.name)} SOC 2 baseline ({categories})",
                                 self.release, parties=False)
        return {"profile": {
            "uuid": stable_uuid(self.slug, "profile"),
            "metadata": metadata,
            "imports": [{"href": CATALOG_FILE, "include-controls": [{"with-ids": ids}]}],
            "merge": {"as-is": True},
        }}

    def component_definition(self) -> JsonObject:
        facts = self.facts
        product = facts.company.product
        requirements = []
        for criterion, controls in self.addressing():
            if not controls:
                continue
            requirements.append({
                "uuid": stable_uuid(self.slug, "component", "requirement", criterion),
                "control-id": _control_id(criterion),
                "description": self.implementation_text(criterion, controls),
                "props": self.control_props(controls),
                "links": self.requirement_links(controls),
                "responsible-roles": self.responsible_roles(c.owner for c in controls),
            })
        component = {
            "uuid": self.system_uuid,
            "type": "service",
            "title": _md(product),
            "description": f"{_md(product)}, the service {_md(facts.company.legal_name)} provides to its "
                           f"customers, with the controls its {len(self.program.policies)} policies state.",
            "responsible-roles": self.responsible_roles(["security_officer", "cto"]),
            "control-implementations": [{
                "uuid": stable_uuid(self.slug, "component", "implementation"),
                "source": PROFILE_FILE,
                "description": f"How the controls of {_md(facts.company.name)} meet the Trust Services "
                               f"criteria in scope.",
                "implemented-requirements": requirements,
            }],
        }
        return {"component-definition": {
            "uuid": stable_uuid(self.slug, "component-definition"),
            "metadata": self.metadata(f"{_md(product)} controls for SOC 2", self.release),
            "components": [component],
            "back-matter": {"resources": self.policy_resources()},
        }}

    def information_types(self) -> list[JsonObject]:
        facts = self.facts
        held = facts.held_data
        kinds = [
            ("pii", held.pii, "Personal data", "Personal data of customers, their users and staff."),
            ("phi", held.phi, "Health data", "Protected health information held for customers."),
            ("payment", held.payment, "Payment card data", "Payment card data processed for customers."),
            ("customer_confidential", held.customer_confidential, "Customer confidential data",
             "Customers' confidential business data held in the service."),
        ]
        types = [
            {"uuid": stable_uuid(self.slug, "information-type", key), "title": title,
             "description": f"{text} It must reside in {_md(facts.held_data.residency)}."}
            for key, held_kind, title, text in kinds if held_kind
        ]
        types.append({
            "uuid": stable_uuid(self.slug, "information-type", "records"), "title": "Security and operational records",
            "description": f"Logs, configuration and tickets recording how the system is run, kept "
                           f"{facts.commitments.log_retention_days} days in "
                           f"{_md(facts.stack.logging_siem)}.",
        })
        return types

    def system_characteristics(self) -> JsonObject:
        facts = self.facts
        providers = self.program.library.catalog.providers
        clouds = join_and(providers[p]["name"] for p in facts.stack.cloud_providers)
        regions = join_and(facts.stack.cloud_regions)
        product = _md(facts.company.product)
        tools = ", ".join(_md(facts.stack.tool(key)) for key in (
            "identity_provider", "source_control", "ci_cd", "logging_siem", "remote_access", "backup_tool"))
        return {
            "system-ids": [{"identifier-type": "https://ietf.org/rfc/rfc4122", "id": self.system_uuid}],
            "system-name": facts.company.product,
            "system-name-short": facts.company.name,
            "description": f"{product} is the service {_md(facts.company.legal_name)} provides to its "
                           f"customers. It runs in {_md(clouds)}, regions {_md(regions)}; customer data resides in "
                           f"{_md(facts.held_data.residency)}.",
            "system-information": {"information-types": self.information_types()},
            "status": {"state": "operational"},
            "authorization-boundary": {
                "description": f"The production environment of {product} in {_md(clouds)} (regions "
                               f"{_md(regions)}), the company systems that build, run and administer it ({tools}), "
                               f"and the people and processes its policies govern."},
            "responsible-parties": [{"role-id": _role_id(role), "party-uuids": [self.person_uuid(role)]}
                                    for role in ROLE_TITLES],
        }

    def system_implementation(self) -> JsonObject:
        facts = self.facts
        providers = self.program.library.catalog.providers
        effective: dt.date = facts.audit.effective_date
        leveraged = []
        components: list[JsonObject] = [{
            "uuid": self.system_uuid, "type": "this-system", "title": _md(facts.company.product),
            "description": f"{_md(facts.company.product)} as a whole.",
            "status": {"state": "operational"},
            "responsible-roles": self.responsible_roles(["security_officer", "cto"]),
        }]
        for key in facts.stack.cloud_providers:
            words = providers[key]
            leveraged.append({
                "uuid": stable_uuid(self.slug, "leveraged", key), "title": _md(words["soc_report"]),
                "party-uuid": self.provider_uuid(key), "date-authorized": effective.isoformat(),
                "remarks": f"The date is the policy effective date: replace it with the date of the "
                           f"{_md(words['short'])} report the company relies on.",
            })
            components.append({
                "uuid": stable_uuid(self.slug, "provider-component", key), "type": "service",
                "title": _md(words["name"]),
                "description": f"Cloud infrastructure of {_md(words['name'])}: {_md(words['compute'])}, "
                               f"{_md(words['database'])}, {_md(words['object_storage'])}.",
                "status": {"state": "operational"},
            })
        users = [{"uuid": stable_uuid(self.slug, "user", role), "title": title, "role-ids": [_role_id(role)]}
                 for role, title in ROLE_TITLES.items()]
        return {"leveraged-authorizations": leveraged, "users": users, "components": components}

    def system_security_plan(self) -> JsonObject:
        requirements = []
        for criterion, controls in self.addressing():
            by_component: JsonObject = {
                "component-uuid": self.system_uuid,
                "uuid": stable_uuid(self.slug, "ssp", "by-component", criterion),
                "description": self.implementation_text(criterion, controls),
                "implementation-status": {"state": "implemented" if controls else "planned"},
            }
            requirement: JsonObject = {"uuid": stable_uuid(self.slug, "ssp", "requirement", criterion),
                                       "control-id": _control_id(criterion)}
            if controls:
                by_component["responsible-roles"] = self.responsible_roles(c.owner for c in controls)
                requirement["props"] = self.control_props(controls)
                requirement["links"] = self.requirement_links(controls)
            requirement["by-components"] = [by_component]
            requirements.append(requirement)
        product = _md(self.facts.company.product)
        return {"system-security-plan": {
            "uuid": stable_uuid(self.slug, "ssp"),
            "metadata": self.metadata(f"{product} system security plan", self.release, providers=True),
            "import-profile": {"href": PROFILE_FILE},
            "system-characteristics": self.system_characteristics(),
            "system-implementation": self.system_implementation(),
            "control-implementation": {
                "description": f"Each Trust Services criterion in scope with the controls of "
                               f"{_md(self.facts.company.name)} that meet it.",
                "implemented-requirements": requirements,
            },
            "back-matter": {"resources": self.policy_resources()},
        }}


def oscal_documents(program: Program, release: str, policies_href: str | None = None) -> dict[str, JsonObject]:
    """Return the four OSCAL documents by file name; ``policies_href`` links resources to the policy files."""
    exporter = _Exporter(program, release, policies_href)
    return {
        CATALOG_FILE: exporter.catalog(),
        PROFILE_FILE: exporter.profile(),
        COMPONENT_FILE: exporter.component_definition(),
        SSP_FILE: exporter.system_security_plan(),
    }


def to_json(document: JsonObject) -> str:
    """Serialise one document the same way every time (key order kept, UTF-8, trailing newline)."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_oscal(program: Program, release: str, out: Path, repo: Path | None = None) -> list[Path]:
    """Write the four documents into ``out`` and return their paths."""
    # Link each policy resource to its file only when the export sits inside the repository it describes.
    inside = repo is not None and out.resolve().is_relative_to(repo.resolve())
    href = Path(os.path.relpath(repo / POLICIES_DIR, out)).as_posix() if repo is not None and inside else None
    paths = []
    for name, document in oscal_documents(program, release, href).items():
        write_atomic(out / name, to_json(document))
        paths.append(out / name)
    return paths
