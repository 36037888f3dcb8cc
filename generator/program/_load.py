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
from ..model._facts import Facts
from ..model._facts_schema import OUTSIDE_PARTIES, ROLE_TITLES
from ..model._parties import party_name, performer
from ..model._roles import adviser_phrase, outside_engineer, technical_reviewer
from ..model._yaml import load_fast
from ..render._escape import markdown_text
from ..render._render import join_and
from ._program import Program

# Roles that are a person's whole job in a company of more than 50 people.
FULL_TIME_ROLES = frozenset({"security_officer", "privacy_officer"})


@dataclass(frozen=True)
class PersonLoad:
    """The controls one person owns through all of their roles, and the hours they take a year.

    ``manual`` counts the owned controls that need manual evidence work (every one but the continuous,
    automated ones): the count the plausibility limit applies to.
    """

    name: str
    email: str
    roles: tuple[str, ...]
    controls: tuple[str, ...]
    hours: float
    too_much: tuple[str, ...]
    manual: int = 0


@dataclass(frozen=True)
class PartyLoad:
    """The work an outside party does under contract: the controls it operates and the hours a year they take.

    Each control stays owned, and counted, by the role accountable for it, which keeps a share of its hours
    (``contracted_owner_share`` in effort.yaml); these are the rest.
    """

    party: str
    name: str
    controls: tuple[str, ...]
    hours: float
    # The controls whose every run the party checks for the company (effort.yaml's checked_runs): the owner runs them.
    checks: tuple[str, ...] = ()


def _effort(program: Program) -> dict[str, Any]:
    data: dict[str, Any] = load_fast((program.library.root / "catalog" / "effort.yaml").read_text("utf-8"))
    return data


def costed_headcount(band: str, effort: dict[str, Any]) -> float:
    """Return the headcount a band is costed at: its midpoint, or effort.yaml's number for the open top band."""
    if band.endswith("+"):
        return float(effort["headcount_above_top_band"])
    low, high = band.split("-")
    return (int(low) + int(high)) / 2


def events_a_year(trigger: str, headcount: float, effort: dict[str, Any]) -> float:
    """Return how often a trigger occurs in a year at a headcount: per person times people, at least its floor."""
    rate: dict[str, float] = effort["triggers"][trigger]
    return max(float(rate["per_person"]) * headcount, float(rate["floor"]))


def run_hours(control: Control, headcount: float, effort: dict[str, Any]) -> float:
    """Return one run's hours: set-up plus minutes per person for a population control, else its frequency's."""
    population: dict[str, float] | None = effort["population"].get(control.id)
    if population is not None:
        return float(population["setup"]) + headcount * float(population["minutes_per_person"]) / 60
    if control.trigger is not None:
        return float(effort["triggers"][control.trigger]["hours"])
    return float(effort["frequencies"][control.frequency]["hours"])


def runs_a_year(control: Control, headcount: float, effort: dict[str, Any]) -> float:
    """Return a control's runs a year: its trigger's events at this headcount, or its frequency's runs."""
    if control.trigger is not None:
        return events_a_year(control.trigger, headcount, effort)
    return float(effort["frequencies"][control.frequency]["per_year"])


def control_hours(control: Control, effort: dict[str, Any], headcount: float) -> float:
    """Return a control's hours a year: its runs times one run's hours, and a share more per control merged in."""
    return (runs_a_year(control, headcount, effort) * run_hours(control, headcount, effort)
            * (1 + float(effort["merged_share"]) * len(control.merges)))


def run_checker(facts: Facts) -> tuple[str, str]:
    """Return who checks each run of a control the CTO reviews their own work in: ("role", key) or ("party", key).

    The CTO's reviewer (``technical_reviewer``): a role holder (the Security Officer, the Chief Executive Officer, the
    alternate approver), or the contracted outside engineer, or, where nobody inside is left, the outside security
    adviser of a company without a board; ("", "") for an independent director, whose hours the program does not cost.
    """
    _, role = technical_reviewer(facts)
    if role:
        return "role", role
    if outside_engineer(facts):
        return "party", "outside_engineer"
    return ("party", "security_adviser") if not facts.shape.has_board else ("", "")


