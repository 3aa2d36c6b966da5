"""The catalogue as an HSDS tabular data package: one CSV per HSDS table plus datapackage.json.

The rows are the API's own objects (serializers.py), flattened: each nested list becomes its table,
linked by the ids the objects already carry (service_id, location_id, link_id…). So the bulk files
and the API can never disagree.
"""

import csv
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from huisvanhetkind.lib.spreadsheets import cell, is_number_like

from . import selectors
from .openapi import SCHEMAS
from .serializers import HSDS_VERSION, full_service_dict, organization_dict, taxonomy_dict, term_dict
from .taxonomie import TAXONOMIES, all_terms

# table name -> (component schema describing its columns, the key under which it nests in the objects)
TABLES = {
    "organizations": ("Organization", "organization"),
    "services": ("Service", None),
    "locations": ("Location", "location"),
    "service_at_locations": ("ServiceAtLocation", "service_at_locations"),
    "addresses": ("Address", "addresses"),
    "accessibility": ("Accessibility", "accessibility"),
    "phones": ("Phone", "phones"),
    "schedules": ("Schedule", "schedules"),
    "languages": ("Language", "languages"),
    "service_areas": ("ServiceArea", "service_areas"),
    "cost_options": ("CostOption", "cost_options"),
    "attributes": ("Attribute", "attributes"),
    "taxonomies": ("Taxonomy", "taxonomy_detail"),
    "taxonomy_terms": ("TaxonomyTerm", "taxonomy_term"),
}
NESTED = {key: table for table, (_, key) in TABLES.items() if key}

FORMATS = {"date": "date"}


def columns(table: str) -> list[tuple[str, str]]:
    """(name, Frictionless type) of the scalar fields of a table, in the order of the API's schema."""
    properties = SCHEMAS[TABLES[table][0]]["properties"]
    result = []
    for name, spec in properties.items():
        kind = spec.get("type")
        if kind in {"string", "integer", "number", "boolean"}:
            result.append((name, FORMATS.get(spec.get("format"), kind)))
    return result


def _collect(obj: dict, table: str, rows: dict[str, dict[str, dict]]) -> None:
    """Add `obj` to `table` and every nested object to its own table (deduplicated by id)."""
    scalars = {key: value for key, value in obj.items() if not isinstance(value, dict | list)}
    rows[table].setdefault(obj["id"], scalars)
    for key, value in obj.items():
        if key not in NESTED:
            continue
        for child in value if isinstance(value, list) else [value]:
            _collect(child, NESTED[key], rows)


def build_tables() -> dict[str, list[dict]]:
    rows: dict[str, dict[str, dict]] = {table: {} for table in TABLES}
    with translation.override(settings.LANGUAGE_CODE):
        for partner in selectors.organizations():
            _collect(organization_dict(partner), "organizations", rows)
        for aanbod in selectors.with_details(selectors.services()):
            _collect(full_service_dict(aanbod), "services", rows)
        for taxonomy in TAXONOMIES.values():
            _collect(taxonomy_dict(taxonomy), "taxonomies", rows)
        for term in all_terms():
            _collect(term_dict(term), "taxonomy_terms", rows)
    return {table: list(by_id.values()) for table, by_id in rows.items()}


def write_datapackage(directory: Path) -> dict[str, int]:
    """Write the CSV files and datapackage.json into `directory` (created if needed).

    Side effects: creates or overwrites those files. Returns the row count per table.
    """
    directory.mkdir(parents=True, exist_ok=True)
    tables = build_tables()
    resources = []
    for table, rows in tables.items():
        fields = columns(table)
        with (directory / f"{table}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=[name for name, _ in fields], extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: _cell(value) for key, value in row.items()})
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": name, "type": kind} for name, kind in fields],
                    "primaryKey": "id",
                },
            }
        )
    from partners.models import Netwerk

    package = {
        "profile": "tabular-data-package",
        "name": "huisvanhetkind-hsds",
        "title": f"{Netwerk.load().naam}: aanbod (Open Referral HSDS {HSDS_VERSION})",
        "version": HSDS_VERSION,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "homepage": settings.SITE_URL + "/api/hsds/",
        "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0"}],
        "resources": resources,
    }
    (directory / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")
    return {table: len(rows) for table, rows in tables.items()}


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not is_number_like(value):
        value = cell(value)  # read by programs, but a person may open it in a spreadsheet too
    return "" if value is None else str(value)
