"""The control calendar: every scheduled control activity of the audit window as an iCalendar file.

A Type II report fails on a missed quarter, so the owners need the reviews, tests and exercises
their policies promise in the calendars they already use. Each in-scope control that people run on
a schedule (weekly to annual) is mapped to an activity through the evidence it produces; the
activity recurs over the observation window (Type II) or happens once before the as-of date
(Type I). Policy reviews fall on each policy's next review date. Output is byte-identical for the
same repository: UIDs come from control ids and dates, DTSTAMP from the release date.

Activities are meetings people keep, so they fall on working days (Monday to Friday, not
1 January) at ``START_TIME`` local time for ``DURATION``, with a reminder ``REMINDER`` before.
The rule: an activity is due on its day of the month (or, weekly, on the window's first weekday);
when that is not a working day it moves to the next working day, or to the working day before
when the next one would leave the window. So the window holds exactly the occurrences the
evidence plan counts. Each series is written as an RRULE (the day, or the first working day of
the two after it) with EXDATE/RDATE for the few occurrences the rule alone would place
differently. The time is local to the headquarters: each timed event names its zone (TZID, the
fact ``company.time_zone``, by default the usual zone of ``company.hq_country``) and the calendar
carries that zone's VTIMEZONE for the years it spans, so an attendee elsewhere sees the meeting at
the company's 10:00, converted. A deadline (a policy review due) on a day off moves to the
working day before; the audit window's first and last days are marked as all-day events on their
true dates. Each owner role can have its own calendar of what it owns (``owner_calendars``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model._catalog import Control, id_order
from ..model._commitments import CommitmentValue, unit_phrase
from ..model._roles import role_title
from ..program._program import Program
from ..program._proof import evidence_map
from ..render._context import FIRST_ROUND_ROOM, add_months, lead_deadline
from ..render._render import long_date
from ._evidence import (
    PERIOD_MONTHS,
    SCHEDULED,
    SPREAD,
    AuditWindow,
    audit_window,
    evidence_plan,
    occurrences,
    owner_role,
)
from ._evidence_text import plain_text

PRODID = "-//policyforge//Control calendar//EN"
START_TIME = dt.time(10, 0)  # in the company's time zone (company.time_zone)
DURATION = dt.timedelta(hours=1)
REMINDER = dt.timedelta(days=1)  # a VALARM this long before each activity and deadline
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR")
SHIFT_DAYS = 2  # a weekend moves an activity at most this many days
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
                                                "EV-24", "EV-25", "EV-26", "EV-85", "EV-89", "EV-93", "EV-116"), 15,
             (("annual", "role matrix and authentication settings review"),)),
    Activity("vulnerability", "vulnerability scan and patch review", ("EV-36", "EV-37", "EV-38", "EV-68", "EV-107"),
             8),
    # A card-data company's PCI DSS assessment, segmentation test and scope confirmation (GOV-13, NET-08, NET-09).
    Activity("card-data", "PCI DSS card-data review", ("EV-104", "EV-105", "EV-106"), 21),
    Activity("security-testing", "security testing", ("EV-14",), 22, (("annual", "penetration test"),)),
    Activity("risk", "risk register review", ("EV-13", "EV-87"), 20, (("annual", "risk assessment"),)),
    Activity("incident", "incident response tabletop exercise", ("EV-41", "EV-42", "EV-73"), 25,
             (("quarterly", "on-call rota and emergency contact list check"),)),
    Activity("continuity", "continuity plan review", ("EV-57", "EV-58", "EV-76", "EV-98"), 27,
             (("annual", "disaster recovery test and continuity plan review"), ("semiannual", "resilience exercise"))),
    Activity("backup", "backup review and restore test", ("EV-55", "EV-56", "EV-66", "EV-86", "EV-115"), 18,
             (("weekly", "backup job review"),)),
    Activity("training", "security awareness training", ("EV-10", "EV-102", "EV-103", "EV-108"), 10,
             (("quarterly", "phishing exercise and training report"),)),
    Activity("policies", "policy acknowledgement and communication", ("EV-01", "EV-02", "EV-72", "EV-84", "EV-96"), 5),
    Activity("vendors", "vendor review", ("EV-49", "EV-50", "EV-51", "EV-52", "EV-64", "EV-95", "EV-101"), 12,
             (("weekly", "vendor breach and advisory check"),)),
    Activity("oversight", "management review of the security program", ("EV-04", "EV-05", "EV-06", "EV-15",
                                                                         "EV-16", "EV-74", "EV-78", "EV-100",
                                                                         "EV-110"), 28),
    Activity("endpoints", "endpoint compliance review", ("EV-29", "EV-35", "EV-70", "EV-111", "EV-112"), 6),
    Activity("monitoring", "monitoring, capacity and availability review", ("EV-39", "EV-40", "EV-53", "EV-54",
                                                                             "EV-65"), 3,
             (("weekly", "security log review"),)),
    Activity("change", "change management and secure development review", ("EV-43", "EV-44", "EV-45", "EV-46",
                                                                             "EV-47", "EV-48", "EV-75", "EV-88",
                                                                             "EV-90", "EV-99", "EV-113"), 14),
    Activity("data", "data inventory, encryption and retention review", ("EV-33", "EV-34", "EV-59", "EV-60",
                                                                          "EV-61", "EV-62", "EV-69", "EV-77",
                                                                          "EV-80", "EV-81", "EV-82", "EV-114",
                                                                          "EV-117"), 16),
    Activity("people", "people and conduct review", ("EV-03", "EV-07", "EV-08", "EV-09", "EV-11", "EV-12",
                                                     "EV-71", "EV-83"), 11),
    Activity("assets", "asset, network and facility review", ("EV-27", "EV-28", "EV-30", "EV-31", "EV-32", "EV-79",
                                                             "EV-94", "EV-97"), 9,
             (("weekly", "cloud inventory check"),)),
    Activity("processing", "processing integrity review", ("EV-63", "EV-67", "EV-91", "EV-92", "EV-109"), 7),
)
OTHER = Activity("controls", "control review", (), 1)
# A small company's yearly independent test (MON-03, cadence control_testing) finishes the named lead
# time before the window ends (the as-of date of a Type I report), as POL-26 section 4.4.1 says.
SMALL_LEADS: dict[str, str] = {"control_testing": "assessor_test_lead"}
# One-off audit milestones POL-26 times before the end of the window, each read from its commitment:
# (commitment, small companies only, summary, what happens on the day).
MILESTONES: tuple[tuple[str, str, str], ...] = (
    ("audit_preparation_lead", "SOC 2 audit preparation: confirm scope with the audit firm",
     "The Security Officer confirms scope, criteria and system description with {firm}, {lead} before {end} "
     "(POL-26 section 5.2)."),
)
LEAD_TITLE = "independent test of key controls"


@dataclass(frozen=True)
class CalendarEvent:
    """One event (timed, or all-day for ``all_day`` markers), recurring until ``until`` when that is set."""

    uid: str
    summary: str
    start: dt.date
    cadence: str | None
    until: dt.date | None
    controls: tuple[str, ...]
    roles: tuple[str, ...]
    description: str
    category: str
    all_day: bool = False
    day: int = 0  # the activity's day of the month (the RRULE's anchor)
    dates: tuple[dt.date, ...] = field(default=())  # every occurrence, on working days inside the window


def activity_of(control: Control) -> Activity:
    """Return the activity a control belongs to: that of the first evidence item it lists."""
    for evidence in control.evidence:
        for activity in ACTIVITIES:
            if evidence in activity.evidence:
                return activity
    return OTHER


def lead_of(control: Control, program: Program) -> CommitmentValue | None:
    """Return the lead time before the window's end by which a control's yearly run is finished, if any."""
    name = SMALL_LEADS.get(control.cadence or "") if program.facts.small else None
    return program.commitments.get(name) if name else None


def schedule_of(control: Control, program: Program) -> str | None:
    """Return how often people run a control, or None for automated, continuous or per-event ones.

    ``control`` comes from ``program.controls()``: its frequency is the company's value of the named
    commitment its statement prints, so the calendar, the evidence plan and the policy agree.
    """
    return control.frequency if control.frequency in SCHEDULED else None


def is_working_day(day: dt.date) -> bool:
    """Return whether people work on ``day``: Monday to Friday, except 1 January."""
    return day.weekday() < len(WEEKDAYS) and (day.month, day.day) != (1, 1)


def next_working_day(day: dt.date) -> dt.date:
    """Return ``day`` or the first working day after it."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def working_day_before(day: dt.date) -> dt.date:
    """Return ``day`` or the last working day before it (a deadline is met early, never late)."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def on_working_day(nominal: dt.date, last: dt.date | None = None) -> dt.date:
    """Move a due date to the next working day, or to the one before when the next lies after ``last``."""
    moved = next_working_day(nominal)
    return working_day_before(nominal) if last is not None and moved > last else moved


def first_on_day(after: dt.date, day: int) -> dt.date:
    """Return the first date on or after ``after`` that falls on ``day`` of its month."""
    candidate = after.replace(day=day)
    return candidate if candidate >= after else add_months(candidate, 1)


def run_offset(activity: Activity, cadence: str, window: AuditWindow) -> int:
    """Return how many months after the window starts a semiannual or annual series first runs.

    Each activity has its own month, from its place in ``ACTIVITIES`` (the same for every company, so
    the calendar is deterministic), within the first period of the window: a pen test, a tabletop and a
    DR test no longer all fall in the window's first days, and each still runs inside the window.
    """
    if cadence not in SPREAD or not window.type2:
        return 0
    span = min(PERIOD_MONTHS[cadence], window.months)
    place = ACTIVITIES.index(activity) if activity in ACTIVITIES else len(ACTIVITIES)
    return place % span


def nominal_dates(cadence: str, window: AuditWindow, day: int, offset: int = 0) -> list[dt.date]:
    """Return the days a series is due in a Type II window, before moving them to working days.

    ``offset`` (``run_offset``) moves the first run that many months into the window, less when the last
    run would then fall after the window's end.
    """
    count = occurrences(cadence, window)
    if cadence == "weekly":
        return [window.start + dt.timedelta(weeks=n) for n in range(count)]
    step = PERIOD_MONTHS[cadence]
    for months in range(offset, -1, -1):
        first = first_on_day(add_months(window.start, months), day)
        dates = [add_months(first, step * n) for n in range(count)]
        if dates[-1] <= window.end:
            return dates
    return dates


def _person(program: Program, role: str) -> str:
    person = program.facts.people.role(role)
    return f"{person.name}, {role_title(program.facts, role)} <{person.email}>"


def _roles(controls: Iterable[Control]) -> tuple[str, ...]:
    listed = list(controls)
    primary = owner_role(listed)
    return (primary, *dict.fromkeys(c.owner for c in listed if c.owner != primary))


def _groups(program: Program) -> dict[tuple[Activity, str, str], list[Control]]:
    """Group the scheduled controls of the company by activity, cadence and lead time (one series each)."""
    carriers = program.carriers()
    groups: dict[tuple[Activity, str, str], list[Control]] = {}
    for control in program.controls():
        cadence = schedule_of(control, program)
        if cadence is not None and control.id in carriers:
            lead = lead_of(control, program)
            groups.setdefault((activity_of(control), cadence, lead.name if lead else ""), []).append(control)
    return groups


def _days(program: Program, window: AuditWindow, activity: Activity, cadence: str,
          lead: CommitmentValue | None) -> tuple[tuple[dt.date, ...], dt.date | None, bool]:
    """Return the working days a series falls on, its lead deadline (if any) and whether that is a first round's."""
    # A run with a lead time is finished by then: on the working day before, never later.
    due, first_round = _lead_day(program, lead) if lead else (None, False)
    deadline = working_day_before(due) if due is not None else None
    if window.type2:
        days = tuple(on_working_day(d, window.end) for d in nominal_dates(
            cadence, window, activity.day, run_offset(activity, cadence, window)))
        if deadline is not None:
            # By the deadline, but inside the window its evidence is counted for (a window shorter
            # than the lead time leaves only its first working day).
            days = tuple(sorted({max(min(d, deadline), next_working_day(window.start)) for d in days}))
    else:  # once, in the month before the as-of date, or by its lead time
        days = (deadline if deadline is not None else
                on_working_day(first_on_day(add_months(window.start, -1), activity.day),
                               window.start - dt.timedelta(days=1)),)
    return days, deadline, first_round


