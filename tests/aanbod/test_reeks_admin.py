"""The Reeks admin: the series with its meetings and registrations inline."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from aanbod.services import inschrijvingen
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, coordinator):
    """A coordinator with a second factor (as in tests/aanbod/test_admin.py)."""
    Authenticator.objects.get_or_create(user=coordinator, type=Authenticator.Type.TOTP, defaults={"data": {}})
    client.force_login(coordinator)
    return client


def test_reeks_admin_change_page_shows_meetings_and_registrations(admin_client):
    reeks = factories.ReeksFactory(bijeenkomsten=3)
    inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Sara Peeters", email="sara@example.org", aantal_personen=1, taal="nl-be"
    )
    page = admin_client.get(reverse("admin:aanbod_reeks_change", args=[reeks.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Sara Peeters" in content
    assert content.count('name="activiteiten-') >= 3 or "activiteiten-TOTAL_FORMS" in content
    assert admin_client.get(reverse("admin:aanbod_reeks_changelist")).status_code == 200
