"""The company repository on disk: its layout, atomic writes, git (one runner) and which files may be published."""

from ._files import write_atomic
from ._git import DRAFT, Commit, GitNotFound, current_release, git, git_bytes, previous_release, version_commits
from ._layout import LAYOUT, RepoLayout
from ._logo import Logo, check_logo
from ._published import PublishedSet, published_set

__all__ = [
    "DRAFT", "LAYOUT", "Logo", "check_logo",
    "Commit", "GitNotFound", "PublishedSet", "RepoLayout", "current_release", "git", "git_bytes",
    "previous_release", "published_set", "version_commits", "write_atomic",
]
