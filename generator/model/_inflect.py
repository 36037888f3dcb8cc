"""One inflect engine per process, loaded when a phrase first needs it and without run-time type checks.

inflect decorates its engine's methods with typeguard's ``@typechecked``, which re-parses and
recompiles inflect's 4,000-line module once per decorated method when inflect is imported:
about 3.5 CPU seconds, more than a no-op ``policyforge build`` or the plugin's whole share of a
site build. The checks only guard inflect's own argument types (we always pass ``str``) and
change no answer, so the import runs with ``typechecked`` as the identity it is under
``python -O`` (typeguard's documented behaviour there), and only when a phrase needs inflect.
"""

from __future__ import annotations

import functools
import sys
import threading
from typing import Any

_IMPORT = threading.Lock()


def _identity(target: Any = None, **_options: Any) -> Any:
    """Stand in for ``typeguard.typechecked`` (bare or with options) as ``python -O`` makes it."""
    return target if target is not None else _identity


def _import_inflect() -> Any:
    if "inflect" in sys.modules:
        return sys.modules["inflect"]
    import typeguard

    with _IMPORT:
        checked = typeguard.typechecked
        typeguard.typechecked = _identity
        try:
            import inflect
        finally:
            typeguard.typechecked = checked
    return inflect


@functools.lru_cache(maxsize=1)
def inflect_engine() -> Any:
    """Return the process's inflect engine (articles, plurals and singulars of English nouns)."""
    return _import_inflect().engine()
