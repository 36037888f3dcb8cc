"""The benchmark sections: each measures one step of ours against its baseline, side by side."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inputs import identical_pages, plain_mkdocs_project, scaffold, scaled_library
from measure import (
    BASELINE_COMMIT,
    BIN,
    CHANGED_POLICY,
    POLICY_ID_LIMIT,
    REPO_ROOT,
    BenchError,
    Run,
    child_env,
    curvature,
    interleaved,
    is_flat,
    is_linear,
    linear_fit,
    measure,
    ratio,
    task_command,
)


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
    """``mkdocs build`` with the policyforge plugin against plain MkDocs on the same rendered Markdown.

    The serve rebuild is compared with a full build from a clean state: ``mkdocs build`` with the
    user's private cache off (``POLICYFORGE_TEMPLATE_CACHE=0``: no compiled templates, no parsed
    catalogs, no kept engine pages), what a build costs a user the first time. The plugin's own
    ``mkdocs build`` above runs with the cache on, so from its second repeat it takes the engine's
    pages kept by the first (its inputs are unchanged): that is a rebuild of unchanged inputs, not
    a full build, and the serve rebuild's ratio to it is reported beside, as is its ratio to serve's
    own first build (the same process, compiled templates kept, nothing else).
    """
    assert ctx.example is not None
    example, plain = ctx.example, ctx.work / "site-plain"
    project = plain_mkdocs_project(example, plain)
    ours_site, plain_site, clean_site = ctx.work / "site-ours", plain / "site", ctx.work / "site-clean"

    def ours(_: int) -> Run:
        return measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", example / "mkdocs.yml", "-d", ours_site])

    def baseline(_: int) -> Run:
        return measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", plain / "mkdocs.yml", "-d", plain_site])

    def clean(_: int) -> Run:
        return measure([BIN / "mkdocs", "build", "--strict", "-q", "-f", example / "mkdocs.yml", "-d", clean_site],
                       env=child_env(POLICYFORGE_TEMPLATE_CACHE="0"))

    series = interleaved(ctx.repeats, {"plugin": ours, "plain": baseline, "plugin, clean state": clean})
    identity = identical_pages(ours_site, plain_site, project.post_page)
    events = json.loads(measure(task_command("plugin-events", example, ctx.work / "site-events")).stdout)
    serving = ctx.work / "serve-company"
    shutil.copytree(example, serving, ignore=shutil.ignore_patterns("site", ".cache"))
    serve = json.loads(measure(task_command("serve", serving, ctx.work / "site-serve", CHANGED_POLICY)).stdout)
    full = series["plugin, clean state"].best
    serve.update(policy=CHANGED_POLICY, full_build=series["plugin, clean state"].summary(),
                 ratio_vs_full_build=ratio(serve["rebuild_seconds"], full.seconds),
                 cpu_ratio_vs_full_build=ratio(serve["rebuild_cpu_seconds"], full.cpu_seconds),
                 ratio_vs_unchanged_inputs_build=ratio(serve["rebuild_seconds"], series["plugin"].best.seconds),
                 ratio_vs_first_serve_build=ratio(serve["rebuild_seconds"], serve["first_seconds"]))
    return {
        "pages": project.pages, "html_pages": identity.pages, "byte_identical_html_pages": identity.byte_identical,
        "identical_html_pages": identity.identical_as_serialised, "differing_html_pages": list(identity.differing),
        "plugin_events": events,
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


def baseline_company(ctx: Context) -> Path:
    """Scaffold the example company with the baseline's own ``policyforge new --no-input``.

    company.yml's schema has grown since ``BASELINE_COMMIT`` and the old engine refuses today's
    file, so each side reads a company made by its own scaffold from the same default answers.
    """
    target = ctx.work / "baseline-company"
    if not target.exists():
        target.mkdir(parents=True)
        run = measure([*baseline_cli(ctx), "new", "--no-input", "-o", target], env=_baseline_env(ctx))
        created = re.search(r"Company repository: (.+)$", run.stdout, re.MULTILINE)
        if not created:
            raise BenchError(f"the baseline's policyforge new did not say where it wrote the company:\n{run.stdout}")
    return next(p for p in target.iterdir() if (p / "company.yml").is_file())


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
    old, old_example = baseline_cli(ctx), baseline_company(ctx)
    variants: dict[str, Callable[[int], Run]] = {
        "policyforge pdf --no-cache": lambda i: measure(
            [BIN / "policyforge", "pdf", "--no-cache", "--repo", example, "--out", out / f"ours-{i}"]),
        "today's policyforge pdf --no-cache": lambda i: measure(
            [*old, "pdf", "--no-cache", "--repo", old_example, "--out", out / f"today-{i}"], env=_baseline_env(ctx)),
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
        "longest_part": {"name": longest[0].removesuffix(".html"), "weasyprint_cpu_seconds": round(longest[1], 3)},
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
_SITE_PHASE = re.compile(r"^Site: .* in ([0-9.]+)s(, beside the PDFs)?\s*$", re.MULTILINE)


def _build_phases(run: Run) -> dict[str, Any]:
    """Split a ``policyforge build`` into its PDF phase, its site and the rest, from what it prints.

    The site is built either after the PDFs or, when both have work, by a second process beside them
    ("beside the PDFs"): then the phases overlap and the rest is what the longer of the two leaves
    (start-up, the input fingerprints, copying the PDFs into the site and the swap). A site that is
    unchanged prints no time and counts 0 s.
    """
    match = _PDF_PHASE.search(run.stdout)
    pdf = float(match.group(1)) if match else float("nan")
    site_match = _SITE_PHASE.search(run.stdout)
    site = float(site_match.group(1)) if site_match else 0.0
    beside = bool(site_match and site_match.group(2))
    phases = max(pdf, site) if beside else pdf + site
    return {"seconds": round(run.seconds, 3), "pdf_seconds": pdf, "site_seconds": site, "site_beside_pdfs": beside,
            "rest_seconds": round(run.seconds - phases, 3),
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
        "site_ratio": ratio(warm["site_seconds"], cold["site_seconds"]),
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


_COMPANY_LINE = re.compile(r"^(?P<repo>.+): built in (?P<s>[0-9.]+)s, (?P<cpu>[0-9.]+) CPU s, largest process "
                           r"(?P<mb>[0-9]+) MB$", re.MULTILINE)


def _batch_of(ctx: Context, size: int) -> dict[str, Any]:
    """Scaffold ``size`` companies, then build them all with one ``policyforge batch`` (site and PDFs)."""
    base = ctx.work / "batch" / f"size-{size}"
    repos = [scaffold(base / f"{i:03d}", f"company_name=Batch Company {i:03d}")[0] for i in range(size)]
    run = measure([BIN / "policyforge", "batch", *repos])
    companies = [m.groupdict() for m in _COMPANY_LINE.finditer(run.stdout)]
    if len(companies) != size:
        raise BenchError(f"policyforge batch reported {len(companies)} of {size} companies:\n{run.stdout}")
    pdfs = min(len(list((repo / "out" / "pdf").glob("*.pdf"))) for repo in repos)
    return {
        "companies": size, "wall_seconds": round(run.seconds, 3), "cpu_seconds": round(run.cpu_seconds, 3),
        "per_company_seconds": round(run.seconds / size, 3),
        "per_company_cpu_seconds": round(run.cpu_seconds / size, 3),
        "mean_company_build_seconds": round(sum(float(c["s"]) for c in companies) / size, 3),
        "largest_company_process_mb": max(int(c["mb"]) for c in companies),
        "peak_rss_mb": round(run.peak_rss_mb, 1), "tree_rss_mb": round(run.tree_rss_mb, 1), "pdfs_per_company": pdfs,
    }


def bench_batch(ctx: Context) -> dict[str, Any]:
    """The consultant's case: ``policyforge batch`` builds companies (site and PDFs), one company per core.

    Two batch sizes are run, each one ``policyforge batch`` process; linear means the per-company
    cost stays the same and the memory of the whole tree does not grow with the count (at most
    one build per core is alive at a time). Full runs: 5 and 20 companies; --quick: 2 and 5.
    """
    small, large = (2, 5) if ctx.quick else (5, 20)
    runs = {str(n): _batch_of(ctx, n) for n in (small, large)}
    a, b = runs[str(small)], runs[str(large)]
    return {
        "workers": os.cpu_count() or 1, "sizes": [small, large], "runs": runs, "with_pdfs": True,
        "per_company_wall_growth": ratio(b["per_company_seconds"], a["per_company_seconds"]),
        "per_company_cpu_growth": ratio(b["per_company_cpu_seconds"], a["per_company_cpu_seconds"]),
        "tree_memory_growth": ratio(b["tree_rss_mb"], a["tree_rss_mb"]),
        "command": f"policyforge batch REPO... ({large} companies)",
    }


SECTIONS: dict[str, Callable[[Context], dict[str, Any]]] = {
    "scaffold": bench_scaffold,
    "site": bench_site,
    "pdf": bench_pdfs,
    "warm": bench_warm,
    "library_scale": bench_library_scale,
    "batch": bench_batch,
}
