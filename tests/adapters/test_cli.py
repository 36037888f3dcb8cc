"""The command-line layer: one registry of commands, and every command reports bad input the same way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from policyforge.adapters._command import Command, ExitCode
from policyforge.adapters.cli import COMMANDS, build_parser, main


def _leaves(commands: tuple[Command, ...]) -> list[Command]:
    return [leaf for c in commands for leaf in (_leaves(c.subcommands) if c.subcommands else [c])]


def test_every_command_has_a_runner_and_the_help_lists_them_in_registry_order() -> None:
    assert all(leaf.run is not None for leaf in _leaves(COMMANDS))
    help_text = build_parser().format_help()
    positions = [re.search(rf"\n    {re.escape(command.name)}\s", help_text).start()  # type: ignore[union-attr]
                 for command in COMMANDS]
    assert positions == sorted(positions)


def test_a_bad_date_option_exits_two_with_the_option_and_the_fix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["approve", "POL-01", "--by", "Robin", "--date", "2026-13-01"]) == ExitCode.BAD_INPUT
    assert capsys.readouterr().err == "ERROR: --date: '2026-13-01' is not a date — write it as YYYY-MM-DD\n"


def test_an_export_outside_a_company_repository_exits_two_naming_the_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "oscal", "--repo", str(tmp_path)]) == ExitCode.BAD_INPUT
    assert capsys.readouterr().err == (f"ERROR: {tmp_path.resolve()}: no company.yml here — run inside a company "
                                       "repository or pass --repo\n")


def test_a_workbook_to_the_terminal_is_refused_before_anything_is_loaded(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "--format", "xlsx", "--out", "-", "--repo", str(tmp_path)]) == ExitCode.BAD_INPUT
    assert capsys.readouterr().err == ("ERROR: --out -: a workbook cannot go to the terminal — give a file name "
                                       "such as plan.xlsx\n")


def test_publish_without_a_release_or_draft_says_what_to_give(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--repo", str(tmp_path)]) == ExitCode.BAD_INPUT
    assert capsys.readouterr().err == "ERROR: give the release tag (policyforge publish 2026.1) or --draft\n"


def test_a_threshold_that_is_not_a_percentage_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["readiness", "--threshold", "lots"])
    assert exit_info.value.code == ExitCode.BAD_INPUT
    assert "argument --threshold: 'lots' is not a number — write a percentage such as 80" in capsys.readouterr().err
