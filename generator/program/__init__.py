"""The program: a company's policies rendered as Markdown pages.

Also the control matrix, coverage, companion documents, and the library's own quality lint.
"""

from ._companion import COMPANION_DIR, companion_pages
from ._lint import lint_library, variant_program
from ._program import (
    CATEGORY_TITLES,
    CODEOWNERS_FILE,
    COMPANY_FILE,
    PDF_DIR,
    POLICIES_DIR,
    CoverageRow,
    Program,
    build_date,
    company_policy_from_template,
    in_scope_templates,
    load_program,
    program_from_library,
)
from ._proof import DESIGN_EVIDENCE, ControlProof, EvidenceMap, PartProof, evidence_map

__all__ = [
    "CATEGORY_TITLES", "CODEOWNERS_FILE", "COMPANION_DIR", "COMPANY_FILE", "DESIGN_EVIDENCE", "PDF_DIR",
    "POLICIES_DIR", "ControlProof", "CoverageRow", "EvidenceMap", "PartProof", "evidence_map",
    "Program", "build_date", "companion_pages", "company_policy_from_template", "in_scope_templates", "lint_library",
    "load_program", "program_from_library", "variant_program",
]
