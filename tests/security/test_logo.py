"""The company's logo (company.yml layout.logo) is published only as a plain image inside the repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import BIN, run
from policyforge.repo import check_logo, published_set
from policyforge.repo._logo import svg_problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs>' \
      b'<rect width="10" height="10" fill="url(#g)"/><use href="#g"/></svg>'


def company_with_logo(root: Path, logo: str) -> Path:
    (root / "company.yml").write_text(f"company:\n  name: Acme\nlayout:\n  paper_size: A4\n  logo: {logo}\n",
                                      encoding="utf-8")
    return root


def refusal(repo: Path) -> str:
    logo, problem = check_logo(repo)
    assert logo is None and problem is not None
    assert problem.where == "company.yml" and problem.line == 5 and "layout.logo" in problem.fix
    return str(problem)


def test_a_png_and_a_self_contained_svg_inside_the_repository_are_accepted(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.png").write_bytes(PNG)
    (tmp_path / "brand" / "logo.svg").write_bytes(SVG)
    for name, media in (("brand/logo.png", "image/png"), ("brand/logo.svg", "image/svg+xml")):
        logo, problem = check_logo(company_with_logo(tmp_path, name))
        assert problem is None and logo is not None
        assert (logo.name, logo.media_type) == (name, media)


def test_no_logo_setting_means_no_logo_and_no_problem(tmp_path: Path) -> None:
    (tmp_path / "company.yml").write_text("company:\n  name: Acme\n", encoding="utf-8")
    assert check_logo(tmp_path) == (None, None)


@pytest.mark.parametrize("name", ["../logo.png", "/etc/hostname.png", "https://evil.example/logo.png",
                                  "brand/../../logo.png"])
def test_a_logo_outside_the_repository_is_refused(tmp_path: Path, name: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "logo.png").write_bytes(PNG)
    assert "not a path inside the repository" in refusal(company_with_logo(repo, name))


def test_a_logo_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    (tmp_path / "logo.png").symlink_to(tmp_path / "secret.png")
    assert "logo.png is a symbolic link" in refusal(company_with_logo(tmp_path, "logo.png"))


def test_a_logo_in_a_linked_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "logo.png").write_bytes(PNG)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "brand").symlink_to(outside)
    assert "brand is a symbolic link" in refusal(company_with_logo(repo, "brand/logo.png"))


def test_a_missing_logo_is_refused(tmp_path: Path) -> None:
    assert "does not exist" in refusal(company_with_logo(tmp_path, "logo.png"))


@pytest.mark.parametrize(("name", "data", "message"), [
    ("logo.gif", b"GIF89a", "is not a .png or .svg file"),
    ("logo.png", b"#!/bin/sh\necho owned\n", "is not a PNG image"),
    ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "is not a PNG image"),
    ("logo.svg", PNG, "is not a well-formed SVG"),
    ("logo.svg", b"<html><body>hi</body></html>", "root element is not <svg>"),
])
def test_a_logo_whose_bytes_are_not_its_type_is_refused(tmp_path: Path, name: str, data: bytes,
                                                         message: str) -> None:
    (tmp_path / name).write_bytes(data)
    assert message in refusal(company_with_logo(tmp_path, name))


NS = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


@pytest.mark.parametrize(("svg", "message"), [
    (f"<svg {NS}><script>alert(1)</script></svg>", "<script>"),
    (f"<svg {NS}><s:script xmlns:s='http://www.w3.org/2000/svg'>x</s:script></svg>", "<script>"),
    (f'<svg {NS} onload="alert(1)"/>', "event handler"),
    (f'<svg {NS}><image href="https://evil.example/track.png"/></svg>', "links outside itself"),
    (f'<svg {NS}><image xlink:href="file:///etc/passwd"/></svg>', "links outside itself"),
    (f'<svg {NS}><a href="javascript:alert(1)"><rect/></a></svg>', "links outside itself"),
    (f'<svg {NS}><use href="other.svg#icon"/></svg>', "links outside itself"),
    (f'<svg {NS}><rect style="fill: url(https://evil.example/x)"/></svg>', "loads another file"),
    (f"<svg {NS}><style>@import url(https://evil.example/x.css);</style></svg>", "loads another file"),
    (f"<svg {NS}><foreignObject><p>hi</p></foreignObject></svg>", "<foreignobject>"),
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     f"<svg {NS}>&x;</svg>", "without a DTD"),
    ('<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
     f"<svg {NS}>&b;</svg>", "without a DTD"),
])
def test_an_svg_logo_with_a_script_or_an_external_reference_is_refused(tmp_path: Path, svg: str,
                                                                        message: str) -> None:
    assert message in (svg_problem(svg.encode()) or "")
    (tmp_path / "logo.svg").write_text(svg, encoding="utf-8")
    assert message in refusal(company_with_logo(tmp_path, "logo.svg"))


def test_the_published_set_carries_the_logo_and_the_pdf_fetcher_allows_it(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "logo.png").write_bytes(PNG)
    published = published_set(company_with_logo(tmp_path, "logo.png"))
    assert published.problems == [] and published.logo is not None
    assert published.asset_paths(tmp_path) == (tmp_path / "logo.png",)
    from policyforge.exports._pdf import closed_fetcher

    fetcher = closed_fetcher(published.asset_paths(tmp_path))
    assert fetcher.fetch(f"file://{tmp_path}/logo.png")
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(f"file://{tmp_path}/company.yml")


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example company's files written once by the engine (no cookiecutter, no build), committed."""
    from policyforge.lifecycle._scaffold import git_init_commit, scaffold_company
    from policyforge.model import facts_from_answers, load_library, resolve_answers

    repo = tmp_path_factory.mktemp("company") / "acme"
    scaffold_company(repo, facts_from_answers(resolve_answers({})), load_library())
    assert git_init_commit(repo, "Adopt the policies")
    return repo


