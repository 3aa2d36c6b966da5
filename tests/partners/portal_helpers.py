"""Fixtures for the partners' portal tests: one partner A with aanbod, a location, an activity with a
registration and an open invitation, and the same for partner B. Import the fixtures you use into the test
module (pytest then finds them)."""

import pytest
from django.test import Client

from partners.models import Lidmaatschap
from tests import factories


@pytest.fixture
def locatie_a(partner_a):
    return factories.LocatieFactory(partner=partner_a, naam="Zaal A")


@pytest.fixture
def aanbod_a(partner_a, locatie_a):
    aanbod = factories.AanbodFactory(partner=partner_a, titel="Slaapworkshop A")
    aanbod.locaties.add(locatie_a)
    return aanbod


@pytest.fixture
def activiteit_a(aanbod_a, locatie_a):
    return factories.ActiviteitFactory(aanbod=aanbod_a, locatie=locatie_a)


@pytest.fixture
def inschrijving_a(activiteit_a):
    return factories.InschrijvingFactory(activiteit=activiteit_a, naam="Ouder A", email="ouder.a@example.org")


@pytest.fixture
def openingsuur_a(aanbod_a):
    return factories.OpeningsuurFactory(aanbod=aanbod_a)


@pytest.fixture
def uitnodiging_a(partner_a, alice):
    from partners.services import uitnodiging_create

    uitnodiging, _token = uitnodiging_create(
        email="nieuw@example.org", partner=partner_a, door=alice, send=False
    )
    return uitnodiging


@pytest.fixture
def bob_lidmaatschap(bob, partner_a):
    return Lidmaatschap.objects.get(user=bob, partner=partner_a)


@pytest.fixture
def locatie_b(partner_b):
    return factories.LocatieFactory(partner=partner_b, naam="Zaal B")


@pytest.fixture
def aanbod_b(partner_b):
    return factories.AanbodFactory(partner=partner_b, titel="Spelotheek B")


@pytest.fixture
def activiteit_b(aanbod_b, locatie_b):
    return factories.ActiviteitFactory(aanbod=aanbod_b, locatie=locatie_b)


@pytest.fixture
def vraag_a(bob, partner_a):
    """A question bob registered at partner A just now (still correctable)."""
    return factories.VraagFactory(geregistreerd_door=bob, geregistreerd_bij=partner_a)


@pytest.fixture
def gesprek_a(partner_a, gemeente_a):
    """A website question whose conversation is assigned to partner A."""
    from aanbod.models import Thema
    from vragen.services import gesprek_assign, gesprek_start

    gesprek, _code = gesprek_start(
        gemeente=gemeente_a, themas=[Thema.objects.get(slug="slapen")], leeftijdsband="1-3", tekst="Slapen?"
    )
    return gesprek_assign(gesprek=gesprek, partner=partner_a)


@pytest.fixture
def signaal_a(partner_a, alice):
    return factories.SignaalFactory(bron_partner=partner_a, aangemaakt_door=alice)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
