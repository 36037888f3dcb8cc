"""The ``policyforge`` command: a thin layer that turns arguments into engine calls.

Every command prints problems as ``file:line: message — fix`` and exits 2 on bad input,
1 when a check fails, 0 on success; none prints a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .._errors import PolicyforgeError, Problem
from ..program._program import PDF_DIR

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)


def _parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    from ..model._facts_schema import SPECS_BY_KEY

    overrides: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            problems.append(Problem(pair, "is not key=value", "write e.g. company_name=\"Acme Cloud\""))
        elif key not in SPECS_BY_KEY:
            problems.append(Problem(key, "is not a company fact", "see cookiecutter.json for the fact names"))
        else:
            overrides[key] = value
    if problems:
        raise PolicyforgeError(problems)
    return overrides


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a company repository through cookiecutter (the same hooks as `cookiecutter <template>`)."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException, OutputDirExistsException
    from cookiecutter.main import cookiecutter

    from ..model._answers import raw_defaults, resolve_answers
    from ..model._facts import facts_from_answers
    from ..model._library import template_root

    overrides = _parse_overrides(args.facts)
    template = template_root()
    if args.no_input:
        # Validate before cookiecutter runs, so a bad value costs nothing and names its field.
        facts_from_answers(resolve_answers(overrides, template), where="answers")
    defaults = raw_defaults(template)
    extra: dict[str, object] = {}
    for key, value in overrides.items():
        if isinstance(defaults[key], str):
            if "endraw" in value:
                raise PolicyforgeError([Problem(key, "contains 'endraw'", "remove that word from the value")])
            # Cookiecutter renders override values as templates; raw blocks keep them data.
            extra[key] = "{% raw %}" + value + "{% endraw %}"
        else:
            extra[key] = value
    try:
        created = cookiecutter(str(template), no_input=args.no_input, extra_context=extra,
                               output_dir=str(args.output_dir), accept_hooks=True)
    except OutputDirExistsException as exc:
        print(f"ERROR: {exc} — choose another --output-dir or remove the folder", file=sys.stderr)
        return EXIT_USAGE
    except FailedHookException:
        print("ERROR: the company facts were not accepted (see above); nothing was written.", file=sys.stderr)
        return EXIT_USAGE
    except CookiecutterException as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Company repository: {created}")
    return EXIT_OK


def _mkdocs_config(repo: Path, site_dir: Path | None, strict: bool) -> object:
    from mkdocs.config import load_config

    options: dict[str, Any] = {"strict": strict}
    if site_dir is not None:
        options["site_dir"] = str(site_dir.resolve())
    return load_config(str(repo / "mkdocs.yml"), **options)


def _write_pdfs(repo: Path, out: Path, pdfa: bool, use_cache: bool, only: list[str] | None = None,
                handbook: bool = True) -> int:
    import time

    from ..exports._pdfbuild import build_pdfs
    from ..program._program import load_program
    from ..repo._git import current_release

    started = time.perf_counter()
    program = load_program(repo)
    release = current_release(repo)
    cache = repo / ".cache" / "pdf" if use_cache else None
    report = build_pdfs(program, release, out, pdfa=pdfa, cache_dir=cache, only=only, handbook=handbook)
    written = len(report.files)
    print(f"PDFs: {written} in {out} ({report.rendered} rendered, {written - report.rendered} unchanged; "
          f"{report.parts_rendered} parts laid out, {report.parts_cached} from the cache) "
          f"in {time.perf_counter() - started:.1f}s")
    return EXIT_OK


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write the policy handbook and one PDF per policy."""
    repo = Path(args.repo).resolve()
    return _write_pdfs(repo, (args.out or repo / PDF_DIR).resolve(), args.pdfa, not args.no_cache,
                       only=args.policies or None, handbook=not args.policies or args.handbook)


def _show_mkdocs_warnings() -> None:
    """Print MkDocs' warnings and errors (ours included) to stderr; the API alone logs them nowhere."""
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)