def one_logo_line(result: object, code: int = 2) -> str:
    output = getattr(result, "stdout", "") + getattr(result, "stderr", "")
    assert getattr(result, "returncode", None) == code, output
    assert "Traceback" not in output
    (line,) = [line for line in output.splitlines() if "layout.logo" in line]
    return str(line)


@pytest.mark.slow
def test_a_bad_logo_stops_the_pdf_build_with_one_line_naming_the_field(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "logo.svg").write_text(f'<svg {NS} onload="fetch(1)"/>', encoding="utf-8")
    company_with_logo(tmp_path, "logo.svg")
    line = one_logo_line(run([str(BIN / "policyforge"), "pdf", "--repo", str(tmp_path)], check=False))
    assert "company.yml:5: layout.logo: logo.svg has an event handler" in line and "remove the setting" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_check_names_a_logo_outside_the_repository(scaffolded: Path, tmp_path: Path) -> None:
    repo = Path(shutil.copytree(scaffolded, tmp_path / "acme", symlinks=True))
    text = (repo / "company.yml").read_text(encoding="utf-8")
    (repo / "company.yml").write_text(text + "layout:\n  logo: /etc/hostname.png\n", encoding="utf-8")
    # check reports it among its findings (exit 1); build and pdf refuse to start (exit 2)
    line = one_logo_line(run([str(BIN / "policyforge"), "check", "--repo", str(repo)], check=False), code=1)
    assert "layout.logo: '/etc/hostname.png' is not a path inside the repository" in line


@pytest.mark.slow
def test_the_site_header_shows_the_logo_unless_mkdocs_yml_sets_one(scaffolded: Path, tmp_path: Path) -> None:
    from conftest import REPO_ROOT
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    repo = Path(shutil.copytree(scaffolded, tmp_path / "acme", symlinks=True))
    shutil.copy(REPO_ROOT / "{{cookiecutter.company_slug}}" / "mkdocs.yml", repo / "mkdocs.yml")
    (repo / "brand").mkdir()
    (repo / "brand" / "logo.svg").write_bytes(SVG)
    text = (repo / "company.yml").read_text(encoding="utf-8")
    (repo / "company.yml").write_text(text + "layout:\n  logo: brand/logo.svg\n", encoding="utf-8")
    config = load_config(str(repo / "mkdocs.yml"))
    config = config.plugins.on_config(config)  # as MkDocs runs the events, every plugin in turn
    assert config.theme["logo"] == "assets/company-logo.svg"
    files = config.plugins.on_files(Files([]), config=config)
    (logo,) = [f for f in files if f.src_uri == "assets/company-logo.svg"]
    assert logo.content_bytes == SVG
    mkdocs_yml = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    (repo / "policies" / "own.png").write_bytes(PNG)
    (repo / "mkdocs.yml").write_text(mkdocs_yml.replace("theme:\n", "theme:\n  logo: own.png\n", 1), encoding="utf-8")
    config = load_config(str(repo / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    assert config.theme["logo"] == "own.png"  # the company's own mkdocs.yml setting wins