def run_dates(program: Program) -> dict[str, tuple[dt.date, ...]]:
    """Return the days each scheduled control runs in the window, as the calendar holds them."""
    window = audit_window(program.facts)
    out: dict[str, tuple[dt.date, ...]] = {}
    for (activity, cadence, lead_name), controls in _groups(program).items():
        lead = program.commitments[lead_name] if lead_name else None
        days = _days(program, window, activity, cadence, lead)[0]
        out.update((control.id, days) for control in controls)
    return out


def _series(program: Program, window: AuditWindow, evidence_ids: set[str]) -> list[CalendarEvent]:
    """Return one event (series) per group of scheduled controls (``_groups``)."""
    carriers = program.carriers()
    proofs = evidence_map(program)
    domain = program.facts.company.email_domain
    events: list[CalendarEvent] = []
    for (activity, cadence, lead_name), controls in _groups(program).items():
        lead = program.commitments[lead_name] if lead_name else None
        days, deadline, first_round = _days(program, window, activity, cadence, lead)
        until = window.end if window.type2 else None
        start = days[0]
        roles = _roles(controls)
        title = f"{ADJECTIVES[cadence]} {LEAD_TITLE}" if lead else activity.title(cadence)
        lines = [f"{title} at {program.facts.company.name} ({window.describe()}).",
                 f"Owner: {_person(program, roles[0])}"]
        if lead:
            end_words = "the observation window ends" if window.type2 else "the as-of date"
            if first_round:
                lines.append(f"The first round is finished by {long_date(deadline or start)}: the policies take "
                             f"effect less than {unit_phrase(lead.value, lead.unit)} before {end_words} "
                             f"({long_date(window.end)}), as POL-26 section 4.4.1 sets.")
            else:
                lines.append(f"Finished at least {unit_phrase(lead.value, lead.unit)} before {end_words} "
                             f"({long_date(window.end)}), as POL-26 section 4.4.1 sets.")
        lines += [f"With: {_person(program, role)}" for role in roles[1:]]
        lines.append("Controls:")
        for control in controls:
            doc = carriers[control.id]
            statement = plain_text(program.render_statement(control, doc))
            lines.append(f"- {control.id} ({doc.id} {doc.title}, {control.frequency}): {statement}")
        kept = sorted({e for c in controls for e in proofs.proof(c.id).requested if e in evidence_ids}, key=id_order)
        catalog = program.library.catalog.evidence
        lines.append("Evidence to keep: " + "; ".join(f"{e} {catalog[e].item}" for e in kept))
        events.append(CalendarEvent(
            uid=f"{activity.key}-{cadence}-{controls[0].id.lower()}-{start:%Y%m%d}@{domain}",
            summary=title, start=start, cadence=cadence if window.type2 else None, until=until,
            controls=tuple(c.id for c in controls), roles=roles, description="\n".join(lines),
            category=activity.noun, day=activity.day, dates=days,
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
        due = working_day_before(due)
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
                          description=f"{window.describe()}, audited by {firm}.", category="audit", all_day=True)
            for name, day, summary in marks]


