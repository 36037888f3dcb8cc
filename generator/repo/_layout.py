"""Where everything lives in a company repository: one layout, paths relative to the repository's root.

Every module that reads or writes a company repository takes its paths from ``LAYOUT`` (or the names
below, which are its fields), so moving a folder is one edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RepoLayout:
    """The files and folders of a company repository, relative to its root (POSIX separators)."""

    company: str = "company.yml"
    policies: str = "policies"
    retired: str = "policies/retired"
    readiness: str = "readiness.yml"
    codeowners: str = ".github/CODEOWNERS"
    requirements: str = "requirements.txt"
    engine_requirements: str = "requirements-engine.txt"
    vendor: str = "vendor"
    state: str = ".policyforge"
    out: str = "out"

    @property
    def base(self) -> str:
        """Return the folder of pristine library copies, the merge base of ``policyforge update``."""
        return f"{self.state}/base"

    @property
    def pending(self) -> str:
        """Return the folder of pristine copies waiting for their conflicts to be resolved."""
        return f"{self.state}/pending"

    @property
    def kit_base(self) -> str:
        """Return the folder of the kit files (workflows, pre-commit) as generated, their merge base."""
        return f"{self.state}/kit"

    @property
    def kit_pending(self) -> str:
        """Return the folder of new kit files waiting for their conflicts to be resolved."""
        return f"{self.pending}/kit"

    @property
    def source(self) -> str:
        """Return the record of the library version and scope the policies came from."""
        return f"{self.state}/source.yml"

    @property
    def pdf(self) -> str:
        """Return the folder the PDFs are written to (and linked from the site)."""
        return f"{self.out}/pdf"

    def output(self, repo: Path, name: str) -> Path:
        """Return the default place of an output named ``name`` (``out/<name>``) in ``repo``."""
        return repo / self.out / name


LAYOUT = RepoLayout()

COMPANY_FILE = LAYOUT.company
POLICIES_DIR = LAYOUT.policies
RETIRED_DIR = LAYOUT.retired
READINESS_FILE = LAYOUT.readiness
CODEOWNERS_FILE = LAYOUT.codeowners
REQUIREMENTS_FILE = LAYOUT.requirements
ENGINE_FILE = LAYOUT.engine_requirements
VENDOR_DIR = LAYOUT.vendor
STATE_DIR = LAYOUT.state
BASE_DIR = LAYOUT.base
PENDING_DIR = LAYOUT.pending
KIT_BASE_DIR = LAYOUT.kit_base
KIT_PENDING_DIR = LAYOUT.kit_pending
SOURCE_FILE = LAYOUT.source
PDF_DIR = LAYOUT.pdf
