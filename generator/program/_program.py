"""A company's policy program: its facts, its policy files and the library catalogs, rendered.

Everything a reader sees (policy pages, metadata blocks, the control matrix, coverage) is
produced here as Markdown, so the site, the PDFs and any later tool share one rendering.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._errors import Problem, TemplateError
from ..model._catalog import Control, Criterion, most_frequent
from ..model._commitments import CommitmentValue, frequency_for, resolve
from ..model._derive import source_date
from ..model._documents import (
    AREAS,
    REVIEW_CADENCES,
    HistoryEntry,
    PolicyDoc,
    document_file_name,
    document_id,
    is_policy_source,
    parse_or_report,
)
from ..model._facts import Facts, load_facts
from ..model._facts_schema import most_restricted
from ..model._library import Library, load_library
from ..model._roles import approver_for, role_title, same_person, signer_title, signing_role
from ..model._scope import CATEGORY_TITLES as CATEGORY_TITLES
from ..render._commit import CommitText
from ..render._context import add_months, build_context
from ..render._escape import markdown_text
from ..render._render import join_and, long_date, render_markdown
from ..repo._files import policy_files
from ..repo._git import Commit, version_commits

# The layout's names, still importable from here for code written before repo/_layout.py.
from ..repo._layout import CODEOWNERS_FILE as CODEOWNERS_FILE
from ..repo._layout import COMPANY_FILE as COMPANY_FILE
from ..repo._layout import PDF_DIR as PDF_DIR
from ..repo._layout import POLICIES_DIR as POLICIES_DIR
from ._kept import KeptInputs, RenderMemo


def _next_section(body: str) -> int:
    """Return the number the shared sections start at: one after the body's last numbered section."""
    numbers = [int(line[3:].split(".")[0]) for line in body.splitlines()
               if line.startswith("## ") and line[3:4].isdigit()]
    return max(numbers, default=0) + 1


def release_date(program: Program) -> dt.date:
    """Return the date of the release: the latest approval recorded in any policy."""
    dates = [entry.date for doc in program.policies.values() for entry in doc.history]
    return max(dates, default=program.facts.audit.effective_date)


def build_date() -> dt.date:
    """Return the date builds are made 'as of': SOURCE_DATE_EPOCH when set (reproducible), else today."""
    return source_date()


@dataclass(frozen=True)
class CoverageRow:
    """One criterion in scope with what addresses it."""

    criterion: Criterion
    controls: tuple[Control, ...]

    @property
    def covered(self) -> bool:
        """Return whether at least one in-scope control addresses the criterion."""
        return bool(self.controls)


def _cell(value: object) -> str:
    return markdown_text(value)


