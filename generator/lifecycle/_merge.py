"""The three-way merge of one policy, as ``policyforge update`` does it: text, id lists, front matter, criteria.

Bodies are merged by ``git merge-file`` (overlapping edits leave the standard conflict markers); front
matter is merged by key (the approval state stays the company's); controls are merged as sets and the
criteria derived again from the merged controls and the scope. Nothing here reads or writes a repository.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .._errors import PolicyforgeError, Problem
from ..model._documents import PolicyDoc, serialize_policy
from ..model._facts import Facts
from ..model._library import Library, anchors_in
from ..repo._git import git_bytes

MERGED_KEYS = ("title", "area", "category", "owner", "approver", "review_cadence", "summary")
_MARKER = re.compile(r"^(<{7}|>{7})( |$)", re.MULTILINE)


@dataclass(frozen=True)
class Labels:
    """How the sides of a conflict are named in the markers."""

    ours: str
    base: str
    theirs: str


def has_conflict_markers(text: str) -> bool:
    """Return whether a file still holds ``<<<<<<<`` / ``>>>>>>>`` lines."""
    return bool(_MARKER.search(text))


def merge_text(ours: str, base: str, theirs: str, labels: Labels) -> tuple[str, int]:
    """Merge three versions of a text with ``git merge-file``; return the result and its number of conflicts."""
    if ours == theirs or theirs == base:
        return ours, 0
    if ours == base:
        return theirs, 0
    with tempfile.TemporaryDirectory(prefix="policyforge-merge-") as tmp:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        result = git_bytes(None, "merge-file", "-p", "-L", labels.ours, "-L", labels.base, "-L", labels.theirs, *paths)
    if result.returncode > 127:  # merge-file exits negative on error, the conflict count otherwise
        raise PolicyforgeError([Problem("git merge-file", result.stderr.decode("utf-8", "replace").strip(),
                                        "check that git works in this repository")])
    return result.stdout.decode("utf-8"), result.returncode


def merge_ids(ours: tuple[str, ...], base: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """Merge two edits of an id list: each side's additions and removals both apply."""
    if ours == base:
        return theirs
    if theirs == base or ours == theirs:
        return ours
    dropped_by_company = set(base) - set(ours)
    merged = [cid for cid in theirs if cid not in dropped_by_company]
    merged += [cid for cid in ours if cid not in base and cid not in merged]
    return tuple(merged)


@dataclass(frozen=True)
class MergedPolicy:
    """One policy after the merge: the text to write and what happened to it."""

    doc: PolicyDoc
    text: str
    conflicts: int
    changed: bool
    notes: tuple[str, ...] = ()


def _front_line(doc: PolicyDoc, key: str) -> str:
    return next(line for line in serialize_policy(replace(doc, body="")).splitlines() if line.startswith(f"{key}: "))


def merge_policy(ours: PolicyDoc, base: PolicyDoc | None, theirs: PolicyDoc, library: Library, facts: Facts,
                 labels: Labels) -> MergedPolicy:
    """Merge one policy: body three ways, front matter by key, controls as sets, criteria derived."""
    notes: list[str] = []
    if base is None:
        notes.append("no pristine copy in .policyforge/base, so every difference from the library is shown")
    body, conflicts = merge_text(ours.body, base.body if base else "", theirs.body, labels)
    values: dict[str, Any] = {}  # all text keys; Any so dataclasses.replace accepts them
    conflicted: list[str] = []
    for key in MERGED_KEYS:
        mine, old, new = getattr(ours, key), getattr(base or theirs, key), getattr(theirs, key)
        if mine == old or mine == new:
            values[key] = new
        else:
            values[key] = mine
            if new != old:
                conflicted.append(key)
    # The file name follows the slug: a company's own rename wins over the library's.
    slug = theirs.slug if base is not None and ours.slug == base.slug else ours.slug
    if slug != theirs.slug:
        notes.append(f"kept your file name; the library now calls it {theirs.filename}")
    merged_ids = merge_ids(ours.controls, base.controls if base else theirs.controls, theirs.controls)
    anchors = anchors_in(body)
    controls: list[str] = []
    for cid in merged_ids:
        control = library.catalog.controls.get(cid)
        if control is None:
            notes.append(f"dropped control {cid}: library {library.version} no longer has it")
        elif control.policy == ours.id and control.section not in anchors:
            notes.append(f"did not carry control {cid}: its section #{control.section} is not in this policy")
        else:
            controls.append(cid)
    doc = replace(ours, **values, slug=slug, body=body, controls=tuple(controls),
                  criteria=facts.scope.derive_criteria(controls, library.catalog))
    text = serialize_policy(doc)
    for key in conflicted:
        block = (f"<<<<<<< {labels.ours}\n{_front_line(doc, key)}\n=======\n"
                 f"{_front_line(replace(doc, **{key: getattr(theirs, key)}), key)}\n>>>>>>> {labels.theirs}")
        text = text.replace(_front_line(doc, key), block, 1)
    changed = doc.body != ours.body or doc.controls != ours.controls or bool(conflicted)
    same = not conflicted and all(getattr(doc, k) == getattr(ours, k)
                                  for k in (*MERGED_KEYS, "slug", "body", "controls", "criteria"))
    return MergedPolicy(ours if same else doc, text, conflicts + len(conflicted), changed, tuple(notes))
