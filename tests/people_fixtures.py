"""Generated people for the acknowledgement tests: a company of 60, exported as two HR systems write them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

FIRST = ["Ada", "Bela", "Chidi", "Dara", "Eun", "Farah", "Goran", "Hana", "Ines", "Jonas", "Kemal", "Lena",
         "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tarek"]
LAST = ["Abara", "Berg", "Costa", "Dubois", "Eze", "Fischer", "Gupta"]
TEAMS = ["Engineering", "Sales", "Support", "Operations", "Finance"]
DOMAIN = "acme.example"


@dataclass(frozen=True)
class Hire:
    """One generated person as the HR system knows them."""

    first: str
    last: str
    email: str
    team: str
    start: dt.date
    end: dt.date | None
    contractor: bool


def company(count: int = 60, first_start: dt.date = dt.date(2024, 1, 8)) -> list[Hire]:
    """Return ``count`` people with distinct emails, starts spread over two years, every 7th a contractor."""
    people: list[Hire] = []
    for n in range(count):
        first, last = FIRST[n % len(FIRST)], LAST[n % len(LAST)]
        email = f"{first.lower()}.{last.lower()}{n}@{DOMAIN}"
        start = first_start + dt.timedelta(days=11 * n)
        people.append(Hire(first, last, email, TEAMS[n % len(TEAMS)], start, None, n % 7 == 3))
    return people


def bamboohr_csv(people: list[Hire]) -> str:
    """Return a BambooHR custom report: US dates, first and last name apart, employment status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Employee #", "First Name", "Last Name", "Work Email", "Department", "Hire Date",
                     "Termination Date", "Employment Status"])
    for n, p in enumerate(people, start=1):
        writer.writerow([n, p.first, p.last, p.email.upper() if n % 10 == 0 else p.email, p.team,
                         p.start.strftime("%m/%d/%Y"), p.end.strftime("%m/%d/%Y") if p.end else "",
                         "Contractor" if p.contractor else "Full-Time"])
    return "\ufeff" + out.getvalue()


def rippling_csv(people: list[Hire]) -> str:
    """Return a Rippling people report: legal names, ISO dates, employment type."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Legal first name", "Legal last name", "Work email", "Department", "Start date", "End date",
                     "Employment type", "Title"])
    for p in people:
        writer.writerow([p.first, p.last, p.email, p.team, p.start.isoformat(), p.end.isoformat() if p.end else "",
                         "Contractor" if p.contractor else "Salaried, full-time", "Engineer, Platform"])
    return out.getvalue()
