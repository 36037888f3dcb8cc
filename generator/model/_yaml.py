"""Read the YAML people edit (company.yml, front matter) strictly: one meaning, or a line to fix.

PyYAML's safe loader still accepts what reads wrong or stops a build: a key given twice (the last
silently wins), an alias bomb (``&a [*a, *a, ...]`` nested ten deep is gigabytes), nesting
thousands deep (a RecursionError), ``.nan``/``.inf`` numbers and dates such as 2026-02-30 (a
ValueError, not a YAMLError). ``StrictLoader`` turns each into a ``yaml.YAMLError`` with the
line it is on, so every caller's existing "file:line — fix" report covers it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode

from .._user_cache import cache_root, cache_wanted, private_folder

MAX_DEPTH = 40  # company.yml and front matter nest four or five levels
# libyaml's SafeLoader (same safe subset, same constructors, same error marks) reads YAML about ten
# times faster than the pure-Python one. The library's own catalogs are read with it by every
# command and every site build; what people edit (company.yml, front matter) goes through
# StrictLoader, whose refusals hook into the pure-Python composer.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_fast(text: str) -> Any:
    """Parse trusted YAML (the library's catalogs) with libyaml when present; same values as ``safe_load``.

    libyaml parses, but PyYAML builds the values in Python: about 0.3 s of every site build for
    the library's 120-odd catalog files. The values are kept in the user's private cache under the
    hash of the text, so a catalog is built again only when its text changes.
    """
    folder = _parsed_folder()
    if folder is None:
        return yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - the C build of SafeLoader
    path = folder / f"{hashlib.sha256(text.encode('utf-8', 'surrogateescape')).hexdigest()}.pickle"
    try:
        return pickle.loads(path.read_bytes())  # noqa: S301 - written by this user's own process, below
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    value = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 - the C build of SafeLoader
    try:
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as part:
            part.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(part.name, path)  # whole or absent: a killed process leaves no half-written value
    except OSError:  # a full disk or a read-only home: the next process parses again
        pass
    return value


@functools.lru_cache(maxsize=1)
def _parsed_folder() -> Path | None:
    """Return the private folder of parsed catalogs, or None when the cache is off or not private."""
    folder = cache_root() / f"yaml-{yaml.__version__}-{'c' if SAFE_LOADER is not yaml.SafeLoader else 'py'}"
    return folder if cache_wanted() and private_folder(folder) else None


def compose_fast(text: str) -> Any:
    """Compose trusted YAML into nodes (for key lines) with libyaml when present."""
    return yaml.compose(text, Loader=SAFE_LOADER)


class _StrictConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor refusing a key given twice, impossible dates, NaN and infinity (shared by both parsers)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Refuse a key given twice in one mapping."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode):
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise ConstructorError(None, None, f"the key {key!r} is given twice; keep one",
                                           key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        """Report an impossible date (2026-02-30) on its line instead of raising ValueError."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise ConstructorError(None, None, f"{node.value!r} is not a real date (YYYY-MM-DD)",
                                   node.start_mark) from None

    def construct_yaml_float(self, node: ScalarNode) -> float:
        """Refuse .nan and .inf, which would print as "nan%" or "inf hours"."""
        value = super().construct_yaml_float(node)
        if math.isnan(value) or math.isinf(value):
            raise ConstructorError(None, None, f"{node.value!r} is not a number a policy can state",
                                   node.start_mark)
        return value


_StrictConstructor.add_constructor("tag:yaml.org,2002:timestamp",  # type: ignore[type-var]
                                   _StrictConstructor.construct_yaml_timestamp)
_StrictConstructor.add_constructor("tag:yaml.org,2002:float", _StrictConstructor.construct_yaml_float)  # type: ignore[type-var]
_StrictConstructor.add_constructor("tag:yaml.org,2002:map", _StrictConstructor.construct_yaml_map)  # type: ignore[type-var]


class StrictLoader(_StrictConstructor, yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, aliases, deep nesting, NaN, infinity and impossible dates."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Refuse aliases (the shape of an alias bomb) and nesting deeper than MAX_DEPTH."""
        if self.check_event(AliasEvent):
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed; write the value out",
                                              event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nesting deeper than {MAX_DEPTH} levels",
                                                  self.peek_event().start_mark)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CParser: Any
try:
    import yaml.cyaml as _cyaml

    _CParser = getattr(_cyaml, "CParser")  # noqa: B009 - not in the stubs' exports
except (ImportError, AttributeError):  # PyYAML built without libyaml
    _CParser = None


if _CParser is not None:
    class _CStrictLoader(_CParser, _StrictConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's parser and composer under StrictLoader's constructors (duplicate keys, dates, NaN)."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            _StrictConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _nesting_bound(text: str) -> int:
    """Return a number no smaller than the text's nesting depth, cheaply.

    A block collection nested in another starts right of it, after at most one indicator
    (``- ``, ``? ``, ``: ``) on its line, and a flow collection opens with ``[`` or ``{``.
    """
    lines = text.splitlines() or [""]
    block = max(len(line) - len(line.lstrip(" ")) + line.count("- ") + line.count("? ") + line.count(": ")
                for line in lines)
    return block + text.count("[") + text.count("{") + 1


def load_strict(text: str) -> Any:
    """Parse YAML with ``StrictLoader``; every refusal is a ``yaml.YAMLError`` carrying its line.

    Text that can hold no alias (no ``*``) and nests no deeper than MAX_DEPTH by a cheap bound is
    parsed by libyaml under the same constructors, about ten times faster; anything else, and any
    text libyaml refuses, goes through the pure-Python StrictLoader, whose refusals are the ones
    reported, with their lines.
    """
    text = text.removeprefix("\ufeff")
    if _CParser is not None and "*" not in text and _nesting_bound(text) <= MAX_DEPTH:
        loader = _CStrictLoader(text)
        try:
            return loader.get_single_data()
        except yaml.YAMLError:
            pass  # reported below, as the pure-Python loader words it
        finally:
            loader.dispose()
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError(f"nesting deeper than {MAX_DEPTH} levels") from None
