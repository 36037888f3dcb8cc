"""The company model: facts and their schema, the library's catalogs and policy documents.

Everything here is data loaded and validated; nothing renders or touches a repository.
"""

from ._answers import raw_defaults, resolve_answers
from ._catalog import Catalog, ChecklistItem, Control, Criterion, EvidenceItem, load_catalog
from ._documents import AREAS, REVIEW_CADENCES, HistoryEntry, PolicyDoc, parse_policy, serialize_policy
from ._facts import Facts, dump_facts, facts_from_answers, load_facts, parse_facts_yaml
from ._facts_schema import FACT_SPECS, ROLE_TITLES, SPECS_BY_KEY, FactSpec, ReportType
from ._library import Library, library_root, load_library, load_library_leniently, template_root
from ._scope import CATEGORY_TITLES, Category, Scope
from ._sections import PAPER_SIZES, LayoutSettings, layout_settings

__all__ = [
    "ReportType",
    "PAPER_SIZES", "LayoutSettings", "layout_settings",
    "CATEGORY_TITLES", "Category", "Scope",
    "AREAS", "FACT_SPECS", "REVIEW_CADENCES", "ROLE_TITLES", "SPECS_BY_KEY", "Catalog", "ChecklistItem", "Control",
    "Criterion", "EvidenceItem", "FactSpec", "Facts", "HistoryEntry", "Library", "PolicyDoc", "dump_facts",
    "facts_from_answers", "library_root", "load_catalog", "load_facts", "load_library", "load_library_leniently",
    "parse_facts_yaml", "parse_policy", "raw_defaults", "resolve_answers", "serialize_policy", "template_root",
]
