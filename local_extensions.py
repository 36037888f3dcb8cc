"""Cookiecutter extension: tell the hooks where the template (and the engine beside it) lives.

Cookiecutter renders hook sources while the template root is the working directory, but runs
the hooks inside the generated project; this global captures the former for the latter.
"""

from __future__ import annotations

import os

from jinja2 import Environment
from jinja2.ext import Extension


class TemplateRoot(Extension):
    """Expose ``template_root()``: the absolute path of the template being rendered."""

    def __init__(self, environment: Environment) -> None:
        """Register the global on the cookiecutter environment."""
        super().__init__(environment)
        environment.globals["template_root"] = os.getcwd
