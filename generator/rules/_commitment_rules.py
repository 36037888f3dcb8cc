"""Rules over named commitments: one value each, and values that do not contradict each other."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .._errors import Problem
from ..model._commitments import UNIT_HOURS, Commitment, unit_phrase
from ..model._consistency import AUDIT_CYCLE, UPTIME, audit_gap_months, downtime_allowance_hours, value_findings
from ._base import RuleInput, strip_jinja
from ._control_rules import CADENCE_WORD

_NUMBER_WORDS = r"an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
# A unit of time as prose writes it, abbreviations included ("24 h", "24h", "30 mins"): a literal typed in
# shorthand shadows a commitment as surely as one spelled out.
_TIME_UNIT = r"(?:business |working )?(?:minute|hour|day|week|month|year)s?|hrs?|h|mins?"
DURATION = re.compile(
    rf"\b(\d+(?:\.\d+)?|(?:{_NUMBER_WORDS})(?=[\s-]))[\s-]*({_TIME_UNIT})\b", re.IGNORECASE)
PERCENT = re.compile(r"\b\d+(?:\.\d+)?\s*(?:%|percent\b)")
# A typed count ("samples 5 closed alerts"): a whole number that is no section number, time or percentage.
COUNT = re.compile(
    r"(?<![\w.])(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?![\w.]|[\s-]*(?:%|percent\b|"
    rf"(?:{_TIME_UNIT})\b))", re.IGNORECASE)
_ABBREVIATIONS = {"h": "hour", "hr": "hour", "min": "minute"}
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|\n\s*\n")
RTO = "rto_hours"


def _sentences(body: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, text) for each sentence of a template body, Jinja left in place."""
    start = 0
    for match in _SENTENCE_END.finditer(body):
        yield start, body[start:match.start()]
        start = match.end()
    yield start, body[start:]


def shadowed_commitments(view: RuleInput) -> Iterator[Problem]:
    """A sentence or control statement about a commitment's duty that types its own number instead of printing it.

    A control restates its policy's duty, so a number retyped there drifts from the policy as surely as one
    retyped in another policy.
    """
    entries = [e for e in view.program.library.catalog.commitments.entries.values() if e.governs]
    for source in view.sources.values():
        yield from _shadows_in(source.body, source.where, source.line_of, entries, view)
    for control in view.controls():
        where, line = view.control_location(control)
        yield from _shadows_in(control.statement, where, _at(line), entries, view)


def _at(line: int | None) -> Callable[[int], int | None]:
    """Return a locator that puts every offset of a control statement on the control's line."""
    return lambda _offset: line


# How far (in words) a typed number may stand from a duty's phrase and still be that duty's number.
NEAR_WORDS = 8
# What ends the clause a phrase governs.
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:and|or|but|while|which|where|then|who)\b")


