"""Pin the exact engine a company repository was made with, installable from the package index alone.

A company repository installs policyforge in two steps, the same in its README, CI and pre-commit:

    pip install --require-hashes -r requirements.txt     # the engine's dependencies, each with its hashes
    pip install --no-deps -r requirements-engine.txt     # the engine itself, exactly

``requirements.txt`` is the dependency lock policyforge ships (``requirements.lock`` beside this
module, made with ``scripts/lock.sh``). ``requirements-engine.txt`` names the engine: the git URL
and commit when it came from a git repository others can reach, otherwise a wheel stored in
``vendor/`` with its hash. pip's hash-checking mode cannot hash a git checkout, so the engine
cannot share the first file; the commit id is its content hash instead.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import functools
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..repo._files import zip_bytes
from ..repo._git import GitNotFound, git
from ..repo._layout import ENGINE_FILE, REQUIREMENTS_FILE, VENDOR_DIR

LOCK_FILE = Path(__file__).with_name("requirements.lock")
HOOK_FILE = ".policyforge/pre-commit-hook"
INSTALL_COMMANDS = (
    f"pip install --require-hashes -r {REQUIREMENTS_FILE}",
    f"pip install --no-deps -r {ENGINE_FILE}",
)
# Wheels are zip files that record a timestamp per entry; one fixed time (1980-01-01, the zip
# epoch, as SOURCE_DATE_EPOCH=315532800) makes the same engine give the same bytes.
WHEEL_EPOCH = "315532800"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Files pip adds to an installed distribution that were never in its wheel.
_INSTALLER_FILES = {"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"}


@dataclass(frozen=True)
class EnginePin:
    """How a company repository installs the engine: one requirement line, maybe a wheel to store."""

    requirement: str
    wheel_name: str | None = None
    wheel: bytes | None = None
    source: str = ""


def engine_dir() -> Path:
    """Return the folder of the running engine (``generator/`` in a checkout, ``policyforge/`` installed)."""
    return Path(__file__).resolve().parents[1]


def _git(root: Path, *args: str) -> str | None:
    try:
        result = git(root, *args)
    except GitNotFound:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def pip_git_url(remote: str) -> str | None:
    """Return the ``git+`` URL pip understands for a git remote; None for a path only this machine reaches."""
    scp = re.fullmatch(r"([\w.-]+)@([\w.-]+):(.+)", remote)
    if scp:
        return f"git+ssh://{scp.group(1)}@{scp.group(2)}/{scp.group(3)}"
    if re.match(r"^(https?|ssh)://", remote):
        return f"git+{remote}"
    if remote.startswith(("git+https://", "git+ssh://")):
        return remote
    return None


def _published_commit(root: Path) -> tuple[str, str] | None:
    """Return (git URL, commit) when ``root`` is a clean checkout of a commit a remote has; else None.

    A checkout that cookiecutter cloned from a git URL qualifies; a developer's tree with local
    changes or unpushed commits does not, since nobody else could install that commit.
    """
    if _git(root, "rev-parse", "--show-toplevel") is None:
        return None
    if Path(_git(root, "rev-parse", "--show-toplevel") or "").resolve() != root.resolve():
        return None
    commit = _git(root, "rev-parse", "HEAD")
    remote = _git(root, "remote", "get-url", "origin")
    status = _git(root, "status", "--porcelain", "--untracked-files=normal")
    if not commit or not remote or status is None or status:
        return None
    if not _git(root, "for-each-ref", "--contains", commit, "refs/remotes"):
        return None
    url = pip_git_url(remote)
    return (url, commit) if url else None


def _installed_distribution() -> metadata.Distribution | None:
    """Return the installed distribution whose files are the running engine, if any."""
    try:
        dist = metadata.distribution("policyforge")
    except metadata.PackageNotFoundError:
        return None
    located = Path(str(dist.locate_file("policyforge/__init__.py")))
    try:
        same = located.resolve() == (engine_dir() / "__init__.py").resolve()
    except OSError:
        return None
    return dist if same else None


@contextlib.contextmanager
def _source_date_epoch() -> Iterator[None]:
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = WHEEL_EPOCH
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _tree_fingerprint(root: Path) -> str:
    """Return a digest of every file's path, size and time under the folders the wheel is built from."""
    digest = hashlib.sha256()
    for top in ("generator", "policy_templates", "hooks", "{{cookiecutter.company_slug}}"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                info = path.stat()
                digest.update(f"{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    for name in ("pyproject.toml", "cookiecutter.json", "local_extensions.py", "README.md"):
        if (root / name).is_file():
            info = (root / name).stat()
            digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def wheel_from_source(root: Path) -> tuple[str, bytes]:
    """Build the engine's wheel from a source tree, reproducibly (hatchling, fixed timestamps).

    The wheel is built once per source state: kept in memory for the process and on disk in the
    user's cache (``~/.cache/policyforge/wheels``), so scaffolding many companies builds it once.
    """
    fingerprint = _tree_fingerprint(root)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "policyforge" / "wheels" / fingerprint
    cached = sorted(cache.glob("*.whl")) if cache.is_dir() else []
    if cached:
        return cached[0].name, cached[0].read_bytes()
    name, data = _build_wheel(str(root.resolve()), fingerprint)
    try:
        from ..repo._files import write_atomic

        write_atomic(cache / name, data)
    except OSError:
        pass  # a read-only home only costs the next build its speed
    return name, data


@functools.lru_cache(maxsize=4)
def _build_wheel(root_text: str, fingerprint: str) -> tuple[str, bytes]:
    root = Path(root_text)
    with tempfile.TemporaryDirectory(prefix="policyforge-wheel-") as folder, _source_date_epoch():
        try:
            from hatchling.builders.wheel import WheelBuilder
        except ImportError:
            # Only cookiecutter installed: let pip fetch the build backend from the index.
            command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", folder, str(root)]
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise PolicyforgeError([Problem(str(root), "could not build the policyforge wheel to store in "
                                                f"{VENDOR_DIR}/: {result.stderr.strip()[-300:]}",
                                                "install hatchling (pip install hatchling) and run again")]) from None
            built = sorted(Path(folder).glob("*.whl"))
        else:
            built = [Path(p) for p in WheelBuilder(str(root)).build(directory=folder, versions=["standard"])]
        return built[0].name, built[0].read_bytes()


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_from_installed(dist: metadata.Distribution) -> tuple[str, bytes]:
    """Rebuild the wheel an installed engine came from, from the files its RECORD lists.

    Every file is checked against the hash pip recorded when it installed the wheel, so the
    result holds exactly the wheel's files; what pip added (bytecode, INSTALLER, scripts in
    bin/) is left out, and the entries are written in a fixed order with a fixed timestamp.
    """
    name, version = dist.metadata["Name"], dist.version
    info = f"{name.replace('-', '_')}-{version}.dist-info"
    entries: dict[str, bytes] = {}
    for item in dist.files or []:
        relative = str(item).replace(os.sep, "/")
        parts = relative.split("/")
        if relative.startswith("../") or "__pycache__" in parts or relative.endswith(".pyc"):
            continue
        if parts[0] == info and parts[-1] in _INSTALLER_FILES:
            continue
        data = Path(str(dist.locate_file(item))).read_bytes()
        if item.hash is None or _record_hash(data) != f"{item.hash.mode}={item.hash.value}":
            raise PolicyforgeError([Problem(str(dist.locate_file(item)), "differs from the installed policyforge "
                                            "wheel", "reinstall policyforge, or scaffold from its git repository")])
        entries[relative] = data
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for relative, data in sorted(entries.items()):
        writer.writerow([relative, _record_hash(data), len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    entries[f"{info}/RECORD"] = record.getvalue().encode()
    order = sorted(entries, key=lambda r: (r.startswith(info), r))
    data = zip_bytes(((relative, entries[relative]) for relative in order), _ZIP_TIME)
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl", data


def _wheel_pin(name: str, data: bytes, source: str) -> EnginePin:
    digest = hashlib.sha256(data).hexdigest()
    return EnginePin(f"./{VENDOR_DIR}/{name} --hash=sha256:{digest}", name, data, source)


def engine_pin() -> EnginePin:
    """Decide how a new company repository installs this very engine."""
    here = engine_dir()
    root = here.parent
    if (root / "pyproject.toml").is_file() and (root / "policy_templates").is_dir():
        published = _published_commit(root)
        if published:
            url, commit = published
            return EnginePin(f"policyforge @ {url}@{commit}", source=f"git commit {commit} of {url}")
        name, data = wheel_from_source(root)
        return _wheel_pin(name, data, "a wheel built from its source")
    dist = _installed_distribution()
    if dist is None:
        raise PolicyforgeError([Problem(str(here), "is neither a policyforge checkout nor an installed policyforge",
                                        "install policyforge with pip, pipx or uv")])
    direct = dist.read_text("direct_url.json")
    origin = json.loads(direct) if direct else {}
    vcs = origin.get("vcs_info", {})
    git_url = pip_git_url(str(origin.get("url", "")))
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and git_url:
        return EnginePin(f"policyforge @ {git_url}@{vcs['commit_id']}",
                         source=f"git commit {vcs['commit_id']} of {origin['url']}")
    name, data = wheel_from_installed(dist)
    return _wheel_pin(name, data, "a wheel rebuilt from the installed policyforge")


def lock_text() -> str:
    """Return the dependency lock this policyforge ships, with a header saying how it is used."""
    lock = LOCK_FILE.read_text(encoding="utf-8")
    body = "\n".join(line for line in lock.splitlines() if not line.startswith("#"))
    header = [
        "# The dependencies of the policyforge that made this repository, each pinned with its hashes.",
        "# Install both files, in this order (README, CI and pre-commit do the same):",
        *(f"#   {command}" for command in INSTALL_COMMANDS),
        "# `policyforge update` rewrites this file with the engine it brings.",
    ]
    return "\n".join(header) + "\n" + body.strip("\n") + "\n"


def engine_text(pin: EnginePin) -> str:
    """Return ``requirements-engine.txt``: the one line that installs this exact engine."""
    return (f"# The exact policyforge this repository was made with ({pin.source}).\n"
            f"# Install it after requirements.txt with: {INSTALL_COMMANDS[1]}\n"
            f"{pin.requirement}\n")

