"""The audit-readiness kit: the evidence plan, the control calendar and the readiness checklist.

The names are loaded when first asked for (PEP 562, ``.._lazy``): the site build reads the evidence
plan and the readiness page, not the calendar or the workbook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
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

_WHERE = {
    "control_calendar": "_calendar", "AuditWindow": "_evidence", "EvidencePlan": "_evidence",
    "audit_window": "_evidence", "evidence_csv": "_evidence", "evidence_page": "_evidence",
    "evidence_plan": "_evidence", "evidence_xlsx": "_evidence", "company_item": "_evidence_text",
    "parse_schedule": "_evidence_text", "schedule": "_evidence_text", "schedule_text": "_evidence_text",
    "kit_pages": "_pages", "Readiness": "_readiness", "assess": "_readiness", "init_readiness": "_readiness",
    "load_entries": "_readiness", "parse_readiness": "_readiness", "progress_chart": "_readiness_page",
    "readiness_page": "_readiness_page", "readiness_page_text": "_readiness_page",
    "report_lines": "_readiness_page", "SamplingTable": "_sampling", "load_sampling": "_sampling",
}

__all__ = [
    "AuditWindow", "EvidencePlan", "Readiness", "assess", "audit_window", "control_calendar", "evidence_csv",
    "evidence_page", "evidence_plan", "evidence_xlsx", "init_readiness", "load_entries", "parse_readiness",
    "progress_chart", "readiness_page", "readiness_page_text", "report_lines", "company_item", "kit_pages",
    "parse_schedule", "schedule", "schedule_text",
    "SamplingTable", "load_sampling",
]

__getattr__ = lazy_names(__name__, _WHERE, globals())
