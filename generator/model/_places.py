"""Where things are and what they can do: regions, countries, residency areas and cloud services.

Facts name regions, a residency commitment and services; this module checks them against the
library's data (``catalog/regions.yaml`` and ``catalog/services.yaml``) so a company is never
told its backups stay in the United Kingdom while they sit in Belgium, and a policy never credits
a service with a protection it does not have.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._yaml import load_fast

PROVIDER_NAMES: dict[str, str] = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}
# Customer regions whose data-protection law makes a company established elsewhere name a local
# representative (GDPR and UK GDPR Article 27): region -> (the fact naming it, where it is, the article).
REPRESENTED_REGIONS: dict[str, tuple[str, str, str]] = {
    "eu": ("eu_representative", "the European Union", "GDPR Article 27"),
    "uk": ("uk_representative", "the United Kingdom", "UK GDPR Article 27"),
}


@dataclass(frozen=True)
class PlaceData:
    """The region and service catalogs of one library."""

    countries: dict[str, dict[str, Any]]
    areas: dict[str, dict[str, Any]]
    regions: dict[str, dict[str, str]]
    services: dict[str, dict[str, dict[str, Any]]]

    def country_code(self, text: str) -> str | None:
        """Return the ISO code of a country written by name or alias, or None."""
        wanted = text.strip().lower()
        for code, country in self.countries.items():
            names = [country["name"], code, *country.get("aliases", [])]
            if wanted in (name.lower() for name in names):
                return code
        return None

    def residency_countries(self, text: str) -> tuple[str, frozenset[str]] | None:
        """Return the canonical name and the countries of a residency commitment, or None."""
        wanted = text.strip().lower()
        for name, area in self.areas.items():
            if wanted in (n.lower() for n in (name, *area.get("aliases", []))):
                return name, frozenset(area["countries"])
        code = self.country_code(text)
        if code is not None:
            return self.countries[code]["name"], frozenset({code})
        return None

    def region_country(self, providers: Sequence[str], region: str) -> tuple[str, str] | None:
        """Return (provider, country code) of a region of one of the providers, or None."""
        for provider in providers:
            code = self.regions.get(provider, {}).get(region)
            if code is not None:
                return provider, code
        return None

    def regions_in(self, provider: str, countries: frozenset[str]) -> list[str]:
        """Return the provider's regions inside a set of countries, in catalog order."""
        return [region for region, code in self.regions.get(provider, {}).items() if code in countries]

    def jurisdiction(self, country_text: str) -> str:
        """Return eu, uk, us or other for a headquarters country written by name."""
        code = self.country_code(country_text)
        return str(self.countries[code]["jurisdiction"]) if code else "other"

    def service(self, kind: str, key: str) -> dict[str, Any] | None:
        """Return one service record (``compute``/``eks``), or None when unknown."""
        return self.services.get(kind, {}).get(key)

    def backup_by_name(self, name: str) -> dict[str, Any] | None:
        """Return the backup catalog entry whose name matches the company's backup tool."""
        return self.tool_by_name("backup", name)

    def tool_by_name(self, kind: str, name: str) -> dict[str, Any] | None:
        """Return the entry of a kind (``backup``, ``endpoint_management``) named as the company wrote it."""
        wanted = name.strip().lower()
        for record in self.services.get(kind, {}).values():
            if str(record["name"]).lower() == wanted:
                return record
        return None

    def choices(self, kind: str, providers: list[str]) -> list[str]:
        """Return the service keys of a kind that run on any of the providers."""
        return [key for key, record in self.services.get(kind, {}).items()
                if record["provider"] in (*providers, "any")]


def _read(path: Path) -> Any:
    return load_fast(path.read_text(encoding="utf-8"))


@functools.cache
def _load(root: Path) -> PlaceData:
    regions = _read(root / "catalog" / "regions.yaml")
    services = _read(root / "catalog" / "services.yaml")
    return PlaceData(regions["countries"], regions["areas"], regions["regions"], services)


