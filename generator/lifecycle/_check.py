"""``policyforge check``: everything a pull request to a company repository must get right.

Auditors test the policy lifecycle: each change proposed, reviewed, approved by the right person
and versioned. These checks catch, with file, line and fix, what would fail that test: broken
metadata, unknown ids, undefined facts, placeholders and vague wording, overdue reviews, text
changed without a new version, broken links, and policies missing from or outside the scope.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc, is_policy_source, parse_or_report, parse_policy
from ..model._facts import load_facts
from ..model._library import Library, anchors_in, load_library
from ..model._roles import ALTERNATE
from ..program._program import Program, build_date, in_scope_templates
from ..render._markdown import markdown_to_html
from ..render._sanitize import removed_by_sanitizer
from ..render._wording import check_wording
from ..repo._files import policy_files
from ..repo._git import git
from ..repo._layout import CODEOWNERS_FILE, COMPANY_FILE, POLICIES_DIR
from ..repo._published import published_set
from ._merge import has_conflict_markers
from ._mkdocs_config import mkdocs_config_problems

# A link target stops at the first ( ] ) or space: each match attempt ends at the next "](", so a
# line of "](" repeated is read once (the earlier pattern backtracked over the rest of the line).
_LINK = re.compile(r"\]\(([^()\s\]]+)\)")
_OPENERS = {"{{": "}}", "{%": "%}"}


def _template_syntax_as_values(text: str) -> str:
    """Replace each ``{{ }}``/``{% %}`` with ``1`` (a concrete value), keeping line breaks; linear time."""
    out: list[str] = []
    start = 0
    while True:
        found = [(text.find(opener, start), opener) for opener in _OPENERS]
        found = [(at, opener) for at, opener in found if at >= 0]
        if not found:
            break
        at, opener = min(found)
        end = text.find(_OPENERS[opener], at + 2)
        if end < 0:
            break
        out += [text[start:at], "1", "\n" * text.count("\n", at, end)]
        start = end + 2
    out.append(text[start:])
    return "".join(out)


@dataclass(frozen=True)
class CheckResult:
    """The problems found, and how many policies were checked."""

    problems: list[Problem]
    checked: int
    pages: int = 0


def _key_line(text: str, key: str) -> int | None:
    """Return the 1-based line of a front matter key in a policy file."""
    match = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


def _wording_in_source(doc: PolicyDoc, text: str) -> list[Problem]:
    """Check the policy text as written, so each problem points at the line to edit.

    A ``{{ fact }}`` counts as a concrete value (it renders a number or a cadence) and template
    syntax is not a leftover placeholder.
    """
    body = _template_syntax_as_values(doc.body)
    problems = check_wording(body, doc.path)
    return [Problem(p.where, p.message, p.fix, (p.line or 0) + doc.body_line - 1) for p in problems]


def _metadata_problems(doc: PolicyDoc, text: str, library: Library, program: Program) -> list[Problem]:
    found: list[Problem] = []
    catalog = library.catalog
    controls_line = _key_line(text, "controls")
    criteria_line = _key_line(text, "criteria")
    for cid in doc.controls:
        if cid not in catalog.controls:
            found.append(Problem(doc.path, f"unknown control id {cid}", "use an id from the control matrix",
                                 controls_line))
    for crit in doc.criteria:
        if crit not in catalog.criteria:
            found.append(Problem(doc.path, f"unknown criterion {crit}", "use a Trust Services criterion id such as "
                                 "CC6.1 (there is no CC9.9)", criteria_line))
    derived = list(program.facts.scope.derive_criteria(doc.controls, catalog))
    if all(c in catalog.criteria for c in doc.criteria) and list(doc.criteria) != derived:
        found.append(Problem(doc.path, "criteria do not match the controls this policy carries",
                             f"write criteria: [{', '.join(derived)}]", criteria_line))
    anchors = anchors_in(doc.body)
    for cid in doc.controls:
        control = catalog.controls.get(cid)
        if control and control.policy != doc.id:
            # A shared control is stated in its home policy; that policy's own check looks for the heading.
            if control.policy not in program.policies:
                found.append(Problem(doc.path, f"control {cid} is stated in {control.policy}, which this repository "
                                     "does not have", f"add {control.policy} or take {cid} off this list",
                                     controls_line))
        elif control and control.section not in anchors:
            found.append(Problem(doc.path, f"control {cid} is stated under #{control.section}, which this policy "
                                 "no longer has", "restore the heading id or move the control", controls_line))
    return found


_GENERATED_PAGES = frozenset({"index.md", "controls.md", "coverage.md", "changes.md", "evidence.md", "readiness.md"})


def _link_problems(doc: PolicyDoc, program: Program, company_pages: frozenset[str] = frozenset()) -> list[Problem]:
    found: list[Problem] = []
    files = {d.filename: d for d in program.policies.values()}
    generated = _GENERATED_PAGES | company_pages
    for number, line in enumerate(doc.body.splitlines(), start=doc.body_line):
        for target in _LINK.findall(line):
            if re.match(r"^[a-z]+:", target) or target.startswith("mailto:"):
                continue
            path, _, anchor = target.partition("#")
            if not path:
                if anchor and anchor not in anchors_in(doc.body):
                    found.append(Problem(doc.path, f"link to #{anchor}, which this policy has no heading for",
                                         "fix the anchor or add {#" + anchor + "} to a heading", number))
                continue
            if path in generated:
                continue
            if path not in files:
                found.append(Problem(doc.path, f"link to {path}, which is not a policy of this repository",
                                     "link with {{ link(\"POL-NN\") }} or fix the file name", number))
            elif anchor and anchor not in anchors_in(files[path].body):
                found.append(Problem(doc.path, f"link to {path}#{anchor}, which has no such heading",
                                     "fix the anchor", number))
    return found


def sanitizer_problems(doc: PolicyDoc, page: str) -> list[Problem]:
    """Report what the sanitiser removes from a rendered policy page, at the source line that wrote it."""
    lines = doc.body.lower().splitlines()
    found: list[Problem] = []
    for removal in removed_by_sanitizer(markdown_to_html(page, sanitize=False)):
        needle = removal.needle.lower()
        index = next((i for i, text in enumerate(lines) if needle in text), None)
        found.append(Problem(
            doc.path, f"{removal.description} is removed when the policy is published",
            "write the text in Markdown: no raw HTML, scripts, event handlers, style, file: or javascript: "
            "links, and images only from the site's own files",
            doc.body_line + index if index is not None else None))
    return found


def _unapproved_changes(repo: Path, base: str, program: Program) -> list[Problem]:
    """Find policies whose text changed since ``base`` without a new version and history entry."""
    if git(repo, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        return [Problem(base, "is not a git revision of this repository",
                        "pass the pull request's base branch, e.g. --base origin/main")]
    found: list[Problem] = []
    for doc in program.ordered_policies():
        old = git(repo, "show", f"{base}:{POLICIES_DIR}/{Path(doc.path).name}")
        if old.returncode != 0:
            continue  # a new policy: its first history entry is checked with the metadata
        try:
            before = parse_policy(old.stdout, doc.path, company=True)
        except PolicyforgeError:
            continue
        text = (repo / doc.path).read_text(encoding="utf-8")
        found += _history_rewrites(doc, before, base, text)
        found += _role_change_problems(repo, base, doc, before, text)
        if before.body == doc.body and before.controls == doc.controls:
            continue
        if doc.version == before.version or len(doc.history) <= len(before.history):
            found.append(Problem(
                doc.path, f"text changed since {base} but version {doc.version} has no new approval",
                f"run `policyforge approve {doc.id} --by \"<approver's name>\" --summary \"<what changed>\"`",
                _key_line(text, "version"),
            ))
        elif doc.history[-1].version != doc.version:
            found.append(Problem(doc.path, f"the last history entry is {doc.history[-1].version}, "
                                 f"not the version {doc.version}", "run `policyforge approve` to record it"))
    return found


def approval_problems(program: Program, doc: PolicyDoc, text: str) -> list[Problem]:
    """Check that the last approval covers what readers see now, and that approval dates only go forward."""
    found: list[Problem] = []
    fix = (f"review the change, then run `policyforge approve {doc.id} --by \"<approver's name>\" "
           "--summary \"<what changed>\"`")
    for number, (earlier, later) in enumerate(zip(doc.history, doc.history[1:], strict=False), start=2):
        if later.date < earlier.date:
            found.append(Problem(doc.path, f"history entry {number} is dated {later.date.isoformat()}, before the "
                                 f"entry above it ({earlier.date.isoformat()})",
                                 "approvals are recorded in date order; run `policyforge approve` rather than "
                                 "editing history", _key_line(text, "history")))
    if not doc.history:
        return found
    last = doc.history[-1]
    try:
        digest = program.approval_digest(doc)
    except PolicyforgeError:
        return found  # reported by the rendering check
    if last.digest is None:
        found.append(Problem(doc.path, f"version {doc.version} records no digest of what was approved", fix,
                             _key_line(text, "version")))
    elif last.digest != digest:
        found.append(Problem(
            doc.path, f"what readers see differs from what version {last.version} approved (the policy, its "
            "metadata, company.yml or the library changed)", fix, _key_line(text, "version")))
    # An entry signed by the alternate records that capacity, not a different approver role.
    if last.approver_role and last.approver_role not in (doc.approver, ALTERNATE):
        found.append(Problem(doc.path, f"approver changed from {last.approver_role} to {doc.approver} since the last "
                             "approval", f"the current approver approves the change: {fix}",
                             _key_line(text, "approver")))
    return found


def _history_rewrites(doc: PolicyDoc, before: PolicyDoc, base: str, text: str) -> list[Problem]:
    """History is append-only: every entry at ``base`` must still be there, unchanged."""
    kept = doc.history[: len(before.history)]
    if kept == before.history:
        return []
    return [Problem(doc.path, f"history entries recorded at {base} were changed or removed",
                    f"restore them from {base}; `policyforge approve` appends new entries",
                    _key_line(text, "history"))]


def _role_change_problems(repo: Path, base: str, doc: PolicyDoc, before: PolicyDoc, text: str) -> list[Problem]:
    """A change of owner or approver role must be approved by the approver before the change."""
    if (before.owner, before.approver) == (doc.owner, doc.approver):
        return []
    from ..model._facts import parse_facts_yaml

    shown = git(repo, "show", f"{base}:{COMPANY_FILE}")
    try:
        facts = parse_facts_yaml(shown.stdout, where=f"{base}:{COMPANY_FILE}") if shown.returncode == 0 else None
    except PolicyforgeError:
        facts = None
    current = facts.people.role(before.approver).name if facts else None
    added = doc.history[len(before.history):]
    if current and any(entry.approver == current for entry in added):
        return []
    who = f"{current}, the {before.approver}" if current else f"the {before.approver}"
    return [Problem(doc.path, f"owner/approver changed since {base} ({before.owner}/{before.approver} -> "
                    f"{doc.owner}/{doc.approver}) without the current approver's approval",
                    f"ask {who} to approve it: `policyforge approve {doc.id} --by \"{current or '<name>'}\"`",
                    _key_line(text, "approver"))]


def _people_problems(repo: Path, program: Program, base: str | None) -> list[Problem]:
    """Check the roster and acknowledgement records; against ``base``, records may only be appended."""
    from ..kit._acknowledgement import people_problems
    from ..model._acknowledgements import RECORDS_FILE

    before = None
    if base:
        shown = git(repo, "show", f"{base}:{RECORDS_FILE}")
        before = shown.stdout if shown.returncode == 0 else None
    return people_problems(program, repo, before)


def _scope_problems(repo: Path, program: Program, library: Library) -> list[Problem]:
    found: list[Problem] = []
    wanted = {doc.id: doc for doc in in_scope_templates(library, program.facts)}
    for pid, template in wanted.items():
        if pid not in program.policies:
            found.append(Problem(f"{POLICIES_DIR}/", f"{pid} {template.title} is in scope ({template.category}) "
                                 "but has no file", "run `policyforge update` to add it"))
    for doc in program.ordered_policies():
        if doc.category not in program.facts.policy_categories:
            found.append(Problem(doc.path, f"{doc.id} belongs to {doc.category}, which company.yml has out of scope",
                                 f"set audit.categories.{doc.category}: true, or run `policyforge update` to "
                                 "retire the policy", 1))
    return found


_TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%")


def _page_problems(relative: str, text: str, repo: Path) -> list[Problem]:
    """Lint a company page lightly: it is published as written, so template syntax and dead links show."""
    found: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _TEMPLATE_SYNTAX.search(line):
            found.append(Problem(relative, "has {{ or {% — a page without policy front matter is published as "
                                 "written, not filled from company.yml", "write the value itself, or make the page a "
                                 "policy with front matter", number))
        for target in _LINK.findall(line):
            path = target.partition("#")[0]
            if not path or re.match(r"^[a-z]+:", target) or path in _GENERATED_PAGES:
                continue
            if path.endswith(".md") and not (repo / POLICIES_DIR / path).is_file():
                found.append(Problem(relative, f"link to {path}, which is not a page of this repository",
                                     "fix the file name or remove the link", number))
    return found


def check_repository(repo: Path, base: str | None = None, as_of: dt.date | None = None) -> CheckResult:
    """Run every check on a company repository; ``base`` enables the approval check against a ref."""
    library = load_library()
    facts = load_facts(repo / COMPANY_FILE)
    published = published_set(repo)
    problems: list[Problem] = list(published.problems) + mkdocs_config_problems(repo)
    policies: dict[str, PolicyDoc] = {}
    texts: dict[str, str] = {}
    pages: list[str] = []
    # Only the regular Markdown files of the publishing set are read: never a link or a device.
    published_pages = {repo / POLICIES_DIR / page for page in published.pages}
    for path in [p for p in policy_files(repo / POLICIES_DIR) if p in published_pages]:
        relative = f"{POLICIES_DIR}/{path.name}"
        text = path.read_text(encoding="utf-8")
        if has_conflict_markers(text):
            continue  # reported with the publishing set, with its line
        if not is_policy_source(path.name, text):
            pages.append(path.name)
            problems += _page_problems(relative, text, repo)
            continue
        doc = parse_or_report(text, relative, True, problems)
        if doc is None:
            continue
        if path.name != doc.filename:
            problems.append(Problem(relative, f"file name does not match id and slug ({doc.filename})",
                                    f"rename the file to {doc.filename}"))
        if doc.id in policies:
            problems.append(Problem(relative, f"{doc.id} is also in {policies[doc.id].path}", "keep one file per id"))
        policies[doc.id] = doc
        texts[doc.id] = text
    program = Program(facts, library, policies, as_of or build_date())
    for doc in program.ordered_policies():
        text = texts[doc.id]
        problems += _metadata_problems(doc, text, library, program)
        try:
            problems += sanitizer_problems(doc, program.render_page(doc))
        except PolicyforgeError as exc:
            problems.extend(exc.problems)
        problems += _wording_in_source(doc, text)
        problems += _link_problems(doc, program, frozenset(pages))
        due = program.next_review(doc)
        if due and due < program.as_of:
            problems.append(Problem(doc.path, f"review overdue since {due.isoformat()} ({doc.review_cadence})",
                                    f"review it and run `policyforge approve {doc.id} --by \"<approver's name>\"`",
                                    _key_line(text, "last_reviewed")))
        if doc.history and doc.history[-1].version != doc.version:
            problems.append(Problem(doc.path, f"version {doc.version} has no history entry",
                                    "run `policyforge approve` to record the approval"))
        problems += approval_problems(program, doc, text)
    problems += _scope_problems(repo, program, library)
    codeowners = repo / CODEOWNERS_FILE
    if not codeowners.is_file() or codeowners.read_text(encoding="utf-8") != program.codeowners():
        problems.append(Problem(CODEOWNERS_FILE, "does not route each policy to its current owner and approver",
                                "run `policyforge codeowners` and commit the result"))
    problems += _rule_problems(repo, program, texts)
    if base:
        problems += _unapproved_changes(repo, base, program)
    problems += _people_problems(repo, program, base)
    return CheckResult(problems, len(policies), len(pages))


def _rule_problems(repo: Path, program: Program, texts: dict[str, str]) -> list[Problem]:
    """Run the consistency rules on the company's own files, so a hand edit is caught in its pull request."""
    from ..model._facts import _key_lines
    from ..rules import company_view, run_rules

    try:
        lines = _key_lines((repo / COMPANY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        lines = {}
    return run_rules(company_view(program, texts, COMPANY_FILE, lines))


def github_annotation(problem: Problem) -> str:
    """Format a problem as a GitHub Actions annotation shown on the pull request's diff."""
    def escape(value: str) -> str:
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def escape_property(value: str) -> str:  # a file name with "," or ":" must not start another property
        return escape(value).replace(":", "%3A").replace(",", "%2C")

    location = f"file={escape_property(problem.where)}" + (f",line={problem.line}" if problem.line else "")
    text = f"{problem.message} — {problem.fix}" if problem.fix else problem.message
    return f"::error {location}::{escape(text)}"
