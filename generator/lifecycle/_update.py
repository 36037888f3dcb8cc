"""``policyforge update``: move a company repository to a new library release or a new scope, keeping its edits.

Each policy is merged three ways: base is the pristine copy kept in ``.policyforge/base/``, ours is
the company's file in ``policies/``, theirs is the new library's template turned into a company copy
with the same facts. Bodies are merged by ``git merge-file``, so overlapping edits leave the standard
conflict markers. Front matter is merged by key: the approval state (version, dates, history) stays
the company's, title/owner/... follow whichever side changed them, controls are merged as sets and
the criteria are derived again from the merged controls and the current scope.

State between runs: a policy merged cleanly gets its new pristine copy in ``.policyforge/base/``; a
policy left with conflicts keeps its old base and its new pristine copy waits in
``.policyforge/pending/``. Once the markers are resolved and everything (``policies/`` and
``.policyforge/``) is committed, the next ``policyforge update`` takes the committed file as the merge
of that release, promotes the pending copy to base and carries on. ``source.yml`` records the new
library version only when no conflict is left. Nothing is staged or committed for the user.

Why not cruft (2.16.0, tried on this repository): ``cruft update`` regenerates the project twice with
cookiecutter and applies the difference with ``git apply -3``. Out of the box it fails
(``ChangesetUnicodeError``) because our post-generation hook runs ``git init`` in each regenerated
copy; with ``"skip": [".git"]`` it merged text edits and even followed a renamed file, but (1) it
re-renders from the answers frozen in ``.cruft.json``, so a scope change made in ``company.yml`` is
ignored, and ``--variables-to-update`` deletes the out-of-scope policies instead of retiring them;
(2) an approved policy (new version and history) plus a control added upstream conflicted inside
the YAML front matter, leaving an unparseable file with the pristine ``version: '1.0'`` on one side;
(3) it needs the template as a git repository and commit, while the library ships inside the wheel;
(4) it leaves the index in a merge state, and took 5.5 s per update. Hence this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc, is_policy_source, parse_or_report, parse_policy, serialize_policy
from ..model._facts import Facts, load_facts
from ..model._library import LIBRARY_VERSION_FILE, Library, library_root, load_library
from ..program._program import Program, company_policy_from_template
from ..repo._files import policy_files, write_atomic
from ..repo._git import git
from ..repo._layout import (
    BASE_DIR,
    CODEOWNERS_FILE,
    COMPANY_FILE,
    ENGINE_FILE,
    PENDING_DIR,
    POLICIES_DIR,
    REQUIREMENTS_FILE,
    RETIRED_DIR,
    SOURCE_FILE,
    STATE_DIR,
    VENDOR_DIR,
)
from ._kit_files import kit_files, refuse_conflict_markers, update_kit_files
from ._merge import Labels as Labels
from ._merge import MergedPolicy as MergedPolicy
from ._merge import has_conflict_markers as has_conflict_markers
from ._merge import merge_policy as merge_policy

# What update writes: uncommitted changes there would be overwritten, so it refuses to run.
GUARDED_PATHS = (POLICIES_DIR, COMPANY_FILE, STATE_DIR, CODEOWNERS_FILE, REQUIREMENTS_FILE, ENGINE_FILE, VENDOR_DIR)


# ---------------------------------------------------------------------------------------------- the repository
def require_clean_tree(repo: Path, *also: str) -> None:
    """Refuse to run unless what update writes (GUARDED_PATHS and ``also``) is committed, so no edit is lost."""
    if git(repo, "rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
        raise PolicyforgeError([Problem(str(repo), "is not a git repository",
                                        "run `git init && git add -A && git commit -m \"Policies\"` first, so "
                                        "the update can be reviewed and undone")])
    status = git(repo, "status", "--porcelain=v1", "--untracked-files=all", "--", *GUARDED_PATHS, *also)
    if status.returncode != 0:
        raise PolicyforgeError([Problem(str(repo), f"git status failed: {status.stderr.strip()}",
                                        "check that git works in this repository")])
    dirty = sorted({line[3:].split(" -> ")[-1].strip('"') for line in status.stdout.splitlines() if line})
    if dirty:
        shown = ", ".join(dirty[:8]) + (f" and {len(dirty) - 8} more" if len(dirty) > 8 else "")
        raise PolicyforgeError([Problem(
            shown, "has uncommitted changes, which an update could overwrite",
            "commit them (git add -A && git commit), or discard them (git restore/git clean), then run "
            "`policyforge update` again",
        )])


def _policy_files(folder: Path, repo: Path) -> dict[str, tuple[Path, PolicyDoc]]:
    """Parse every policy file directly in ``folder`` by id; a broken one stops the update."""
    found: dict[str, tuple[Path, PolicyDoc]] = {}
    problems: list[Problem] = []
    for path in policy_files(folder):
        relative = path.relative_to(repo).as_posix()
        text = path.read_text(encoding="utf-8")
        if not has_conflict_markers(text) and not is_policy_source(path.name, text):
            continue  # a company page, not a policy: the library has nothing to merge into it
        if has_conflict_markers(text):
            problems.append(Problem(relative, "still has conflict markers (<<<<<<< / >>>>>>>)",
                                    "resolve them, commit, then run `policyforge update` again"))
            continue
        doc = parse_or_report(text, relative, True, problems)
        if doc is None:
            continue
        if doc.id in found:
            problems.append(Problem(relative, f"{doc.id} is also in {found[doc.id][0].relative_to(repo)}",
                                    "keep one file per id"))
        found[doc.id] = (path, doc)
    if problems:
        raise PolicyforgeError(problems)
    return found


def resolve_library(to: str | None) -> Library:
    """Return the library to update to: a folder, the installed release by version, or the installed one."""
    if to is None:
        return load_library()
    folder = Path(to).expanduser()
    if folder.is_dir():
        if (folder / "policy_templates" / "catalog").is_dir():
            folder = folder / "policy_templates"
        if not (folder / "catalog").is_dir() or not (folder / "policies").is_dir():
            raise PolicyforgeError([Problem(to, "is not a policy library folder (no catalog/ and policies/)",
                                            "pass the policy_templates folder of a policyforge release")])
        return load_library(folder.resolve())
    installed = load_library()
    if to != installed.version:
        raise PolicyforgeError([Problem(
            "--to", f"library {to} is not installed (this policyforge ships library {installed.version})",
            "install the policyforge release that ships it (pip install -U policyforge), or pass its folder",
        )])
    return installed


def installed_library_version() -> str:
    """Return the version of the library this policyforge ships (the one builds use)."""
    return (library_root() / LIBRARY_VERSION_FILE).read_text(encoding="utf-8").strip()


def _version_key(version: str) -> tuple[int, ...] | None:
    parts = version.split(".")
    return tuple(int(p) for p in parts) if all(p.isdigit() for p in parts) else None


@dataclass
class UpdateResult:
    """What an update did, for the report and the exit code."""

    library_version: str
    actions: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    needs_approval: list[str] = field(default_factory=list)
    new_in_force: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Repo:
    """The repository being updated, with the facts, library and state every step needs."""

    root: Path
    facts: Facts
    library: Library
    day: dt.date
    result: UpdateResult
    source: dict[str, Any]

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def write(self, path: Path, text: str) -> None:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_atomic(path, text)

    def move(self, source: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)

    def pristine(self, template: PolicyDoc) -> str:
        return serialize_policy(company_policy_from_template(template, self.library, self.facts))

    def labels(self) -> Labels:
        old = self.source.get("library_version")
        return Labels("company", f"library {old}" if old else "base", f"library {self.library.version}")


def _promote_pending(repo: _Repo) -> None:
    """Take committed resolutions of an earlier update as merged: their pending pristine copies become base."""
    pending = repo.root / PENDING_DIR
    if not pending.is_dir():
        return
    bases = _policy_files(repo.root / BASE_DIR, repo.root) if (repo.root / BASE_DIR).is_dir() else {}
    for path in policy_files(pending):
        doc = parse_policy(path.read_text(encoding="utf-8"), repo.rel(path), company=True)
        if doc.id in bases:
            bases[doc.id][0].unlink()
        repo.move(path, repo.root / BASE_DIR / path.name)
        pending_version = repo.source.get("pending_library_version", "the earlier update")
        repo.result.actions.append(("resolved", f"{doc.id}: your committed file is its merge with library "
                                    f"{pending_version}"))
    if not any(pending.iterdir()):
        pending.rmdir()


def _merge_into(repo: _Repo, pid: str, ours_path: Path, ours: PolicyDoc, base: tuple[Path, PolicyDoc] | None,
                template: PolicyDoc, verb: str) -> None:
    """Merge one company policy with the library's, write it under its (possibly new) name, and record it."""
    theirs = company_policy_from_template(template, repo.library, repo.facts)
    merged = merge_policy(ours, base[1] if base else None, theirs, repo.library, repo.facts, repo.labels())
    target = repo.root / POLICIES_DIR / merged.doc.filename
    label = repo.rel(target)
    if target != ours_path:
        repo.write(target, merged.text)
        ours_path.unlink()
        repo.result.actions.append((verb, f"{repo.rel(ours_path)} -> {label}"))
    elif merged.doc is not ours:
        repo.write(target, merged.text)
        repo.result.actions.append((verb, label))
    for note in merged.notes:
        repo.result.notes.append(f"{pid}: {note}")
    if verb == "restored":
        repo.result.new_in_force.append(pid)
    elif merged.changed:
        repo.result.needs_approval.append(pid)
    pristine = repo.pristine(template)
    if merged.conflicts:
        repo.result.conflicts.append(label)
        repo.write(repo.root / PENDING_DIR / template.filename, pristine)
        return
    if base and base[0].name != template.filename:
        base[0].unlink()
    repo.write(repo.root / BASE_DIR / template.filename, pristine)


