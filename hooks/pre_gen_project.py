"""Validate every company fact before cookiecutter writes anything.

On failure this prints one line per bad fact, ``ERROR: <field>: <problem> — <fix>``, and exits
non-zero; cookiecutter then removes the half-made project folder.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Values arrive as JSON data, never as code: tojson escapes quotes, and the raw string keeps
# backslashes for json.loads to decode.
ANSWERS = json.loads(r'''{{ cookiecutter | tojson }}''')
TEMPLATE_ROOT = Path(json.loads(r'''{{ template_root() | tojson }}'''))


def import_engine():  # noqa: ANN201 - the module type is only known at run time
    """Import the engine that ships beside this template (or the installed one)."""
    if (TEMPLATE_ROOT / "generator" / "__init__.py").is_file():
        sys.path.insert(0, str(TEMPLATE_ROOT))
    import generator

    return generator


def main() -> int:
    """Return 0 when the answers are valid, else print each problem and return 1."""
    engine = import_engine()
    try:
        engine.facts_from_answers(ANSWERS, where="cookiecutter answers")
    except engine.FactsError as exc:
        for problem in exc.problems:
            print(f"ERROR: {problem.message} — {problem.fix}", file=sys.stderr)
        print("Nothing was written. Fix the answers above and run again.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
