"""Building the inputs the benchmarks measure: scaffolded companies, scaled libraries, a plain MkDocs twin."""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from measure import BIN, POLICY_ID_LIMIT, BenchError, Run, measure


def scaffold(out_dir: Path, *facts: str, env: dict[str, str] | None = None) -> tuple[Path, Run]:
    """Create a company with ``policyforge new --no-input`` and return its folder and the measurement."""
    out_dir.mkdir(parents=True, exist_ok=True)
    run = measure([BIN / "policyforge", "new", "--no-input", "-o", out_dir, *facts], env=env)
    created = re.search(r"Company repository: (.+)$", run.stdout, re.MULTILINE)
    if not created:
        raise BenchError(f"policyforge new did not say where it wrote the company:\n{run.stdout}")
    return Path(created.group(1).strip()), run


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
_ANCHOR = re.compile(r"\{\s*#([A-Za-z0-9_-]+)\s*\}")
_TOP_HEADING = re.compile(r"^## (\d+)\.", re.MULTILINE)


def _shift_sections(body: str, offset: int) -> str:
    return _TOP_HEADING.sub(lambda m: f"## {int(m.group(1)) + offset}.", body)


def _suffix_anchors(body: str, suffix: str) -> str:
    return _ANCHOR.sub(lambda m: "{#" + m.group(1) + suffix + "}", body)


def _copy_control(control: dict[str, Any], letter: str, section_suffix: str) -> dict[str, Any]:
    prefix, number = str(control["id"]).split("-")
    return {**control, "id": f"{prefix}{letter}-{number}", "section": control["section"] + section_suffix}


def _dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10**6)


def scaled_library(source: Path, target: Path, content: int = 1, copies: int = 1) -> dict[str, int]:
    """Write a synthetic library: each policy's sections ``content`` times, and ``copies`` policies per one.

    Content copies renumber the top-level sections and suffix every heading id (``-c2``); their
    controls get a fourth id letter (ACC-01 -> ACCB-01) and point at the suffixed sections. Policy
    copies take new ids (POL-30...) and slugs; POL-NN allows at most 99 policies.
    """
    if copies * 29 > POLICY_ID_LIMIT:
        raise ValueError(f"{copies} copies need more than {POLICY_ID_LIMIT} POL-NN ids")
    shutil.copytree(source, target)
    originals = sorted((target / "policies").glob("POL-*.md"))
    for path in originals:
        text = path.read_text(encoding="utf-8")
        match = _FRONT.match(text)
        assert match, path
        meta = yaml.safe_load(match.group(1))
        body = text[match.end():].rstrip("\n") + "\n"
        control_file = target / "controls" / f"{meta['id']}.yaml"
        controls = yaml.safe_load(control_file.read_text(encoding="utf-8"))
        top = max((int(n) for n in _TOP_HEADING.findall(body)), default=0)
        parts, listed = [body], list(controls["controls"])
        for j in range(1, content):
            suffix = f"-c{j + 1}"
            parts.append(_suffix_anchors(_shift_sections(body, j * top), suffix))
            listed += [_copy_control(c, chr(ord("A") + j), suffix) for c in controls["controls"]]
        body = "\n".join(parts)
        path.write_text(f"---\n{_dump_yaml(meta)}---\n{body}", encoding="utf-8")
        control_file.write_text(_dump_yaml({"policy": meta["id"], "controls": listed}), encoding="utf-8")
        number = int(meta["id"].split("-")[1])
        for m in range(1, copies):
            new_id = f"POL-{number + 29 * m:02d}"
            copy_meta = {**meta, "id": new_id, "slug": f"{meta['slug']}-{m + 1}", "title": f"{meta['title']} {m + 1}"}
            (target / "policies" / f"{new_id}-{copy_meta['slug']}.md").write_text(
                f"---\n{_dump_yaml(copy_meta)}---\n{body}", encoding="utf-8")
            copied = [_copy_control(c, chr(ord("P") + m), "") for c in listed]
            (target / "controls" / f"{new_id}.yaml").write_text(
                _dump_yaml({"policy": new_id, "controls": copied}), encoding="utf-8")
    chars = sum(p.stat().st_size for p in (target / "policies").glob("*.md"))
    return {"policies": len(originals) * copies, "library_chars": chars}


@dataclass(frozen=True)
class PlainProject:
    """A plain MkDocs project made from the plugin's output, and how to compare its pages with the plugin's."""

    pages: int
    post_page: Callable[[str, str], str]  # (page path in the site, plain HTML) -> HTML as the plugin would leave it


