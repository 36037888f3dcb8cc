"""OSCAL and Word exports: valid documents, the right counts and text, and byte-identical re-runs."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import BIN, run

OSCAL_FILES = ("catalog.json", "profile.json", "component-definition.json", "system-security-plan.json")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
HOSTILE = '<b>Evil</b> & *Co* | [x](y) {{ 7 }}'

# Run by the python of a venv holding compliance-trestle, with the export folder as working
# directory so the documents' relative hrefs (profile.json, catalog.json) resolve as they would for a user.
TRESTLE_CHECK = """
import json, pathlib, sys
import trestle.core.validator_factory as vfact  # registers the validators before AllValidator is used
from trestle.core.all_validator import AllValidator
from trestle.core.profile_resolver import ProfileResolver
from trestle.core.catalog.catalog_interface import CatalogInterface
from trestle.oscal.catalog import Catalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.profile import Profile
from trestle.oscal.ssp import SystemSecurityPlan

root = pathlib.Path(sys.argv[1])
report = {}
for name, model_class in (("catalog.json", Catalog), ("profile.json", Profile),
                          ("component-definition.json", ComponentDefinition),
                          ("system-security-plan.json", SystemSecurityPlan)):
    model = model_class.oscal_read(pathlib.Path(name))
    validator = AllValidator()
    valid = validator.model_is_valid(model, False, root)
    report[name] = "valid" if valid else validator.error_msg()
