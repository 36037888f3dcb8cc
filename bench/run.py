"""Benchmarks: each policyforge step timed against a baseline run side by side, reported as ratios.

Run ``.venv/bin/python bench/run.py [--quick]`` from the repository. Every measured step runs as its
own process, as a user would run it, so wall time (best of the repeats, ``time.perf_counter``),
CPU time and peak memory (``os.wait4``: the largest process of the tree, plus a sampled sum of the
whole tree) are measured the same way for us and for the baseline. Variants are interleaved
repeat by repeat, so load from other work on the machine falls on both sides alike.

Results go to ``bench/results/latest.md`` and ``latest.json``; see ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
EPOCH = "1796083200"  # a fixed SOURCE_DATE_EPOCH, so every build renders the same dates
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
POLICY_ID_LIMIT = 99  # generator/model/_documents.py: _POLICY_ID = ^POL-\d{2}$
CHANGED_POLICY = "POL-13"
# "Today's" PDF pipeline for the side-by-side comparison: main before the handbook was assembled from parts.
BASELINE_COMMIT = "834d264"

# Targets: (key, description). A target is met or missed; a missed one carries its reason.
TARGETS = {
    "plugin_overhead": "plugin build ≤ 1.30 × plain mkdocs",
    "serve_rebuild": "serve rebuild after one policy edit ≤ 0.30 × a full build",
    "pdf_cpu": "total PDF CPU time ≤ 0.55 × today's (same company)",
    "warm_rebuild": "warm rebuild after one change ≤ 0.20 × cold",
    "noop_rebuild": "no-op rebuild ≤ 0.10 × cold",
    "linear_library": "time linear in library size",
    "linear_batch": "time linear in company count",
    "full_example": "full example company cold ≤ 12 s (2 cores)",
}
FULL_EXAMPLE_SECONDS = 12


# --------------------------------------------------------------------------- measuring processes
@dataclass(frozen=True)
class Run:
    """One measured process: wall and CPU seconds, peak memory, and what it printed."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float  # the largest single process of the tree (GNU time's ru_maxrss, reaped children included)
    tree_rss_mb: float  # the largest sampled sum over the live process tree (parallel workers add up)
    stdout: str


class BenchError(Exception):
    """A measured command failed; the section that ran it reports the error and the run goes on."""


class _TreeSampler(threading.Thread):
    """Sample the summed RSS of a process and its descendants, because ru_maxrss never adds workers."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def _tree(self) -> list[int]:
        pids, queue = [], [self.pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                        queue.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
        return pids

    def run(self) -> None:
        while not self._stop_event.is_set():
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                        total += int(handle.read().split()[1]) * PAGE_SIZE
                except (OSError, IndexError, ValueError):
                    continue
            self.peak = max(self.peak, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def child_env(**extra: str) -> dict[str, str]:
    """Return the environment of measured commands: reproducible dates and no upgrade banners."""
    return {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", **extra}


# Peak RSS comes from GNU time run between us and the command: Linux keeps the pre-exec memory
# high-water mark of a spawned child, so os.wait4 from this (large) process would report at least
# our own RSS for every child. GNU time is small, so what it reports belongs to the command's tree.
GNU_TIME = Path("/usr/bin/time")
PEAK_SOURCE = "GNU time %M (largest process of the tree)" if GNU_TIME.is_file() else "sampled /proc (no /usr/bin/time)"


def measure(command: Sequence[object], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run one command to completion and return its wall time, CPU time and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(mode="r", suffix=".rss") as rss:
        wrapper = [str(GNU_TIME), "-f", "%M", "-o", rss.name] if GNU_TIME.is_file() else []
        started = time.perf_counter()
        process = subprocess.Popen([*wrapper, *(str(part) for part in command)], cwd=cwd, env=env or child_env(),
                                   stdout=out, stderr=err)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
        reported = rss.read().split()
    if process.returncode != 0:
        shown = " ".join(str(part) for part in command)
        raise BenchError(f"`{shown}` exited {process.returncode}:\n{stdout[-2000:]}\n{stderr[-2000:]}")
    peak = int(reported[-1]) * 1024 if reported and reported[-1].isdigit() else tree_peak  # GNU time: kilobytes
    return Run(seconds, usage.ru_utime + usage.ru_stime, peak / 2**20, max(tree_peak, peak) / 2**20, stdout)


def task_command(task: str, *args: object) -> list[object]:
    """Return the command that runs one of this script's helper tasks in a fresh interpreter."""
    return [sys.executable, Path(__file__).resolve(), "--task", task, *args]


@dataclass
class Series:
    """The repeats of one variant; reported as the best wall time, with the worst memory seen."""

    runs: list[Run] = field(default_factory=list)

    @property
    def best(self) -> Run:
        """Return the fastest repeat."""
        return min(self.runs, key=lambda r: r.seconds)

    def summary(self) -> dict[str, Any]:
        """Return the numbers the report shows."""
        best = self.best
        return {
            "seconds": round(best.seconds, 3),
            "all_seconds": [round(r.seconds, 3) for r in self.runs],
            "cpu_seconds": round(best.cpu_seconds, 3),
            "peak_rss_mb": round(max(r.peak_rss_mb for r in self.runs), 1),
            "tree_rss_mb": round(max(r.tree_rss_mb for r in self.runs), 1),
        }


def interleaved(repeats: int, variants: dict[str, Callable[[int], Run]]) -> dict[str, Series]:
    """Run each variant ``repeats`` times, alternating between them, so drifting load hits all alike."""
    series = {name: Series() for name in variants}
    names = list(variants)
    for repeat in range(repeats):
        shift = repeat % len(names)  # each variant takes its turn at going first (cold caches, fresh load)
        for name in names[shift:] + names[:shift]:
            series[name].runs.append(variants[name](repeat))
    return series


def ratio(numerator: float, denominator: float) -> float:
    """Return a rounded ratio (0 when the baseline took no time)."""
    return round(numerator / denominator, 3) if denominator else 0.0


