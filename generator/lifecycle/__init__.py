"""The lifecycle of a company repository: scaffold, check, approve, redline, publish and update.

The names are loaded when first asked for (PEP 562): the site build needs only the redline, and
importing every lifecycle command with it cost each `mkdocs build` about 0.1 CPU s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
    from ._approve import ReviewState, ReviewStatus, approve, review_status
    from ._check import CheckResult, check_repository, github_annotation
    from ._kit_files import COMPANY_OWNED, KitUpdate, kit_files, record_kit_base, update_kit_files
    from ._merge import Labels
    from ._publish import publish
    from ._redline import changes_between, redline_html, redline_markdown
    from ._scaffold import git_init_commit, scaffold_company
    from ._update import update_repository

_WHERE = {
    "ReviewState": "_approve", "ReviewStatus": "_approve", "approve": "_approve", "review_status": "_approve",
    "CheckResult": "_check", "check_repository": "_check", "github_annotation": "_check",
    "COMPANY_OWNED": "_kit_files", "KitUpdate": "_kit_files", "kit_files": "_kit_files",
    "record_kit_base": "_kit_files", "update_kit_files": "_kit_files",
    "Labels": "_merge", "publish": "_publish",
    "changes_between": "_redline", "redline_html": "_redline", "redline_markdown": "_redline",
    "git_init_commit": "_scaffold", "scaffold_company": "_scaffold", "update_repository": "_update",
}

__all__ = [
    "COMPANY_OWNED", "KitUpdate", "Labels", "kit_files", "record_kit_base", "update_kit_files",
    "ReviewState", "ReviewStatus",
    "CheckResult", "approve", "changes_between", "check_repository", "git_init_commit", "github_annotation",
    "publish", "redline_html", "redline_markdown", "review_status", "scaffold_company", "update_repository",
]


__getattr__ = lazy_names(__name__, _WHERE, globals())