def check_hours(control: Control, effort: dict[str, Any], headcount: float) -> float:
    """Return the hours a year someone other than the owner spends checking each run of a control, or 0.

    effort.yaml's ``checked_runs``: a share of the control's hours for the controls whose every run is checked by the
    CTO's reviewer, counted for that reviewer (``run_checker``), as the owner's own hours do not include it.
    """
    checked: dict[str, Any] = effort.get("checked_runs") or {}
    if control.id not in (checked.get("controls") or []):
        return 0.0
    return control_hours(control, effort, headcount) * float(checked["share"])


def program_headcount(program: Program, effort: dict[str, Any] | None = None) -> float:
    """Return the headcount the company's load is costed at."""
    return costed_headcount(program.facts.shape.headcount_band, effort or _effort(program))


def owner_loads(program: Program) -> list[PersonLoad]:
    """Return each person with their roles, controls and yearly hours, heaviest first."""
    effort = _effort(program)
    headcount = program_headcount(program, effort)
    plausible: dict[str, dict[str, float]] = effort["plausible"]
    people: dict[str, dict[str, Any]] = {}
    for role in ROLE_TITLES:
        email = str(program.facts.people.role(role).email).lower()
        entry = people.setdefault(email, {"name": program.facts.people.role(role).name, "roles": [],
                                          "controls": [], "manual": 0, "hours": 0.0})
        entry["roles"].append(role)
    kind, checker = run_checker(program.facts)
    if kind == "role":
        held = program.facts.people.role(checker)
        # An alternate approver who holds no office checks as themself: a person of company.yml with no roles.
        people.setdefault(str(held.email).lower(), {"name": held.name, "roles": [], "controls": [], "manual": 0,
                                                    "hours": 0.0})
    for control in program.controls():
        if kind == "role":
            people[str(program.facts.people.role(checker).email).lower()]["hours"] += \
                check_hours(control, effort, headcount)
        email = str(program.facts.people.role(control.owner).email).lower()
        people[email]["controls"].append(control.id)
        people[email]["manual"] += control.frequency != "continuous"
        hours = control_hours(control, effort, headcount)
        if performer(program.facts, control.performed_by):
            hours *= float(effort["contracted_owner_share"])
        people[email]["hours"] += hours
    out: list[PersonLoad] = []
    for email, entry in people.items():
        warnings: list[str] = []
        full_time = not program.facts.small and set(entry["roles"]) <= FULL_TIME_ROLES
        limits = plausible["full_time" if full_time else "part_time"]
        kind = "in a full-time security role" if full_time else "beside their main job"
        if entry["hours"] > limits["hours"]:
            warnings.append(f"{entry['hours']:.0f} hours a year is more than the {limits['hours']:.0f} one person "
                            f"can give {kind}")
        if entry["manual"] > limits["controls"]:
            warnings.append(f"{entry['manual']} controls with manual evidence are more than the "
                            f"{limits['controls']:.0f} one person can keep evidence for {kind}")
        out.append(PersonLoad(entry["name"], email, tuple(entry["roles"]), tuple(entry["controls"]),
                              round(entry["hours"], 1), tuple(warnings), entry["manual"]))
    return sorted(out, key=lambda p: (-p.hours, p.name))


def contracted_loads(program: Program) -> list[PartyLoad]:
    """Return each outside party that operates controls for the company, with its contracted hours a year."""
    effort = _effort(program)
    headcount = program_headcount(program, effort)
    kept = float(effort["contracted_owner_share"])
    parties: dict[str, dict[str, Any]] = {}
    kind, checker = run_checker(program.facts)
    for control in program.controls():
        checking = check_hours(control, effort, headcount) if kind == "party" else 0.0
        if checking:
            entry = parties.setdefault(checker, {"controls": [], "checks": [], "hours": 0.0})
            entry["checks"].append(control.id)
            entry["hours"] += checking
        party = performer(program.facts, control.performed_by)
        if party is None:
            continue
        entry = parties.setdefault(party, {"controls": [], "checks": [], "hours": 0.0})
        entry["controls"].append(control.id)
        entry["hours"] += control_hours(control, effort, headcount) * (1 - kept)
    return [PartyLoad(party, party_name(program.facts, party), tuple(entry["controls"]), round(entry["hours"], 1),
                      tuple(entry["checks"]))
            for party, entry in sorted(parties.items(), key=lambda item: list(OUTSIDE_PARTIES).index(item[0]))]


