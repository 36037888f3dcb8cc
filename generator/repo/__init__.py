"""The company repository on disk: atomic file writes, and git (one runner) with what it records."""

from ._files import write_atomic
from ._git import DRAFT, Commit, GitNotFound, current_release, git, git_bytes, previous_release, version_commits

__all__ = [
    "DRAFT", "Commit", "GitNotFound", "current_release", "git", "git_bytes", "previous_release", "version_commits",
    "write_atomic",
]
