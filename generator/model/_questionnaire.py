"""What ``policyforge new`` asks, in which groups, and what it derives from the answers.

A dozen essentials come first, in titled groups; every other fact gets a default derived from
them (``cookiecutter.json``'s expressions plus the few choices below) and is offered for review
at the end, grouped as in ``company.yml``. The prompts themselves live in the CLI adapter; this
module is plain data and functions so it can be tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .._errors import FactsError, Problem
from ._answers import resolve_answers
from ._derive import first_of_next_month
from ._facts import check_answer, parse_facts_yaml, unknown_key_problem
from ._facts_schema import FACT_SPECS, GROUP_TITLES, OPTIONAL_CATEGORIES, SMALL_BANDS, SPECS_BY_KEY, FactSpec
from ._places import REPRESENTED_REGIONS, place_data, representative_regions

# The scope question stands for the four category facts; its answer is a list of categories.
SCOPE = "scope"
SCOPE_KEYS = {category: f"scope_{category}" for category in OPTIONAL_CATEGORIES}
CATEGORY_LABELS = {
    "availability": "Availability (uptime, capacity, disaster recovery)",
    "confidentiality": "Confidentiality (customers' confidential business data)",
    "processing_integrity": "Processing Integrity (complete, accurate processing)",
    "privacy": "Privacy (personal data of individuals)",
}

ESSENTIAL_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Your company", ("company_name", "website", "hq_country", "headcount_band")),
    ("The people who answer for the program", ("ceo_name", "security_officer_name", "cto_name")),
    ("Your systems", ("cloud_providers", "identity_provider", "source_control")),
    ("The SOC 2 audit", ("report_type", SCOPE, "observation_start")),
)
ESSENTIALS: tuple[str, ...] = tuple(key for _, keys in ESSENTIAL_GROUPS for key in keys)
# Identity facts have no example default when asked: a company types its own.
NO_EXAMPLE_DEFAULT = frozenset({"company_name", "website", "ceo_name", "security_officer_name", "cto_name"})
# What the audit firm is called until the company has chosen one; it reads well in every sentence.
AUDIT_FIRM_PLACEHOLDER = "an independent CPA firm"

SCOPE_PROMPT = "Trust Services categories in scope besides Security"


@dataclass(frozen=True)
class ReviewGroup:
    """One titled group of derived answers offered for review."""

    title: str
    keys: tuple[str, ...]


def spec(key: str) -> FactSpec:
    """Return the schema entry of a fact key."""
    return SPECS_BY_KEY[key]


def dated_defaults(today: dt.date) -> dict[str, str]:
    """Return the date answers a new company starts from: policies in effect today, the window from next month.

    ``cookiecutter.json`` derives the same from ``source_date()``; the questionnaire passes its own
    day so it can be pinned. Once written to company.yml, the dates are facts like any other.
    """
    return {"effective_date": today.isoformat(), "observation_start": first_of_next_month(today)}


def interactive_defaults(given: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Return every answer: the ones given, the rest derived from them.

    Beyond ``cookiecutter.json``'s derivations, a company answering for itself gets dates from
    today, its Security Officer as Privacy Officer and its CEO as Head of People until it names
    others, and no example audit firm.
    """
    chosen = dict(given)
    extra: dict[str, Any] = {**dated_defaults(today or dt.date.today()), "audit_firm": AUDIT_FIRM_PLACEHOLDER}
    if "security_officer_name" in chosen:
        extra["privacy_officer_name"] = chosen["security_officer_name"]
    if "ceo_name" in chosen:
        extra["head_of_people_name"] = chosen["ceo_name"]
    for key, value in extra.items():
        chosen.setdefault(key, value)
    return {key: str(value) if isinstance(value, str) else value for key, value in resolve_answers(chosen).items()}


def scope_answer(answers: Mapping[str, Any]) -> list[str]:
    """Return the optional categories the answers put in scope."""
    return [c for c in OPTIONAL_CATEGORIES if str(answers.get(SCOPE_KEYS[c], "")).strip().lower() in
            {"true", "yes", "y", "1", "on"} or answers.get(SCOPE_KEYS[c]) is True]