def _lead_day(program: Program, lead: CommitmentValue) -> tuple[dt.date, bool]:
    """Return the day a lead time falls on before the audit's end, and whether it is a short first round's."""
    return lead_deadline(program.facts, lead, program.commitments.get(FIRST_ROUND_ROOM))


def _milestones(program: Program, window: AuditWindow) -> list[CalendarEvent]:
    """Return the one-off audit milestones POL-26 times before the window's end, on working days."""
    domain = program.facts.company.email_domain
    end_words = "the observation window ends" if window.type2 else "the as-of date"
    events: list[CalendarEvent] = []
    for name, summary, text in MILESTONES:
        lead = program.commitments.get(name)
        if lead is None:
            continue
        day = working_day_before(_lead_day(program, lead)[0])
        description = text.format(firm=program.facts.audit.audit_firm, lead=unit_phrase(lead.value, lead.unit),
                                  end=f"{end_words} ({long_date(window.end)})")
        events.append(CalendarEvent(uid=f"audit-{name.replace('_', '-')}-{day:%Y%m%d}@{domain}", summary=summary,
                                    start=day, cadence=None, until=None, controls=(), roles=("security_officer",),
                                    description=description, category="milestone"))
    return events


def calendar_events(program: Program) -> list[CalendarEvent]:
    """Return every event of the company's control calendar, in date order."""
    window = audit_window(program.facts)
    evidence_ids = {row.item.id for row in evidence_plan(program).rows}
    events = (_series(program, window, evidence_ids) + _policy_reviews(program) + _window_markers(program, window)
              + _milestones(program, window))
    return sorted(events, key=lambda e: (e.start, e.uid))