def _phrase_spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Return where a governs phrase stands in a sentence, as whole words ("report" never matches "reporter")."""
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return [m.span() for m in re.finditer(rf"(?<![\w-]){words}(?![\w-])", text, re.IGNORECASE)]


def governed_numbers(sentence: str, phrases: tuple[str, ...], pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """Return the typed numbers of a sentence that belong to a duty named by one of its phrases.

    A phrase governs the number nearest to it on each side, in the same clause and within
    ``NEAR_WORDS`` words: "acknowledged within 5 business days and resolved within 30 days" gives
    the 30 days to another duty, and a sentence that names the duty only in passing ("the status page
    shows incident history for the last 90 days") types a number the duty does not own.
    """
    numbers = list(pattern.finditer(sentence))
    found: dict[int, re.Match[str]] = {}
    for start, end in (span for phrase in phrases for span in _phrase_spans(sentence, phrase)):
        after = [m for m in numbers if m.start() >= end][:1]
        before = [m for m in numbers if m.end() <= start][-1:]
        for match in after + before:
            between = sentence[end:match.start()] if match.start() >= end else sentence[match.end():start]
            if len(between.split()) <= NEAR_WORDS and not _CLAUSE_END.search(between):
                found[match.start()] = match
    return [found[key] for key in sorted(found)]


def _shadows_in(body: str, where: str, line_of: Callable[[int], int | None], entries: list,  # type: ignore[type-arg]
                view: RuleInput) -> Iterator[Problem]:
    for offset, raw in _sentences(body):
        plain = strip_jinja(raw)
        for entry in entries:
            if f"commit.{entry.name}" in raw or (entry.fact and entry.fact in raw):
                continue
            for match in _distinct(m for pattern in _literal_patterns(entry)
                                   for m in governed_numbers(plain, entry.governs, pattern)):
                value = view.program.commitments[entry.name]
                yield Problem(
                    where,
                    f"'{' '.join(match.group(0).split())}' in a sentence about the {entry.title} retypes the "
                    f"commitment {entry.name} ({unit_phrase(value.value, value.unit)})",
                    _shadow_fix(entry),
                    line_of(offset + match.start()),
                )


def _distinct(matches: Iterable[re.Match[str]]) -> list[re.Match[str]]:
    """Return the matches that overlap no earlier one: "every 6 months" is one literal, not a cadence and a time."""
    kept: list[re.Match[str]] = []
    for match in matches:
        if all(match.end() <= other.start() or match.start() >= other.end() for other in kept):
            kept.append(match)
    return kept


def _literal_patterns(entry: Commitment) -> tuple[re.Pattern[str], ...]:
    """Return how a commitment's value can be typed by hand: a percentage, a count, a time, or a cadence word.

    A cadence is also retyped by a word ("every quarter", "monthly") that names its period without a number.
    """
    if entry.unit == "percent":
        return (PERCENT,)
    if entry.unit == "count":
        return (COUNT,)
    if entry.unit in UNIT_HOURS:
        return (DURATION, CADENCE_WORD) if entry.kind == "cadence" else (DURATION,)
    return ()


def _shadow_fix(entry: Commitment) -> str:
    """Name the printed form that fits the commitment first: a cadence reads "every N", a deadline "within N"."""
    first, other = ("every", "within") if entry.kind == "cadence" else ("within", "every")
    return (f"print it with {{{{ commit.{entry.name}.{first} }}}} (or .{other}, or {{{{ commit.{entry.name} }}}})"
            " so one value governs the duty")


def contradicting_values(view: RuleInput) -> Iterator[Problem]:
    """Recovery point, recovery tiers and retention periods that cannot all hold at once."""
    values = view.program.commitments
    for finding in value_findings(values, view.program.facts.audit.observation_months):
        # In a company repository point at the value the company chose; in the library, at the entry
        # that states the relation (the tier that is needed, the record class that is too short).
        chosen = [n for n in finding.names if values[n].origin != "library default"] if view.company_file else []
        where, line = view.commitment_location((chosen or list(finding.names))[0])
        yield Problem(where, finding.message, finding.fix, line)


def availability_gap_stated(view: RuleInput) -> Iterator[Problem]:
    """When the RTO is longer than the downtime the availability commitment allows, the text says so."""
    values = view.program.commitments
    allowance = downtime_allowance_hours(values)
    rto = values.get(RTO)
    if allowance is None or rto is None or rto.hours is None or rto.hours <= allowance:
        return
    if any(f"commit.{UPTIME}.downtime" in source.body for source in view.sources.values()):
        return
    where, line = view.commitment_location(RTO)
    yield Problem(
        where,
        f"the RTO of {unit_phrase(rto.value, rto.unit)} is longer than the downtime the "
        f"{unit_phrase(values[UPTIME].value, 'percent')} availability commitment allows in a month, and no policy "
        "states the gap",
        f"state it where the RTO is stated: print {{{{ commit.{UPTIME}.downtime }}}} beside {{{{ commit.{RTO} }}}} "
        "and say which commitment a disaster breaks",
        line,
    )


_NO_GAP = re.compile(r"\b(no gap|without (?:a |any )?gap|gap-free|gapless)\b", re.IGNORECASE)
_BRIDGE = re.compile(r"\bbridge letter\b", re.IGNORECASE)


def audit_windows_abut(view: RuleInput) -> Iterator[Problem]:
    """Consecutive observation windows leave no gap, or the text says how the gap is bridged."""
    gap = audit_gap_months(view.program.commitments, view.program.facts.audit)
    if gap == 0:
        return
    months = view.program.facts.audit.observation_months
    cycle = unit_phrase(view.program.commitments[AUDIT_CYCLE].value, "month")
    bridged = False
    for source in view.sources.values():
        rendered = view.rendered.get(source.policy_id, "")
        bridged = bridged or bool(_BRIDGE.search(rendered))
        for number, sentence in view.sentences(source.policy_id):
            match = _NO_GAP.search(sentence)
            if match and not _BRIDGE.search(sentence):
                line = source.find_line(match.group(0)) or source.locate(number, sentence)
                yield Problem(source.where, f"says '{match.group(0)}', but a {months}-month window in a cycle of "
                              f"{cycle} leaves {gap} months between windows",
                              "say how those months are covered (a bridge letter) instead of claiming no gap", line)
    if not bridged:
        where, line = view.commitment_location(AUDIT_CYCLE)
        yield Problem(where, f"observation windows of {months} months in a cycle of {cycle} leave {gap} months "
                      "uncovered and no policy says how they are bridged",
                      "state the bridge (a bridge letter covering the months between windows) where the audit "
                      "cycle is stated, or set audit.observation_months to 12", line)


# A duty timed by an event instead of a period ("before starting work", "at hire"): in a sentence about a
# duty whose deadline is a named commitment, it is a second deadline that contradicts the named one.
EVENT_TIMING = re.compile(
    r"\b(?:before (?:starting|joining|their (?:first day|start date|account)|the (?:first day|start date|account)"
    r"|(?:their|the|an?) [\w-]+ account is activated|access is granted)|prior to (?:starting|joining|their start)"
    r"|at hire|upon (?:hire|joining)|on (?:their|the) first day"
    # "reports suspected incidents at once" beside a one-hour reporting deadline (issue #12, auditor read A20)
    r"|at once|immediately)\b", re.IGNORECASE)
_WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def duration_hours(match: re.Match[str]) -> float:
    """Return the length of a DURATION match in hours ("3 business days" is 3 working days)."""
    raw, unit = match.group(1).lower(), match.group(2).lower()
    number = float(_WORD_NUMBERS.get(raw, 0) or raw)
    unit = unit.rstrip("s").replace("working ", "business ").replace(" ", "_")
    unit = _ABBREVIATIONS.get(unit, unit)
    return number * UNIT_HOURS[unit]


def deadlines_agree(view: RuleInput) -> Iterator[Problem]:
    """Every sentence and control statement about a duty with a named deadline states that deadline, not another.

    Read in the rendered program, so a control statement or a company's own edit that times the duty
    otherwise ("before starting work", "within 14 days" against a 30-day commitment) is caught even
    when no number is typed in the template.
    """
    entries = [e for e in view.program.library.catalog.commitments.entries.values()
               if e.governs and e.unit in UNIT_HOURS]
    values = view.program.commitments
    allowed: dict[str, set[float]] = {}
    titles: dict[str, list[str]] = {}
    for entry in entries:
        for phrase in entry.governs:
            hours = values[entry.name].hours
            if hours is not None:
                allowed.setdefault(phrase, set()).add(round(hours, 3))
                titles.setdefault(phrase, []).append(entry.name)
    for source in view.sources.values():
        for number, sentence in view.sentences(source.policy_id):
            for message, fix in _disagreements(sentence, allowed, titles, values):
                yield Problem(source.where, message, fix, source.locate(number, sentence))
    for control in view.controls():
        statement = view.statements.get(control.id)
        if statement is None:
            continue
        for message, fix in _disagreements(statement, allowed, titles, values):
            where, line = view.control_location(control)
            yield Problem(where, f"control {control.id}: {message}", fix, line)


def _disagreements(sentence: str, allowed: dict[str, set[float]], titles: dict[str, list[str]],
                   values: dict) -> Iterator[tuple[str, str]]:  # type: ignore[type-arg]
    seen: set[int] = set()
    for phrase, hours in allowed.items():
        if not _phrase_spans(sentence, phrase):
            continue
        names = titles[phrase]
        named = ", ".join(f"{n} ({unit_phrase(values[n].value, values[n].unit)})" for n in names)
        fix = ("state the deadline with " + " or ".join(f"{{{{ commit.{n}.within }}}}" for n in names)
               + " and nothing else")
        for match in governed_numbers(sentence, (phrase,), DURATION):
            if match.start() in seen or any(abs(duration_hours(match) - h) < 1e-6 for h in hours):
                continue
            seen.add(match.start())
            yield (f"'{' '.join(match.group(0).split())}' times the duty '{phrase}', whose deadline is the named "
                   f"commitment {named}", fix)
        for match in governed_numbers(sentence, (phrase,), EVENT_TIMING):
            if match.start() in seen:
                continue
            seen.add(match.start())
            yield (f"'{match.group(0)}' times the duty '{phrase}' by another event than its named deadline "
                   f"{named}", fix)


# The words after a printed deadline that say when its clock starts: "72 hours of confirming a breach".
_CLOCK = re.compile(r"\s*(?:of|after|from|since|following|once)\s+((?:[\w'-]+\s+){0,3}[\w'-]+)", re.IGNORECASE)


def _clock_starts(raw: str, entry: Commitment) -> Iterator[tuple[int, str]]:
    """Yield (offset, words) for each clock start written after the deadline is printed in a template text.

    A deadline printed as "within N" with no start after it yields empty words: the reader takes its start
    from the sentence ("for each confirmed incident ... decides within 24 hours"), which may be another event
    than the deadline's one start (issue #12, auditor read A20).
    """
    names = [f"commit.{entry.name}"] + ([entry.fact] if entry.fact else [])
    for expression in re.finditer(r"\{\{(.*?)\}\}", raw, re.DOTALL):
        if not any(re.search(rf"\b{re.escape(name)}\b", expression.group(1)) for name in names):
            continue
        clock = _CLOCK.match(raw, expression.end())
        if clock:
            yield clock.start(1), clock.group(1)
        elif entry.starts and re.search(r"\.within\b", expression.group(1)):
            yield expression.start(), ""


def _wrong_start(words: str, entry: Commitment) -> str | None:
    """Return the word that starts the clock at another event than the deadline's one start, if any."""
    word: str
    for word in re.findall(r"[\w'-]+", words.lower()):
        if any(word.startswith(stem) for stem in entry.not_started_by):
            return word
    return None


def one_clock_per_deadline(view: RuleInput) -> Iterator[Problem]:
    """A deadline runs from its one named start everywhere: no sentence starts it at another event."""
    entries = [e for e in view.program.library.catalog.commitments.entries.values() if e.not_started_by]
    if not entries:
        return
    texts: list[tuple[str, str, Any]] = [(s.where, s.body, s.line_of) for s in view.sources.values()]
    for control in view.controls():
        where, line = view.control_location(control)
        texts.append((where, control.statement, lambda _offset, line=line: line))
    for where, text, line_of in texts:
        for entry in entries:
            for offset, words in _clock_starts(text, entry):
                if not words:
                    yield Problem(where, f"the {entry.title} is printed with no start, so the sentence around it "
                                  f"sets one; {entry.name} runs from one event everywhere: {entry.starts}",
                                  f"write the clock after the deadline: '{{{{ commit.{entry.name}.within }}}} "
                                  f"{entry.starts}'", line_of(offset))
                    continue
                wrong = _wrong_start(words, entry)
                if wrong:
                    yield Problem(where, f"the {entry.title} runs here from '{' '.join(words.split())}', but "
                                  f"{entry.name} runs from one event everywhere: {entry.starts}",
                                  f"write the clock as '{entry.starts}' (one start for every sentence that prints "
                                  f"{{{{ commit.{entry.name} }}}})", line_of(offset))


def legal_conditions_kept(view: RuleInput) -> Iterator[Problem]:
    """A legal deadline the law attaches a condition to is never printed without that condition.

    UK GDPR and EU GDPR Article 33(1) require notice to the authority *unless the breach is unlikely
    to result in a risk*: a sentence that prints the 72 hours alone commits the company to notify
    every breach, which is a duty the law does not impose and an auditor would test.
    """
    regulations = view.program.library.catalog.regulations
    conditional = [key for key, entry in regulations.items() if isinstance(entry, dict) and entry.get("condition")]
    for source in view.sources.values():
        for offset, raw in _sentences(source.body):
            for key in conditional:
                deadline = re.search(rf"\brules\.{re.escape(key)}\.deadline\b", raw)
                if deadline and f"rules.{key}.condition" not in raw:
                    yield Problem(source.where, f"prints the deadline of {key} ({regulations[key].get('source')}) "
                                  f"without its condition: {regulations[key]['condition']}",
                                  f"print {{{{ rules.{key}.condition }}}} in the same sentence",
                                  source.line_of(offset + deadline.start()))
