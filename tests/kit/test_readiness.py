"""The readiness checklist: traced to policies and evidence, readiness.yml validated, progress and overdue reported."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import run
from policyforge import PolicyforgeError
from policyforge.kit._readiness import (
    DONE,
    IN_PROGRESS,
    NOT_APPLICABLE,
    Entry,
    assess,
    init_readiness,
    parse_readiness,
)
from policyforge.kit._readiness_page import readiness_page
from policyforge.model import Library, load_library
from policyforge.program import Program, evidence_map, variant_program
from policyforge.render import markdown_to_html

EPOCH = "1796083200"  # 2026-12-01, the example company's effective date
AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def program(library: Library) -> Program:
    built = variant_program("example", library)
    built.as_of = AS_OF
    return built


@pytest.fixture
def repo(example_source: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "acme-cloud"
    shutil.copytree(example_source, copy, symlinks=True)
    return copy


def readiness(repo: Path, *extra: str, epoch: str = EPOCH) -> tuple[int, str, str]:
    """Run `policyforge readiness` as a user would, with a fixed build date."""
    result = run([str(Path(sys.executable).parent / "policyforge"), "readiness", "--repo", str(repo), *extra],
                 env={**os.environ, "SOURCE_DATE_EPOCH": epoch}, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout, result.stderr


def write(repo: Path, text: str) -> Path:
    path = repo / "readiness.yml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def keys(program: Program) -> list[str]:
    return list(program.library.catalog.checklist)


# ------------------------------------------------------------------------------------------ tracing
@pytest.mark.parametrize("variant", ["example", "security-only", "gcp-remote", "azure-office"])
def test_every_checklist_item_leads_to_policy_sections_controls_and_evidence(library: Library, variant: str) -> None:
    result = assess(variant_program(variant, library), None)
    assert len(result.items) == 60
    for item in result.items:
        assert item.controls, item.checklist.key
        assert item.sections, item.checklist.key
        assert item.evidence, item.checklist.key
        assert set(item.evidence) <= set(library.catalog.evidence)


def test_every_link_on_the_readiness_page_reaches_a_rendered_heading_or_control(program: Program,
                                                                                tmp_path: Path) -> None:
    page = readiness_page(program, tmp_path)
    links = set(re.findall(r"\]\((POL-\d\d-[a-z0-9-]+\.md)#([a-z0-9-]+)\)", page))
    assert len(links) > 100
    ids: dict[str, set[str]] = {}
    for doc in program.policies.values():
        ids[doc.filename] = set(re.findall(r'id="([^"]+)"', markdown_to_html(program.render_page(doc))))
    for filename, anchor in links:
        assert anchor in ids[filename], f"{filename}#{anchor}"
    own = set(re.findall(r'id="([^"]+)"', markdown_to_html(page)))
    for anchor in set(re.findall(r"\]\(#(ev-\d\d)\)", page)):
        assert anchor in own


# ------------------------------------------------------------------------------------------ arithmetic
def test_progress_is_done_over_applicable_items_per_area_and_overall(program: Program) -> None:
    entries = {
        "access_control.mfa": Entry("access_control.mfa", DONE),
        "access_control.rbac": Entry("access_control.rbac", DONE),
        "access_control.access_reviews": Entry("access_control.access_reviews", DONE),
        "access_control.passwords": Entry("access_control.passwords", NOT_APPLICABLE, reason="SSO only"),
        "access_control.privileged_accounts": Entry("access_control.privileged_accounts", IN_PROGRESS),
        "network_security.vpn": Entry("network_security.vpn", NOT_APPLICABLE, reason="no VPN"),
    }
    result = assess(program, entries)
    area = {key: progress for key, progress, _ in result.areas()}
    assert (area["access_control"].done, area["access_control"].applicable) == (3, 4)
    assert area["access_control"].percent == "75.0%"
    assert (area["network_security"].done, area["network_security"].applicable) == (0, 4)
    assert (result.overall.done, result.overall.applicable) == (3, 58)
    assert result.overall.percent == "5.2%"


def test_an_area_where_nothing_applies_counts_as_complete(program: Program) -> None:
    items = [k for k in keys(program) if k.startswith("service_levels.")]
    entries = {k: Entry(k, NOT_APPLICABLE, reason="no SLA") for k in items}
    area = {key: progress for key, progress, _ in assess(program, entries).areas()}
    assert area["service_levels"].applicable == 0
    assert area["service_levels"].percent == "100.0%"


# ------------------------------------------------------------------------------------------ parsing
def test_a_well_formed_file_is_read_with_statuses_owners_dates_and_proofs(program: Program) -> None:
    text = textwrap.dedent("""
        # ours
        access_control.mfa:
          status: Done
          owner: security_officer
          due: 2027-01-15
          proof: https://wiki.acme.example/mfa
        network_security.vpn:
          status: not_applicable
          reason: Administrators reach production through the zero-trust proxy
        backup_dr.backups:
        """)
    entries = parse_readiness(text.lstrip("\n"), keys(program))
    assert entries["access_control.mfa"] == Entry("access_control.mfa", DONE, "security_officer",
                                                  dt.date(2027, 1, 15), "https://wiki.acme.example/mfa", "", 2)
    assert entries["network_security.vpn"].status == NOT_APPLICABLE
    assert entries["backup_dr.backups"].status == "not started"


MALFORMED = {
    "yaml syntax": ("access_control.mfa:\n  status: done\n   owner: cto\n", 3, "YAML syntax error"),
    "unknown item": ("access_control.mfa:\n  status: done\naccess_control.mfaa:\n  status: done\n", 3,
                     "did you mean access_control.mfa?"),
    "bad status": ("access_control.mfa:\n  owner: cto\n  status: finished\n", 3,
                   "write one of: not started, in progress, done, not applicable"),
    "bad date": ("access_control.mfa:\n  status: in progress\n  due: 2027-02-30\n", 3, "write it as YYYY-MM-DD"),
    "date with time": ("access_control.mfa:\n  due: 2027-02-01 10:00\n", 2, "write it as YYYY-MM-DD"),
    "missing reason": ("access_control.mfa:\n  status: done\nnetwork_security.vpn:\n  owner: cto\n"
                       "  status: not applicable\n", 5, "add `reason:`"),
    "unknown field": ("access_control.mfa:\n  stauts: done\n", 2, "did you mean status?"),
    "entry not a mapping": ("access_control.mfa: done\n", 1, "write `status: done`"),
    "item twice": ("access_control.mfa:\n  status: done\naccess_control.mfa:\n  status: done\n", 3,
                   "keep one entry per item"),
    "owner role typo": ("access_control.mfa:\n  owner: security_oficer\n", 2, "or write the person's name"),
    "not a mapping": ("- access_control.mfa\n", 1, "start from the file `policyforge readiness --init` writes"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_readiness_file_is_reported_with_line_and_fix(program: Program, case: str) -> None:
    text, line, fix = MALFORMED[case]
    with pytest.raises(PolicyforgeError) as caught:
        parse_readiness(text, keys(program))
    problem = caught.value.problems[0]
    assert (problem.where, problem.line) == ("readiness.yml", line), str(problem)
    assert fix in str(problem)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["yaml syntax", "unknown item", "bad status", "bad date", "missing reason"])
def test_readiness_command_reports_a_malformed_file_as_file_line_and_fix(repo: Path, case: str) -> None:
    text, line, fix = MALFORMED[case]
    (repo / "readiness.yml").write_text(text, encoding="utf-8")
    code, out, err = readiness(repo)
    assert code == 2
    assert f"ERROR: readiness.yml:{line}: " in err and fix in err
    assert out == ""


# ------------------------------------------------------------------------------------------ command
@pytest.mark.slow
def test_readiness_lists_overdue_items_as_of_source_date_epoch(repo: Path) -> None:
    write(repo, """
        access_control.mfa:
          status: in progress
          owner: security_officer
          due: 2026-11-30
        access_control.rbac:
          status: not started
          owner: Jane Roe
          due: 2026-10-01
        access_control.access_reviews:
          status: done
          due: 2026-10-01
          proof: tickets/SEC-12
        network_security.vpn:
          status: not applicable
          reason: no VPN
          due: 2026-10-01
        backup_dr.backups:
          status: in progress
          due: 2026-12-01
        """)
    code, out, _ = readiness(repo)
    assert code == 0
    listed = out.split("Overdue (due before 2026-12-01 and not done):", 1)[1]
    overdue = [line.strip() for line in listed.strip().splitlines()]
    assert overdue == [
        "2026-10-01  access_control.rbac  [not started]  Jane Roe: Roles are defined and permissions granted by role",
        "2026-11-30  access_control.mfa  [in progress]  Security Officer (Priya Natarajan): Multi-factor "
        "authentication protects administrative and user accounts",
    ]
    # A day later the item due on 1 December is overdue too.
    _, later, _ = readiness(repo, epoch=str(int(EPOCH) + 86400))
    assert "2026-12-01  backup_dr.backups  [in progress]" in later


@pytest.mark.slow
def test_readiness_exits_one_below_the_threshold_and_two_on_a_bad_threshold(repo: Path) -> None:
    done = [k for k in keys(variant_program("example", load_library()))][:30]
    write(repo, "".join(f"{key}:\n  status: done\n" for key in done))
    code, out, _ = readiness(repo)
    assert code == 0 and "Overall" in out and "  30          60     50.0%" in out
    assert readiness(repo, "--threshold", "50")[0] == 0
    code, _, err = readiness(repo, "--threshold", "50.5")
    assert code == 1 and "below the threshold of 50.5%" in err
    assert readiness(repo, "--threshold", "101")[0] == 2
    assert readiness(repo, "--threshold", "most")[0] == 2


@pytest.mark.slow
def test_readiness_without_a_file_counts_every_item_as_not_started(repo: Path) -> None:
    code, out, err = readiness(repo, "--threshold", "1")
    assert code == 1
    assert "readiness.yml not found" in err and "policyforge readiness --init" in err
    assert "0 in progress, 60 not started, 0 not applicable." in out


@pytest.mark.slow
def test_init_writes_every_item_as_not_started_and_a_second_run_changes_nothing(repo: Path) -> None:
    code, out, _ = readiness(repo, "--init")
    assert code == 0 and "added 60 item(s)" in out
    first = (repo / "readiness.yml").read_bytes()
    entries = parse_readiness(first.decode(), keys(variant_program("example", load_library())))
    assert len(entries) == 60 and {e.status for e in entries.values()} == {"not started"}
    assert entries["access_control.mfa"].owner == "security_officer"
    code, out, _ = readiness(repo, "--init")
    assert code == 0 and "nothing changed" in out
    assert (repo / "readiness.yml").read_bytes() == first


@pytest.mark.slow
def test_init_keeps_the_company_entries_and_comments_byte_for_byte_and_only_appends(repo: Path) -> None:
    original = ("# Readiness, kept by Priya.   \n"
                "access_control.mfa:   # enforced in Okta since March\n"
                "  status: done        # checked by the auditor's walkthrough\n"
                "  owner: 'Priya Natarajan'\n"
                "  proof: \"https://wiki.acme.example/mfa\"\n"
                "\n"
                "# network items come later\n"
                "network_security.vpn: {status: not applicable, reason: zero-trust proxy only}")
    (repo / "readiness.yml").write_bytes(original.encode())
    code, out, _ = readiness(repo, "--init")
    assert code == 0 and "added 58 item(s)" in out
    updated = (repo / "readiness.yml").read_bytes()
    assert updated.startswith(original.encode())
    entries = parse_readiness(updated.decode(), keys(variant_program("example", load_library())))
    assert len(entries) == 60
    assert entries["access_control.mfa"].status == DONE and entries["access_control.mfa"].owner == "Priya Natarajan"
    assert entries["network_security.vpn"].reason == "zero-trust proxy only"
    assert updated.decode().count("access_control.mfa:") == 1


def test_init_keeps_windows_line_endings_of_an_existing_file(program: Program, tmp_path: Path) -> None:
    original = b"# ours\r\naccess_control.mfa:\r\n  status: done\r\n"
    (tmp_path / "readiness.yml").write_bytes(original)
    assert init_readiness(tmp_path, program) == 59
    updated = (tmp_path / "readiness.yml").read_bytes()
    assert updated.startswith(original)
    assert b"\n" not in updated.replace(b"\r\n", b"")


@pytest.mark.parametrize("text", ["access_control.mfa:\n  status: finished\n",
                                  "access_control.mfa:\n  status: done\n...\n",
                                  "{access_control.mfa: {status: done}}\n"])
def test_init_leaves_a_file_it_cannot_extend_safely_untouched(program: Program, tmp_path: Path, text: str) -> None:
    path = tmp_path / "readiness.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyforgeError):
        init_readiness(tmp_path, program)
    assert path.read_text(encoding="utf-8") == text


# ------------------------------------------------------------------------------------------ Type I
def test_type1_marks_items_answered_only_by_operating_evidence_as_design_only(library: Library,
                                                                              tmp_path: Path) -> None:
    program = variant_program("example", library, {"report_type": "type1"})
    result = assess(program, None)
    design = {item.checklist.key for item in result.items if item.design_only}
    assert {"backup_dr.backup_testing", "backup_dr.recovery_testing", "change_management.emergency_changes"} <= design
    assert "access_control.mfa" not in design
    # A lean host's merged duty answers its own items, shown by its design though the host has Type I items of
    # its own: documented changes (CHG-04 in CHG-01, EV-43 only) and incident records (INC-04/05/08 in INC-03).
    hosted = {item.checklist.key for item in result.items
              if item.design_only and not all(evidence_map(program).proof(c.id).design_only for c in item.controls)}
    assert hosted == {"change_management.documentation", "incident_response.roles", "incident_response.records"}
    proofs = evidence_map(program)
    for item in result.items:
        duties = [part for c in item.controls for part in proofs.proof(c.id).parts
                  if item.checklist.key in library.catalog.controls[part.control].checklist]
        assert item.design_only == (bool(duties) and all(part.design_only for part in duties))
        if item.design_only:  # shown by the approved policy; the operating items wait for a Type II window
            assert set(item.evidence) - set(item.operating_only) == {"EV-01"}
            assert all(not library.catalog.evidence[ev].type1 for ev in item.operating_only)
    assert not any(item.design_only for item in assess(variant_program("example", library), None).items)
    init_readiness(tmp_path, program)
    lines = (tmp_path / "readiness.yml").read_text(encoding="utf-8").splitlines()
    after = {line.split(":", 1)[0]: lines[number + 1] for number, line in enumerate(lines) if line.endswith(
        tuple(f"# {item.checklist.text}" for item in result.items))}
    assert after["backup_dr.backup_testing"].startswith("  # Type I: only operating evidence answers this item")
    assert after["access_control.mfa"] == "  status: not started"
    page = readiness_page(program, tmp_path)
    assert page.count("*Type I: design only*") == len(design)
    assert "[EV-56](#ev-56) (Type II)" in page and "| not requested (Type II) |" in page


# ------------------------------------------------------------------------------------------ page
def test_readiness_page_shows_a_chart_per_area_and_escapes_company_values(program: Program, tmp_path: Path) -> None:
    write(tmp_path, """
        access_control.mfa:
          status: done
          owner: "<b>Jane</b> | *Roe*"
          proof: https://wiki.acme.example/mfa?a=1&b=2
        access_control.rbac:
          status: in progress
          proof: "javascript:alert(1)"
          due: 2026-11-01
        network_security.vpn:
          status: not applicable
          reason: "[no](https://evil.example) <script>"
        """)
    page = readiness_page(program, tmp_path)
    assert page.startswith("# Audit readiness\n")
    html = markdown_to_html(page)
    assert html.count("<svg") == 1 and "&lt;svg" not in html
    chart = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert chart.count("<g>") == 13  # twelve areas and the overall bar
    assert "<script" not in html and "<b>Jane" not in html and 'href="javascript' not in html
    assert 'href="https://evil.example"' not in html
    assert 'href="https://wiki.acme.example/mfa?a=1&amp;b=2"' in html
    assert not re.search(r'(src|href)="(https?:)?//(?!wiki\.acme\.example)', html)
    assert "1 of 59" in page.split("\n\n", 2)[1].replace("*", "")
    assert '<h2 id="overdue">' in html and "Roles are defined and permissions granted by role" in html


def test_readiness_page_is_the_same_for_the_same_input(program: Program, tmp_path: Path) -> None:
    write(tmp_path, "access_control.mfa:\n  status: done\n")
    assert readiness_page(program, tmp_path) == readiness_page(program, tmp_path)


def test_readiness_page_without_a_file_says_how_to_create_it(program: Program, tmp_path: Path) -> None:
    page = readiness_page(program, tmp_path)
    assert "No readiness.yml yet" in page and "0 of 60" in page.replace("*", "")


def test_a_remote_company_is_asked_for_the_evidence_it_has_not_for_office_badges_or_visitor_logs(
        library: Library, tmp_path: Path) -> None:
    remote = readiness_page(variant_program("example", library, {"work_model": "remote"}), tmp_path)
    row = next(line for line in remote.splitlines() if 'id="ev-28"' in line)
    assert "holds no premises" in row and "SOC 2 report" in row
    assert not re.search(r"[Bb]adge|[Vv]isitor log", row)
    office = readiness_page(variant_program("example", library, {"work_model": "office"}), tmp_path)
    assert "visitor log" in next(line for line in office.splitlines() if 'id="ev-28"' in line)
