"""What every process pays before it renders: inflect loads only when needed, the catalogs through libyaml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import LIBRARY
from policyforge.model._yaml import SAFE_LOADER, compose_fast, load_fast


def _python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=120).stdout.strip()


def test_starting_the_cli_does_not_import_inflect() -> None:
    # A no-op build only hashes files; inflect is loaded by the first phrase that needs it.
    assert _python("import sys, policyforge.adapters.cli; print('inflect' in sys.modules)") == "False"


def test_inflect_is_imported_without_typeguard_instrumentation_and_typeguard_is_restored() -> None:
    out = _python(
        "import typeguard\n"
        "checked = typeguard.typechecked\n"
        "from policyforge.model._english import english\n"
        "engine = english()\n"
        "import inflect\n"
        # an instrumented method carries typeguard's check calls in its code; the plain one does not
        "names = inflect.engine.plural_noun.__code__.co_names\n"
        "print(typeguard.typechecked is checked, any('check' in n for n in names),"
        " engine.a('AWS WAF'), engine.plural_noun('business day'), engine.singular_noun('backups'))")
    assert out == "True False an AWS WAF business days backup"


@pytest.mark.parametrize("path", sorted((LIBRARY / "catalog").glob("*.yaml")), ids=lambda p: p.name)
def test_a_library_catalog_reads_the_same_through_libyaml_as_through_the_pure_python_loader(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_fast(text) == yaml.safe_load(text)
    fast, slow = compose_fast(text), yaml.compose(text, Loader=yaml.SafeLoader)
    assert fast.start_mark.line == slow.start_mark.line
    assert [k.start_mark.line for k, _ in fast.value] == [k.start_mark.line for k, _ in slow.value]


def test_libyaml_is_the_loader_where_pyyaml_has_it() -> None:
    assert SAFE_LOADER is getattr(yaml, "CSafeLoader", yaml.SafeLoader)
