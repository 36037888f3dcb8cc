"""``policyforge new``: gather the answers (questionnaire, file, replay, key=value), then run cookiecutter.

Every answer is validated before cookiecutter starts, so the template's hooks (the same ones a
plain ``cookiecutter <template>`` runs) only ever see valid answers, and a mistake costs nothing.
The answers are saved for ``--replay`` before anything is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .._errors import PolicyforgeError, Problem
from ._command import ExitCode

REPLAY_NAME = "policyforge.json"


def new_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``policyforge new``."""
    parser.add_argument("--no-input", action="store_true",
                        help="ask nothing: use the answers given (file, replay, key=value), derive the rest; "
                             "with no answers at all, create the example company")
    parser.add_argument("--answers", type=Path, default=None, metavar="FILE",
                        help="answers from a YAML or JSON file of fact keys, or a previous company.yml")
    parser.add_argument("--replay", action="store_true", help="reuse the answers of the last `policyforge new`")
    parser.add_argument("-o", "--out", "--output-dir", dest="output_dir", type=Path, default=Path("."),
                        metavar="DIR", help="the folder to create the company repository in (default: here)")
    parser.add_argument("facts", nargs="*", metavar="key=value", help="answer a question on the command line")


def parse_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """Return ``key=value`` answers; unknown keys are refused with the likeliest intended one."""
    from ..model._facts import did_you_mean
    from ..model._facts_schema import SPECS_BY_KEY

    overrides: dict[str, str] = {}
    problems: list[Problem] = []
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            problems.append(Problem(pair, "is not key=value", "write e.g. company_name=\"Acme Cloud\""))
        elif key not in SPECS_BY_KEY:
            problems.append(Problem(key, "is not a company fact",
                                    did_you_mean(key, list(SPECS_BY_KEY), "see cookiecutter.json for the fact names")))
        else:
            overrides[key] = value
    if problems:
        raise PolicyforgeError(problems)
    return overrides


def replay_file() -> Path:
    """Return where the last answers are kept: cookiecutter's replay folder (``~/.cookiecutter_replay``)."""
    from cookiecutter.config import get_user_config

    return Path(get_user_config()["replay_dir"]).expanduser() / REPLAY_NAME


def _load_replay() -> dict[str, Any]:
    path = replay_file()
    if not path.is_file():
        raise PolicyforgeError([Problem(str(path), "no answers to replay yet", "run `policyforge new` once first")])
    from ..model._questionnaire import load_answers_file

    return load_answers_file(path)


def _save_replay(answers: Mapping[str, Any]) -> None:
    from ..repo._files import write_atomic

    try:
        write_atomic(replay_file(), json.dumps({"cookiecutter": dict(answers)}, indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        print(f"note: could not save the answers for --replay ({exc.strerror})", file=sys.stderr)


def _cookiecutter_context(answers: Mapping[str, Any], template: Path) -> dict[str, Any]:
    """Return the answers as cookiecutter's extra context; text stays data inside raw blocks."""
    from ..model._answers import raw_defaults

    defaults = raw_defaults(template)
    extra: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(defaults.get(key), str):
            text = str(value)
            if "endraw" in text:
                raise PolicyforgeError([Problem(key, "contains 'endraw'", "remove that word from the value")])
            # Cookiecutter renders answers as templates; raw blocks keep them data.
            extra[key] = "{% raw %}" + text + "{% endraw %}"
        else:
            extra[key] = value
    return extra


def gather_answers(args: argparse.Namespace, interactive: bool) -> dict[str, Any]:
    """Return every answer for the new repository, validated."""
    from ..model._answers import resolve_answers
    from ..model._facts import facts_from_answers
    from ..model._questionnaire import interactive_defaults, load_answers_file
    from ..program._program import build_date

    given: dict[str, Any] = {}
    if args.replay:
        given.update(_load_replay())
    if args.answers is not None:
        given.update(load_answers_file(args.answers))
    given.update(parse_overrides(args.facts))
    today = build_date()  # SOURCE_DATE_EPOCH pins it, for reproducible repositories
    if interactive:
        from .questionnaire import run_questionnaire

        answers = run_questionnaire(given, today)
    elif args.replay or args.answers is not None:
        answers = interactive_defaults(given, today)
    else:
        # Exactly what `cookiecutter --no-input <template> key=value` makes (dated from today, as there).
        answers = resolve_answers(given)
    facts_from_answers(answers, where="answers")
    return answers


def run_new(args: argparse.Namespace) -> ExitCode:
    """Create a company repository from the answers, through cookiecutter and the template's hooks."""
    from cookiecutter.exceptions import CookiecutterException, FailedHookException, OutputDirExistsException
    from cookiecutter.main import cookiecutter

    from ..model._library import template_root

    interactive = not args.no_input and not args.replay and sys.stdin.isatty()
    if not args.no_input and not args.replay and not interactive:
        print("note: stdin is not a terminal, so nothing is asked (as with --no-input)", file=sys.stderr)
    answers = gather_answers(args, interactive)
    _save_replay(answers)
    template = template_root()
    try:
        created = cookiecutter(str(template), no_input=True, extra_context=_cookiecutter_context(answers, template),
                               output_dir=str(args.output_dir), accept_hooks=True)
    except OutputDirExistsException as exc:
        raise PolicyforgeError([Problem(str(args.output_dir), str(exc),
                                        "choose another -o/--out or remove the folder; "
                                        "`policyforge new --replay -o DIR` reuses these answers")]) from None
    except FailedHookException:
        raise PolicyforgeError([Problem("answers", "were not accepted (see above); nothing was written",
                                        "fix them and run `policyforge new` again")]) from None
    except CookiecutterException as exc:
        raise PolicyforgeError([Problem("cookiecutter", str(exc))]) from None
    print(f"Company repository: {created}")
    _warn_load(Path(created))
    return ExitCode.OK


def _warn_load(repo: Path) -> None:
    """Tell whoever scaffolds the company when its program asks more of someone than is plausible."""
    from ..program._load import load_warnings
    from ..program._program import load_program

    warnings = load_warnings(load_program(repo))
    if warnings:
        print(f"warning: {warnings[0]}", file=sys.stderr)
        for line in warnings[1:]:
            print(f"  {line}", file=sys.stderr)
        print("  See program.md on the site (policyforge build) for each person's controls and hours.", file=sys.stderr)