@dataclass
class Program:
    """The policies in force for one company, ready to render."""

    facts: Facts
    library: Library
    policies: dict[str, PolicyDoc]
    as_of: dt.date = field(default_factory=build_date)
    unwritten: frozenset[str] = frozenset()
    # file name -> {version: commit that recorded it}, read from git by load_program
    commits: dict[str, dict[str, Commit]] = field(default_factory=dict)
    # context(): the policy-independent template variables, keyed by what they are built from
    _contexts: dict[tuple[Any, ...], tuple[Facts, Library, dict[str, Any]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)
    # Rendered bodies and statements: a build renders a body for the readiness page and again for its
    # page; ``mkdocs serve`` hands the same memo to each rebuild's program (see _kept.py).
    renders: RenderMemo = field(default_factory=RenderMemo, repr=False, compare=False)

    # ------------------------------------------------------------------ selection
    def ordered_policies(self) -> list[PolicyDoc]:
        """Return the company's policies in id order."""
        return [self.policies[key] for key in sorted(self.policies)]

    @functools.cached_property
    def commitments(self) -> dict[str, CommitmentValue]:
        """Return every named commitment's value for this company (fact, override or library default)."""
        return resolve(self.library.catalog.commitments, self.facts.data)

    def control(self, cid: str) -> Control | None:
        """Return a control as it holds for this company: a cadence control runs at the company's cadence.

        A small company's lean program runs some controls at their own, fixed frequency
        (``frequency_small``) and gives some to another owner (``owner_small``).
        """
        control = self.library.catalog.controls.get(cid)
        if control is None or not applies(control, self.facts):
            return None
        if control.rule_cadence:
            control = replace(control, frequency=rule_frequency(control, self.facts, self.library.catalog.regulations))
        if self.facts.small and control.owner_small:
            control = replace(control, owner=control.owner_small)
        if control.frequency_small and self.facts.small:
            return replace(control, frequency=control.frequency_small)
        if control.cadence is None or control.cadence not in self.commitments:
            return control
        values = [self.commitments[name] for name in (control.cadence, *control.also) if name in self.commitments]
        return replace(control, frequency=most_frequent([frequency_for(v.value, v.unit) for v in values]))

    def controls(self) -> list[Control]:
        """Return the controls in force, in id order, with the company's frequencies and owners.

        In a small company's lean program a control declared ``lean_merge: HOST`` is folded into its
        host when both are in force with the same owner and frequency: the host then carries the
        merged controls' criteria, evidence and checklist items, so the matrix, coverage, evidence
        plan and calendar all count one control, one run and one record.
        """
        return list(self._controls_in_force)

    @functools.cached_property
    def _controls_in_force(self) -> tuple[Control, ...]:
        """Compute ``controls()`` once: every page, the plan and the checklist ask for it, 65 times a build."""
        carried = {cid for doc in self.policies.values() for cid in doc.controls}
        found = [control for control in (self.control(cid) for cid in sorted(carried)) if control is not None]
        return tuple(fold_lean_merges(found) if self.facts.small else found)

    def merged_host(self, cid: str) -> str | None:
        """Return the control a control is run as part of in this company's program, or None."""
        if not self.facts.small:
            return None
        return next((c.id for c in self.controls() if cid in c.merges), None)

    def carriers(self) -> dict[str, PolicyDoc]:
        """Map each carried control id to the policy whose section states it: its home policy when in force.

        A control shared by several policies (``carried_by:``) is stated in its home policy, so links to
        its section and its statement's wording go there; otherwise to the first policy carrying it.
        """
        out: dict[str, PolicyDoc] = {}
        for doc in self.ordered_policies():
            for cid in doc.controls:
                control = self.library.catalog.controls.get(cid)
                if cid not in out or (control is not None and control.policy == doc.id):
                    out[cid] = doc
        return out

    def criteria_in_scope(self) -> list[Criterion]:
        """Return the criteria of the categories in scope, in catalog order."""
        return self.facts.scope.criteria(self.library.catalog)

    def scoped(self, criteria: tuple[str, ...]) -> list[str]:
        """Return the criteria of a control that belong to a category in scope."""
        return self.facts.scope.scoped(criteria, self.library.catalog)

    def coverage(self) -> list[CoverageRow]:
        """Return each in-scope criterion with the controls that address it."""
        controls = self.controls()
        return [
            CoverageRow(crit, tuple(c for c in controls if crit.id in c.criteria))
            for crit in self.criteria_in_scope()
        ]

    def next_review(self, doc: PolicyDoc) -> dt.date | None:
        """Return when a policy's next review falls due, from its last review and cadence."""
        if doc.last_reviewed is None:
            return None
        return add_months(doc.last_reviewed, REVIEW_CADENCES[doc.review_cadence])

    # ------------------------------------------------------------------ rendering
    def _links(self) -> dict[str, tuple[str, str]]:
        return {doc.id: (doc.title, doc.filename) for doc in self.policies.values()}

    def _policy_vars(self, doc: PolicyDoc) -> dict[str, Any]:
        return {
            "id": doc.id, "title": doc.title, "docid": self.docid(doc),
            "owner": doc.owner, "approver": doc.approver, "review_cadence": doc.review_cadence,
            "category": doc.category, "version": doc.version,
        }

    def context(self, doc: PolicyDoc) -> dict[str, Any]:
        """Return the template variables for one policy.

        Everything but ``policy`` depends only on the facts, the catalog, the policies' links and
        the unwritten ids, so it is built once per combination of those (a build renders hundreds
        of statements) and copied; the sandbox lets no template change what the copies share.
        """
        key = (id(self.facts), id(self.library), tuple(sorted(self._links().items())), self.unwritten)
        cached = self._contexts.get(key)
        if cached is None or cached[0] is not self.facts or cached[1] is not self.library:
            base = build_context(self.facts, self.library.catalog, self._links(), None, self.unwritten)
            cached = self._contexts[key] = (self.facts, self.library, base)
        return {**cached[2], "policy": self._policy_vars(doc)}

    def render_text(self, source: str, name: str, doc: PolicyDoc, first_line: int = 1) -> str:
        """Render library or policy text in ``doc``'s context, once per everything the rendering reads (``renders``)."""
        scope = (self.facts, self.library, tuple(sorted(self._links().items())), self.unwritten)
        key = (source, name, first_line, tuple(self._policy_vars(doc).items()))
        return self.renders.text(scope, key, lambda: render_markdown(source, name, self.context(doc), first_line))

    def render_body(self, doc: PolicyDoc) -> str:
        """Render a policy's own text with the company's facts."""
        return self.render_text(doc.body, doc.path, doc, doc.body_line)

    def render_statement(self, control: Control, doc: PolicyDoc) -> str:
        """Render a control statement, which may name facts too."""
        return self.render_text(control.statement, control.source, doc).strip()

    def docid(self, doc: PolicyDoc) -> str:
        """Return the policy's document number, ``ACME-POL-13``."""
        return document_id(self.facts.company.doc_prefix, doc.id)

    def file_name(self, doc: PolicyDoc, extension: str) -> str:
        """Return the file name of the policy's export (``pdf``, ``docx``): ``ACME-POL-13-access-control-v1.2.pdf``."""
        return document_file_name(self.facts.company.doc_prefix, doc, extension)

    def classification(self, doc: PolicyDoc) -> str:
        """Return how widely a policy may be shared: its front matter's ``classification``, else the company's default.

        One value for the document-control block, the PDF cover and every footer; part of what an
        approval covers.
        """
        return doc.classification or self.classification_default()

    def highest_classification(self, docs: Iterable[PolicyDoc] | None = None) -> str:
        """Return the most restrictive classification of some policies (all by default): a collection's marking."""
        chosen = [self.classification(doc) for doc in (self.policies.values() if docs is None else docs)]
        return most_restricted(chosen, self.classification_default())

    def classification_default(self) -> str:
        """Return the company's default classification (``documents.default_classification``)."""
        return self.facts.documents.default_classification

    def person(self, role: str) -> str:
        """Return 'Title (Name)' for a role, escaped for Markdown: the approver by the office they hold."""
        return f"{signer_title(self.facts, role)} ({_cell(self.facts.people.role(role).name)})"

    def approver_cell(self, doc: PolicyDoc) -> str:
        """Return who approves a policy: the alternate approver when its approver owns it, as POL-02 4.2.2 says."""
        who = approver_for(self.facts, doc.approver, self.facts.people.role(doc.owner).name, doc.owner)
        usual = _cell(self.facts.people.role(doc.approver).name)
        if who is None or not same_person(self.facts, doc.approver, doc.owner):
            return f"{signer_title(self.facts, doc.approver)} ({usual})"
        return (f"{_cell(who.title)} ({_cell(who.name)}), alternate approver, "
                f"as the usual approver ({usual}) owns this policy")

    def metadata_table(self, doc: PolicyDoc) -> str:
        """Return the document-control block shown at the top of a policy page and PDF."""
        docid = self.docid(doc)
        due = self.next_review(doc)
        due_text = long_date(due) if due else "not yet reviewed"
        if due and due < self.as_of:
            due_text += " — **overdue**"
        controls = ", ".join(f"[{cid}](#control-{cid.lower()})" for cid in doc.controls) or "none"
        rows = [
            ("Document", f"{_cell(docid)}, version {_cell(doc.version)}"),
            ("Owner", self.person(doc.owner)),
            ("Approver", self.approver_cell(doc)),
            ("Effective date", long_date(doc.effective_date) if doc.effective_date else "not yet approved"),
            ("Last review", long_date(doc.last_reviewed) if doc.last_reviewed else "never"),
            ("Next review due", f"{due_text} ({doc.review_cadence} review)"),
            ("Criteria", ", ".join(doc.criteria) or "none"),
            ("Controls", controls),
            ("Classification", _cell(self.classification(doc))),
        ]
        lines = ["| Document control | |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in rows]
        return '<div class="pf-meta" markdown>\n\n' + "\n".join(lines) + "\n\n</div>\n"

    def controls_section(self, doc: PolicyDoc) -> str:
        """Return the table of controls a policy carries, each linked to the section stating it."""
        lines = ["| Control | Statement | Owner | Frequency | Criteria |", "|---|---|---|---|---|"]
        in_force = {control.id: control for control in self.controls()}
        hosts = {part: control.id for control in in_force.values() for part in control.merges}
        for cid in doc.controls:
            control = self.control(cid)
            if control is None:
                continue
            # The criteria cell is the matrix's, from the control as it runs here: a lean host carries the
            # criteria of the controls merged into it, and a control outside the scope says so in both places.
            criteria = self.criteria_cell(in_force.get(cid, control))
            statement = self.render_statement(control, doc).replace("\n", " ")
            host = hosts.get(cid)
            if host is not None:
                statement += f" *(Performed and evidenced together with {host}: one run and one record serve both.)*"
            home = self.policies.get(control.policy)
            # A control shared with another policy links to the section of its home policy that states it.
            target = f"{home.filename}#{control.section}" if home and home.id != doc.id else f"#{control.section}"
            lines.append(
                f"| [{cid}]({target}){{ #control-{cid.lower()} }} | {statement} | "
                f"{role_title(self.facts, control.owner)} | {control.frequency} | "
                f"{criteria} |"
            )
        return "\n".join(lines) + "\n"

    def history_table(self, doc: PolicyDoc) -> str:
        """Return the revision history: each approval record with the commit that recorded it."""
        lines = ["| Version | Date | Author | Approver | Summary | Recorded in |", "|---|---|---|---|---|---|"]
        recorded = self.commits.get(doc.filename, {})
        for entry in doc.history:
            commit = recorded.get(entry.version)
            where = f"`{commit.short}` ({commit.date})" if commit else "not yet committed"
            lines.append(f"| {_cell(entry.version)} | {entry.date.isoformat()} | {_cell(entry.author)} | "
                         f"{_cell(entry.approver)} | {_cell(entry.summary)} | {where} |")
        return "\n".join(lines) + "\n"

    def standard_sections(self, doc: PolicyDoc, first_number: int) -> str:
        """Render the sections every policy shares (exceptions, enforcement, review)."""
        context = self.context(doc)
        context["section_number"] = first_number
        context["next_review"] = self.next_review(doc)
        return render_markdown(self.library.partial("standard_sections.md"), "partials/standard_sections.md", context)

    def approval_digest(self, doc: PolicyDoc) -> str:
        """Return the digest of what a policy's readers see and who governs it, as an approval records it.

        The rendered text (body, shared sections, control statements) and the governing metadata
        (title, roles and the people in them, classification, scope, version and dates) go in, so
        a change from any source (the policy file, company.yml, the library) changes the digest
        and needs a new approval. What changes by itself (the as-of date, commit ids) stays out.
        """
        body = self.render_body(doc).strip("\n")
        people = {role: self.facts.people.role(getattr(doc, role)) for role in ("owner", "approver")}
        content = {
            "id": doc.id, "title": doc.title, "area": doc.area, "category": doc.category, "summary": doc.summary,
            "owner": [doc.owner, people["owner"].name, people["owner"].email],
            "approver": [doc.approver, people["approver"].name, people["approver"].email],
            "classification": self.classification(doc), "review_cadence": doc.review_cadence, "version": doc.version,
            "effective_date": str(doc.effective_date), "last_reviewed": str(doc.last_reviewed),
            "controls": list(doc.controls), "criteria": list(doc.criteria), "docid": self._policy_vars(doc)["docid"],
            "body": body, "shared": self.standard_sections(doc, _next_section(body)),
            "statements": self.controls_section(doc),
        }
        encoded = json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return "sha256:" + hashlib.sha256(encoded).hexdigest()

    def render_page(self, doc: PolicyDoc) -> str:
        """Return the whole policy page: title, document control, text, shared sections, controls, history."""
        body = self.render_body(doc).strip("\n")
        next_number = _next_section(body)
        parts = [
            f"# {_cell(doc.title)}\n",
            self.metadata_table(doc),
            body + "\n",
            self.standard_sections(doc, next_number).strip("\n") + "\n",
            f"## Controls carried by this policy {{ #controls }}\n\n{self.controls_section(doc)}",
            f"## Revision history {{ #revision-history }}\n\n{self.history_table(doc)}",
        ]
        return "\n".join(parts)

    def codeowners(self) -> str:
        """Return .github/CODEOWNERS: each policy routed to its owner and its approver."""
        top = self.facts.people.approver.email
        lines = [
            "# Generated from company.yml and the policies' owner/approver by `policyforge codeowners`;",
            "# `policyforge check` reports when it no longer matches.",
            "# GitHub needs ONE review from the owners on a file's last matching line, so each line names",
            "# only the person who must approve: the policy's approver. The policy owner is named in the",
            "# comment above and reviews as any reviewer. For this to hold, protect main (Settings > Rules):",
            "# require a pull request, require review from Code Owners, dismiss stale approvals on new",
            "# commits, require approval of the most recent push, allow no bypass; and protect release",
            "# tags (YYYY.N) so only maintainers can create them.",
            f"* {top}",
            *(f"/{name} {top}" for name in (COMPANY_FILE, "mkdocs.yml", "requirements.txt", ".github/")),
        ]
        for doc in self.ordered_policies():
            # The approver, or the alternate approver when the approver owns (writes) the policy.
            approver = approver_for(self.facts, doc.approver, self.facts.people.role(doc.owner).name, doc.owner)
            email = approver.email if approver else self.facts.people.role(doc.approver).email
            lines.append(f"# {doc.id}: owner {self.facts.people.role(doc.owner).email}")
            lines.append(f"/{POLICIES_DIR}/{doc.filename} {email}")
        return "\n".join(lines) + "\n"

    def _acknowledgement_deadlines(self) -> str:
        """Return when people acknowledge the policies, from the commitments POL-02 and POL-04 read."""
        values = self.commitments
        names = ("acknowledgement_new_hire_days", "acknowledgement_renewal")
        if any(name not in values for name in names):
            return "at hire and every year"
        joining, renewal = (CommitText(values[name]).within for name in names)
        return f"{joining} of joining and again {renewal} of their last acknowledgement"

    # ------------------------------------------------------------------ program pages
    def home_page(self, pdfs: dict[str, str] | None = None) -> str:
        """Return the home page: the program at a glance; ``pdfs`` maps labels to PDF links."""
        company = _cell(self.facts.company.name)
        categories = self.facts.scope.describe()
        report = self.facts.audit.report_type.label
        covered = sum(1 for row in self.coverage() if row.covered)
        total = len(self.criteria_in_scope())
        out = [
            f"# {company} information security policies\n",
            f"These are the policies in force at {_cell(self.facts.company.legal_name)} for "
            f"{_cell(self.facts.company.product)}. Every employee and contractor reads and acknowledges "
            f"them {self._acknowledgement_deadlines()}. Questions go to the Security Officer, "
            f"{_cell(self.facts.people.security_officer.name)} "
            f"({_cell(self.facts.people.security_officer.email)}).\n",
            "| Program at a glance | |",
            "|---|---|",
            f"| Trust Services categories in scope | {categories} |",
            f"| SOC 2 report | {report}, audited by {_cell(self.facts.audit.audit_firm)} |",
            f"| Policies in force | {len(self.policies)} |",
            f"| Controls | {len(self.controls())} ([control matrix](controls.md), [who carries them](program.md)) |",
            f"| Criteria covered | {covered} of {total} ([coverage](coverage.md)) |",
            "| Changes in this release | [What changed](changes.md) |",
            "| Audit preparation | [Evidence plan](evidence.md), [readiness checklist](readiness.md) |",
            "",
        ]
        for area, title in AREAS.items():
            docs = [d for d in self.ordered_policies() if d.area == area]
            if not docs:
                continue
            out += [f"## {title}\n", "| Policy | Owner | Version | Next review |", "|---|---|---|---|"]
            for doc in docs:
                due = self.next_review(doc)
                out.append(f"| [{_cell(doc.title)}]({doc.filename}) | {self.person(doc.owner)} | "
                           f"{_cell(doc.version)} | {long_date(due) if due else 'never reviewed'} |")
            out.append("")
        if pdfs:
            out += ["## Documents for auditors\n", "| Document | PDF |", "|---|---|"]
            out += [f"| {_cell(label)} | [{_cell(link.rsplit('/', 1)[-1])}]({link}) |" for label, link in pdfs.items()]
            out.append("")
        return "\n".join(out)

    def matrix_rows(self) -> list[tuple[Control, PolicyDoc]]:
        """Return each control in force with the policy that states it (its home, else a carrier)."""
        docs = {doc.id: doc for doc in self.policies.values()}
        rows: list[tuple[Control, PolicyDoc]] = []
        for control in self.controls():
            home = docs.get(control.policy)
            doc = home if home and control.id in home.controls else next(
                (d for d in docs.values() if control.id in d.controls), home)
            if doc is not None:
                rows.append((control, doc))
        return rows

    def matrix_page(self) -> str:
        """Return the control matrix: every control with owner, frequency, criteria, policy and evidence."""
        from ._proof import evidence_map, matrix_note

        proofs = evidence_map(self)
        out = [
            "# Control matrix\n",
            f"{matrix_note(proofs)} {len(self.controls())} controls are in force.{self.retired_note()}\n",
            "| Control | Statement | Owner | Frequency | Criteria | Policy section | Evidence |",
            "|---|---|---|---|---|---|---|",
        ]
        for control, doc in self.matrix_rows():
            statement = self.matrix_statement(control, doc)
            out.append(
                f"| {control.id} | {statement} | {self.person(control.owner)} | {control.frequency} | "
                f"{self.criteria_cell(control)} | "
                f"[{doc.id} §{control.section}]({doc.filename}#{control.section}) | "
                f"{proofs.proof(control.id).cell()} |"
            )
        return "\n".join(out) + "\n"

    def retired_note(self) -> str:
        """Say which numbers are missing from the library's control series, so no gap reads as a lost control."""
        gaps = retired_ids(list(self.library.catalog.controls))
        if not gaps:
            return ""
        return (f" The number{'s' if len(gaps) > 1 else ''} {join_and(gaps)} {'are' if len(gaps) > 1 else 'is'} not "
                "used: they belonged to controls retired from this control set, and a retired number is never given "
                "to another control, so evidence filed under one never attaches to a different duty.")

    def merged_parts(self, control: Control) -> list[tuple[Control, PolicyDoc]]:
        """Return the controls folded into a host for this company, each with the policy that states it."""
        docs = {doc.id: doc for doc in self.policies.values()}
        out: list[tuple[Control, PolicyDoc]] = []
        for cid in control.merges:
            part = self.control(cid)
            doc = docs.get(part.policy) if part else None
            doc = doc or next((d for d in docs.values() if cid in d.controls), None)
            if part is not None and doc is not None:
                out.append((part, doc))
        return out

    def matrix_statement(self, control: Control, doc: PolicyDoc) -> str:
        """Return a control's statement for the matrix: a lean host lists the statements it runs with its own."""
        text = self.render_statement(control, doc).replace("\n", " ")
        for part, home in self.merged_parts(control):
            statement = self.render_statement(part, home).replace("\n", " ")
            text += (f"<br>**With {part.id}** ([{home.id} §{part.section}]({home.filename}#{part.section})), "
                     f"{_MERGED_RUN.get(part.frequency, f'in the same {part.frequency} run, with one record')}: "
                     f"{statement}")
        return text

    def criteria_cell(self, control: Control) -> str:
        """Return the criteria a control addresses in this company's scope, or why it has none here."""
        scoped = self.scoped(control.criteria)
        return ", ".join(scoped) if scoped else "outside the examination (no criterion of the categories in scope)"

    def coverage_page(self) -> str:
        """Return the coverage page: each criterion in scope with the controls and sections addressing it."""
        rows = self.coverage()
        covered = sum(1 for row in rows if row.covered)
        docs = {doc.id: doc for doc in self.policies.values()}
        out = [
            "# Criteria coverage\n",
            f"{covered} of {len(rows)} criteria in scope are addressed by at least one control "
            f"({self.facts.scope.describe()}).\n",
            "| Criterion | Title | Controls | Policy sections |",
            "|---|---|---|---|",
        ]
        for row in rows:
            controls = ", ".join(c.id for c in row.controls) or "**none**"
            parts = [part for control in row.controls for part, _ in self.merged_parts(control)
                     if row.criterion.id in part.criteria]
            sections = "; ".join(_sections_by_policy([*row.controls, *parts], docs)) or "**none**"
            out.append(f"| {row.criterion.id} | {_cell(row.criterion.title)} | {controls} | {sections} |")
        return "\n".join(out) + "\n"


# How a merged control shares its host's run, by frequency; a scheduled one is in the same run.
_MERGED_RUN: dict[str, str] = {
    "per-event": "handled on the same event, with one record",
    "continuous": "enforced alongside it and checked in the same review, with one record",
}


def _union(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(item for group in groups for item in group))


def fold_lean_merges(controls: list[Control]) -> list[Control]:
    """Fold each control declared ``lean_merge: HOST`` into its host when both have one owner and frequency.

    A merge whose host is not in force, or runs at another frequency or by another owner for this
    company, is left standing: merging is only for the same activity at the same cadence by the same
    person, and the library lint reports a declared merge that does not hold.
    """
    by_id = {control.id: control for control in controls}
    parts: dict[str, list[Control]] = {}
    for control in controls:
        host = by_id.get(control.merged_into or "")
        if host is not None and host.owner == control.owner and host.frequency == control.frequency:
            parts.setdefault(host.id, []).append(control)
    folded = {part.id for group in parts.values() for part in group}
    out: list[Control] = []
    for control in controls:
        if control.id in folded:
            continue
        group = parts.get(control.id, [])
        if group:
            carriers = _union(control.carried_by, (p for part in group for p in part.carriers()))
            control = replace(
                control, criteria=_union(control.criteria, *(part.criteria for part in group)),
                evidence=_union(control.evidence, *(part.evidence for part in group)),
                checklist=_union(control.checklist, *(part.checklist for part in group)),
                carried_by=tuple(p for p in carriers if p != control.policy),
                merges=tuple(part.id for part in group))
        out.append(control)
    return out


def applies(control: Control, facts: Facts) -> bool:
    """Return whether a control binds the company: one with ``when: card_data`` only where it holds card data."""
    return control.when is None or (control.when == "card_data" and bool(facts.held_data.payment))


def rule_frequency(control: Control, facts: Facts, regulations: Mapping[str, Any]) -> str:
    """Return the frequency of a ``rule_cadence:`` control: the statutory cadence of the company's PCI DSS role."""
    rules = dict(control.rule_cadence)
    name = rules.get(facts.held_data.payment_role) or rules.get("any")
    if name is None:
        return control.frequency
    return frequency_for(regulations[name]["months"], "month")


def _sections_by_policy(controls: Iterable[Control], docs: Mapping[str, PolicyDoc]) -> list[str]:
    """Return each policy once with the sections that address a criterion: 'POL-13 §access requests, §reviews'."""
    sections: dict[str, list[str]] = {}
    for control in controls:
        if control.policy in docs and control.section not in sections.setdefault(control.policy, []):
            sections[control.policy].append(control.section)
    return [f"{policy} " + ", ".join(f"[§{anchor.replace('-', ' ')}]({docs[policy].filename}#{anchor})"
                                     for anchor in anchors)
            for policy, anchors in sorted(sections.items())]


def company_policy_from_template(template: PolicyDoc, library: Library, facts: Facts) -> PolicyDoc:
    """Make a company's first copy of a library policy: version 1.0, approved on the effective date."""
    controls = tuple(c.id for c in library.catalog.controls_for(template.id) if applies(c, facts))
    criteria = facts.scope.derive_criteria(controls, library.catalog)
    effective: dt.date = facts.audit.effective_date
    author = facts.people.role(template.owner).name
    approver = approver_for(facts, template.approver, author, template.owner)
    # With nobody but the author to approve, the record says so plainly and the segregation rule reports it.
    first = HistoryEntry("1.0", effective, author,
                         approver.name if approver else facts.people.role(template.approver).name,
                         "Initial adoption of the policy")
    return replace(template, version="1.0", effective_date=effective, last_reviewed=effective,
                   controls=controls, criteria=criteria, history=(first,))


def in_scope_templates(library: Library, facts: Facts) -> list[PolicyDoc]:
    """Return the library templates in force for the company: its scope, and privacy wherever it holds personal data."""
    return [doc for key, doc in sorted(library.templates.items()) if doc.category in facts.policy_categories]


def program_from_library(facts: Facts, library: Library | None = None, as_of: dt.date | None = None) -> Program:
    """Build the program a new company would get, straight from the library (no files written)."""
    library = library or load_library()
    policies = {doc.id: company_policy_from_template(doc, library, facts) for doc in in_scope_templates(library, facts)}
    return seal_first_approvals(Program(facts, library, policies, as_of or build_date()))


def seal_first_approvals(program: Program) -> Program:
    """Record in each policy's last history entry its approver's role and the digest of what it approves."""
    for pid, doc in list(program.policies.items()):
        if doc.history and not doc.history[-1].digest:
            role = signing_role(program.facts, doc.approver, doc.history[-1].approver)
            entry = replace(doc.history[-1], approver_role=role, digest=program.approval_digest(doc))
            program.policies[pid] = replace(doc, history=(*doc.history[:-1], entry))
    return program


def load_program(repo: Path, library: Library | None = None, as_of: dt.date | None = None,
                 kept: KeptInputs | None = None) -> Program:
    """Load a company repository: ``company.yml`` and every policy file under ``policies/``.

    With ``kept`` (a long-lived process's), what is unchanged since its last load is reused.
    """
    if kept is not None:
        library = library or kept.library()
        facts = kept.facts(repo / COMPANY_FILE)
    else:
        facts = load_facts(repo / COMPANY_FILE)
    library = library or load_library()
    policies: dict[str, PolicyDoc] = {}
    problems: list[Problem] = []
    folder = repo / POLICIES_DIR
    for path in policy_files(folder):
        text = path.read_text(encoding="utf-8")
        if not is_policy_source(path.name, text):
            continue  # a company page (an onboarding guide, say): published as written, not a policy
        where = f"{POLICIES_DIR}/{path.name}"
        doc = kept.policy(text, where, problems) if kept is not None else parse_or_report(text, where, True, problems)
        if doc is None:
            continue
        policies[doc.id] = doc
    if problems:
        raise TemplateError(problems)
    program = Program(facts, library, policies, as_of or build_date(), commits=version_commits(repo))
    if kept is not None:
        program.renders = kept.renders
    return program


def page_keys(program: Program) -> dict[str, str]:
    """Return, by policy id, the hash of everything ``render_page(doc)`` reads, for callers that keep rendered pages.

    That is the policy itself, the company's facts, every policy's title and file (links name
    them), the build date (overdue reviews), the commits that recorded its versions and the
    policies not yet written. The library is not in the key: a caller keeps pages only while it
    keeps the same library. What every page shares is hashed once.
    """
    shared = hashlib.sha256()
    for part in (repr(sorted(program.facts.data.items())), repr(sorted(program._links().items())),
                 program.as_of.isoformat(), repr(sorted(program.unwritten))):
        shared.update(part.encode("utf-8", "surrogateescape"))
        shared.update(b"\0")
    keys: dict[str, str] = {}
    for doc in program.policies.values():
        digest = shared.copy()
        for part in (repr(doc), repr(sorted(program.commits.get(doc.filename, {}).items()))):
            digest.update(part.encode("utf-8", "surrogateescape"))
            digest.update(b"\0")
        keys[doc.id] = digest.hexdigest()
    return keys


def retired_ids(ids: list[str]) -> list[str]:
    """Return the numbers missing below the highest of each series (``GOV-01`` when ``GOV-02`` is the lowest)."""
    series: dict[str, set[int]] = {}
    width: dict[str, int] = {}
    for identifier in ids:
        prefix, _, number = identifier.rpartition("-")
        if number.isdigit():
            series.setdefault(prefix, set()).add(int(number))
            width[prefix] = max(width.get(prefix, 0), len(number))
    return [f"{prefix}-{n:0{width[prefix]}d}" for prefix, numbers in sorted(series.items())
            for n in range(1, max(numbers)) if n not in numbers]
