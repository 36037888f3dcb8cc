"""Commands that create a company repository and build its program: new, build, pdf, serve, coverage, ..."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .._errors import PolicyforgeError, Problem
from ..repo._layout import LAYOUT, PDF_DIR
from ._command import (
    Command,
    ExitCode,
    add_out_argument,
    add_repo_argument,
    fail,
    print_problems,
    progress_reporter,
    repo_path,
)
from ._new import new_arguments, run_new

if TYPE_CHECKING:
    from ..program._program import Program


def pdf_inputs(repo: Path, pdfa: bool, only: list[str] | None = None, handbook: bool = True) -> str:
    """Return the fingerprint of what a PDF build of ``repo`` with these options reads (``program/_buildstate.py``)."""
    from ..program._buildstate import input_fingerprint

    return input_fingerprint(repo, "pdf", f"pdfa={pdfa}", f"only={sorted(only or [])}", f"handbook={handbook}")


def write_pdfs(repo: Path, out: Path, pdfa: bool, use_cache: bool, only: list[str] | None = None,
               handbook: bool = True, jobs: int | None = None, inputs: str | None = None,
               program: Program | None = None) -> None:
    """Render the repository's PDFs into ``out`` and say how many were rendered and how long it took.

    With the cache on, a build whose inputs and outputs are as the last one left them composes
    nothing: the build state (``program/_buildstate.py``) says so from a look at the files.
    ``inputs`` is ``pdf_inputs`` when the caller took it already, ``program`` the program when it loaded it.
    """
    from ..program._buildstate import BuildState
    from ..repo._published import published_set

    published = published_set(repo)  # refused before anything is read or reused
    if published.problems:
        raise PolicyforgeError(published.problems)
    started = time.perf_counter()
    state = BuildState(repo, out, "pdf") if use_cache else None
    inputs = inputs or pdf_inputs(repo, pdfa, only, handbook)
    if state is not None and state.is_current(inputs):
        count = len(list(out.glob("*.pdf")))
        print(f"PDFs: {count} in {out} (0 rendered, {count} unchanged; nothing changed since the last build) "
              f"in {time.perf_counter() - started:.1f}s")
        return
    from ..exports._pdf import pdf_look
    from ..exports._pdfbuild import build_pdfs
    from ..program._program import load_program
    from ..repo._git import current_release

    if state is not None:
        state.forget()
    program = program or load_program(repo)
    release = current_release(repo)
    cache = repo / ".cache" / "pdf" if use_cache else None
    with progress_reporter("PDF") as step:
        report = build_pdfs(program, release, out, pdfa=pdfa, cache_dir=cache, only=only, handbook=handbook,
                            workers=jobs, progress=step, assets=published.asset_paths(repo),
                            look=pdf_look(repo, program, release, published))
    if state is not None:
        state.save(inputs)
    written = len(report.files)
    print(f"PDFs: {written} in {out} ({report.rendered} rendered, {written - report.rendered} unchanged; "
          f"{report.parts_rendered} parts laid out, {report.parts_cached} from the cache) "
          f"in {time.perf_counter() - started:.1f}s")


def _jobs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                        help="lay out PDFs in N processes (default: one per core; 1 for batches of companies)")


def _pdf_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    add_out_argument(parser, "out/pdf")
    parser.add_argument("--pdfa", action="store_true", help="write PDF/A-3b for archiving")
    parser.add_argument("--no-cache", action="store_true", help="render every PDF again")
    parser.add_argument("policies", nargs="*", metavar="POL-NN",
                        help="only these policies' PDFs (the handbook too with --handbook)")
    parser.add_argument("--handbook", action="store_true", help="with policy ids: also the handbook")
    _jobs_argument(parser)


def run_pdf(args: argparse.Namespace) -> ExitCode:
    """Write the policy handbook and one PDF per policy."""
    repo = repo_path(args)
    write_pdfs(repo, (args.out or repo / PDF_DIR).resolve(), args.pdfa, not args.no_cache,
               only=args.policies or None, handbook=not args.policies or args.handbook, jobs=args.jobs)
    return ExitCode.OK


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--site-dir", type=Path, default=None, help="write the site here")
    parser.add_argument("--no-pdf", action="store_true", help="build only the site")
    _jobs_argument(parser)


def run_build(args: argparse.Namespace) -> ExitCode:
    """Build the PDFs and the company's site (strict) into site/, with the PDFs linked from it.

    Either step is skipped when its inputs and outputs are as the last build left them, so a
    build with nothing changed costs a look at the files. When both have work and a core is
    free, the site is built by a second process while this one writes the PDFs (``_site_build.py``).
    """
    from ..lifecycle._mkdocs_config import mkdocs_config_problems
    from ..program._buildstate import BuildState, input_fingerprint
    from ..repo._published import published_set
    from ._site_build import build_site, build_site_beside_pdfs, can_build_beside, site_inputs

    repo = repo_path(args)
    if not (repo / "mkdocs.yml").is_file():
        fail(str(repo), "no mkdocs.yml", "run inside a company repository or pass --repo")
    # Refuse before anything is built or MkDocs loads the configuration (hooks run at load).
    refused = published_set(repo).problems + mkdocs_config_problems(repo)
    if refused:
        raise PolicyforgeError(refused)
    site = Path(args.site_dir or repo / "site").resolve()
    default = site == (repo / "site").resolve()
    pdf_dir = repo / PDF_DIR
    state = BuildState(repo, site, "site")
    sources = input_fingerprint(repo, "site", str(site))  # taken before anything is written
    if args.no_pdf:
        return build_site(repo, site, default, state, site_inputs(sources, pdf_dir))
    pdfs = pdf_inputs(repo, pdfa=False)

    def pdf_phase(program: Program | None = None) -> None:
        write_pdfs(repo, pdf_dir, pdfa=False, use_cache=True, jobs=args.jobs, inputs=pdfs, program=program)

    if (can_build_beside(args.jobs) and not BuildState(repo, pdf_dir, "pdf").is_current(pdfs)
            and not state.is_current(site_inputs(sources, pdf_dir))):
        return build_site_beside_pdfs(repo, site, default, state, sources, pdf_dir, pdf_phase)
    pdf_phase()
    return build_site(repo, site, default, state, site_inputs(sources, pdf_dir))


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")


def _show_mkdocs_progress() -> None:
    """Print what MkDocs' server says (its address, each change it saw and each rebuild) to stderr."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.INFO)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("mkdocs.livereload", "mkdocs.commands.serve", "mkdocs.commands.build"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False
    warnings = logging.StreamHandler(sys.stderr)
    warnings.setLevel(logging.WARNING)
    warnings.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("mkdocs").addHandler(warnings)


