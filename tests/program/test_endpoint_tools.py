"""Laptop text claims of the company's MDM and endpoint tool only what each can do (issue #13, auditor read A28).

The stop-28 auditor read found POL-17 crediting Kandji, which manages Apple devices, with BitLocker and LUKS,
and naming the MDM as the tool that blocks USB storage. The catalog (``catalog/services.yaml``,
``endpoint_management`` and ``endpoint_protection``) now says which disk encryption each MDM enforces and which
tool's feature blocks removable storage; a tool it does not know is credited with no capability.
"""

from __future__ import annotations

import pytest
from policyforge.model import load_library
from policyforge.model._library import Library
from policyforge.program._lint import variant_program
from policyforge.program._program import Program
from policyforge.rules import library_view


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def _text(program: Program) -> str:
    pages = [program.render_body(program.policies[pid]) for pid in ("POL-04", "POL-17", "POL-21")]
    pages.append(library_view(program).statements["END-06"])
    return " ".join(" ".join(pages).split())


@pytest.mark.parametrize(("answers", "encryption", "blocker", "absent"), [
    ({}, "full-disk encryption (FileVault), with recovery keys escrowed in Kandji",
     "blocked on company laptops by Falcon Device Control", ("BitLocker", "LUKS", "Kandji blocks writing")),
    ({"mdm": "Jamf Pro", "endpoint_protection": "SentinelOne"}, "(FileVault), with recovery keys escrowed in Jamf Pro",
     "by SentinelOne Device Control", ("BitLocker", "LUKS", "Jamf Pro blocks writing")),
    ({"mdm": "Microsoft Intune", "endpoint_protection": "Microsoft Defender for Endpoint"},
     "(BitLocker on Windows, FileVault on macOS), with recovery keys escrowed in Microsoft Intune",
     "by the device control of Microsoft Defender for Endpoint", ("LUKS",)),
    # Tools the catalog does not know: the duty is stated, no feature of theirs is named.
    ({"mdm": "Hexnode", "endpoint_protection": "Acme Shield"},
     "(FileVault on a Mac, BitLocker on a Windows laptop), with recovery keys escrowed in Hexnode",
     "by the removable-storage setting of Acme Shield or Hexnode that the endpoint baseline records",
     ("LUKS", "Device Control", "Hexnode blocks writing")),
])
def test_the_laptop_text_names_what_the_chosen_tools_do(library: Library, answers: dict[str, str], encryption: str,
                                                         blocker: str, absent: tuple[str, ...]) -> None:
    text = _text(variant_program("example", library, answers))
    assert encryption in text
    assert text.count(blocker) == 3  # POL-04 4.4.3, POL-17 4.6.2 and END-06 name the same tool
    for word in absent:
        assert word not in text


def test_an_exposed_cloud_key_is_revoked_where_the_provider_keeps_it(library: Library) -> None:
    """AWS access keys belong to IAM users, not to IAM Identity Center, which issues short-lived credentials."""
    text = _text(variant_program("example", library))
    assert "revoking an exposed cloud key by deactivating and deleting the access key in AWS IAM" in text
    assert "revoking access keys in AWS IAM Identity Center" not in text


def test_password_hashing_settings_are_stated_once_in_the_encryption_policy(library: Library) -> None:
    program = variant_program("example", library)
    encryption = program.render_body(program.policies["POL-12"])
    authentication = " ".join(program.render_body(program.policies["POL-14"]).split())
    assert "Argon2id with at least 19 MiB of memory and 2 iterations" in encryption
    assert "work factor" not in authentication and "Argon2id" not in authentication
    assert "the Stored passwords row of section 4.1.1 of the" in authentication
