"""`policyforge update`: a new library release or a new scope arrives and no company text is lost."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BIN, LIBRARY, REPO_ROOT, run

pytestmark = pytest.mark.slow
POL13 = "policies/POL-13-access-control.md"
BASE13 = ".policyforge/base/POL-13-access-control.md"
TEMPLATE13 = "policies/POL-13-access-control.md"
# 2028-01-01: the day the update runs, later than the example company's effective date (2026-12-01).
UPDATE_DAY = "1830297600"
# 2026-12-01, the example company's effective date: the day its policies are checked, none overdue.
CHECK_DAY = "1796083200"

COMPANY_SCOPE = "This policy applies to every Acme lab as well:"
# The library's sentence as the template holds it (the commitment is a named value, rendered per company).
LIBRARY_REVIEWS = "**4.4.4** An account with no sign-in for {{ commit.inactive_account_disable }} is disabled"
UPSTREAM_REVIEWS = "**4.4.4** An account unused for 60 days is disabled"
COMPANY_LEAVER = "**4.4.1** Moves are recorded in Workday within 2 business days. When someone changes role"
UPSTREAM_LEAVER = "**4.4.1** A change of team counts as a change of role. When someone changes role"


@pytest.fixture
def repo(example_repo: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme-cloud"
    shutil.copytree(example_repo, copy, ignore=shutil.ignore_patterns("site", "out", ".cache"))
    assert git(copy, "status", "--porcelain") == ""
    return copy


@pytest.fixture
def release(tmp_path: Path) -> Path:
    """The next library release: a copy of policy_templates/ with VERSION bumped, edited by each test."""
    root = tmp_path / "library-2026.2"
    shutil.copytree(LIBRARY, root)
    (root / "VERSION").write_text("2026.2\n", encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    return run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", *args], cwd=repo).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def read(repo: Path, relative: str) -> str:
    return (repo / relative).read_text(encoding="utf-8")


def front(repo: Path, relative: str) -> dict[str, object]:
    data = yaml.safe_load(read(repo, relative).split("---\n")[1])
    assert isinstance(data, dict)
    return data


def env_for(library: Path | None, day: str = UPDATE_DAY) -> dict[str, str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": day}
    env.pop("POLICYFORGE_LIBRARY", None)
    if library is not None:
        env["POLICYFORGE_LIBRARY"] = str(library)
    return env


def update(repo: Path, library: Path | None, *extra: str) -> tuple[int, str]:
    command = [str(Path(sys.executable).parent / "policyforge"), "update", "--repo", str(repo), *extra]
    result = run(command, cwd=REPO_ROOT, env=env_for(library), check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout + result.stderr


def check(repo: Path, library: Path | None, *extra: str) -> tuple[int, str]:
    command = [str(BIN / "policyforge"), "check", "--repo", str(repo), "--format", "text", *extra]
    result = run(command, env=env_for(library, CHECK_DAY), check=False)
    return result.returncode, result.stdout + result.stderr


def source(repo: Path) -> dict[str, object]:
    data = yaml.safe_load(read(repo, ".policyforge/source.yml"))
    assert isinstance(data, dict)
    return data


def company_text(repo: Path, policy: str, base: str) -> list[str]:
    """Return the lines the company wrote itself: in its policy's body but not in the pristine copy."""
    pristine = set(read(repo, base).split("\n---\n", 1)[1].splitlines())
    lines = [line for line in read(repo, policy).split("\n---\n", 1)[1].splitlines()
             if line.strip() and line not in pristine]
    assert lines, "the scenario has no company text to lose"
    return lines


def assert_kept(repo: Path, policy: str, lines: list[str]) -> None:
    text = read(repo, policy)
    assert [line for line in lines if line not in text] == []


def edit_company_and_library(repo: Path, release: Path, company: tuple[str, str],
                             upstream: tuple[str, str]) -> list[str]:
    edit(repo / POL13, *company)
    commit(repo, "Company edit")
    edit(release / TEMPLATE13, *upstream)
    return company_text(repo, POL13, BASE13)