def linear_fit(points: Sequence[tuple[float, float]]) -> dict[str, float]:
    """Fit y = intercept + slope × x by least squares and return both with R²."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    ss_tot = sum((y - mean_y) ** 2 for _, y in points)
    ss_res = sum((y - intercept - slope * x) ** 2 for x, y in points)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    return {"slope": round(slope, 4), "intercept": round(intercept, 4), "r2": round(r2, 4)}


def curvature(points: Sequence[tuple[float, float]]) -> float:
    """Return the slope of the upper half of the points over the slope of the lower half (1 for a line)."""
    ordered = sorted(points)
    if len(ordered) < 3:
        return 1.0  # two points always lie on a line
    (x0, y0), (xm, ym), (x1, y1) = ordered[0], ordered[len(ordered) // 2], ordered[-1]
    low, high = (ym - y0) / (xm - x0), (y1 - ym) / (x1 - xm)
    return round(high / low, 3) if low > 0 else float("inf")


def is_flat(points: Sequence[tuple[float, float]]) -> bool:
    """Return whether the points hardly grow (within 50% over the whole range): a cost independent of the scale."""
    values = [y for _, y in points]
    return max(values) <= 1.5 * min(values)


def is_linear(fit: dict[str, float], points: Sequence[tuple[float, float]]) -> bool:
    """Linear when a line explains the points (R² ≥ 0.95) and the upper half is no steeper than 1.75× the lower.

    The curvature test catches what R² alone forgives: y = x² over 1, 2, 5, 10 has R² 0.96 but
    curvature 2.5. The bounds leave room for the noise of single runs on a shared machine. A cost
    that does not grow with the scale (one policy's PDF as the library gains policies) passes.
    """
    return is_flat(points) or (fit["r2"] >= 0.95 and curvature(points) <= 1.75)


# --------------------------------------------------------------------------- building inputs
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
            front = _FRONT.match(file.content_string)  # kept, so the theme sees the same page.meta
            destination.write_text((front.group(0) if front else "") + markdown, encoding="utf-8")
        else:
            destination.write_bytes(file.content_bytes)
    raw = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    extensions = list(raw.get("markdown_extensions", []))
    named = {next(iter(e)) if isinstance(e, dict) else e for e in extensions}
    extensions += [name for name in config.markdown_extensions if name not in named]
    raw.update({"site_name": config.site_name, "docs_dir": "docs", "site_dir": "site", "nav": config.nav,
                "extra_css": [str(css) for css in config.extra_css],
                "extra_javascript": [str(script) for script in config.extra_javascript],
                "markdown_extensions": extensions, "plugins": [p for p in raw["plugins"] if p != "policyforge"]})
    (target / "mkdocs.yml").write_text(_dump_yaml(raw), encoding="utf-8")
    plugin = config.plugins["policyforge"]
    by_path = {file.dest_uri: file for file in files if file.is_documentation_page()}

    def post_page(path: str, html: str) -> str:
        file = by_path.get(path)
        if file is None or not hasattr(plugin, "on_post_page"):
            return html
        return str(plugin.on_post_page(html, page=Page(None, file, config), config=config))

    return PlainProject(pages, post_page)


def _identical_pages(ours: Path, plain: Path, post_page: Callable[[str, str], str]) -> tuple[int, int]:
    """Count our HTML pages byte-identical to the plain build's once the plugin's HTML edits are applied to it."""
    names = sorted(p.relative_to(ours).as_posix() for p in ours.rglob("*.html"))
    same = sum(1 for n in names if (plain / n).is_file()
               and (ours / n).read_text(encoding="utf-8") == post_page(n, (plain / n).read_text(encoding="utf-8")))
    return same, len(names)


# --------------------------------------------------------------------------- the benchmarks
@dataclass
class Context:
    """What every section shares: the work folder, the repeat count and the example company."""

    work: Path
    repeats: int
    quick: bool
    example: Path | None = None
    results: dict[str, Any] = field(default_factory=dict)


def bench_scaffold(ctx: Context) -> dict[str, Any]:
    """``policyforge new`` against ``cookiecutter`` on the same template (both run our hooks)."""
    base = ctx.work / "scaffold"

    def ours(i: int) -> Run:
        return scaffold(base / f"new-{i}")[1]

    def plain(i: int) -> Run:
        return measure([BIN / "cookiecutter", "--no-input", REPO_ROOT, "-o", base / f"cc-{i}"])

    series = interleaved(ctx.repeats, {"policyforge new": ours, "cookiecutter": plain})
    a, b = base / "new-0" / "acme-cloud", base / "cc-0" / "acme-cloud"
    same = all((a / p.relative_to(b)).read_bytes() == p.read_bytes() for p in (b / "policies").glob("*.md"))
    same = same and (a / "company.yml").read_bytes() == (b / "company.yml").read_bytes()
    ctx.example = a
    return {
        "ours": series["policyforge new"].summary(), "baseline": series["cookiecutter"].summary(),
        "ratio": ratio(series["policyforge new"].best.seconds, series["cookiecutter"].best.seconds),
        "same_repository": same,
    }


def bench_site(ctx: Context) -> dict[str, Any]:
    """``mkdocs build`` with the policyforge plugin against plain MkDocs on the same rendered Markdown."""
    assert ctx.example is not None
    example, plain = ctx.example, ctx.work / "site-plain"
    project = plain_mkdocs_project(example, plain)
    ours_site, plain_site = ctx.work / "site-ours", plain / "site"

    def ours(_: int) -> Run:
        return measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", example / "mkdocs.yml", "-d", ours_site])

    def baseline(_: int) -> Run:
        return measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", plain / "mkdocs.yml", "-d", plain_site])

    series = interleaved(ctx.repeats, {"plugin": ours, "plain": baseline})
    same, total = _identical_pages(ours_site, plain_site, project.post_page)
    events = json.loads(measure(task_command("plugin-events", example, ctx.work / "site-events")).stdout)
    serving = ctx.work / "serve-company"
    shutil.copytree(example, serving, ignore=shutil.ignore_patterns("site", ".cache"))
    serve = json.loads(measure(task_command("serve", serving, ctx.work / "site-serve", CHANGED_POLICY)).stdout)
    serve.update(policy=CHANGED_POLICY,
                 ratio_vs_full_build=ratio(serve["rebuild_seconds"], series["plugin"].best.seconds),
                 ratio_vs_first_serve_build=ratio(serve["rebuild_seconds"], serve["first_seconds"]))
    return {
        "pages": project.pages, "identical_html_pages": same, "html_pages": total, "plugin_events": events,
        "serve": serve,
        "ours": series["plugin"].summary(), "baseline": series["plain"].summary(),
        "ratio": ratio(series["plugin"].best.seconds, series["plain"].best.seconds),
        "cpu_ratio": ratio(series["plugin"].best.cpu_seconds, series["plain"].best.cpu_seconds),
    }


def baseline_cli(ctx: Context) -> list[object]:
    """Return a command that runs the engine as it was at ``BASELINE_COMMIT`` (the PDF design before #17).

    The commit's tree is exported with ``git archive`` into the work folder and imported as
    ``policyforge`` ahead of this checkout's, so "today's" pipeline is measured side by side,
    on the same company and under the same load, rather than quoted from an older run.
    """
    root = ctx.work / "baseline"
    if not root.exists():
        source, package = root / "src", root / "pkg"
        source.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", REPO_ROOT, "archive", BASELINE_COMMIT], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", source], input=archive.stdout, check=True)
        package.mkdir()
        (package / "policyforge").symlink_to(source / "generator", target_is_directory=True)
    return [sys.executable, "-c", "import sys; from policyforge.adapters.cli import main; sys.exit(main())"]


def _baseline_env(ctx: Context) -> dict[str, str]:
    return child_env(PYTHONPATH=str(ctx.work / "baseline" / "pkg"))


def bench_pdfs(ctx: Context) -> dict[str, Any]:
    """Our PDF pipeline against today's (the baseline commit) and WeasyPrint alone on the same parts' HTML."""
    assert ctx.example is not None
    from policyforge.exports import appendix_parts, contents_part, cover_part, policy_part
    from policyforge.program import load_program
    from policyforge.repo import current_release

    example = ctx.example
    started = time.perf_counter()
    program = load_program(example)
    release = current_release(example)
    parts = [cover_part(program, release), *(policy_part(program, d) for d in program.ordered_policies()),
             *appendix_parts(program, release)]
    parts.insert(1, contents_part(program, release, [(part, 1) for part in parts[1:]]))
    compose_seconds = time.perf_counter() - started
    html_dir = ctx.work / "pdf-html"
    html_dir.mkdir()
    for part in parts:
        (html_dir / f"{part.key}.html").write_text(part.html, encoding="utf-8")
    workers = min(len(parts), os.cpu_count() or 1)
    out = ctx.work / "pdf-out"
    old = baseline_cli(ctx)
    variants: dict[str, Callable[[int], Run]] = {
        "policyforge pdf --no-cache": lambda i: measure(
            [BIN / "policyforge", "pdf", "--no-cache", "--repo", example, "--out", out / f"ours-{i}"]),
        "today's policyforge pdf --no-cache": lambda i: measure(
            [*old, "pdf", "--no-cache", "--repo", example, "--out", out / f"today-{i}"], env=_baseline_env(ctx)),
        "weasyprint parallel": lambda i: measure(task_command("weasyprint", html_dir, out / f"par-{i}", str(workers))),
    }
    series = interleaved(max(1, ctx.repeats - 1), variants)
    per_doc: dict[str, float] = json.loads(series["weasyprint parallel"].best.stdout)["per_document"]
    longest = max(per_doc.items(), key=lambda item: item[1])
    ours, today, par = (series[name].best for name in variants)
    join = json.loads(measure(task_command("join", out / "par-0", html_dir, "no" if ctx.quick else "yes")).stdout)
    return {
        "documents": len(list((out / "ours-0").glob("*.pdf"))), "parts": len(parts), "workers": workers,
        "compose_html_seconds": round(compose_seconds, 3), "baseline_commit": BASELINE_COMMIT,
        "longest_part": {"name": longest[0].removesuffix(".html"), "weasyprint_seconds": round(longest[1], 3)},
        "weasyprint_cpu_seconds_per_part": {k.removesuffix(".html"): round(v, 3) for k, v in per_doc.items()},
        "pages": join["pages"], "join": join,
        "ours": series["policyforge pdf --no-cache"].summary(),
        "today": series["today's policyforge pdf --no-cache"].summary(),
        "weasyprint_parallel": series["weasyprint parallel"].summary(),
        "ratio_vs_today": ratio(ours.seconds, today.seconds),
        "cpu_ratio_vs_today": ratio(ours.cpu_seconds, today.cpu_seconds),
        "ratio_vs_weasyprint": ratio(ours.seconds, par.seconds),
        "cpu_ratio_vs_weasyprint": ratio(ours.cpu_seconds, par.cpu_seconds),
        "same_page_counts": _page_counts(out / "ours-0", out / "today-0"),
        "same_documents": sorted(p.name for p in (out / "ours-0").glob("*.pdf"))
        == sorted(p.name for p in (out / "today-0").glob("*.pdf")),
    }


def _page_counts(first: Path, second: Path) -> bool | None:
    """Return whether both folders hold the same PDFs with the same page counts (None without pypdf)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    names = sorted(p.name for p in first.glob("*.pdf"))
    if names != sorted(p.name for p in second.glob("*.pdf")):
        return False
    return all(len(PdfReader(first / n).pages) == len(PdfReader(second / n).pages) for n in names)


_PDF_PHASE = re.compile(r"^PDFs: .* in ([0-9.]+)s\s*$", re.MULTILINE)


def _build_phases(run: Run) -> dict[str, float]:
    match = _PDF_PHASE.search(run.stdout)
    pdf = float(match.group(1)) if match else float("nan")
    return {"seconds": round(run.seconds, 3), "pdf_seconds": pdf, "rest_seconds": round(run.seconds - pdf, 3),
            "cpu_seconds": round(run.cpu_seconds, 3), "peak_rss_mb": round(run.peak_rss_mb, 1),
            "tree_rss_mb": round(run.tree_rss_mb, 1)}


def bench_warm(ctx: Context) -> dict[str, Any]:
    """The full example company cold (new + build), then a no-op rebuild and a rebuild after one change."""
    repo, new = scaffold(ctx.work / "warm")
    build = [BIN / "policyforge", "build", "--repo", repo]
    cold = _build_phases(measure(build))
    noop = _build_phases(measure(build))
    policy = next((repo / "policies").glob(f"{CHANGED_POLICY}-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8").rstrip("\n")
                      + "\n\nThe Security Officer keeps this policy current.\n", encoding="utf-8")
    warm = _build_phases(measure(build))
    full = new.seconds + cold["seconds"]
    return {
        "changed_policy": CHANGED_POLICY,
        "new": {"seconds": round(new.seconds, 3), "peak_rss_mb": round(new.peak_rss_mb, 1)},
        "cold_build": cold, "noop_build": noop, "warm_build": warm,
        "ratio": ratio(warm["seconds"], cold["seconds"]),
        "pdf_ratio": ratio(warm["pdf_seconds"], cold["pdf_seconds"]),
        "rest_ratio": ratio(warm["rest_seconds"], cold["rest_seconds"]),
        "noop_ratio": ratio(noop["seconds"], cold["seconds"]),
        "full_example_seconds": round(full, 3),
        "full_example_peak_rss_mb": max(new.peak_rss_mb, cold["peak_rss_mb"]),
        "full_example_tree_rss_mb": max(new.tree_rss_mb, cold["tree_rss_mb"]),
    }


def _scale_point(ctx: Context, name: str, library: Path) -> dict[str, Any]:
    env = child_env(POLICYFORGE_LIBRARY=str(library))
    engine = measure(task_command("engine"), env=env)
    repo, new = scaffold(ctx.work / "scale" / f"{name}-company", env=env)
    site = measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", repo / "mkdocs.yml"], env=env)
    one_pdf = measure(task_command("pdf-one", repo, CHANGED_POLICY, ctx.work / "scale" / f"{name}.pdf"), env=env)
    facts = json.loads(engine.stdout)
    pdf = json.loads(one_pdf.stdout)
    return {
        "rendered_policies": facts["rendered_policies"], "controls": facts["controls"],
        "markdown_chars": facts["markdown_chars"],
        "engine": {"seconds": facts["seconds"], "cpu_seconds": facts["cpu_seconds"],
                   "process_seconds": round(engine.seconds, 3), "peak_rss_mb": round(engine.peak_rss_mb, 1)},
        "scaffold": {"seconds": round(new.seconds, 3), "cpu_seconds": round(new.cpu_seconds, 3),
                     "peak_rss_mb": round(new.peak_rss_mb, 1)},
        "site": {"seconds": round(site.seconds, 3), "cpu_seconds": round(site.cpu_seconds, 3),
                 "peak_rss_mb": round(site.peak_rss_mb, 1)},
        "policy_pdf": {"seconds": pdf["seconds"], "cpu_seconds": pdf["cpu_seconds"],
                       "process_seconds": round(one_pdf.seconds, 3), "peak_rss_mb": round(one_pdf.peak_rss_mb, 1)},
    }


# Linearity is judged on CPU time, which other work on a shared machine barely disturbs; wall time is reported too.
SCALE_METRICS = ("engine", "scaffold", "site", "policy_pdf")


def _fits(points: dict[int, dict[str, Any]]) -> dict[str, Any]:
    fits: dict[str, Any] = {}
    for metric in SCALE_METRICS:
        xy = [(float(k), float(p[metric]["cpu_seconds"])) for k, p in sorted(points.items())]
        fit = linear_fit(xy)
        fits[metric] = {**fit, "curvature": curvature(xy), "flat": is_flat(xy), "linear": is_linear(fit, xy),
                        "growth_at_max": ratio(xy[-1][1], xy[0][1]), "scale_at_max": xy[-1][0]}
    return fits


def bench_library_scale(ctx: Context) -> dict[str, Any]:
    """Grow the library by content (1x..10x per policy) and by policy count (as far as POL-NN allows)."""
    source = REPO_ROOT / "policy_templates"
    content_scales = (1, 2, 4) if ctx.quick else (1, 2, 5, 10)
    count_scales = (1, 2) if ctx.quick else (1, 2, 3)
    content: dict[int, dict[str, Any]] = {}
    for k in content_scales:
        library = ctx.work / "libraries" / f"content-{k}"
        shape = scaled_library(source, library, content=k)
        content[k] = {**shape, **_scale_point(ctx, f"content-{k}", library)}
    count: dict[int, dict[str, Any]] = {1: content[1]}
    for k in count_scales[1:]:
        library = ctx.work / "libraries" / f"count-{k}"
        shape = scaled_library(source, library, copies=k)
        count[k] = {**shape, **_scale_point(ctx, f"count-{k}", library)}
    return {
        "id_pattern": "POL-NN (^POL-\\d{2}$): at most 99 policies, so a 10x library (290 policies) cannot be "
                      "made of new ids; content scaling repeats each policy's sections and controls instead",
        "max_count_scale": POLICY_ID_LIMIT // 29,
        "content": {str(k): v for k, v in content.items()}, "content_fit": _fits(content),
        "count": {str(k): v for k, v in count.items()}, "count_fit": _fits(count),
    }


def bench_batch(ctx: Context) -> dict[str, Any]:
    """The consultant's case: companies scaffolded and built with their PDFs, one company per core.

    Each company is one process (``policyforge build --jobs 1``: its PDFs laid out in that process),
    and as many companies run at once as there are cores, so every core is busy and memory is
    bounded by the core count times one build, however many companies the batch holds.
    """
    size = 4 if ctx.quick else 20
    workers = os.cpu_count() or 1
    base = ctx.work / "batch"
    started = time.perf_counter()
    lock = threading.Lock()
    done: list[dict[str, Any]] = []

    def company(i: int) -> None:
        repo, new = scaffold(base / f"{i:03d}", f"company_name=Batch Company {i:03d}")
        build = measure([BIN / "policyforge", "build", "--jobs", "1", "--repo", repo])
        size_bytes = sum(p.stat().st_size for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
        with lock:
            done.append({"index": i, "finished_at": time.perf_counter() - started,
                         "seconds": new.seconds + build.seconds, "new_seconds": new.seconds,
                         "build_seconds": build.seconds, "cpu_seconds": new.cpu_seconds + build.cpu_seconds,
                         "peak_rss_mb": max(new.peak_rss_mb, build.peak_rss_mb), "disk_bytes": size_bytes,
                         "pdfs": len(list((repo / "out" / "pdf").glob("*.pdf")))})

    sampler = _TreeSampler(os.getpid(), interval=0.5)
    sampler.start()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(company, i) for i in range(size)]:
            future.result()
    tree_peak = sampler.stop()
    wall = time.perf_counter() - started
    finished = sorted(item["finished_at"] for item in done)
    points = [(float(n), t) for n, t in enumerate(finished, start=1)]
    fit = linear_fit(points)
    checkpoints = {str(n): {"elapsed_seconds": round(finished[n - 1], 3),
                            "per_company_seconds": round(finished[n - 1] / n, 3)}
                   for n in sorted({1, workers, size // 2, size}) if 0 < n <= size}
    ordered = sorted(done, key=lambda item: item["index"])
    tenth = max(1, size // 10)
    return {
        "companies": size, "workers": workers, "wall_seconds": round(wall, 3), "checkpoints": checkpoints,
        "with_pdfs": True, "pdfs_per_company": min(item["pdfs"] for item in done),
        "fit_elapsed_vs_count": {**fit, "curvature": curvature(points), "linear": is_linear(fit, points)},
        "mean_company_seconds": round(sum(i["seconds"] for i in done) / size, 3),
        "mean_company_cpu_seconds": round(sum(i["cpu_seconds"] for i in done) / size, 3),
        "peak_rss_mb_first": round(max(i["peak_rss_mb"] for i in ordered[:tenth]), 1),
        "peak_rss_mb_last": round(max(i["peak_rss_mb"] for i in ordered[-tenth:]), 1),
        "tree_rss_mb": round(tree_peak / 2**20, 1),
        "disk_bytes_per_company": round(sum(i["disk_bytes"] for i in done) / size),
    }


SECTIONS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "scaffold": bench_scaffold,
    "site": bench_site,
    "pdf": bench_pdfs,
    "warm": bench_warm,
    "library_scale": bench_library_scale,
    "batch": bench_batch,
}


# --------------------------------------------------------------------------- helper tasks (child processes)
def _render_html_file(args: tuple[str, str, str]) -> tuple[str, float]:
    from policyforge.exports._pdf import STYLESHEET
    from weasyprint import CSS, HTML

    source, target, base_url = args
    started = time.perf_counter()
    data = HTML(string=Path(source).read_text(encoding="utf-8"), base_url=base_url).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])
    Path(target).write_bytes(data)
    return Path(source).name, time.perf_counter() - started


def task_weasyprint(html_dir: str, out_dir: str, workers: str) -> dict[str, Any]:
    """Render every HTML file with WeasyPrint alone, largest first (as policyforge orders its jobs)."""
    from policyforge.exports._pdf import STYLESHEET

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = sorted(Path(html_dir).glob("*.html"), key=lambda p: p.stat().st_size, reverse=True)
    jobs = [(str(p), str(out / p.name.removesuffix(".html")), str(STYLESHEET.parent)) for p in files]
    if int(workers) > 1:
        with ProcessPoolExecutor(max_workers=int(workers)) as pool:
            timings = list(pool.map(_render_html_file, jobs))
    else:
        timings = [_render_html_file(job) for job in jobs]
    return {"per_document": dict(timings)}


def task_join(parts_dir: str, html_dir: str, weasyprint_copy: str = "no") -> dict[str, Any]:
    """Time the handbook join three ways on the same laid-out parts: pikepdf (ours), pypdf, WeasyPrint's copy.

    pypdf appends the parts with their outlines and named destinations (no link rewriting or page
    labels, so it is a lower bound of what it would cost). WeasyPrint's own copying needs every
    part's layout in one process (``Document.copy`` of the pages, then one ``write_pdf``), so it
    can neither reuse cached parts nor spread the layout over cores; its time is the layout of all
    parts plus the write.
    """
    from io import BytesIO

    from policyforge.exports import Part
    from policyforge.exports._handbook import join_handbook
    from pypdf import PdfReader, PdfWriter

    folder = Path(parts_dir)
    keys = ["cover", "contents"] + sorted(p.name for p in folder.iterdir() if p.name.startswith("POL-")) + [
        "appendix-controls", "appendix-coverage"]
    data = {key: (folder / key).read_bytes() for key in keys}
    parts = [Part(key, key, "", key, key.lower()) for key in keys]
    results: dict[str, Any] = {}
    cpu = time.process_time()
    book = join_handbook([(part, data[part.key]) for part in parts], front_parts=2)
    results["pikepdf_seconds"] = round(time.process_time() - cpu, 3)
    results["pikepdf_bytes"] = len(book)
    results["pages"] = len(PdfReader(BytesIO(book)).pages)
    cpu = time.process_time()
    writer = PdfWriter()
    for key in keys:
        writer.append(PdfReader(BytesIO(data[key])))
    buffer = BytesIO()
    writer.write(buffer)
    results["pypdf_seconds"] = round(time.process_time() - cpu, 3)
    results["pypdf_bytes"] = len(buffer.getvalue())
    if weasyprint_copy == "yes":
        from policyforge.exports._pdf import STYLESHEET, _stylesheet
        from weasyprint import HTML

        cpu = time.process_time()
        documents = [HTML(string=(Path(html_dir) / f"{key}.html").read_text(encoding="utf-8"),
                          base_url=str(STYLESHEET.parent)).render(stylesheets=[_stylesheet()]) for key in keys]
        layout = time.process_time() - cpu
        cpu = time.process_time()
        whole = documents[0].copy([page for document in documents for page in document.pages]).write_pdf()
        results["weasyprint_layout_seconds"] = round(layout, 3)
        results["weasyprint_copy_write_seconds"] = round(time.process_time() - cpu, 3)
        results["weasyprint_bytes"] = len(whole)
    return results


def task_serve(repo: str, site_dir: str, policy_id: str) -> dict[str, Any]:
    """Build as `mkdocs serve` does: a first build, then a rebuild after one policy edit, in one process.

    serve reloads the configuration for each rebuild (``get_config`` then ``build``); a plugin with
    ``on_startup`` is kept across those reloads, which is what lets ours reuse its work.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def once() -> tuple[float, float, Any]:
        config = load_config(str(Path(repo) / "mkdocs.yml"), site_dir=site_dir)
        started, cpu = time.perf_counter(), time.process_time()
        config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        return time.perf_counter() - started, time.process_time() - cpu, config.plugins["policyforge"]

    first, first_cpu, plugin = once()
    policy = next((Path(repo) / "policies").glob(f"{policy_id}-*.md"))
    policy.write_text(policy.read_text(encoding="utf-8").rstrip("\n")
                      + "\n\nThe Security Officer reviews this policy after each incident.\n", encoding="utf-8")
    second, second_cpu, again = once()
    return {"first_seconds": round(first, 3), "first_cpu_seconds": round(first_cpu, 3),
            "rebuild_seconds": round(second, 3), "rebuild_cpu_seconds": round(second_cpu, 3),
            "same_plugin_instance": plugin is again, "rendered_on_rebuild": list(getattr(again, "rendered", []))}


def task_engine() -> dict[str, Any]:
    """Render the example company's whole program from the library ($POLICYFORGE_LIBRARY)."""
    from policyforge import facts_from_answers, load_library, program_from_library
    from policyforge.model import resolve_answers

    started, cpu = time.perf_counter(), time.process_time()
    program = program_from_library(facts_from_answers(resolve_answers()), load_library())
    pages = [program.render_page(doc) for doc in program.ordered_policies()]
    pages += [program.home_page({}), program.matrix_page(), program.coverage_page()]
    return {"seconds": round(time.perf_counter() - started, 3), "cpu_seconds": round(time.process_time() - cpu, 3),
            "rendered_policies": len(program.policies),
            "controls": len(program.controls()), "markdown_chars": sum(len(p) for p in pages)}


def task_pdf_one(repo: str, policy_id: str, target: str) -> dict[str, Any]:
    """Render one policy's PDF through policyforge (policy_html + render_pdf)."""
    from policyforge.exports import policy_html, render_pdf
    from policyforge.program import load_program

    program = load_program(Path(repo))
    started, cpu = time.perf_counter(), time.process_time()
    data = render_pdf(policy_html(program, program.policies[policy_id]))
    Path(target).write_bytes(data)
    return {"seconds": round(time.perf_counter() - started, 3), "cpu_seconds": round(time.process_time() - cpu, 3),
            "bytes": len(data)}


def task_plugin_events(repo: str, site_dir: str) -> dict[str, Any]:
    """Build the site in-process with the plugin's event methods timed, to show where its overhead goes."""
    import functools

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from policyforge.adapters.mkdocs_plugin import PolicyforgePlugin

    spent: dict[str, float] = {}

    def timed(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    # MkDocs binds event methods when it loads the plugin, so wrap them on the class first.
    for name in [n for n in vars(PolicyforgePlugin) if n.startswith("on_")]:
        setattr(PolicyforgePlugin, name, timed(name, getattr(PolicyforgePlugin, name)))
    started = time.perf_counter()
    build(load_config(str(Path(repo) / "mkdocs.yml"), site_dir=site_dir, strict=True))
    total = time.perf_counter() - started
    return {"build_seconds": round(total, 3), "events": {k: round(v, 3) for k, v in sorted(spent.items())}}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "weasyprint": task_weasyprint, "engine": task_engine, "pdf-one": task_pdf_one, "join": task_join,
    "serve": task_serve,
    "plugin-events": task_plugin_events,
}


# --------------------------------------------------------------------------- report
def machine() -> dict[str, Any]:
    """Describe the machine and the toolchain the numbers were measured with."""
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        memory_kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
    versions = {}
    for package in ("weasyprint", "mkdocs", "mkdocs-material", "cookiecutter", "markdown", "jinja2"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True,
                            text=True, check=False).stdout.strip()
    changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=False).stdout.splitlines()
    if changed:
        commit += f" with {len(changed)} uncommitted changed files"
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory_kb / 2**20, 1), "peak_rss": PEAK_SOURCE,
            "python": platform.python_version(), "os": platform.platform(), "versions": versions,
            "commit": commit or "unknown"}


