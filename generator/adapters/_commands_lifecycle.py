"""Commands of a company repository's lifecycle: check, approve, review, redline, codeowners, publish, update."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from .. import __version__
from ..repo._layout import COMPANY_FILE, LAYOUT, PDF_DIR
from ._command import Command, ExitCode, add_out_argument, add_repo_argument, date_option, fail, repo_path
from ._commands_program import write_pdfs

if TYPE_CHECKING:
    from ..lifecycle._update import UpdateResult


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--base", default=None, help="fail on text changed since this revision without "
                        "a new approval (e.g. origin/main)")
    parser.add_argument("--format", choices=["auto", "text", "github"], default="auto",
                        help="github: annotations on the pull request (auto: when in GitHub Actions)")


def run_check(args: argparse.Namespace) -> ExitCode:
    """Check the repository's policies; print problems for a terminal or as GitHub annotations."""
    import os

    from ..lifecycle._check import check_repository, github_annotation

    result = check_repository(repo_path(args), base=args.base)
    github = args.format == "github" or (args.format == "auto" and os.environ.get("GITHUB_ACTIONS") == "true")
    for problem in result.problems:
        print(github_annotation(problem) if github else f"{problem}")
    verdict = "ok" if not result.problems else f"{len(result.problems)} problem(s)"
    pages = f", {result.pages} other pages" if result.pages else ""
    print(f"policyforge check: {result.checked} policies{pages}, {verdict}", file=sys.stderr)
    return ExitCode.FINDINGS if result.problems else ExitCode.OK


def _approve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("policies", nargs="+", metavar="POLICY", help="ids (POL-13) or files")
    parser.add_argument("--by", required=True, help="the approver's name or email, as in company.yml")
    parser.add_argument("--summary", default="Reviewed and approved", help="what changed, for the history")
    parser.add_argument("--major", action="store_true", help="a major revision (2.0 rather than 1.1)")
    parser.add_argument("--date", default=None, help="approval date YYYY-MM-DD (default: today)")
    parser.add_argument("--author", default=None, help="who wrote the change (default: the owner)")
    parser.add_argument("--acknowledge", choices=("required", "not-required"), default=None,
                        help="whether everyone acknowledges this version again (default: only a major version)")
    add_repo_argument(parser)


def run_approve(args: argparse.Namespace) -> ExitCode:
    """Record the approval of changed policies in their front matter."""
    from ..lifecycle._approve import approve

    day = date_option("--date", args.date)
    docs = approve(repo_path(args), args.policies, args.by, args.summary, major=args.major, on=day,
                   author=args.author, acknowledge=args.acknowledge)
    for doc in docs:
        print(f"{doc.path}: version {doc.version} approved by {doc.history[-1].approver} on "
              f"{doc.history[-1].date.isoformat()}")
    return ExitCode.OK


def _review_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("--all", action="store_true", help="list current policies too")


def run_review(args: argparse.Namespace) -> ExitCode:
    """List policy reviews that are overdue or due within 30 days; non-zero if any is overdue."""
    from ..lifecycle._approve import ReviewState, review_status
    from ..program._program import load_program

    rows = review_status(load_program(repo_path(args)))
    for row in rows:
        if args.all or row.state != ReviewState.CURRENT:
            due = row.due.isoformat() if row.due else "never reviewed"
            print(f"{row.state:<9} {due:<14} {row.doc.id} {row.doc.title} (owner: {row.doc.owner})")
    overdue = sum(1 for r in rows if r.state == ReviewState.OVERDUE)
    soon = sum(1 for r in rows if r.state == ReviewState.DUE_SOON)
    print(f"{overdue} overdue, {soon} due within 30 days, {len(rows) - overdue - soon} current", file=sys.stderr)
    return ExitCode.FINDINGS if overdue else ExitCode.OK


def _redline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("base", help="the earlier revision (branch, tag or commit)")
    parser.add_argument("head", nargs="?", default="HEAD", help="the later revision (default: HEAD)")
    add_out_argument(parser, "out/redline")
    parser.add_argument("--no-pdf", action="store_true", help="write only the HTML")
    parser.add_argument("--full", action="store_true",
                        help="show every paragraph of a changed policy, not only the changes with their context")
    add_repo_argument(parser)


def run_redline(args: argparse.Namespace) -> ExitCode:
    """Write an HTML and PDF redline of the policies changed between two revisions."""
    import re

    from ..exports._pdf import render_pdf
    from ..lifecycle._redline import CONTEXT, changes_between, redline_html
    from ..model._facts import load_facts
    from ..model._sections import layout_settings
    from ..repo._files import write_atomic
    from ..repo._git import DRAFT, release_at

    repo = repo_path(args)
    changes = changes_between(repo, args.base, args.head)
    facts = load_facts(repo / COMPANY_FILE)
    document = redline_html(args.base, args.head, changes, facts.company.name,
                            paper=layout_settings(repo, facts).paper_size, context=None if args.full else CONTEXT,
                            draft=release_at(repo, args.head) == DRAFT)
    out = (args.out or LAYOUT.output(repo, "redline")).resolve()
    stem = "redline-" + re.sub(r"[^A-Za-z0-9._-]", "-", f"{args.base}-{args.head}")
    write_atomic(out / f"{stem}.html", document)
    if not args.no_pdf:
        write_atomic(out / f"{stem}.pdf", render_pdf(document))
    for change in changes:
        print(f"changed: {change.path}")
    print(f"Redline of {len(changes)} policies: {out / stem}.html" + ("" if args.no_pdf else " and .pdf"))
    return ExitCode.OK