def run_serve(args: argparse.Namespace) -> ExitCode:
    """Serve the site with live reload while policies or facts are edited."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    repo = repo_path(args)
    if not (repo / "mkdocs.yml").is_file():
        fail(str(repo), "no mkdocs.yml", "run inside a company repository or pass --repo")
    _show_mkdocs_progress()
    print(f"Serving the policy site of {repo} on http://{args.dev_addr}/ — it rebuilds when a policy, "
          "company.yml or mkdocs.yml changes; Ctrl-C stops.", file=sys.stderr, flush=True)
    try:
        serve(str(repo / "mkdocs.yml"), dev_addr=args.dev_addr)
    except MkDocsException as exc:
        print_problems([Problem("", str(exc))])
        return ExitCode.FINDINGS
    return ExitCode.OK


def run_coverage(args: argparse.Namespace) -> ExitCode:
    """Print each criterion in scope with its controls; fail if any has none."""
    from ..program._program import load_program

    program = load_program(repo_path(args))
    rows = program.coverage()
    width = max(len(r.criterion.id) for r in rows)
    for row in rows:
        controls = ", ".join(c.id for c in row.controls) or "NONE"
        sections = ", ".join(sorted({f"{c.policy}#{c.section}" for c in row.controls}))
        print(f"{row.criterion.id:<{width}}  {controls:<40}  {sections}")
    covered = sum(1 for row in rows if row.covered)
    scope = program.facts.scope.describe()
    print(f"\n{covered} of {len(rows)} criteria covered ({scope}); {len(program.controls())} controls in "
          f"{len(program.policies)} policies.")
    return ExitCode.OK if covered == len(rows) else ExitCode.FINDINGS


def _render_docs_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    add_out_argument(parser, "out/rendered")


def run_render_docs(args: argparse.Namespace) -> ExitCode:
    """Write every page as rendered Markdown with a plugin-free mkdocs.yml (for Zensical or any generator)."""
    from ..program._program import load_program
    from ..site._sitepages import render_docs

    repo = repo_path(args)
    out = (args.out or LAYOUT.output(repo, "rendered")).resolve()
    written = render_docs(load_program(repo), repo, out)
    print(f"Rendered {len(written) - 1} pages and mkdocs.yml into {out}")
    return ExitCode.OK


def _lint_library_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("policies", nargs="*", metavar="POL-NN", help="only report these policies")
    parser.add_argument("--all-rules", action="store_true",
                        help="also run the consistency rules not yet enforced (rules.PENDING in generator/rules/)")
    parser.add_argument("--matrix", action="store_true",
                        help="also render for the matrix of contrasting companies and check their vocabulary")


def run_lint_library(args: argparse.Namespace) -> ExitCode:
    """Print the library's lint problems, only those in files naming the given policy ids when some are given."""
    from ..program._lint import VARIANTS, lint_library, lint_vocabulary
    from ..program._matrix import MATRIX
    from ..rules import RULES

    wanted: list[str] = args.policies
    problems = lint_library(variants=(*VARIANTS, *MATRIX) if args.matrix else tuple(VARIANTS),
                            rules=[rule.code for rule in RULES] if args.all_rules else None)
    if args.matrix:
        problems += [problem for name in MATRIX for problem in lint_vocabulary(name)]
    if wanted:
        problems = [p for p in problems if any(w in p.where or w in p.message for w in wanted)]
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return ExitCode.FINDINGS if problems else ExitCode.OK


NEW = Command("new", "ask about the company (a dozen questions, the rest derived) and create its policy repository",
              run_new, new_arguments)
BUILD = Command("build", "render the PDFs into out/pdf, then build the site (strict) into site/, linking them",
                run_build, _build_arguments)
PDF = Command("pdf", "write the policy handbook and per-policy PDFs", run_pdf, _pdf_arguments)
SERVE = Command("serve", "preview the site at a local address, rebuilding it on every save", run_serve,
                _serve_arguments)
COVERAGE = Command("coverage", "show Trust Services criteria coverage; non-zero if any is uncovered", run_coverage,
                   add_repo_argument)
RENDER_DOCS = Command("render-docs", "write the whole site as rendered Markdown for any static site generator",
                      run_render_docs, _render_docs_arguments)
LINT_LIBRARY = Command("lint-library", "check the policy library's templates (for authors)", run_lint_library,
                       _lint_library_arguments)
