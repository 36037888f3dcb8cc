"""The company repository on disk: its layout, atomic file writes, and git (one runner) with what it records."""

from ._files import write_atomic
from ._git import DRAFT, Commit, GitNotFound, current_release, git, git_bytes, previous_release, version_commits
from ._layout import LAYOUT, RepoLayout

__all__ = [
    "DRAFT", "LAYOUT", "Commit", "GitNotFound", "RepoLayout", "current_release", "git", "git_bytes",
    "previous_release", "version_commits", "write_atomic",
]
