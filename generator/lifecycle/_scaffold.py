"""Fill a new company repository with its facts and its copy of the policy library."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import yaml

from .. import __version__
from ..model._documents import serialize_policy
from ..model._facts import Facts, dump_facts
from ..model._library import Library
from ..program._program import company_policy_from_template, in_scope_templates, program_from_library
from ..repo._files import write_atomic
from ..repo._git import GitNotFound, git
from ..repo._layout import (
    BASE_DIR,
    CODEOWNERS_FILE,
    COMPANY_FILE,
    ENGINE_FILE,
    POLICIES_DIR,
    REQUIREMENTS_FILE,
    SOURCE_FILE,
    VENDOR_DIR,
)
from ._kit_files import record_kit_base
from ._pin import HOOK_FILE, EnginePin, engine_pin, engine_text, lock_text


def write_install_files(repo: Path, pin: EnginePin | None = None) -> list[Path]:
    """Write what installs this exact engine: the hash-locked dependencies, the engine pin, its wheel.

    A wheel left in ``vendor/`` by an earlier engine is removed, so the folder holds only the
    one ``requirements-engine.txt`` names.
    """
    pin = pin or engine_pin()
    written = [repo / REQUIREMENTS_FILE, repo / ENGINE_FILE]
    write_atomic(repo / REQUIREMENTS_FILE, lock_text())
    write_atomic(repo / ENGINE_FILE, engine_text(pin))
    vendor = repo / VENDOR_DIR
    for stale in sorted(vendor.glob("policyforge-*.whl")) if vendor.is_dir() else []:
        if stale.name != pin.wheel_name:
            stale.unlink()
    if pin.wheel_name and pin.wheel is not None:
        write_atomic(vendor / pin.wheel_name, pin.wheel)
        written.append(vendor / pin.wheel_name)
    hook = repo / HOOK_FILE
    if hook.is_file():
        # Cookiecutter keeps modes, an installed wheel may not: pre-commit runs this script directly.
        os.chmod(hook, 0o755)
    return written


def scaffold_company(repo: Path, facts: Facts, library: Library) -> list[Path]:
    """Write ``company.yml``, one file per in-scope policy and the record of what they came from.

    The pristine rendering of each policy is kept under ``.policyforge/base`` so a later
    library release can be merged three ways without losing the company's edits.
    """
    written: list[Path] = []
    write_atomic(repo / COMPANY_FILE, dump_facts(facts))
    written.append(repo / COMPANY_FILE)
    # The company's copies carry their first approval's digest; the pristine base copies are the
    # library's text as it was, for three-way merges.
    adopted = program_from_library(facts, library)
    for template in in_scope_templates(library, facts):
        for target, doc in ((repo / POLICIES_DIR / template.filename, adopted.policies[template.id]),
                            (repo / BASE_DIR / template.filename,
                             company_policy_from_template(template, library, facts))):
            write_atomic(target, serialize_policy(doc))
            written.append(target)
    from ..program._program import load_program

    program = load_program(repo, library)
    write_atomic(repo / CODEOWNERS_FILE, program.codeowners())
    written.append(repo / CODEOWNERS_FILE)
    written += record_kit_base(repo)
    pin = engine_pin()
    written += write_install_files(repo, pin)
    source = {
        "policyforge_version": __version__,
        "engine": pin.requirement,
        "library_version": library.version,
        "categories": list(facts.categories),
    }
    write_atomic(repo / SOURCE_FILE, yaml.safe_dump(source, sort_keys=False))
    written.append(repo / SOURCE_FILE)
    return written


def git_init_commit(repo: Path, message: str) -> bool:
    """Make ``repo`` a git repository with one commit; return False when git is unavailable."""
    fallback = ["-c", "user.name=policyforge", "-c", "user.email=policyforge@localhost.invalid"]

    def run(*args: str, identity: bool = False) -> subprocess.CompletedProcess[str]:
        return git(repo, *(fallback if identity else []), *args)

    try:
        if run("init", "-q", "-b", "main").returncode != 0:
            return False
    except GitNotFound:
        return False
    run("add", "-A")
    has_identity = run("config", "user.email").returncode == 0 and run("config", "user.name").returncode == 0
    return run("commit", "-q", "-m", message, identity=not has_identity).returncode == 0