# ------------------------------------------------------------------------------------------- text merges
def test_a_company_edit_far_from_an_upstream_change_keeps_both_and_needs_a_new_approval(
        repo: Path, release: Path) -> None:
    ours = edit_company_and_library(repo, release, ("This policy applies to:", COMPANY_SCOPE),
                                    (LIBRARY_REVIEWS, UPSTREAM_REVIEWS))
    head = git(repo, "rev-parse", "HEAD")

    code, out = update(repo, release)

    assert code == 0, out
    assert_kept(repo, POL13, ours)
    text = read(repo, POL13)
    assert COMPANY_SCOPE in text and UPSTREAM_REVIEWS in text
    assert "<<<<<<<" not in text
    assert front(repo, POL13)["version"] == "1.0"  # the approval state stays the company's
    assert UPSTREAM_REVIEWS in read(repo, BASE13) and COMPANY_SCOPE not in read(repo, BASE13)
    assert source(repo)["library_version"] == "2026.2"
    assert git(repo, "rev-parse", "HEAD") == head  # nothing committed for the user
    assert "merged    policies/POL-13-access-control.md" in out
    assert re.search(r"needs a new approval.*POL-13", out)
    code, out = check(repo, release, "--base", "HEAD")
    assert code == 1 and "text changed since HEAD but version 1.0 has no new approval" in out


def test_edits_on_adjacent_lines_conflict_and_keep_both_texts(repo: Path, release: Path) -> None:
    company_line = "- every employee, intern{% if shape.contractors %}"
    upstream_line = "- the production environment and staging environment of {{ company.product }}"
    ours = edit_company_and_library(repo, release, ("- every employee{% if shape.contractors %}", company_line),
                                    ("- the production environment of {{ company.product }}", upstream_line))

    code, out = update(repo, release)
    assert_kept(repo, POL13, ours)

    # git merge-file treats changes to neighbouring lines as overlapping: a conflict, nothing dropped.
    assert code == 1, out
    text = read(repo, POL13)
    assert company_line in text and upstream_line in text
    assert "<<<<<<< company" in text and ">>>>>>> library 2026.2" in text


def test_edits_on_the_same_line_leave_conflict_markers_list_the_file_and_exit_1(repo: Path, release: Path) -> None:
    old = "**4.4.1** When someone changes role"
    ours = edit_company_and_library(repo, release, (old, COMPANY_LEAVER), (old, UPSTREAM_LEAVER))
    base_before = read(repo, BASE13)

    code, out = update(repo, release)

    assert code == 1, out
    assert_kept(repo, POL13, ours)
    assert "CONFLICT  policies/POL-13-access-control.md" in out
    text = read(repo, POL13)
    block = re.search(r"^<<<<<<< company\n(.*?)^=======\n(.*?)^>>>>>>> library 2026\.2$", text, re.M | re.S)
    assert block, text
    assert COMPANY_LEAVER in block.group(1) and UPSTREAM_LEAVER in block.group(2)
    assert read(repo, BASE13) == base_before  # base moves only once the file is merged
    assert UPSTREAM_LEAVER in read(repo, ".policyforge/pending/POL-13-access-control.md")
    assert source(repo)["library_version"] == "2026.1"
    assert source(repo)["pending_library_version"] == "2026.2"