def _fmt_s(value: float) -> str:
    return f"{value:.2f} s"


def _plugin_reason(site: dict[str, Any]) -> str:
    events = site.get("plugin_events", {})
    timed = events.get("events", {}).items()
    spent = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timed if seconds >= 0.01)
    return (f"the plugin loads the program and renders every page with the engine, which plain MkDocs does not "
            f"have to do; timed in-process its events take {spent} of a {events.get('build_seconds', '?')} s build "
            f"(on_config loads company.yml, the policies and the library; on_files builds the generated pages; "
            f"on_page_markdown renders each policy)")


def _linear_reason(scale: dict[str, Any]) -> tuple[bool, str, str]:
    bad, summary = [], []
    for kind, label in (("content_fit", "content"), ("count_fit", "count")):
        for metric, fit in scale[kind].items():
            shape = "flat" if fit["flat"] else f"R² {fit['r2']}, curvature {fit['curvature']}"
            text = f"{label} {metric} {fit['growth_at_max']}× CPU at {fit['scale_at_max']:g}× ({shape})"
            summary.append(text)
            if not fit["linear"]:
                bad.append(text)
    value = "; ".join(summary)
    return not bad, value, ("growth beyond a straight line: " + "; ".join(bad)) if bad else ""


def _layout_limit(pdf: dict[str, Any], cores: int) -> str:
    per_part = pdf.get("weasyprint_cpu_seconds_per_part", {})
    pages = pdf.get("pages", 0)
    total = sum(per_part.values())
    if not per_part or not pages:
        return "WeasyPrint's layout time per page is not measured in this run"
    return (f"WeasyPrint alone lays out the {pages} handbook pages in {total:.1f} CPU s ({total / pages:.3f} s a page; "
            f"the longest part, {pdf['longest_part']['name']}, {pdf['longest_part']['weasyprint_seconds']} s), "
            f"so {total / cores:.1f} s on {cores} cores is the floor of the PDF phase")


