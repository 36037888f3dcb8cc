"""The control calendar: every scheduled control activity of the audit window as an iCalendar file.

A Type II report fails on a missed quarter, so the owners need the reviews, tests and exercises
their policies promise in the calendars they already use. Each in-scope control that people run on
a schedule (weekly to annual) is mapped to an activity through the evidence it produces; the
activity recurs over the observation window (Type II) or happens once before the as-of date
(Type I). Policy reviews fall on each policy's next review date. Output is byte-identical for the
same repository: UIDs come from control ids and dates, DTSTAMP from the release date.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..model._catalog import Control
from ..model._roles import role_title
from ..program._program import Program
from ..render._context import add_months
from ..render._markdown import markdown_to_html
from ._evidence import CADENCE_FACTS, SCHEDULED, AuditWindow, audit_window, evidence_plan, owner_role

PRODID = "-//policyforge//Control calendar//EN"
ADJECTIVES: dict[str, str] = {
    "weekly": "Weekly", "monthly": "Monthly", "quarterly": "Quarterly", "semiannual": "Six-monthly",
    "annual": "Annual",
}
RRULES: dict[str, dict[str, object]] = {
    "weekly": {"freq": "weekly"},
    "monthly": {"freq": "monthly"},
    "quarterly": {"freq": "monthly", "interval": 3},
    "semiannual": {"freq": "monthly", "interval": 6},
    "annual": {"freq": "yearly"},
}


@dataclass(frozen=True)
class Activity:
    """Something people do on a schedule, recognised by the evidence it leaves behind."""

    key: str
    noun: str
    evidence: tuple[str, ...]
    day: int  # day of the month it falls on (1-28), so activities do not all land on one day
    nouns: tuple[tuple[str, str], ...] = ()  # a different name at some cadences

    def title(self, cadence: str) -> str:
        """Return the event title, e.g. ``Annual risk assessment``."""
        return f"{ADJECTIVES[cadence]} {dict(self.nouns).get(cadence, self.noun)}"


# Every evidence id of the catalog belongs to exactly one activity (a test holds the catalog to it).
# A control joins the activity of the first evidence item it lists.
ACTIVITIES: tuple[Activity, ...] = (
    Activity("access-review", "access review", ("EV-17", "EV-18", "EV-19", "EV-20", "EV-21", "EV-22", "EV-23",
                                                "EV-24", "EV-25", "EV-26"), 15,
             (("annual", "role matrix and authentication settings review"),)),
    Activity("vulnerability", "vulnerability scan and patch review", ("EV-36", "EV-37", "EV-38", "EV-68"), 8),
    Activity("security-testing", "security testing", ("EV-14",), 22, (("annual", "penetration test"),)),
    Activity("risk", "risk register review", ("EV-13",), 20, (("annual", "risk assessment"),)),
    Activity("incident", "incident response tabletop exercise", ("EV-41", "EV-42"), 25),
    Activity("continuity", "continuity plan review", ("EV-57", "EV-58"), 27,
             (("annual", "disaster recovery test and continuity plan review"), ("semiannual", "resilience exercise"))),
    Activity("backup", "backup review and restore test", ("EV-55", "EV-56", "EV-66"), 18,
             (("weekly", "backup job review"),)),
    Activity("training", "security awareness training", ("EV-10",), 10,
             (("quarterly", "phishing exercise and training report"),)),
    Activity("policies", "policy acknowledgement and communication", ("EV-01", "EV-02", "EV-72"), 5),
    Activity("vendors", "vendor review", ("EV-49", "EV-50", "EV-51", "EV-52", "EV-64"), 12,
             (("weekly", "vendor breach and advisory check"),)),
    Activity("oversight", "management review of the security program", ("EV-04", "EV-05", "EV-06", "EV-15",
                                                                         "EV-16"), 28),
    Activity("endpoints", "endpoint compliance review", ("EV-29", "EV-35", "EV-70"), 6),
    Activity("monitoring", "monitoring, capacity and availability review", ("EV-39", "EV-40", "EV-53", "EV-54",
                                                                             "EV-65"), 3,
             (("weekly", "security log review"),)),
    Activity("change", "change management and secure development review", ("EV-43", "EV-44", "EV-45", "EV-46",
                                                                             "EV-47", "EV-48"), 14),
    Activity("data", "data inventory, encryption and retention review", ("EV-33", "EV-34", "EV-59", "EV-60",
                                                                          "EV-61", "EV-62", "EV-69"), 16),
    Activity("people", "people and conduct review", ("EV-03", "EV-07", "EV-08", "EV-09", "EV-11", "EV-12",
                                                     "EV-71"), 11),
    Activity("assets", "asset, network and facility review", ("EV-27", "EV-28", "EV-30", "EV-31", "EV-32"), 9,
             (("weekly", "cloud inventory check"),)),
    Activity("processing", "processing integrity review", ("EV-63", "EV-67"), 7),
)
OTHER = Activity("controls", "control review", (), 1)


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event, recurring until ``until`` when that is set."""

    uid: str
    summary: str
    start: dt.date
    cadence: str | None
    until: dt.date | None
    controls: tuple[str, ...]
    roles: tuple[str, ...]
    description: str
    category: str


