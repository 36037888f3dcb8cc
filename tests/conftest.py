"""Shared fixtures: inline file trees, a miniature policy library, the example company, a page's visible text."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path

import pytest
from policyforge.render import markdown_to_html

REPO_ROOT = Path(__file__).resolve().parent.parent
LIBRARY = REPO_ROOT / "policy_templates"
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
                statement: The privacy notice is reviewed annually by the Privacy Officer.
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


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company scaffolded with `policyforge new --no-input` and built (site and PDFs) once."""
    out = tmp_path_factory.mktemp("example")
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out)])
    repo = out / "acme-cloud"
    run([str(BIN / "policyforge"), "build", "--repo", str(repo)], env={**os.environ, "SOURCE_DATE_EPOCH": "1796083200"})
    return repo


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
