import csv
import io
import json

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def read(directory, table: str) -> list[dict]:
    with (directory / f"{table}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_a_tabular_datapackage(tmp_path, catalogue):
    call_command("export_hsds", str(tmp_path / "hsds"), stdout=io.StringIO())
    directory = tmp_path / "hsds"
    package = json.loads((directory / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    names = {resource["name"] for resource in package["resources"]}
    assert {"organizations", "services", "locations", "service_at_locations", "schedules"} <= names
    for resource in package["resources"]:
        header = (directory / resource["path"]).read_text(encoding="utf-8").splitlines()[0].split(",")
        assert header == [field["name"] for field in resource["schema"]["fields"]]

    services = read(directory, "services")
    assert sorted(row["name"] for row in services) == [
        "Babymassage",
        "Slapen zonder zorgen",
        "Spelotheek op woensdag",
    ]
    organizations = {row["id"] for row in read(directory, "organizations")}
    assert {row["organization_id"] for row in services} == organizations
    schedules = read(directory, "schedules")
    assert {row["service_id"] for row in schedules} <= {row["id"] for row in services}
    assert sorted(row["byday"] for row in schedules if row["freq"] == "WEEKLY") == ["SA", "WE"]
    locations = {row["id"] for row in read(directory, "locations")}
    assert {row["location_id"] for row in read(directory, "service_at_locations")} == locations
    assert {row["location_id"] for row in read(directory, "addresses")} == locations
    attributes = read(directory, "attributes")
    terms = {row["id"] for row in read(directory, "taxonomy_terms")}
    assert {row["taxonomy_term_id"] for row in attributes} <= terms


def test_export_has_nothing_unpublished_or_personal(tmp_path, catalogue):
    call_command("export_hsds", str(tmp_path), stdout=io.StringIO())
    text = " ".join(path.read_text(encoding="utf-8") for path in tmp_path.iterdir())
    for hidden in catalogue["hidden"]:
        assert hidden.titel not in text
    assert "Gestopte vzw" not in text
    assert "Geheime Ouder" not in text and "geheim@ouder.example" not in text


def test_export_text_never_starts_a_formula(tmp_path):
    from aanbod.api.datapackage import write_datapackage
    from tests import factories

    factories.AanbodFactory(titel="=HYPERLINK(1)", status="gepubliceerd")
    write_datapackage(tmp_path)
    names = {row["name"] for row in read(tmp_path, "services")}
    assert "'=HYPERLINK(1)" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