def verdicts(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Hold the numbers to the targets; every missed target says why, from the numbers themselves."""
    out: dict[str, dict[str, Any]] = {}
    site, pdf, warm = results.get("site", {}), results.get("pdf", {}), results.get("warm", {})
    scale, batch = results.get("library_scale", {}), results.get("batch", {})
    cores = os.cpu_count() or 1
    if "ratio" in site:
        out["plugin_overhead"] = {"value": site["ratio"], "met": site["ratio"] <= 1.30, "reason": _plugin_reason(site)}
    if "serve" in site:
        serve = site["serve"]
        value = serve["ratio_vs_full_build"]
        out["serve_rebuild"] = {
            "value": value, "met": value <= 0.30,
            "reason": f"the rebuild rendered {len(serve['rendered_on_rebuild'])} policy with the engine "
                      f"({', '.join(serve['rendered_on_rebuild']) or 'none'}), but MkDocs renders every page of the "
                      f"site through the theme on each rebuild: plain MkDocs alone takes "
                      f"{site['baseline']['seconds']} s for the same {site['pages']} pages, "
                      f"{ratio(site['baseline']['seconds'], site['ours']['seconds'])} of our full build"}
    if "cpu_ratio_vs_today" in pdf:
        out["pdf_cpu"] = {
            "value": pdf["cpu_ratio_vs_today"], "met": pdf["cpu_ratio_vs_today"] <= 0.55,
            "reason": f"each page is laid out once now ({pdf['ours']['cpu_seconds']} CPU s against "
                      f"{pdf['today']['cpu_seconds']} today), but the control matrix is a long table that WeasyPrint "
                      f"lays out slowly and today's handbook held it once too; " + _layout_limit(pdf, cores)}
    if "ratio" in warm:
        out["warm_rebuild"] = {
            "value": warm["ratio"], "met": warm["ratio"] <= 0.20,
            "reason": f"the changed policy, the contents and the join take {warm['warm_build']['pdf_seconds']} s "
                      f"(PDF phase, {warm['cold_build']['pdf_seconds']} s cold); MkDocs has no incremental build and "
                      f"renders every page again ({warm['warm_build']['rest_seconds']} s start-up and site, "
                      f"{warm['cold_build']['rest_seconds']} s cold)"}
        out["noop_rebuild"] = {
            "value": warm["noop_ratio"], "met": warm["noop_ratio"] <= 0.10,
            "reason": f"a no-op build took {warm['noop_build']['seconds']} s"}
    if "content_fit" in scale:
        met, value, reason = _linear_reason(scale)
        out["linear_library"] = {"value": value, "met": met, "reason": reason}
    if "fit_elapsed_vs_count" in batch:
        fit = batch["fit_elapsed_vs_count"]
        out["linear_batch"] = {"value": f"R² {fit['r2']}, curvature {fit['curvature']}, {fit['slope']} s per company",
                               "met": fit["linear"],
                               "reason": "elapsed time is not proportional to the number of companies"}
    if "full_example_seconds" in warm:
        full = warm["full_example_seconds"]
        out["full_example"] = {
            "value": full, "met": full <= FULL_EXAMPLE_SECONDS,
            "reason": f"the PDFs take {warm['cold_build']['pdf_seconds']} s of it and the site "
                      f"{warm['cold_build']['rest_seconds']} s, after scaffolding ({warm['new']['seconds']} s); "
                      + _layout_limit(pdf, cores)}
    for key, verdict in out.items():
        verdict["target"] = TARGETS[key]
        if verdict["met"]:
            verdict["reason"] = ""
    return out


def _mark(verdict: dict[str, Any] | None) -> str:
    if verdict is None:
        return "—"
    return "met" if verdict["met"] else "**missed**"


def _rss(summary: dict[str, Any]) -> str:
    return f"{summary['peak_rss_mb']:.0f} / {summary['tree_rss_mb']:.0f} MB"


def _main_rows(r: dict[str, Any]) -> list[tuple[str, str, str, str, str, str | None]]:
    rows: list[tuple[str, str, str, str, str, str | None]] = []
    if "ours" in r.get("scaffold", {}):
        s = r["scaffold"]
        rows.append(("Scaffold: `policyforge new` vs `cookiecutter`", _fmt_s(s["ours"]["seconds"]),
                     _fmt_s(s["baseline"]["seconds"]), f"{s['ratio']:.2f}×", _rss(s["ours"]), None))
    if "ours" in r.get("site", {}):
        s = r["site"]
        rows.append((f"Site: `mkdocs build` with the plugin vs plain MkDocs ({s['pages']} pages, "
                     f"{s['identical_html_pages']}/{s['html_pages']} HTML pages identical)",
                     _fmt_s(s["ours"]["seconds"]), _fmt_s(s["baseline"]["seconds"]),
                     f"{s['ratio']:.2f}× (CPU {s['cpu_ratio']:.2f}×)", _rss(s["ours"]), "plugin_overhead"))
    if "serve" in r.get("site", {}):
        s = r["site"]["serve"]
        rows.append((f"`mkdocs serve` rebuild after editing {s['policy']} vs a full `mkdocs build` (policies rendered "
                     f"on the rebuild: {', '.join(s['rendered_on_rebuild']) or 'none'})", _fmt_s(s["rebuild_seconds"]),
                     _fmt_s(r["site"]["ours"]["seconds"]),
                     f"{s['ratio_vs_full_build']:.2f} (first serve build {s['first_seconds']:.2f} s)", "—",
                     "serve_rebuild"))
    if "ours" in r.get("pdf", {}):
        s = r["pdf"]
        rows.append((f"PDFs: `policyforge pdf --no-cache` vs today's (commit {s['baseline_commit']}), same company, "
                     f"{s['documents']} PDFs", _fmt_s(s["ours"]["seconds"]), _fmt_s(s["today"]["seconds"]),
                     f"{s['ratio_vs_today']:.2f}× (CPU {s['cpu_ratio_vs_today']:.2f}×: {s['ours']['cpu_seconds']:.1f} "
                     f"against {s['today']['cpu_seconds']:.1f} CPU s)", _rss(s["ours"]), "pdf_cpu"))
        rows.append((f"PDFs: `policyforge pdf --no-cache` vs WeasyPrint alone on the same {s['parts']} parts "
                     f"({s['workers']} workers)", _fmt_s(s["ours"]["seconds"]),
                     _fmt_s(s["weasyprint_parallel"]["seconds"]),
                     f"{s['ratio_vs_weasyprint']:.2f}× (CPU {s['cpu_ratio_vs_weasyprint']:.2f}×)",
                     _rss(s["weasyprint_parallel"]), None))
        join = s["join"]
        copy = (f"; WeasyPrint copy {join['weasyprint_copy_write_seconds']:.2f} s write after "
                f"{join['weasyprint_layout_seconds']:.1f} s single-process layout"
                if "weasyprint_copy_write_seconds" in join else "")
        rows.append((f"Handbook join of the {s['pages']} laid-out pages (CPU): pikepdf vs pypdf{copy}",
                     _fmt_s(join["pikepdf_seconds"]), _fmt_s(join["pypdf_seconds"]),
                     f"{ratio(join['pikepdf_seconds'], join['pypdf_seconds']):.2f}× ({join['pikepdf_bytes'] // 1024} "
                     f"KB against {join['pypdf_bytes'] // 1024} KB)", "—", None))
    if "ratio" in r.get("warm", {}):
        s = r["warm"]
        cold, warm, noop = s["cold_build"], s["warm_build"], s["noop_build"]
        rows.append((f"Warm `policyforge build` after changing {s['changed_policy']} vs cold",
                     _fmt_s(warm["seconds"]), _fmt_s(cold["seconds"]),
                     f"{s['ratio']:.2f} (PDF phase {s['pdf_ratio']:.2f}, start-up + site {s['rest_ratio']:.2f})",
                     _rss(warm), "warm_rebuild"))
        rows.append(("No-op `policyforge build` (nothing changed) vs cold", _fmt_s(noop["seconds"]),
                     _fmt_s(cold["seconds"]), f"{s['noop_ratio']:.2f}", _rss(noop), "noop_rebuild"))
        rows.append(("Full example company: `policyforge new` + `policyforge build` (site and all PDFs)",
                     _fmt_s(s["full_example_seconds"]), f"target {FULL_EXAMPLE_SECONDS} s",
                     f"{s['full_example_seconds'] / FULL_EXAMPLE_SECONDS:.2f}",
                     f"{s['full_example_peak_rss_mb']:.0f} / {s['full_example_tree_rss_mb']:.0f} MB", "full_example"))
    if "content_fit" in r.get("library_scale", {}):
        s = r["library_scale"]
        for kind, label in (("content", "content per policy"), ("count", "policy count")):
            top = max(s[kind], key=int)
            fits = s[f"{kind}_fit"]
            growth = ", ".join(f"{m} {fits[m]['growth_at_max']:.1f}×" for m in SCALE_METRICS)
            rows.append((f"Library {top}× {label}: CPU time growth against 1× (engine, scaffold, site, one PDF)",
                         _fmt_s(s[kind][top]["site"]["seconds"]) + " site",
                         _fmt_s(s[kind]["1"]["site"]["seconds"]) + " site", growth,
                         f"{s[kind][top]['site']['peak_rss_mb']:.0f} MB site", "linear_library"))
    if "checkpoints" in r.get("batch", {}):
        s = r["batch"]
        points = ", ".join(f"{n}: {c['per_company_seconds']:.2f} s" for n, c in s["checkpoints"].items())
        fit = s["fit_elapsed_vs_count"]
        rows.append((f"Batch of {s['companies']} companies with PDFs (`new` + `build --jobs 1`, {s['workers']} at a "
                     f"time); per company at {points}; {s['mean_company_cpu_seconds']:.1f} CPU s a company",
                     _fmt_s(s["wall_seconds"]) + " total", "—",
                     f"{fit['slope']:.2f} s/company {fit['intercept']:+.1f} s (R² {fit['r2']})",
                     f"{s['peak_rss_mb_first']:.0f} MB first tenth, {s['peak_rss_mb_last']:.0f} MB last; "
                     f"{s['tree_rss_mb']:.0f} MB whole batch",
                     "linear_batch"))
    return rows


def _scale_tables(s: dict[str, Any]) -> list[str]:
    lines = ["", f"Library scale: {s['id_pattern']}. Seconds are wall time (CPU time in brackets); the fit is on "
             "CPU time.", ""]
    for kind, label in (("content", "Content per policy"), ("count", "Policy count")):
        lines += [f"| {label} | Policies | Controls | Markdown chars | Engine render | Scaffold | Site build | "
                  f"{CHANGED_POLICY} PDF | Peak RSS (site) |", "|---|---|---|---|---|---|---|---|---|"]
        for k, p in sorted(s[kind].items(), key=lambda item: int(item[0])):
            cells = " | ".join(f"{_fmt_s(p[m]['seconds'])} ({p[m]['cpu_seconds']:.2f})" for m in SCALE_METRICS)
            lines.append(f"| {k}× | {p['rendered_policies']} | {p['controls']} | {p['markdown_chars']:,} | {cells} | "
                         f"{p['site']['peak_rss_mb']:.0f} MB |")
        fits = s[f"{kind}_fit"]
        lines.append("| CPU fit | | | | " + " | ".join(
            "flat" if fits[m]["flat"] else f"{fits[m]['slope']:.2f} s/× {fits[m]['intercept']:+.2f} s, "
            f"R² {fits[m]['r2']}, curvature {fits[m]['curvature']}{'' if fits[m]['linear'] else ' (not linear)'}"
            for m in SCALE_METRICS) + " | |")
        lines.append("")
    return lines


def markdown_report(report: dict[str, Any]) -> str:
    """Return the results as Markdown: the main table, missed targets, the scale series and the machine."""
    r, v = report["results"], report["verdicts"]
    lines = [f"# policyforge benchmarks ({'quick' if report['quick'] else 'full'} run)", "",
             "| Benchmark | policyforge | Baseline | Ratio | Peak RSS (largest process / process tree) | Target | "
             "Result |", "|---|---|---|---|---|---|---|"]
    for name, ours, base, value, rss, key in _main_rows(r):
        target = TARGETS[key] if key else "—"
        lines.append(f"| {name} | {ours} | {base} | {value} | {rss} | {target} | "
                     f"{_mark(v.get(key) if key else None)} |")
    for name, error in report["errors"].items():
        lines.append(f"| {name} | failed: {error.splitlines()[0][:160]} | | | | | |")
    missed = [item for item in v.values() if not item["met"]]
    if missed:
        lines += ["", "Missed targets:", ""]
        lines += [f"- **{item['target']}** ({item['value']}): {item['reason']}." for item in missed]
    if "content" in r.get("library_scale", {}):
        lines += _scale_tables(r["library_scale"])
    m = report["machine"]
    versions = ", ".join(f"{k} {val}" for k, val in m["versions"].items())
    lines += ["", f"Measured {report['measured_at']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; "
              f"Python {m['python']}; {versions}; "
              f"{m['os']}; commit {m['commit']}. Load average (1, 5, 15 min) {report['load_before']} before, "
              f"{report['load_after']} after; other work shared the machine when it exceeds the core count. "
              f"Best of {report['repeats']} for scaffold and site, {max(1, report['repeats'] - 1)} for PDFs, "
              f"one run for the rest. The run took {report['run_seconds']:.0f} s."]
    return "\n".join(lines) + "\n"


def _stamp(epoch: str | None) -> str:
    """Return when the run was made: the caller's SOURCE_DATE_EPOCH if set (reproducible), else now."""
    moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC) if epoch and epoch.isdigit() else dt.datetime.now(dt.UTC)
    return moment.replace(microsecond=0).isoformat()