def place_data(root: Path | None = None) -> PlaceData:
    """Return the region and service catalogs of the library in use (read once per process)."""
    if root is None:
        from ._library import library_root  # late: the library module imports the catalogs, which use this one

        root = library_root()
    return _load(root.resolve())


def residency_problems(data: PlaceData, providers: list[str], regions: list[str],
                       residency: str) -> list[tuple[str, str, str]]:
    """Check every region is known and inside the residency area; return (key, message, fix)."""
    found: list[tuple[str, str, str]] = []
    names = ", ".join(PROVIDER_NAMES[p] for p in providers)
    area = data.residency_countries(residency)
    for region in regions:
        located = data.region_country(providers, region)
        if located is None:
            sample = ", ".join(r for p in providers for r in list(data.regions.get(p, {}))[:3])
            found.append(("cloud_regions", f"{region!r} is not a region of {names}",
                          f"use the provider's region id, such as {sample}"))
            continue
        if area is None:
            continue
        provider, code = located
        area_name, countries = area
        if code not in countries:
            inside = data.regions_in(provider, countries)
            where = data.countries[code]["name"]
            if not inside:
                fix = (f"{PROVIDER_NAMES[provider]} has no region in {area_name}: change data_residency, "
                       "or use a provider with a region there")
            elif len(inside) == 1:
                fix = (f"{PROVIDER_NAMES[provider]} has one region in {area_name}: {inside[0]}; list only that "
                       "region (a second copy then stays in another zone of it), or widen data_residency")
            else:
                fix = f"use regions inside {area_name}, such as {', '.join(inside[:4])}"
            found.append(("cloud_regions", f"{region} is in {where}, outside the residency commitment "
                          f"({area_name})", fix))
    return found


def service_problems(data: PlaceData, providers: list[str], stack: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Check each chosen service runs on a listed provider and the backup tool fits; return (key, message, fix)."""
    found: list[tuple[str, str, str]] = []
    names = ", ".join(PROVIDER_NAMES[p] for p in providers)
    for kind in ("compute", "database", "object_storage", "secrets_manager", "iac_tool"):
        key = stack.get(kind)
        record = data.service(kind, key) if isinstance(key, str) else None
        if record is None or record["provider"] in (*providers, "any"):
            continue
        found.append((kind, f"{record['name']} runs on {PROVIDER_NAMES[record['provider']]}, which is not among "
                      f"the cloud providers ({names})", f"choose from {', '.join(data.choices(kind, providers))}"))
    backup = stack.get("backup_tool")
    record = data.backup_by_name(backup) if isinstance(backup, str) else None
    if record is not None and record["provider"] not in (*providers, "any"):
        options = [data.services["backup"][k]["name"] for k in data.choices("backup", providers)]
        found.append(("backup_tool", f"{record['name']} backs up {PROVIDER_NAMES[record['provider']]}, which is "
                      f"not among the cloud providers ({names})", f"use {' or '.join(options)}"))
    return found


def representative_regions(home: str, customer_regions: Iterable[str], pii: bool) -> tuple[str, ...]:
    """Return the regions (eu, uk) where the company must name a representative under Article 27.

    Only personal data brings the GDPR or UK GDPR in, and only a company established outside the
    region (``home`` is the headquarters' jurisdiction) needs a representative inside it.
    """
    if not pii:
        return ()
    customers = set(customer_regions)
    return tuple(region for region in REPRESENTED_REGIONS if region in customers and region != home)


def representative_problems(data: PlaceData, hq_country: str, facts_data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Refuse a blank representative where Article 27 requires one; return (key, message, fix)."""
    customers = facts_data.get("customer_regions")
    if not isinstance(customers, list):
        return []
    found: list[tuple[str, str, str]] = []
    for region in representative_regions(data.jurisdiction(hq_country), customers, facts_data.get("pii") is True):
        key, where, article = REPRESENTED_REGIONS[region]
        if not str(facts_data.get(key) or "").strip():
            found.append((key, f"is blank, yet the company is established outside {where} ({hq_country}) and its "
                          f"customers' users are there, so {article} requires a representative in it",
                          f"set {key} to the representative's name and postal address in {where}, "
                          f"or remove {region} from customer_regions"))
    return found
