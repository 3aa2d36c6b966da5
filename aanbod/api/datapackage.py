"""The catalogue as an HSDS 3.0 tabular data package: the official layout, CSV files and datapackage.json.

The layout is the official descriptor of HSDS 3.0 (`hsds-3.0-datapackage.json`, a copy of
datapackage.json of openreferral/specification at tag v3.0): every table it names, with its resource
name, file name, column order, types, constraints and foreign keys. Tables we have no data for are
written empty, so a reader of the official descriptor finds every file.

The rows are the API's own objects (serializers.py), flattened: each nested list becomes its table,
linked by the ids the objects already carry (service_id, location_id, link_id…). So the bulk files
and the API can never disagree.
"""

import copy
import csv
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation

from huisvanhetkind.lib.spreadsheets import cell, is_number_like

from . import selectors
from .serializers import full_service_dict, organization_dict, taxonomy_dict, term_dict
from .taxonomie import TAXONOMIES, all_terms

PACKAGE_VERSION = "3.0"
DESCRIPTOR = Path(__file__).with_name("hsds-3.0-datapackage.json")

# the key under which an object nests in the API's objects -> the official resource it belongs to
NESTED = {
    "organization": "organization",
    "location": "location",
    "service_at_locations": "service_at_location",
    "addresses": "address",
    "accessibility": "accessibility",
    "phones": "phone",
    "contacts": "contact",
    "schedules": "schedule",
    "languages": "language",
    "service_areas": "service_area",
    "cost_options": "cost_option",
    "attributes": "attribute",
    "taxonomy_detail": "taxonomy",
    "taxonomy_term": "taxonomy_term",
}


def official_descriptor() -> dict:
    return json.loads(DESCRIPTOR.read_text(encoding="utf-8"))


def _collect(obj: dict, resource: str, rows: dict[str, dict[str, dict]]) -> None:
    """Add `obj` to `resource` and every nested object to its own (deduplicated by id)."""
    scalars = {key: value for key, value in obj.items() if not isinstance(value, dict | list)}
    rows[resource].setdefault(obj["id"], scalars)
    for key, value in obj.items():
        if key not in NESTED:
            continue
        for child in value if isinstance(value, list) else [value]:
            _collect(child, NESTED[key], rows)


def _drop_dangling_links(rows: dict[str, dict[str, dict]], descriptor: dict) -> None:
    """Blank an optional link to a row the package does not hold.

    A place can belong to a partner without published aanbod, which is no organization here; the
    package must still pass its foreign keys. A required link is left alone: that would be a bug.
    """
    for resource in descriptor["resources"]:
        required = {
            field["name"]
            for field in resource["schema"]["fields"]
            if field.get("constraints", {}).get("required")
        }
        for key in resource["schema"].get("foreignKeys", []):
            field, target = key["fields"], key["reference"]["resource"]
            if field in required:
                continue
            for row in rows[resource["name"]].values():
                if row.get(field) and row[field] not in rows[target]:
                    row[field] = None


def build_tables(descriptor: dict | None = None) -> dict[str, list[dict]]:
    """The rows of every official table, by resource name (empty lists for tables we do not fill)."""
    descriptor = descriptor or official_descriptor()
    rows: dict[str, dict[str, dict]] = {resource["name"]: {} for resource in descriptor["resources"]}
    with translation.override(settings.LANGUAGE_CODE):
        for partner in selectors.organizations():
            _collect(organization_dict(partner), "organization", rows)
        for aanbod in selectors.with_details(selectors.services()):
            _collect(full_service_dict(aanbod), "service", rows)
        for taxonomy in TAXONOMIES.values():
            _collect(taxonomy_dict(taxonomy), "taxonomy", rows)
        for term in all_terms():
            _collect(term_dict(term), "taxonomy_term", rows)
    _drop_dangling_links(rows, descriptor)
    return {resource: list(by_id.values()) for resource, by_id in rows.items()}


def write_datapackage(directory: Path) -> dict[str, int]:
    """Write every official CSV file and our datapackage.json into `directory` (created if needed).

    Side effects: creates or overwrites those files. Returns the row count per resource.
    """
    directory.mkdir(parents=True, exist_ok=True)
    official = official_descriptor()
    tables = build_tables(official)
    for resource in official["resources"]:
        names = [field["name"] for field in resource["schema"]["fields"]]
        # Plain RFC 4180 comma CSV in UTF-8, as the HSDS tabular format prescribes — not the Belgian
        # Excel dialect (semicolons, BOM) of the portal's own spreadsheet exports.
        with (directory / resource["path"]).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore", lineterminator="\r\n")
            writer.writeheader()
            for row in tables[resource["name"]]:
                writer.writerow({key: _cell(value) for key, value in row.items()})
    (directory / "datapackage.json").write_text(
        json.dumps(package_descriptor(official), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return {resource["name"]: len(tables[resource["name"]]) for resource in official["resources"]}


def package_descriptor(official: dict) -> dict:
    """The official descriptor's resources, unchanged, under this catalogue's own package metadata."""
    from partners.models import Netwerk

    package = {
        "profile": "tabular-data-package",
        "name": "huisvanhetkind-hsds",
        "title": f"{Netwerk.load().naam}: aanbod (Open Referral HSDS {PACKAGE_VERSION})",
        "description": official["description"],
        "version": PACKAGE_VERSION,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "homepage": settings.SITE_URL + "/api/hsds/",
        "licenses": [
            {
                "name": "CC0-1.0",
                "title": "CC0 1.0",
                "path": "https://creativecommons.org/publicdomain/zero/1.0/",
            }
        ],
        "resources": copy.deepcopy(official["resources"]),
    }
    return package


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not is_number_like(value):
        value = cell(value)  # read by programs, but a person may open it in a spreadsheet too
    return "" if value is None else str(value)
