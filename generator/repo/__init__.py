"""The company repository on disk: atomic writes, what git records, and which files may be published."""

from ._files import write_atomic
from ._git import DRAFT, Commit, current_release, previous_release, version_commits
from ._published import PublishedSet, published_set

__all__ = ["DRAFT", "Commit", "PublishedSet", "current_release", "previous_release", "published_set",
           "version_commits", "write_atomic"]