def cmd_build(args: argparse.Namespace) -> int:
    """Build the PDFs, then the company's site (strict) into site/, with the PDFs linked from it."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    repo = Path(args.repo).resolve()
    if not (repo / "mkdocs.yml").is_file():
        print(f"ERROR: {repo}: no mkdocs.yml — run inside a company repository or pass --repo", file=sys.stderr)
        return EXIT_USAGE
    if not args.no_pdf:
        _write_pdfs(repo, repo / PDF_DIR, pdfa=False, use_cache=True)
    _show_mkdocs_warnings()
    try:
        config = _mkdocs_config(repo, args.site_dir, strict=True)
        build(config)  # type: ignore[arg-type]
    except MkDocsException as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_FAILED
    site = args.site_dir or repo / "site"
    print(f"Site: {Path(site).resolve() / 'index.html'}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the site with live reload while policies or facts are edited."""
    from mkdocs.commands.serve import serve

    repo = Path(args.repo).resolve()
    serve(str(repo / "mkdocs.yml"), dev_addr=args.dev_addr)
    return EXIT_OK


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print each criterion in scope with its controls; fail if any has none."""
    from ..program._program import CATEGORY_TITLES, load_program

    program = load_program(Path(args.repo).resolve())
    rows = program.coverage()
    width = max(len(r.criterion.id) for r in rows)
    for row in rows:
        controls = ", ".join(c.id for c in row.controls) or "NONE"
        sections = ", ".join(sorted({f"{c.policy}#{c.section}" for c in row.controls}))
        print(f"{row.criterion.id:<{width}}  {controls:<40}  {sections}")
    covered = sum(1 for row in rows if row.covered)
    scope = ", ".join(CATEGORY_TITLES[c] for c in program.facts.categories)
    print(f"\n{covered} of {len(rows)} criteria covered ({scope}); {len(program.controls())} controls in "
          f"{len(program.policies)} policies.")
    return EXIT_OK if covered == len(rows) else EXIT_FAILED


def cmd_check(args: argparse.Namespace) -> int:
    """Check the repository's policies; print problems for a terminal or as GitHub annotations."""
    import os

    from ..lifecycle._check import check_repository, github_annotation

    repo = Path(args.repo).resolve()
    result = check_repository(repo, base=args.base)
    github = args.format == "github" or (args.format == "auto" and os.environ.get("GITHUB_ACTIONS") == "true")
    for problem in result.problems:
        print(github_annotation(problem) if github else f"{problem}")
    verdict = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
    print(f"policyforge check: {result.checked} policies, {verdict}", file=sys.stderr)
    return EXIT_FAILED if result.problems else EXIT_OK


def cmd_approve(args: argparse.Namespace) -> int:
    """Record the approval of changed policies in their front matter."""
    import datetime as dt

    from ..lifecycle._approve import approve

    day = dt.date.fromisoformat(args.date) if args.date else None
    docs = approve(Path(args.repo).resolve(), args.policies, args.by, args.summary, major=args.major, on=day,
                   author=args.author)
    for doc in docs:
        print(f"{doc.path}: version {doc.version} approved by {doc.history[-1].approver} on "
              f"{doc.history[-1].date.isoformat()}")
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    """List policy reviews that are overdue or due within 30 days; non-zero if any is overdue."""
    from ..lifecycle._approve import review_status
    from ..program._program import load_program

    rows = review_status(load_program(Path(args.repo).resolve()))
    for row in rows:
        if args.all or row.state != "current":
            due = row.due.isoformat() if row.due else "never reviewed"
            print(f"{row.state:<9} {due:<14} {row.doc.id} {row.doc.title} (owner: {row.doc.owner})")
    overdue = sum(1 for r in rows if r.state == "overdue")
    soon = sum(1 for r in rows if r.state == "due soon")
    print(f"{overdue} overdue, {soon} due within 30 days, {len(rows) - overdue - soon} current", file=sys.stderr)
    return EXIT_FAILED if overdue else EXIT_OK


def cmd_redline(args: argparse.Namespace) -> int:
    """Write an HTML and PDF redline of the policies changed between two revisions."""
    import re as re_module

    from ..exports._pdf import render_pdf
    from ..lifecycle._redline import changes_between, redline_html
    from ..repo._files import write_atomic

    repo = Path(args.repo).resolve()
    changes = changes_between(repo, args.base, args.head)
    from ..model._facts import load_facts

    company = load_facts(repo / "company.yml").get("company.name")
    document = redline_html(args.base, args.head, changes, company)
    out = (args.out or repo / "out" / "redline").resolve()
    stem = "redline-" + re_module.sub(r"[^A-Za-z0-9._-]", "-", f"{args.base}-{args.head}")
    write_atomic(out / f"{stem}.html", document)
    if not args.no_pdf:
        write_atomic(out / f"{stem}.pdf", render_pdf(document))
    for change in changes:
        print(f"changed: {change.path}")
    print(f"Redline of {len(changes)} policies: {out / stem}.html" + ("" if args.no_pdf else " and .pdf"))
    return EXIT_OK


