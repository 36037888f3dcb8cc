"""Helper tasks the sections run as child processes (``run.py --task NAME``), each printing JSON."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any


def _render_html_file(args: tuple[str, str, str]) -> tuple[str, float]:
    """Lay out one part and return its CPU seconds.

    The worker's own CPU time, so other load on the machine does not count; the report's per-page
    floor divides these.
    """
    from policyforge.exports._pdf import STYLESHEET
    from weasyprint import CSS, HTML

    source, target, base_url = args
    started = time.process_time()
    data = HTML(string=Path(source).read_text(encoding="utf-8"), base_url=base_url).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))])
    Path(target).write_bytes(data)
    return Path(source).name, time.process_time() - started


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

    serve reloads the configuration for each rebuild (``get_config`` then ``build``), which is timed
    with it; a plugin with ``on_startup`` is kept across those reloads, which is what lets ours reuse its work.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    def once() -> tuple[float, float, Any]:
        started, cpu = time.perf_counter(), time.process_time()
        config = load_config(str(Path(repo) / "mkdocs.yml"), site_dir=site_dir)
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
            "same_plugin_instance": plugin is again, "rendered_on_rebuild": list(getattr(again, "rendered", [])),
            "converted_on_rebuild": list(again.reuse.converted) if getattr(again, "reuse", None) else None,
            "laid_out_on_rebuild": list(again.reuse.laid_out) if getattr(again, "reuse", None) else None,
            "indexed_on_rebuild": list(getattr(again.reuse, "indexed", [])) if getattr(again, "reuse", None) else None}


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
    from mkdocs.plugins import CombinedEvent
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
    for name, member in [(n, m) for n, m in vars(PolicyforgePlugin).items() if n.startswith("on_")]:
        if isinstance(member, CombinedEvent):  # each handler timed under the event's name (wraps keeps its priority)
            setattr(PolicyforgePlugin, name, CombinedEvent(*(timed(name, m) for m in member.methods)))
        else:
            setattr(PolicyforgePlugin, name, timed(name, member))
    started = time.perf_counter()
    build(load_config(str(Path(repo) / "mkdocs.yml"), site_dir=site_dir, strict=True))
    total = time.perf_counter() - started
    return {"build_seconds": round(total, 3), "events": {k: round(v, 3) for k, v in sorted(spent.items())}}


TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "weasyprint": task_weasyprint, "engine": task_engine, "pdf-one": task_pdf_one, "join": task_join,
    "serve": task_serve,
    "plugin-events": task_plugin_events,
}