def test_a_resolved_and_committed_conflict_is_finished_by_running_update_again(repo: Path, release: Path) -> None:
    old = "**4.4.1** When someone changes role"
    edit_company_and_library(repo, release, (old, COMPANY_LEAVER), (old, UPSTREAM_LEAVER))
    assert update(repo, release)[0] == 1
    commit(repo, "Markers committed by mistake")
    code, out = update(repo, release)
    assert code == 2 and "policies/POL-13-access-control.md: still has conflict markers" in out

    resolved = "Workday within 2 business days. A change of team counts as a change of role. When someone changes"
    text = re.sub(r"<<<<<<< company\n(.*?)=======\n.*?>>>>>>> library 2026\.2\n",
                  lambda m: m.group(1).replace("Workday within 2 business days. When someone changes", resolved, 1),
                  read(repo, POL13), flags=re.S)
    (repo / POL13).write_text(text, encoding="utf-8")
    commit(repo, "Resolve POL-13")
    ours = company_text(repo, POL13, BASE13)
    code, out = update(repo, release)

    assert code == 0, out
    assert resolved in read(repo, POL13) and "<<<<<<<" not in read(repo, POL13)
    assert_kept(repo, POL13, ours)
    assert UPSTREAM_LEAVER in read(repo, BASE13)
    assert not (repo / ".policyforge/pending").exists()
    assert source(repo)["library_version"] == "2026.2" and "pending_library_version" not in source(repo)


SERVICE_SECTION = re.compile(r"^### 4\.6 Service accounts.*?(?=^### 4\.7)", re.M | re.S)


@pytest.mark.parametrize("upstream_edit", ["elsewhere", "inside the deleted section"])
def test_a_section_the_company_deleted_stays_deleted_unless_upstream_changed_it(
        repo: Path, release: Path, upstream_edit: str) -> None:
    text = SERVICE_SECTION.sub("", read(repo, POL13))
    (repo / POL13).write_text(text.replace(", ACC-08]", "]"), encoding="utf-8")
    commit(repo, "We have no service accounts")
    if upstream_edit == "elsewhere":
        edit(release / TEMPLATE13, LIBRARY_REVIEWS, UPSTREAM_REVIEWS)
    else:
        edit(release / TEMPLATE13, "Service accounts cannot sign in interactively.",
             "Service accounts cannot sign in interactively and their keys rotate every 90 days.")

    code, out = update(repo, release)

    merged = read(repo, POL13)
    assert "### 4.5 Privileged access" in merged and "### 4.7 Access reviews" in merged
    if upstream_edit == "elsewhere":
        assert code == 0, out
        assert "Service accounts and integrations" not in merged and UPSTREAM_REVIEWS in merged
        assert "ACC-08" not in str(front(repo, POL13)["controls"])
    else:
        assert code == 1, out
        conflict = merged.split("<<<<<<< company\n", 1)[1].split(">>>>>>> library 2026.2", 1)[0]
        ours, theirs = conflict.split("=======\n", 1)
        assert "Service accounts" not in ours and "their keys rotate every 90 days" in theirs


# ------------------------------------------------------------------------------------------- library changes
def test_an_approved_policy_keeps_its_approval_and_takes_a_control_added_upstream(
        repo: Path, release: Path) -> None:
    run([str(BIN / "policyforge"), "approve", "POL-13", "--by", "Dana Whitfield", "--summary", "Tighter wording",
         "--date", "2027-03-01", "--repo", str(repo)], env=env_for(None))
    commit(repo, "Approve POL-13 1.1")
    controls = release / "controls" / "POL-13.yaml"
    edit(controls, "controls:\n", "controls:\n"
         "  - id: ACC-99\n"
         "    statement: Each shared team mailbox is created with a named owner, recorded in its access provisioning\n"
         "      ticket.\n"
         "    owner: security_officer\n"
         "    frequency: per-event\n"
         "    trigger: new_system\n"
         "    criteria: [CC6.2, CC7.2]\n"
         "    section: privileged-access\n"
         "    evidence: [EV-18]\n"
         "    checklist: [access_control.rbac]\n")

    code, out = update(repo, release)

    assert code == 0, out
    meta = front(repo, POL13)
    assert meta["version"] == "1.1" and str(meta["effective_date"]) == "2027-03-01"
    assert [entry["summary"] for entry in meta["history"]] == [
        "Initial adoption of the policy", "Tighter wording"]
    assert "ACC-99" in meta["controls"] and "CC7.2" in meta["criteria"]
    # The new control changes what readers see of version 1.1, so the approver approves it again.
    code, out = check(repo, release)
    assert code == 1 and "what readers see differs from what version 1.1 approved" in out, out
    run([str(BIN / "policyforge"), "approve", "POL-13", "--by", "Dana Whitfield", "--summary", "Break-glass review",
         "--date", "2027-03-02", "--repo", str(repo)], env=env_for(release))
    code, out = check(repo, release)
    assert code == 0, out


