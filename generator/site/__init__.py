"""The site's pages: every generated page and its navigation, and the per-release "what changed" pages."""

from ._changes import changes_page, release_changes
from ._sitepages import GeneratedSite, generated_pages, render_docs, site_nav

__all__ = ["GeneratedSite", "changes_page", "generated_pages", "release_changes", "render_docs", "site_nav"]
