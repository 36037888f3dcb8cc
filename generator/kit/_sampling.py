"""The sampling table: how many artefacts a recurring control needs, by frequency and window.

The figures live in the library (``catalog/sampling.yaml``) with their source, so the evidence plan,
the internal-testing text and an auditor reading both use one stated table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._errors import Problem, TemplateError
from ..model._catalog import FREQUENCIES, line_of, read_catalog_yaml

SAMPLING_FILE = "catalog/sampling.yaml"


@dataclass(frozen=True)
class SamplingTable:
    """Sample sizes per control frequency, per-event sample, and the source they come from."""

    sizes: dict[str, int]
    per_event: int
    source: str

    def size(self, frequency: str) -> int | None:
        """Return the sample size for a frequency, or None for one the table has no row for."""
        return self.sizes.get(frequency)


def load_sampling(library: Path) -> SamplingTable:
    """Read and validate ``catalog/sampling.yaml``; every scheduled frequency needs a positive size."""
    path = library / SAMPLING_FILE
    where = str(path)
    data, text = read_catalog_yaml(path, "add the sampling table (sizes: per frequency)")
    problems: list[Problem] = []
    sizes = data.get("sizes") if isinstance(data, dict) else None
    if not isinstance(sizes, dict):
        raise TemplateError([Problem(where, "must hold a `sizes:` mapping", "write sizes: {annual: 1, ...}")])
    for frequency in FREQUENCIES:
        if frequency == "per-event":
            continue
        size = sizes.get(frequency)
        if not isinstance(size, int) or isinstance(size, bool) or size < 1:
            problems.append(Problem(where, f"sizes.{frequency}: {size!r} is not a positive whole number",
                                    f"give the sample size for a {frequency} control", line_of(text, f"{frequency}:")))
    for frequency in sizes:
        if frequency not in FREQUENCIES:
            problems.append(Problem(where, f"sizes.{frequency}: not a control frequency",
                                    f"use one of {', '.join(FREQUENCIES)}", line_of(text, f"{frequency}:")))
    per_event = data.get("per_event")
    if not isinstance(per_event, int) or isinstance(per_event, bool) or per_event < 1:
        problems.append(Problem(where, f"per_event: {per_event!r} is not a positive whole number",
                                "give the sample drawn from a per-event population", line_of(text, "per_event:")))
    source = data.get("source")
    if not isinstance(source, str) or not source.strip():
        problems.append(Problem(where, "source: missing", "name the public basis of the figures",
                                line_of(text, "source:")))
    if problems:
        raise TemplateError(problems)
    return SamplingTable(dict(sizes), int(per_event), str(source).strip())
