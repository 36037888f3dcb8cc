"""policyforge installs as a tool from a git URL with pipx and with uv, and scaffolds from there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import BIN, REPO_ROOT, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def git_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A clone of this repository's committed state, as a local git URL."""
    clone = tmp_path_factory.mktemp("source") / "policyforge"
    run(["git", "clone", "-q", "--no-local", str(REPO_ROOT), str(clone)])
    return f"git+file://{clone}"


def test_pipx_installs_from_a_git_url_and_the_tool_scaffolds_a_pinned_repository(git_url: str,
                                                                                   tmp_path: Path) -> None:
    env = {**os.environ, "PIPX_HOME": str(tmp_path / "pipx"), "PIPX_BIN_DIR": str(tmp_path / "bin"),
           "HOME": str(tmp_path / "home")}
    run([str(BIN / "pipx"), "install", git_url], env=env)
    tool = tmp_path / "bin" / "policyforge"
    assert run([str(tool), "--version"], env=env).stdout.startswith("policyforge ")
    run([str(tool), "new", "--no-input", "-o", str(tmp_path / "out")], env=env)
    repo = tmp_path / "out" / "acme-cloud"
    # Installed from a path only this machine reaches: the repository stores the wheel pipx installed.
    wheel = next((repo / "vendor").glob("policyforge-*.whl"))
    assert f"./vendor/{wheel.name} --hash=sha256:" in (repo / "requirements-engine.txt").read_text()


def test_uv_tool_installs_from_a_git_url(git_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
           "HOME": str(tmp_path / "home")}
    run([str(BIN / "uv"), "tool", "install", git_url], env=env)
    assert run([str(tmp_path / "bin" / "policyforge"), "--version"], env=env).stdout.startswith("policyforge ")
