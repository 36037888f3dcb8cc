"""The build state: a build with nothing changed is skipped, and any change to inputs or outputs rebuilds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from policyforge.program._buildstate import BuildState, input_fingerprint


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "POL-01-information-security.md").write_text("approved text\n")
    (tmp_path / "company.yml").write_text("company: {name: Acme}\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>built</p>\n")
    return tmp_path


def built(repo: Path) -> tuple[BuildState, str]:
    state = BuildState(repo, repo / "site", "site")
    inputs = input_fingerprint(repo, "site")
    state.save(inputs)
    return state, inputs


def test_a_second_build_with_nothing_changed_is_current(repo: Path) -> None:
    state, inputs = built(repo)
    assert state.is_current(input_fingerprint(repo, "site")) and inputs == input_fingerprint(repo, "site")


@pytest.mark.parametrize("change", ["policy edited", "policy added", "company.yml edited", "option changed"])
def test_any_change_to_an_input_rebuilds(repo: Path, change: str) -> None:
    state, _ = built(repo)
    options = ["site"]
    if change == "policy edited":
        (repo / "policies" / "POL-01-information-security.md").write_text("edited text\n")
    elif change == "policy added":
        (repo / "policies" / "onboarding.md").write_text("# Onboarding\n")
    elif change == "company.yml edited":
        (repo / "company.yml").write_text("company: {name: Acme Inc}\n")
    else:
        options.append("pdfa=True")
    assert not state.is_current(input_fingerprint(repo, *options))


def test_outputs_and_caches_are_not_inputs(repo: Path) -> None:
    _, inputs = built(repo)
    (repo / "out").mkdir()
    (repo / "out" / "handbook.pdf").write_bytes(b"%PDF")
    (repo / ".cache").mkdir(exist_ok=True)
    (repo / ".cache" / "x").write_text("cache")
    assert input_fingerprint(repo, "site") == inputs


def test_a_site_being_built_or_swapped_beside_the_site_is_not_an_input(repo: Path) -> None:
    """Half-written staging folders (site/_atomic.py) would make a build's fingerprint depend on when it is taken."""
    from policyforge.site._atomic import staged_site

    _, inputs = built(repo)
    with staged_site(repo / "site", default=True) as staging:
        (staging / "index.html").write_text("<p>half written</p>\n")
        (repo / ".site.old-4242").mkdir()
        (repo / ".site.old-4242" / "index.html").write_text("<p>the previous site</p>\n")
        assert input_fingerprint(repo, "site") == inputs
    (repo / "policies" / ".site.building-k2j4x9qa").mkdir()  # only beside the site, at the top: here it is read
    (repo / "policies" / ".site.building-k2j4x9qa" / "POL-02.md").write_text("text\n")
    assert input_fingerprint(repo, "site") != inputs


@pytest.mark.parametrize("change", ["output edited", "output deleted", "output added"])
def test_an_output_changed_since_the_build_rebuilds(repo: Path, change: str) -> None:
    state, inputs = built(repo)
    page = repo / "site" / "index.html"
    if change == "output edited":
        page.write_text("<p>tampered</p>\n")
        os.utime(page, ns=(1, 1))
    elif change == "output deleted":
        page.unlink()
    else:
        (repo / "site" / "extra.html").write_text("x")
    assert not state.is_current(inputs)


def test_a_forgotten_state_is_never_current(repo: Path) -> None:
    state, inputs = built(repo)
    state.forget()
    assert not state.is_current(inputs)