def test_a_policy_renamed_upstream_is_renamed_and_merged(repo: Path, release: Path) -> None:
    company = "Acme encrypts every laptop disk as well."
    edit(repo / "policies/POL-12-encryption.md", "## 2. Scope", f"{company}\n\n## 2. Scope")
    commit(repo, "Company edit to POL-12")
    ours = company_text(repo, "policies/POL-12-encryption.md", ".policyforge/base/POL-12-encryption.md")
    old = release / "policies/POL-12-encryption.md"
    text = old.read_text(encoding="utf-8").replace("slug: encryption", "slug: cryptography", 1)
    old.unlink()
    (release / "policies/POL-12-cryptography.md").write_text(
        text.replace("Only the algorithms and settings below", "Only the algorithms, modes and settings below", 1),
        encoding="utf-8")

    code, out = update(repo, release)

    assert code == 0, out
    assert "policies/POL-12-encryption.md -> policies/POL-12-cryptography.md" in out
    assert not (repo / "policies/POL-12-encryption.md").exists()
    assert_kept(repo, "policies/POL-12-cryptography.md", ours)
    merged = read(repo, "policies/POL-12-cryptography.md")
    assert company in merged and "Only the algorithms, modes and settings below" in merged
    assert front(repo, "policies/POL-12-cryptography.md")["slug"] == "cryptography"
    assert sorted(p.name for p in (repo / ".policyforge/base").glob("POL-12-*")) == ["POL-12-cryptography.md"]
    assert "/policies/POL-12-cryptography.md " in read(repo, ".github/CODEOWNERS")


def test_a_policy_new_upstream_is_added_and_nothing_else_changes(repo: Path, release: Path) -> None:
    text = (release / "policies/POL-25-physical-security.md").read_text(encoding="utf-8")
    text = text.replace("id: POL-25", "id: POL-30", 1).replace("slug: physical-security", "slug: remote-work", 1)
    text = re.sub(r"(?m)^title: .*$", "title: Remote Work Policy", text, count=1)
    (release / "policies/POL-30-remote-work.md").write_text(text, encoding="utf-8")

    code, out = update(repo, release)

    assert code == 0, out
    assert "added     policies/POL-30-remote-work.md" in out
    meta = front(repo, "policies/POL-30-remote-work.md")
    assert meta["title"] == "Remote Work Policy" and meta["controls"] == []
    assert meta["version"] == "1.0" and str(meta["effective_date"]) == "2028-01-01"
    assert meta["history"][0]["summary"] == "Adopted from policy library 2026.2"
    changed = sorted(line[3:] for line in git(repo, "status", "--porcelain", "--untracked-files=all").splitlines())
    assert changed == [".github/CODEOWNERS", ".policyforge/base/POL-30-remote-work.md", ".policyforge/source.yml",
                       "policies/POL-30-remote-work.md"]


def test_a_policy_the_company_deleted_is_reported_and_not_resurrected(repo: Path, release: Path) -> None:
    (repo / "policies/POL-25-physical-security.md").unlink()
    commit(repo, "Drop POL-25")
    edit(release / "policies/POL-25-physical-security.md", "runs entirely on", "runs only on")

    code, out = update(repo, release)

    assert code == 0, out
    assert not (repo / "policies/POL-25-physical-security.md").exists()
    assert "POL-25 Physical and Environmental Security Policy is in scope but you deleted" in out
    assert "it was not restored" in out


