"""Day one of a company repository, end to end: install it as its README says, run its CI, commit.

One company is scaffolded per session; a fresh virtualenv (pip and nothing else) inside it is
filled by the generated GitHub workflow's own install step, from the generated requirements
alone, and then every ``run:`` step of the workflows and the GitLab jobs runs in order.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import BIN, run

pytestmark = pytest.mark.slow
POLICYFORGE = str(BIN / "policyforge")

# Steps the test does not run, and why. Everything else runs, in the order CI would run it.
SKIPPED_STEPS = {
    "Install PDF system libraries": "needs root for apt-get; this machine has Pango and DejaVu installed",
    "Comment what changed": "needs a GitHub token to comment on a pull request",
    "Publish the release": "runs on a tag and creates a GitHub release, which needs a GitHub token",
    "Check the release tag is on main": "runs on a tag only; this test publishes the draft from main",
}
SKIPPED_GITLAB_LINES = {
    "apt-get update": "needs root; this machine has git, Pango and DejaVu installed",
}
# What GitHub would put in the `${{ }}` expressions of job-level env for a pull request into main.
EXPRESSIONS = {"${{ github.base_ref }}": "main"}


@dataclass(frozen=True)
class DayOne:
    """A freshly scaffolded company repository with an empty virtualenv of its own."""

    repo: Path
    env: dict[str, str]
    scratch: Path


@pytest.fixture(scope="session")
def day_one(tmp_path_factory: pytest.TempPathFactory) -> DayOne:
    root = tmp_path_factory.mktemp("dayone")
    run([POLICYFORGE, "new", "--no-input", "-o", str(root), "company_name=Day One Labs", "scope_privacy=no",
         "scope_processing_integrity=no"])
    repo = root / "day-one-labs"
    # An origin to compare pull requests with and to push the site to, as on GitHub or GitLab.
    run(["git", "clone", "-q", "--bare", str(repo), str(root / "origin.git")])
    run(["git", "remote", "add", "origin", str(root / "origin.git")], cwd=repo)
    run(["git", "fetch", "-q", "origin"], cwd=repo)
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    assert python, "a system python3 is needed for the fresh virtualenv"
    run([python, "-m", "venv", str(repo / ".venv")])
    env = {key: value for key, value in os.environ.items()
           if key not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "GITHUB_ACTIONS"}}
    env["PATH"] = f"{repo / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin"
    env["PRE_COMMIT_HOME"] = str(root / "pre-commit-home")
    listed = run(["pip", "list", "--format=freeze"], cwd=repo, env=env).stdout
    assert not [line for line in listed.splitlines() if not line.startswith(("pip==", "setuptools=="))], listed
    return DayOne(repo, env, root)


def run_step(day: DayOne, script: str, extra_env: dict[str, str] | None = None) -> str:
    assert "${{" not in script, f"an expression in a run: script is injected as code: {script}"
    result = run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=day.repo, env={**day.env, **(extra_env or {})})
    return result.stdout + result.stderr


def run_workflow(day: DayOne, workflow: str, skip_jobs: set[str]) -> list[str]:
    """Run every `run:` step of a generated workflow's jobs in order; return the names run."""
    data = yaml.safe_load((day.repo / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))
    ran: list[str] = []
    for job_name, job in data["jobs"].items():
        if job_name in skip_jobs:
            assert all(step.get("name") in SKIPPED_STEPS for step in job["steps"] if "run" in step)
            continue
        env = {key: EXPRESSIONS.get(str(value), str(value)) for key, value in (job.get("env") or {}).items()}
        env["GITHUB_OUTPUT"] = str(day.scratch / f"{job_name}.output")
        env["GITHUB_STEP_SUMMARY"] = str(day.scratch / f"{job_name}.summary")
        for step in job["steps"]:
            if "run" not in step or step.get("name") in SKIPPED_STEPS:
                continue
            run_step(day, step["run"], env)
            ran.append(step["name"])
    return ran


def test_the_pull_request_workflow_runs_green_from_a_fresh_virtualenv(day_one: DayOne) -> None:
    ran = run_workflow(day_one, "policy-checks.yml", skip_jobs={"comment"})

    assert ran[0].startswith("Install policyforge")
    assert "Check policies" in ran and "Build the site and PDFs" in ran and "Redline against the base branch" in ran
    assert "Build the rendered pages with Zensical" in ran
    assert (day_one.repo / "site" / "index.html").is_file()
    assert sorted((day_one.repo / "out" / "pdf").glob("*.pdf"))
    freeze = run(["pip", "freeze"], cwd=day_one.repo, env=day_one.env).stdout
    wheel = next((day_one.repo / "vendor").glob("policyforge-*.whl"))
    assert f"policyforge @ file://{wheel}" in freeze


def test_the_publish_workflow_publishes_the_draft_to_origin(day_one: DayOne) -> None:
    ran = run_workflow(day_one, "publish.yml", skip_jobs=set())

    assert "Publish the draft" in ran
    pages = run(["git", "ls-tree", "-r", "--name-only", "gh-pages"], cwd=day_one.scratch / "origin.git").stdout
    assert "draft/index.html" in pages.splitlines()


def test_the_gitlab_jobs_run_green(day_one: DayOne) -> None:
    data = yaml.safe_load((day_one.repo / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    before = [line for line in data["default"]["before_script"]
              if not any(line.startswith(skip) for skip in SKIPPED_GITLAB_LINES)]
    variables = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_PIPELINE_SOURCE": "merge_request_event"}
    for job in ("policy-check", "pages"):
        run_step(day_one, "\n".join([*before, *data[job]["script"]]), variables)
    assert (day_one.repo / "public" / "index.html").is_file()


def test_pre_commit_passes_in_the_fresh_repository_without_an_active_virtualenv(day_one: DayOne) -> None:
    env = {**day_one.env, "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin"}  # pre-commit from the test tools only
    result = run([str(BIN / "pre-commit"), "run", "--all-files"], cwd=day_one.repo, env=env)
    assert "policyforge check" in result.stdout and "Passed" in result.stdout
