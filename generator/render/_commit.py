"""How a named commitment reads in a sentence: ``{{ commit.NAME }}`` and its ``.within``/``.every`` forms.

One object per commitment gives every wording a template needs ("1 hour", "within 3 business
days", "every 3 months", "quarterly"), so no template retypes a number or builds a plural by hand.
The value comes from the company's facts or the library default (``model._commitments.resolve``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from .._errors import BadValue
from ..model._commitments import (
    UNIT_HOURS,
    CommitmentCatalog,
    CommitmentValue,
    frequency_for,
    unit_word,
)
from ..model._commitments import (
    unit_phrase as unit_phrase,  # re-exported: the kit and trust pages print values with it
)
from ..model._consistency import UPTIME

# Adverbs for the cadences that have one ("reviewed quarterly").
_ADVERBS: dict[tuple[float, str], str] = {
    (1, "hour"): "hourly", (1, "day"): "daily", (1, "business_day"): "every business day", (1, "week"): "weekly",
    (1, "month"): "monthly", (3, "month"): "quarterly", (6, "month"): "twice a year", (12, "month"): "yearly",
    (1, "year"): "yearly",
}
class CommitText:
    """One commitment as a template prints it; ``str()`` is the value with its unit."""

    def __init__(self, value: CommitmentValue) -> None:
        """Keep the company's value of the commitment."""
        self._value = value

    def __str__(self) -> str:
        """Return ``1 hour``, ``3 business days`` or ``75%``."""
        return unit_phrase(self._value.value, self._value.unit)

    @property
    def value(self) -> int | float:
        """Return the number alone (an int when whole)."""
        number = self._value.value
        return int(number) if number == int(number) else number

    @property
    def within(self) -> str:
        """Return ``within 1 hour``."""
        return f"within {self}"

    @property
    def every(self) -> str:
        """Return ``every 3 months``, or ``every year`` for a single unit."""
        if self._value.unit in ("percent", "count"):
            raise BadValue(f"commit.{self._value.name}.every: {self._value.unit} is not a period",
                           f"print {{{{ commit.{self._value.name} }}}} instead")
        if self._value.value == 1:
            return f"every {unit_word(self._value.unit)}"
        if (self._value.value, self._value.unit) == (12, "month"):
            return "every year"
        return f"every {self}"

    @property
    def adverb(self) -> str:
        """Return ``quarterly``, ``monthly``, ``yearly``... for a cadence that has such a word."""
        word = _ADVERBS.get((self._value.value, self._value.unit))
        if word is None:
            raise BadValue(f"commit.{self._value.name}.adverb: {self} has no adverb",
                           f"write {{{{ commit.{self._value.name}.every }}}} instead")
        return word

    @property
    def downtime(self) -> str:
        """Return the downtime a month an availability percentage allows: ``43 minutes`` for 99.9%."""
        if self._value.unit != "percent":
            raise BadValue(f"commit.{self._value.name}.downtime: {self} is not an availability percentage",
                           f"print .downtime of a percent commitment, such as {{{{ commit.{UPTIME}.downtime }}}}")
        minutes = (100 - self._value.value) / 100 * UNIT_HOURS["month"] * 60
        if minutes < 120:
            return unit_phrase(int(minutes), "minute")
        return unit_phrase(round(minutes / 60, 1), "hour")

    @property
    def frequency(self) -> str:
        """Return the control frequency this cadence runs at (``quarterly``)."""
        return frequency_for(self._value.value, self._value.unit)

    @property
    def title(self) -> str:
        """Return what is committed, in words."""
        return self._value.commitment.title


class CommitContext(Mapping[str, CommitText]):
    """The ``commit`` variable: each commitment by name; an unknown name fails with a suggestion."""

    def __init__(self, catalog: CommitmentCatalog, values: Mapping[str, CommitmentValue]) -> None:
        """Wrap a company's resolved commitments."""
        self._catalog = catalog
        self._texts = {name: CommitText(value) for name, value in values.items()}

    def __getitem__(self, name: str) -> CommitText:
        """Return one commitment's wording."""
        return self._texts[name]

    def __getattr__(self, name: str) -> CommitText:
        """Return ``commit.NAME``; raise with a did-you-mean for a name the catalog lacks."""
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._texts[name]
        except KeyError:
            raise BadValue(f"commit.{name} is not a named commitment",
                           f"{self._catalog.suggest(name)} (policy_templates/catalog/commitments.yaml)") from None

    def __iter__(self) -> Iterator[str]:
        """Iterate over commitment names."""
        return iter(self._texts)

    def __len__(self) -> int:
        """Return how many commitments there are."""
        return len(self._texts)
