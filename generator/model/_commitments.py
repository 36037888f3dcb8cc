"""Named commitments: every number the program relies on, written once with its unit and source.

A deadline, cadence, retention period, threshold or recovery tier that more than one sentence
relies on is one entry of ``catalog/commitments.yaml``. Its value is the library's default, or the
company fact named by ``fact:``, or an override in the ``commitments:`` section of ``company.yml``.
Templates print it through ``{{ commit.NAME }}`` and controls take their frequency from it, so the
text, the control matrix, the evidence plan and the calendar read one value.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._errors import BadValue, Problem, TemplateError, yaml_problem
from ._english import english
from ._facts_schema import HEADCOUNT_BANDS, SPECS_BY_KEY
from ._yaml import compose_fast, load_fast

COMMITMENTS_FILE = "catalog/commitments.yaml"
KINDS: tuple[str, ...] = ("deadline", "cadence", "retention", "threshold", "tier", "count")
UNITS: tuple[str, ...] = (
    "minute", "hour", "business_day", "day", "week", "month", "year", "percent", "count",
)
TIME_UNITS: tuple[str, ...] = ("minute", "hour", "business_day", "day", "week", "month", "year")
# Kinds that measure time, and the units each kind may use.
_KIND_UNITS: dict[str, tuple[str, ...]] = {
    "deadline": TIME_UNITS,
    "cadence": TIME_UNITS,
    "retention": TIME_UNITS,
    "threshold": (*TIME_UNITS, "percent", "count"),
    "tier": (*TIME_UNITS, "count"),
    "count": ("count",),
}
# Length of a unit in hours, for comparing values across units (a business day is a working day of
# a 5-day week: 7/5 calendar days, so 5 business days is a week).
UNIT_HOURS: dict[str, float] = {
    "minute": 1 / 60, "hour": 1.0, "business_day": 24 * 7 / 5, "day": 24.0, "week": 24 * 7.0,
    "month": 24 * 365.25 / 12, "year": 24 * 365.25,
}
# Cadence words a company may write instead of a number (the access review cadence fact uses them).
CADENCE_WORDS: dict[str, tuple[int, str]] = {
    "daily": (1, "day"), "weekly": (1, "week"), "monthly": (1, "month"), "quarterly": (3, "month"),
    "semiannual": (6, "month"), "annual": (1, "year"), "yearly": (1, "year"),
}
# A control's frequency (catalog FREQUENCIES) from its cadence, in hours: the most frequent bucket
# the cadence reaches, so a fortnightly control is sampled as a weekly one.
_FREQUENCY_HOURS: tuple[tuple[str, float], ...] = (
    ("annual", 24 * 365.25), ("semiannual", 24 * 365.25 / 2), ("quarterly", 24 * 365.25 / 4),
    ("monthly", 24 * 365.25 / 12), ("weekly", 24 * 7.0), ("daily", 24.0),
)


def in_hours(value: float, unit: str) -> float | None:
    """Return ``value unit`` in hours, or None for a unit that is not time (percent, count)."""
    return value * UNIT_HOURS[unit] if unit in UNIT_HOURS else None


_NAME = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_FIELDS = ("title", "kind", "value", "unit", "fact", "source", "governs", "needed_by", "retention_of", "starts",
           "not_started_by", "of_run", "by_headcount")
# What a retention period keeps, for the retention rules: records outlive audit evidence, logs cover
# the observation window (``model._consistency.retention``).
RETENTION_OF: tuple[str, ...] = ("record", "log", "backup", "data")
_REQUIRED = ("title", "kind", "value", "unit", "source")


@dataclass(frozen=True)
class Commitment:
    """One catalog entry: what is committed, its default value and unit, and where it comes from."""

    name: str
    title: str
    kind: str
    value: float
    unit: str
    source: str
    fact: str | None = None
    governs: tuple[str, ...] = ()
    line: int | None = None
    # Commitments (recovery tiers) whose systems need this one's to run or recover.
    needed_by: tuple[str, ...] = ()
    retention_of: str | None = None
    # The one event a deadline runs from ("the company becomes aware of the breach"), and the words of
    # events that must never start it ("confirm"): a sentence printing the deadline "of confirming" is
    # a second clock (rule COM005).
    starts: str | None = None
    not_started_by: tuple[str, ...] = ()
    # A deadline that closes a periodic run's own record, counted from the run itself (the end of the
    # period it covers, or its meeting, test or due date): a periodic control may print it (rule CTL007).
    of_run: bool = False
    # The default for companies of some headcount bands, where the library's one default would not be true
    # of them (a yearly report to the adviser of a company of 1-20 people): (band, value) pairs.
    by_headcount: tuple[tuple[str, float], ...] = ()

    @property
    def hours(self) -> float | None:
        """Return the default in hours, or None for a unit that is not time."""
        return in_hours(self.value, self.unit)

    def default_for(self, band: str | None) -> float:
        """Return the library's default for a company of this headcount band (the size's own, else ``value``)."""
        return dict(self.by_headcount).get(band or "", self.value)


@dataclass(frozen=True)
class CommitmentValue:
    """A commitment as it holds for one company: the value in force and where it was set."""

    commitment: Commitment
    value: float
    origin: str

    @property
    def name(self) -> str:
        """Return the commitment's catalog name."""
        return self.commitment.name

    @property
    def unit(self) -> str:
        """Return the unit the value is written in."""
        return self.commitment.unit

    @property
    def hours(self) -> float | None:
        """Return the value in hours, or None for a unit that is not time."""
        return in_hours(self.value, self.unit)