def _recurrence(item: CalendarEvent) -> tuple[dict[str, object], list[dt.date], list[dt.date]]:
    """Return the RRULE of a series and the occurrences to drop (EXDATE) and add (RDATE) to match ``dates``.

    The rule is "the day, or the first working day of the two after it" (weekly: the first
    occurrence's weekday); dateutil expands it here so the corrections make the written calendar
    hold exactly ``item.dates``.
    """
    from dateutil import rrule as du

    assert item.cadence is not None and item.until is not None
    rule: dict[str, object] = dict(RRULES[item.cadence])
    weekdays = (du.MO, du.TU, du.WE, du.TH, du.FR)
    options: dict[str, Any] = {}
    if item.cadence == "weekly":
        rule["byday"] = WEEKDAYS[item.start.weekday()]
        options["byweekday"] = weekdays[item.start.weekday()]
    else:
        monthdays = [item.day + n for n in range(SHIFT_DAYS + 1)]
        rule.update(bymonthday=monthdays, byday=list(WEEKDAYS), bysetpos=1)
        options.update(bymonthday=monthdays, byweekday=weekdays, bysetpos=1)
        if item.cadence == "annual":
            rule["bymonth"] = item.start.month
            options["bymonth"] = item.start.month
    until = dt.datetime.combine(item.until, dt.time(23, 59, 59))
    rule["until"] = until
    options["freq"] = {"weekly": du.WEEKLY, "monthly": du.MONTHLY, "yearly": du.YEARLY}[str(rule["freq"])]
    expanded = {moment.date() for moment in du.rrule(
        dtstart=dt.datetime.combine(item.start, START_TIME), until=until,
        interval=int(str(rule.get("interval", 1))), **options)}
    wanted = set(item.dates)
    return rule, sorted(expanded - wanted), sorted(wanted - expanded)


