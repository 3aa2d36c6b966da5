import csv
import io
import json

import pytest
from django.core.management import call_command
from frictionless import Package, Resource, system

from .hsds_official import OFFICIAL

pytestmark = pytest.mark.django_db


def read(directory, path: str) -> list[dict]:
    with (directory / path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def exported(tmp_path, catalogue):
    directory = tmp_path / "hsds"
    call_command("export_hsds", str(directory), stdout=io.StringIO())
    return directory


def _errors(report) -> list[str]:
    return [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors][:20]


def test_export_validates_against_the_official_descriptor(exported):
    """frictionless reads our files with the official HSDS 3.0 datapackage.json: 0 errors."""
    official = json.loads(OFFICIAL.datapackage_path.read_text())
    with system.use_context(trusted=True):
        report = Package(official, basepath=str(exported)).validate()
    assert _errors(report) == []
    assert report.valid
    assert len(report.tasks) == len(official["resources"]) == 21


def test_export_validates_against_its_own_descriptor(exported):
    with system.use_context(trusted=True):
        report = Package(str(exported / "datapackage.json")).validate()
    assert _errors(report) == []


def test_export_has_the_official_layout(exported):
    official = json.loads(OFFICIAL.datapackage_path.read_text())
    ours = json.loads((exported / "datapackage.json").read_text())
    assert ours["resources"] == official["resources"]
    for resource in official["resources"]:
        with (exported / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["name"]
    assert (exported / "service_at_location.csv").exists()
    assert not (exported / "service_at_locations.csv").exists()


def test_the_shipped_descriptor_is_the_official_one():
    from aanbod.api.datapackage import DESCRIPTOR

    assert DESCRIPTOR.read_bytes() == OFFICIAL.datapackage_path.read_bytes()


def test_export_rows_link_up(exported):
    services = read(exported, "services.csv")
    assert sorted(row["name"] for row in services) == [
        "Babymassage",
        "Slapen zonder zorgen",
        "Spelotheek op woensdag",
    ]
    organizations = {row["id"] for row in read(exported, "organizations.csv")}
    assert {row["organization_id"] for row in services} == organizations
    assert all(row["last_modified"] for row in services)
    schedules = read(exported, "schedules.csv")
    assert {row["service_id"] for row in schedules} <= {row["id"] for row in services}
    assert {row["byday"] for row in schedules if row["freq"] == "WEEKLY"} == {"SA", "WE"}
    for row in schedules:
        assert row["opens_at"][8:] in {"+01:00", "+02:00"} and row["timezone"] in {"1", "2"}
    locations = {row["id"] for row in read(exported, "locations.csv")}
    assert {row["location_id"] for row in read(exported, "service_at_location.csv")} == locations
    assert {row["location_id"] for row in read(exported, "addresses.csv")} == locations
    terms = {row["id"] for row in read(exported, "taxonomy_terms.csv")}
    assert {row["taxonomy_term_id"] for row in read(exported, "attributes.csv")} <= terms
    assert read(exported, "funding.csv") == [] and read(exported, "programs.csv") == []


def test_export_is_plain_comma_csv(exported):
    raw = (exported / "services.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.split(b"\r\n", 1)[0].startswith(b"id,organization_id,program_id,name,")


def test_export_has_nothing_unpublished_or_personal(exported, catalogue):
    text = " ".join(path.read_text(encoding="utf-8") for path in exported.iterdir())
    for hidden in catalogue["hidden"]:
        assert hidden.titel not in text
    assert "Gestopte vzw" not in text
    assert "Geheime Ouder" not in text and "geheim@ouder.example" not in text


def test_a_single_resource_reads_with_frictionless(exported):
    official = json.loads(OFFICIAL.datapackage_path.read_text())
    schedule = next(resource for resource in official["resources"] if resource["name"] == "schedule")
    schedule["schema"].pop("foreignKeys")  # checked with the whole package above
    with system.use_context(trusted=True):
        rows = Resource(schedule, basepath=str(exported)).read_rows()
    assert rows and all(row["opens_at"].tzinfo is not None for row in rows)


def test_export_text_never_starts_a_formula(tmp_path):
    from aanbod.api.datapackage import write_datapackage
    from tests import factories

    factories.AanbodFactory(titel="=HYPERLINK(1)", status="gepubliceerd")
    write_datapackage(tmp_path)
    names = {row["name"] for row in read(tmp_path, "services.csv")}
    assert "'=HYPERLINK(1)" in names
    assert not any(name.startswith(("=", "+", "-", "@")) for name in names)