@dataclass(frozen=True)
class CommitmentCatalog:
    """Every named commitment of a library, in file order."""

    path: str
    entries: dict[str, Commitment]

    def suggest(self, name: str) -> str:
        """Return 'did you mean X?' for a misspelt name, or a pointer to the catalog."""
        close = difflib.get_close_matches(name, list(self.entries), n=1, cutoff=0.6)
        return f"did you mean {close[0]}?" if close else f"use a name from {COMMITMENTS_FILE}"

    def by_fact(self) -> dict[str, Commitment]:
        """Return the entries that a company fact supplies, keyed by the fact's dotted path."""
        return {entry.fact: entry for entry in self.entries.values() if entry.fact}


def frequency_for(value: float, unit: str) -> str:
    """Return the control frequency (``weekly``, ``quarterly``...) a cadence of ``value unit`` runs at."""
    if unit == "business_day" and value <= 1:
        return "daily"
    hours = value * UNIT_HOURS[unit]
    if hours < 24:
        return "continuous"
    for frequency, limit in _FREQUENCY_HOURS:
        if hours >= limit * 0.99:
            return frequency
    return "daily"


def period_hours(frequency: str) -> float | None:
    """Return the length in hours of one period of a scheduled frequency (``quarterly``), or None."""
    return dict(_FREQUENCY_HOURS).get(frequency)


def number_text(value: float) -> str:
    """Write a number as people do: ``3``, ``99.9``, ``0.5``."""
    return f"{value:g}" if value != int(value) else str(int(value))


_UNIT_WORDS: dict[str, str] = {
    "minute": "minute", "hour": "hour", "business_day": "business day", "day": "day", "week": "week",
    "month": "month", "year": "year",
}


@functools.lru_cache(maxsize=256)
def unit_word(unit: str, count: float = 1) -> str:
    """Return the unit's word agreeing with ``count`` (plurals from the inflect library)."""
    word = _UNIT_WORDS[unit]
    if count == 1:
        return word
    head, _, last = word.rpartition(" ")
    plural = str(english().plural_noun(last))
    return f"{head} {plural}".strip()