def _add(repo: _Repo, template: PolicyDoc) -> None:
    """Add a policy new to the company: a first copy dated no earlier than the update."""
    first = company_policy_from_template(template, repo.library, repo.facts)
    effective = max(first.effective_date or repo.day, repo.day)
    entry = replace(first.history[0], date=effective, summary=f"Adopted from policy library {repo.library.version}")
    doc = replace(first, effective_date=effective, last_reviewed=effective, history=(entry,))
    target = repo.root / POLICIES_DIR / template.filename
    repo.write(target, serialize_policy(doc))
    repo.write(repo.root / BASE_DIR / template.filename, repo.pristine(template))
    repo.result.actions.append(("added", repo.rel(target)))
    repo.result.new_in_force.append(template.id)


def _refresh_generated(repo: _Repo, engine_library: bool) -> None:
    """Rewrite CODEOWNERS for the new set of files and pin the policyforge that ships the library."""
    try:
        policies = {pid: doc for pid, (_, doc) in _policy_files(repo.root / POLICIES_DIR, repo.root).items()}
    except PolicyforgeError:
        repo.result.notes.append(f"{CODEOWNERS_FILE} not rewritten: run `policyforge codeowners` once the "
                                 "conflicts are resolved")
    else:
        path = repo.root / CODEOWNERS_FILE
        codeowners = Program(repo.facts, repo.library, policies, repo.day).codeowners()
        if not path.is_file() or path.read_text(encoding="utf-8") != codeowners:
            repo.write(path, codeowners)
            repo.result.actions.append(("rewrote", CODEOWNERS_FILE))
    requirements = repo.root / REQUIREMENTS_FILE
    if engine_library and requirements.is_file():
        _update_kit(repo)
        from ._scaffold import write_install_files

        watched = [requirements, repo.root / ENGINE_FILE, *sorted((repo.root / VENDOR_DIR).glob("*.whl"))]
        before = {path: path.read_bytes() for path in watched if path.is_file()}
        written = write_install_files(repo.root)
        after = {path: path.read_bytes() for path in [*watched, *written] if path.is_file()}
        if before != after:
            repo.result.actions.append(("pinned", f"{REQUIREMENTS_FILE} and {ENGINE_FILE}: policyforge {__version__}"))


