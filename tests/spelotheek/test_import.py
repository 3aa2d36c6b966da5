"""Import of an existing inventory from a spreadsheet: per-row errors, all or nothing, the same file again
updates, and the admin flow for coordinators."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from aanbod.spelotheek.importeren import CSV, SpeelgoedResource
from aanbod.spelotheek.models import Speelgoed
from huisvanhetkind.lib.scoping import scope
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "spelotheek;code;naam;beschrijving;categorie;leeftijd_van;leeftijd_tot;aantal_stukken"


def csv_bytes(*lines: str) -> bytes:
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def run(content: bytes, *, dry_run=False):
    dataset = CSV(encoding="utf-8-sig").create_dataset(content)
    return SpeelgoedResource().import_data(dataset, dry_run=dry_run, raise_errors=False)


def row_errors(result) -> dict[int, list[str]]:
    errors = {row.number: sorted(row.error_dict) for row in result.invalid_rows}
    for number, row_errors_ in result.row_errors():
        errors[number] = [str(e.error) for e in row_errors_]
    return errors


@pytest.fixture
def wip(db):
    return factories.PartnerFactory(naam="De Wip", slug="de-wip")


def test_import_creates_items_and_again_updates(wip):
    content = csv_bytes(
        HEADER,
        "de-wip;P-1;Boerderijpuzzel;Twaalf stukken.;puzzels;2;5;12",
        "de-wip;B-7;Blokken;;Bouwen;1;6;40",
    )
    result = run(content)
    assert row_errors(result) == {}
    assert sorted(Speelgoed.objects.values_list("code", "categorie", "aantal_stukken")) == [
        ("B-7", "bouwen", 40),
        ("P-1", "puzzels", 12),
    ]
    run(csv_bytes(HEADER, "de-wip;P-1;Boerderijpuzzel;Twaalf stukken.;puzzels;2;5;11"))
    assert Speelgoed.objects.count() == 2
    assert Speelgoed.objects.get(code="P-1").aantal_stukken == 11


def test_import_reports_errors_per_row_and_writes_nothing(wip):
    content = csv_bytes(
        HEADER,
        "de-wip;P-1;Boerderijpuzzel;;puzzels;2;5;12",
        "onbekend;P-2;Trein;;bouwen;2;5;3",
        "de-wip;P-3;Raket;;ruimtevaart;2;5;3",
        "de-wip;P-4;Ballen;;bewegen;6;2;3",
        "de-wip;P-1;Dubbel;;puzzels;2;5;3",
        "de-wip;P-5;Leeg;;puzzels;2;5;0",
    )
    result = run(content)
    errors = row_errors(result)
    assert sorted(errors) == [2, 3, 4, 5, 6]
    assert Speelgoed.objects.count() == 0


def test_admin_import_preview_then_confirm(client, coordinator, wip):
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    assert client.get(reverse("admin:spelotheek_speelgoedimport_changelist")).status_code == 302
    assert client.get(reverse("admin:spelotheek_speelgoedimport_import")).status_code == 200
    upload = io.BytesIO(csv_bytes(HEADER, "de-wip;P-1;Boerderijpuzzel;;puzzels;2;5;12"))
    upload.name = "inventaris.csv"
    preview = client.post(
        reverse("admin:spelotheek_speelgoedimport_import"),
        {"resource": 0, "format": 0, "import_file": upload},
    )
    assert preview.status_code == 200
    assert Speelgoed.objects.count() == 0
    response = client.post(
        reverse("admin:spelotheek_speelgoedimport_process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    assert Speelgoed.objects.get().naam == "Boerderijpuzzel"


def test_admin_pages_for_coordinator(client, coordinator, speelgoed, lid):
    from aanbod.spelotheek import services

    services.uitlening_create(speelgoed=speelgoed, lid=lid)
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    # An empty scope around the requests: the admin itself must say "all scopes".
    with scope(partner=[]):
        for name in ("speelgoed", "lid", "uitlening", "reservatie", "uitleentelling", "spelotheekregels"):
            response = client.get(reverse(f"admin:spelotheek_{name}_changelist"))
            assert response.status_code == 200, name
        assert "Houten boerderijpuzzel" in client.get(reverse("admin:spelotheek_speelgoed_changelist")).text
        assert (
            client.get(reverse("admin:spelotheek_speelgoed_change", args=[speelgoed.pk])).status_code == 200
        )
        assert client.get(reverse("admin:spelotheek_lid_change", args=[lid.pk])).status_code == 200
        assert client.get(reverse("admin:spelotheek_speelgoedimport_import")).status_code == 200


def test_admin_refuses_partner_staff(client, bob):
    client.force_login(bob)
    response = client.get(reverse("admin:spelotheek_speelgoedimport_import"))
    assert response.status_code == 302
