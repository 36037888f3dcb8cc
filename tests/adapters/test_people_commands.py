"""The people, acknowledgement and trust commands as users run them, with their exit codes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from people_fixtures import bamboohr_csv, company, rippling_csv
from policyforge.adapters.cli import main
from policyforge.lifecycle import git_init_commit, scaffold_company
from policyforge.model import facts_from_answers, load_library, resolve_answers
from policyforge.model._acknowledgements import RECORDS_FILE, load_records
from policyforge.model._people import ROSTER_FILE
from policyforge.trust import WELL_KNOWN, parse_security_txt


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company written and committed once for the module (0.5 CPU s); tests change copies of it."""
    # The example company is made on the suite's example day, so its policies take effect on 2026-12-01.
    root = tmp_path_factory.mktemp("people") / "acme"
    scaffold_company(root, facts_from_answers(resolve_answers({})), load_library())
    assert git_init_commit(root, "Start")
    return root


@pytest.fixture
def repo(scaffolded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The commands run as of 2027-03-01 (SOURCE_DATE_EPOCH is "today" for new companies and builds alike).
    root = tmp_path / "acme"
    shutil.copytree(scaffolded, root, symlinks=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2027, 3, 1, tzinfo=dt.UTC).timestamp())))
    git(root, "config", "user.name", "Ada Abara")
    git(root, "config", "user.email", "ada.abara0@acme.example")
    git(root, "config", "commit.gpgsign", "false")
    return root


def import_roster(repo: Path, tmp_path: Path, count: int = 50) -> None:
    export = tmp_path / "bamboo.csv"
    export.write_text(bamboohr_csv(company(count)), encoding="utf-8")
    assert main(["people", "import", str(export), "--format", "bamboohr", "--repo", str(repo)]) == 0


