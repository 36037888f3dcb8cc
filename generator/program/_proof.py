"""Which evidence items prove which control, for one company: the one answer every page prints.

The control matrix (site page and PDF appendix), the evidence plan (page, CSV and workbook), the
readiness page and the calendar all name the evidence of each control. They read it here, so a
control's evidence is the same on each: a matrix never cites an item the company's plan does not ask
for. The catalog lists every item that can prove a control; what proves it for one company depends
on its scope and its report:

- an item that bears only on a category out of scope (a privacy request log in a Security-only
  audit) is left out, unless the control has nothing else to prove it;
- a Type I report is about design at one date: it asks only for items marked ``type1``. A control
  whose items are all operating evidence is shown by its approved policy (``DESIGN_EVIDENCE``) and a
  walk-through, and its operating items are named as the evidence a later Type II window asks for.

In a small company's lean program a host runs the controls merged into it (``Control.merges``). Each
duty is proved on its own: the host's own duty by its own items, each merged part by the part's items.
An item of a merged part (about another subject) never proves the host's own duty, so a Type I duty
with no design item of its own is shown by the approved policy and a walk-through, named in the cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model._catalog import Control, id_order
from ..model._facts_schema import ReportType
from ._program import Program

# For a Type I report, a control whose evidence is all operating evidence is shown by its design:
# the approved policy that states it, plus the auditor's walk-through.
DESIGN_EVIDENCE = "EV-01"
WALKTHROUGH = "walk-through"
LATER_MARK = "(Type II)"


@dataclass(frozen=True)
class PartProof:
    """The evidence of one duty of a control in force: its own, or that of a control merged into it."""

    control: str
    requested: tuple[str, ...]
    later: tuple[str, ...]
    # Type I: the duty has no requested item of its own, so the approved policy and a walk-through show it.
    design_only: bool


@dataclass(frozen=True)
class ControlProof:
    """The evidence of one control for one company."""

    control: str
    # Items the company's report asks for that prove the control (DESIGN_EVIDENCE for a design-only one).
    requested: tuple[str, ...]
    # Operating items a Type I report does not ask for: a later Type II window asks for them.
    later: tuple[str, ...]
    # Type I: no duty of the control has a requested item of its own, so the approved policy and a
    # walk-through show it.
    design_only: bool
    # The control's own duty first, then each control merged into it (lean program), each proved on its own.
    parts: tuple[PartProof, ...] = ()

    def design_parts(self) -> tuple[str, ...]:
        """Return the duties (own id or merged control ids) shown by their design, in the order of ``parts``."""
        return tuple(part.control for part in self.parts if part.design_only)

    def proving(self, eid: str) -> tuple[str, ...]:
        """Return the duties a requested item proves: the own id and/or the merged control ids."""
        return tuple(part.control for part in self.parts if eid in part.requested)

    def cell(self) -> str:
        """Return the evidence as the control matrix prints it: ``EV-01 + walk-through; EV-73 (Type II)``.

        When only some duties of a lean host are shown by design, the walk-through names them:
        ``EV-40, EV-01 + walk-through (INC-04, INC-05)``.
        """
        named = "" if self.design_only else f" ({', '.join(self.design_parts())})"
        shown = [f"{eid} + {WALKTHROUGH}{named}" if eid == DESIGN_EVIDENCE and self.design_parts() else eid
                 for eid in self.requested]
        parts = [", ".join(shown)] if shown else []
        if self.later:
            parts.append(", ".join(f"{eid} {LATER_MARK}" for eid in self.later))
        return "; ".join(parts)


@dataclass(frozen=True)
class EvidenceMap:
    """Every control in force with its evidence, and every item with the controls it proves."""

    report_type: ReportType
    proofs: dict[str, ControlProof]

    @property
    def type2(self) -> bool:
        """Return whether the report tests a window (every item is requested)."""
        return self.report_type == ReportType.TYPE2

    def proof(self, control_id: str) -> ControlProof:
        """Return the evidence of one control in force."""
        return self.proofs[control_id]

    def proving(self) -> dict[str, tuple[str, ...]]:
        """Map each requested item to the ids of the controls it proves, in id order."""
        return self._by_item(lambda proof: proof.requested)

    def later(self) -> dict[str, tuple[str, ...]]:
        """Map each item a later Type II window asks for to the ids of the controls it will prove."""
        return self._by_item(lambda proof: proof.later)

    def _by_item(self, items: Callable[[ControlProof], tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """Invert control → items (``items`` picks which) into item → control ids, both in id order."""
        out: dict[str, list[str]] = {}
        for cid in sorted(self.proofs):
            for eid in items(self.proofs[cid]):
                out.setdefault(eid, []).append(cid)
        return {eid: tuple(out[eid]) for eid in sorted(out, key=id_order)}

    def design_only(self) -> tuple[str, ...]:
        """Return the ids of the controls shown by their approved policy and a walk-through (Type I)."""
        return tuple(cid for cid in sorted(self.proofs) if self.proofs[cid].design_only)


def _part_proof(program: Program, part: Control, type2: bool) -> PartProof:
    """Return the evidence of one duty, from the items that duty cites itself."""
    catalog = program.library.catalog.evidence
    items = [catalog[eid] for eid in part.evidence]
    relevant = [item for item in items if program.scoped(item.criteria)] or items
    if type2:
        return PartProof(part.id, tuple(item.id for item in relevant), (), False)
    design = tuple(item.id for item in relevant if item.type1)
    later = tuple(item.id for item in relevant if not item.type1)
    return PartProof(part.id, design or (DESIGN_EVIDENCE,), later, not design)


def _duties(program: Program, control: Control) -> list[Control]:
    """Return the control's own duty (as the library states it) and each control merged into it."""
    if not control.merges:
        return [control]
    own = program.control(control.id) or control
    return [own, *(part for cid in control.merges if (part := program.control(cid)) is not None)]


def _proof(program: Program, control: Control, type2: bool) -> ControlProof:
    parts = tuple(_part_proof(program, duty, type2) for duty in _duties(program, control))
    requested = tuple(dict.fromkeys(eid for part in parts for eid in part.requested))
    later = tuple(eid for eid in dict.fromkeys(eid for part in parts for eid in part.later) if eid not in requested)
    return ControlProof(control.id, requested, later, all(part.design_only for part in parts), parts)


def evidence_map(program: Program) -> EvidenceMap:
    """Return which evidence items prove which control in force, for the company's scope and report."""
    report = program.facts.audit.report_type
    type2 = report == ReportType.TYPE2
    return EvidenceMap(report, {c.id: _proof(program, c, type2) for c in program.controls()})


def matrix_note(proofs: EvidenceMap) -> str:
    """Return the control matrix's sentence on its evidence column, true for the company's report."""
    if proofs.type2:
        return ("Each control below is stated in a policy section and proved by the evidence listed, as the "
                "evidence plan asks for it.")
    return (f"Each control below is stated in a policy section and proved by the evidence listed, as the evidence "
            f"plan asks for it at the as-of date: {len(proofs.design_only())} controls whose own evidence is "
            f"operating evidence are shown by their approved policy ({DESIGN_EVIDENCE}) and a {WALKTHROUGH}, and "
            f"the items marked {LATER_MARK} are first asked for in a Type II window.")