def run_codeowners(args: argparse.Namespace) -> ExitCode:
    """Rewrite .github/CODEOWNERS from company.yml and the policies."""
    from ..program._program import load_program
    from ..repo._files import write_atomic
    from ..repo._layout import CODEOWNERS_FILE

    repo = repo_path(args)
    write_atomic(repo / CODEOWNERS_FILE, load_program(repo).codeowners())
    print(f"Wrote {CODEOWNERS_FILE}")
    return ExitCode.OK


def _publish_arguments(parser: argparse.ArgumentParser) -> None:
    add_repo_argument(parser)
    parser.add_argument("version", nargs="?", help="the release tag at HEAD, e.g. 2026.1")
    parser.add_argument("--draft", action="store_true", help="publish main as the 'draft' version")
    parser.add_argument("--push", action="store_true", help="push gh-pages to origin")
    parser.add_argument("--no-pdf", action="store_true", help="publish the site without rendering PDFs")


def run_publish(args: argparse.Namespace) -> ExitCode:
    """Publish a release (or the draft) as its own version of the site, PDFs included."""
    from ..lifecycle._publish import check_release, publish

    repo = repo_path(args)
    version = None if args.draft else args.version
    if version is None and not args.draft:
        fail("", "give the release tag (policyforge publish 2026.1) or --draft")
    check_release(repo, version)
    if not args.no_pdf:
        write_pdfs(repo, repo / PDF_DIR, pdfa=False, use_cache=True)
    for command in publish(repo, version, args.push):
        print(f"mike {command}")
    where = "pushed to origin/gh-pages" if args.push else "committed to the local gh-pages branch"
    print(f"Published {version or 'draft'}: {where}")
    return ExitCode.OK


def _update_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", default=None, metavar="LIBRARY_PATH_OR_VERSION",
                        help="a policy library folder, or the installed library's version (default: installed)")
    parser.add_argument("--date", default=None, help="date for policies added by the update, YYYY-MM-DD "
                        "(default: today, or SOURCE_DATE_EPOCH)")
    add_repo_argument(parser)


def _print_update_report(result: UpdateResult) -> None:
    for verb, what in result.actions:
        print(f"{verb:<9} {what}")
    for note in result.notes:
        print(f"note:     {note}")
    if result.needs_approval:
        print(f"\nText or controls changed by the update; each needs a new approval (`policyforge check --base` "
              f"reports them): {', '.join(result.needs_approval)}")
    if result.new_in_force:
        print(f"Added to the policies in force; have each reviewed and approved: {', '.join(result.new_in_force)}")
    if result.conflicts:
        count = "1 file has" if len(result.conflicts) == 1 else f"{len(result.conflicts)} files have"
        print(f"\n{count} conflicts between your text and library {result.library_version} (policies) or "
              f"policyforge {__version__} (workflows, pre-commit):", file=sys.stderr)
        for conflict in result.conflicts:
            print(f"CONFLICT  {conflict}", file=sys.stderr)
        print("Edit each file to resolve the <<<<<<< / >>>>>>> blocks, commit everything (those files and "
              ".policyforge/), then run `policyforge update` again to finish.", file=sys.stderr)
    elif result.actions:
        print(f"\nUpdated to library {result.library_version}. Nothing is committed: review with `git diff`, "
              "approve the changed policies, then commit.")
    else:
        print(f"Up to date with library {result.library_version}.")


def run_update(args: argparse.Namespace) -> ExitCode:
    """Run ``policyforge update``: 0 merged, 1 conflicts left to resolve, 2 refused (nothing changed)."""
    from ..lifecycle._update import installed_library_version, resolve_library, update_repository
    from ..model._library import library_root
    from ..program._program import build_date

    day = date_option("--date", args.date) or build_date()
    repo = repo_path(args)
    if not (repo / COMPANY_FILE).is_file():
        fail(str(repo), f"no {COMPANY_FILE}", "run inside a company repository or pass --repo")
    library = resolve_library(args.to)
    engine_root = library_root()
    engine_version = installed_library_version()
    if library.root != engine_root and library.version != engine_version:
        print(f"note: builds use library {engine_version} (installed); install the policyforge release that "
              f"ships {library.version} before building", file=sys.stderr)
    result = update_repository(repo, library, day, engine_library=library.root == engine_root)
    _print_update_report(result)
    return ExitCode.FINDINGS if result.conflicts else ExitCode.OK


CHECK = Command("check", "check policies for a pull request (metadata, wording, links, approvals, scope)", run_check,
                _check_arguments)
APPROVE = Command("approve", "record an approval: bump version, set dates, append history", run_approve,
                  _approve_arguments)
REVIEW = Command("review", "list policy reviews overdue or due soon", run_review, _review_arguments)
REDLINE = Command("redline", "show what changed in the policies between two git revisions (HTML and PDF)",
                  run_redline, _redline_arguments)
CODEOWNERS = Command("codeowners", "rewrite .github/CODEOWNERS from company.yml", run_codeowners, add_repo_argument)
PUBLISH = Command("publish", "publish a release (or --draft) as a version of the site with mike", run_publish,
                  _publish_arguments)
UPDATE = Command("update", "merge a new library release or a scope change into the policies, keeping edits",
                 run_update, _update_arguments)