def test_people_import_then_a_rippling_reimport_reports_joiners(repo: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    import_roster(repo, tmp_path, 50)
    assert "50 people on the roster: 50 joined" in capsys.readouterr().out
    export = tmp_path / "rippling.csv"
    export.write_text(rippling_csv(company(60)), encoding="utf-8")
    assert main(["people", "import", str(export), "--format", "rippling", "--repo", str(repo)]) == 0
    assert "60 people on the roster: 10 joined, 0 left, 0 changed" in capsys.readouterr().out
    assert len((repo / ROSTER_FILE).read_text(encoding="utf-8").splitlines()) == 61


def test_people_import_with_an_unknown_format_exits_2_naming_the_choices(repo: Path, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "x.csv"
    export.write_text("a\n", encoding="utf-8")
    assert main(["people", "import", str(export), "--format", "workday", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "ERROR: --format: 'workday' is not a known HR export — choose one of rippling, bamboohr" in err
    assert not (repo / ROSTER_FILE).exists()


def test_status_exits_1_past_a_deadline_and_0_when_everyone_is_current(repo: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import_roster(repo, tmp_path, 50)
    capsys.readouterr()
    # Nobody has acknowledged anything: the rollout deadline (policies effective 2026-12-01) has passed.
    assert main(["acknowledgements", "status", "--as-of", "2027-03-01", "--repo", str(repo)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("OVERDUE since ")
    # Everyone acknowledges every policy through an export; then nobody owes anything.
    policies = sorted(p.name[:6] for p in (repo / "policies").glob("POL-*.md"))
    rows = "".join(f"{p.email},{pid},1.0,2026-12-10\n" for p in company(50) for pid in policies)
    export = tmp_path / "signed.csv"
    export.write_text("email,policy,version,date\n" + rows, encoding="utf-8")
    assert main(["acknowledgements", "import", str(export), "--as-of", "2027-03-01", "--repo", str(repo)]) == 0
    assert f"{50 * len(policies)} acknowledgements added" in capsys.readouterr().out
    assert main(["acknowledgements", "status", "--as-of", "2027-03-01", "--repo", str(repo)]) == 0
    assert " 0 overdue" in capsys.readouterr().out
    # A bad row in the records file is bad input: exit 2 with its line.
    with (repo / RECORDS_FILE).open("a", encoding="utf-8") as handle:
        handle.write("nobody@acme.example,POL-01,1.0,2026-12-10,hand\n")
    assert main(["acknowledgements", "status", "--as-of", "2027-03-01", "--repo", str(repo)]) == 2
    line = 2 + 50 * len(policies)
    assert f"ERROR: people/acknowledgements.csv:{line}: nobody@acme.example is not on the roster" in \
        capsys.readouterr().err


def test_acknowledge_records_the_git_user_and_commits_only_the_records(repo: Path, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import_roster(repo, tmp_path, 50)
    git(repo, "add", ROSTER_FILE)
    git(repo, "commit", "-qm", "Roster")
    (repo / "unrelated.txt").write_text("staged but not part of the acknowledgement", encoding="utf-8")
    git(repo, "add", "unrelated.txt")
    assert main(["acknowledge", "POL-01", "POL-03", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "ada.abara0@acme.example acknowledged POL-01 1.0" in out and "Committed " in out
    shown = git(repo, "show", "--name-only", "--format=%s", "HEAD").stdout.split()
    assert RECORDS_FILE in shown and "unrelated.txt" not in shown
    assert [(r.email, r.policy, r.source) for r in load_records(repo)] == [
        ("ada.abara0@acme.example", "POL-01", "git"), ("ada.abara0@acme.example", "POL-03", "git")]
    # Again: nothing new to record.
    assert main(["acknowledge", "POL-01", "--repo", str(repo)]) == 0
    assert "Already recorded: POL-01" in capsys.readouterr().out


def test_acknowledge_refuses_an_unsigned_commit_when_the_company_requires_signatures(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_roster(repo, tmp_path, 50)
    with (repo / "company.yml").open("a", encoding="utf-8") as handle:
        handle.write("\nacknowledgements:\n  signed_commits: true\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Roster and signing rule")
    head = git(repo, "rev-parse", "HEAD").stdout
    assert main(["acknowledge", "POL-01", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "ERROR: people/acknowledgements.csv: the acknowledgement was not committed" in err
    assert git(repo, "rev-parse", "HEAD").stdout == head
    assert not (repo / RECORDS_FILE).exists()
    assert git(repo, "status", "--porcelain").stdout == ""


def test_acknowledge_accepts_a_commit_signed_with_a_key_git_verifies(repo: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import_roster(repo, tmp_path, 50)
    key = tmp_path / "signing_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada", "-f", str(key)], check=True)
    allowed = tmp_path / "allowed_signers"
    allowed.write_text(f"ada.abara0@acme.example {(tmp_path / 'signing_key.pub').read_text()}", encoding="utf-8")
    for key_name, value in (("gpg.format", "ssh"), ("user.signingkey", str(key)),
                            ("gpg.ssh.allowedSignersFile", str(allowed))):
        git(repo, "config", key_name, value)
    with (repo / "company.yml").open("a", encoding="utf-8") as handle:
        handle.write("\nacknowledgements:\n  signed_commits: true\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Roster and signing rule")
    assert main(["acknowledge", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "(signature verified)" in out
    assert git(repo, "verify-commit", "HEAD").returncode == 0
    records = load_records(repo)
    assert len(records) == len(list((repo / "policies").glob("POL-*.md")))
    assert {r.source for r in records} == {"git-signed"}
    # Signed by a key git does not trust: the commit is undone and nothing is recorded.
    allowed.write_text("", encoding="utf-8")
    before = (repo / RECORDS_FILE).read_bytes()
    head = git(repo, "rev-parse", "HEAD").stdout
    git(repo, "config", "user.email", "bela.berg1@acme.example")
    assert main(["acknowledge", "POL-01", "--repo", str(repo)]) == 2
    assert "is not signed by a key git can verify, so it was undone" in capsys.readouterr().err
    assert git(repo, "rev-parse", "HEAD").stdout == head
    assert (repo / RECORDS_FILE).read_bytes() == before


def test_trust_command_builds_the_site_with_a_valid_security_txt(repo: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trust", "--date", "2027-03-01", "--repo", str(repo)]) == 0
    out = repo / "out" / "trust"
    assert {p.name for p in out.iterdir()} >= {"index.html", "disclosure.html", "style.css", ".well-known"}
    fields = parse_security_txt((out / WELL_KNOWN).read_text(encoding="utf-8"))
    assert fields["expires"] == ["2028-02-28T00:00:00Z"]
    assert main(["trust", "--date", "someday", "--repo", str(repo)]) == 2
    assert "ERROR: --date: 'someday' is not a date" in capsys.readouterr().err


def test_acknowledgements_export_writes_the_population_for_the_auditor(repo: Path, tmp_path: Path) -> None:
    import_roster(repo, tmp_path, 50)
    out = tmp_path / "evidence"
    assert main(["acknowledgements", "export", "--out", str(out), "--repo", str(repo)]) == 0
    population = (out / "personnel-population.csv").read_text(encoding="utf-8").splitlines()
    assert len(population) == 51
    assert main(["acknowledgements", "export", "--format", "xlsx", "--out", str(out), "--repo", str(repo)]) == 0
    assert (out / "acknowledgements.xlsx").stat().st_size > 0


@pytest.mark.slow
def test_the_installed_command_reports_overdue_acknowledgements_with_exit_1(repo: Path, tmp_path: Path) -> None:
    import sys

    import_roster(repo, tmp_path, 50)
    binary = Path(sys.executable).parent / "policyforge"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2027, 3, 1, tzinfo=dt.UTC).timestamp()))}
    result = subprocess.run([str(binary), "acknowledgements", "status", "--repo", str(repo)], capture_output=True,
                            text=True, env=env, check=False)
    assert result.returncode == 1, result.stderr
    assert "OVERDUE since" in result.stdout and result.stderr == ""


def test_evidence_plan_gains_the_population_and_records_once_a_roster_exists(repo: Path, tmp_path: Path) -> None:
    import_roster(repo, tmp_path, 50)
    out = tmp_path / "plan.csv"
    assert main(["evidence", "--format", "csv", "--out", str(out), "--repo", str(repo)]) == 0
    population = (tmp_path / "plan-personnel-population.csv").read_text(encoding="utf-8").splitlines()
    assert population[0].startswith("Email,Name,Team,Type,Start date,End date") and len(population) == 51
    assert (tmp_path / "plan-acknowledgement-records.csv").is_file()
    book = tmp_path / "plan.xlsx"
    assert main(["evidence", "--format", "xlsx", "--out", str(book), "--repo", str(repo)]) == 0
    from openpyxl import load_workbook

    assert load_workbook(book).sheetnames == ["Evidence plan", "Personnel population", "Acknowledgements"]


@pytest.mark.slow
def test_check_refuses_a_change_that_rewrites_a_recorded_acknowledgement(repo: Path, tmp_path: Path) -> None:
    from policyforge.lifecycle import check_repository

    import_roster(repo, tmp_path, 50)
    assert main(["acknowledge", "POL-01", "POL-02", "--repo", str(repo)]) == 0
    assert [p for p in check_repository(repo, base="HEAD").problems if p.where.startswith("people/")] == []
    text = (repo / RECORDS_FILE).read_text(encoding="utf-8")
    (repo / RECORDS_FILE).write_text(text.replace("POL-01,1.0,2027-03-01", "POL-01,1.0,2027-02-01"),
                                     encoding="utf-8")
    found = [str(p) for p in check_repository(repo, base="HEAD").problems if p.where.startswith("people/")]
    assert found == ["people/acknowledgements.csv:2: line 2 recorded before this change was changed or removed — "
                     "restore it: acknowledgement records are only ever appended to"]
    with (repo / RECORDS_FILE).open("a", encoding="utf-8") as handle:
        handle.write("ghost@acme.example,POL-01,1.0,2027-02-01,hand\n")
    found = [str(p) for p in check_repository(repo).problems if p.where.startswith("people/")]
    assert found and found[0].startswith("people/acknowledgements.csv:4: ghost@acme.example is not on the roster")


@pytest.mark.slow
def test_the_built_site_has_the_completion_page_in_its_navigation(example_repo: Path, tmp_path: Path) -> None:
    from conftest import BIN, run

    repo = tmp_path / "acme-cloud"
    shutil.copytree(example_repo, repo, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    export = tmp_path / "bamboo.csv"
    export.write_text(bamboohr_csv(company(50)), encoding="utf-8")
    run([str(BIN / "policyforge"), "people", "import", str(export), "--format", "bamboohr", "--repo", str(repo)])
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2027, 3, 1, tzinfo=dt.UTC).timestamp()))}
    run([str(BIN / "policyforge"), "build", "--no-pdf", "--repo", str(repo)], env=env)
    page = (repo / "site" / "acknowledgements.html").read_text(encoding="utf-8")
    assert "By policy" in page and "By team" in page and "Engineering" in page
    home = (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert "Policy acknowledgements" in home  # in the navigation of every page
