"""One inflect engine for the whole process, imported without its import-time type instrumentation.

inflect decorates its methods with typeguard's ``@typechecked``, which re-parses and recompiles
inflect's 4,000-line module once per method when inflect is imported: about 3 seconds of CPU in
every process that renders (each CLI command, each cookiecutter hook, each PDF worker). This is a
known upstream problem (jaraco/inflect#212, agronholm/typeguard#468). The checks only reject
arguments of the wrong type, and the engine's callers here pass non-empty strings, so inflect is
imported with ``typechecked`` standing in as the identity, as ``python -O`` would do.
"""

from __future__ import annotations

import functools
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
    import sys

    if "inflect" not in sys.modules:
        import typeguard

        checked = typeguard.typechecked
        typeguard.typechecked = _unchecked
        try:
            import inflect
        finally:
            typeguard.typechecked = checked
    import inflect

    return inflect.engine()
