"""The site's pages: every generated page and its navigation, and the per-release "what changed" pages.

Also the site's look: the grouped control matrix, the colours derived from the brand colour and
the release (or draft) a build shows.
"""

from ._changes import changes_page, release_changes
from ._matrix import grouped_matrix_page
from ._release import RELEASE_ENV, site_release
from ._sitepages import WIDE_PAGES, GeneratedSite, generated_pages, render_docs, site_nav
from ._theme import contrast, readable_on, site_script, site_stylesheet

__all__ = ["RELEASE_ENV", "WIDE_PAGES", "GeneratedSite", "changes_page", "contrast", "generated_pages",
           "grouped_matrix_page", "readable_on", "release_changes", "render_docs", "site_nav", "site_release",
           "site_script", "site_stylesheet"]
