"""``policyforge build``'s site: MkDocs into a staging folder swapped in whole, alone or beside the PDFs.

The site and the PDFs are independent once the program is rendered, except that the site's home
page links the PDFs and the site carries a copy of them. So when both have work to do and there
are cores to spare, the site is built by a forked process while this process writes the PDFs:
the site links every PDF the program names (the plugin's ``link_named_pdfs``) and MkDocs copies
none of them; once both are done, this process copies the PDFs into the staging folder, then swaps
it in. Whether the site is unchanged is decided after the PDF phase, as the site's inputs include
the PDFs it copies. A build that fails or is stopped, in either process, leaves the previous site
(``site/_atomic.py``); the forked process writes nothing outside its staging folder but the
plugin's own records in the user's private cache.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import pickle
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .._errors import PolicyforgeError, Problem
from ..program._buildstate import BuildState, output_listing
from ..program._program import Program
from ..site._atomic import mark_built, staged_site
from ._command import ExitCode, print_problems

PDF_LINKS = "pdf"  # the site folder holding the PDFs (the plugin's ``pdf/<name>`` files)


def site_inputs(sources: str, pdf_dir: Path) -> str:
    """Return the site's fingerprint: ``sources`` (``input_fingerprint`` of the repository) and the PDFs it copies."""
    return hashlib.sha256(f"{sources}\0{output_listing(pdf_dir)}".encode()).hexdigest()


def mkdocs_config(repo: Path, site_dir: Path | None, strict: bool, *, keep_pages: bool = False,
                  named_pdfs: bool = False, program: Program | None = None) -> Any:
    """Return the repository's MkDocs configuration, the plugin set as ``policyforge build`` wants it.

    ``keep_pages``: each page's conversion and layout kept for the next build (mkdocs.yml was
    checked first); ``named_pdfs``: the PDFs linked by name and left for the caller to copy;
    ``program``: the repository's program, already loaded by the caller.
    """
    from mkdocs.config import load_config

    from .mkdocs_plugin import PolicyforgePlugin

    options: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        options["site_dir"] = str(site_dir.resolve())
    config = load_config(str(repo / "mkdocs.yml"), **options)
    plugin = config.plugins.get("policyforge")
    if isinstance(plugin, PolicyforgePlugin):
        plugin.keep_pages = keep_pages
        plugin.link_named_pdfs = named_pdfs
        plugin.preloaded = program
    return config


def show_mkdocs_warnings() -> None:
    """Print MkDocs' warnings and errors (ours included) to stderr; the API alone logs them nowhere."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)


def _pdfs_to_copy(config: Any) -> list[str]:
    from .mkdocs_plugin import PolicyforgePlugin

    plugin = config.plugins.get("policyforge")
    return list(plugin.pdfs_to_copy) if isinstance(plugin, PolicyforgePlugin) else []


def build_site(repo: Path, site: Path, default: bool, state: BuildState, inputs: str) -> ExitCode:
    """Build the site here (strict) unless it is current, copying the PDFs present in out/pdf."""
    if state.is_current(inputs):
        print(f"Site: {site / 'index.html'} (unchanged since the last build)")
        return ExitCode.OK
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    state.forget()
    show_mkdocs_warnings()
    # Built beside the site and swapped in whole: a failed or stopped build leaves the previous site.
    with staged_site(site, default=default) as staging:
        try:
            build(mkdocs_config(repo, staging, strict=True, keep_pages=True))
            mark_built(staging)
        except MkDocsException as exc:
            print_problems([Problem("", f"{exc} (the previous site is kept)")])
            return ExitCode.FINDINGS
    state.save(inputs)
    print(f"Site: {site / 'index.html'} in {time.perf_counter() - started:.1f}s")
    return ExitCode.OK


def can_build_beside(jobs: int | None) -> bool:
    """Return whether the site may be built by a second process: fork exists and ``--jobs`` leaves a core for it."""
    return (jobs or os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


class _Collect(logging.Handler):
    """Keep MkDocs' warnings and errors as text, for the parent to print once the PDFs are done."""

    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record))


