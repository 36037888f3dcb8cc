"""policyforge's engine: company facts + policy library -> rendered policy program.

The engine knows nothing of MkDocs or cookiecutter; the MkDocs plugin, the CLI and the
cookiecutter hooks translate their world into calls to the names below.
"""

__version__ = "0.1.0"

from ._errors import BadValue, FactsError, PolicyforgeError, Problem, TemplateError
from .model._facts import Facts, dump_facts, facts_from_answers, load_facts, parse_facts_yaml
from .model._library import Library, library_root, load_library, template_root
from .program._program import Program, load_program, program_from_library

__all__ = [
    "__version__",
    "BadValue",
    "Facts",
    "FactsError",
    "Library",
    "PolicyforgeError",
    "Problem",
    "Program",
    "TemplateError",
    "dump_facts",
    "facts_from_answers",
    "library_root",
    "load_facts",
    "load_library",
    "load_program",
    "parse_facts_yaml",
    "program_from_library",
    "template_root",
]