def plain_mkdocs_project(repo: Path, target: Path) -> PlainProject:
    """Write what the plugin hands MkDocs into a plain MkDocs project (no plugin).

    The plugin's own events run here once (on_config, on_files, on_page_markdown), so the plain
    project holds exactly the pages, assets, site name, navigation, scripts and Markdown extensions
    the plugin produces, whatever pages it adds. Building both then differs only by the plugin's
    work; ``post_page`` applies the plugin's HTML edits (on_post_page) so the two sites can be compared.
    """
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files
    from mkdocs.structure.pages import Page

    config = load_config(str(repo / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    docs, pages = target / "docs", 0
    for file in files:
        destination = docs / file.src_uri
        destination.parent.mkdir(parents=True, exist_ok=True)
        if file.is_documentation_page():
            pages += 1
            page = Page(None, file, config)
            page.read_source(config)  # as MkDocs does: front matter to page.meta, the rest to page.markdown
            markdown = config.plugins.on_page_markdown(page.markdown or "", page=page, config=config, files=files)
            # page.meta as the plugin left it (escaped title, hidden table of contents on wide pages)
            front = f"---\n{_dump_yaml(page.meta)}---\n" if page.meta else ""
            destination.write_text(front + markdown, encoding="utf-8")
        else:
            destination.write_bytes(file.content_bytes)
    raw = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = list(raw.get("markdown_extensions", []))
    named = {next(iter(e)) if isinstance(e, dict) else e for e in extensions}
    extensions += [name for name in config.markdown_extensions if name not in named]
    raw.update({"site_name": config.site_name, "docs_dir": "docs", "site_dir": "site", "nav": config.nav,
                "extra_css": [str(css) for css in config.extra_css],
                "extra_javascript": [str(script) for script in config.extra_javascript],
                "markdown_extensions": extensions, "plugins": [p for p in raw["plugins"] if p != "policyforge"],
                "copyright": config.copyright})  # the plugin's footer line (company and release)
    if config.theme.get("logo"):  # the company.yml logo the plugin publishes in the header
        raw.setdefault("theme", {})["logo"] = config.theme["logo"]
    (target / "mkdocs.yml").write_text(_dump_yaml(raw), encoding="utf-8")
    plugin = config.plugins["policyforge"]
    by_path = {file.dest_uri: file for file in files if file.is_documentation_page()}

    def post_page(path: str, html: str) -> str:
        file = by_path.get(path)
        edit = getattr(plugin, "_edit_page", None)  # on_post_page's edits (its other handler reuses serve layouts)
        if file is None or edit is None:
            return html
        return str(edit(html, page=Page(None, file, config), config=config))

    return PlainProject(pages, post_page)


# A character reference other than the five the HTML serialiser must keep (&amp; &lt; &gt; &quot; &nbsp;).
_CHARREF = re.compile(r"&(?!(?:amp|lt|gt|quot|nbsp);)(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# An element written self-closed (``<rect .../>`` in the readiness chart's SVG); HTML's void elements excluded.
_SELF_CLOSED = re.compile(r"<(?!(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b)"
                          r"([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*?)?\s*/>")


def as_serialised(page: str) -> str:
    """Spell the page as the plugin's sanitiser does: references as characters, no self-closed elements.

    The plugin's on_page_content hands every page's HTML through nh3, whose HTML serialiser writes
    ``&para;`` (Python-Markdown's permalink) and any other reference as its character, and
    ``<rect/>`` as ``<rect></rect>``; plain MkDocs keeps the source's spelling. The document is
    the same; only its spelling in the file differs.
    """
    page = _CHARREF.sub(lambda m: html.unescape(m.group(0)), page)
    return _SELF_CLOSED.sub(lambda m: f"<{m.group(1)}{m.group(2) or ''}></{m.group(1)}>", page)


@dataclass(frozen=True)
class Identity:
    """How many of our HTML pages match the plain build's once the plugin's HTML edits are applied to it."""

    pages: int
    byte_identical: int  # as the files are
    identical_as_serialised: int  # once both spell character references as characters (the sanitiser's way)
    differing: tuple[str, ...]  # pages that differ even then


def identical_pages(ours: Path, plain: Path, post_page: Callable[[str, str], str]) -> Identity:
    """Compare our HTML pages with the plain build's once the plugin's HTML edits are applied to it."""
    names = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*.html"))
    same = serialised = 0
    differing: list[str] = []
    for name in names:
        if not (plain / name).is_file():
            differing.append(name)
            continue
        mine = (ours / name).read_text(encoding="utf-8")
        theirs = post_page(name, (plain / name).read_text(encoding="utf-8"))
        same += mine == theirs
        if as_serialised(mine) == as_serialised(theirs):
            serialised += 1
        else:
            differing.append(name)
    return Identity(len(names), same, serialised, tuple(differing))
