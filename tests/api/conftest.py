"""A small catalogue for the API tests: published aanbod with everything HSDS can show, and the things
that must never appear (an unpublished aanbod, an inactive partner's aanbod, registrations)."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from aanbod.models import Aanbod, Openingsuur, Taal, Thema
from tests import factories

from .hsds_official import OFFICIAL, OFFICIAL_31


def pytest_terminal_summary(terminalreporter):
    counted = OFFICIAL.validated + OFFICIAL_31.validated
    if counted:
        terminalreporter.write_line(
            f"HSDS: {OFFICIAL.validated} objects validated against the official 3.0 files, "
            f"{OFFICIAL_31.validated} against 3.1-dev"
        )


@pytest.fixture(scope="session")
def hsds_validate():
    """validate(instance, "service.json") against the official HSDS 3.0 schema file, formats checked."""
    return OFFICIAL.validate_object


@pytest.fixture(scope="session")
def hsds_answer():
    """validate(path_template, body, minimal=False): a 200 answer against the official openapi.json."""
    return OFFICIAL.validate_answer


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
