"""The reference data that migrations load into every database: the gemeenten of Flanders and Brussels
since the mergers of 1 January 2025 with their postcodes, the Themas, the Talen and the coordinators'
group with exactly its permissions."""

import pytest
from django.contrib.auth.models import Group

from aanbod.models import Taal, Thema
from partners.models import COORDINATOR_GROUP, Gemeente

pytestmark = pytest.mark.django_db


def postcodes(nis: str) -> set[str]:
    return set(Gemeente.objects.get(nis=nis).postcodes.values_list("code", flat=True))


def test_every_gemeente_of_flanders_and_brussels():
    assert Gemeente.objects.filter(gewest=Gemeente.Gewest.VLAAMS).count() == 285
    assert Gemeente.objects.filter(gewest=Gemeente.Gewest.BRUSSELS).count() == 19
    assert Gemeente.objects.count() == 304


def test_flemish_provinces():
    provincies = set(Gemeente.objects.filter(gewest="vlaams").values_list("provincie", flat=True))
    assert provincies == {"Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"}


@pytest.mark.parametrize(
    "nis,naam,codes",
    [
        ("44086", "Nazareth-De Pinte", {"9810", "9840"}),
        ("44088", "Merelbeke-Melle", {"9090", "9820"}),
        ("46030", "Beveren-Kruibeke-Zwijndrecht", {"2070", "9120", "9130", "9150"}),
        ("23106", "Pajottegem", {"1540", "1541", "1570", "1755"}),
        ("37022", "Tielt", {"8700", "8760"}),
    ],
)
def test_merged_gemeenten_have_all_their_postcodes(nis, naam, codes):
    assert Gemeente.objects.get(nis=nis).naam == naam
    assert postcodes(nis) == codes


def test_hasselt_absorbed_kortessem():
    assert Gemeente.objects.get(nis="71072").naam == "Hasselt"
    assert "3720" in postcodes("71072")


@pytest.mark.parametrize("naam", ["Meulebeke", "Melle", "De Pinte", "Kortessem", "Borsbeek", "Nazareth"])
def test_merged_away_names_are_gone(naam):
    assert not Gemeente.objects.filter(naam=naam).exists()


def test_postcode_1804_belongs_to_vilvoorde_and_zemst():
    namen = set(Gemeente.objects.voor_postcode("1804").values_list("naam", flat=True))
    assert namen == {"Vilvoorde", "Zemst"}


def test_gemeente_ids_are_well_formed():
    assert Gemeente.objects.get(nis="44021").naam == "Gent"
    assert Gemeente.objects.get(nis="21004").naam_fr == "Bruxelles"
    assert not Gemeente.objects.filter(postcodes__isnull=True).exists()


def test_themas_and_talen_loaded():
    assert Thema.objects.count() >= 20
    assert {"slapen", "eten-en-drinken", "gedrag-en-grenzen"} <= set(
        Thema.objects.values_list("slug", flat=True)
    )
    slapen = Thema.objects.get(slug="slapen")
    assert (slapen.naam, slapen.naam_en, slapen.naam_fr) == ("Slapen", "Sleep", "Sommeil")
    assert {"nl", "fr", "en", "ar", "tr", "vgt"} <= set(Taal.objects.values_list("code", flat=True))


ALL = {"add", "change", "delete", "view"}
EXPECTED_PERMISSIONS = {
    "partners": {
        "gemeente": {"view", "change"},
        "postcode": {"view"},
        "netwerk": {"view", "change"},
        "user": {"add", "change", "view"},
        "partner": ALL,
        "lidmaatschap": ALL,
        "gemeentetoegang": ALL,
        "uitnodiging": ALL,
    },
    "aanbod": {
        "taal": ALL,
        "thema": ALL,
        "aanbod": ALL,
        "locatie": ALL,
        "openingsuur": ALL,
        "activiteit": ALL,
        "inschrijving": ALL,
        "reeks": ALL,
        "aanwezigheid": {"add", "change", "view"},
    },
    "vragen": {
        "vraag": ALL,
        "gesprek": {"view", "change", "delete"},
        "bericht": {"add", "view", "change"},
        "signaal": ALL,
    },
    "uitwisseling": {
        "uitpublicatie": ALL,
        "uitevent": {"view", "change"},
        "uitoutbox": {"view", "change"},
        "uitorganisator": ALL,
        "uitplaats": ALL,
    },
    "spelotheek": {
        "speelgoed": ALL,
        "lid": ALL,
        "lidbetaling": {"view"},
        "uitlening": {"view", "change"},
        "reservatie": {"view", "change", "delete"},
        "uitleentelling": {"view"},
        "spelotheekregels": ALL,
    },
}


def test_coordinator_group_has_exactly_the_expected_permissions():
    group = Group.objects.get(name=COORDINATOR_GROUP)
    actual = {
        (p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")
    }
    expected = {
        (app, f"{action}_{model}")
        for app, models in EXPECTED_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    assert actual == expected


def test_coordinator_group_cannot_edit_groups_or_delete_accounts():
    codenames = set(Group.objects.get(name=COORDINATOR_GROUP).permissions.values_list("codename", flat=True))
    assert not {"add_group", "change_group", "delete_group", "delete_user", "change_permission"} & codenames
