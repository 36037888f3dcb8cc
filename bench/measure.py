"""Measuring a step: run it as its own process and record wall time, CPU time and peak memory.

Also the arithmetic the verdicts use (ratios, a straight-line fit and its curvature), and where
the benchmark runs from (paths, the fixed SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
EPOCH = "1796083200"  # a fixed SOURCE_DATE_EPOCH, so every build renders the same dates
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
POLICY_ID_LIMIT = 99  # generator/model/_documents.py: _POLICY_ID = ^POL-\d{2}$
CHANGED_POLICY = "POL-13"
# "Today's" PDF pipeline for the side-by-side comparison: main before the handbook was assembled from parts.
BASELINE_COMMIT = "834d264"


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


class TreeSampler(threading.Thread):
    """Sample the summed RSS of a process and its descendants, because ru_maxrss never adds workers."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        """Watch process ``pid`` and its descendants every ``interval`` seconds."""
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
        """Sample until stopped, keeping the largest sum seen."""
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
        """Stop sampling and return the peak, in bytes."""
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
        sampler = TreeSampler(process.pid)
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
    return [sys.executable, Path(__file__).resolve().with_name("run.py"), "--task", task, *args]


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