def _site_child(send: Connection, repo: Path, staging: Path, program: Program) -> None:
    """In the forked process: build the site into ``staging`` and send back how it went."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    started = time.perf_counter()
    messages: list[str] = []
    logging.getLogger("mkdocs").addHandler(_Collect(messages))
    outcome: tuple[str, Any]
    try:
        config = mkdocs_config(repo, staging, strict=True, keep_pages=True, named_pdfs=True, program=program)
        build(config)
        outcome = ("built", _pdfs_to_copy(config))
    except MkDocsException as exc:
        outcome = ("refused", str(exc))
    except PolicyforgeError as exc:
        outcome = ("problems", exc.problems)
    except Exception as exc:  # handed to the parent, which raises it as this process would have
        try:
            pickle.dumps(exc)
            outcome = ("raised", exc)
        except Exception:  # noqa: BLE001  # an exception that does not pickle is sent as its traceback
            outcome = ("raised", RuntimeError(traceback.format_exc()))
    send.send((outcome, messages, time.perf_counter() - started))
    send.close()


class _SiteBeside:
    """A forked process building the site into ``staging`` while this one writes the PDFs.

    The program is loaded before the fork, so the two processes share it instead of each loading it.
    """

    def __init__(self, repo: Path, staging: Path, program: Program) -> None:
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        sys.stdout.flush()  # what is buffered now would be written twice, once by each process
        sys.stderr.flush()
        self._process = context.Process(target=_site_child, args=(send, repo, staging, program), daemon=True)
        self._process.start()
        send.close()

    def result(self) -> tuple[tuple[str, Any], list[str], float]:
        """Wait for the site and return its outcome, MkDocs' messages and how long it took."""
        try:
            received: tuple[tuple[str, Any], list[str], float] = self._receive.recv()
        except EOFError:
            self._process.join()
            stopped = RuntimeError(f"the site build stopped (exit code {self._process.exitcode})")
            received = (("raised", stopped), [], 0.0)
        self._process.join()
        return received

    def stop(self) -> None:
        """Stop the site build (if it still runs) and wait for it, so nothing writes into the staging folder."""
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._receive.close()


def build_site_beside_pdfs(repo: Path, site: Path, default: bool, state: BuildState, sources: str, pdf_dir: Path,
                           write_pdfs: Callable[[Program], None]) -> ExitCode:
    """Build the site in a forked process while ``write_pdfs`` runs here, then copy the PDFs in and swap.

    The program is loaded once, here, before the fork; both phases read it.
    """
    from ..program._program import load_program

    program = load_program(repo)
    with staged_site(site, default=default) as staging:
        beside = _SiteBeside(repo, staging, program)
        try:
            write_pdfs(program)
            inputs = site_inputs(sources, pdf_dir)
            if state.is_current(inputs):  # the PDFs are as the site already has them: the site is not swapped
                print(f"Site: {site / 'index.html'} (unchanged since the last build)")
                return ExitCode.OK
            (kind, value), messages, seconds = beside.result()
        finally:
            beside.stop()
        for message in messages:
            print(message, file=sys.stderr)
        if kind == "refused":
            print_problems([Problem("", f"{value} (the previous site is kept)")])
            return ExitCode.FINDINGS
        if kind == "problems":
            raise PolicyforgeError(value)
        if kind == "raised":
            raise value
        for name in value:
            source = pdf_dir / name
            if not source.is_file():
                raise PolicyforgeError([Problem(str(source), "was not written by the PDF phase, yet the site links it",
                                                "run policyforge build again; report it if it happens twice")])
            (staging / PDF_LINKS).mkdir(exist_ok=True)
            shutil.copyfile(source, staging / PDF_LINKS / name)
        state.forget()  # from here the site folder is replaced
        mark_built(staging)
    state.save(inputs)
    print(f"Site: {site / 'index.html'} in {seconds:.1f}s, beside the PDFs")
    return ExitCode.OK