resolved = ProfileResolver.get_resolved_profile_catalog(root, "profile.json")
report["resolved"] = sorted(CatalogInterface(resolved).get_control_ids())
print(json.dumps(report))
"""


POLICYFORGE = str(Path(sys.executable).parent / "policyforge")


def export(kind: str, repo: Path, out: Path) -> str:
    """Run an export as a user would and return what it printed."""
    return run([POLICYFORGE, "export", kind, "--repo", str(repo), "--out", str(out)]).stdout


def load(folder: Path) -> dict[str, Any]:
    return {name: json.loads((folder / name).read_text(encoding="utf-8")) for name in OSCAL_FILES}


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Yield every (key, value) pair in a JSON document, at any depth."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def catalog_ids(catalog: dict[str, Any]) -> list[str]:
    return [value["id"] for key, value in walk(catalog) if key == "controls" for value in value]


@pytest.fixture(scope="module")
def oscal_dir(example_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("oscal")
    printed = export("oscal", example_repo, out)
    assert "61 criteria in scope" in printed
    return out


@pytest.fixture(scope="module")
def docx_dir(example_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx")
    assert "29 policies" in export("docx", example_repo, out)
    return out


@pytest.fixture(scope="session")
def trestle_python() -> str:
    """The python of a venv holding compliance-trestle (it pins its own dependencies, so it lives apart)."""
    python = os.environ.get("POLICYFORGE_TRESTLE")
    if not python:
        pytest.skip("POLICYFORGE_TRESTLE is not set: point it at the python of a venv with compliance-trestle "
                    "(python3 -m venv .venv-trestle && .venv-trestle/bin/pip install compliance-trestle)")
    return python


@pytest.fixture(scope="module")
def security_only_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("security-only")
    run([str(BIN / "policyforge"), "new", "--no-input", "-o", str(out), "company_name=Beta Labs",
         "company_slug=beta-labs", "scope_availability=no", "scope_confidentiality=no",
         "scope_processing_integrity=no", "scope_privacy=no"])
    return out / "beta-labs"


# ---------------------------------------------------------------------------------------------- OSCAL


@pytest.mark.slow
def test_catalog_holds_the_61_criteria_grouped_by_category_then_series(oscal_dir: Path) -> None:
    catalog = load(oscal_dir)["catalog.json"]["catalog"]
    ids = catalog_ids(catalog)
    assert len(ids) == 61 and len(set(ids)) == 61
    assert [g["title"] for g in catalog["groups"]] == [
        "Security", "Availability", "Confidentiality", "Processing Integrity", "Privacy"]
    security = catalog["groups"][0]
    assert [g["id"] for g in security["groups"]] == [f"cc{n}" for n in range(1, 10)]
    assert sum(len(g["controls"]) for g in security["groups"]) == 33
    cc61 = next(c for g in security["groups"] for c in g["controls"] if c["id"] == "cc6.1")
    assert {"name": "label", "value": "CC6.1"} in cc61["props"]
    assert cc61["parts"][0]["name"] == "statement" and cc61["parts"][0]["prose"]
    assert catalog["metadata"]["oscal-version"] == "1.2.1"


@pytest.mark.slow
def test_profile_selects_every_criterion_when_all_five_categories_are_in_scope(oscal_dir: Path) -> None:
    documents = load(oscal_dir)
    profile = documents["profile.json"]["profile"]
    (imported,) = profile["imports"]
    assert imported["href"] == "catalog.json"
    selected = imported["include-controls"][0]["with-ids"]
    assert len(selected) == 61
    assert set(selected) == set(catalog_ids(documents["catalog.json"]["catalog"]))


@pytest.mark.slow
def test_profile_of_a_security_only_company_selects_the_33_common_criteria(security_only_repo: Path,
                                                                           tmp_path: Path) -> None:
    export("oscal", security_only_repo, tmp_path)
    documents = load(tmp_path)
    selected = documents["profile.json"]["profile"]["imports"][0]["include-controls"][0]["with-ids"]
    assert len(selected) == 33 and all(cid.startswith("cc") for cid in selected)
    ssp = documents["system-security-plan.json"]["system-security-plan"]
    assert len(ssp["control-implementation"]["implemented-requirements"]) == 33
    assert len(catalog_ids(documents["catalog.json"]["catalog"])) == 61


@pytest.mark.slow
def test_component_definition_says_which_controls_meet_each_criterion(oscal_dir: Path, example_repo: Path) -> None:
    component_definition = load(oscal_dir)["component-definition.json"]["component-definition"]
    (component,) = component_definition["components"]
    assert component["title"] == "Acme Cloud Platform"
    (implementation,) = component["control-implementations"]
    assert implementation["source"] == "profile.json"
    requirements = {r["control-id"]: r for r in implementation["implemented-requirements"]}
    assert len(requirements) == 61
    cc62 = requirements["cc6.2"]
    controls = [p["value"] for p in cc62["props"] if p["name"] == "control-id"]
    # ACC-02 (access requests approved by the owner) is one of the Security Officer's CC6.2 controls.
    assert "ACC-02" in controls
    assert "**ACC-02** (Security Officer" in cc62["description"]
    roles = {r["role-id"] for r in cc62["responsible-roles"]}
    assert "security-officer" in roles
    policy_ids = {r["props"][1]["value"] for r in component_definition["back-matter"]["resources"]}
    assert len(policy_ids) == 29 and "POL-13" in policy_ids


@pytest.mark.slow
def test_ssp_skeleton_is_filled_from_the_company_facts(oscal_dir: Path) -> None:
    ssp = load(oscal_dir)["system-security-plan.json"]["system-security-plan"]
    characteristics = ssp["system-characteristics"]
    assert characteristics["system-name"] == "Acme Cloud Platform"
    assert "Amazon Web Services (AWS)" in characteristics["description"]
    info_types = [t["title"] for t in characteristics["system-information"]["information-types"]]
    assert info_types == ["Personal data", "Customer confidential data", "Security and operational records"]
    parties = {p["uuid"]: p for p in ssp["metadata"]["parties"]}
    officer = next(r for r in characteristics["responsible-parties"] if r["role-id"] == "security-officer")
    assert parties[officer["party-uuids"][0]]["name"] == "Priya Natarajan"
    # The CEO is also the policy approver: one party holding both roles.
    assert sum(1 for p in parties.values() if p["name"] == "Dana Whitfield") == 1
    (leveraged,) = ssp["system-implementation"]["leveraged-authorizations"]
    assert leveraged["title"] == "AWS SOC 2 Type II report (AWS Artifact)"
    assert parties[leveraged["party-uuid"]]["name"] == "Amazon Web Services (AWS)"
    requirements = ssp["control-implementation"]["implemented-requirements"]
    assert len(requirements) == 61
    assert {r["by-components"][0]["implementation-status"]["state"] for r in requirements} == {"implemented"}
    assert ssp["import-profile"]["href"] == "profile.json"
    assert ssp["metadata"]["last-modified"] == "2026-12-01T00:00:00Z"


@pytest.mark.slow
def test_every_reference_inside_the_oscal_documents_resolves(oscal_dir: Path) -> None:
    for name, document in load(oscal_dir).items():
        pairs = list(walk(document))
        uuids = [value for key, value in pairs if key == "uuid"]
        assert len(uuids) == len(set(uuids)), f"{name}: a uuid is used twice"
        assert all(UUID.match(u) for u in uuids), name
        (root,) = document.values()
        roles = {r["id"] for r in root["metadata"].get("roles", [])}
        parties = {p["uuid"] for p in root["metadata"].get("parties", [])}
        assert {v for k, v in pairs if k == "role-id"} <= roles, name
        assert {u for k, v in pairs if k == "party-uuids" for u in v} <= parties, name
        assert {v for k, v in pairs if k == "party-uuid"} <= parties, name
        resources = {r["uuid"] for r in root.get("back-matter", {}).get("resources", [])}
        assert {v[1:] for k, v in pairs if k == "href" and v.startswith("#")} <= resources, name
        components = {c["uuid"] for c in root.get("system-implementation", {}).get("components", [])}
        assert {v for k, v in pairs if k == "component-uuid"} <= components, name
        assert root["metadata"]["last-modified"] == "2026-12-01T00:00:00Z"


@pytest.mark.slow
def test_oscal_documents_validate_under_compliance_trestle(trestle_python: str, oscal_dir: Path,
                                                          tmp_path: Path) -> None:
    python = trestle_python
    run([python, "-m", "trestle", "init"], cwd=tmp_path)
    result = run([python, "-c", TRESTLE_CHECK, str(tmp_path)], cwd=oscal_dir)
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert {name: report[name] for name in OSCAL_FILES} == dict.fromkeys(OSCAL_FILES, "valid")
    assert len(report["resolved"]) == 61


@pytest.mark.slow
def test_trestle_rejects_a_profile_naming_a_criterion_the_catalog_lacks(trestle_python: str, oscal_dir: Path,
                                                                        tmp_path: Path) -> None:
    python = trestle_python
    broken = tmp_path / "oscal"
    shutil.copytree(oscal_dir, broken)
    profile = json.loads((broken / "profile.json").read_text(encoding="utf-8"))
    profile["profile"]["imports"][0]["include-controls"][0]["with-ids"].append("cc99.9")
    (broken / "profile.json").write_text(json.dumps(profile), encoding="utf-8")
    run([python, "-m", "trestle", "init"], cwd=tmp_path)
    result = run([python, "-c", TRESTLE_CHECK, str(tmp_path)], cwd=broken, check=False)
    assert result.returncode != 0 and "cc99.9" in result.stderr


# ---------------------------------------------------------------------------------------------- Word


def docx_text(path: Path) -> tuple[Any, str]:
    import docx

    document = docx.Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return document, "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.slow
def test_docx_of_pol_13_holds_its_title_metadata_statements_and_history(docx_dir: Path) -> None:
    path = docx_dir / "ACME-POL-13-access-control-v1.0.docx"
    document, text = docx_text(path)
    assert document.paragraphs[0].style.name == "Title" and document.paragraphs[0].text == "Access Control Policy"
    metadata = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert metadata["Owner"] == "Security Officer (Priya Natarajan)"
    assert metadata["Approver"] == "Chief Executive Officer (Dana Whitfield)"
    assert metadata["Document"] == "ACME-POL-13, version 1.0"
    assert metadata["Criteria"] == "CC2.1, CC5.1, CC6.1, CC6.2, CC6.3, CC6.7"
    statement = next(p for p in document.paragraphs if p.text.startswith("4.1.1 Access is granted by role."))
    assert statement.runs[0].text == "4.1.1" and statement.runs[0].bold
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:2] == ["1. Purpose", "2. Scope"]
    history = document.tables[-1]
    assert [c.text for c in history.rows[0].cells][:5] == ["Version", "Date", "Author", "Approver", "Summary"]
    assert [c.text for c in history.rows[1].cells][:5] == [
        "1.0", "2026-12-01", "Priya Natarajan", "Dana Whitfield", "Initial adoption of the policy"]
    properties = document.core_properties
    assert (properties.title, properties.author, properties.version) == ("Access Control Policy",
                                                                         "Priya Natarajan", "1.0")
    assert properties.created == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.mark.slow
def test_docx_links_other_policies_to_their_word_files(docx_dir: Path) -> None:
    import docx

    document = docx.Document(str(docx_dir / "ACME-POL-13-access-control-v1.0.docx"))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert "ACME-POL-09-asset-management-v1.0.docx" in targets
    assert all((docx_dir / target).is_file() for target in targets if target.endswith(".docx"))


@pytest.mark.slow
def test_each_numbered_procedure_in_the_docx_starts_again_at_one(docx_dir: Path) -> None:
    import docx

    document = docx.Document(str(docx_dir / "ACME-POL-13-access-control-v1.0.docx"))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    lists = list(dict.fromkeys(p._p.pPr.numPr.numId.val for p in numbered))
    assert len(lists) == 3  # procedures 5.1, 5.2 and 5.3
    numbering = document.part.numbering_part.element
    for num_id in lists:
        (start,) = numbering.xpath(f"./w:num[@w:numId='{num_id}']/w:lvlOverride/w:startOverride/@w:val")
        assert start == "1"


@pytest.mark.slow
def test_docx_zip_entries_carry_the_policy_date_not_the_time_of_the_run(docx_dir: Path) -> None:
    data = (docx_dir / "ACME-POL-13-access-control-v1.0.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 12, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in archive.namelist()


@pytest.mark.slow
def test_exports_run_twice_are_byte_identical(example_repo: Path, oscal_dir: Path, docx_dir: Path,
                                              tmp_path: Path) -> None:
    export("oscal", example_repo, tmp_path / "oscal")
    export("docx", example_repo, tmp_path / "docx")
    for first, second in ((oscal_dir, tmp_path / "oscal"), (docx_dir, tmp_path / "docx")):
        names = sorted(p.name for p in first.iterdir())
        assert names == sorted(p.name for p in second.iterdir())
        for name in names:
            assert (first / name).read_bytes() == (second / name).read_bytes(), name


# ---------------------------------------------------------------------------------------------- facts as data


@pytest.fixture(scope="module")
def hostile_program() -> Any:
    from policyforge.model import facts_from_answers, resolve_answers, template_root
    from policyforge.program import program_from_library

    overrides = {"company_name": HOSTILE, "company_legal_name": f"{HOSTILE}, Inc.", "product_name": f"{HOSTILE} One"}
    facts = facts_from_answers(resolve_answers(overrides, template_root()), where="answers")
    return program_from_library(facts, as_of=dt.date(2026, 12, 1))


def test_company_values_land_in_word_exactly_as_typed(hostile_program: Any, tmp_path: Path) -> None:
    from policyforge.exports import policy_docx

    path = tmp_path / "pol-13.docx"
    path.write_bytes(policy_docx(hostile_program, hostile_program.policies["POL-13"]))
    _, text = docx_text(path)
    assert f"access to {HOSTILE} systems" in text


def test_company_values_land_in_oscal_as_data(hostile_program: Any) -> None:
    from policyforge.exports import oscal_documents
    from policyforge.render import markdown_text

    documents = oscal_documents(hostile_program, "draft")
    ssp = documents["system-security-plan.json"]["system-security-plan"]
    assert ssp["system-characteristics"]["system-name"] == f"{HOSTILE} One"
    assert ssp["metadata"]["parties"][0]["name"] == f"{HOSTILE}, Inc."
    (component,) = documents["component-definition.json"]["component-definition"]["components"]
    assert component["title"] == markdown_text(f"{HOSTILE} One")
    assert "<b>" not in json.dumps(component["title"])


def test_export_outside_a_company_repository_names_the_fix(tmp_path: Path) -> None:
    for kind in ("oscal", "docx"):
        result = run([POLICYFORGE, "export", kind, "--repo", str(tmp_path)], check=False)
        assert result.returncode == 2
        assert "no company.yml here — run inside a company repository or pass --repo" in result.stderr
        assert "Traceback" not in result.stderr