def run_benchmarks(quick: bool, sections: Iterable[str], keep: bool, results_dir: Path) -> dict[str, Any]:
    """Run the chosen sections in order, write the report files and return the report."""
    started, measured_at = time.perf_counter(), _stamp(os.environ.get("SOURCE_DATE_EPOCH"))
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH  # what this process renders itself (the plain site) matches the builds
    work = Path(tempfile.mkdtemp(prefix="policyforge-bench-"))
    ctx = Context(work=work, repeats=1 if quick else 3, quick=quick)
    errors: dict[str, str] = {}
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        for name in sections:
            print(f"[bench] {name}...", file=sys.stderr, flush=True)
            section_started = time.perf_counter()
            try:
                ctx.results[name] = SECTIONS[name](ctx)
            except Exception as exc:  # one failed section is reported; the others still run
                errors[name] = str(exc) if isinstance(exc, BenchError) else traceback.format_exc()
            print(f"[bench] {name} done in {time.perf_counter() - section_started:.0f} s", file=sys.stderr,
                  flush=True)
    finally:
        if keep:
            print(f"[bench] work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    report: dict[str, Any] = {
        "quick": quick, "measured_at": measured_at, "repeats": ctx.repeats, "machine": machine(),
        "load_before": load_before, "load_after": [round(x, 2) for x in os.getloadavg()],
        "run_seconds": round(time.perf_counter() - started, 1), "results": ctx.results, "errors": errors,
    }
    report["verdicts"] = verdicts(ctx.results)
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "latest.json").write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (results_dir / "latest.md").write_text(markdown_report(report), encoding="utf-8")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks (or, with --task, one helper task in this child process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 10 companies, smaller scales")
    parser.add_argument("--only", nargs="+", choices=list(SECTIONS), default=list(SECTIONS),
                        help="run only these sections (scaffold runs first whenever site or pdf is asked for)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="where to write latest.md/json")
    parser.add_argument("--task", choices=list(TASKS), help=argparse.SUPPRESS)
    parser.add_argument("task_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.task:
        print(json.dumps(TASKS[args.task](*args.task_args)))
        return 0
    sections = list(args.only)
    if {"site", "pdf"} & set(sections) and "scaffold" not in sections:
        sections.insert(0, "scaffold")
    report = run_benchmarks(args.quick, sections, args.keep, args.results)
    print(markdown_report(report))
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
