"""A small catalogue for the API tests: published aanbod with everything HSDS can show, and the things
that must never appear (an unpublished aanbod, an inactive partner's aanbod, registrations)."""

import json
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from aanbod.models import Aanbod, Openingsuur, Taal, Thema
from tests import factories

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="session")
def hsds_registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text())
        resources.append((path.name, Resource.from_contents(contents, default_specification=_draft())))
    return Registry().with_resources(resources)


def _draft():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


@pytest.fixture(scope="session")
def hsds_validate(hsds_registry):
    """validate(instance, "service.json") against the shipped HSDS 3.0 schemas, formats checked."""

    def validate(instance, schema_name: str) -> None:
        schema = hsds_registry.contents(schema_name)
        validator = Draft202012Validator(schema, registry=hsds_registry, format_checker=FormatChecker())
        errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
        assert errors == [], "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])

    return validate


@pytest.fixture
def catalogue(partner_a, partner_b, gemeente_a, gemeente_b):
    """Two published aanbod of partner A, one of partner B; hidden ones next to them."""
    slapen = Thema.objects.get(slug="slapen")
    eten = Thema.objects.get(slug="eten-en-drinken")
    partner_a.telefoon = "09 123 45 67"
    partner_a.website = "https://opvoedingswinkel-a.example"
    partner_a.save()
    zaal = factories.LocatieFactory(
        naam="Huis van het Kind Gent",
        partner=partner_a,
        latitude="51.054300",
        longitude="3.721700",
        rolstoeltoegankelijk=True,
    )
    speelotheek = factories.LocatieFactory(naam="Spelotheek De Knikker", gemeente=gemeente_b, postcode="2000")
    slaap = factories.AanbodFactory(
        partner=partner_a,
        titel="Slapen zonder zorgen",
        soort=Aanbod.Soort.VORMINGSAVOND,
        leeftijd_van=0,
        leeftijd_tot=3,
        themas=[slapen],
        contact_email="info@a.example",
        contact_telefoon="09 765 43 21",
        kosten=Aanbod.Kosten.BETALEND,
        prijs="5.00",
        kansentarief=True,
        doelgroepen=["ouders"],
    )
    slaap.locaties.add(zaal)
    slaap.gemeenten.add(gemeente_a)
    slaap.talen.add(Taal.objects.get(code="nl"))
    activiteit = factories.ActiviteitFactory(aanbod=slaap, locatie=zaal)
    factories.InschrijvingFactory(activiteit=activiteit, naam="Geheime Ouder", email="geheim@ouder.example")
    factories.ActiviteitFactory(aanbod=slaap, locatie=zaal, geannuleerd=True)
    factories.ActiviteitFactory(
        aanbod=slaap,
        locatie=zaal,
        start=timezone.now() - timedelta(days=30),
        einde=timezone.now() - timedelta(days=30) + timedelta(hours=2),
    )
    spelotheek = factories.AanbodFactory(
        partner=partner_b,
        titel="Spelotheek op woensdag",
        soort=Aanbod.Soort.SPELOTHEEK,
        leeftijd_van=None,
        leeftijd_tot=None,
        aanstaande_ouders=True,
        inschrijving_nodig=False,
        themas=[eten],
    )
    factories.OpeningsuurFactory(
        aanbod=spelotheek,
        locatie=speelotheek,
        weekdag=Openingsuur.Weekdag.WOENSDAG,
        van=time(14),
        tot=time(17),
    )
    factories.OpeningsuurFactory(
        aanbod=spelotheek, weekdag=Openingsuur.Weekdag.ZATERDAG, van=time(10), tot=time(12)
    )
    derde = factories.AanbodFactory(partner=partner_a, titel="Babymassage", soort=Aanbod.Soort.WORKSHOP)
    concept = factories.AanbodFactory(partner=partner_a, titel="Geheim concept", status=Aanbod.Status.CONCEPT)
    factories.ActiviteitFactory(aanbod=concept)
    ingediend = factories.AanbodFactory(
        partner=partner_a, titel="Nog niet nagekeken", status=Aanbod.Status.INGEDIEND
    )
    inactief = factories.PartnerFactory(naam="Gestopte vzw", actief=False)
    verborgen = factories.AanbodFactory(partner=inactief, titel="Van een gestopte partner")
    return {
        "slaap": slaap,
        "spelotheek": spelotheek,
        "derde": derde,
        "hidden": [concept, ingediend, verborgen],
        "inactief": inactief,
        "zaal": zaal,
        "activiteit": activiteit,
    }
