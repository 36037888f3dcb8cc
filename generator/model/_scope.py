"""The audit's scope: which Trust Services categories a company is examined on, and what follows from them.

Which criteria are in scope, which a policy's controls address (the ``criteria:`` a policy file
must list), and how the scope is named in prose, are derived here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from ._catalog import Catalog, Criterion


class Category(StrEnum):
    """A Trust Services category; Security is always in scope, the others are chosen in ``company.yml``."""

    SECURITY = "security"
    AVAILABILITY = "availability"
    CONFIDENTIALITY = "confidentiality"
    PROCESSING_INTEGRITY = "processing_integrity"
    PRIVACY = "privacy"

    @property
    def label(self) -> str:
        """Return the category's name as the AICPA writes it ("Processing Integrity")."""
        return CATEGORY_TITLES[self.value]


CATEGORY_TITLES: dict[str, str] = {
    Category.SECURITY.value: "Security",
    Category.AVAILABILITY.value: "Availability",
    Category.CONFIDENTIALITY.value: "Confidentiality",
    Category.PROCESSING_INTEGRITY.value: "Processing Integrity",
    Category.PRIVACY.value: "Privacy",
}


@dataclass(frozen=True)
class Scope:
    """The categories in scope (Security first) and the criteria that follow from them in a catalog."""

    categories: tuple[str, ...]

    def includes(self, category: str) -> bool:
        """Return whether a category (of a policy, a criterion, a companion document) is in scope."""
        return category in self.categories

    def describe(self) -> str:
        """Return the categories for prose: "Security, Availability, Privacy"."""
        return ", ".join(CATEGORY_TITLES[c] for c in self.categories)

    def criteria(self, catalog: Catalog) -> list[Criterion]:
        """Return the criteria of the categories in scope, in catalog order."""
        return [c for c in catalog.criteria.values() if c.category in self.categories]

    def scoped(self, criteria: Iterable[str], catalog: Catalog) -> list[str]:
        """Return those of ``criteria`` (ids) whose category is in scope, in the order given."""
        return [c for c in criteria if catalog.criteria[c].category in self.categories]

    def derive_criteria(self, controls: Iterable[str], catalog: Catalog) -> tuple[str, ...]:
        """Return the in-scope criteria that the controls address, in catalog order (a policy's ``criteria:``).

        Control ids the catalog does not know address nothing (``check`` reports them on their own).
        """
        carried = {crit for cid in controls if cid in catalog.controls for crit in catalog.controls[cid].criteria}
        return tuple(crit.id for crit in self.criteria(catalog) if crit.id in carried)
