"""Fill the new company repository with its facts and policies, then make its first commit."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

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
    """Write company.yml and the policies; return non-zero (project removed) on any problem."""
    engine = import_engine()
    from policyforge.lifecycle import git_init_commit, scaffold_company

    repo = Path.cwd()
    try:
        facts = engine.facts_from_answers(ANSWERS, where="cookiecutter answers")
        library = engine.load_library()
        scaffold_company(repo, facts, library)
        # Render once now, so a library or fact problem fails here and not in the user's first build.
        program = engine.load_program(repo, library)
        for doc in program.ordered_policies():
            program.render_page(doc)
    except engine.PolicyforgeError as exc:
        for problem in exc.problems:
            print(f"ERROR: {problem}", file=sys.stderr)
        return 1
    if not git_init_commit(repo, f"Adopt the policy library {library.version} for {facts.get('company.name')}"):
        print("note: git is not available or could not commit; run `git init` yourself.", file=sys.stderr)
    print(f"Created {repo} with {len(program.policies)} policies. Next: cd {repo.name} && policyforge build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
