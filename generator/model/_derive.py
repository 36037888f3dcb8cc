"""Default answers derived from the answers already given, the same for cookiecutter and ``policyforge new``.

``cookiecutter.json`` writes each derived default as a Jinja expression over earlier answers
(``{{ cookiecutter.ceo_name | email_for(cookiecutter.email_domain) }}``); these are the filters
those expressions use. Cookiecutter gets them through ``local_extensions.FactDerivations`` and the
engine through ``_answers.resolve_answers``, so both derive the same legal name, addresses,
status page and tools from a company's own answers, never from the example company's.

This module imports nothing from the engine but the schema (``_facts_schema``, itself standard library
only): the template's Jinja extension loads it by path when only cookiecutter is installed, and it then
loads the schema beside it by path too, so the headcount bands are read from the schema's one table.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

# Tools named after the cloud a company uses first (its primary provider).
BACKUP_TOOLS = {"aws": "AWS Backup", "gcp": "Backup and DR Service", "azure": "Azure Backup"}
PRIMARY_REGIONS = {"aws": "us-east-1, us-west-2", "gcp": "us-central1, us-east4", "azure": "eastus, westus2"}
# CI/CD that comes with a source control platform.
CI_FOR_SOURCE_CONTROL = {
    "github": "GitHub Actions",
    "gitlab": "GitLab CI/CD",
    "bitbucket": "Bitbucket Pipelines",
    "azure devops": "Azure Pipelines",
}


def _slug(text: str, separator: str) -> str:
    from slugify import slugify  # python-slugify, a dependency of cookiecutter itself

    result: str = slugify(text, separator=separator)
    return result


def domain_of(url: Any) -> str:
    """Return the host of a website address without ``www.``: ``https://www.beta.io/x`` gives ``beta.io``."""
    text = str(url).strip()
    host = (urlsplit(text if "://" in text else f"https://{text}").hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def email_for(name: Any, domain: Any) -> str:
    """Return ``first.last@domain`` for a person's name (accents folded: Tomás gives tomas)."""
    local = _slug(str(name), ".")[:64].strip(".") or "security"  # 64: the longest local part mail allows
    return f"{local}@{domain}"


def primary_provider(providers: Any) -> str:
    """Return the first of a comma-separated list of cloud providers, lower-cased."""
    items = providers if isinstance(providers, list) else str(providers).split(",")
    first = next((str(item).strip().lower() for item in items if str(item).strip()), "")
    return first


def backup_tool_for(providers: Any) -> str:
    """Return the backup service of the primary cloud provider."""
    return BACKUP_TOOLS.get(primary_provider(providers), "AWS Backup")


def regions_for(providers: Any) -> str:
    """Return two production regions of the primary cloud provider, primary first."""
    return PRIMARY_REGIONS.get(primary_provider(providers), PRIMARY_REGIONS["aws"])


def ci_for(source_control: Any) -> str:
    """Return the CI/CD system that comes with a source control platform."""
    text = str(source_control).strip()
    return CI_FOR_SOURCE_CONTROL.get(text.lower(), f"{text} pipelines" if text else "GitHub Actions")


@functools.cache
def _schema() -> ModuleType:
    """Return the facts schema: imported within the engine, else loaded by path from beside this file."""
    if __package__:
        from . import _facts_schema

        return _facts_schema
    name = "policyforge_template_facts_schema"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("_facts_schema.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the schema is executed
        spec.loader.exec_module(module)
    return sys.modules[name]


def engineers_for(band: Any) -> str:
    """Return the usual engineering headcount of a headcount band, from the schema's band table."""
    bands = _schema().BANDS
    held = bands.get(str(band).strip(), bands[next(reversed(bands))])
    return str(held.engineers)


def mail_platform_for(identity_provider: Any, providers: Any) -> str:
    """Return the mail platform a company most likely uses: Microsoft 365 with Entra ID or Azure, else Google."""
    identity = str(identity_provider or "").lower()
    if "microsoft" in identity or "entra" in identity or primary_provider(providers) == "azure":
        return "Microsoft 365"
    return "Google Workspace"


def short_name(company: Any) -> str:
    """Return the first word of a company's slug, for a placeholder website (``acme`` for Acme Cloud)."""
    return _slug(str(company), "-").split("-")[0][:30] or "company"


def source_date() -> dt.date:
    """Return today, or the day SOURCE_DATE_EPOCH names when it is set (reproducible builds and repositories)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def today(_: object = None) -> str:
    """Return ``source_date()`` as YYYY-MM-DD: the day a new company's policies take effect by default."""
    return source_date().isoformat()


def month_after(day: str) -> str:
    """Return the first day of the month after a YYYY-MM-DD day: the default start of the observation window."""
    return first_of_next_month(dt.date.fromisoformat(day))


def first_of_next_month(today: dt.date | None = None) -> str:
    """Return the first day of next month, the earliest sensible start of an observation window."""
    day = today or dt.date.today()
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1).isoformat()


FILTERS: dict[str, Callable[..., str]] = {
    "domain_of": domain_of,
    "email_for": email_for,
    "backup_tool_for": backup_tool_for,
    "regions_for": regions_for,
    "ci_for": ci_for,
    "short_name": short_name,
    "engineers_for": engineers_for,
    "mail_platform_for": mail_platform_for,
    "today": today,
    "month_after": month_after,
}
