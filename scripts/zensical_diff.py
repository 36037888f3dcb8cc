"""Build the example company with Zensical and report what differs from the MkDocs build.

Material for MkDocs ends maintenance in 2027; Zensical is its successor. The engine already
renders every page itself (`policyforge render-docs`), so this report tells us how far the
plain rendered pages built by Zensical are from today's site. It never fails the build.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path


def article_words(page: Path) -> list[str]:
    """Return the words of a page's main article (navigation and chrome excluded)."""
    text = page.read_text(encoding="utf-8", errors="replace")
    match = re.search(r'<article class="md-content__inner md-typeset">(.*?)</article>', text, re.S)
    body = match.group(1) if match else text
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("¶", " ").split()


def main(repo: Path, zensical: Path) -> int:
    """Compare site/ (MkDocs with the plugin) against a Zensical build of the rendered pages."""
    rendered = repo / "out" / "rendered"
    subprocess.run([sys.executable, "-m", "policyforge.adapters.cli", "render-docs", "--repo", str(repo)], check=True)
    result = subprocess.run([str(zensical), "build"], cwd=rendered, capture_output=True, text=True)
    print(result.stdout.strip() or result.stderr.strip())
    if result.returncode != 0:
        print(f"zensical: build failed ({result.returncode})")
        return 0
    mkdocs_pages = {p.relative_to(repo / "site") for p in (repo / "site").rglob("*.html")}
    zensical_pages = {p.relative_to(rendered / "site") for p in (rendered / "site").rglob("*.html")}
    only_mkdocs = sorted(str(p) for p in mkdocs_pages - zensical_pages)
    only_zensical = sorted(str(p) for p in zensical_pages - mkdocs_pages)
    differing = []
    for page in sorted(mkdocs_pages & zensical_pages):
        a, b = article_words(repo / "site" / page), article_words(rendered / "site" / page)
        if a != b:
            differing.append((str(page), len(a), len(b)))
    print(f"zensical: {len(zensical_pages)} pages built; {len(mkdocs_pages)} with MkDocs")
    print(f"zensical: only in MkDocs: {', '.join(only_mkdocs) or 'none'}")
    print(f"zensical: only in Zensical: {', '.join(only_zensical) or 'none'}")
    print(f"zensical: {len(differing)} pages whose article text differs")
    for name, words_a, words_b in differing[:20]:
        print(f"  {name}: {words_a} words with MkDocs, {words_b} with Zensical")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()))
