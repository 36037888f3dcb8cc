"""Who carries the program: each person's controls and yearly hours, with a warning when it is too much.

Roles are held by people, and in a small company one person often holds several. Counting by
person (not by role) shows what the program really asks of each of them, so a lean program can
be checked for being lean, and a load nobody could carry is visible before the auditor sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..model._facts_schema import ROLE_TITLES
from ..render._escape import markdown_text
from ._program import Program

# Roles that are a person's whole job in a company of more than 50 people.
FULL_TIME_ROLES = frozenset({"security_officer", "privacy_officer"})


@dataclass(frozen=True)
class PersonLoad:
    """The controls one person owns through all of their roles, and the hours they take a year."""

    name: str
    email: str
    roles: tuple[str, ...]
    controls: tuple[str, ...]
    hours: float
    too_much: tuple[str, ...]


def _effort(program: Program) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((program.library.root / "catalog" / "effort.yaml").read_text("utf-8"))
    return data


def owner_loads(program: Program) -> list[PersonLoad]:
    """Return each person with their roles, controls and yearly hours, heaviest first."""
    effort = _effort(program)
    rates: dict[str, dict[str, float]] = effort["frequencies"]
    plausible: dict[str, dict[str, float]] = effort["plausible"]
    people: dict[str, dict[str, Any]] = {}
    for role in ROLE_TITLES:
        email = str(program.facts.people.role(role).email).lower()
        entry = people.setdefault(email, {"name": program.facts.people.role(role).name, "roles": [],
                                          "controls": [], "hours": 0.0})
        entry["roles"].append(role)
    for control in program.controls():
        email = str(program.facts.people.role(control.owner).email).lower()
        rate = rates[control.frequency]
        people[email]["controls"].append(control.id)
        people[email]["hours"] += rate["per_year"] * rate["hours"]
    out: list[PersonLoad] = []
    for email, entry in people.items():
        warnings: list[str] = []
        full_time = not program.facts.small and set(entry["roles"]) <= FULL_TIME_ROLES
        limits = plausible["full_time" if full_time else "part_time"]
        kind = "in a full-time security role" if full_time else "beside their main job"
        if entry["hours"] > limits["hours"]:
            warnings.append(f"{entry['hours']:.0f} hours a year is more than the {limits['hours']:.0f} one person "
                            f"can give {kind}")
        if len(entry["controls"]) > limits["controls"]:
            warnings.append(f"{len(entry['controls'])} controls are more than the {limits['controls']:.0f} one "
                            f"person can keep evidence for {kind}")
        out.append(PersonLoad(entry["name"], email, tuple(entry["roles"]), tuple(entry["controls"]),
                              round(entry["hours"], 1), tuple(warnings)))
    return sorted(out, key=lambda p: (-p.hours, p.name))


def program_page(program: Program) -> str:
    """Return the program page: how the program is governed and what it asks of each person."""
    small = program.facts.small
    board = program.facts.shape.has_board
    loads = owner_loads(program)
    out = [
        "# Who carries the program\n",
        f"Headcount {markdown_text(program.facts.shape.headcount_band)}: "
        + ("a lean program governed in the leadership security meeting, with outside testing once a year"
           if small else "a security committee with a quorum, and internal testing every quarter")
        + ("; oversight by the board of directors." if board else
           "; no board, so an outside security adviser oversees management.") + "\n",
        f"{len(program.controls())} controls are in force. Hours are planning estimates per run "
        "(catalog/effort.yaml) times the runs a year of each control's frequency.\n",
        "| Person | Roles | Controls | Hours a year | Load |",
        "|---|---|---|---|---|",
    ]
    for load in loads:
        roles = ", ".join(ROLE_TITLES[r] for r in load.roles)
        verdict = "**too much:** " + "; ".join(load.too_much) if load.too_much else "plausible"
        out.append(f"| {markdown_text(load.name)} | {roles} | {len(load.controls)} | {load.hours:g} | {verdict} |")
    heavy = [load for load in loads if load.too_much]
    if heavy:
        out += ["", "**Warning: one person carries more than is plausible.** Move controls to another role in the "
                "control files, or give the roles to different people in company.yml, before the examination "
                "relies on them."]
    return "\n".join(out) + "\n"
