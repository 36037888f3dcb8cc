"""The library's catalogs as data: criteria, controls, evidence, checklist and cloud vocabulary.

Each fact is written once, in YAML under ``policy_templates/``; the control matrix, coverage,
evidence plan and checklist trace are all derived from these records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .._errors import Problem, TemplateError, yaml_problem
from ._commitments import TIME_UNITS, CommitmentCatalog, frequency_for, load_commitments
from ._facts_schema import OUTSIDE_PARTIES as PARTY_KEYS
from ._facts_schema import ROLE_TITLES
from ._places import PlaceData, place_data

FREQUENCIES: tuple[str, ...] = (
    "continuous", "per-event", "daily", "weekly", "monthly", "quarterly", "semiannual", "annual",
)
_CONTROL_ID = re.compile(r"^[A-Z]{2,4}-\d{2}$")
# Conditions a control may apply under (``when:``): the name and what it means, for the fix of a wrong one.
WHEN: dict[str, str] = {"card_data": "the company stores, processes or transmits payment card data"}
# The roles a ``rule_cadence:`` may name: a PCI DSS role (company fact ``data.payment_role``), or ``any``.
RULE_ROLES: tuple[str, ...] = ("any", "service_provider", "merchant")


@dataclass(frozen=True)
class Criterion:
    """One Trust Services criterion, in our words."""

    id: str
    category: str
    series: str
    title: str
    summary: str


@dataclass(frozen=True)
class Control:
    """A testable control: the bridge between a policy section, criteria and evidence."""

    id: str
    statement: str
    owner: str
    frequency: str
    criteria: tuple[str, ...]
    policy: str
    section: str
    evidence: tuple[str, ...]
    checklist: tuple[str, ...]
    source: str
    # The named commitment (catalog/commitments.yaml) the frequency is derived from, if any; the
    # company's value of it decides the frequency in its program (``Program.controls``).
    cadence: str | None = None
    # Further commitments the statement runs at (``cadence: [a, b]``); the control runs at the most frequent.
    also: tuple[str, ...] = ()
    # The frequency in a small company's lean program (``frequency_small:``), when it differs.
    frequency_small: str | None = None
    # Other policies that carry this control too (``carried_by:``): one duty several policies rely on is
    # one control, stated in its home policy's ``section`` and listed in each carrier's controls.
    carried_by: tuple[str, ...] = ()
    # In a small company's lean program this control is run as part of another (``lean_merge: HOST``): the
    # same activity at the same cadence by the same owner, so one run and one record serve both.
    merged_into: str | None = None
    # The role that owns the control in a small company's lean program (``owner_small:``), when it differs:
    # the duty goes to the person a company of that size has for it, not to the Security Officer by default.
    owner_small: str | None = None
    # The controls folded into this one for a small company (set by ``Program.controls``, not by the library).
    merges: tuple[str, ...] = ()
    # What sets off a per-event control (``trigger:``, a kind in catalog/effort.yaml): how often it runs
    # depends on it and on the company's headcount, so the owner's load is costed from it.
    trigger: str | None = None
    # The company facts the control applies under (``when:``, a key of WHEN): a card-data duty binds only a
    # company that holds card data, so no other company's program states, costs or asks evidence for it.
    when: str | None = None
    # The statutory cadence (catalog/regulations.yaml ``months``) the frequency comes from, by the company's
    # PCI DSS role (``rule_cadence:``): (role, rule) pairs, role ``any`` for one rule for both roles.
    rule_cadence: tuple[tuple[str, str], ...] = ()
    # The roles whose own acts are among what this control reviews (``reviews_work_of:``, role keys or ``anyone``):
    # a break-glass use, an administrator's activity, an emergency approval. Rule SOD007 has the statement route
    # the reviewer's own part to someone else in every role layout.
    reviews_work_of: tuple[str, ...] = ()
    # The outside parties who do the control's work where the company relies on them (``performed_by:``, keys of
    # ``_facts_schema.OUTSIDE_PARTIES``, first applicable wins): the owner stays accountable, the party's hours
    # are contracted.
    performed_by: tuple[str, ...] = ()
    # The evidence items that record each of the control's runs (``record:``), when it cites more than one item
    # that counts runs: the evidence plan counts its runs in these alone (rule KIT005). A recurring control names
    # one; a continuous control names the configuration exports of each system its setting spans, taken on the
    # same dates, so that together they are one snapshot per sampled date.
    record: tuple[str, ...] = ()

    def carriers(self) -> tuple[str, ...]:
        """Return every policy that carries the control: its home policy first."""
        return (self.policy, *self.carried_by)


@dataclass(frozen=True)
class EvidenceItem:
    """An artefact an auditor requests."""

    id: str
    item: str
    detail: str
    kind: str
    owner_role: str
    criteria: tuple[str, ...]
    policies: tuple[str, ...]
    type1: bool
    # What the artefact is for a company of another work model (``detail_remote:`` and so on).
    details: tuple[tuple[str, str], ...] = ()

    def detail_for(self, work_model: str) -> str:
        """Return the detail as it reads for a remote, hybrid or office company."""
        return dict(self.details).get(work_model, self.detail)


@dataclass(frozen=True)
class ChecklistItem:
    """One bullet of the audit-readiness checklist."""

    key: str
    area: str
    area_title: str
    text: str
    # A template printed under the item where the company's facts answer it otherwise (``notes:``).
    note: str = ""


@dataclass(frozen=True)
class Catalog:
    """Every catalog of the library, cross-checked."""

    criteria: dict[str, Criterion]
    controls: dict[str, Control]
    evidence: dict[str, EvidenceItem]
    checklist: dict[str, ChecklistItem]
    providers: dict[str, dict[str, str]]
    # Regions, residency areas and service capabilities (catalog/regions.yaml, services.yaml).
    places: PlaceData
    # Statutory timelines with their sources (catalog/regulations.yaml).
    regulations: dict[str, dict[str, Any]]
    commitments: CommitmentCatalog = field(default_factory=lambda: CommitmentCatalog("", {}))

    def controls_for(self, policy_id: str) -> list[Control]:
        """Return the controls a policy carries (those it states and those it shares), in id order."""
        return sorted((c for c in self.controls.values() if policy_id in c.carriers()), key=lambda c: c.id)

# libyaml's SafeLoader (same safe subset, same error marks) reads the library's 30 catalog files
# about ten times faster than the pure-Python one; every command and every site build loads them.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_catalog_yaml(path: Path, missing_fix: str | None = None) -> tuple[Any, str]:
    """Read one library catalog file as (data, text); a missing file or bad YAML is a TemplateError.

    ``missing_fix`` says what to add when the file is absent; without it a missing file is an OSError,
    as for the catalogs every library has. The text comes back so callers can point at a key's line.
    """
    try:
        text = path.read_text(encoding="utf-8")
        return yaml.load(text, Loader=_SAFE_LOADER), text  # noqa: S506 - the C build of SafeLoader
    except FileNotFoundError:
        if missing_fix is None:
            raise
        raise TemplateError([Problem(str(path), "not found", missing_fix)]) from None
    except yaml.YAMLError as exc:
        raise TemplateError([yaml_problem(exc, str(path))]) from None


_ID_PARTS = re.compile(r"^(.*?)(\d+)$")


def id_order(ident: str) -> tuple[str, int, str]:
    """Return a sort key that orders ids by their number as a number: EV-99 before EV-100, not after EV-10.

    Text order put EV-100 between EV-10 and EV-13 once the catalog passed 99 items.
    """
    found = _ID_PARTS.match(ident)
    return (found.group(1), int(found.group(2)), ident) if found else (ident, -1, ident)


def line_of(text: str, needle: str) -> int | None:
    """Return the 1-based line of the first ``needle`` in a catalog file's text, or None."""
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else None


