"""The public trust site: built from public facts only, with an RFC 9116 security.txt, and leaking nothing."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from people_fixtures import company, rippling_csv
from policyforge import PolicyforgeError
from policyforge.kit._people_import import import_people
from policyforge.lifecycle import scaffold_company
from policyforge.model import FACT_SPECS, Library, facts_from_answers, load_library, resolve_answers
from policyforge.model._facts_schema import ROLE_TITLES
from policyforge.model._library import library_root
from policyforge.model._people import export_formats, load_roster
from policyforge.model._sections import trust_settings
from policyforge.program import Program, load_program
from policyforge.trust import WELL_KNOWN, parse_security_txt, subprocessors, trust_files, write_trust_site

BUILT = dt.date(2027, 3, 1)
INTERNAL_SITE = "https://policies.corp.acme.example/handbook/"
INTERNAL_REPO = "https://github.example/acme-internal/policies"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory, library: Library) -> Path:
    """The example company's repository with a roster of 60 and an internal policy site address."""
    root = tmp_path_factory.mktemp("acme")
    scaffold_company(root, facts_from_answers(resolve_answers({})), library)
    (root / "mkdocs.yml").write_text(f"site_name: Acme policies\nsite_url: {INTERNAL_SITE}\n"
                                     f"repo_url: {INTERNAL_REPO}\n", encoding="utf-8")
    export = root / "rippling.csv"
    export.write_text(rippling_csv(company(60)), encoding="utf-8")
    import_people(root, export, export_formats(library_root())["rippling"])
    return root


@pytest.fixture(scope="module")
def program(repo: Path, library: Library) -> Program:
    return load_program(repo, library, as_of=BUILT)


@pytest.fixture(scope="module")
def files(repo: Path, program: Program) -> dict[str, str]:
    return trust_files(program, trust_settings(repo, program.facts), BUILT)


def visible_text(files: dict[str, str]) -> str:
    """Return everything the site says: page text without tags (entities decoded) plus the raw files."""
    pages = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)) for text in files.values())
    return " ".join((pages + " " + " ".join(files.values())).split())


