"""Who carries the program: each person's controls and yearly hours, with a warning when it is too much.

Roles are held by people, and in a small company one person often holds several. Counting by
person (not by role) shows what the program really asks of each of them, so a lean program can
be checked for being lean, and a load nobody could carry is visible before the auditor sees it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..model._catalog import Control
from ..model._facts_schema import ROLE_TITLES
from ..model._yaml import load_fast
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
    data: dict[str, Any] = load_fast((program.library.root / "catalog" / "effort.yaml").read_text("utf-8"))
    return data


def control_hours(control: Control, effort: dict[str, Any]) -> float:
    """Return a control's hours a year: its runs times one run's hours, and a share more per control merged in."""
    rate: dict[str, float] = effort["frequencies"][control.frequency]
    return rate["per_year"] * rate["hours"] * (1 + float(effort["merged_share"]) * len(control.merges))


def owner_loads(program: Program) -> list[PersonLoad]:
    """Return each person with their roles, controls and yearly hours, heaviest first."""
    effort = _effort(program)
    plausible: dict[str, dict[str, float]] = effort["plausible"]
    people: dict[str, dict[str, Any]] = {}
    for role in ROLE_TITLES:
        email = str(program.facts.people.role(role).email).lower()
        entry = people.setdefault(email, {"name": program.facts.people.role(role).name, "roles": [],
                                          "controls": [], "hours": 0.0})
        entry["roles"].append(role)
    for control in program.controls():
        email = str(program.facts.people.role(control.owner).email).lower()
        people[email]["controls"].append(control.id)
        people[email]["hours"] += control_hours(control, effort)
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


def _merged_note(program: Program) -> str:
    """Return how many library controls the lean program runs as part of others, for the program page."""
    effort = _effort(program)
    merged = sum(len(control.merges) for control in program.controls())
    if not merged:
        return ""
    hosts = sum(1 for control in program.controls() if control.merges)
    share = float(effort["merged_share"])
    return (f"; in this lean program {merged} more are run as part of {hosts} of them (the same activity at the "
            f"same cadence by the same owner: one run and one record, each merged control adding "
            f"{share:.0%} of a run's hours)")


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
        f"{len(program.controls())} controls are in force{_merged_note(program)}. Hours are planning estimates "
        "per run (catalog/effort.yaml) times the runs a year of each control's frequency.\n",
        "| Person | Roles | Controls | Hours a year | Load |",
        "|---|---|---|---|---|",
    ]
    for load in loads:
        roles = ", ".join(ROLE_TITLES[r] for r in load.roles)
        verdict = "**too much:** " + "; ".join(load.too_much) if load.too_much else "plausible"
        out.append(f"| {markdown_text(load.name)} | {roles} | {len(load.controls)} | {load.hours:g} | {verdict} |")
    warnings = load_warnings(program, loads)
    if warnings:
        out += ["", "**Warning: one person carries more than is plausible.** " + " ".join(warnings[1:])]
    return "\n".join(out) + "\n"


def load_warnings(program: Program, loads: list[PersonLoad] | None = None) -> list[str]:
    """Return what the scaffold and the program page say when someone carries more than is plausible.

    The first line names the people; the next says whether moving controls between the people the
    company has can fix it, or whether the program needs more hours than those people have at all
    (a physical limit that no assignment of roles removes).
    """
    loads = owner_loads(program) if loads is None else loads
    heavy = [load for load in loads if load.too_much]
    if not heavy:
        return []
    plausible: dict[str, dict[str, float]] = _effort(program)["plausible"]
    names = "; ".join(f"{load.name} ({len(load.controls)} controls, {load.hours:g} hours a year)" for load in heavy)
    total = sum(load.hours for load in loads)
    controls = sum(len(load.controls) for load in loads)
    part_time = plausible["part_time"]
    limits = [plausible["full_time" if not program.facts.small and set(load.roles) <= FULL_TIME_ROLES
                        else "part_time"] for load in loads]
    hours_capacity = sum(limit["hours"] for limit in limits)
    control_capacity = sum(limit["controls"] for limit in limits)
    out = [f"more than is plausible: {names}."]
    if total > hours_capacity or controls > control_capacity:
        short = max(total - hours_capacity, 0.0)
        more = max(math.ceil(short / part_time["hours"]), math.ceil(max(controls - control_capacity, 0)
                                                                        / part_time["controls"]))
        out.append(
            f"This is a physical limit, not a matter of who holds which role: the {controls} controls in force take "
            f"{total:.0f} hours a year, and the {len(loads)} people named in company.yml can give "
            f"{hours_capacity:.0f} hours and keep evidence for {control_capacity:.0f} controls beside their main "
            f"jobs, so no assignment of roles makes it fit. Before the examination relies on these controls, "
            + (f"give the roles of company.yml to at least {more} more people (for example a part-time security "
               f"lead as Security Officer), or contract an outside provider for about {short:.0f} hours a year."
               if len(loads) + more <= len(ROLE_TITLES) else
               f"contract an outside provider for about {short:.0f} hours a year: company.yml's "
               f"{len(ROLE_TITLES)} roles cannot spread it over the {len(loads) + more} people it needs."))
    else:
        out.append("The people named in company.yml can carry it together: move controls to another role in the "
                   "control files, or give the roles to different people in company.yml, before the examination "
                   "relies on them.")
    return out
