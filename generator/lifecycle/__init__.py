"""The lifecycle of a company repository: scaffold, check, approve, redline, publish and update."""

from ._approve import ReviewState, ReviewStatus, approve, review_status
from ._check import CheckResult, check_repository, github_annotation
from ._kit_files import COMPANY_OWNED, KitUpdate, kit_files, record_kit_base, update_kit_files
from ._merge import Labels
from ._publish import publish
from ._redline import changes_between, redline_html, redline_markdown
from ._scaffold import git_init_commit, scaffold_company
from ._update import update_repository

__all__ = [
    "COMPANY_OWNED", "KitUpdate", "Labels", "kit_files", "record_kit_base", "update_kit_files",
    "ReviewState", "ReviewStatus",
    "CheckResult", "approve", "changes_between", "check_repository", "git_init_commit", "github_annotation",
    "publish", "redline_html", "redline_markdown", "review_status", "scaffold_company", "update_repository",
]
