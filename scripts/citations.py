"""List every section citation of the library ("section 4.5 of the X Policy") with the text it points at.

For review by a person: a citation can resolve (rule XRF001 passes) and still point at a section that
says something else. Run: .venv/bin/python scripts/citations.py [VARIANT ...] (default: every lint variant).
Each distinct citation is printed once, with the variants it appears in.
"""

from __future__ import annotations

import sys

from policyforge.model._library import load_library
from policyforge.program._lint import VARIANTS, variant_program
from policyforge.rules import library_view
from policyforge.rules._citation_rules import citations, sections_of


def main(names: list[str]) -> int:
    """Print each citation, where it is, and the heading or statement it resolves to."""
    library = load_library()
    seen: dict[tuple[str, str, str, str], list[str]] = {}
    texts: dict[tuple[str, str, str, str], str] = {}
    for name in names or list(VARIANTS):
        view = library_view(variant_program(name, library))
        sections = {pid: sections_of(body) for pid, body in view.rendered.items()}
        for citation in citations(view):
            key = (citation.policy_id, citation.target, citation.number, citation.context)
            seen.setdefault(key, []).append(name)
            texts[key] = sections.get(citation.target, {}).get(citation.number, "(NO SUCH SECTION)")
    for key in sorted(seen):
        policy, target, number, sentence = key
        print(f"{policy} -> {target} §{number}  [{', '.join(seen[key])}]\n  cites: {sentence}\n"
              f"  finds: {texts[key][:200]}\n")
    print(f"{len({k[:3] for k in seen})} distinct citations ({len(seen)} with their sentences)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
