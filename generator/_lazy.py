"""Load a layer's public names on first use (PEP 562), so a command imports only the modules it calls.

A layer's ``__init__`` names what it offers; importing every module behind those names made each
``mkdocs build`` import the calendar, the workbook, the Word and OSCAL exports and the PDF
scheduler it never calls. A layer lists where each name lives and takes ``__getattr__`` from here;
its ``TYPE_CHECKING`` imports keep the names visible to mypy and editors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_names(package: str, where: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """Return a module ``__getattr__`` that imports ``package.<where[name]>`` when ``name`` is first read."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        namespace[name] = value  # later reads find it without calling here again
        return value

    return __getattr__
