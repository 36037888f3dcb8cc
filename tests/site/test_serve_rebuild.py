"""`mkdocs serve` rebuilds cost what changed: the plugin instance and its rendered pages live across rebuilds.

Counted in renders, not timed (speed is measured by bench/run.py): each build records the
policies the engine rendered (``PolicyforgePlugin.rendered``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("serve")
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out)])
    return out / "acme-cloud"


def serve_build(repo: Path, site: Path) -> Any:
    """Build as `mkdocs serve` does on each change: configuration reloaded, the persistent plugin kept."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return config.plugins["policyforge"]


def test_a_serve_rebuild_renders_only_the_edited_policy_and_a_facts_change_renders_them_all(
        repo: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    first = serve_build(repo, site)
    assert len(first.rendered) == 29

    assert serve_build(repo, site) is first and first.rendered == []  # nothing changed: nothing rendered

    policy = next((repo / "policies").glob("POL-13-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8") + "\nThe Security Officer reviews this policy yearly.\n",
                      encoding="utf-8")
    again = serve_build(repo, site)
    assert again is first and again.rendered == ["POL-13"]
    assert "reviews this policy yearly" in next(site.glob("POL-13-*.html")).read_text(encoding="utf-8")

    company = repo / "company.yml"
    company.write_text(company.read_text(encoding="utf-8").replace("Acme Cloud", "Acme Clouds", 1),
                       encoding="utf-8")
    assert len(serve_build(repo, site).rendered) == 29  # every page names the company