def time_zone(program: Program) -> zoneinfo.ZoneInfo:
    """Return the company's time zone (``company.time_zone``, validated when company.yml was read)."""
    return zoneinfo.ZoneInfo(program.facts.company.time_zone)


def _event(program: Program, item: CalendarEvent, stamped: dt.datetime) -> object:
    from icalendar import Alarm, Event, vCalAddress

    zone = time_zone(program)
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamped)
    if item.all_day:
        event.add("dtstart", item.start)
        event.add("dtend", item.start + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    else:
        begins = dt.datetime.combine(item.start, START_TIME, tzinfo=zone)
        event.add("dtstart", begins)
        event.add("dtend", begins + DURATION)
        event.add("transp", "OPAQUE")
    if item.cadence is not None and item.until is not None:
        rule, dropped, added = _recurrence(item)
        # RFC 5545: with a zoned DTSTART, UNTIL is written in UTC (the last moment of the window's last day).
        rule["until"] = dt.datetime.combine(item.until, dt.time(23, 59, 59), tzinfo=zone).astimezone(dt.UTC)
        event.add("rrule", rule)
        for day in dropped:
            event.add("exdate", dt.datetime.combine(day, START_TIME, tzinfo=zone))
        for day in added:
            event.add("rdate", dt.datetime.combine(day, START_TIME, tzinfo=zone))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("categories", ["SOC 2", item.category])
    for role in item.roles:
        attendee = vCalAddress(f"mailto:{program.facts.people.role(role).email}")
        attendee.params["cn"] = str(program.facts.people.role(role).name)
        attendee.params["role"] = "REQ-PARTICIPANT" if role == item.roles[0] else "OPT-PARTICIPANT"
        event.add("attendee", attendee)
    if not item.all_day:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Tomorrow: {item.summary}")
        alarm.add("trigger", -REMINDER)
        event.add_component(alarm)
    return event


def _calendar(program: Program, stamp: dt.date, events: list[CalendarEvent], name: str) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamped = dt.datetime(stamp.year, stamp.month, stamp.day, tzinfo=dt.UTC)
    for item in events:
        calendar.add_component(_event(program, item, stamped))  # type: ignore[arg-type]
    if events:
        # The zone's rules for the years the events span (a year either side), generated from the tz database.
        first = min(item.start for item in events)
        last = max(item.until or item.start for item in events)
        calendar.add_missing_timezones(first_date=first.replace(month=1, day=1) - dt.timedelta(days=365),
                                       last_date=last.replace(month=1, day=1) + dt.timedelta(days=2 * 365))
    return bytes(calendar.to_ical())


def control_calendar(program: Program, stamp: dt.date) -> bytes:
    """Return the calendar as RFC 5545 bytes; ``stamp`` (the release date) becomes every DTSTAMP."""
    return _calendar(program, stamp, calendar_events(program),
                     f"{program.facts.company.name} SOC 2 control calendar")


def owner_calendars(program: Program, stamp: dt.date) -> dict[str, bytes]:
    """Return one calendar per owner role: the activities, reviews and markers that role owns."""
    events = calendar_events(program)
    owners = dict.fromkeys(item.roles[0] for item in events if item.roles)
    return {role: _calendar(program, stamp, [item for item in events if item.roles and item.roles[0] == role],
                            f"{program.facts.company.name} SOC 2 calendar: {role_title(program.facts, role)}")
            for role in sorted(owners)}


def owner_calendar_name(role: str) -> str:
    """Return the file name of a role's own calendar, beside control-calendar.ics."""
    return f"control-calendar-{role.replace('_', '-')}.ics"
