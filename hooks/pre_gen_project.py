"""Validate every company fact before cookiecutter writes anything.

On failure this prints one line per bad fact, ``ERROR: <field>: <problem> — <fix>``, and exits
non-zero; cookiecutter then removes the half-made project folder.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

# Values arrive as JSON data, never as code: tojson escapes quotes, and the raw string keeps
# backslashes for json.loads to decode.
ANSWERS = json.loads(r'''{{ cookiecutter | tojson }}''')
TEMPLATE_ROOT = Path(json.loads(r'''{{ template_root() | tojson }}'''))


def import_engine():  # noqa: ANN201 - the module type is only known at run time
    """Import the engine as ``policyforge``: the ``generator/`` folder beside this template, else the installed one."""
    source = TEMPLATE_ROOT / "generator" / "__init__.py"
    if source.is_file() and "policyforge" not in sys.modules:
        spec = importlib.util.spec_from_file_location("policyforge", source,
                                                      submodule_search_locations=[str(source.parent)])
        module = importlib.util.module_from_spec(spec)
        sys.modules["policyforge"] = module
        spec.loader.exec_module(module)
    import policyforge

    return policyforge


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
