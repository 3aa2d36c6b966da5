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


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
