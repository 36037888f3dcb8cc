"""``check`` of mkdocs.yml: the site configuration is code a pull request can change.

``hooks:`` runs Python from the repository, a plugin or Markdown extension can read files or run
code (``pymdownx.snippets`` includes any file), a theme's ``custom_dir`` replaces its templates and
web fonts or analytics load from outside hosts. The publish job builds with a token in its
environment, so mkdocs.yml may only hold what the generated file holds and what is known safe.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .._errors import Problem
from ..render._markdown import MARKDOWN_EXTENSIONS
from ..repo._published import ASSET_OPTIONS, DOCS_DIR, read_mkdocs_config

CONFIG_FILE = "mkdocs.yml"
ALLOWED_KEYS: frozenset[str] = frozenset({
    "site_name", "site_url", "site_description", "site_author", "copyright", "docs_dir", "site_dir",
    "use_directory_urls", "theme", "plugins", "extra", "markdown_extensions", "repo_url", "repo_name",
    "edit_uri", "strict", "validation", "remote_branch", "remote_name", "nav",
})
ALLOWED_PLUGINS: frozenset[str] = frozenset({"search", "policyforge"})
ALLOWED_THEME_KEYS: frozenset[str] = frozenset({"name", "font", "palette", "features", "language", "icon",
                                                *ASSET_OPTIONS})
ALLOWED_EXTRA_KEYS: frozenset[str] = frozenset({"version", "social", "generator", "homepage"})
_FIX = "remove it: mkdocs.yml holds only what `policyforge new` wrote (the policyforge plugin builds the site)"


def _line(text: str, key: str) -> int | None:
    match = re.search(rf"^\s*-?\s*{re.escape(key)}\s*:?", text, re.MULTILINE)
    return text[: match.start()].count("\n") + 1 if match else None


def _names(entries: Any) -> list[str]:
    """Return the names of a plugins or markdown_extensions list (strings or one-key mappings)."""
    if isinstance(entries, dict):
        return [str(name) for name in entries]
    names: list[str] = []
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            names += [str(name) for name in entry]
        else:
            names.append(str(entry))
    return names


def _nav_targets(nav: Any) -> list[str]:
    """Return every target of a nav: the page paths and links a reader can follow."""
    if isinstance(nav, list):
        return [target for item in nav for target in _nav_targets(item)]
    if isinstance(nav, dict):
        return [target for value in nav.values() for target in _nav_targets(value)]
    return [str(nav)]


def _unsafe_nav_target(target: str) -> bool:
    """A nav entry names a page under policies/ or an https:// address; nothing else is followed."""
    if re.match(r"^https://[^\s]+$", target):
        return False
    path = Path(target)
    return ":" in target or target.startswith(("/", "\\")) or ".." in path.parts or path.suffix != ".md"


def mkdocs_config_problems(repo: Path) -> list[Problem]:
    """Return each setting of mkdocs.yml that could run code, read files or reach outside hosts."""
    path = repo / CONFIG_FILE
    if not path.is_file() or path.is_symlink():
        return [Problem(CONFIG_FILE, "is missing or a link", "restore the mkdocs.yml `policyforge new` wrote")]
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)  # only to locate syntax errors; tags are not constructed
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        return [Problem(CONFIG_FILE, "is not valid YAML", "fix the indentation or quoting on that line",
                        mark.line + 1 if mark else None)]
    config = read_mkdocs_config(repo)
    found: list[Problem] = []

    def add(key: str, message: str, fix: str = _FIX) -> None:
        found.append(Problem(CONFIG_FILE, message, fix, _line(text, key)))

    for key in config:
        if key not in ALLOWED_KEYS:
            detail = " (runs Python from the repository when the site is built)" if key == "hooks" else ""
            add(str(key), f"{key}: is not allowed{detail}")
    if config.get("docs_dir", "docs") != DOCS_DIR:
        add("docs_dir", f"docs_dir must be {DOCS_DIR}", f"write docs_dir: {DOCS_DIR}")
    for name in _names(config.get("plugins", [])):
        if name not in ALLOWED_PLUGINS:
            add(name, f"plugin {name!r} is not allowed (a plugin runs code when the site is built)")
    allowed_extensions = {*MARKDOWN_EXTENSIONS}
    for name in _names(config.get("markdown_extensions", [])):
        if name not in allowed_extensions:
            add(name, f"Markdown extension {name!r} is not allowed (extensions can read files into pages)",
                f"use only {', '.join(MARKDOWN_EXTENSIONS)}")
    for target in _nav_targets(config.get("nav", [])):
        if _unsafe_nav_target(target):
            add("nav", f"nav entry {target!r} is neither a page under {DOCS_DIR}/ nor an https:// address",
                f"name a .md file under {DOCS_DIR}/ or an https:// link")
    theme = config.get("theme")
    if isinstance(theme, dict):
        for key in theme:
            if key not in ALLOWED_THEME_KEYS:
                add(str(key), f"theme.{key} is not allowed (custom templates run in every page)")
        if theme.get("name") != "material":
            add("name", "theme.name must be material", "write theme: {name: material}")
        if theme.get("font", False) is not False:
            add("font", "theme.font loads web fonts from an outside host", "write font: false")
    elif theme is not None:
        add("theme", "theme must be a mapping with name: material", "restore the theme block")
    extra = config.get("extra")
    if isinstance(extra, dict):
        for key in extra:
            if key not in ALLOWED_EXTRA_KEYS:
                add(str(key), f"extra.{key} is not allowed (analytics and scripts load from outside hosts)")
    return found