def _kind_after(party: PartyLoad) -> str:
    """Return " (penetration tester)" after a named party, and nothing after "the penetration tester" itself.

    An unnamed party is called by its kind, so the kind in brackets would repeat it: "the independent assessor
    (independent assessor)" (issue #12, auditor read A35).
    """
    kind = OUTSIDE_PARTIES[party.party]
    return "" if kind.lower() in party.name.lower() else f" ({kind})"


def _contracted_note(program: Program, parties: list[PartyLoad]) -> str:
    """Return the sentence that says which work outside parties do under contract, for the program page."""
    if not parties:
        return ""
    kept = float(_effort(program)["contracted_owner_share"])
    done = "; ".join(f"{markdown_text(party.name)}{_kind_after(party)}: "
                     + join_and([*([", ".join(party.controls)] if party.controls else []),
                                 *([f"the check of each run of {', '.join(party.checks)}"] if party.checks else [])])
                     for party in parties)
    return (f"Outside parties do the work of some controls under contract ({done}): the owner stays accountable "
            f"and keeps {kept:.0%} of the control's hours for agreeing the scope, reading the result and following "
            "up the findings, and the rest is contracted hours, not counted against the people named"
            + ("; a checked run stays its owner's, and only its check is the party's" if any(p.checks for p in parties)
               else "") + ".\n")


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


def _hours_note(program: Program) -> str:
    """Return the one sentence that says how the hours are computed and at which headcount."""
    band = program.facts.shape.headcount_band
    headcount = program_headcount(program)
    share = float((_effort(program).get("checked_runs") or {}).get("share", 0))
    basis = (f"effort.yaml's number for the open {band} band" if band.endswith("+")
             else f"the midpoint of the {band} band")
    return (f"Hours a year are the planning estimates of catalog/effort.yaml at a headcount of {headcount:g} "
            f"({markdown_text(basis)}): a per-event control runs as often as its trigger (a joiner, a leaver, an "
            "incident...) occurs at that headcount, a review that goes through every person takes a set-up plus "
            "minutes per person, any other control its frequency's runs times its hours per run, a run that "
            f"someone other than its owner checks adds {share:.0%} of its hours to whoever checks it (the CTO's "
            "reviewer, for the reviews of the CTO's own work), and the limits count the controls with manual evidence "
            "(all but the continuous, automated ones).")


