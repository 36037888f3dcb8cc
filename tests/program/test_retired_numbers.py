"""A gap in a numbered series is explained where a reader meets it (issue #12, auditor read A36).

The auditor found no GOV-01, COC-01 or MON-06 anywhere and a risk register that says it starts with 25 risks and
jumps from R-24 to R-28, and asked whether anything was lost.
"""

from __future__ import annotations

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._companion import companion_pages
from policyforge.program._lint import variant_program
from policyforge.program._program import retired_ids
from policyforge.site import grouped_matrix_page


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def test_retired_ids_are_the_numbers_missing_below_each_series_highest() -> None:
    assert retired_ids(["GOV-02", "GOV-04", "COC-02", "MON-01", "MON-02"]) == ["COC-01", "GOV-01", "GOV-03"]
    assert retired_ids(["ACC-01", "ACC-02"]) == []


def test_both_control_matrices_name_the_retired_numbers(library: Library) -> None:
    program = variant_program("example", library)
    gaps = retired_ids(list(library.catalog.controls))
    assert {"GOV-01", "COC-01", "MON-06"} <= set(gaps)
    assert all(gap not in library.catalog.controls for gap in gaps)
    for page in (program.matrix_page(), grouped_matrix_page(program)):
        intro = " ".join(page.split("|", 1)[0].split())
        assert "GOV-01" in intro and "MON-06" in intro and "never given to another control" in intro


def test_the_risk_register_names_the_starting_risks_left_out(library: Library) -> None:
    page = " ".join(companion_pages(variant_program("example", library))["companion/risk-register.md"].split())
    assert "The numbers R-25, R-26 and R-27 are not used here" in page
    for number in ("R-25", "R-26", "R-27"):
        assert f"| {number} |" not in page
