"""``policyforge batch``: a consultant's companies built (site and PDFs) across the cores, memory bounded.

Each company is built by its own ``policyforge build --jobs 1`` process, and at most ``--jobs``
of them run at once (default: one per core). A build laying out its PDFs in its one process
keeps every core busy with whole companies, and the memory held at any moment is at most
``--jobs`` builds, however many companies the batch holds. One company's failure is reported
and the others still build.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .._errors import Problem
from ._command import Command, ExitCode, fail, print_problems


@dataclass(frozen=True)
class CompanyBuild:
    """One company's build in the batch: how long it took, its CPU time and its largest process."""

    repo: Path
    exit_code: int
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    output: str


def build_company(repo: Path, pdfs: bool = True) -> CompanyBuild:
    """Build one company in a child process (``build --jobs 1``) and measure it with ``os.wait4``."""
    command = [sys.executable, "-m", "policyforge.adapters.cli", "build", "--jobs", "1", "--repo", str(repo)]
    if not pdfs:
        command.append("--no-pdf")
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)  # reaped here, so its resource use is this build's alone
        code = process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    peak = usage.ru_maxrss / 1024  # Linux: kilobytes
    return CompanyBuild(repo, code, time.perf_counter() - started, cpu, peak, output)


def build_batch(repos: list[Path], jobs: int, pdfs: bool = True) -> list[CompanyBuild]:
    """Build every company, ``jobs`` at a time, and return their builds in the order given."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda repo: build_company(repo, pdfs), repos))


def _batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repos", nargs="+", type=Path, metavar="REPO", help="the company repositories to build")
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="build N companies at once (default: one per core)")
    parser.add_argument("--no-pdf", action="store_true", help="build only the sites")


def run_batch(args: argparse.Namespace) -> ExitCode:
    """Build each company's PDFs and site, one company per core; exit 1 if any build failed."""
    repos = [Path(r).resolve() for r in args.repos]
    for repo in repos:
        if not (repo / "mkdocs.yml").is_file():
            fail(str(repo), "no mkdocs.yml: not a company repository", "pass the folders `policyforge new` created")
    jobs = args.jobs or os.cpu_count() or 1
    if jobs < 1:
        fail("--jobs", f"{jobs} is not a number of builds", "give 1 or more")
    started = time.perf_counter()
    builds = build_batch(repos, jobs, pdfs=not args.no_pdf)
    wall = time.perf_counter() - started
    failed = [b for b in builds if b.exit_code != 0]
    for b in builds:
        state = "built" if b.exit_code == 0 else f"FAILED (exit {b.exit_code})"
        print(f"{b.repo}: {state} in {b.seconds:.1f}s, {b.cpu_seconds:.1f} CPU s, largest process "
              f"{b.peak_rss_mb:.0f} MB")
    print(f"Batch: {len(builds) - len(failed)} of {len(builds)} companies built in {wall:.1f}s, {jobs} at a time "
          f"({wall / len(builds):.1f}s per company)")
    if failed:
        print_problems([Problem(str(b.repo), f"build failed:\n{b.output.strip()[-2000:]}",
                                f"run `policyforge build --repo {b.repo}` to see why") for b in failed])
        return ExitCode.FINDINGS
    return ExitCode.OK


BATCH = Command("batch", "build many companies' PDFs and sites, one company per core (for consultants)", run_batch,
                _batch_arguments)
