"""Shared fixtures: inline file trees, a miniature policy library, the example company, a page's visible text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest
from filelock import FileLock
from policyforge.model import Library
from policyforge.render import markdown_to_html

REPO_ROOT = Path(__file__).resolve().parent.parent
LIBRARY = REPO_ROOT / "policy_templates"


def library_copy_with(tmp_path: Path, relative: str, old: str, new: str) -> tuple[Library, Path]:
    """Return a copy of the library with ``old`` replaced by ``new`` in one file (a seeded defect), and that file.

    The first value is the copy loaded as a ``Library``; tests seed one contradiction and show a rule catching it.
    """
    from policyforge.model import load_library

    root = tmp_path / "lib"
    shutil.copytree(LIBRARY, root)
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return load_library(root), path
# `policyforge new` dates a company from today (SOURCE_DATE_EPOCH when set); every test and the commands
# it runs make the example company on its own effective date, 2026-12-01, unless the test pins another.
EXAMPLE_DAY_EPOCH = "1796083200"
os.environ.setdefault("SOURCE_DATE_EPOCH", EXAMPLE_DAY_EPOCH)


def build_file_tree(root: Path, files: Mapping[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root`` (text is dedented) and return ``root``."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


MINI_POLICY = """
---
id: {id}
title: {title}
slug: {slug}
area: governance
category: {category}
owner: security_officer
approver: ceo
review_cadence: annual
summary: A policy for tests.
---
## 1. Purpose {{#purpose}}

**1.1** {{{{ company.name }}}} keeps its keys in {{{{ cloud.kms }}}} and the Security Officer is
{{{{ people.security_officer.name }}}}.

## 2. Rules {{#rules}}

**2.1** Access is reviewed {{{{ commitments.access_review_cadence }}}} by the Security Officer.
"""


def mini_library_files(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the files of a two-policy library (catalogs are copied from the real one)."""
    files = {
        "VERSION": "9.9\n",
        "policies/POL-02-policy-management.md": MINI_POLICY.format(
            id="POL-02", title="Policy Management Policy", slug="policy-management", category="security"),
        "policies/POL-28-privacy.md": MINI_POLICY.format(
            id="POL-28", title="Privacy Policy", slug="privacy", category="privacy"),
        "controls/POL-02.yaml": """
            policy: POL-02
            controls:
              - id: PMG-01
                statement: Access is reviewed {{ commitments.access_review_cadence }} by the Security Officer.
                owner: security_officer
                frequency: quarterly
                criteria: [CC6.2, CC6.3]
                section: rules
                evidence: [EV-01]
                checklist: [access_control.access_reviews]
            """,
        "controls/POL-28.yaml": """
            policy: POL-28
            controls:
              - id: PRV-01
                statement: The Privacy Officer reviews the privacy notice annually.
                owner: privacy_officer
                frequency: annual
                criteria: [P1.1]
                section: purpose
                evidence: [EV-01]
                checklist: []
            """,
    }
    files.update(extra or {})
    return files


@pytest.fixture
def mini_library(tmp_path: Path) -> Path:
    """A small library folder with real catalogs and two policies."""
    root = tmp_path / "library"
    shutil.copytree(LIBRARY / "catalog", root / "catalog")
    shutil.copytree(LIBRARY / "partials", root / "partials")
    return build_file_tree(root, mini_library_files())


@pytest.fixture
def use_mini_library(mini_library: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the engine at the miniature library for the duration of a test."""
    monkeypatch.setenv("POLICYFORGE_LIBRARY", str(mini_library))
    yield mini_library


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command as a user would, returning its output; fail the test with the output if asked."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


BIN = Path(sys.executable).parent


EPOCH_ENV = {"SOURCE_DATE_EPOCH": EXAMPLE_DAY_EPOCH}


def shared(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], Path]) -> Path:
    """Return what ``make(folder)`` made, made once for the whole test run and shared by every xdist worker.

    The workers share the parent of their temporary folders; a file lock lets the first worker make
    it while the others wait (the pattern pytest-xdist documents for session fixtures). ``make``
    builds in a folder of its own that is renamed into place only when complete. Tests must not
    change what this returns: copy it (``shutil.copytree``) first.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    home = root / "shared" / name
    home.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home) + ".lock"):
        done = home.with_name(name + ".done")
        if not done.is_file():
            shutil.rmtree(home, ignore_errors=True)
            work = Path(tempfile.mkdtemp(prefix=name + ".", dir=home.parent))
            made = make(work)
            work.rename(home)
            done.write_text(str(made.relative_to(work)), encoding="utf-8")
        return home / done.read_text(encoding="utf-8")


def _scaffold_example(folder: Path) -> Path:
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(folder)])
    return folder / "acme-cloud"


@pytest.fixture(scope="session")
def example_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company scaffolded with `policyforge new --no-input`, not built; read-only (copy it to change it)."""
    return shared(tmp_path_factory, "example-source", _scaffold_example)


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory, example_source: Path) -> Path:
    """The example company scaffolded and built (site and PDFs) once per test run; read-only (copy it to change it)."""

    def build(folder: Path) -> Path:
        repo = folder / "acme-cloud"
        shutil.copytree(example_source, repo, symlinks=True)
        run([str(BIN / "policyforge"), "build", "--repo", str(repo)], env={**os.environ, **EPOCH_ENV})
        return repo

    return shared(tmp_path_factory, "example-built", build)


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def collapse(text: str) -> str:
    """Collapse runs of HTML whitespace, as a browser shows them (NBSP and other Unicode spaces stay)."""
    return re.sub("[ \t\n\r\f]+", " ", text)


def visible_text(markdown: str) -> str:
    """Return the text a reader sees on the page the Markdown renders to."""
    parser = _TextOf()
    parser.feed(markdown_to_html(markdown))
    parser.close()
    return collapse("".join(parser.parts))


# The headless Chromium the browser tests share: Debian's chromium, driven by Playwright, offline.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One browser per test module; a missing chromium fails with the set-up step that installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup.sh (it installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()
