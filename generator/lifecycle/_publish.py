"""``policyforge publish``: put an approved release (or the draft) on the versioned site with mike.

Each release tag becomes its own site version, ``latest`` points at the newest release, and
``draft`` shows main; Material's version selector lists them from mike's versions.json.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..repo._git import DRAFT, current_release, git
from ..site._release import RELEASE_ENV

RELEASE_TAG = re.compile(r"^\d{4}\.\d+$")


def _mike() -> str:
    candidate = Path(sys.executable).parent / "mike"
    if not candidate.exists():
        raise PolicyforgeError([Problem("mike", "is not installed", "pip install mike (requirements.txt pins it)")])
    return str(candidate)


def mike_commands(version: str | None, push: bool, title: str) -> list[list[str]]:
    """Return the mike commands that publish a release (or the draft when ``version`` is None)."""
    base = [_mike()]
    flags = ["--push"] if push else []
    if version is None:
        return [[*base, "deploy", *flags, "--title", title, DRAFT]]
    return [
        [*base, "deploy", *flags, "--alias-type", "redirect", "--title", title, "--update-aliases", version, "latest"],
        [*base, "set-default", *flags, "latest"],
    ]


def check_release(repo: Path, version: str | None) -> None:
    """Refuse to publish a release that is not the tagged, approved commit checked out."""
    if version is None:
        return
    if not RELEASE_TAG.match(version):
        raise PolicyforgeError([Problem(version, "is not a release tag like 2026.1",
                                        "tag approved releases YEAR.NUMBER, e.g. git tag 2026.2")])
    at_head = current_release(repo)
    if at_head != version:
        raise PolicyforgeError([Problem(version, f"is not the tag of the checked-out commit (HEAD is {at_head})",
                                        f"check out the release first: git checkout {version}")])
    # A tag on a side branch would publish text nobody approved on main: the release must be on main.
    branches = [ref for ref in ("origin/main", "main")
                if git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0]
    if branches and git(repo, "merge-base", "--is-ancestor", "HEAD", branches[0]).returncode != 0:
        raise PolicyforgeError([Problem(version, f"is not on {branches[0]}: only an approved commit of main is "
                                        "released", "merge the change into main, then tag a commit of main")])


def publish(repo: Path, version: str | None, push: bool) -> list[str]:
    """Deploy the site for ``version`` (or the draft) to the gh-pages branch; return the commands run."""
    check_release(repo, version)
    title = f"{version}" if version else "draft (main)"
    ran: list[str] = []
    # mike runs `mkdocs` by name: make this environment's tools the ones it finds.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           RELEASE_ENV: version or DRAFT}  # the draft is marked as one even when main's HEAD is tagged
    for command in mike_commands(version, push, title):
        result = subprocess.run(command, cwd=repo, capture_output=True, text=True, check=False, env=env)
        ran.append(" ".join(command[1:]))
        if result.returncode != 0:
            raise PolicyforgeError([Problem("mike " + " ".join(command[1:3]), result.stderr.strip()[-800:],
                                            "fix the problem above and publish again")])
    return ran
