"""The package's architecture holds: layers import only layers below them, and argparse stays in the adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO_ROOT

ENGINE = REPO_ROOT / "generator"
# Lower numbers are lower layers; a module may import its own layer, a peer of the same rank, or a lower one.
RANK = {"repo": 0, "model": 1, "render": 2, "program": 3, "kit": 4, "site": 4, "trust": 4, "exports": 4,
        "lifecycle": 4, "rules": 4, "adapters": 5}
# Known upward imports, each to be removed (not added to): the library lint renders the evidence plan
# and the readiness page and runs the consistency rules over each variant's program.
EXCEPTIONS = {("program/_lint.py", "kit._pages"), ("program/_lint.py", "rules")}


def _modules() -> list[Path]:
    return sorted(path for path in ENGINE.rglob("*.py") if path.parent != ENGINE)


def _imports(path: Path) -> list[tuple[str, int]]:
    """Return (module, level) of every import statement in a file."""
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def test_every_layer_folder_has_a_rank() -> None:
    folders = {path.parent.name for path in _modules() if path.parent.parent == ENGINE}
    assert folders - {"assets"} == set(RANK)


@pytest.mark.parametrize("path", _modules(), ids=lambda path: str(path.relative_to(ENGINE)))
def test_a_module_imports_no_layer_above_its_own(path: Path) -> None:
    layer = path.relative_to(ENGINE).parts[0]
    upward = [module for module, level in _imports(path)
              if level == 2 and RANK.get(module.split(".")[0], -1) > RANK[layer]
              and (path.relative_to(ENGINE).as_posix(), module) not in EXCEPTIONS]
    assert upward == []


def test_no_engine_module_outside_the_adapters_imports_argparse() -> None:
    offenders = [str(path.relative_to(ENGINE)) for path in sorted(ENGINE.rglob("*.py"))
                 if "adapters" not in path.parts and ("argparse", 0) in _imports(path)]
    assert offenders == []