def activity_of(control: Control) -> Activity:
    """Return the activity a control belongs to: that of the first evidence item it lists."""
    for evidence in control.evidence:
        for activity in ACTIVITIES:
            if evidence in activity.evidence:
                return activity
    return OTHER


def schedule_of(control: Control, program: Program) -> str | None:
    """Return how often people run a control, or None for automated, continuous or per-event ones."""
    if control.frequency not in SCHEDULED:
        return None
    for evidence, fact in CADENCE_FACTS.items():
        if evidence in control.evidence:
            return str(program.facts.get(fact))
    return control.frequency


def first_on_day(after: dt.date, day: int) -> dt.date:
    """Return the first date on or after ``after`` that falls on ``day`` of its month."""
    candidate = after.replace(day=day)
    return candidate if candidate >= after else add_months(candidate, 1)


def _plain(markdown: str) -> str:
    """Return rendered Markdown as plain text for a calendar description."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markdown_to_html(markdown))).split())


def _person(program: Program, role: str) -> str:
    person = program.facts.people.role(role)
    return f"{person.name}, {role_title(program.facts, role)} <{person.email}>"


def _roles(controls: Iterable[Control]) -> tuple[str, ...]:
    listed = list(controls)
    primary = owner_role(listed)
    return (primary, *dict.fromkeys(c.owner for c in listed if c.owner != primary))


def _series(program: Program, window: AuditWindow, evidence_ids: set[str]) -> list[CalendarEvent]:
    """Group scheduled controls by activity and cadence; return one event (series) per group."""
    carriers = program.carriers()
    groups: dict[tuple[Activity, str], list[Control]] = {}
    for control in program.controls():
        cadence = schedule_of(control, program)
        if cadence is not None and control.id in carriers:
            groups.setdefault((activity_of(control), cadence), []).append(control)
    domain = program.facts.company.email_domain
    events: list[CalendarEvent] = []
    for (activity, cadence), controls in groups.items():
        if window.type2:
            start = window.start if cadence == "weekly" else first_on_day(window.start, activity.day)
            until: dt.date | None = window.end
        else:
            start, until = first_on_day(add_months(window.start, -1), activity.day), None
        roles = _roles(controls)
        lines = [f"{activity.title(cadence)} at {program.facts.company.name} ({window.describe()}).",
                 f"Owner: {_person(program, roles[0])}"]
        lines += [f"With: {_person(program, role)}" for role in roles[1:]]
        lines.append("Controls:")
        for control in controls:
            doc = carriers[control.id]
            statement = _plain(program.render_statement(control, doc))
            lines.append(f"- {control.id} ({doc.id} {doc.title}, {control.frequency}): {statement}")
        kept = sorted({e for c in controls for e in c.evidence if e in evidence_ids})
        catalog = program.library.catalog.evidence
        lines.append("Evidence to keep: " + "; ".join(f"{e} {catalog[e].item}" for e in kept))
        events.append(CalendarEvent(
            uid=f"{activity.key}-{cadence}-{controls[0].id.lower()}-{start:%Y%m%d}@{domain}",
            summary=activity.title(cadence), start=start, cadence=cadence if window.type2 else None, until=until,
            controls=tuple(c.id for c in controls), roles=roles, description="\n".join(lines),
            category=activity.noun,
        ))
    return events


def _policy_reviews(program: Program) -> list[CalendarEvent]:
    """Return one event per policy on its next review date."""
    domain = program.facts.company.email_domain
    events: list[CalendarEvent] = []
    for doc in program.ordered_policies():
        due = program.next_review(doc)
        if due is None:
            continue
        roles = tuple(dict.fromkeys((doc.owner, doc.approver)))
        last = doc.last_reviewed.isoformat() if doc.last_reviewed else "never"
        description = "\n".join([
            f"{doc.review_cadence.capitalize()} review of {program.docid(doc)} {doc.title}, version {doc.version} "
            f"(last reviewed {last}): the owner reviews it and the approver re-approves it "
            "(policyforge approve).",
            f"Owner: {_person(program, doc.owner)}",
            f"Approver: {_person(program, doc.approver)}",
            f"Controls carried: {', '.join(doc.controls) or 'none'}",
        ])
        events.append(CalendarEvent(
            uid=f"policy-review-{doc.id.lower()}-{due:%Y%m%d}@{domain}", summary=f"Policy review due: {doc.title}",
            start=due, cadence=None, until=None, controls=doc.controls, roles=roles, description=description,
            category="policy review",
        ))
    return events


def _window_markers(program: Program, window: AuditWindow) -> list[CalendarEvent]:
    domain = program.facts.company.email_domain
    firm = program.facts.audit.audit_firm
    marks = ([("start", window.start, "SOC 2 Type II observation window begins"),
              ("end", window.end, "SOC 2 Type II observation window ends")] if window.type2
             else [("as-of", window.start, "SOC 2 Type I as-of date")])
    return [CalendarEvent(uid=f"audit-window-{name}-{day:%Y%m%d}@{domain}", summary=summary, start=day, cadence=None,
                          until=None, controls=(), roles=("security_officer",),
                          description=f"{window.describe()}, audited by {firm}.", category="audit")
            for name, day, summary in marks]


def calendar_events(program: Program) -> list[CalendarEvent]:
    """Return every event of the company's control calendar, in date order."""
    window = audit_window(program.facts)
    evidence_ids = {row.item.id for row in evidence_plan(program).rows}
    events = _series(program, window, evidence_ids) + _policy_reviews(program) + _window_markers(program, window)
    return sorted(events, key=lambda e: (e.start, e.uid))


def control_calendar(program: Program, stamp: dt.date) -> bytes:
    """Return the calendar as RFC 5545 bytes; ``stamp`` (the release date) becomes every DTSTAMP."""
    from icalendar import Calendar, Event, vCalAddress

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{program.facts.company.name} SOC 2 control calendar")
    stamped = dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    for item in calendar_events(program):
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamped)
        event.add("dtstart", item.start)
        event.add("dtend", item.start + dt.timedelta(days=1))
        if item.cadence is not None and item.until is not None:
            event.add("rrule", {**RRULES[item.cadence], "until": item.until})
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("categories", ["SOC 2", item.category])
        event.add("transp", "TRANSPARENT")
        for role in item.roles:
            attendee = vCalAddress(f"mailto:{program.facts.people.role(role).email}")
            attendee.params["cn"] = str(program.facts.people.role(role).name)
            attendee.params["role"] = "REQ-PARTICIPANT" if role == item.roles[0] else "OPT-PARTICIPANT"
            event.add("attendee", attendee)
        calendar.add_component(event)
    return bytes(calendar.to_ical())