def _update_kit(repo: _Repo) -> None:
    """Bring the workflows, pre-commit files and hook to the running engine's, keeping the company's edits."""
    old = repo.source.get("policyforge_version")
    labels = Labels("company", f"policyforge {old}" if old else "base", f"policyforge {__version__}")
    kit = update_kit_files(repo.root, labels)
    repo.result.actions += kit.actions
    repo.result.conflicts += kit.conflicts
    repo.result.notes += kit.notes


def update_repository(root: Path, library: Library, day: dt.date, engine_library: bool = True) -> UpdateResult:
    """Merge the library into the company's policies and apply the scope in ``company.yml``."""
    kit = kit_files() if engine_library and (root / REQUIREMENTS_FILE).is_file() else {}
    require_clean_tree(root, *kit)
    refuse_conflict_markers(root, kit)
    facts = load_facts(root / COMPANY_FILE)
    source_path = root / SOURCE_FILE
    source = yaml.safe_load(source_path.read_text(encoding="utf-8")) if source_path.is_file() else {}
    source = source if isinstance(source, dict) else {}
    old, new = _version_key(str(source.get("library_version", ""))), _version_key(library.version)
    if old and new and new < old:
        raise PolicyforgeError([Problem("--to", f"library {library.version} is older than the library this "
                                        f"repository is at ({source['library_version']})",
                                        "update only moves forward; pass a newer library")])
    repo = _Repo(root, facts, library, day, UpdateResult(library.version), source)
    company = _policy_files(root / POLICIES_DIR, root)
    retired = _policy_files(root / RETIRED_DIR, root) if (root / RETIRED_DIR).is_dir() else {}
    _promote_pending(repo)
    bases = _policy_files(root / BASE_DIR, root) if (root / BASE_DIR).is_dir() else {}
    wanted = {t.id for t in library.templates.values() if t.category in facts.policy_categories}
    for pid in sorted(set(company) | wanted):
        template = library.templates.get(pid)
        if pid not in company:
            assert template is not None
            if pid in retired:
                path, doc = retired[pid]
                _merge_into(repo, pid, path, doc, bases.get(pid), template, "restored")
            elif pid in bases:
                repo.result.notes.append(
                    f"{pid} {template.title} is in scope but you deleted {POLICIES_DIR}/{bases[pid][1].filename}; "
                    f"it was not restored (to restore it, delete {BASE_DIR}/{bases[pid][0].name} and run update)")
            else:
                _add(repo, template)
            continue
        path, doc = company[pid]
        category = template.category if template else doc.category
        if category not in facts.policy_categories:
            target = root / RETIRED_DIR / path.name
            repo.move(path, target)
            repo.result.actions.append(("retired", f"{repo.rel(path)} -> {repo.rel(target)} ({category} is out "
                                        "of scope)"))
        elif template is None:
            if pid in bases:
                repo.result.notes.append(f"{pid} is no longer in library {library.version}; kept as your own "
                                         f"policy (move it to {RETIRED_DIR}/ to retire it)")
        else:
            _merge_into(repo, pid, path, doc, bases.get(pid), template, "merged")
    _refresh_generated(repo, engine_library)
    state = {key: value for key, value in source.items() if key != "pending_library_version"}
    state["policyforge_version"] = __version__
    if repo.result.conflicts:
        state["pending_library_version"] = library.version
    else:
        state["library_version"] = library.version
    state["categories"] = list(facts.categories)
    repo.write(source_path, yaml.safe_dump(state, sort_keys=False, allow_unicode=True))
    return repo.result