def _load_criteria(path: Path) -> dict[str, Criterion]:
    data, _ = read_catalog_yaml(path)
    return {
        c["id"]: Criterion(c["id"], c["category"], c["series"], c["title"], c["summary"])
        for c in data["criteria"]
    }


def _load_evidence(path: Path) -> dict[str, EvidenceItem]:
    data, _ = read_catalog_yaml(path)
    return {
        e["id"]: EvidenceItem(e["id"], e["item"], e["detail"], e["kind"], e["owner_role"],
                              tuple(e["tsc"]), tuple(e["policy"]), bool(e["type1"]),
                              tuple((model, e[f"detail_{model}"]) for model in ("remote", "hybrid", "office")
                                    if f"detail_{model}" in e))
        for e in data["evidence"]
    }


def _load_checklist(path: Path) -> dict[str, ChecklistItem]:
    data, _ = read_catalog_yaml(path)
    items: dict[str, ChecklistItem] = {}
    for area, body in data["areas"].items():
        notes = body.get("notes") or {}
        for key, text in body["items"].items():
            items[f"{area}.{key}"] = ChecklistItem(f"{area}.{key}", area, body["title"], text,
                                                   str(notes.get(key, "")).strip())
    return items


def _frequency(raw: dict[str, Any], commitments: CommitmentCatalog,
               bad: Callable[[str, str], None]) -> tuple[str | None, tuple[str, ...]]:
    """Return (frequency, cadence names) of a control: a literal frequency, or one derived from commitments.

    ``cadence:`` names one commitment, or a list of them when the statement runs two reviews (user
    access every quarter, privileged access every month): the control runs at the most frequent.
    """
    if ("frequency" in raw) == ("cadence" in raw):
        bad("needs either frequency: or cadence:, not both", "write cadence: NAME of a commitment whose value "
            "the statement prints, or a literal frequency: for a control without one")
        return None, ()
    if "frequency" in raw:
        if raw["frequency"] not in FREQUENCIES:
            bad(f"frequency {raw['frequency']!r} is unknown", f"choose from {', '.join(FREQUENCIES)}")
            return None, ()
        return str(raw["frequency"]), ()
    names = raw["cadence"] if isinstance(raw["cadence"], list) and raw["cadence"] else [raw["cadence"]]
    frequencies: list[str] = []
    for name in names:
        entry = commitments.entries.get(name) if isinstance(name, str) else None
        if entry is None:
            bad(f"cadence {name!r} is not a named commitment",
                f"{commitments.suggest(str(name))} (catalog/commitments.yaml)")
            return None, ()
        if entry.kind != "cadence" or entry.unit not in TIME_UNITS:
            bad(f"cadence {name!r} is a {entry.kind}, not a cadence", "name a commitment of kind cadence")
            return None, ()
        frequencies.append(frequency_for(entry.value, entry.unit))
    return most_frequent(frequencies), tuple(names)


