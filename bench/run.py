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
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from measure import EPOCH, RESULTS_DIR, BenchError
from report import machine, markdown_report, verdicts
from sections import SECTIONS, Context
from tasks import TASKS


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
