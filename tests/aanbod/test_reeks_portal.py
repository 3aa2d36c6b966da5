"""The partners' portal for series: create a course with its dates in one form, its registrations (list,
CSV); the outsider gets 404."""

import csv
import io

import pytest
from django.urls import reverse

from aanbod.models import Activiteit, Reeks
from aanbod.services import inschrijvingen
from tests import factories
from tests.partners.portal_helpers import client_for

pytestmark = pytest.mark.django_db


def test_portal_creates_a_course_with_its_dates_in_one_form(bob, partner_a):
    aanbod = factories.AanbodFactory(partner=partner_a, status="gepubliceerd")
    locatie = factories.LocatieFactory(partner=partner_a)
    response = client_for(bob).post(
        reverse("portal_activiteit_reeks", kwargs={"aanbod_pk": aanbod.pk}),
        {
            "weekdag": 1,
            "van": "19:30",
            "tot": "21:30",
            "vanaf": "2027-09-01",
            "tot_en_met": "2027-10-06",
            "locatie": locatie.pk,
            "capaciteit": 12,
            "max_personen_per_inschrijving": 2,
            "inschrijving_nodig": "on",
            "als_reeks": "on",
            "laat_instappen_tot_deel": 2,
            "herinnering_per_bijeenkomst": "on",
        },
    )
    assert response.status_code == 302
    reeks = Reeks.objects.get(aanbod=aanbod)
    assert reeks.capaciteit == 12 and reeks.herinnering_per_bijeenkomst
    meetings = list(Activiteit.objects.filter(aanbod=aanbod).order_by("start"))
    assert len(meetings) == 5
    assert all(m.reeks_id == reeks.pk and m.capaciteit is None for m in meetings)
    assert reeks.laat_instappen_tot == meetings[1]


def test_portal_series_page_lists_registrations_and_exports_csv(bob, partner_a):
    reeks = factories.ReeksFactory(aanbod__partner=partner_a)
    inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Sara Peeters", email="sara@example.org", aantal_personen=2, taal="nl-be"
    )
    client = client_for(bob)
    page = client.get(reverse("portal_reeks_detail", kwargs={"pk": reeks.pk}))
    assert page.status_code == 200
    assert "Sara Peeters" in page.content.decode()
    # A meeting's page lists the series' registrations (they registered for every meeting).
    meeting_page = client.get(reverse("portal_activiteit_detail", kwargs={"pk": reeks.bijeenkomsten[0].pk}))
    assert meeting_page.status_code == 200
    assert "Sara Peeters" in meeting_page.content.decode()
    response = client.get(reverse("portal_reeks_csv", kwargs={"pk": reeks.pk}))
    rows = list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "Sara Peeters" and rows[1][3] == "2"


def test_portal_series_outsider_gets_404(charlie, partner_a):
    reeks = factories.ReeksFactory(aanbod__partner=partner_a)
    client = client_for(charlie)
    assert client.get(reverse("portal_reeks_detail", kwargs={"pk": reeks.pk})).status_code == 404
    assert client.get(reverse("portal_reeks_csv", kwargs={"pk": reeks.pk})).status_code == 404


def test_portal_cancelling_a_meeting_counts_and_tells_the_series_registrants(
    bob, partner_a, django_capture_on_commit_callbacks
):
    from django.core import mail

    reeks = factories.ReeksFactory(aanbod__partner=partner_a)
    inschrijvingen.inschrijving_create(
        activiteit=reeks, naam="Sara", email="sara@example.org", aantal_personen=1, taal="nl-be"
    )
    meeting = reeks.bijeenkomsten[1]
    client = client_for(bob)
    url = reverse("portal_activiteit_annuleren", kwargs={"pk": meeting.pk})
    assert client.get(url).context["aantal"] == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"reden": "Ziek"}).status_code == 302
    assert [m.to[0] for m in mail.outbox] == ["sara@example.org"]
    assert client_for(charlie_of(partner_a)).get(url).status_code == 404


def charlie_of(partner_a):
    outsider = factories.UserFactory(email="buiten@example.org")
    factories.LidmaatschapFactory(user=outsider, partner=factories.PartnerFactory())
    return outsider
