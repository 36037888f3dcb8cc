"""Cookiecutter extensions: where the template lives, and the filters that derive default answers.

Cookiecutter renders hook sources while the template root is the working directory, but runs
the hooks inside the generated project; ``template_root()`` captures the former for the latter.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from jinja2 import Environment
from jinja2.ext import Extension


class TemplateRoot(Extension):
    """Expose ``template_root()``: the absolute path of the template being rendered."""

    def __init__(self, environment: Environment) -> None:
        """Register the global on the cookiecutter environment."""
        super().__init__(environment)
        environment.globals["template_root"] = os.getcwd


def _derivations() -> ModuleType:
    """Load the engine's derivation filters: beside this template in a checkout, else the installed engine."""
    source = Path(__file__).resolve().parent / "generator" / "model" / "_derive.py"
    if source.is_file():
        spec = importlib.util.spec_from_file_location("policyforge_template_derive", source)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(spec.name, module)
        spec.loader.exec_module(module)
        return module
    from policyforge.model import _derive

    return _derive


class FactDerivations(Extension):
    """Expose the filters ``cookiecutter.json`` derives defaults with (``email_for``, ``domain_of``...)."""

    def __init__(self, environment: Environment) -> None:
        """Register the filters on the cookiecutter environment."""
        super().__init__(environment)
        environment.filters.update(_derivations().FILTERS)