# ------------------------------------------------------------------------------------------- security.txt
def test_security_txt_is_parsed_and_each_rfc_9116_field_checked(files: dict[str, str]) -> None:
    fields = parse_security_txt(files[WELL_KNOWN])
    assert set(fields) == {"contact", "expires", "policy", "preferred-languages", "canonical"}
    assert fields["contact"] == ["mailto:security@acme.example"]
    assert len(fields["expires"]) == 1
    expires = dt.datetime.strptime(fields["expires"][0], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    built = dt.datetime.combine(BUILT, dt.time(), tzinfo=dt.UTC)
    assert built < expires <= built + dt.timedelta(days=365)
    assert fields["preferred-languages"] == ["en"]
    assert fields["canonical"] == ["https://trust.acme.example/.well-known/security.txt"]
    assert fields["policy"] == ["https://trust.acme.example/disclosure.html"]
    assert "disclosure.html" in files  # the Policy URL is a page of this site
    assert files[WELL_KNOWN].endswith("\n") and "\r" not in files[WELL_KNOWN]


def test_trust_settings_in_company_yml_set_the_address_languages_and_locations(tmp_path: Path,
                                                                              library: Library) -> None:
    scaffold_company(tmp_path, facts_from_answers(resolve_answers({})), library)
    with (tmp_path / "company.yml").open("a", encoding="utf-8") as handle:
        handle.write("\ntrust:\n  url: https://security.acme.example/\n  report_requests: soc2@acme.example\n"
                     "  languages: [en, de]\n  locations:\n    Datadog: Germany (EU1)\n")
    program = load_program(tmp_path, library, as_of=BUILT)
    settings = trust_settings(tmp_path, program.facts)
    built = trust_files(program, settings, BUILT)
    fields = parse_security_txt(built[WELL_KNOWN])
    assert fields["canonical"] == ["https://security.acme.example/.well-known/security.txt"]
    assert fields["preferred-languages"] == ["en, de"]
    assert "mailto:soc2@acme.example" in built["index.html"]
    assert {s.name: s.location for s in subprocessors(program, settings)}["Datadog"] == "Germany (EU1)"


def test_a_bad_trust_setting_is_reported_with_its_line(tmp_path: Path, library: Library) -> None:
    scaffold_company(tmp_path, facts_from_answers(resolve_answers({})), library)
    text = (tmp_path / "company.yml").read_text(encoding="utf-8")
    (tmp_path / "company.yml").write_text(text + "\ntrust:\n  url: http://insecure.example\n  colour: red\n",
                                          encoding="utf-8")
    program = load_program(tmp_path, library, as_of=BUILT)
    with pytest.raises(PolicyforgeError) as excinfo:
        trust_settings(tmp_path, program.facts)
    found = [str(p) for p in excinfo.value.problems]
    line = text.count("\n") + 3
    assert any(p.startswith(f"company.yml:{line}: trust.url: 'http://insecure.example' is not valid") for p in found)
    assert any(p.startswith(f"company.yml:{line + 1}: trust.colour: unknown setting") for p in found)


# ------------------------------------------------------------------------------------------- content
def test_the_site_covers_scope_report_subprocessors_and_contact(files: dict[str, str], program: Program) -> None:
    page = files["index.html"]
    for category in ("Security", "Availability", "Confidentiality", "Processing Integrity", "Privacy"):
        assert category in page
    assert "SOC 2 Type II" in page and "Example Assurance LLP" in page
    assert "in progress" in page  # the window (2027-01-01 to 2027-06-30) has not ended on the build date
    for doc in program.ordered_policies():
        assert html.escape(doc.title, quote=False) in page
    assert 'href="mailto:security@acme.example"' in page
    table = page[page.index('id="subprocessors"'):page.index('id="contact"')]
    assert "Amazon Web Services (AWS)" in table and "Datadog" in table
    assert "United States (us-east-1, us-west-2)" in table
    for not_customer_data in ("Okta", "Jira", "KnowBe4", "1Password"):
        assert not_customer_data not in table
    assert "AWS Backup" not in table  # a service of AWS, covered by its row
    assert "within 2 business days" in files["disclosure.html"]


def test_subprocessors_are_exactly_the_inventory_vendors_that_touch_customer_data(program: Program,
                                                                                 repo: Path) -> None:
    from policyforge.program._companion import companion_context

    vendors = companion_context(program)["vendors"]
    expected = {v["name"] for v in vendors if v["customer_data"] and not v["part_of"]}
    assert {s.name for s in subprocessors(program, trust_settings(repo, program.facts))} == expected


def test_the_site_loads_nothing_from_another_host(files: dict[str, str]) -> None:
    for name, text in files.items():
        if not name.endswith(".html"):
            continue
        assert "<script" not in text and "<img" not in text and "@import" not in files["style.css"]
        for url in re.findall(r'<link[^>]+href="([^"]+)"', text):
            assert not re.match(r"^[a-z]+:|^//", url), url
        assert "url(" not in files["style.css"]


def test_building_twice_gives_identical_files_and_replaces_the_old_site(tmp_path: Path, repo: Path,
                                                                        program: Program) -> None:
    out = tmp_path / "trust"
    first = trust_files(program, trust_settings(repo, program.facts), BUILT)
    write_trust_site(first, out)
    (out / "stale.html").write_text("old", encoding="utf-8")
    write_trust_site(trust_files(program, trust_settings(repo, program.facts), BUILT), out)
    written = {str(p.relative_to(out)): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}
    assert written == first
    assert not list(tmp_path.glob(".trust*"))


# ------------------------------------------------------------------------------------------- the leak test
def internal_facts(repo: Path, program: Program) -> dict[str, str]:
    """Return every internal value the trust site must not contain, keyed by what it is."""
    facts = program.facts
    found: dict[str, str] = {}
    for role in ROLE_TITLES:
        found[f"people.{role}.name"] = facts.get(f"people.{role}.name")
        found[f"people.{role}.email"] = facts.get(f"people.{role}.email")
    for person in load_roster(repo):
        found[f"roster name line {person.line}"] = person.name
        found[f"roster email line {person.line}"] = person.email
    found["internal site"] = INTERNAL_SITE.rstrip("/")
    found["internal site host"] = "policies.corp.acme.example"
    found["repository"] = INTERNAL_REPO
    for spec in FACT_SPECS:
        if spec.kind in ("person", "email") and spec.dotted != "people.security_contact":
            found[spec.dotted] = facts.get(spec.dotted)
    for doc in program.ordered_policies():
        body = re.sub(r"\*\*[\d.]+\*\*|[*_`#>|\[\]]|\{#[^}]*\}|\([^)]*\.md[^)]*\)", " ", program.render_body(doc))
        for number, sentence in enumerate(re.split(r"(?<=[.:;])\s+", " ".join(body.split()))):
            if len(sentence.split()) >= 8:
                found[f"{doc.id} sentence {number}"] = sentence
    return found


def test_nothing_internal_appears_anywhere_in_the_trust_site(repo: Path, program: Program,
                                                             files: dict[str, str]) -> None:
    internal = internal_facts(repo, program)
    assert len([k for k in internal if k.startswith("roster email")]) == 60
    assert sum(1 for k in internal if " sentence " in k) > 1000
    text = visible_text(files).lower()
    leaked = {what: value for what, value in internal.items() if " ".join(value.split()).lower() in text}
    assert leaked == {}


def test_the_leak_search_finds_an_internal_value_when_one_is_present(repo: Path, program: Program,
                                                                     files: dict[str, str]) -> None:
    internal = internal_facts(repo, program)
    sentence = next(v for k, v in internal.items() if k.startswith("POL-13 sentence"))
    tampered = {**files, "index.html": files["index.html"] + f"<p>{html.escape(sentence)}</p>"
                + f"<p>{internal['roster email line 7']}</p>"}
    text = visible_text(tampered).lower()
    leaked = {what for what, value in internal.items() if " ".join(value.split()).lower() in text}
    assert any(k.startswith("POL-13 sentence") for k in leaked) and "roster email line 7" in leaked


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>', "Acme & *Co* [x](javascript:y)", "{{ 7*7 }}"])
def test_hostile_facts_appear_as_text_on_the_trust_site(library: Library, hostile: str) -> None:
    from policyforge.program import program_from_library

    answers = {"company_name": hostile, "logging_siem": hostile, "doc_prefix": "ACME"}
    facts = facts_from_answers(resolve_answers(answers))
    program = program_from_library(facts, library, as_of=BUILT)
    built = trust_files(program, trust_settings(None, program.facts), BUILT)
    for name, text in built.items():
        if name.endswith(".html"):
            assert "<script" not in text and "javascript:" not in text.replace("javascript:y)", "")
            assert html.escape(hostile, quote=False) in text or html.escape(hostile) in text
    assert "49" not in built["index.html"].split("<main>")[1].split("</main>")[0].replace("2049", "")
