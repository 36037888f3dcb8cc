"""The policy lifecycle in a company repository: check, approve, review, redline, and generated CI."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import BIN, run

pytestmark = pytest.mark.slow
POLICYFORGE = str(BIN / "policyforge")
POLICY = "policies/POL-13-access-control.md"


@pytest.fixture
def repo(example_repo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme-cloud"
    shutil.copytree(example_repo, copy, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    return copy


def check(repo: Path, *extra: str) -> tuple[int, str]:
    result = run([POLICYFORGE, "check", "--repo", str(repo), "--format", "text", *extra], check=False)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout + result.stderr


APPROVER_BLOCK = 'approver:\n    name: "Dana Whitfield"\n    email: "dana.whitfield@acme.example"'


def edit(repo: Path, relative: str, old: str, new: str) -> None:
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(repo: Path, relative: str, needle: str) -> int:
    lines = (repo / relative).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_fresh_repository_passes_check(repo: Path) -> None:
    code, out = check(repo)
    assert code == 0, out
    assert "29 policies, ok" in out


def first_statement(repo: Path) -> str:
    text = (repo / POLICY).read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("**4.1.1**"))


DEFECTS = {
    "front matter incomplete": (lambda r: edit(r, POLICY, "review_cadence: annual\n", ""),
                                f"{POLICY}:2: front matter lacks review_cadence — add a review_cadence: line"),
    "unknown control": (lambda r: edit(r, POLICY, "controls: [ACC-01", "controls: [ACC-99, ACC-01"),
                        "unknown control id ACC-99"),
    "unknown criterion": (lambda r: edit(r, POLICY, "criteria: [", "criteria: [CC9.9, "), "unknown criterion CC9.9"),
    "undefined fact": (lambda r: edit(r, POLICY, "**4.1.1**", "**4.1.1** {{ stack.crm }}"), "unknown value"),
    "placeholder": (lambda r: edit(r, POLICY, "**4.1.1**", "**4.1.1** TODO"), "leftover placeholder 'TODO'"),
    "vague wording": (lambda r: edit(r, POLICY, "**4.1.1**", "**4.1.1** Access is checked periodically."),
                      "vague wording 'periodically'"),
    "overdue review": (lambda r: edit(r, POLICY, "last_reviewed: 2026-12-01", "last_reviewed: 2024-01-15"),
                       "review overdue since 2025-01-15"),
    "broken link": (lambda r: edit(r, POLICY, "**4.1.1**", "**4.1.1** See [x](POL-99-nothing.md)."),
                    "link to POL-99-nothing.md, which is not a policy"),
    "missing in scope": (lambda r: (r / "policies/POL-28-privacy.md").unlink(),
                         "POL-28 Privacy and Data Protection Policy is in scope"),
    "present out of scope": (lambda r: edit(r, "company.yml", "processing_integrity: true",
                                            "processing_integrity: false"),
                             "POL-29 belongs to processing_integrity, which company.yml has out of scope"),
    # CODEOWNERS routes each policy to its approver, so changing the approver's address makes it stale.
    "stale codeowners": (lambda r: edit(r, "company.yml", APPROVER_BLOCK,
                                        APPROVER_BLOCK.replace("dana.whitfield@acme.example", "ceo@acme.example")),
                         ".github/CODEOWNERS: does not route each policy"),
}


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_check_catches_each_defect_with_file_line_and_fix(repo: Path, defect: str) -> None:
    make, expected = DEFECTS[defect]
    make(repo)
    code, out = check(repo)
    assert code == 1
    assert expected in out, out
    problem_lines = [line for line in out.splitlines() if " — " in line]
    assert problem_lines and all(": " in line for line in problem_lines)


def test_vague_wording_points_at_the_line_to_edit(repo: Path) -> None:
    edit(repo, POLICY, "**4.1.1**", "**4.1.1** Access is checked periodically.")
    _, out = check(repo)
    assert f"{POLICY}:{line_of(repo, POLICY, 'checked periodically')}: vague wording" in out


def test_changed_text_needs_an_approval_and_approve_fixes_it(repo: Path) -> None:
    statement = first_statement(repo)
    edit(repo, POLICY, statement, statement.replace("**4.1.1**", "**4.1.1** Every request names its end date."))
    code, out = check(repo, "--base", "HEAD")
    assert code == 1
    assert f"{POLICY}:" in out and "text changed since HEAD but version 1.0 has no new approval" in out
    assert 'policyforge approve POL-13 --by' in out

    refused = run([POLICYFORGE, "approve", "POL-13", "--by", "Somebody Else", "--repo", str(repo)], check=False)
    assert refused.returncode == 2 and "approved by the Policy Approver, Dana Whitfield" in refused.stderr

    run([POLICYFORGE, "approve", "POL-13", "--by", "Dana Whitfield", "--summary", "Requests carry an end date",
         "--date", "2027-02-01", "--repo", str(repo)])
    front = yaml.safe_load((repo / POLICY).read_text(encoding="utf-8").split("---")[1])
    assert front["version"] == "1.1"
    assert str(front["effective_date"]) == "2027-02-01" and str(front["last_reviewed"]) == "2027-02-01"
    last = front["history"][-1]
    assert last["digest"].startswith("sha256:") and last["approver_role"] == "approver"
    assert {k: v for k, v in last.items() if k not in ("digest", "approver_role")} == {
        "version": "1.1", "date": last["date"], "author": "Priya Natarajan", "approver": "Dana Whitfield",
        "summary": "Requests carry an end date"}
    code, out = check(repo, "--base", "HEAD")
    assert code == 0, out


def test_review_lists_overdue_policies_and_fails(repo: Path) -> None:
    edit(repo, POLICY, "last_reviewed: 2026-12-01", "last_reviewed: 2024-01-15")
    result = run([POLICYFORGE, "review", "--repo", str(repo)], check=False)
    assert result.returncode == 1
    assert re.search(r"overdue\s+2025-01-15\s+POL-13 Access Control Policy", result.stdout)


def test_redline_shows_exactly_the_edited_sentence(repo: Path) -> None:
    statement = first_statement(repo)
    words = statement.split()
    changed = statement.replace(words[3], "REPLACEDWORD", 1)
    edit(repo, POLICY, statement, changed)
    run([POLICYFORGE, "approve", "POL-13", "--by", "dana.whitfield@acme.example", "--summary", "Wording",
         "--date", "2027-02-01",
         "--repo", str(repo)])
    run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qam", "Edit POL-13"], cwd=repo)
    result = run([POLICYFORGE, "redline", "HEAD~1", "HEAD", "--repo", str(repo)])
    assert "changed: policies/POL-13-access-control.md" in result.stdout
    (html_file,) = (repo / "out" / "redline").glob("*.html")
    html = html_file.read_text(encoding="utf-8").split('<section class="policy">', 1)[1]
    assert re.findall(r"<ins>(.*?)</ins>", html) == ["REPLACEDWORD"]
    assert len(re.findall(r"<del>(.*?)</del>", html)) == 1
    assert "version 1.0 → 1.1" in html and "Approved" in html
    assert (html_file.with_suffix(".pdf")).stat().st_size > 1000
    # A one-word change shows its paragraph with context, not the whole policy; --full shows everything.
    full = repo / "out" / "full"
    run([POLICYFORGE, "redline", "HEAD~1", "HEAD", "--full", "--no-pdf", "--out", str(full), "--repo", str(repo)])
    whole = next(full.glob("*.html")).read_text(encoding="utf-8").split('<section class="policy">', 1)[1]
    assert re.findall(r"<ins>(.*?)</ins>", whole) == ["REPLACEDWORD"] and "pf-folded" not in whole
    assert "unchanged paragraphs …" in html and len(html) * 4 < len(whole)


def test_check_prints_github_annotations(repo: Path) -> None:
    edit(repo, POLICY, "**4.1.1**", "**4.1.1** TODO")
    result = run([POLICYFORGE, "check", "--repo", str(repo), "--format", "github"], check=False)
    assert re.search(rf"^::error file={re.escape(POLICY)},line=\d+::leftover placeholder", result.stdout, re.M)


def test_generated_workflows_pass_actionlint_and_the_schemas(repo: Path) -> None:
    workflows = sorted((repo / ".github" / "workflows").glob("*.yml"))
    assert [w.name for w in workflows] == ["policy-checks.yml", "publish.yml"]
    run([str(BIN / "actionlint"), *map(str, workflows)], cwd=repo)
    run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, workflows)])
    run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(repo / ".gitlab-ci.yml")])


def test_workflows_pin_actions_and_grant_least_privilege(repo: Path) -> None:
    for workflow in (repo / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text()
        uses = re.findall(r"uses:\s*(\S+)", text)
        assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
        data = yaml.safe_load(text)
        assert data["permissions"] == {}
        assert all("permissions" in job for job in data["jobs"].values())
        assert "${{ secrets." not in text


def test_codeowners_routes_each_policy_to_its_approver_and_names_its_owner(repo: Path) -> None:
    lines = (repo / ".github" / "CODEOWNERS").read_text().splitlines()
    # only the approver: GitHub takes one review from any owner on the line (see the file's header)
    assert "/policies/POL-13-access-control.md dana.whitfield@acme.example" in lines
    assert "# POL-13: owner priya.natarajan@acme.example" in lines
    assert sum(1 for line in lines if line.startswith("/policies/")) == 29