def unit_phrase(value: float, unit: str) -> str:
    """Return ``value unit`` with the unit agreeing in number: ``1 hour``, ``3 business days``, ``75%``.

    Fractions of an hour read as minutes (``0.25`` hour is ``15 minutes``).
    """
    if unit == "percent":
        return f"{number_text(value)}%"
    if unit == "count":
        return number_text(value)
    if unit == "hour" and 0 < value < 1 and abs(value * 60 - round(value * 60)) < 1e-9:
        return unit_phrase(round(value * 60), "minute")
    if unit == "minute" and value >= 60 and value % 60 == 0:
        return unit_phrase(value // 60, "hour")
    return f"{number_text(value)} {unit_word(unit, value)}"


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    return float(raw)


def _fact_path_known(dotted: str) -> bool:
    return any(spec.dotted == dotted for spec in SPECS_BY_KEY.values())


def _key_lines(text: str) -> tuple[dict[str, int], list[tuple[str, int]]]:
    """Map each commitment name to the 1-based line of its key; also return names written twice."""
    lines: dict[str, int] = {}
    twice: list[tuple[str, int]] = []
    root = compose_fast(text)
    if not isinstance(root, yaml.MappingNode):
        return lines, twice
    for key, value in root.value:
        if key.value == "commitments" and isinstance(value, yaml.MappingNode):
            for name_node, _ in value.value:
                name, line = str(name_node.value), name_node.start_mark.line + 1
                if name in lines:
                    twice.append((name, line))
                else:
                    lines[name] = line
    return lines, twice


def _by_headcount(raw: Any, fact: Any, unit: str, bad: Callable[[str, str], None]) -> tuple[tuple[str, float], ...]:
    """Validate ``by_headcount:`` (band to default); report through ``bad`` and return the pairs in band order.

    A fact's value is the company's own answer, so a per-size default beside one would never be read.
    """
    if raw == {}:
        return ()
    if fact is not None:
        bad("by_headcount is set beside fact", "leave one: the fact supplies the company's value")
        return ()
    if not isinstance(raw, dict) or not raw:
        bad("by_headcount must map headcount bands to values", "write by_headcount: {\"1-20\": 12}")
        return ()
    pairs: list[tuple[str, float]] = []
    for band, number in raw.items():
        value = _number(number)
        if band not in HEADCOUNT_BANDS:
            bad(f"by_headcount band {band!r} is not a headcount band", f"choose from {', '.join(HEADCOUNT_BANDS)}")
        elif value is None or value <= 0 or (unit == "percent" and value > 100):
            bad(f"by_headcount value {number!r} for {band} is not a valid {unit}", "write a positive number")
        else:
            pairs.append((band, value))
    return tuple(sorted(pairs, key=lambda pair: HEADCOUNT_BANDS.index(pair[0])))


def parse_commitments(text: str, where: str) -> tuple[CommitmentCatalog, list[Problem]]:
    """Parse and validate the commitment catalog; return it with every problem found."""
    try:
        data = load_fast(text)
        lines, twice = _key_lines(text)
    except yaml.YAMLError as exc:
        raise TemplateError([yaml_problem(exc, where)]) from None
    entries = data.get("commitments") if isinstance(data, dict) else None
    if not isinstance(entries, dict):
        raise TemplateError([Problem(where, "must hold a `commitments:` mapping of name to entry",
                                     "see policy_templates/AUTHORING.md, section Commitments")])
    # YAML keeps the last of two equal keys without a word; a second entry is a second value.
    problems: list[Problem] = [
        Problem(where, f"commitment {name} is written twice (first on line {lines[name]})",
                "keep one entry: one name, one value", line) for name, line in twice]
    found: dict[str, Commitment] = {}
    for name, raw in entries.items():
        line = lines.get(str(name))

        def bad(message: str, fix: str, name: object = name, line: int | None = line) -> None:
            problems.append(Problem(where, f"commitment {name}: {message}", fix, line))

        if not isinstance(name, str) or not _NAME.match(name):
            bad("name is not snake_case", "use lower-case words joined by underscores, e.g. incident_report_staff")
            continue
        if not isinstance(raw, dict):
            bad("is not a mapping", f"give it {', '.join(_REQUIRED)}")
            continue
        missing = [key for key in _REQUIRED if key not in raw]
        if missing:
            bad(f"lacks {', '.join(missing)}", f"add {', '.join(missing)} (see AUTHORING.md)")
            continue
        unknown = [key for key in raw if key not in _FIELDS]
        if unknown:
            bad(f"unknown field {unknown[0]!r}", f"use only {', '.join(_FIELDS)}")
            continue
        kind, unit, fact = raw["kind"], raw["unit"], raw.get("fact")
        value = _number(raw["value"])
        before = len(problems)
        if kind not in KINDS:
            bad(f"kind {kind!r} is unknown", f"choose from {', '.join(KINDS)}")
        elif unit not in _KIND_UNITS[kind]:
            bad(f"unit {unit!r} does not fit kind {kind}", f"choose from {', '.join(_KIND_UNITS[kind])}")
        if unit not in UNITS:
            bad(f"unit {unit!r} is unknown", f"choose from {', '.join(UNITS)}")
        if value is None or value <= 0:
            bad(f"value {raw['value']!r} is not a positive number", "write a number without quotes or units")
        elif unit == "percent" and value > 100:
            bad(f"value {value:g} is over 100 percent", "write a percentage from 0 to 100")
        for key in ("title", "source"):
            if not isinstance(raw[key], str) or not raw[key].strip():
                bad(f"{key} is empty", f"write the {key} in a sentence")
        if fact is not None and (not isinstance(fact, str) or not _fact_path_known(fact)):
            bad(f"fact {fact!r} is not a company fact", "use a dotted path from company.yml such as "
                "commitments.rto_hours, or leave fact out")
        governs = raw.get("governs", [])
        if not isinstance(governs, list) or not all(isinstance(g, str) and g.strip() for g in governs):
            bad("governs must be a list of phrases", "write governs: [\"reports a suspected incident\"]")
            governs = []
        needed_by = raw.get("needed_by", [])
        if not isinstance(needed_by, list) or not all(isinstance(n, str) for n in needed_by):
            bad("needed_by must be a list of commitment names", "write needed_by: [rto_hours]")
            needed_by = []
        retention_of = raw.get("retention_of")
        if retention_of is not None and (kind != "retention" or retention_of not in RETENTION_OF):
            bad(f"retention_of {retention_of!r} is not valid here",
                f"use it on a retention with one of {', '.join(RETENTION_OF)}")
        starts, not_started_by = raw.get("starts"), raw.get("not_started_by", [])
        if starts is not None and (kind != "deadline" or not isinstance(starts, str) or not starts.strip()):
            bad("starts is only for a deadline, as a phrase", "write starts: \"the company becomes aware\"")
        if not isinstance(not_started_by, list) or not all(isinstance(w, str) and w.strip() for w in not_started_by) \
                or (not_started_by and starts is None):
            bad("not_started_by must be a list of words beside starts", "write not_started_by: [confirm, discover]")
            not_started_by = []
        of_run = raw.get("of_run", False)
        if not isinstance(of_run, bool) or (of_run and kind != "deadline"):
            bad("of_run is only for a deadline, as true or false", "write of_run: true on a deadline counted from "
                "the periodic run it closes, or leave it out")
            of_run = False
        by_headcount = _by_headcount(raw.get("by_headcount", {}), fact, unit, bad)
        if len(problems) > before:
            continue
        assert value is not None
        found[name] = Commitment(name, raw["title"].strip(), kind, value, unit, raw["source"].strip(), fact,
                                 tuple(g.strip() for g in governs), line, tuple(needed_by), retention_of,
                                 starts.strip() if isinstance(starts, str) else None,
                                 tuple(w.strip().lower() for w in not_started_by), of_run, by_headcount)
    for entry in found.values():
        for other in entry.needed_by:
            if other not in found:
                close = difflib.get_close_matches(other, list(found), n=1, cutoff=0.6)
                problems.append(Problem(where, f"commitment {entry.name}: needed_by names {other!r}, which is not "
                                        "a commitment", f"did you mean {close[0]}?" if close else
                                        "name a commitment of this catalog", entry.line))
            elif found[other].unit not in UNIT_HOURS or entry.unit not in UNIT_HOURS:
                problems.append(Problem(where, f"commitment {entry.name}: needed_by {other} compares values "
                                        "that are not times", "list only recovery times", entry.line))
    return CommitmentCatalog(where, found), problems


def load_commitments(library: Path) -> tuple[CommitmentCatalog, list[Problem]]:
    """Read ``catalog/commitments.yaml`` of a library (an empty catalog when the file is absent)."""
    path = library / COMMITMENTS_FILE
    if not path.is_file():
        return CommitmentCatalog(str(path), {}), []
    return parse_commitments(path.read_text(encoding="utf-8"), str(path))


@functools.lru_cache(maxsize=16)
def _cached(path: str, mtime: float) -> CommitmentCatalog:
    catalog, problems = load_commitments(Path(path))
    if problems:
        raise TemplateError(problems)
    return catalog


def commitments_of(library: Path) -> CommitmentCatalog:
    """Return a library's commitment catalog, read once per change of the file."""
    path = library / COMMITMENTS_FILE
    mtime = path.stat().st_mtime if path.is_file() else 0.0
    return _cached(str(library), mtime)


def fact_value(commitment: Commitment, raw: Any) -> float | None:
    """Turn a company fact's value into the commitment's number (a cadence word into its months)."""
    number = _number(raw)
    if number is not None:
        return number
    if isinstance(raw, str) and raw.lower() in CADENCE_WORDS:
        count, unit = CADENCE_WORDS[raw.lower()]
        if commitment.unit in UNIT_HOURS:
            return count * UNIT_HOURS[unit] / UNIT_HOURS[commitment.unit]
    return None


def override_value(commitment: Commitment, raw: Any) -> float:
    """Validate a company override; raise ``BadValue`` when it cannot be used."""
    number = fact_value(commitment, raw) if commitment.kind == "cadence" else _number(raw)
    unit = commitment.unit.replace("_", " ")
    if number is None:
        words = " or a cadence word (monthly, quarterly...)" if commitment.kind == "cadence" else ""
        raise BadValue(f"{raw!r} is not a number", f"write a number of {unit}s without quotes{words}")
    if number <= 0:
        raise BadValue(f"{number:g} is not positive", f"write a number of {unit}s above 0")
    if commitment.unit == "percent" and number > 100:
        raise BadValue(f"{number:g} is over 100 percent", "write a percentage from 0 to 100")
    return number


def resolve(catalog: CommitmentCatalog, facts_data: Mapping[str, Any]) -> dict[str, CommitmentValue]:
    """Return every commitment's value for a company: its fact, its override, or the default for its size.

    ``facts_data`` is the validated, nested ``company.yml``; overrides of catalog names sit in its
    ``commitments:`` section beside facts such as ``rto_hours``.
    """
    section: Mapping[str, Any] = facts_data.get("commitments") or {}
    shape: Any = facts_data.get("shape")
    band = shape.get("headcount_band") if isinstance(shape, Mapping) else None
    values: dict[str, CommitmentValue] = {}
    for name, entry in catalog.entries.items():
        value, origin = entry.default_for(band if isinstance(band, str) else None), "library default"
        if entry.fact:
            node: Any = facts_data
            for part in entry.fact.split("."):
                node = node.get(part) if isinstance(node, Mapping) else None
            number = fact_value(entry, node)
            if number is not None:
                value, origin = number, entry.fact
        elif name in section:
            number = fact_value(entry, section[name])
            if number is not None:
                value, origin = number, f"commitments.{name}"
        values[name] = CommitmentValue(entry, value, origin)
    return values