def apply_scope(answers: dict[str, Any], categories: list[str]) -> None:
    """Set the four category facts from the chosen categories."""
    for category, key in SCOPE_KEYS.items():
        answers[key] = category in categories


def not_applicable(answers: Mapping[str, Any]) -> frozenset[str]:
    """Return the facts this company is never asked: a party or representative it does not need.

    A representative is asked only of a company established outside the EU or the UK whose customers'
    users are there; the outside engineer only with one engineer; the outside security adviser only without
    a board; the independent assessor only with 1-50 people; the segmentation tester only with card data.
    When the answers one of them depends on cannot be read yet, it stays offered.
    """
    skipped: set[str] = set()

    def read(key: str, default: Any) -> Any:
        return check_answer(key, answers.get(key, default))

    try:
        home = place_data().jurisdiction(str(read("hq_country", "")))
        needed = representative_regions(home, read("customer_regions", ""), bool(read("data_pii", True)))
        skipped |= {fact for region, (fact, _, _) in REPRESENTED_REGIONS.items() if region not in needed}
    except FactsError:
        pass
    # The facts a party's question stands for, the answer it depends on, and when that answer makes it moot.
    conditions: tuple[tuple[tuple[str, ...], str, Callable[[Any], bool]], ...] = (
        (("outside_engineer",), "engineers", lambda engineers: engineers != 1),
        (("security_adviser_name", "security_adviser_email"), "has_board", lambda board: board is True),
        (("independent_assessor",), "headcount_band", lambda band: band not in SMALL_BANDS),
        (("segmentation_tester", "scanning_vendor", "pci_assessor"), "data_payment", lambda payment: payment is False),
    )
    for facts, key, applies_not in conditions:
        if key not in answers or answers.get(key) in ("", None):
            continue
        try:
            if applies_not(read(key, "")):
                skipped.update(facts)
        except FactsError:
            continue
    return frozenset(skipped)


def review_groups(answers: Mapping[str, Any] | None = None) -> tuple[ReviewGroup, ...]:
    """Return the facts not asked as essentials, grouped and titled as in ``company.yml``.

    Given the answers so far, facts that do not apply to this company (``not_applicable``) are left out.
    """
    asked = set(ESSENTIALS) | set(SCOPE_KEYS.values()) | (not_applicable(answers) if answers is not None else set())
    groups: dict[str, list[str]] = {}
    for fact in FACT_SPECS:
        if fact.key not in asked:
            groups.setdefault(fact.path[0], []).append(fact.key)
    return tuple(ReviewGroup(GROUP_TITLES[name], tuple(keys)) for name, keys in groups.items())


def display(value: Any) -> str:
    """Return an answer as the questionnaire shows it (yes/no for booleans)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if str(value) != "" else "(none)"


def load_answers_file(path: Path) -> dict[str, Any]:
    """Read answers from YAML or JSON: flat fact keys, a cookiecutter replay file, or a ``company.yml``."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = Problem(where, f"cannot be read ({exc.strerror})", "give the path of an answers file")
        raise FactsError([problem]) from None
    try:
        loaded = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        problem = Problem(where, "is neither valid YAML nor JSON", "write one `key: value` per line")
        raise FactsError([problem]) from None
    if not isinstance(loaded, dict):
        raise FactsError([Problem(where, "is not a mapping of answers", "write one `key: value` per line")])
    if isinstance(loaded.get("company"), dict):
        # A previous company.yml: validate it as such, then take its facts as answers.
        return parse_facts_yaml(text, where=where).flat()
    for wrapper in ("cookiecutter", "default_context"):
        if isinstance(loaded.get(wrapper), dict):
            loaded = loaded[wrapper]
    answers = {str(k): v for k, v in loaded.items() if not str(k).startswith("_")}
    unknown = [unknown_key_problem(key, where) for key in answers if key not in SPECS_BY_KEY]
    if unknown:
        raise FactsError(unknown)
    return {key: (value.isoformat() if isinstance(value, dt.date) else value) for key, value in answers.items()}
