"""Checks across named commitments: the numbers a program states must not contradict each other.

These run on values alone (no text), so they serve both the facts validation (a company's
``company.yml`` is refused at scaffold and by ``check``) and the library rules (a catalog default
that contradicts another is reported by ``lint-library``). Each finding names the commitments
involved, so the caller can point at the company field or the catalog line to change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ._commitments import UNIT_HOURS, CommitmentValue
from ._commitments import unit_phrase as _phrase
from ._fact_views import AuditFacts
from ._facts_schema import ReportType

# Names the checks read; a library without one of them skips the checks that need it.
RPO = "rpo_hours"
# The recovery point after the loss of the primary region: the newest copy in the recovery region.
# Without it, the RPO itself must cover the copy lag.
REGION_RPO = "rpo_region_loss"
BACKUP_INTERVAL = "backup_frequency_hours"
COPY_LAG = "backup_copy_lag"
RERUN_DELAY = "backup_rerun"
EVIDENCE_RETENTION = "evidence_retention"
REPORT_LAG = "audit_report_lag"
AUDIT_CYCLE = "audit_cycle"
UPTIME = "uptime_sla"
STATUS_UPDATE = "status_update"
INTERNAL_UPDATES = ("sev1_update", "sev2_update")
MONTH_HOURS = UNIT_HOURS["month"]
# Calendar months differ in length: a year of 365 days covers a 12-month window.
SLACK_HOURS = 24.0


@dataclass(frozen=True)
class Finding:
    """One contradiction between commitments: what is wrong, how to fix it, and who is involved."""

    names: tuple[str, ...]
    message: str
    fix: str


def _hours(values: Mapping[str, CommitmentValue], name: str) -> float | None:
    value = values.get(name)
    return value.hours if value else None


def _text(values: Mapping[str, CommitmentValue], name: str) -> str:
    value = values[name]
    return _phrase(value.value, value.unit)


def recovery_point(values: Mapping[str, CommitmentValue]) -> list[Finding]:
    """The regional RPO covers the backup interval plus the copy lag to the second region plus the rerun delay.

    The regional RPO is ``rpo_region_loss`` when the library states one (the in-region RPO is then met
    by continuous transaction logs), else the RPO itself.
    """
    target = REGION_RPO if REGION_RPO in values else RPO
    rpo, interval = _hours(values, target), _hours(values, BACKUP_INTERVAL)
    if rpo is None or interval is None:
        return []
    parts = [(BACKUP_INTERVAL, interval)]
    parts += [(name, hours) for name in (COPY_LAG, RERUN_DELAY) if (hours := _hours(values, name)) is not None]
    worst = sum(hours for _, hours in parts)
    if worst <= rpo + 1e-9:
        return []
    words = " + ".join(f"{name} {_text(values, name)}" for name, _ in parts)
    return [Finding(
        (target, *(name for name, _ in parts)),
        f"the {'regional ' if target == REGION_RPO else ''}RPO of {_text(values, target)} cannot hold: a failed "
        f"backup rerun late and copied late loses up to {words} = {_phrase(round(worst, 2), 'hour')} of data",
        f"raise {target} to at least {_phrase(_ceil(worst), 'hour')}, or shorten "
        f"{' / '.join(name for name, _ in parts)} (the last two under commitments: in company.yml)",
    )]


def _ceil(hours: float) -> float:
    whole = int(hours)
    return whole if whole == hours else whole + 1


def tier_order(values: Mapping[str, CommitmentValue]) -> list[Finding]:
    """A system needed to run or recover another recovers no later than the one that needs it."""
    found: list[Finding] = []
    for name, value in values.items():
        for needer in value.commitment.needed_by:
            other = values.get(needer)
            if other is None or value.hours is None or other.hours is None:
                continue
            if value.hours > other.hours + 1e-9:
                found.append(Finding(
                    (name, needer),
                    f"{value.commitment.title} ({_text(values, name)}) is needed by {other.commitment.title} "
                    f"({_text(values, needer)}) but recovers later",
                    f"make {name} at most {_text(values, needer)}, or move the systems it covers into the tier "
                    f"of {needer}",
                ))
    return found


def update_cadence(values: Mapping[str, CommitmentValue]) -> list[Finding]:
    """The incident team hears at least as often as customers: no internal update interval exceeds the status one."""
    outside = _hours(values, STATUS_UPDATE)
    found: list[Finding] = []
    for name in INTERNAL_UPDATES:
        inside = _hours(values, name)
        if outside is None or inside is None or inside <= outside + 1e-9:
            continue
        found.append(Finding(
            (name, STATUS_UPDATE),
            f"{values[name].commitment.title} ({_text(values, name)}) is longer than the "
            f"{values[STATUS_UPDATE].commitment.title} ({_text(values, STATUS_UPDATE)})",
            f"make {name} at most {_text(values, STATUS_UPDATE)}"))
    return found


def downtime_allowance_hours(values: Mapping[str, CommitmentValue]) -> float | None:
    """Return the downtime a month the availability commitment allows, in hours."""
    uptime = values.get(UPTIME)
    if uptime is None or uptime.unit != "percent":
        return None
    return (100 - uptime.value) / 100 * MONTH_HOURS


def longest_window_months(values: Mapping[str, CommitmentValue], window_months: int) -> int:
    """Return the longest observation window the program plans: the first, or each later one of ``audit_cycle``.

    A first window may be short (or a Type I has none), but every later window runs the audit cycle, so
    what must cover a window (logs) is measured against the longer of the two.
    """
    cycle = _hours(values, AUDIT_CYCLE)
    return max(window_months, round(cycle / MONTH_HOURS) if cycle else 0)


def retention(values: Mapping[str, CommitmentValue], window_months: int) -> list[Finding]:
    """Evidence outlives the window plus the reporting lag; records outlive evidence; logs cover every window.

    Logs are sampled from the first day of a window until the report is issued, so security logs are
    kept at least the longest window (a later window runs ``audit_cycle``) plus the reporting lag.
    """
    found: list[Finding] = []
    window = window_months * MONTH_HOURS
    lag = _hours(values, REPORT_LAG) or 0.0
    longest = longest_window_months(values, window_months)
    log_need = longest * MONTH_HOURS + lag
    evidence = values.get(EVIDENCE_RETENTION)
    if evidence is not None and evidence.hours is not None and evidence.hours + SLACK_HOURS < window + lag:
        found.append(Finding(
            (EVIDENCE_RETENTION, *((REPORT_LAG,) if REPORT_LAG in values else ())),
            f"audit evidence is kept {_text(values, EVIDENCE_RETENTION)}, less than the observation window of "
            f"{window_months} months plus the reporting lag",
            f"keep {EVIDENCE_RETENTION} at least {_phrase(_ceil((window + lag) / MONTH_HOURS), 'month')}",
        ))
    for name, value in values.items():
        kind = value.commitment.retention_of
        if value.hours is None or kind is None:
            continue
        if kind == "record" and evidence is not None and evidence.hours is not None \
                and value.hours + SLACK_HOURS < evidence.hours:
            found.append(Finding(
                (name, EVIDENCE_RETENTION),
                f"{value.commitment.title} is {_text(values, name)}, shorter than audit evidence "
                f"({_text(values, EVIDENCE_RETENTION)}), so the evidence would outlive the records it draws on",
                f"keep {name} at least {_text(values, EVIDENCE_RETENTION)}",
            ))
        if kind == "log" and value.hours + SLACK_HOURS < log_need:
            lag_words = f" plus the reporting lag of {_text(values, REPORT_LAG)}" if REPORT_LAG in values else ""
            found.append(Finding(
                (name, *(n for n in (AUDIT_CYCLE, REPORT_LAG) if n in values)),
                f"{value.commitment.title} is {_text(values, name)}, shorter than an observation window of "
                f"{longest} months{lag_words}, so logs of a window's first weeks are gone before the auditor "
                "samples them",
                f"keep {name} at least {_phrase(_ceil(log_need / UNIT_HOURS[value.unit]), value.unit)}",
            ))
    return found


def audit_gap_months(values: Mapping[str, CommitmentValue], audit: AuditFacts) -> int:
    """Return the months between consecutive Type II windows left uncovered (0 when windows abut)."""
    cycle = values.get(AUDIT_CYCLE)
    if cycle is None or cycle.hours is None or audit.report_type is not ReportType.TYPE2:
        return 0
    months = round(cycle.hours / MONTH_HOURS)
    return max(0, months - audit.observation_months)


def value_findings(values: Mapping[str, CommitmentValue], window_months: int) -> list[Finding]:
    """Return every contradiction among a company's commitment values, for an observation window in months."""
    return [*recovery_point(values), *tier_order(values), *retention(values, window_months),
            *update_cadence(values)]
