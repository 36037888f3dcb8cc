"""The audit-readiness kit: the evidence plan, the control calendar and the readiness checklist."""

from ._calendar import control_calendar
from ._evidence import (
    AuditWindow,
    EvidencePlan,
    audit_window,
    evidence_csv,
    evidence_page,
    evidence_plan,
    evidence_xlsx,
)
from ._evidence_text import company_item, parse_schedule, schedule, schedule_text
from ._pages import kit_pages
from ._readiness import Readiness, assess, init_readiness, load_entries, parse_readiness
from ._readiness_page import progress_chart, readiness_page, readiness_page_text, report_lines
from ._sampling import SamplingTable, load_sampling

__all__ = [
    "AuditWindow", "EvidencePlan", "Readiness", "assess", "audit_window", "control_calendar", "evidence_csv",
    "evidence_page", "evidence_plan", "evidence_xlsx", "init_readiness", "load_entries", "parse_readiness",
    "progress_chart", "readiness_page", "readiness_page_text", "report_lines", "company_item", "kit_pages",
    "parse_schedule", "schedule", "schedule_text",
    "SamplingTable", "load_sampling",
]