def program_page(program: Program) -> str:
    """Return the program page: how the program is governed and what it asks of each person."""
    small = program.facts.small
    board = program.facts.shape.has_board
    loads = owner_loads(program)
    parties = contracted_loads(program)
    out = [
        "# Who carries the program\n",
        f"Headcount {markdown_text(program.facts.shape.headcount_band)}: "
        + ("a lean program governed in the leadership security meeting, with outside testing once a year"
           if small else "a security committee with a quorum, and internal testing every quarter")
        + ("; oversight by the board of directors." if board else
           f"; no board, so {markdown_text(adviser_phrase(program.facts))} oversees management.") + "\n",
        f"{len(program.controls())} controls are in force{_merged_note(program)}. {_hours_note(program)}\n",
        *([_contracted_note(program, parties)] if parties else []),
        "| Person | Roles | Controls | With manual evidence | Hours a year | Load |",
        "|---|---|---|---|---|---|",
    ]
    for load in loads:
        roles = ", ".join(ROLE_TITLES[r] for r in load.roles)
        verdict = "**too much:** " + "; ".join(load.too_much) if load.too_much else "plausible"
        out.append(f"| {markdown_text(load.name)} | {roles} | {len(load.controls)} | {load.manual} | {load.hours:g} "
                   f"| {verdict} |")
    for party in parties:
        out.append(f"| {markdown_text(party.name)} | {OUTSIDE_PARTIES[party.party]}, under contract | "
                   f"{len(party.controls) + len(party.checks)} | | {party.hours:g} | contracted |")
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
    names = "; ".join(f"{load.name} ({load.manual} controls with manual evidence, {load.hours:g} hours a year)"
                      for load in heavy)
    total = sum(load.hours for load in loads)
    parties = contracted_loads(program)
    contracted = sum(party.hours for party in parties)
    in_force = sum(len(load.controls) for load in loads)
    controls = sum(load.manual for load in loads)
    part_time = plausible["part_time"]
    limits = [_limit(program, load, plausible) for load in loads]
    hours_capacity = sum(limit["hours"] for limit in limits)
    control_capacity = sum(limit["controls"] for limit in limits)
    out = [f"more than is plausible: {names}."]
    if total > hours_capacity or controls > control_capacity:
        short = max(total - hours_capacity, 0.0)
        more = max(math.ceil(short / part_time["hours"]), math.ceil(max(controls - control_capacity, 0)
                                                                        / part_time["controls"]))
        full_time_people = [load for load, limit in zip(loads, limits, strict=True) if limit is not part_time]
        jobs = ("beside their main jobs" if not full_time_people else
                f"({join_and([load.name for load in full_time_people])} in a full-time security role, the others "
                "beside their main jobs)")
        out.append(
            f"This is a physical limit, not a matter of who holds which role: the {in_force} controls in force take "
            f"{total:.0f} hours a year of the company's own people"
            + (f" (beyond the {contracted:.0f} contracted to {join_and([markdown_text(p.name) for p in parties])})"
               if parties else "")
            + f" and {controls} of them need manual evidence, and the {len(loads)} people named "
            f"in company.yml can give {hours_capacity:.0f} hours and keep evidence for {control_capacity:.0f} "
            f"controls {jobs}, so no assignment of roles makes it fit. Before the examination relies on these "
            "controls, " + _more_people_advice(program, heavy, plausible, more, short, len(loads)))
    else:
        out.append("The people named in company.yml can carry it together: move controls to another role in the "
                   "control files, or give the roles to different people in company.yml, before the examination "
                   "relies on them.")
    return out


def _more_people_advice(program: Program, heavy: list[PersonLoad], plausible: dict[str, dict[str, float]],
                        more: int, short: float, named: int) -> str:
    """Return how to staff a load the named people cannot carry.

    A small company spreads the roles over more people or buys hours. A larger company whose load
    outgrows the six roles of company.yml runs them as teams with the named person accountable, so
    the advice sizes each heavy holder's team in full-time posts instead of asking for more roles.
    """
    if named + more <= len(ROLE_TITLES):
        return (f"give the roles of company.yml to at least {more} more {'person' if more == 1 else 'people'} "
                "(for example a part-time security lead as Security Officer), or contract an outside provider "
                f"for about {short:.0f} hours a year.")
    if program.facts.small:
        return (f"contract an outside provider for about {short:.0f} hours a year: company.yml's "
                f"{len(ROLE_TITLES)} roles cannot spread it over the {named + more} people it needs.")
    beyond = [f"{load.hours - _limit(program, load, plausible)['hours']:.0f}" for load in heavy]
    teams = [f"{beyond[0]} hours a year for {heavy[0].name}'s controls"]
    teams += [f"{hours} for {load.name}'s" for hours, load in zip(beyond[1:], heavy[1:], strict=True)]
    return (f"give each of them a team they stay accountable for, sized to the hours beyond what they can give "
            f"themselves: about {join_and(teams)}; or move controls to the spare hours of the others and contract "
            f"an outside provider for about {short:.0f} hours a year.")


def _limit(program: Program, load: PersonLoad, plausible: dict[str, dict[str, float]]) -> dict[str, float]:
    """Return the limits one person is held to: full time for a security role of a larger company, else part time."""
    full_time = not program.facts.small and set(load.roles) <= FULL_TIME_ROLES
    return plausible["full_time" if full_time else "part_time"]