# ------------------------------------------------------------------------------------------- scope changes
def approve_what_check_asks(repo: Path, day: str = "2026-12-01") -> list[str]:
    """Approve every policy whose text a scope change altered, as the approver would; return their ids."""
    _, out = check(repo, None)
    ids = sorted(set(re.findall(r"run `policyforge approve (POL-\d+)", out)))
    assert ids, out
    run([str(BIN / "policyforge"), "approve", *ids, "--by", "Dana Whitfield", "--summary", "Scope change",
         "--date", day, "--repo", str(repo)], env=env_for(None, CHECK_DAY))
    return ids


def test_adding_processing_integrity_to_the_scope_adds_POL_29_with_its_controls(tmp_path: Path) -> None:
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(tmp_path), "scope_processing_integrity=no"])
    repo = tmp_path / "acme-cloud"
    assert not (repo / "policies/POL-29-processing-integrity.md").exists()
    edit(repo / "company.yml", "    processing_integrity: false", "    processing_integrity: true")
    commit(repo, "Processing integrity in scope")

    code, out = update(repo, None)

    assert code == 0, out
    assert "added     policies/POL-29-processing-integrity.md" in out
    meta = front(repo, "policies/POL-29-processing-integrity.md")
    assert "PIN-01" in meta["controls"] and "PI1.1" in meta["criteria"]
    # The new policy, and every policy whose text names the category, wait for the approver.
    assert "POL-29" in approve_what_check_asks(repo, day="2028-01-01")  # the update added it on 2028-01-01
    code, out = check(repo, None)
    assert code == 0 and "29 policies, ok" in out, out


def test_removing_processing_integrity_retires_POL_29_and_adding_it_back_restores_the_company_text(repo: Path) -> None:
    company = "Acme reconciles every billing run before invoices are sent."
    edit(repo / "policies/POL-29-processing-integrity.md", "## 2. Scope", f"{company}\n\n## 2. Scope")
    commit(repo, "Company edit to POL-29")
    before = read(repo, "policies/POL-29-processing-integrity.md")
    edit(repo / "company.yml", "    processing_integrity: true", "    processing_integrity: false")
    commit(repo, "Processing integrity out of scope")

    code, out = update(repo, None)

    assert code == 0, out
    assert "retired   policies/POL-29-processing-integrity.md -> policies/retired/POL-29-processing-integrity.md" in out
    assert read(repo, "policies/retired/POL-29-processing-integrity.md") == before
    assert not (repo / "policies/POL-29-processing-integrity.md").exists()
    approve_what_check_asks(repo)  # policies that named processing integrity changed
    code, out = check(repo, None)  # check reads policies/*.md only: the retired copy is not a policy
    assert code == 0 and "28 policies, ok" in out, out

    commit(repo, "Retire POL-29")
    edit(repo / "company.yml", "    processing_integrity: false", "    processing_integrity: true")
    commit(repo, "Processing integrity back in scope")
    code, out = update(repo, None)
    assert code == 0, out
    assert "restored  policies/retired/POL-29-processing-integrity.md -> policies/POL-29-processing-integrity.md" in out
    assert read(repo, "policies/POL-29-processing-integrity.md") == before
    assert not (repo / "policies/retired/POL-29-processing-integrity.md").exists()


def test_retired_policies_are_not_published_on_the_site(repo: Path) -> None:
    edit(repo / "company.yml", "    processing_integrity: true", "    processing_integrity: false")
    commit(repo, "Processing integrity out of scope")
    assert update(repo, None)[0] == 0
    run([str(BIN / "policyforge"), "build", "--no-pdf", "--repo", str(repo)], env=env_for(None))
    assert not list((repo / "site").rglob("*POL-29*"))
    assert "POL-29" not in read(repo, "site/search/search_index.json")


# ------------------------------------------------------------------------------------------- refusals
DIRTY = {
    "edited policy": lambda r: edit(r / POL13, "This policy applies to:", COMPANY_SCOPE),
    "new untracked policy": lambda r: (r / "policies/POL-40-draft.md").write_text("draft\n", encoding="utf-8"),
    "edited company.yml": lambda r: edit(r / "company.yml", "    processing_integrity: true",
                                         "    processing_integrity: false"),
}


