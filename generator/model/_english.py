"""One inflect engine for the whole process, imported without its import-time type instrumentation.

inflect decorates its methods with typeguard's ``@typechecked``, which re-parses and recompiles
inflect's 4,000-line module once per method when inflect is imported: about 3 seconds of CPU in
every process that renders (each CLI command, each cookiecutter hook, each PDF worker). This is a
known upstream problem (jaraco/inflect#212, agronholm/typeguard#468). The checks only reject
arguments of the wrong type, and the engine's callers here pass non-empty strings, so inflect is
imported with ``typechecked`` standing in as the identity, as ``python -O`` would do.

inflect reads only ``typechecked`` from typeguard, so while inflect is imported a stand-in module
answers for typeguard, unless typeguard is already loaded: importing typeguard itself pulls in
asyncio and unittest.mock, about 0.3 s of every ``mkdocs build`` for a decorator that is not used.
"""

from __future__ import annotations

import functools
import sys
import types
from typing import Any, TypeVar

_T = TypeVar("_T")


def _unchecked(target: _T | None = None, **_options: object) -> Any:
    """Return the target unchanged (typeguard's decorator does the same under ``python -O``)."""
    if target is None:
        return _unchecked
    return target


@functools.lru_cache(maxsize=1)
def english() -> Any:
    """Return the process's ``inflect.engine()`` (the import is paid once, and only when needed)."""
    if "inflect" not in sys.modules:
        real = sys.modules.get("typeguard")
        if real is None:
            stand_in = types.ModuleType("typeguard")
            setattr(stand_in, "typechecked", _unchecked)  # noqa: B010 (a module built at run time)
            sys.modules["typeguard"] = stand_in
        else:
            checked = getattr(real, "typechecked")  # noqa: B009 (a module read at run time)
            setattr(real, "typechecked", _unchecked)  # noqa: B010
        try:
            import inflect
        finally:
            if real is None:
                del sys.modules["typeguard"]  # a later `import typeguard` loads the real one
            else:
                setattr(real, "typechecked", checked)  # noqa: B010
    import inflect

    return inflect.engine()