def cmd_codeowners(args: argparse.Namespace) -> int:
    """Rewrite .github/CODEOWNERS from company.yml and the policies."""
    from ..program._program import CODEOWNERS_FILE, load_program
    from ..repo._files import write_atomic

    repo = Path(args.repo).resolve()
    write_atomic(repo / CODEOWNERS_FILE, load_program(repo).codeowners())
    print(f"Wrote {CODEOWNERS_FILE}")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Publish a release (or the draft) as its own version of the site, PDFs included."""
    from ..lifecycle._publish import check_release, publish

    repo = Path(args.repo).resolve()
    version = None if args.draft else args.version
    if version is None and not args.draft:
        print("ERROR: give the release tag (policyforge publish 2026.1) or --draft", file=sys.stderr)
        return EXIT_USAGE
    check_release(repo, version)
    if not args.no_pdf:
        _write_pdfs(repo, repo / PDF_DIR, pdfa=False, use_cache=True)
    for command in publish(repo, version, args.push):
        print(f"mike {command}")
    where = "pushed to origin/gh-pages" if args.push else "committed to the local gh-pages branch"
    print(f"Published {version or 'draft'}: {where}")
    return EXIT_OK


def cmd_render_docs(args: argparse.Namespace) -> int:
    """Write every page as rendered Markdown with a plugin-free mkdocs.yml (for Zensical or any generator)."""
    from ..program._program import load_program
    from ..site._sitepages import render_docs

    repo = Path(args.repo).resolve()
    out = (args.out or repo / "out" / "rendered").resolve()
    written = render_docs(load_program(repo), repo, out)
    print(f"Rendered {len(written) - 1} pages and mkdocs.yml into {out}")
    return EXIT_OK


def cmd_lint_library(args: argparse.Namespace) -> int:
    """Hold the policy library itself to the bar (for library authors)."""
    from ..program._lint import main as lint_main

    return lint_main(args.policies)


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "new": (cmd_new, "create a company policy repository"),
    "build": (cmd_build, "build the policy site (strict)"),
    "pdf": (cmd_pdf, "write the policy handbook and per-policy PDFs"),
    "serve": (cmd_serve, "preview the site with live reload"),
    "coverage": (cmd_coverage, "show Trust Services criteria coverage; non-zero if any is uncovered"),
    "check": (cmd_check, "check policies for a pull request (metadata, wording, links, approvals, scope)"),
    "approve": (cmd_approve, "record an approval: bump version, set dates, append history"),
    "review": (cmd_review, "list policy reviews overdue or due soon"),
    "redline": (cmd_redline, "show what changed in the policies between two git revisions (HTML and PDF)"),
    "codeowners": (cmd_codeowners, "rewrite .github/CODEOWNERS from company.yml"),
    "publish": (cmd_publish, "publish a release (or --draft) as a version of the site with mike"),
    "render-docs": (cmd_render_docs, "write the whole site as rendered Markdown for any static site generator"),
    "lint-library": (cmd_lint_library, "check the policy library's templates (for authors)"),
}


# Commands whose module declares its own arguments (``add_arguments``) and runs them (``run``).
DELEGATED: dict[str, tuple[str, str]] = {
    "evidence": ("policyforge.kit._evidence",
                 "write the evidence plan (md, csv, xlsx): each artefact, owner, system, count"),
    "calendar": ("policyforge.kit._calendar", "write the control calendar (.ics) for the audit window"),
    "readiness": ("policyforge.kit._readiness", "show audit readiness by area from readiness.yml; --init creates it"),
    "update": ("policyforge.lifecycle._update",
               "merge a new library release or a scope change into the policies, keeping edits"),
}


def _delegate(module_name: str) -> Callable[[argparse.Namespace], int]:
    def handler(args: argparse.Namespace) -> int:
        import importlib

        result: int = importlib.import_module(module_name).run(args)
        return result

    return handler


COMMANDS.update({name: (_delegate(module), help_text) for name, (module, help_text) in DELEGATED.items()})


def cmd_export(args: argparse.Namespace) -> int:
    """Export the program as OSCAL JSON or one Word document per policy."""
    return int(args.export_run(args))


COMMANDS["export"] = (cmd_export, "export the program as OSCAL JSON or one Word document per policy")
DESCRIPTION = ("Generate and run a SOC 2 policy program: company facts in, policies, control matrix, "
               "evidence plan, versioned site and auditor PDFs out.")


def build_parser() -> argparse.ArgumentParser:
    """Describe the command line."""
    import importlib

    parser = argparse.ArgumentParser(prog="policyforge", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name in DELEGATED:
            importlib.import_module(DELEGATED[name][0]).add_arguments(command)
            continue
        if name == "export":
            formats = command.add_subparsers(dest="format", required=True)
            for fmt, module_name, text in (
                ("oscal", "policyforge.exports._oscal", "OSCAL JSON: catalog, profile, component definition, SSP"),
                ("docx", "policyforge.exports._docx", "one Word document per policy"),
            ):
                module = importlib.import_module(module_name)
                fmt_parser = formats.add_parser(fmt, help=text, description=text)
                module.add_arguments(fmt_parser)
                fmt_parser.set_defaults(export_run=module.run)
            continue
        if name == "new":
            command.add_argument("--no-input", action="store_true", help="use defaults and overrides, ask nothing")
            command.add_argument("-o", "--output-dir", type=Path, default=Path("."), help="where to create it")
            command.add_argument("facts", nargs="*", metavar="key=value", help="override a fact")
        elif name == "approve":
            command.add_argument("policies", nargs="+", metavar="POLICY", help="ids (POL-13) or files")
            command.add_argument("--by", required=True, help="the approver's name or email, as in company.yml")
            command.add_argument("--summary", default="Reviewed and approved", help="what changed, for the history")
            command.add_argument("--major", action="store_true", help="a major revision (2.0 rather than 1.1)")
            command.add_argument("--date", default=None, help="approval date YYYY-MM-DD (default: today)")
            command.add_argument("--author", default=None, help="who wrote the change (default: the owner)")
            command.add_argument("--repo", default=".", help="the company repository (default: here)")
        elif name == "redline":
            command.add_argument("base", help="the earlier revision (branch, tag or commit)")
            command.add_argument("head", nargs="?", default="HEAD", help="the later revision (default: HEAD)")
            command.add_argument("--out", type=Path, default=None, help="output folder (default: out/redline)")
            command.add_argument("--no-pdf", action="store_true", help="write only the HTML")
            command.add_argument("--repo", default=".", help="the company repository (default: here)")
        elif name == "lint-library":
            command.add_argument("policies", nargs="*", metavar="POL-NN", help="only report these policies")
        else:
            command.add_argument("--repo", default=".", help="the company repository (default: here)")
        if name == "build":
            command.add_argument("--site-dir", type=Path, default=None, help="write the site here")
            command.add_argument("--no-pdf", action="store_true", help="build only the site")
        if name == "pdf":
            command.add_argument("--out", type=Path, default=None, help="output folder (default: out/pdf)")
            command.add_argument("--pdfa", action="store_true", help="write PDF/A-3b for archiving")
            command.add_argument("--no-cache", action="store_true", help="render every PDF again")
            command.add_argument("policies", nargs="*", metavar="POL-NN",
                                 help="only these policies' PDFs (the handbook too with --handbook)")
            command.add_argument("--handbook", action="store_true", help="with policy ids: also the handbook")
        if name == "check":
            command.add_argument("--base", default=None, help="fail on text changed since this revision without "
                                 "a new approval (e.g. origin/main)")
            command.add_argument("--format", choices=["auto", "text", "github"], default="auto",
                                 help="github: annotations on the pull request (auto: when in GitHub Actions)")
        if name == "publish":
            command.add_argument("version", nargs="?", help="the release tag at HEAD, e.g. 2026.1")
            command.add_argument("--draft", action="store_true", help="publish main as the 'draft' version")
            command.add_argument("--push", action="store_true", help="push gh-pages to origin")
            command.add_argument("--no-pdf", action="store_true", help="publish the site without rendering PDFs")
        if name == "render-docs":
            command.add_argument("--out", type=Path, default=None, help="output folder (default: out/rendered)")
        if name == "review":
            command.add_argument("--all", action="store_true", help="list current policies too")
        if name == "serve":
            command.add_argument("--dev-addr", default="127.0.0.1:8000", help="address to serve on")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    handler = COMMANDS[args.command][0]
    try:
        return handler(args)
    except PolicyforgeError as exc:
        _print_problems(exc.problems)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`policyforge check | head`) went away: stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