@pytest.mark.parametrize("change", list(DIRTY))
def test_update_refuses_uncommitted_changes_and_touches_nothing(repo: Path, release: Path, change: str) -> None:
    edit(release / TEMPLATE13, LIBRARY_REVIEWS, UPSTREAM_REVIEWS)
    DIRTY[change](repo)
    status = git(repo, "status", "--porcelain", "--untracked-files=all")
    policy = read(repo, POL13)

    code, out = update(repo, release)

    assert code == 2, out
    assert "has uncommitted changes, which an update could overwrite" in out and "commit them" in out
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == status
    assert read(repo, POL13) == policy


def test_a_library_version_that_is_not_installed_is_refused(repo: Path) -> None:
    code, out = update(repo, None, "--to", "2099.1")
    assert code == 2
    assert "--to: library 2099.1 is not installed (this policyforge ships library 2026.1)" in out


def test_a_second_update_to_the_same_release_changes_nothing(repo: Path, release: Path) -> None:
    edit_company_and_library(repo, release, ("This policy applies to:", COMPANY_SCOPE),
                             (LIBRARY_REVIEWS, UPSTREAM_REVIEWS))
    assert update(repo, release)[0] == 0
    commit(repo, "Library 2026.2")

    code, out = update(repo, release, "--to", str(release))

    assert code == 0, out
    assert "Up to date with library 2026.2." in out
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_update_pins_the_policyforge_that_ships_the_library_in_requirements(repo: Path) -> None:
    current = read(repo, "requirements-engine.txt")
    (repo / "requirements-engine.txt").write_text("policyforge @ git+https://example.invalid/policyforge@0000000\n")
    (repo / "vendor" / "policyforge-0.0.1-py3-none-any.whl").write_bytes(b"an older engine")
    commit(repo, "An older policyforge")

    code, out = update(repo, None)

    assert code == 0, out
    assert read(repo, "requirements-engine.txt") == current
    assert not (repo / "vendor" / "policyforge-0.0.1-py3-none-any.whl").exists()
    assert "mkdocs==" in read(repo, "requirements.txt")



WORKFLOW = ".github/workflows/policy-checks.yml"
OLDER_KIT = ("upload a preview and comment a summary.", "upload a preview.")


def generated_by_an_older_kit(repo: Path, company_edit: tuple[str, str]) -> None:
    """Make the workflow and its recorded base an older kit's, then commit a company edit of the workflow."""
    for relative in (WORKFLOW, f".policyforge/kit/{WORKFLOW}"):
        edit(repo / relative, *OLDER_KIT)
    commit(repo, "Generated by an older policyforge")
    edit(repo / WORKFLOW, *company_edit)
    commit(repo, "The company's edit")


def test_update_brings_an_older_kits_workflow_up_to_date_and_keeps_the_companys_edit(repo: Path) -> None:
    current = read(repo, WORKFLOW)
    generated_by_an_older_kit(repo, ("name: Policy checks\n", "name: Acme policy checks\n"))

    code, out = update(repo, None)

    assert code == 0, out
    assert f"merged    {WORKFLOW}" in out
    assert read(repo, WORKFLOW) == current.replace("name: Policy checks\n", "name: Acme policy checks\n")
    assert read(repo, f".policyforge/kit/{WORKFLOW}") == current


def test_a_company_edit_of_the_kits_changed_line_is_reported_as_a_conflict(repo: Path) -> None:
    current = read(repo, WORKFLOW)
    generated_by_an_older_kit(repo, ("upload a preview.", "upload a preview to our bucket."))

    code, out = update(repo, None)

    assert code == 1, out
    assert f"CONFLICT  {WORKFLOW}" in out
    assert "<<<<<<< company\n# upload a preview to our bucket." in read(repo, WORKFLOW)
    assert read(repo, f".policyforge/pending/kit/{WORKFLOW}") == current
