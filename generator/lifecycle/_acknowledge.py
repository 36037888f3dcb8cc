"""``policyforge acknowledge``: people who work in git accept the policies with a commit.

The record names the person from their git configuration (or ``--email``), the current version of
each policy and the date, and is committed alone, so the commit is the signature. When the company
requires signed commits (``acknowledgements.signed_commits`` in company.yml) the commit is made
with ``git commit -S`` and checked with ``git verify-commit``; an unsigned or unverifiable commit is
undone and the acknowledgement refused, leaving the records file as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .._errors import PolicyforgeError, Problem
from ..kit._people_import import add_records
from ..model._acknowledgements import RECORDS_FILE, Record
from ..model._people import load_roster, normal_email, valid_email
from ..model._sections import ack_settings
from ..program._program import Program
from ..repo._git import git


def git_email(repo: Path) -> str | None:
    """Return ``git config user.email`` as git resolves it for this repository."""
    result = git(repo, "config", "user.email")
    return normal_email(result.stdout) if result.returncode == 0 and result.stdout.strip() else None


@dataclass(frozen=True)
class Acknowledged:
    """What one ``policyforge acknowledge`` recorded."""

    email: str
    records: tuple[Record, ...]
    already: tuple[str, ...]
    commit: str | None
    signed: bool


def acknowledge(program: Program, repo: Path, policies: list[str], email: str | None = None,
                today: dt.date | None = None, commit: bool = True) -> Acknowledged:
    """Record that a person accepted the current version of ``policies`` (all when empty) and commit it."""
    today = today or dt.date.today()
    settings = ack_settings(repo)
    who = normal_email(email) if email else git_email(repo)
    if not who or not valid_email(who):
        raise PolicyforgeError([Problem("--email", f"{who or 'no email'} is not an address",
                                        "set git config user.email, or give --email name@example.com")])
    if who not in {p.email for p in load_roster(repo)}:
        raise PolicyforgeError([Problem(who, "is not on the roster (people/roster.csv)",
                                        "import the HR export first, or use your work email")])
    chosen = [p.upper() for p in policies] or [doc.id for doc in program.ordered_policies()]
    unknown = [p for p in chosen if p not in program.policies]
    if unknown:
        raise PolicyforgeError([Problem(p, "is not a policy of this company", "use an id such as POL-02")
                                for p in unknown])
    if settings.signed_commits and not commit:
        raise PolicyforgeError([Problem("--no-commit", "this company requires signed commits for acknowledgements",
                                        "leave out --no-commit so the acknowledgement is committed and signed")])
    source = "git-signed" if settings.signed_commits else "git"
    wanted = [Record(who, pid, program.policies[pid].version, today, source) for pid in chosen]
    path = repo / RECORDS_FILE
    before = path.read_bytes() if path.is_file() else None
    result = add_records(program, repo, wanted, RECORDS_FILE, today)
    already = tuple(r.policy for r in wanted if r.key not in {a.key for a in result.added})
    if not result.added or not commit:
        return Acknowledged(who, result.added, already, None, False)
    ids = ", ".join(r.policy for r in result.added)
    message = f"Acknowledge {ids} ({who})"
    args = ["commit", "--quiet", "-m", message, "--", RECORDS_FILE]
    if settings.signed_commits:
        args.insert(1, "-S")
    git(repo, "add", "--", RECORDS_FILE)
    made = git(repo, *args)
    if made.returncode != 0:
        _restore(repo, path, before, undo_commit=False)
        reason = made.stderr.strip().splitlines()[-1] if made.stderr.strip() else "git commit failed"
        fix = ("configure a signing key (git config user.signingkey) so git can sign the commit"
               if settings.signed_commits else "fix the git problem above and run the command again")
        raise PolicyforgeError([Problem(RECORDS_FILE, f"the acknowledgement was not committed: {reason}", fix)])
    sha = git(repo, "rev-parse", "HEAD").stdout.strip()
    if settings.signed_commits:
        verified = git(repo, "verify-commit", sha)
        if verified.returncode != 0:
            _restore(repo, path, before, undo_commit=True)
            raise PolicyforgeError([Problem(RECORDS_FILE, "the acknowledgement commit is not signed by a key git "
                                                          "can verify, so it was undone",
                                            "sign with a key git trusts (gpg, or ssh with gpg.ssh.allowedSignersFile)"
                                            " and run the command again")])
    return Acknowledged(who, result.added, already, sha, settings.signed_commits)


def _restore(repo: Path, path: Path, before: bytes | None, undo_commit: bool) -> None:
    """Put the records file (and the branch) back as they were before a refused acknowledgement."""
    if undo_commit:
        git(repo, "reset", "--quiet", "--soft", "HEAD~1")
    git(repo, "reset", "--quiet", "--", RECORDS_FILE)
    if before is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(before)