def _rule_cadence(raw: dict[str, Any], regulations: dict[str, Any],
                  bad: Callable[[str, str], None]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """Return (library frequency, (role, rule) pairs) of a control whose cadence is a statutory one.

    PCI DSS asks a service provider for some duties twice as often as a merchant (segmentation tests
    11.4.5 and 11.4.6): the rule the statement prints for the company's role sets its frequency, and the
    library's own frequency is the most frequent of them.
    """
    spec = raw["rule_cadence"]
    pairs = tuple(spec.items()) if isinstance(spec, dict) else (("any", spec),)
    for role, name in pairs:
        months = (regulations.get(name) or {}).get("months") if isinstance(name, str) else None
        if role not in RULE_ROLES or not isinstance(months, int) or isinstance(months, bool):
            bad(f"rule_cadence {role}: {name!r} is not a role's rule with months in catalog/regulations.yaml",
                f"write rule_cadence: NAME or {{service_provider: NAME, merchant: NAME}}, each a regulation "
                f"with months:; roles are {', '.join(RULE_ROLES)}")
            return None, ()
    frequencies = [frequency_for(regulations[name]["months"], "month") for _, name in pairs]
    return most_frequent(frequencies), tuple((str(role), str(name)) for role, name in pairs)


def most_frequent(frequencies: list[str]) -> str:
    """Return the most frequent of control frequencies (``monthly`` of monthly and quarterly)."""
    return min(frequencies, key=FREQUENCIES.index)


def _trigger_problem(raw: dict[str, Any], frequency: str | None, triggers: frozenset[str]) -> tuple[str, str] | None:
    """Return (message, fix) when a control's ``trigger:`` is missing, unknown or on a scheduled control."""
    trigger = raw.get("trigger")
    if frequency == "per-event" and trigger is None:
        return ("is per-event but names no trigger",
                f"add trigger: KIND, what sets it off, from catalog/effort.yaml: {', '.join(sorted(triggers))}")
    if trigger is not None and frequency != "per-event":
        return (f"trigger {trigger!r} is set on a {frequency} control", "remove trigger: (only per-event controls "
                "have one; a scheduled control runs at its frequency)")
    if trigger is not None and trigger not in triggers:
        return (f"trigger {trigger!r} is not a trigger kind of catalog/effort.yaml",
                f"choose from {', '.join(sorted(triggers))}, or add the kind with its rate and basis")
    return None


def _load_controls(folder: Path, criteria: dict[str, Criterion], evidence: dict[str, EvidenceItem],
                   checklist: dict[str, ChecklistItem], commitments: CommitmentCatalog,
                   triggers: frozenset[str], regulations: dict[str, Any]) -> tuple[dict[str, Control], list[Problem]]:
    controls: dict[str, Control] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.yaml")):
        data, text = read_catalog_yaml(path)
        where = str(path)
        if not isinstance(data, dict) or not isinstance(data.get("controls"), list) or "policy" not in data:
            problems.append(Problem(where, "must hold `policy:` and a `controls:` list", "see AUTHORING.md"))
            continue
        for raw in data["controls"]:
            cid = raw.get("id", "?") if isinstance(raw, dict) else "?"
            line = line_of(text, f"id: {cid}")

            before = len(problems)

            def bad(message: str, fix: str, cid: str = cid, line: int | None = line, where: str = where) -> None:
                problems.append(Problem(where, f"control {cid}: {message}", fix, line))

            needed = ("id", "statement", "owner", "criteria", "section", "evidence", "checklist")
            if not isinstance(raw, dict) or any(k not in raw for k in needed):
                bad(f"needs {', '.join(needed)}", "add the missing keys")
                continue
            if not _CONTROL_ID.match(str(cid)):
                bad("id is not like ACC-01", "use 2-4 capital letters, a hyphen and two digits")
            if cid in controls:
                bad("id is used twice", "give each control its own id")
            if raw["owner"] not in ROLE_TITLES:
                bad(f"owner {raw['owner']!r} is not a role", f"choose from {', '.join(ROLE_TITLES)}")
            rules: tuple[tuple[str, str], ...] = ()
            cadences: tuple[str, ...] = ()
            if "rule_cadence" in raw:
                if "frequency" in raw or "cadence" in raw:
                    bad("rule_cadence: is set with frequency: or cadence:", "keep one of them")
                frequency, rules = _rule_cadence(raw, regulations, bad)
            else:
                frequency, cadences = _frequency(raw, commitments, bad)
            if raw.get("when") not in (None, *WHEN):
                bad(f"when {raw['when']!r} is not a condition",
                    "choose from " + ", ".join(f"{key} ({meaning})" for key, meaning in WHEN.items()))
            for crit in raw["criteria"]:
                if crit not in criteria:
                    bad(f"criterion {crit!r} does not exist", "use an id from catalog/criteria.yaml")
            for ev in raw["evidence"]:
                if ev not in evidence:
                    bad(f"evidence {ev!r} does not exist", "use an id from catalog/evidence.yaml")
            for item in raw["checklist"]:
                if item not in checklist:
                    bad(f"checklist item {item!r} does not exist", "use a key from catalog/checklist.yaml")
            if not raw["criteria"]:
                bad("addresses no criteria", "list the criteria this control meets")
            carried_by = raw.get("carried_by", [])
            if not isinstance(carried_by, list) or not all(isinstance(p, str) for p in carried_by) \
                    or data["policy"] in carried_by:
                bad(f"carried_by {carried_by!r} is not a list of other policies' ids",
                    "write carried_by: [POL-NN] with the ids of the other policies that rely on this control")
            if raw.get("frequency_small") not in (None, *FREQUENCIES):
                bad(f"frequency_small {raw['frequency_small']!r} is unknown", f"choose from {', '.join(FREQUENCIES)}")
            if raw.get("owner_small") not in (None, *ROLE_TITLES):
                bad(f"owner_small {raw['owner_small']!r} is not a role", f"choose from {', '.join(ROLE_TITLES)}")
            merge = raw.get("lean_merge")
            if merge is not None and (not isinstance(merge, str) or not _CONTROL_ID.match(merge) or merge == cid):
                bad(f"lean_merge {merge!r} is not another control's id",
                    "write lean_merge: HOST-NN, the control a small company runs this one with")
            reviewed = raw.get("reviews_work_of", [])
            if not isinstance(reviewed, list) or any(role not in (*ROLE_TITLES, "anyone") for role in reviewed):
                bad(f"reviews_work_of {reviewed!r} is not a list of roles",
                    f"list role keys ({', '.join(ROLE_TITLES)}) or anyone")
            performed = raw.get("performed_by", [])
            if not isinstance(performed, list) or any(party not in PARTY_KEYS for party in performed):
                bad(f"performed_by {performed!r} is not a list of outside parties",
                    f"list party keys ({', '.join(PARTY_KEYS)})")
            record = raw.get("record", [])
            if not isinstance(record, list) or not all(isinstance(e, str) and e in raw["evidence"] for e in record) \
                    or (len(record) > 1 and frequency != "continuous"):
                bad(f"record {record!r} is not the item (items, for a continuous control) of its evidence: list that "
                    "records each run", "write record: [EV-NN], an item the control's evidence: lists; only a "
                    "continuous control lists one export per system")
            trigger_problem = _trigger_problem(raw, frequency, triggers) if frequency is not None else None
            if trigger_problem is not None:
                bad(*trigger_problem)
            if len(problems) > before:
                continue
            assert frequency is not None
            controls[cid] = Control(
                id=cid, statement=str(raw["statement"]).strip(), owner=raw["owner"], frequency=frequency,
                criteria=tuple(raw["criteria"]), policy=data["policy"], section=raw["section"],
                evidence=tuple(raw["evidence"]), checklist=tuple(raw["checklist"]), source=where,
                cadence=cadences[0] if cadences else None, also=cadences[1:],
                frequency_small=raw.get("frequency_small"), carried_by=tuple(carried_by),
                merged_into=raw.get("lean_merge"), owner_small=raw.get("owner_small"), trigger=raw.get("trigger"),
                when=raw.get("when"), rule_cadence=rules,
                reviews_work_of=tuple(ROLE_TITLES if "anyone" in reviewed else reviewed),
                performed_by=tuple(performed), record=tuple(record),
            )
    for control in controls.values():
        host = controls.get(control.merged_into or "")
        if control.merged_into and (host is None or host.merged_into):
            where = control.source
            problems.append(Problem(where, f"control {control.id}: lean_merge {control.merged_into} is not a control "
                                    "that stands on its own", "merge into a control of the library that is not "
                                    "itself merged into another", line_of(Path(where).read_text("utf-8"),
                                                                          f"id: {control.id}")))
    return controls, problems


def _numbers(entry: Any, keys: tuple[str, ...]) -> bool:
    """Return whether an effort.yaml entry is a mapping of the keys to non-negative numbers."""
    return isinstance(entry, dict) and all(
        isinstance(entry.get(key), (int, float)) and not isinstance(entry.get(key), bool) and entry[key] >= 0
        for key in keys)


def _effort_problems(path: Path, effort: Any, text: str, controls: dict[str, Control]) -> list[Problem]:
    """Return what makes effort.yaml unable to cost controls: a rate not a number, a population of no schedule.

    An owner's load is computed from these numbers, so a wrong one would give a wrong estimate silently.
    (That every kind is named by a control and every population id is one of the library's is checked
    against the whole library in tests/program/test_effort_model.py: a test's miniature library has few.)
    """
    where = str(path)
    triggers = effort.get("triggers") if isinstance(effort, dict) else None
    population = effort.get("population") if isinstance(effort, dict) else None
    if not isinstance(triggers, dict) or not isinstance(population, dict):
        return [Problem(where, "needs a `triggers:` and a `population:` mapping", "see the comments in effort.yaml")]
    problems: list[Problem] = []
    for name, rate in triggers.items():
        line = line_of(text, f"\n  {name}:")
        if not _numbers(rate, ("per_person", "floor", "hours")):
            problems.append(Problem(where, f"trigger {name}: needs per_person, floor and hours as numbers of 0 or more",
                                    f"write {name}: {{per_person: 0.1, floor: 1, hours: 0.5}}", line and line + 1))
    for cid, entry in population.items():
        line = line_of(text, f"\n  {cid}:")
        control = controls.get(cid)
        if control is not None and control.frequency in ("per-event", "continuous"):
            problems.append(Problem(where, f"population {cid} is not a scheduled control of the library",
                                    "name a control that runs at a frequency and goes through every person",
                                    line and line + 1))
        elif not _numbers(entry, ("setup", "minutes_per_person")):
            problems.append(Problem(where, f"population {cid}: needs setup and minutes_per_person as numbers of 0 "
                                    "or more", f"write {cid}: {{setup: 0.5, minutes_per_person: 1}}",
                                    line and line + 1))
    return problems


def load_catalog(library: Path) -> tuple[Catalog, list[Problem]]:
    """Load and cross-check every catalog; return it with the problems of controls left out."""
    folder = library / "catalog"
    criteria = _load_criteria(folder / "criteria.yaml")
    evidence = _load_evidence(folder / "evidence.yaml")
    checklist = _load_checklist(folder / "checklist.yaml")
    commitments, problems = load_commitments(library)
    effort, effort_text = read_catalog_yaml(folder / "effort.yaml")
    triggers = frozenset(effort.get("triggers") or {}) if isinstance(effort, dict) else frozenset()
    regulations, _ = read_catalog_yaml(folder / "regulations.yaml")
    controls, control_problems = _load_controls(library / "controls", criteria, evidence, checklist, commitments,
                                                triggers, regulations)
    control_problems += _effort_problems(folder / "effort.yaml", effort, effort_text, controls)
    providers, _ = read_catalog_yaml(folder / "providers.yaml")
    return Catalog(criteria, controls, evidence, checklist, providers, place_data(library), regulations,
                   commitments), problems + control_problems
