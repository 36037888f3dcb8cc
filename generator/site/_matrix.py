"""The site's control matrix: one short table per policy instead of one 200-row table.

The PDF appendix keeps the single table of ``Program.matrix_page``; on a screen, readers look for
the controls of one policy, so the site groups them under each policy's heading. The filter box
above the groups is drawn by the engine's own script (``assets/policyforge.js``), which finds the
groups by the ``pf-matrix`` and ``pf-group`` classes written here.
"""

from __future__ import annotations

from ..model._documents import PolicyDoc
from ..program._program import Program
from ..program._proof import evidence_map, matrix_note
from ..render._escape import markdown_text

MATRIX_CLASS = "pf-matrix"
GROUP_CLASS = "pf-group"


def grouped_matrix_page(program: Program) -> str:
    """Return the control matrix grouped by the policy that states each control, in policy order."""
    rows = program.matrix_rows()
    proofs = evidence_map(program)
    by_policy: dict[str, list[str]] = {}
    docs: dict[str, PolicyDoc] = {}
    for control, doc in rows:
        statement = program.matrix_statement(control, doc)
        docs[doc.id] = doc
        by_policy.setdefault(doc.id, []).append(
            f"| {control.id} | {statement} | {program.person(control.owner)} | {control.frequency} | "
            f"{program.criteria_cell(control)} | "
            f"[§{control.section}]({doc.filename}#{control.section}) | {proofs.proof(control.id).cell()} |"
        )
    out = [
        "# Control matrix\n",
        f"{matrix_note(proofs)} {len(rows)} controls are in force, grouped by the policy that states them."
        f"{program.retired_note()}\n",
        f'<div class="{MATRIX_CLASS}" markdown>\n',
    ]
    order = [d.id for d in program.ordered_policies() if d.id in by_policy]
    for policy in order + sorted(set(by_policy) - set(order)):
        doc = docs[policy]
        count = len(by_policy[policy])
        out += [
            f'<div class="{GROUP_CLASS}" markdown>\n',
            f"## {doc.id} {markdown_text(doc.title)}\n",
            f"[{markdown_text(doc.title)}]({doc.filename}) states {count} control{'s' if count != 1 else ''}.\n",
            "| Control | Statement | Owner | Frequency | Criteria | Section | Evidence |",
            "|---|---|---|---|---|---|---|",
            *by_policy[policy],
            "\n</div>\n",
        ]
    out.append("</div>")
    return "\n".join(out) + "\n"

