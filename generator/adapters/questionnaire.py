"""The terminal questionnaire of ``policyforge new``, drawn with questionary (prompt_toolkit).

It asks the essentials in titled groups, checks each answer with the engine's own per-fact
validation when Enter is pressed (a wrong answer stays on screen with the fix beneath it until
corrected), then offers the derived answers for review, group by group. What to ask and how
to derive the rest is decided in ``model._questionnaire``; this module only talks to a person.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Mapping
from typing import Any

from .._errors import FactsError
from ..model._answers import raw_defaults
from ..model._facts import check_answer, cross_check_answers
from ..model._questionnaire import (
    CATEGORY_LABELS,
    ESSENTIAL_GROUPS,
    NO_EXAMPLE_DEFAULT,
    SCOPE,
    SCOPE_KEYS,
    SCOPE_PROMPT,
    apply_scope,
    display,
    interactive_defaults,
    review_groups,
    scope_answer,
    spec,
)

CREATE = "Create the repository with these answers"


def _prompts() -> dict[str, Any]:
    prompts: dict[str, Any] = raw_defaults().get("__prompts__", {})
    return prompts


def _prompt_text(key: str, prompts: Mapping[str, Any]) -> str:
    entry = prompts.get(key, spec(key).prompt)
    return str(entry.get("__prompt__", spec(key).prompt) if isinstance(entry, dict) else entry)


def _validator(key: str) -> Callable[[str], bool | str]:
    def validate(text: str) -> bool | str:
        try:
            check_answer(key, text)
        except FactsError as exc:
            problem = exc.problems[0]
            message = problem.message.split(": ", 1)[-1]
            return f"{message} — {problem.fix}" if problem.fix else message
        return True

    return validate


def _answer(question: Any) -> Any:
    """Return a question's answer; Ctrl-C (questionary answers None) stops the questionnaire."""
    value = question.ask(kbi_msg="")
    if value is None:
        raise KeyboardInterrupt
    return value


def ask_one(key: str, current: Mapping[str, Any], prompts: Mapping[str, Any], fresh: bool) -> Any:
    """Ask one question with the current answer as its default; return the accepted answer."""
    import questionary

    if key == SCOPE:
        chosen = scope_answer(current)
        choices = [questionary.Choice(label, value=c, checked=c in chosen) for c, label in CATEGORY_LABELS.items()]
        return _answer(questionary.checkbox(SCOPE_PROMPT, choices=choices,
                                            instruction="(space to tick, Enter when done; none is fine)"))
    fact = spec(key)
    text = _prompt_text(key, prompts)
    value = current.get(key)
    if fact.kind == "bool":
        yes = value if isinstance(value, bool) else str(value).lower() in {"true", "yes", "y", "1", "on"}
        return _answer(questionary.confirm(text, default=yes))
    if fact.kind == "choice":
        entry = prompts.get(key)
        labels = entry if isinstance(entry, dict) else {}
        choices = [questionary.Choice(str(labels.get(c, c)), value=c) for c in fact.choices]
        return _answer(questionary.select(text, choices=choices, default=next(
            (choice for choice in choices if choice.value == str(value)), None)))
    if fact.kind == "choice_list":
        chosen = [item.strip() for item in str(value or "").split(",") if item.strip()]
        choices = [questionary.Choice(c, checked=c in chosen) for c in fact.choices]
        picked = _answer(questionary.checkbox(text, choices=choices, instruction="(space to tick, Enter when done)",
                                              validate=lambda xs: bool(xs) or "tick at least one with the space bar"))
        return ", ".join(picked)
    default = "" if fresh and key in NO_EXAMPLE_DEFAULT else display(value) if value != "" else ""
    hint = " (blank if none)" if fact.optional and "blank" not in text else ""
    return _answer(questionary.text(f"{text}{hint}", default=default, validate=_validator(key),
                                    validate_while_typing=False)).strip()


def run_questionnaire(given: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Ask what ``given`` does not answer, offer the derived rest for review; return every answer."""
    import questionary

    prompts = _prompts()
    answers: dict[str, Any] = dict(given)
    print("policyforge asks a dozen questions about your company, then shows what it derived from them for you "
          "to review. Each answer is checked when you press Enter; nothing is written until the end. "
          "Ctrl-C stops.", file=sys.stderr)
    for title, keys in ESSENTIAL_GROUPS:
        pending = [k for k in keys if k not in given and not (k == SCOPE and set(SCOPE_KEYS.values()) & set(given))]
        if not pending:
            continue
        print(f"\n== {title} ==", file=sys.stderr)
        for key in pending:
            value = ask_one(key, interactive_defaults(answers, today), prompts, fresh=True)
            if key == SCOPE:
                apply_scope(answers, value)
            else:
                answers[key] = value
    while True:
        current = interactive_defaults(answers, today)
        conflicts = cross_check_answers(current)
        if conflicts:
            for key, message, fix in conflicts:
                print(f"{key}: {message} — {fix}", file=sys.stderr)
                answers[key] = ask_one(key, current, prompts, fresh=False)
            continue
        groups = review_groups(current)
        print("\nEverything else was derived from your answers:", file=sys.stderr)
        for group in groups:
            shown = "; ".join(f"{_prompt_text(k, prompts)}: {display(current[k])}" for k in group.keys[:3])
            more = f" (+{len(group.keys) - 3} more)" if len(group.keys) > 3 else ""
            print(f"  {group.title}: {shown}{more}", file=sys.stderr)
        titles = {f"Review: {g.title} ({len(g.keys)} answers)": g for g in groups}
        choice = _answer(questionary.select("Create the repository, or review a group first?",
                                            choices=[CREATE, *titles]))
        if choice == CREATE:
            return current
        group = titles[choice]
        print(f"\n== {group.title} ==", file=sys.stderr)
        for key in group.keys:
            answers[key] = ask_one(key, interactive_defaults(answers, today), prompts, fresh=False)
