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


def test_inflect_loads_without_importing_typeguard_and_a_later_import_gets_the_real_one() -> None:
    out = _python(
        "import sys\n"
        "from policyforge.model._english import english\n"
        "engine = english()\n"
        "loaded = 'typeguard' in sys.modules\n"
        "import typeguard\n"
        "print(loaded, typeguard.__file__ is not None, typeguard.typechecked.__name__, engine.plural_noun('hour'))")
    assert out == "False True typechecked hours"


def _cached_values(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pickle"))


def test_a_catalog_parsed_once_is_read_back_from_the_private_cache_with_the_same_values(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyforge.model import _yaml

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("POLICYFORGE_TEMPLATE_CACHE", raising=False)
    _yaml._parsed_folder.cache_clear()
    text = (LIBRARY / "catalog" / "commitments.yaml").read_text(encoding="utf-8")
    first = load_fast(text)
    [kept] = _cached_values(tmp_path)
    assert kept.parent.stat().st_mode & 0o077 == 0  # only this user may read or write it
    assert load_fast(text) == first == yaml.safe_load(text)
    kept.write_bytes(b"not a pickle")  # a damaged entry is parsed again and replaced
    assert load_fast(text) == first
    assert _cached_values(tmp_path) == [kept]
    _yaml._parsed_folder.cache_clear()


def test_the_parsed_catalog_cache_is_off_when_the_user_turns_the_cache_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from policyforge.model import _yaml

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("POLICYFORGE_TEMPLATE_CACHE", "0")
    _yaml._parsed_folder.cache_clear()
    assert load_fast("a: 1\n") == {"a": 1}
    assert _cached_values(tmp_path) == []
    _yaml._parsed_folder.cache_clear()
