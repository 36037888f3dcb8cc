"""The company repository on disk: atomic file writes and what git records (releases, commits)."""

from ._files import write_atomic
from ._git import DRAFT, Commit, current_release, previous_release, version_commits

__all__ = ["DRAFT", "Commit", "current_release", "previous_release", "version_commits", "write_atomic"]
